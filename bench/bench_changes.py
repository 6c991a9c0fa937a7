"""Art. 26 change classification against SpiffWorkflow's DMN engine on the same table (≥ 10×).

The peer is bench/change_classification.dmn, the four conditions of Art. 26 ¶1 and the Art. 11
way as a DMN decision table run by SpiffWorkflow's DMN engine. The subject is the platform's
decision, ``investment.services.decide_change`` (what ``classify_change`` decides once it has
read the items in force and the amounts earlier changes moved), followed by
``classification_facts``, the gate's facts the action builds from it: the conditions with their
citations and facts, the class, the amounts as text. Both take the same generated facts
(amounts on both sides of the limit, to the fen; every condition failing alone and together;
every outcome) with the ratio of the policy in force, and must agree on every decision.

Two rows: the decision with the policy's ratio read once per run, like the DMN table's input,
and the decision with the policy lookup ``SubmitChange`` makes on every call
(``policy_for(project).p.change_ratio``: the version in force, its parameters parsed).
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser

from bench.results import SCALE, alternate, speed_vs_peer
from investment.actions import submit_change
from investment.models import Circumstance
from investment.services import classification_facts, decide_change
from policy.lookup import policy_in_force

BENCH = "changes"
DMN = Path(__file__).with_name("change_classification.dmn")
CASES = max(200, min(2_000, SCALE // 50))  # the DMN engine does ~2,000 decisions/s here
LOOKUP_CASES = 100  # each lookup is a few ms on SQLite
CENT = Decimal("0.01")


def dmn_engine():
    parser = BpmnDmnParser()
    parser.add_dmn_file(str(DMN))
    return parser.get_engine("change_classification", None)


def cases(count: int, ratio: Decimal, seed: int = 26) -> list[dict]:
    """Change facts hitting every outcome: the cumulative amount moved at, one fen above and
    anywhere around the limit, totals kept, lowered and raised, goals, circumstance and the
    Art. 11 flags on and off."""
    rng = random.Random(seed)
    circumstances = [c.value for c in Circumstance] + [""]
    out = []
    for i in range(count):
        approved = Decimal(rng.randrange(500_000_00, 500_000_000_00)) * CENT
        limit = (approved * ratio).quantize(CENT)
        earlier = (limit * Decimal(rng.choice([0, 0, 0.2, 0.5, 0.9]))).quantize(CENT)
        edge = i % 4
        if edge == 0:
            cumulative = limit  # exactly the limit: passes
        elif edge == 1:
            cumulative = limit + CENT  # one fen over: fails
        else:
            cumulative = (limit * Decimal(rng.uniform(0.0, 2.0))).quantize(CENT)
        moved = max(cumulative - earlier, Decimal("0.00"))
        total_change = rng.choice([Decimal("0.00"), -approved * Decimal("0.01"), CENT, approved])
        out.append(
            {
                "approved_total": approved,
                "new_total": (approved + total_change).quantize(CENT),
                "moved": moved,
                "earlier": earlier,
                "circumstance": rng.choice(circumstances),
                "goals_changed": rng.random() < 0.2,
                "raises_year_budget": rng.random() < 0.3,
                "changes_plan": rng.random() < 0.2,
            }
        )
    return out


def run() -> None:
    engine = dmn_engine()
    workflow = SimpleNamespace(script_engine=PythonScriptEngine())
    policy = policy_in_force(None)  # the municipal policy (the generated projects' units)
    ratio = policy.p.change_ratio
    facts = cases(CASES, ratio)

    def peer(batch: list[dict] = facts) -> list[str]:
        return [
            engine.result(SimpleNamespace(data={**f, "ratio": ratio}, workflow=workflow))[
                "classification"
            ]
            for f in batch
        ]

    def subject(batch: list[dict] = facts) -> list[str]:
        return [
            classification_facts(decide_change(**f, ratio=policy.p.change_ratio))["classification"]
            for f in batch
        ]

    project = SimpleNamespace(unit=None)  # SubmitChange.policy_for reads the project's unit

    def subject_with_lookup(batch: list[dict] = facts[:LOOKUP_CASES]) -> list[str]:
        return [
            classification_facts(
                decide_change(**f, ratio=submit_change.policy_for(project).p.change_ratio)
            )["classification"]
            for f in batch
        ]

    # the same decision on every case, and every outcome and every failing condition met
    decided, expected = subject(), peer()
    assert decided == expected, [
        (f, d, e) for f, d, e in zip(facts, decided, expected, strict=True) if d != e
    ][:3]
    assert set(decided) == {"filing", "approval", "art11"}, set(decided)
    failing = {
        c["key"]
        for f in facts
        for c in decide_change(**f, ratio=ratio)["conditions"]
        if not c["passed"]
    }
    assert failing == {"total", "goals", "ratio", "circumstance"}, failing
    counts = {k: decided.count(k) for k in ("filing", "approval", "art11")}
    print(f"  {CASES:,} changes, ratio {ratio}: {counts}; DMN and platform agree on every one")

    subject_s, peer_s = alternate(subject, peer, runs=5)
    print(
        f"  platform {CASES / subject_s:,.0f} decisions/s, "
        f"SpiffWorkflow DMN {CASES / peer_s:,.0f} decisions/s"
    )
    speed_vs_peer(
        BENCH,
        "Art. 26 decision vs SpiffWorkflow DMN, same table and facts",
        subject_s,
        peer_s,
        at_least=10,
        detail=f"{CASES:,} decisions: platform {subject_s / CASES * 1e6:,.1f} µs each, "
        f"DMN {peer_s / CASES * 1e6:,.1f} µs; ratio read from the policy in force once per run",
    )

    def peer_few() -> list[str]:
        return peer(facts[:LOOKUP_CASES])

    lookup_s, peer_few_s = alternate(subject_with_lookup, peer_few, runs=3)
    speed_vs_peer(
        BENCH,
        "Art. 26 decision with the action's policy lookup per call vs DMN",
        lookup_s,
        peer_few_s,
        at_least=10,
        detail=f"{LOOKUP_CASES} decisions: platform {lookup_s / LOOKUP_CASES * 1e6:,.0f} µs each "
        f"(policy_for + parameters + decision), DMN {peer_few_s / LOOKUP_CASES * 1e6:,.0f} µs",
    )
