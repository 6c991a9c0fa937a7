"""The policy chapter's action: the approval-path estimate of Art. 9."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as L

from accounts.models import Organisation
from accounts.scoping import units_user_may_act_for
from core.enums import ActionCode
from core.errors import ActionForbidden
from core.findings import Finding
from core.ledger import record_event
from core.money import wan_to_yuan

from .contracts import ApprovalPathEstimateIn
from .engine import GateContext, enforce, evaluate_gate
from .gates import GatedAction
from .lookup import policy_in_force
from .models import Decision
from .paths import approval_path_for


class EstimateApprovalPath(GatedAction):
    """Evaluate Art. 9 for an amount and a unit under the policy in force there (a district
    has its own threshold, Art. 39) and store the decision, so that the unit can see, and
    later cite, which approval path applies. Unit staff estimate for their own units; BDB,
    DRC, Finance and the platform admin for any unit; Audit reads but does not act."""

    label = L("审批路径测算")
    Input = ApprovalPathEstimateIn
    gate = "policy.approval_path"
    article = "第九条"
    requirement = "R9.1"

    def __call__(self, *args: Any, acting_user: Any, **values: Any) -> Decision:
        """``estimate_approval_path(acting_user=…, organisation=…, total_investment_wan=…)``."""
        if "organisation" in values:
            values.setdefault("organisation_id", values.pop("organisation"))
        result: Decision = self.execute(None, values, acting_user=acting_user)
        return result

    def allowed(self, obj: Any, user: Any) -> bool:
        return units_user_may_act_for(user).exists()

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        units = units_user_may_act_for(user).order_by("name")
        return {"organisation_id": [(u.pk, u.display_name) for u in units]}

    def unit_of(self, user: Any, data: ApprovalPathEstimateIn) -> Organisation:
        """The unit estimated for, as the user may act for it (missing and not theirs: 404)."""
        units = units_user_may_act_for(user)
        unit = units.filter(pk=data.organisation_id).first() if data.organisation_id else None
        if unit is None:
            raise ActionForbidden()
        return unit

    def parse_for(self, obj: Any, user: Any, data: Any) -> ApprovalPathEstimateIn:
        clean: ApprovalPathEstimateIn = super().parse_for(obj, user, data)  # type: ignore[assignment]
        self.unit_of(user, clean)
        return clean

    def gate_findings(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        # nothing to say before a unit and an amount are given
        return [] if data is None else super().gate_findings(obj, user, data)

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        unit = self.unit_of(user, data)
        return GateContext(
            subject=unit,
            policy=policy_in_force(unit),
            actor=user,
            facts={
                "total_investment": wan_to_yuan(data.total_investment_wan),
                "organisation": unit.name,
            },
        )

    def evaluate_gate(self, obj: Any, user: Any, data: Any) -> Decision:
        ctx = self.context(obj, user, data)
        decision = evaluate_gate(
            self.gate,
            ctx,
            organisation=ctx.subject,
            subject_repr=f"{ctx.subject.display_name} · 总投资 {data.total_investment_wan} 万元",
        )
        return enforce(decision)

    def perform(
        self, obj: Any, data: ApprovalPathEstimateIn, user: Any, decision: Decision
    ) -> Decision:
        unit, policy = decision.organisation, decision.policy
        path = approval_path_for(wan_to_yuan(data.total_investment_wan), policy)
        record_event(
            ActionCode.GATE_EVALUATED,
            actor=user,
            obj=unit,
            organisation=unit,
            to_state=decision.outcome,
            policy_version=policy.code,
            decision_id=decision.pk,
            reason="审批路径测算（第九条）",
            data={"path": path.value},
        )
        return decision

    def next_url(self, obj: Any, result: Any) -> str:
        return reverse("policy:decision", args=[result.pk])


estimate_approval_path = EstimateApprovalPath()
