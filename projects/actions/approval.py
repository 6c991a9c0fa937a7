"""From the list to the approval (Art. 8 ¶2, 9, 4, 14): BDB's necessity review, DRC's
acceptance with a third-party evaluator, the evaluation report, the joint technical review by
five authorities, BDB's review of the preliminary-design content and DRC's approval in one or
two stages by the threshold of the policy in force."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.models import Organisation, User
from accounts.recipients import consultant_org_ids, unit_staff
from accounts.roles import Authority, OrgKind, Role
from core.enums import ActionCode
from core.errors import ActionInvalid
from core.findings import Finding
from core.money import format_wan, wan_to_yuan
from core.notify import notify
from policy.engine import enforce, evaluate_gate
from policy.lookup import policy_in_force
from policy.paths import approval_path_for

from ..contracts import (
    ProjectAcceptIn,
    ReviewAgreeIn,
    ReviewApproveIn,
    ReviewEvaluationReportIn,
    ReviewIsolationIn,
    ReviewListDecisionIn,
)
from ..machines import BDB, CONSULTANT, DRC, GOV, JOINT, PROJECT
from ..models import ApprovalPath, Project, ProjectState, Review, ReviewKind, ReviewState, Stage
from ..services import joint_review_status, project_context
from .base import (
    ProjectAction,
    ReviewAction,
    close_review,
    move_project,
    open_joint_review,
    open_review,
    project_link,
)
from .reviews import reject_at, return_at, sign_if_pending

S = ProjectState

RETURNED = L("已退回项目建设单位修改。")
LIST_SUCCESS = {
    S.LISTED: L("已列入项目清单。"),
    S.RETURNED: RETURNED,
    S.REJECTED: L("已作出不予列入的决定。"),
}


def notify_unit(project: Project, title: str, body: str = "") -> None:
    notify(
        unit_staff(project.unit_id),
        title=f"{title}：{project.code}《{project.name}》",
        body=body,
        link=project_link(project),
    )


class DecideListReview(ReviewAction):
    """BDB's necessity review (R8.2): an opinion per criterion, a priority and a decision —
    列入 (list), 退回 (return for revision) or 不予列入 (reject)."""

    label = L("提交审核结论")
    roles = BDB
    kinds = (ReviewKind.LIST,)
    Input = ReviewListDecisionIn
    article = "第八条"
    requirement = "R8.2"
    keep_input_when_blocked = True
    hint = L("逐项出具审核意见并确定优先级（第八条）。")
    confirm = L(
        "提交后审核结论即生效：列入的进入项目清单，退回的由建设单位修改，不予列入的审批终止（第八条）。"
    )

    def success_message(self, obj: Any, result: Any) -> str:
        return str(LIST_SUCCESS.get(result.state, _("已办理项目清单审核。")))

    def gate_code(self, obj: Any, data: Any) -> str:
        return "projects.list" if data is None or data.decision == "list" else ""

    def facts(self, obj: Any, data: Any) -> dict:
        if data is None:
            return {}
        return {
            "criteria": data.criteria_map(),
            "priority": data.priority,
            "confirm_remedy": data.confirm_remedy,
        }

    def project_transition_for(self, obj: Any, data: Any) -> str:
        return "list" if data is None or data.decision == "list" else str(data.decision)

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterable[Finding]:
        yield from super().refusals(obj, user, data)
        if data is not None and data.confirm_remedy and not obj.project.remedy_purpose:
            yield self.refuse(
                "R31.2",
                article="第三十一条",
                message="项目建设单位未将本项目申报为整改项目，无需确认（第三十一条、第三十二条）。",
                remedy="请取消“确认本项目为整改项目”；如确为整改项目，请退回由单位在项目信息中选择。",
            )

    def perform(self, obj: Review, data: ReviewListDecisionIn, user: Any, decision: Any) -> Any:
        project = obj.project
        obj.criteria = data.criteria_map()
        obj.priority = data.priority
        if data.decision == "return":
            return return_at(project, obj, user, data.opinion)
        if data.decision == "reject":
            return reject_at(project, obj, user, data.opinion)
        sign_if_pending(project, obj, user)
        close_review(
            obj, "list", user, opinion=data.opinion, criteria=obj.criteria, priority=obj.priority
        )
        project.priority = data.priority
        fields = ["priority"]
        if data.confirm_remedy and project.remedy_purpose and not project.remedy_confirmed_at:
            # Art. 31, 32: BDB confirms the project as the remedy of the unit's failing systems
            project.remedy_confirmed_at, project.remedy_confirmed_by = timezone.now(), user
            fields += ["remedy_confirmed_at", "remedy_confirmed_by"]
        move_project(
            project,
            "list",
            actor=user,
            event=ActionCode.PROJECT_LISTED,
            decision=decision,
            reason=f"经审核列入项目清单，优先级 {data.priority}（第八条）"
            + ("；确认为整改项目（第三十一条、第三十二条）" if len(fields) > 1 else ""),
            data={
                "criteria": obj.criteria,
                "priority": data.priority,
                "remedy_confirmed": project.remedy_purpose if len(fields) > 1 else "",
            },
            update_fields=tuple(fields),
        )
        notify_unit(project, "已列入项目清单")
        return project


def consultants() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind=OrgKind.CONSULTANT, is_active=True).order_by("name")
    )


def experts() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.CONSULTANT,
            memberships__organisation__kind=OrgKind.CONSULTANT,
        )
        .distinct()
        .order_by("username")
    )


class AcceptProject(ProjectAction):
    """DRC accepts a listed project and commissions a third-party evaluator (R9.2). The approval
    path is decided now by the threshold of the policy in force (R9.1); a total changed after a
    return re-decides it (``drafting.follow_amount``)."""

    label = L("受理并委托第三方评估")
    transition = "accept"
    gate = "projects.accept"
    Input = ProjectAcceptIn
    hint = L("受理已纳入项目清单的项目，按政策门槛确定审批阶段（第九条）。")
    success = L("已受理，并委托第三方咨询评估机构评估。")
    confirm = L("受理后按适用政策的门槛确定审批路径，并委托所选机构评估（第九条）。")

    def choices(self, obj: Any, user: Any) -> dict:
        return {
            "consultant": [(o.pk, o.name) for o in consultants()],
            "expert": [(u.pk, u.get_full_name() or u.username) for u in experts()],
        }

    def consultant(self, data: Any) -> Organisation | None:
        if data is None or data.consultant is None:
            return None
        return next((o for o in consultants() if o.pk == data.consultant), None)

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = ProjectAcceptIn.parse(data)
        org = self.consultant(clean)
        errors: dict[str, str] = {}
        if clean.consultant is not None and org is None:
            errors["consultant"] = _("请选择在册的第三方咨询评估机构。")
        if clean.expert is not None and org is not None:
            expert = User.objects.filter(pk=clean.expert, is_active=True).first()
            if expert is None or org.pk not in consultant_org_ids(expert):
                errors["expert"] = _("评估专家须属于所选咨询评估机构。")
        if errors:
            raise ActionInvalid(_("填写内容有误，请按提示修改。"), errors)
        return clean

    def facts(self, obj: Any, data: Any) -> dict:
        if data is None:
            return {}
        org = self.consultant(data)
        return {"consultant": org.name if org else None}

    def perform(self, obj: Project, data: ProjectAcceptIn, user: Any, decision: Any) -> Project:
        org = self.consultant(data)
        assert org is not None  # the gate refuses without one (R9.2)
        policy = policy_in_force(obj.unit)
        obj.policy = policy
        obj.approval_path = approval_path_for(obj.total_investment, policy)
        move_project(
            obj,
            "accept",
            actor=user,
            event=ActionCode.PROJECT_ACCEPTED,
            decision=decision,
            reason=f"受理，委托{org.name}评估；{obj.get_approval_path_display()}"
            f"（总投资 {format_wan(obj.total_investment)} 万元，"
            f"门槛 {format_wan(policy.p.approval_threshold)} 万元）",
            data={"consultant": org.name, "approval_path": obj.approval_path, "note": data.note},
            update_fields=("policy", "approval_path"),
        )
        expert = User.objects.filter(pk=data.expert).first() if data.expert else None
        open_review(obj, ReviewKind.EVALUATION, consultant=org, assignee=expert)
        notify_unit(
            obj,
            "市发展改革委已受理",
            f"已委托{org.name}开展评估，审批路径：{obj.get_approval_path_display()}。",
        )
        return obj


class SubmitEvaluationReport(ReviewAction):
    """The consultant's evaluation report: a conclusion and an opinion on each of the five
    chapters (R14.2). Opens the joint technical review."""

    label = L("提交评估报告")
    roles = CONSULTANT
    kinds = (ReviewKind.EVALUATION,)
    Input = ReviewEvaluationReportIn
    gate = "projects.evaluation.report"
    article = "第九条"
    requirement = "R9.2"
    keep_input_when_blocked = True
    hint = L("对五个章节逐一出具评估意见（第十四条），可在下方上传评估报告。")
    success = L("已提交评估报告，项目进入联合技术审查。")
    confirm = L("提交后评估报告和五个章节的评估意见记入审批记录，项目进入联合技术审查（第九条）。")

    def facts(self, obj: Any, data: Any) -> dict:
        if data is None:
            return {}
        from documents.services import has_document

        has_report = bool(data.opinion) or has_document(obj, "evaluation_report")
        return {"chapter_opinions": data.chapter_opinions, "has_report": has_report}

    project_transition = "report_evaluation"

    def perform(self, obj: Review, data: ReviewEvaluationReportIn, user: Any, decision: Any) -> Any:
        project = obj.project
        close_review(
            obj, "report", user, opinion=data.opinion, chapter_opinions=data.chapter_opinions
        )
        move_project(
            project,
            "report_evaluation",
            actor=user,
            event=ActionCode.EVALUATION_REPORTED,
            decision=decision,
            reason="提交项目评估报告，进入联合技术审查（第九条）",
            data={"chapter_opinions": data.chapter_opinions},
        )
        open_joint_review(project)
        return project


class GiveJointOpinion(ReviewAction):
    """One authority's opinion in the joint review. Any one returns the project; when the last
    of the five agrees, the review is complete and goes to DRC for approval (R9.3)."""

    label = L("提交审查意见")
    roles = JOINT
    kinds = (ReviewKind.JOINT,)
    Input = ReviewAgreeIn
    article = "第九条"
    requirement = "R9.3"
    hint = L("五个主管部门均同意后报市发展改革委批复（第九条）。")
    confirm = L("审查意见提交后记入审批记录；不同意的，项目退回建设单位修改（第九条）。")

    def success_message(self, obj: Any, result: Any) -> str:
        return str(RETURNED if result.state == S.RETURNED else _("已提交同意意见。"))

    project_transition = "complete_joint_review"

    def perform(self, obj: Review, data: ReviewAgreeIn, user: Any, decision: Any) -> Any:
        project = obj.project
        if not data.agree:
            return return_at(project, obj, user, data.opinion)
        close_review(obj, "agree_joint", user, opinion=data.opinion)
        status = joint_review_status(project, Stage.FSR)
        if any(s != ReviewState.AGREED for s in status.values()):
            return project
        # the last of the five: the completion is a gate of its own (R9.3), stored
        ctx = project_context(project, user)
        complete = enforce(
            evaluate_gate("projects.joint_review.complete", ctx, organisation=project.unit)
        )
        move_project(
            project,
            "complete_joint_review",
            actor=user,
            event=ActionCode.JOINT_REVIEW_COMPLETED,
            decision=complete,
            reason="网络安全、预算管理、政务数据资源、密码应用、保密五个主管部门均已同意（第九条）",
            data={"status": status},
        )
        open_review(project, ReviewKind.DRC_APPROVAL, authority=Authority.DRC)
        return project


class ReviewDesignContent(ReviewAction):
    """BDB's content review of the preliminary design (R4.1): agree → DRC approves; or return."""

    label = L("提交内容审核意见")
    roles = BDB
    kinds = (ReviewKind.DESIGN_CONTENT,)
    Input = ReviewAgreeIn
    article = "第四条"
    requirement = "R4.1"
    hint = L("初步设计方案内容须经市大数据发展局审核同意后再报批（第四条）。")
    confirm = L(
        "审核意见提交后记入审批记录；同意的报市发展改革委批复，不同意的退回建设单位修改（第四条）。"
    )

    def success_message(self, obj: Any, result: Any) -> str:
        if result.state == S.RETURNED:
            return str(RETURNED)
        return _("已审核同意，报市发展改革委批复。")

    def gate_code(self, obj: Any, data: Any) -> str:
        return "projects.design.content" if data is None or data.agree else ""

    def facts(self, obj: Any, data: Any) -> dict:
        return {"stage": Stage.DESIGN}

    project_transition = "review_design_content"

    def perform(self, obj: Review, data: ReviewAgreeIn, user: Any, decision: Any) -> Any:
        project = obj.project
        if not data.agree:
            return return_at(project, obj, user, data.opinion)
        close_review(obj, "agree_design", user, opinion=data.opinion)
        move_project(
            project,
            "review_design_content",
            actor=user,
            event=ActionCode.DESIGN_CONTENT_REVIEWED,
            decision=decision,
            reason="市大数据发展局审核初步设计内容同意（第四条）",
        )
        open_review(project, ReviewKind.DRC_APPROVAL, authority=Authority.DRC, stage=Stage.DESIGN)
        return project


