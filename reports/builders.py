"""The five official documents whose data exist today, each built from the record that decided
it: DRC's 批复 (Art. 9, 14), BDB's list-review opinion (Art. 8), the joint technical review
opinion (Art. 9), the completion acceptance opinion (Art. 28) and Finance's O&M funding decision
notice (Art. 28, 31-33). Each ``issue_*`` is idempotent (one document per act); ``backfill``
issues the documents of acts recorded before this chapter existed.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from accounts.roles import Authority
from catalog.models import OMDecision, OMRun
from core.dates import today
from core.money import format_wan
from delivery.models import Acceptance, AcceptancePath, AcceptanceState
from documents.models import Chapter
from policy.paths import ApprovalPath
from projects.models import (
    JOINT_REVIEW_TOPIC,
    ListCriterion,
    Project,
    ProjectState,
    Review,
    ReviewKind,
    ReviewState,
    Stage,
    Verdict,
)

from .documents import authority_name, issue_document, on_action
from .models import DocumentKind, OfficialDocument
from .om import decided_runs
from .pdf import Clause, DocumentSpec

PREFIX = {
    DocumentKind.APPROVAL: "渝发改投",
    DocumentKind.LIST_REVIEW: "渝数据审",
    DocumentKind.JOINT_REVIEW: "渝发改审",
    DocumentKind.ACCEPTANCE: "渝数据验",
    DocumentKind.OM_NOTICE: "渝财运维",
}
NOTICE_LIST_LIMIT = 200  # systems named one by one in a notice; the rest are counted


def local_day(value: Any) -> Any:
    return timezone.localdate(value) if value is not None else today()


def project_facts(project: Project, *extra: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (
        ("项目编号", project.code),
        ("项目名称", project.name),
        ("建设单位", project.unit.name),
        ("项目类型", str(project.get_kind_display())),
        *extra,
    )


# -- 批复 (Art. 9, 14) ---------------------------------------------------------------------------


def approval_subject(project: Project, review: Review) -> str:
    if project.approval_path == ApprovalPath.TWO:
        return "可行性研究报告" if review.stage == Stage.FSR else "初步设计及概算"
    return "可行性研究报告（代初步设计）及概（预）算"


def approval_spec(review: Review, number: str) -> DocumentSpec:
    project = review.project
    what = approval_subject(project, review)
    amount = review.approved_amount or project.total_investment
    chapters = dict(Chapter.choices)
    clauses = [
        Clause(f"同意{project.name}{what}。", "第九条"),
        Clause(f"核定项目总投资 {format_wan(amount)} 万元。", "第九条"),
    ]
    for key, text in (review.chapter_opinions or {}).items():
        if text:
            clauses.append(Clause(f"{chapters.get(key, key)}：{text}", "第十四条"))
    if review.opinion:
        clauses.append(Clause(review.opinion, "第九条"))
    clauses.append(
        Clause(
            "请严格按照批复的建设内容、规模和投资组织实施；确需调整的，按规定办理调整手续。",
            "第二十六条",
        )
    )
    return DocumentSpec(
        title=f"关于{project.name}{what}的批复",
        number=number,
        issued_on=local_day(review.decided_at),
        authority=authority_name(Authority.DRC),
        recipient=project.unit.name,
        body=(
            f"你单位报送的{project.name}（项目编号 {project.code}）{what}收悉。经研究，现批复如下：",
        ),
        clauses=tuple(clauses),
        facts=project_facts(project, ("核定总投资（万元）", format_wan(amount))),
        cc=authority_name(Authority.FINANCE) + "，" + authority_name(Authority.BDB),
    )


def _issue_for_review(
    review: Review,
    spec: Callable[[Review, str], DocumentSpec],
    kind: DocumentKind,
    number: str = "",
) -> OfficialDocument:
    """The document a review's decision issues: filed with its project, signed by the one who
    decided, numbered in the kind's series (unless ``number`` is given)."""
    return issue_document(
        lambda number: spec(review, number),
        kind=kind,
        subject=review.project,
        project=review.project,
        source=review,
        actor=review.decided_by,
        prefix=PREFIX[kind],
        number=number,
    )


