"""Replayable decisions (issue 13, point 12): a stored decision keeps what its rules saw (a typed
snapshot) and the version of each rule's logic; ``manage.py replay_decisions`` evaluates it
again from the snapshot alone, with the database shut, and reports identical / different /
failed. Every ledger event of a change of state names the policy version in force."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from core.models import LedgerEvent
from policy.models import Decision
from policy.registry import Rule, registry, violation
from policy.replay import replay_decision
from policy.snapshot import decode, encode, snapshot_of
from projects.models import ProjectState

pytestmark = pytest.mark.django_db


def test_typed_snapshot_values_come_back_as_they_were():
    value = {
        "amount": Decimal("2999.99"),
        "day": dt.date(2026, 4, 30),
        "codes": {"A", "B"},
        "pair": (1, "x"),
        "nested": [{"__t": "not a tag"}],
    }
    assert decode(encode(value)) == value


def test_a_walked_project_replays_identically_and_the_command_says_so(walker, capsys):
    walker.walk(walker.create("学生资助精准认定系统", "800"), ProjectState.APPROVED)
    decisions = list(Decision.objects.all())
    assert len(decisions) >= 6
    assert {replay_decision(d).status for d in decisions} == {"identical"}
    call_command("replay_decisions")
    out = capsys.readouterr().out
    assert f"一致 {len(decisions)}，不同 0，失败 0" in out


def test_a_decision_keeps_what_its_rules_read_from_live_state(walker):
    """The documents a rule counted are in the snapshot: removing them afterwards does not
    change what the decision replays to."""
    from documents.models import Document

    project = walker.walk(walker.create("学生资助精准认定系统", "800"), ProjectState.EVALUATION)
    accept = Decision.objects.get(gate="projects.accept")
    assert "crypto_plan" in accept.inputs["documents"]["types"]
    Document.objects.filter(subject_id=project.pk).update(is_withdrawn=True, withdraw_reason="撤回")
    assert replay_decision(accept).status == "identical"


def test_a_changed_snapshot_replays_different_and_the_command_fails(walker):
    walker.walk(walker.create("学生资助精准认定系统", "800"), ProjectState.EVALUATION)
    accept = Decision.objects.get(gate="projects.accept")
    facts = accept.snapshot["facts"]
    facts["documents"]["types"] = [t for t in facts["documents"]["types"] if t != "crypto_plan"]
    Decision.objects.filter(pk=accept.pk).update(snapshot=accept.snapshot)
    replay = replay_decision(Decision.objects.get(pk=accept.pk))
    assert replay.status == "different" and "R14.3.early" in replay.detail
    with pytest.raises(CommandError):
        call_command("replay_decisions", "--gate", "projects.accept")


def test_a_rule_reading_beyond_its_snapshot_fails_the_replay(walker):
    """A rule that queries the database instead of going through ``ctx.fact`` cannot be
    replayed: the replay names it instead of quietly reading today's data."""
    from projects.models import Project

    def peeks(ctx):
        if Project.objects.filter(pk=ctx.subject.pk).exists():
            yield violation("查询了数据库。", facts={})

    registry.add_rule(Rule("R8.1.peek", "第八条", "peek", "info", peeks))
    try:
        project = walker.create("学生资助精准认定系统", "800")
        decision = Decision.objects.create(
            gate="projects.submit",
            subject_type="projects.project",
            subject_id=str(project.pk),
            policy=Decision.objects.latest("created_at").policy
            if Decision.objects.exists()
            else _policy(),
            rule_ids=["R8.1.peek"],
            snapshot={"subject": snapshot_of(project), "actor": None, "facts": {}},
            outcome="pass",
        )
        replay = replay_decision(decision)
        assert replay.status == "failed" and "R8.1.peek" in replay.detail
        assert "读取了数据库" in replay.detail
    finally:
        registry.rules.pop("R8.1.peek")


def _policy():
    from policy.models import PolicyVersion

    return PolicyVersion.objects.get(code="cq-municipal-2021")


def test_a_decision_without_snapshot_cannot_be_replayed(walker):
    decision = Decision.objects.create(
        gate="projects.submit", subject_type="—", policy=_policy(), outcome="pass"
    )
    replay = replay_decision(decision)
    assert replay.status == "failed" and "快照" in replay.detail


def test_every_state_change_in_the_ledger_names_its_policy_version(walker, personas):
    walker.walk(walker.create("学生资助精准认定系统", "800"), ProjectState.APPROVED)
    changes = LedgerEvent.objects.filter(~Q(to_state="") | ~Q(from_state=""))
    assert changes.count() > 10
    assert not changes.filter(policy_version="").exists()


def test_a_plan_compilation_replays_from_its_candidates_facts(walker, personas):
    from investment import actions as money

    project = walker.walk(walker.create("学生资助精准认定系统", "800"), ProjectState.LISTED)
    money.compile_plan(acting_user=personas.drc, year=project.year)
    decision = Decision.objects.get(gate="investment.plan.add")
    assert decision.snapshot["candidates"] and replay_decision(decision).status == "identical"
    # the candidate's state as it was: approved now, the replay still finds it unapproved
    decision.snapshot["candidates"][0][3] = ProjectState.APPROVED
    Decision.objects.filter(pk=decision.pk).update(snapshot=decision.snapshot)
    assert replay_decision(Decision.objects.get(pk=decision.pk)).status == "different"
