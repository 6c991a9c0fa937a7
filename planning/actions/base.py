"""What every planning action shares: the policy it answers to and its unit."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation
from accounts.recipients import unit_ids_of
from core.errors import ActionForbidden
from core.ledger import record_event
from policy.gates import GatedAction
from policy.lookup import policy_in_force


class PlanningAction(GatedAction):
    """Base of the planning chapter's actions."""


class ForOwnUnit(PlanningAction):
    """An action a unit takes for itself: the unit may be left out when the user serves only
    one, and must be one of the user's own units."""

    def choices(self, obj: Any, user: Any) -> dict:
        units = Organisation.objects.filter(pk__in=unit_ids_of(user)).order_by("name")
        return {"unit": [(u.pk, u.display_name) for u in units]}

    def initial(self, obj: Any, user: Any) -> dict:
        units = sorted(unit_ids_of(user))
        return {"unit": units[0]} if len(units) == 1 else {}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        given = data.model_dump(exclude_unset=True) if hasattr(data, "model_dump") else data
        values = dict(given or {})
        if values.get("unit") in (None, ""):
            values.update(self.initial(obj, user))
        clean: Any = self.parse(values)  # the action's contract, which has a unit
        if not is_unit_of(user, clean.unit):
            raise ActionForbidden()
        return clean


def is_unit_of(user: Any, unit_id: Any) -> bool:
    return unit_id in unit_ids_of(user)


def record_plan_event(code: str, *, actor: Any, revision: Any, reason: str = "", **extra: Any):
    """A ledger event about a master-plan revision, under the unit's policy in force."""
    extra.setdefault("from_state", "")
    extra.setdefault("to_state", revision.state)
    return record_event(
        code,
        actor=actor,
        obj=revision,
        organisation=revision.unit_id,
        reason=reason,
        policy_version=extra.pop("policy_version", None) or policy_in_force(revision.unit).code,
        **extra,
    )
