"""Evaluate stored decisions again from their snapshots (``manage.py replay_decisions``).

A replay rebuilds the gate's context from the decision's snapshot alone, runs the rules the
decision ran with the database shut, and compares what they find with what was stored:
*identical*, *different* (the rules now decide otherwise: their logic or the snapshot's
reading changed) or *failed* (no snapshot, a rule no longer exists, or a rule read a fact the
snapshot does not hold).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.utils import translation

from .engine import GateContext, _json
from .models import Decision
from .registry import registry
from .snapshot import LiveRead, Replay, comparable, decode, no_live_reads, rebuild, rule_digest

# Decisions taken for many subjects at once (a plan compilation) keep their own snapshot and
# are evaluated again by the chapter that made them: gate -> (snapshot -> findings, and the
# function whose source versions the logic).
Replayer = Callable[[dict[str, Any]], list[dict[str, Any]]]
AGGREGATES: dict[str, tuple[Replayer, Callable[..., Any]]] = {}


def register_aggregate(gate: str, replay: Replayer, logic: Callable[..., Any]) -> None:
    AGGREGATES[gate] = (replay, logic)


def replay_decision(decision: Decision) -> Replay:
    """The outcome of evaluating ``decision`` again from its snapshot."""

    def result(status: str, detail: str = "", changed: list[str] | None = None) -> Replay:
        return Replay(str(decision.pk), decision.gate, status, detail, changed or [])

    if not decision.snapshot:
        return result("failed", "该决定作出时尚未保存评估快照，无法重放。")
    if "aggregate" in decision.snapshot:
        return _replay_aggregate(decision, result)
    unknown = [rid for rid in decision.rule_ids if rid not in registry.rules]
    if unknown:
        return result("failed", f"规则已不存在：{'、'.join(unknown)}")
    changed = [
        rid
        for rid in decision.rule_ids
        if decision.rule_versions.get(rid) != rule_digest(registry.rules[rid].func)
    ]
    policy = decision.policy
    policy.p  # noqa: B018  (the version's parameters, read before the database is shut)
    try:
        ctx = GateContext(
            subject=rebuild(decision.snapshot.get("subject")),
            policy=policy,
            actor=rebuild(decision.snapshot.get("actor")),
            facts=decode(decision.snapshot.get("facts") or {}),
        )
    except (LookupError, ValueError, TypeError) as exc:
        return result("failed", f"快照无法还原：{exc}", changed)
    findings: list[dict[str, Any]] = []
    problems: list[str] = []
    with translation.override(settings.LANGUAGE_CODE):
        for rule_id in decision.rule_ids:
            try:
                with no_live_reads():
                    found = registry.rules[rule_id].evaluate(ctx)
            except LiveRead as exc:
                problems.append(f"{rule_id}：{exc}")
                continue
            except Exception as exc:  # a rule that cannot run on its snapshot fails the replay
                problems.append(f"{rule_id}：{type(exc).__name__}: {exc}")
                continue
            findings += [_json(f.as_dict()) for f in found]
    if problems:
        return result("failed", "；".join(problems), changed)
    if comparable(findings) == comparable(decision.findings):
        return result("identical", changed=changed)
    return result("different", _difference(decision.findings, findings), changed)


def _replay_aggregate(decision: Decision, result: Callable[..., Replay]) -> Replay:
    gate = decision.snapshot["aggregate"]
    if gate not in AGGREGATES:
        return result("failed", f"没有登记重放方法：{gate}")
    replay, logic = AGGREGATES[gate]
    changed = [gate] if decision.rule_versions.get(gate) != rule_digest(logic) else []
    try:
        with translation.override(settings.LANGUAGE_CODE), no_live_reads():
            findings = [_json(f) for f in replay(decision.snapshot)]
    except Exception as exc:  # a snapshot that cannot be evaluated fails the replay
        return result("failed", f"{gate}：{type(exc).__name__}: {exc}", changed)
    if comparable(findings) == comparable(decision.findings):
        return result("identical", changed=changed)
    return result("different", _difference(decision.findings, findings), changed)


def _difference(stored: list[dict[str, Any]], now: list[dict[str, Any]]) -> str:
    before = {(f["rule_id"], f.get("message")) for f in comparable(stored)}
    after = {(f["rule_id"], f.get("message")) for f in comparable(now)}
    gone = sorted(before - after)
    new = sorted(after - before)
    parts = [f"原有而重放没有：{r} {m}" for r, m in gone] + [f"重放新增：{r} {m}" for r, m in new]
    return "；".join(parts)[:1000] or "发现的事实或参数不同。"


def replay_all(decisions: Iterable[Decision]) -> list[Replay]:
    return [replay_decision(d) for d in decisions]
