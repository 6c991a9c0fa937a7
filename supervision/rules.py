"""Rules of Art. 34-38 with their gates.

- ``supervision.request.answer``: the answer is attested true and complete (R34.1);
- ``supervision.compliance``: the findings against a unit or project — requests unanswered
  past their deadline or refused (R34.1), evaluation results showing problems without a
  rectification opinion (R37.2);
- ``supervision.order.issue``: an authority orders only within its duties (R35.2);
- ``supervision.order.evaluation``: an order raised from an evaluation result (R37.2);
- ``supervision.sanction``: a sanction rests on an overdue or failed rectification (R35.1);
- ``supervision.audit.record``: an audit finding on spending names its amount (R36.1);
- ``supervision.violation.conclude``: an entry concludes with its responsible persons and
  the measure the measures prescribe (R38.1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from core.enums import Severity
from core.findings import Violation
from policy.engine import GateContext
from policy.registry import gate, rule, violation

from .authorities import duties_of
from .compliance import (
    PROBLEM_GRADES,
    pending_evaluations,
    unanswered_requests_of,
)
from .models import (
    AMOUNT_ASPECTS,
    SANCTIONABLE,
    AuditAspect,
    DeferralScope,
    SanctionKind,
)
from .notices import display, zh

Found = Iterator[Violation]
# titles stay lazy (shown in the reader's language); the registry takes them as text
_ = cast("Callable[[str], str]", gettext_lazy)
PROJECT_MEASURES = (SanctionKind.SUSPENSION, SanctionKind.TERMINATION)

# -- R34.1 requests for materials ------------------------------------------------------------


@rule(id="R34.1", article="第三十四条", title=_("如实提供资料和情况，不得拒绝、隐匿、瞒报"))
def answer_attested(ctx: GateContext) -> Found:
    if not ctx.facts.get("attest"):
        yield violation(
            N_("答复未承诺所提供的资料和情况真实、完整（第三十四条：如实提供，不得隐匿、瞒报）。"),
            remedy=N_("核对资料后勾选真实完整承诺，再提交答复。"),
            facts={"attest": False},
            params={},
        )


@rule(
    id="R34.1.unanswered",
    article="第三十四条",
    title=_("逾期未提供或拒绝提供资料和情况"),
    severity=Severity.WARN,
)
def requests_unanswered(ctx: GateContext) -> Found:
    for req in ctx.fact("unanswered_requests", lambda: unanswered_requests_of(ctx.subject)):
        yield violation(
            UNANSWERED[_how(req)],
            remedy=N_("请立即如实提供；拒绝、隐匿、瞒报的，可被责令限期整改（第三十五条）。"),
            facts={"request": req.pk, "state": req.state, "deadline": req.deadline.isoformat()},
            params={
                "authority": req.authority.display_name,
                "number": req.number,
                "deadline": f"{req.deadline:%Y-%m-%d}",
            },
        )


UNANSWERED = {
    "refused": N_("%(authority)s要求提供的资料和情况（%(number)s）被拒绝提供（第三十四条）。"),
    "overdue": N_(
        "%(authority)s要求提供的资料和情况（%(number)s）逾期未提供，期限 %(deadline)s（第三十四条）。"
    ),
    "late": N_(
        "%(authority)s要求提供的资料和情况（%(number)s）逾期后才提供，期限 %(deadline)s（第三十四条）。"
    ),
}


def _how(req: Any) -> str:
    from .models import RequestState

    if req.state == RequestState.REFUSED:
        return "refused"
    return "overdue" if req.state == RequestState.OVERDUE else "late"


# -- R35.2 within the authority's duties -------------------------------------------------------


@rule(id="R35.2", article="第三十五条", title=_("按照职责分工实施监督管理"))
def within_duties(ctx: GateContext) -> Found:
    authority = ctx.facts["authority"]
    duty = ctx.facts.get("duty")
    allowed = duties_of(authority)
    if duty is not None and duty not in allowed:
        yield violation(
            N_("“%(duty)s”不在%(authority)s的监督管理职责内（第三十五条：按照职责分工）。"),
            remedy=N_("请选择本机关职责范围内的事项：%(allowed)s；其他事项请移交主管部门。"),
            facts={"authority": authority, "duty": duty, "allowed": sorted(allowed)},
            params={
                "duty": ctx.facts.get("duty_label", duty),
                "authority": ctx.facts.get("authority_label", authority),
                "allowed": ctx.facts.get("allowed_labels", "—"),
            },
        )


# -- R35.1 sanctions rest on an overdue or failed rectification ------------------------------


@rule(id="R35.1", article="第三十五条", title=_("逾期不整改或整改后仍不符合要求的方可处理"))
def sanction_ground(ctx: GateContext) -> Found:
    f = ctx.facts
    if f.get("violation") is not None:
        return
    if f.get("order_state") not in SANCTIONABLE:
        yield violation(
            N_(
                "整改通知%(number)s当前为“%(state)s”：只有逾期不整改或者整改后仍不符合要求的，"
                "才可以%(measure)s（第三十五条）。"
            ),
            remedy=N_("请待整改期限届满或核查整改不到位后再作处理。"),
            facts={"order_state": f.get("order_state"), "kind": f["kind"]},
            params={"number": f["number"], "state": f["state_label"], "measure": f["kind_label"]},
        )
    if f["kind"] in PROJECT_MEASURES and not f.get("project"):
        yield violation(
            N_("整改通知%(number)s不涉及具体项目，不能%(measure)s（第三十五条）。"),
            remedy=N_("暂停或终止须针对具体项目；可改为通报批评或暂缓安排本单位投资计划。"),
            facts={"kind": f["kind"], "project": None},
            params={"number": f["number"], "measure": f["kind_label"]},
        )
    if (
        f["kind"] == SanctionKind.DEFERRAL
        and f.get("scope") == DeferralScope.PROJECT
        and not f.get("project")
    ):
        yield violation(
            N_(
                "整改通知%(number)s不涉及具体项目，暂缓范围应为本单位新建、改扩建项目（第三十五条）。"
            ),
            remedy=N_("请将暂缓范围选为“本单位新建、改扩建项目”。"),
            facts={"scope": f.get("scope"), "project": None},
            params={"number": f["number"]},
        )


@rule(
    id="R35.1.in-force",
    article="第三十五条",
    title=_("同一措施不重复作出"),
)
def not_in_force_already(ctx: GateContext) -> Found:
    f = ctx.facts
    if f.get("same_in_force"):
        yield violation(
            N_("%(subject)s已有生效的“%(measure)s”决定（%(number)s）（第三十五条）。"),
            remedy=N_("无需重复作出；如需加重处理，可选择其他措施。"),
            facts={"existing": f["same_in_force"]},
            params={
                "subject": f["subject"],
                "measure": f["kind_label"],
                "number": f["same_in_force"],
            },
        )


@rule(
    id="R35.1.escalation",
    article="第三十五条",
    title=_("终止项目实施一般在暂停项目建设之后"),
    severity=Severity.WARN,
)
def termination_after_suspension(ctx: GateContext) -> Found:
    f = ctx.facts
    if f["kind"] == SanctionKind.TERMINATION and not f.get("suspended_before"):
        yield violation(
            N_(
                "项目尚未被暂停建设即终止实施；第三十五条的措施依次为通报批评、暂缓安排投资计划、"
                "暂停项目建设直至终止项目实施。"
            ),
            remedy=N_("终止后项目不能再推进、签订合同或支付，请确认理由充分。"),
            facts={"suspended_before": False},
            params={},
        )


# -- R36.1 audit findings --------------------------------------------------------------------


@rule(id="R36.1", article="第三十六条", title=_("审计发现须写明涉及的资金"))
def audit_amount(ctx: GateContext) -> Found:
    f = ctx.facts
    if f["aspect"] in AMOUNT_ASPECTS and f.get("amount") is None:
        yield violation(
            N_(
                "关于%(aspect)s的审计发现须写明涉及金额（第三十六条：促进项目资金使用真实、合法）。"
            ),
            remedy=N_("请填写涉及金额（元）；不涉及具体金额的，请选择“资金使用效益”。"),
            facts={"aspect": f["aspect"], "amount": None},
            params={"aspect": zh(AuditAspect(f["aspect"]).label)},
        )


# -- R37.2 evaluation results lead to rectification opinions ---------------------------------


@rule(
    id="R37.2",
    article="第三十七条",
    title=_("评价结果显示问题的应提出整改意见"),
    severity=Severity.WARN,
)
def evaluation_problems(ctx: GateContext) -> Found:
    for result in ctx.fact("pending_evaluations", lambda: pending_evaluations(ctx.subject)):
        yield violation(
            N_("%(kind)s结果为“%(grade)s”（%(on)s），尚未据此提出整改意见（第三十七条）。"),
            remedy=N_("市发展改革委、市财政局、市大数据发展局、市委网信办可据此下达整改通知。"),
            facts={"result": result.pk, "grade": result.grade},
            params={
                "kind": display(result, "kind"),
                "grade": result.grade,
                "on": f"{result.completed_on:%Y-%m-%d}",
            },
        )


@rule(
    id="R37.2.grade",
    article="第三十七条",
    title=_("依据评价结果提出整改意见"),
    severity=Severity.WARN,
)
def evaluation_shows_problems(ctx: GateContext) -> Found:
    result = ctx.subject
    if result.grade not in PROBLEM_GRADES:
        yield violation(
            N_("该评价结果为“%(grade)s”，未显示明显问题（第三十七条）。"),
            remedy=N_("确需整改的，请在“发现的问题”中写明评价报告指出的问题。"),
            facts={"grade": result.grade},
            params={"grade": result.grade or "—"},
        )


# -- R38.1 the register ----------------------------------------------------------------------


@rule(id="R38.1", article="第三十八条", title=_("违规行为须登记责任人员和处理结果"))
def violation_conclusion(ctx: GateContext) -> Found:
    entry = ctx.subject
    f = ctx.facts
    if not f.get("persons"):
        yield violation(
            N_("尚未登记负有直接责任的主管人员和其他责任人员（第三十八条）。"),
            remedy=N_("请先登记责任人员的姓名和职务。"),
            facts={"persons": 0},
            params={},
        )
    if entry.concerns_funds and not f.get("under_funds_regulation"):
        yield violation(
            N_("%(kind)s应依照《财政违法行为处罚处分条例》等规定严肃查处（第三十八条第二款）。"),
            remedy=N_("请勾选“依照《财政违法行为处罚处分条例》查处”并写明查处结果。"),
            facts={"kind": entry.kind},
            params={"kind": display(entry, "kind")},
        )
    if f.get("criticised") and not f.get("criticism_issued"):
        yield violation(
            N_("处理措施为通报批评，但尚未发布通报批评（第三十八条）。"),
            remedy=N_("请由市发展改革委或市财政局先发布通报批评，再登记处理结果。"),
            facts={"criticism_issued": False},
            params={},
        )


gate(
    "supervision.request.answer",
    title=_("答复资料和情况"),
    rules=["R34.1"],
    action="supervision.answer_request",
)
gate("supervision.compliance", title=_("监督管理发现"), rules=["R34.1.unanswered", "R37.2"])
gate(
    "supervision.order.issue",
    title=_("下达整改通知"),
    rules=["R35.2"],
    action="supervision.order_rectification",
)
gate(
    "supervision.order.evaluation",
    title=_("根据评价结果提出整改意见"),
    rules=["R35.2", "R37.2.grade"],
    action="supervision.order_from_evaluation",
)
gate(
    "supervision.sanction",
    title=_("通报批评、暂缓安排投资计划、暂停或终止项目"),
    rules=["R35.1", "R35.1.in-force", "R35.1.escalation"],
    action="supervision.issue_criticism",
)
gate(
    "supervision.audit.record",
    title=_("登记审计发现"),
    rules=["R36.1"],
    action="supervision.record_audit_finding",
)
gate(
    "supervision.violation.conclude",
    title=_("登记违规处理结果"),
    rules=["R38.1"],
    action="supervision.record_violation_outcome",
)
