"""Policy actions."""

from decimal import Decimal

from accounts.scoping import units_user_may_act_for
from core.actions import action
from core.enums import ActionCode
from core.errors import ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.money import wan_to_yuan

from .engine import GateContext, enforce, evaluate_gate
from .lookup import policy_in_force


@action
def estimate_approval_path(*, acting_user, organisation, total_investment_wan) -> "Decision":  # noqa: F821
    """Evaluate Art. 9 for an amount and a unit under the policy in force, and store the
    decision, so that a unit can see (and later cite) which approval path applies."""
    if not units_user_may_act_for(acting_user).filter(pk=organisation.pk).exists():
        raise ActionForbidden("您不能为该单位测算审批路径。")
    try:
        total = wan_to_yuan(Decimal(str(total_investment_wan)))
    except Exception as exc:
        raise ActionInvalid(
            "请填写有效的总投资（万元）。", {"total_investment_wan": "金额格式不正确。"}
        ) from exc
    policy = policy_in_force(organisation)
    ctx = GateContext(
        subject=organisation,
        policy=policy,
        actor=acting_user,
        facts={"total_investment": total, "organisation": organisation.name},
    )
    decision = evaluate_gate(
        "policy.approval_path",
        ctx,
        organisation=organisation,
        subject_repr=f"{organisation.display_name} · 总投资 {total_investment_wan} 万元",
    )
    enforce(decision)
    record_event(
        ActionCode.GATE_EVALUATED,
        actor=acting_user,
        obj=organisation,
        organisation=organisation,
        to_state=decision.outcome,
        policy_version=policy.code,
        decision_id=decision.pk,
        reason="审批路径测算（第九条）",
    )
    return decision