class ReviewProjectIsolation(ReviewAction):
    """Art. 31: "联网通办是原则，孤网是例外" — a project that cannot share (an isolated network)
    is built only after BDB's initial review and the city government's approval. BDB's
    agreement sends it to the city government; either may refuse, with its reasons."""

    label = L("出具孤网建设意见")
    roles = BDB + GOV
    kinds = (ReviewKind.ISOLATION,)
    Input = ReviewIsolationIn
    article = "第三十一条"
    requirement = "R31.1"
    hint = L("确有必要建设的孤网项目，由市大数据发展局初审，报市政府批准后方可建设（第三十一条）。")

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已出具孤网建设意见。")

    def perform(self, obj: Review, data: ReviewIsolationIn, user: Any, decision: Any) -> Any:
        project = obj.project
        close_review(
            obj, "agree_isolation" if data.agree else "refuse_isolation", user, opinion=data.opinion
        )
        if data.agree and obj.authority == Authority.BDB:
            open_review(project, ReviewKind.ISOLATION, authority=Authority.GOV)
        who = "市大数据发展局初审" if obj.authority == Authority.BDB else "市政府"
        notify_unit(project, f"孤网建设{who}{'同意' if data.agree else '不同意'}", data.opinion)
        return project


def approval_code(project: Project) -> str:
    """The approval a project is at: the design, the FSR of a two-stage project, or the
    single approval of FSR and budget (R9.1)."""
    if project.state == S.DESIGN_DRC_REVIEW:
        return "approve_design"
    if project.approval_path == ApprovalPath.TWO:
        return "approve_fsr"
    return "approve_single"