def issue_approval(review: Review) -> OfficialDocument:
    return _issue_for_review(
        review, approval_spec, DocumentKind.APPROVAL, number=review.document_number.strip()
    )


@on_action("projects.approve_project")
def _on_approval(result: Any, obj: Any) -> None:
    if isinstance(obj, Review) and obj.pk:
        issue_approval(Review.objects.select_related("project__unit").get(pk=obj.pk))


# -- list-review opinion (Art. 8) ----------------------------------------------------------------

LIST_CONCLUSION = {
    ReviewState.AGREED: "经审核，同意列入市级政务信息化项目清单，优先级为 {priority}。",
    ReviewState.RETURNED: "经审核，请你单位按上述意见修改后重新报送。",
    ReviewState.REJECTED: "经审核，不予列入市级政务信息化项目清单。",
}


def list_review_spec(review: Review, number: str) -> DocumentSpec:
    project = review.project
    criteria = dict(ListCriterion.choices)
    verdicts = dict(Verdict.choices)
    clauses = [
        Clause(
            f"{criteria.get(key, key)}：{verdicts.get(v.get('verdict'), '未评定')}。"
            + (v.get("opinion") or ""),
            "第八条",
        )
        for key, v in (review.criteria or {}).items()
    ]
    if review.opinion:
        clauses.append(Clause(review.opinion, "第八条"))
    conclusion = LIST_CONCLUSION[ReviewState(review.state)].format(priority=review.priority or "—")
    clauses.append(Clause(conclusion, "第八条"))
    return DocumentSpec(
        title=f"关于{project.name}项目需求的审核意见",
        number=number,
        issued_on=local_day(review.decided_at),
        authority=authority_name(Authority.BDB),
        recipient=project.unit.name,
        body=(
            f"你单位申报的{project.name}（项目编号 {project.code}）项目需求收悉。"
            "我局对其建设依据、系统整合、数据共享、跨部门共性需求和数据治理进行了必要性审查，意见如下：",
        ),
        clauses=tuple(clauses),
        facts=project_facts(project, ("申报总投资（万元）", format_wan(project.total_investment))),
    )


def issue_list_review(review: Review) -> OfficialDocument:
    return _issue_for_review(review, list_review_spec, DocumentKind.LIST_REVIEW)


@on_action("projects.decide_list_review")
def _on_list_review(result: Any, obj: Any) -> None:
    if isinstance(obj, Review) and obj.pk:
        review = Review.objects.select_related("project__unit").get(pk=obj.pk)
        if review.state in LIST_CONCLUSION:
            issue_list_review(review)


# -- joint technical review opinion (Art. 9) -------------------------------------------------------


def joint_reviews(project: Project, stage: str = Stage.FSR) -> list[Review]:
    """The agreed opinions of the latest complete round of the joint review."""
    agreed = Review.objects.filter(
        project=project, kind=ReviewKind.JOINT, stage=stage, state=ReviewState.AGREED
    )
    last_round = agreed.order_by("-round").values_list("round", flat=True).first()
    return list(agreed.filter(round=last_round).order_by("authority"))


def joint_review_spec(project: Project, reviews: list[Review], number: str) -> DocumentSpec:
    decided = [r.decided_at for r in reviews if r.decided_at]
    clauses = [
        Clause(
            f"{JOINT_REVIEW_TOPIC.get(Authority(r.authority), '')}（{authority_name(r.authority)}）：同意。"
            + (r.opinion or ""),
            "第九条",
        )
        for r in reviews
    ]
    clauses.append(
        Clause("联合技术审查通过，转市发展改革委按程序审批。", "第九条"),
    )
    return DocumentSpec(
        title=f"关于{project.name}联合技术审查的意见",
        number=number,
        issued_on=local_day(max(decided) if decided else None),
        authority=authority_name(Authority.DRC),
        recipient=project.unit.name,
        body=(
            f"市发展改革委会同网络安全、预算管理、政务数据资源、密码应用、保密工作主管部门，"
            f"对{project.name}（项目编号 {project.code}）进行了联合技术审查。各部门意见如下：",
        ),
        clauses=tuple(clauses),
        facts=project_facts(project),
        cc="，".join(authority_name(r.authority) for r in reviews),
    )


