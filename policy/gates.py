"""Actions with a gate, and refusals that cite their requirement.

``GatedAction`` is the base of chapter actions: it evaluates the action's gate (a named set of
registered rules, ``policy.registry``) on the context the action builds, shows its findings
when asked (``check``) and stores the decision when done (``execute``).

``refusal(rule_id, message, …)`` makes the finding of a platform or measures rule that is not
a registered rule (an action's own condition): its article is the requirement's.
"""

from __future__ import annotations

from typing import Any

from core.actions import Action
from core.enums import Severity
from core.errors import ActionBlocked
from core.findings import Finding, render

from .engine import GateContext, enforce, evaluate_gate, preview_gate
from .lookup import NoPolicyInForce, policy_in_force
from .requirements import REQUIREMENTS, article_of


def refusal(
    rule_id: str,
    message: str,
    *,
    remedy: str = "",
    facts: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    title: Any = "",
    severity: str = Severity.BLOCK,
) -> Finding:
    """A finding of requirement ``rule_id`` (``R8.1`` or ``R8.1.suffix``), article from the
    requirements catalogue. With ``params`` the message and remedy are translatable
    templates."""
    return Finding(
        rule_id=rule_id,
        article=article_of(rule_id),
        severity=severity,
        title=str(title),
        message=render(message, params),
        remedy=render(remedy, params) if remedy else "",
        facts=facts or {},
        template=message if params is not None else "",
        remedy_template=remedy if params is not None else "",
        params={k: str(v) for k, v in (params or {}).items()},
    )


def refuse(rule_id: str, message: str, **kwargs: Any) -> ActionBlocked:
    """The error to raise for one refusal: ``raise refuse("R6.3.filed", "…")``."""
    return ActionBlocked([refusal(rule_id, message, **kwargs)])


def is_known_requirement(rule_id: str) -> bool:
    return ".".join(rule_id.split(".")[:2]) in REQUIREMENTS


class GatedAction(Action):
    """An action whose gate is evaluated before it (preview on ``check``, stored decision on
    ``execute``). ``context`` builds the gate's context; ``gate_code`` may choose the gate
    by the object's state."""

    def gate_code(self, obj: Any, data: Any) -> str:
        return self.gate

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        """The facts the gate's rules read (the subject, the policy in force, the actor)."""
        return GateContext(subject=obj, policy=self.policy_for(obj), actor=user)

    def policy_for(self, obj: Any) -> Any:
        return policy_in_force(self.organisation_of(obj))

    def organisation_of(self, obj: Any) -> Any:
        for name in ("unit", "organisation"):
            org = getattr(obj, name, None)
            if org is not None:
                return org
        return None

    def policy_version(self, obj: Any) -> str:
        try:
            return str(self.policy_for(obj).code)
        except NoPolicyInForce:
            return ""

    def gate_findings(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        code = self.gate_code(obj, data)
        if not code:
            return []
        try:
            return preview_gate(code, self.context(obj, user, data))
        except NoPolicyInForce:
            return []

    def evaluate_gate(self, obj: Any, user: Any, data: Any) -> Any:
        code = self.gate_code(obj, data)
        if not code:
            return None
        ctx = self.context(obj, user, data)
        decision = evaluate_gate(code, ctx, organisation=self.organisation_of(obj))
        return enforce(decision)
