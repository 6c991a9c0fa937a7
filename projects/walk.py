"""Drive a project through the lifecycle with the real actions, as the real roles would.

Used by the demo data (a project in every state), by tests that need a project at some state,
and by the benchmark. Nothing here bypasses an action: if a gate blocks, the walk fails."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from accounts.models import Organisation
from accounts.roles import OrgKind
from documents import actions as document_actions
from planning.services import current_filed_revision

from . import actions
from .models import (
    JOINT_REVIEW_AUTHORITIES,
    Chapter,
    ListCriterion,
    ProjectState,
    Review,
    ReviewKind,
    Stage,
)
from .services import current_project_list, is_on_published_list

S = ProjectState
PDF = b"%PDF-1.4\n% govit demo document\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
JOINT_USER = {
    "cac": "wxb_shencha",
    "finance": "czj_jingban",
    "bdb": "dsj_shenhe",
    "crypto": "mmj_shencha",
    "secrecy": "bmj_shencha",
}
CHAPTER_TEXT = {
    Chapter.DATA_GOVERNANCE: "梳理业务事项 36 项、数据资源 128 类，明确数据来源和治理责任。",
    Chapter.DATA_SHARING: "共享数据资源 42 类，通过市一体化数据资源平台无条件共享 30 类。",
    Chapter.SECURITY: "按网络安全等级保护第三级要求建设，部署在数字重庆云安全区。",
    Chapter.CRYPTO: "采用 SM2/SM3/SM4 商用密码算法，身份鉴别和重要数据传输存储加密。",
    Chapter.INTENSIVE: "复用市级统一身份认证、电子印章和数据共享交换平台，不新建机房。",
}
OPINION_TEXT = {c: f"{label}：内容完整，措施可行。" for c, label in Chapter.choices}


# The order of the states along the happy path (list review sits between submit and list).
HAPPY_PATH_RANK: dict[str, int] = {
    S.DRAFT: 0,
    S.SUBMITTED: 1,
    S.LIST_REVIEW: 1,
    S.LISTED: 2,
    S.EVALUATION: 3,
    S.JOINT_REVIEW: 4,
    S.DRC_REVIEW: 5,
    S.FSR_APPROVED: 6,
    S.DESIGN_REVIEW: 7,
    S.DESIGN_DRC_REVIEW: 8,
    S.APPROVED: 9,
}


def pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


class Walker:
    """``people`` maps demo usernames to users (``accounts.demo.seed_directory()``)."""

    def __init__(self, people, unit_user="jw_tianbao"):
        self.p = people
        self.officer = people[unit_user]

    # -- unit ------------------------------------------------------------------------------

    def create(
        self, name, wan, *, item_name=None, kind=None, year=None, name_systems=True, **fields
    ):
        """A draft of the officer's unit for the master-plan item ``item_name`` (or ``name``).
        An expansion without a predecessor names the unit's first catalogued system as the one
        it improves (R31.4.systems-named), unless ``name_systems`` is False."""
        project = self._create(name, wan, item_name=item_name, kind=kind, year=year, **fields)
        if name_systems and project.kind == "expansion" and project.predecessor_id is None:
            self.name_improved_system(project)
        return project

    def name_improved_system(self, project):
        """The unit's first catalogued system (registered when it has none) as the system the
        expansion improves, in its requirement profile."""
        from catalog.demo import register
        from catalog.models import InformationSystem
        from evidence import actions as evidence

        unit = project.unit
        system = InformationSystem.objects.filter(unit=unit).order_by("code").first()
        if system is None:
            system = register(
                self.officer,
                f"SYS-{unit.pk:03d}-001",
                f"{unit.display_name}业务平台",
                curate_by=self.p["dsj_shenhe"],
            )
        evidence.describe_requirement(
            project,
            acting_user=self.officer,
            goals=f"{project.name}：在已有系统上改扩建。",
            systems=[system.pk],
        )
        return system

    def _create(self, name, wan, *, item_name=None, kind=None, year=None, **fields):
        unit = self.officer.primary_organisation
        revision = current_filed_revision(unit)
        item = revision.items.get(name=item_name or name) if revision else None
        data = {
            "name": name,
            "kind": kind or (item.kind if item else "new"),
            "year": year or (item.planned_year if item else 2026),
            "total_investment_wan": str(wan),
            "plan_item": str(item.key) if item else "",
            "requirement": f"{name}：按总体方案建设，支撑业务协同和数据共享。",
            "basis": "《重庆市市级政务信息化项目管理办法》及本部门整合建设总体方案。",
            "integration_plan": "整合本部门现有 3 个业务系统，统一入口和数据底座。",
            "sharing_plan": "通过市一体化数据资源平台共享。",
            "secure_reliable_statement": "采用通过安全可靠测评的国产服务器、操作系统和数据库。",
            "share_conditions": "经申请审核后向有关政务部门共享。",
            "mlps_level": 3,
            "crypto_status": "已编制密码应用方案",
        }
        data.update(fields)
        return actions.create_project(acting_user=self.officer, unit=unit, **data)

    def chapters(self, project, stage=Stage.FSR):
        for chapter, body in CHAPTER_TEXT.items():
            actions.declare_chapter(
                project, acting_user=self.officer, stage=stage, chapter=chapter, text_content=body
            )

    def attach(self, project, doc_type, title):
        document_actions.upload_document(
            project,
            acting_user=self.officer,
            doc_type=doc_type,
            title=title,
            file=pdf(f"{doc_type}.pdf"),
        )

    def submit(self, project):
        return actions.submit_project(project, acting_user=self.officer)

    # -- reviewers -------------------------------------------------------------------------

    def open_review(self, project, kind, authority=None) -> Review:
        qs = Review.objects.filter(project=project, kind=kind, state__in=["pending", "in_progress"])
        if authority:
            qs = qs.filter(authority=authority)
        return qs.get()

    def list(self, project, priority=1):
        review = self.open_review(project, ReviewKind.LIST)
        if review.state == "pending":
            actions.start_review(review, acting_user=self.p["dsj_shenhe"])
        criteria = {c: {"verdict": "pass", "opinion": "符合要求。"} for c in ListCriterion.values}
        return actions.decide_list_review(
            review,
            acting_user=self.p["dsj_shenhe"],
            decision="list",
            criteria=criteria,
            priority=priority,
            opinion="同意列入项目清单。",
        )

    def publish(self, year):
        return actions.publish_project_list(acting_user=self.p["dsj_shenhe"], year=year)

    def accept(self, project):
        if is_on_published_list(project) is None:
            self.publish(project.year)
        consultant = Organisation.objects.filter(kind=OrgKind.CONSULTANT).order_by("pk").first()
        return actions.accept_project(
            project, acting_user=self.p["fgw_jingban"], consultant=consultant.pk
        )

    def evaluate(self, project):
        review = self.open_review(project, ReviewKind.EVALUATION)
        return actions.submit_evaluation_report(
            review,
            acting_user=self.p["zx_pinggu"],
            chapter_opinions=OPINION_TEXT,
            opinion="项目建设必要，方案基本可行，建议核定总投资如申报。",
        )

    def joint(self, project, *, skip=()):
        for authority in JOINT_REVIEW_AUTHORITIES:
            if authority in skip:
                continue
            review = self.open_review(project, ReviewKind.JOINT, authority)
            project = actions.give_joint_opinion(
                review, acting_user=self.p[JOINT_USER[authority]], agree=True, opinion="同意。"
            )
        return project

    def approve(self, project, number="渝发改数〔2026〕1号"):
        review = self.open_review(project, ReviewKind.DRC_APPROVAL)
        return actions.approve_project(
            review,
            acting_user=self.p["fgw_jingban"],
            chapter_opinions=OPINION_TEXT,
            document_number=number,
            opinion="同意批复。",
        )

    def submit_design(self, project):
        self.chapters(project, Stage.DESIGN)
        return actions.submit_design(project, acting_user=self.officer)

    def design_content(self, project):
        review = self.open_review(project, ReviewKind.DESIGN_CONTENT)
        return actions.review_design_content(
            review, acting_user=self.p["dsj_shenhe"], agree=True, opinion="初步设计内容符合要求。"
        )

    # -- whole walks -----------------------------------------------------------------------

    def ready_for_approval_docs(self, project):
        self.attach(project, "data_catalog", "数据资源目录")
        self.attach(project, "crypto_plan", "密码应用方案")

    def walk(self, project, target: str):
        """Advance ``project`` to ``target`` along the happy path, from whatever state of that
        path it is in (a draft, or a project an earlier walk left half-way)."""
        order: list[tuple[str, Callable[[Any], Any]]] = [
            (S.SUBMITTED, self.submit),
            (S.LISTED, self.list),
            (S.EVALUATION, self._accept_with_docs),
            (S.JOINT_REVIEW, self.evaluate),
            (S.DRC_REVIEW, self.joint),
            (S.FSR_APPROVED, self.approve),
            (S.DESIGN_REVIEW, self.submit_design),
            (S.DESIGN_DRC_REVIEW, self.design_content),
            (S.APPROVED, self.approve),
        ]
        for state, step in order:
            if project.state == target:
                return project
            if HAPPY_PATH_RANK.get(project.state, -1) >= HAPPY_PATH_RANK[state]:
                continue  # already past this step
            if state == S.FSR_APPROVED and project.approval_path != "two":
                state = S.APPROVED
            if state in (S.DESIGN_REVIEW, S.DESIGN_DRC_REVIEW) and project.approval_path != "two":
                continue
            if state == S.APPROVED and project.state == S.APPROVED:
                return project
            project = step(project)
            project.refresh_from_db()
        return project

    def _accept_with_docs(self, project):
        self.chapters(project)
        self.ready_for_approval_docs(project)
        return self.accept(project)


def walk_to(people, name, wan, target, *, unit_user="jw_tianbao", **fields):
    walker = Walker(people, unit_user)
    project = walker.create(name, Decimal(str(wan)), **fields)
    return walker.walk(project, target)


__all__ = ["Walker", "current_project_list", "walk_to"]
