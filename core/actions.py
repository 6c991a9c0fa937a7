"""The action decorator: every change of important state runs through one of these.

An action guards, mutates, records one ledger event and notifies, all inside one transaction.
When a gate blocks, the transaction rolls back, but the blocked decision and a ledger event
saying so are stored afterwards: a refusal must be explainable later too.
"""

import functools

from django.db import transaction

from .enums import ActionCode
from .errors import ActionBlocked
from .ledger import record_event


def action(func):
    """Wrap an action in a transaction; keyword-only ``acting_user`` is required."""

    @functools.wraps(func)
    def wrapper(*args, acting_user, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, acting_user=acting_user, **kwargs)
        except ActionBlocked as exc:
            if exc.decision is not None:
                _keep_blocked_decision(exc.decision, acting_user, func.__name__)
            raise

    wrapper.is_action = True
    return wrapper


def _keep_blocked_decision(decision, acting_user, action_name: str) -> None:
    with transaction.atomic():
        decision.save(force_insert=True)
        record_event(
            ActionCode.GATE_EVALUATED,
            actor=acting_user,
            object_type=decision.subject_type,
            object_id=decision.subject_id,
            object_repr=decision.subject_repr,
            organisation=decision.organisation_id,
            to_state=decision.outcome,
            reason=f"{action_name} 被阻止："
            + "；".join(f["message"] for f in decision.findings if f["severity"] == "block"),
            policy_version=decision.policy.code,
            decision_id=decision.pk,
        )