def issue_joint_review(project: Project) -> OfficialDocument | None:
    reviews = joint_reviews(project)
    if len(reviews) < 5:
        return None
    last = max(reviews, key=lambda r: r.decided_at or timezone.now())
    return issue_document(
        lambda number: joint_review_spec(project, reviews, number),
        kind=DocumentKind.JOINT_REVIEW,
        subject=project,
        project=project,
        source=("projects.project", f"{project.pk}:fsr:{reviews[0].round}"),
        actor=last.decided_by,
        prefix=PREFIX[DocumentKind.JOINT_REVIEW],
    )


@on_action("projects.give_joint_opinion")
def _on_joint_opinion(result: Any, obj: Any) -> None:
    if isinstance(result, Project):
        project = Project.objects.select_related("unit").get(pk=result.pk)
        if project.state == ProjectState.DRC_REVIEW:
            issue_joint_review(project)


# -- acceptance opinion (Art. 28) ----------------------------------------------------------------


def acceptance_spec(acceptance: Acceptance, number: str) -> DocumentSpec:
    project = acceptance.project
    passed = acceptance.state == AcceptanceState.PASSED
    by_bdb = acceptance.path == AcceptancePath.BDB
    authority = authority_name(Authority.BDB) if by_bdb else project.unit.name
    verdict = "通过竣工验收" if passed else "未通过竣工验收"
    clauses = [
        Clause(f"{project.name}{verdict}。", "第二十八条"),
    ]
    if acceptance.conclusion:
        clauses.append(Clause(f"验收结论：{acceptance.conclusion}", "第二十八条"))
    if not passed:
        clauses.append(Clause("竣工验收未通过的项目，不得安排运行维护经费。", "第二十八条"))
    held = acceptance.held_on or local_day(acceptance.applied_at)
    return DocumentSpec(
        title=f"关于{project.name}竣工验收的意见",
        number=number,
        issued_on=held,
        authority=authority,
        recipient=project.unit.name if by_bdb else authority_name(Authority.BDB),
        body=(
            f"{held.year}年{held.month}月{held.day}日，"
            + ("市大数据发展局" if by_bdb else "项目建设单位")
            + f"组织对{project.name}（项目编号 {project.code}）进行了竣工验收。意见如下：",
        ),
        clauses=tuple(clauses),
        facts=project_facts(project, ("验收方式", str(acceptance.get_path_display()))),
    )


def issue_acceptance(acceptance: Acceptance) -> OfficialDocument | None:
    if acceptance.state not in (AcceptanceState.PASSED, AcceptanceState.FAILED):
        return None
    project = acceptance.project
    by_bdb = acceptance.path == AcceptancePath.BDB
    prefix = PREFIX[DocumentKind.ACCEPTANCE] if by_bdb else f"{project.unit.display_name}验"
    return issue_document(
        lambda number: acceptance_spec(acceptance, number),
        kind=DocumentKind.ACCEPTANCE,
        subject=project,
        project=project,
        source=acceptance,
        actor=acceptance.decided_by or acceptance.applied_by,
        prefix=prefix,
    )


@on_action("delivery.decide_acceptance", "delivery.file_unit_acceptance")
def _on_acceptance(result: Any, obj: Any) -> None:
    if isinstance(result, Acceptance):
        issue_acceptance(Acceptance.objects.select_related("project__unit").get(pk=result.pk))


# -- O&M funding decision notice (Art. 28, 31-33) --------------------------------------------------


