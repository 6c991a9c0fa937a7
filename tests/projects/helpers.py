"""Helpers of the projects rule tests: assertions on blocked actions (findings, the stored
decision, the ledger event, the unchanged state) and planning data for a district unit."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import today
from core.enums import ActionCode
from core.errors import ActionBlocked
from core.models import LedgerEvent
from planning import actions as planning_actions
from planning.models import ItemKind, ItemStatus
from policy.engine import preview_gate
from policy.models import Decision, Outcome
from projects.models import Project
from projects.services import project_context


def findings_of(exc_or_decision, rule_id=None):
    """Findings (as dicts) of a blocked error or a stored decision, optionally of one rule."""
    if isinstance(exc_or_decision, Decision):
        found = list(exc_or_decision.findings)
    else:
        found = [f.as_dict() for f in exc_or_decision.findings]
    return [f for f in found if rule_id is None or f["rule_id"] == rule_id]


def rule_ids(findings, severity=None) -> set[str]:
    return {
        f["rule_id"] if isinstance(f, dict) else f.rule_id
        for f in findings
        if severity is None or (f["severity"] if isinstance(f, dict) else f.severity) == severity
    }


def assert_blocked(call, *, rule_id, article, text="", project=None, gate=None):
    """Run ``call`` (an action), expect ActionBlocked by ``rule_id``; check the finding's
    article and Chinese message, the stored blocked decision, its ledger event and that
    ``project`` (if given) kept its state. Returns the finding (dict)."""
    state_before = None
    if project is not None:
        state_before = Project.objects.get(pk=project.pk).state
    events_before = LedgerEvent.objects.count()
    with pytest.raises(ActionBlocked) as info:
        call()
    exc = info.value
    mine = findings_of(exc, rule_id)
    assert mine, f"{rule_id} not among {[f.rule_id for f in exc.findings]}"
    finding = mine[0]
    assert finding["severity"] == "block"
    assert finding["article"] == article
    assert article in finding["message"] or article in exc.message
    if text:
        assert any(text in f["message"] for f in mine), [f["message"] for f in mine]
    # The blocked decision is stored and explained by a ledger event, after the rollback.
    decision = Decision.objects.get(pk=exc.decision.pk)
    assert decision.outcome == Outcome.BLOCK
    assert rule_id in rule_ids(decision.findings, "block")
    if gate is not None:
        assert decision.gate == gate
    event = LedgerEvent.objects.filter(decision_id=decision.pk).get()
    assert event.action == ActionCode.GATE_EVALUATED
    assert event.to_state == Outcome.BLOCK
    assert "被阻止" in event.reason
    # Only the refusal was recorded: the action's own events were rolled back.
    assert LedgerEvent.objects.count() == events_before + 1
    if project is not None:
        assert Project.objects.get(pk=project.pk).state == state_before
    return finding


def preview(gate_code, project, **facts):
    """Findings of a gate on a project (not stored)."""
    project = Project.objects.get(pk=project.pk)
    return [f.as_dict() for f in preview_gate(gate_code, project_context(project, **facts))]


def last_decision(gate_code) -> Decision:
    return Decision.objects.filter(gate=gate_code).order_by("-created_at").first()


YZ_ITEMS = [
    ("渝中区政务数据治理工程", ItemKind.NEW, ItemStatus.BUILDING, 0, True),
    ("渝中区城市运行管理平台", ItemKind.NEW, ItemStatus.PLANNED, 0, False),
]


def plan_district_unit(people, username="yz_tianbao"):
    """渝中区大数据局 has no master plan in the demo: record its data governance, and draft and
    file a master plan through planning.actions, so that it can submit projects."""
    officer = people[username]
    unit = officer.primary_organisation
    year = today().year
    planning_actions.record_data_governance(
        acting_user=officer,
        unit=unit,
        standards_set_on=today() - dt.timedelta(days=60),
        data_aggregated=True,
        governance_summary="已完成区级人口、法人、地理空间数据汇聚治理。",
    )
    plan = planning_actions.create_master_plan(
        acting_user=officer,
        unit=unit,
        title="渝中区大数据局整合建设总体方案",
        start_year=year,
        end_year=year + 4,
        data_plan="先治理、后新建：完成区级数据资源目录和标准后再建设新系统。",
        collective_review_date=today() - dt.timedelta(days=10),
        collective_review_ref=f"局务会议纪要〔{year}〕2号",
    )
    for name, kind, status, offset, governance in YZ_ITEMS:
        planning_actions.add_master_plan_item(
            plan.pk,
            acting_user=officer,
            name=name,
            kind=kind,
            status=status,
            planned_year=year + offset,
            is_data_governance=governance,
        )
    planning_actions.file_master_plan(plan.pk, acting_user=officer)
    return plan


def all_criteria(verdict="pass", opinion="符合要求。", **overrides):
    """An opinion on each of the five criteria of BDB's necessity review (R8.2)."""
    from projects.models import ListCriterion

    criteria = {c: {"verdict": verdict, "opinion": opinion} for c in ListCriterion.values}
    criteria.update(overrides)
    return criteria


def decide_list(project, user, decision="list", *, criteria=None, priority=1, opinion=""):
    """BDB decides the open list review of ``project`` (signed or not)."""
    from projects import actions
    from projects.models import Review

    review = Review.objects.open().get(project=project, kind="list")
    return actions.decide_list_review(
        review,
        acting_user=user,
        decision=decision,
        criteria=all_criteria() if criteria is None else criteria,
        priority=priority,
        opinion=opinion,
    )
