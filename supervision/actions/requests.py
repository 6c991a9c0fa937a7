"""Requests for materials and information (Art. 34, R34.1).

An authority asks a unit — on a project, a system or the unit itself — for materials or
information by a deadline. The unit answers with text and documents and attests that the
answer is true and complete, or declines (a finding against it). An unanswered request past its
deadline is a finding too: the sweep records it, or the authority does. The authority closes
the request or asks for more by a new deadline."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import unit_staff
from core.notify import notify
from policy.engine import GateContext

from ..authorities import REQUESTERS, REQUESTING_AUTHORITIES
from ..contracts import (
    SupervisionAnswerIn,
    SupervisionDeclineIn,
    SupervisionRequestIn,
    SupervisionReturnIn,
    SupervisionReviewIn,
    UnitRequestIn,
)
from ..machines import REQUEST
from ..models import RequestState, SupervisionEvent, SupervisionRequest
from ..notices import clause, request_text
from .base import (
    ByIssuer,
    ByUnit,
    OnProject,
    OnSystem,
    OnUnit,
    RecordOverdue,
    SupervisionAction,
    Withdraw,
    lapse_record,
    number_problems,
    numbered,
    save_notice,
)

E = SupervisionEvent
PAGE = "supervision.supervisionrequest"
ATTESTATION = "本单位承诺所提供的资料和情况真实、完整，无拒绝、隐匿、瞒报（第三十四条）。"


class IssueRequest(SupervisionAction):
    """An authority asks a unit for materials or information by a deadline (Art. 34)."""

    label = _("要求提供资料和情况")
    authorities = REQUESTING_AUTHORITIES
    roles = REQUESTERS
    Input = SupervisionRequestIn
    article = "第三十四条"
    requirement = "R34.1"
    style = "outline-primary"
    hint = _("建设单位应如实提供，不得拒绝、隐匿、瞒报（第三十四条）。")
    success = _("已发出要求；建设单位将收到通知，逾期未答复的记为监督发现。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return self.desk(user) is not None

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        return number_problems(SupervisionRequest, data)

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> SupervisionRequest:
        unit, project, system = self.subject_of(obj, data)  # type: ignore[attr-defined]
        req = SupervisionRequest(
            unit=unit,
            project=project,
            system=system,
            purpose=data.purpose,
            matter=data.matter,
            deadline=data.deadline,
            issued_by=user,
        )
        numbered(req, data, self.desk(user), "督函")
        req.notice_text = request_text(req)
        req.clauses = [clause("第三十四条")]
        save_notice(req)
        self.record(
            E.REQUEST_ISSUED,
            user,
            req,
            f"{req.authority.display_name}要求{unit.name}于 {req.deadline:%Y-%m-%d} 前如实提供"
            f"资料和情况（{req.number}）：{req.matter[:80]}",
            data={"number": req.number, "deadline": req.deadline},
        )
        self.tell_unit(
            req,
            f"请提供资料和情况：{req.number}，{req.deadline:%Y-%m-%d} 前答复（第三十四条）",
            req.matter,
        )
        return req


class RequestMaterials(OnProject, IssueRequest):
    """Ask the unit for materials or information on one of its projects (Art. 34)."""


class RequestSystemMaterials(OnSystem, IssueRequest):
    """Ask the unit for materials or information on one of its systems (Art. 34)."""


class RequestUnitMaterials(OnUnit, IssueRequest):
    """Ask a unit for materials or information, naming a project or system if any (Art. 34)."""

    Input = UnitRequestIn


class OnRequest(SupervisionAction):
    """An act on a request, offered on its page."""

    model = SupervisionRequest
    machine = REQUEST
    offered_on = PAGE
    article = "第三十四条"
    requirement = "R34.1"


class AnswerRequest(OnRequest, ByUnit):
    """The unit answers with text (and documents on the request's page) and attests that the
    answer is true and complete (Art. 34: 如实提供，不得拒绝、隐匿、瞒报)."""

    label = _("如实提供资料和情况")
    transition = "answer"
    Input = SupervisionAnswerIn
    gate = "supervision.request.answer"
    success = _("已答复，发文机关将收到通知。")
    confirm = _("提交即承诺所提供的资料和情况真实、完整，无拒绝、隐匿、瞒报（第三十四条）。")

    def gate_code(self, obj: Any, data: Any) -> str:
        # the attestation is part of the answer: asked only once the answer is given
        return self.gate if data is not None else ""

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        ctx = super().context(obj, user, data)
        ctx.facts = {"attest": bool(data and data.attest), "answer_length": len(data.answer)}
        return ctx

    def perform(self, obj: SupervisionRequest, data: Any, user: Any, decision: Any) -> Any:
        now = timezone.now()
        late = now.date() > obj.deadline or obj.state == RequestState.OVERDUE
        obj.answer = data.answer
        obj.attestation = (
            f"{ATTESTATION}（{user.get_full_name() or user.username}，{now:%Y-%m-%d}）"
        )
        obj.answered_by = user
        obj.answered_at = now
        obj.was_overdue = obj.was_overdue or late
        self.take(
            REQUEST,
            obj,
            "answer",
            user=user,
            event=E.REQUEST_ANSWERED,
            decision=decision,
            reason=f"答复{obj.number}" + ("（逾期）" if late else ""),
            fields=("answer", "attestation", "answered_by", "answered_at", "was_overdue"),
        )
        self.tell_authority(
            obj, f"已答复：{obj.number}（{obj.unit.display_name}）", data.answer[:200]
        )
        return obj


class DeclineRequest(OnRequest, ByUnit):
    """The unit declines to provide what was asked, with its reason: a finding against it
    (Art. 34: 不得拒绝) that an authority may order rectified."""

    label = _("不能提供")
    transition = "decline"
    Input = SupervisionDeclineIn
    style = "outline-danger"
    success = _("已告知发文机关不能提供；此情况记为对本单位的监督发现（第三十四条）。")
    confirm = _("不能提供将记为对本单位的监督发现，发文机关可责令限期整改（第三十四条）。")

    def perform(self, obj: SupervisionRequest, data: Any, user: Any, decision: Any) -> Any:
        obj.refusal_reason = data.reason
        self.take(
            REQUEST,
            obj,
            "decline",
            user=user,
            event=E.REQUEST_DECLINED,
            reason=f"拒绝提供（{obj.number}）：{data.reason}",
            fields=("refusal_reason",),
        )
        self.tell_authority(obj, f"拒绝提供：{obj.number}（{obj.unit.display_name}）", data.reason)
        return obj


def lapse_request(req: SupervisionRequest, user: Any = None) -> None:
    """The deadline passed without an answer: record it (the sweep, or the authority)."""
    lapse_record(
        REQUEST,
        req,
        user,
        event=E.REQUEST_OVERDUE,
        reason=f"{req.number}逾期未答复，期限 {req.deadline:%Y-%m-%d}（第三十四条）",
    )
    notify(
        unit_staff(req.unit_id),
        title=f"逾期未答复：{req.number}（期限 {req.deadline:%Y-%m-%d}）",
        body="逾期未提供资料和情况已记为对本单位的监督发现（第三十四条），请立即答复。",
        link=req.get_absolute_url(),
        dedupe_key=f"supervision:request:{req.pk}:overdue",
    )


class RecordRequestOverdue(OnRequest, RecordOverdue):
    """The authority records that the deadline passed without an answer (the sweep does the
    same each day)."""

    label = _("登记逾期未答复")
    success = _("已登记逾期未答复。")
    not_due = (
        "R34.1.not-due",
        N_("答复期限 %(deadline)s 尚未届满（第三十四条）。"),
        N_("期限届满仍未答复的，再登记逾期。"),
    )

    def lapse(self, obj: Any, user: Any) -> None:
        lapse_request(obj, user)


class AcceptAnswer(OnRequest, ByIssuer):
    """The authority accepts the answer and closes the request."""

    label = _("办结")
    transition = "accept"
    Input = SupervisionReviewIn
    style = "outline-success"
    success = _("已办结。")

    def perform(self, obj: SupervisionRequest, data: Any, user: Any, decision: Any) -> Any:
        obj.review_opinion = data.opinion
        obj.decided_at = timezone.now()
        self.take(
            REQUEST,
            obj,
            "accept",
            user=user,
            event=E.REQUEST_DECIDED,
            reason=f"办结{obj.number}" + (f"：{data.opinion}" if data.opinion else ""),
            fields=("review_opinion", "decided_at"),
        )
        self.tell_unit(obj, f"已办结：{obj.number}", data.opinion)
        return obj


class ReturnAnswer(OnRequest, ByIssuer):
    """The authority finds the answer incomplete and asks for more by a new deadline."""

    label = _("要求补充")
    transition = "return"
    Input = SupervisionReturnIn
    style = "outline-warning"
    success = _("已要求补充，建设单位将收到通知。")

    def perform(self, obj: SupervisionRequest, data: Any, user: Any, decision: Any) -> Any:
        previous = obj.deadline
        obj.review_opinion = data.opinion
        obj.deadline = data.deadline
        self.take(
            REQUEST,
            obj,
            "return",
            user=user,
            event=E.REQUEST_DECIDED,
            reason=f"要求补充（{obj.number}），期限 {data.deadline:%Y-%m-%d}：{data.opinion}",
            data={"previous_deadline": previous, "deadline": data.deadline},
            fields=("review_opinion", "deadline"),
        )
        self.tell_unit(
            obj, f"请补充资料和情况：{obj.number}，{data.deadline:%Y-%m-%d} 前", data.opinion
        )
        return obj


class WithdrawRequest(OnRequest, Withdraw):
    """The authority withdraws a request not yet answered."""

    label = _("撤回")
    event = E.REQUEST_DECIDED
    success = _("已撤回。")


request_materials = RequestMaterials()
request_system_materials = RequestSystemMaterials()
request_unit_materials = RequestUnitMaterials()
answer_request = AnswerRequest()
decline_request = DeclineRequest()
record_request_overdue = RecordRequestOverdue()
accept_answer = AcceptAnswer()
return_answer = ReturnAnswer()
withdraw_request = WithdrawRequest()