def om_notice_spec(run: OMRun, unit: Any, decisions: list[OMDecision], number: str) -> DocumentSpec:
    from catalog.om_words import OM_RULE_META, explain

    refused = [d for d in decisions if not d.eligible]
    eligible = [d for d in decisions if d.eligible]
    clauses = []
    for d in refused[:NOTICE_LIST_LIMIT]:
        for reason in explain(d.reasons, d.system.name):
            article = OM_RULE_META.get(reason.get("rule_id", ""), ("",))[0]
            clauses.append(
                Clause(f"{d.system.code}《{d.system.name}》不予安排：{reason['message']}", article)
            )
    if len(refused) > NOTICE_LIST_LIMIT:
        clauses.append(
            Clause(
                f"另有 {len(refused) - NOTICE_LIST_LIMIT} 个系统不予安排，详见平台运维经费决定清单。"
            )
        )
    if eligible:
        names = "、".join(d.system.code for d in eligible[:NOTICE_LIST_LIMIT])
        more = f"等 {len(eligible)} 个" if len(eligible) > NOTICE_LIST_LIMIT else ""
        clauses.append(Clause(f"{names}{more}系统符合条件，可安排运行维护经费。", "第三十一条"))
    return DocumentSpec(
        title=f"关于{run.budget_year}年度政务信息系统运行维护经费安排的决定通知",
        number=number,
        issued_on=local_day(run.decided_at),
        authority=authority_name(Authority.FINANCE),
        recipient=unit.name,
        body=(
            f"根据{run.budget_year}年度运维经费决定（批次 {run.code}，政策版本 {run.policy.code}），"
            f"你单位 {len(decisions)} 个政务信息系统中，{len(eligible)} 个可安排运行维护经费，"
            f"{len(refused)} 个不予安排。具体如下：",
        ),
        clauses=tuple(clauses),
        facts=(
            ("预算年度", str(run.budget_year)),
            ("决定批次", run.code),
            ("系统数", str(len(decisions))),
            ("可安排", str(len(eligible))),
            ("不予安排", str(len(refused))),
        ),
    )


def issue_om_notices(
    run: OMRun, progress: Callable[[int, int], None] | None = None
) -> list[OfficialDocument]:
    """One notice per unit with systems in the run (Finance's decision, Art. 31, 32);
    ``progress(done, total)`` is told after each unit's notice."""
    by_unit: dict[int, list[OMDecision]] = defaultdict(list)
    decisions = (
        OMDecision.objects.filter(run=run).select_related("system__unit").order_by("system__code")
    )
    for d in decisions:
        by_unit[d.system.unit_id].append(d)
    issued = []
    for unit_decisions in by_unit.values():
        unit = unit_decisions[0].system.unit
        issued.append(
            issue_document(
                functools.partial(om_notice_spec, run, unit, unit_decisions),
                kind=DocumentKind.OM_NOTICE,
                # filed with the unit's first system: seen by its staff and by those who read
                # every unit's systems (Finance, BDB, DRC, the city government, Audit), as the
                # decisions themselves are
                subject=unit_decisions[0].system,
                source=("catalog.omrun", f"{run.pk}:{unit.pk}"),
                actor=run.decided_by,
                prefix=PREFIX[DocumentKind.OM_NOTICE],
            )
        )
        if progress is not None:
            progress(len(issued), len(by_unit))
    return issued


@on_action("catalog.decide_om_funding")
def _on_om_run(result: Any, obj: Any) -> None:
    """The notices of a run are generated in the background, as a job of whoever ran it."""
    from core.jobs import start_job

    run = latest_run(result.get("run", "")) if isinstance(result, dict) else None
    if run is not None and run.decided_by_id:
        title = gettext("生成 %(year)s 年运维经费决定通知书") % {"year": run.budget_year}
        start_job("reports.om_notices", title, run.decided_by, params={"run": run.pk})


def latest_run(code: str) -> OMRun | None:
    return decided_runs().filter(code=code).first()


# -- documents of acts recorded before ------------------------------------------------------------


def backfill(projects: Iterable[Project] | None = None) -> int:
    """Issue every missing document of the five kinds (idempotent); returns how many exist."""
    qs = Project.objects.select_related("unit") if projects is None else projects
    count = 0
    for project in qs:
        for review in Review.objects.filter(project=project, decided_by__isnull=False).order_by(
            "decided_at", "pk"
        ):
            if review.kind == ReviewKind.DRC_APPROVAL and review.state == ReviewState.AGREED:
                count += bool(issue_approval(review))
            elif review.kind == ReviewKind.LIST and review.state in LIST_CONCLUSION:
                count += bool(issue_list_review(review))
        if project.state not in (ProjectState.JOINT_REVIEW,) and len(joint_reviews(project)) >= 5:
            count += bool(issue_joint_review(project))
        for acceptance in Acceptance.objects.filter(project=project).exclude(decided_by=None):
            count += bool(issue_acceptance(acceptance))
    return count
