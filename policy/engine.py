"""Evaluate a gate: run its rules on a context, store the Decision, and raise when blocked."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils import translation

from core.dates import today
from core.enums import Severity
from core.errors import ActionBlocked
from core.memo import memo_scope

from .models import Decision, Outcome, PolicyVersion
from .parameters import ParamValue
from .registry import Finding, registry
from .snapshot import encode, rule_digest, snapshot_of


@dataclass
class GateContext:
    """What a rule may look at: the subject, the policy in force, who acts, and facts."""

    subject: Any
    policy: PolicyVersion
    actor: Any = None
    facts: dict[str, Any] = field(default_factory=dict)

    def param(self, key: str) -> ParamValue:
        return self.policy.param(key)

    def fact(self, key: str, compute: Callable[[], Any]) -> Any:
        """A fact read from live state (a query, today's date), computed once and kept among
        the decision's inputs, so that a stored decision is re-evaluated from what its rules
        saw then (``manage.py replay_decisions``). ``compute`` returns plain values (str, int,
        bool, Decimal, date, sets, lists and dicts of them) or records (model instances, kept
        with their field values: a replay gets them back as they were)."""
        if key not in self.facts:
            self.facts[key] = compute()
        return self.facts[key]

    @property
    def today(self) -> dt.date:
        """Today's date as the rules saw it (kept among the facts)."""
        value = self.fact("today", lambda: today().isoformat())
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def outcome_of(findings: list[Finding]) -> str:
    if any(f.severity == Severity.BLOCK for f in findings):
        return Outcome.BLOCK
    if any(f.severity == Severity.WARN for f in findings):
        return Outcome.WARN
    return Outcome.PASS


def preview_gate(code: str, ctx: GateContext) -> list[Finding]:
    """Evaluate without storing, e.g. to show findings beside an action button. Rules run in
    the language of record: a finding's stored words are the Chinese of the measures, and a
    page translates them for its reader."""
    findings: list[Finding] = []
    # the rules share their reads (``core.memo``): one gate, one read of each fact
    with translation.override(settings.LANGUAGE_CODE), memo_scope():
        for rule_ in registry.rules_of_gate(code):
            findings.extend(rule_.evaluate(ctx))
    return findings


def snapshot_of_context(ctx: GateContext) -> dict[str, Any]:
    """What the rules saw (``policy.snapshot``): the subject and the actor as they were, with
    the related objects read, and every fact."""
    return {
        "subject": snapshot_of(ctx.subject),
        "actor": snapshot_of(ctx.actor if getattr(ctx.actor, "pk", None) else None),
        "facts": encode(ctx.facts),
    }


def rule_versions(code: str) -> dict[str, str]:
    return {r.id: rule_digest(r.func) for r in registry.rules_of_gate(code)}


class _InputsEncoder(DjangoJSONEncoder):
    """The inputs as a person reads them: a record by its name, a set as a list (the typed
    copy a replay reads is the snapshot)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Model):
            return str(o)
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        return super().default(o)


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=_InputsEncoder, ensure_ascii=False))


def evaluate_gate(
    code: str,
    ctx: GateContext,
    *,
    organisation: Any = None,
    subject_type: str = "",
    subject_id: str = "",
    subject_repr: str = "",
) -> Decision:
    """Run the gate's rules and store the decision (inside the caller's transaction)."""
    findings = preview_gate(code, ctx)
    subject = ctx.subject
    if subject is not None and hasattr(subject, "_meta"):
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or str(subject.pk or "")
        subject_repr = subject_repr or str(subject)
    return Decision.objects.create(
        gate=code,
        subject_type=subject_type or "—",
        subject_id=subject_id,
        subject_repr=subject_repr[:255],
        organisation=organisation,
        policy=ctx.policy,
        inputs=_json(ctx.facts),
        rule_ids=[r.id for r in registry.rules_of_gate(code)],
        snapshot=snapshot_of_context(ctx),
        rule_versions=rule_versions(code),
        outcome=outcome_of(findings),
        findings=[_json(f.as_dict()) for f in findings],
        actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
    )


def enforce(decision: Decision) -> Decision:
    """Raise ActionBlocked carrying the findings when the decision blocks."""
    if decision.outcome == Outcome.BLOCK:
        raise ActionBlocked([Finding.from_dict(f) for f in decision.findings], decision=decision)
    return decision


def preview_findings(code: str, ctx_factory: Callable[[], GateContext]) -> list[Finding]:
    """The findings a gate would give now, to show beside its button (none without a policy)."""
    from .lookup import NoPolicyInForce

    try:
        return preview_gate(code, ctx_factory())
    except NoPolicyInForce:
        return []