class ApproveProject(ReviewAction):
    """DRC's approval (批复) with an opinion on each of the five chapters (R14.2). Below the
    threshold it approves FSR + budget in one stage; at or above it first the FSR, later the
    preliminary design + budget after BDB's content review (R9.1, R4.1)."""

    label = L("批复")
    roles = DRC
    kinds = (ReviewKind.DRC_APPROVAL,)
    Input = ReviewApproveIn
    article = "第九条"
    requirement = "R9.1"
    keep_input_when_blocked = True
    hint = L("对五个章节逐一出具意见并填写批复文号（第九条、第十四条）。")

    def success_message(self, obj: Any, result: Any) -> str:
        number = Review.objects.filter(pk=obj.pk).values_list("document_number", flat=True)
        return _("已批复（%(n)s）。") % {"n": number.first() or ""}

    confirm = L("批复后项目进入下一阶段，批复文号和五个章节意见记入审批记录（第九条）。")

    def gate_code(self, obj: Any, data: Any) -> str:
        return str(PROJECT[approval_code(obj.project)].gate)

    def target_label(self, obj: Any) -> str:
        step = PROJECT[approval_code(obj.project)].label
        return f"{super().target_label(obj)} · {step}"

    def amount(self, obj: Review, data: ReviewApproveIn) -> Any:
        if data.approved_amount_wan is None:
            return obj.project.total_investment
        return wan_to_yuan(data.approved_amount_wan)

    def facts(self, obj: Any, data: Any) -> dict:
        if data is None:
            return {}
        return {
            "chapter_opinions": data.chapter_opinions,
            "document_number": data.document_number,
            "approved_amount": self.amount(obj, data),
            "over_request_reason": data.over_request_reason,
        }

    def project_transition_for(self, obj: Any, data: Any) -> str:
        return approval_code(obj.project)

    def perform(self, obj: Review, data: ReviewApproveIn, user: Any, decision: Any) -> Any:
        project = obj.project
        code = approval_code(project)
        step = PROJECT[code]
        amount = self.amount(obj, data)
        number = data.document_number
        close_review(
            obj,
            "approve",
            user,
            opinion=data.opinion,
            chapter_opinions=data.chapter_opinions,
            document_number=number,
            approved_amount=amount,
            over_request_reason=data.over_request_reason,
        )
        if code == "approve_fsr":
            project.fsr_approved_at = timezone.now()
            event, reason = (
                ActionCode.FSR_APPROVED,
                "批复可行性研究报告，请依据批复编制初步设计及概（预）算",
            )
            fields: tuple[str, ...] = ("fsr_approved_at",)
        else:
            project.approved_at = timezone.now()
            project.approved_total = amount
            event, reason = (
                ActionCode.PROJECT_APPROVED,
                f"{step.label}，核定总投资 {format_wan(amount)} 万元",
            )
            fields = ("approved_at", "approved_total")
        move_project(
            project,
            code,
            actor=user,
            event=event,
            decision=decision,
            reason=f"{reason}（{number}）",
            data={
                "document_number": number,
                "approved_amount": amount,
                "over_request_reason": data.over_request_reason,
            },
            update_fields=fields,
        )
        notify_unit(project, str(step.label), f"批复文号：{number}")
        return project


decide_list_review = DecideListReview()
review_project_isolation = ReviewProjectIsolation()
accept_project = AcceptProject()
submit_evaluation_report = SubmitEvaluationReport()
give_joint_opinion = GiveJointOpinion()
review_design_content = ReviewDesignContent()
approve_project = ApproveProject()

__all__ = [
    "accept_project",
    "approve_project",
    "decide_list_review",
    "give_joint_opinion",
    "review_design_content",
    "submit_evaluation_report",
]
