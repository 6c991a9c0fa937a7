"""The gate the projects chapter evaluates before a unit submits a project: R6.3 (only items of
the currently filed master plan) and R7.1 (data standards set and existing data governed)."""

import datetime as dt

import pytest

from core.dates import today
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionInvalid
from core.models import LedgerEvent
from planning import actions
from planning.models import ItemKind, ItemStatus
from planning.services import (
    PROJECT_SUBMIT_GATE,
    current_filed_item,
    current_filed_revision,
    is_in_current_filed_plan,
    submission_context,
)
from policy.engine import enforce, evaluate_gate, preview_gate

from .conftest import START


def _govern(personas, unit, **kwargs):
    fields = dict(
        standards_set_on=today() - dt.timedelta(days=30),
        data_aggregated=True,
        governance_summary="已完成学籍数据汇聚治理。",
    )
    fields.update(kwargs)
    return actions.record_data_governance(acting_user=personas.jw_officer, unit=unit, **fields)


def _rules(findings, blocking=True):
    return sorted(f.rule_id for f in findings if f.blocks or not blocking)


def test_R6_3_helpers_find_items_of_the_current_filed_plan_only(personas, filed_plan, jw_unit):
    plan = filed_plan()
    filed_item = current_filed_revision(jw_unit).items.get(name="智慧教育平台")
    assert is_in_current_filed_plan(jw_unit, "智慧教育平台")
    assert is_in_current_filed_plan(jw_unit, filed_item)
    assert current_filed_item(jw_unit, filed_item.key) == filed_item
    assert current_filed_item(jw_unit, str(filed_item.key)) == filed_item
    assert current_filed_item(jw_unit, filed_item.pk) == filed_item
    # an item added to an unfiled draft is not in the filed plan yet
    new = actions.add_master_plan_item(
        plan.pk,
        acting_user=personas.jw_officer,
        name="新增系统",
        kind=ItemKind.NEW,
        status=ItemStatus.PLANNED,
        planned_year=START + 2,
    )
    assert not is_in_current_filed_plan(jw_unit, "新增系统")
    assert current_filed_item(jw_unit, new.pk) is None
    # the draft's copy of a filed item resolves to the filed one
    draft_copy = plan.draft_revision().items.get(key=filed_item.key)
    assert current_filed_item(jw_unit, draft_copy.pk) == filed_item
    # another unit's plan does not count
    assert not is_in_current_filed_plan(personas.wj_officer.primary_organisation, "智慧教育平台")


def test_R6_3_project_in_filed_plan_passes(personas, filed_plan, jw_unit):
    filed_plan()
    _govern(personas, jw_unit)
    item = current_filed_revision(jw_unit).items.get(name="智慧教育平台")
    ctx = submission_context(jw_unit, plan_item=item, project_kind=ItemKind.NEW)
    assert _rules(preview_gate(PROJECT_SUBMIT_GATE, ctx)) == []


def test_R6_3_project_not_in_filed_plan_is_blocked(personas, filed_plan, jw_unit):
    plan = filed_plan()
    _govern(personas, jw_unit)
    new = actions.add_master_plan_item(
        plan.pk,
        acting_user=personas.jw_officer,
        name="新增系统",
        kind=ItemKind.NEW,
        status=ItemStatus.PLANNED,
        planned_year=START + 2,
    )
    ctx = submission_context(
        jw_unit, plan_item=new, project_kind=ItemKind.NEW, project_name="新增系统"
    )
    decision = evaluate_gate(PROJECT_SUBMIT_GATE, ctx, organisation=jw_unit)
    with pytest.raises(ActionBlocked) as exc_info:
        enforce(decision)
    finding = exc_info.value.findings[0]
    assert finding.rule_id == "R6.3" and "第六条" in finding.message
    assert "尚未报备" in finding.message and finding.facts["pending_draft"] == 2
    assert decision.inputs["plan_item"] == str(new.key)


def test_R6_3_no_filed_plan_is_blocked(personas, draft_plan, jw_unit):
    draft_plan()
    _govern(personas, jw_unit)
    ctx = submission_context(jw_unit, plan_item="智慧教育平台", project_kind=ItemKind.OM)
    findings = preview_gate(PROJECT_SUBMIT_GATE, ctx)
    assert _rules(findings) == ["R6.3"]
    assert "尚无已报备" in findings[0].message


def test_R7_1_missing_record_blocks_construction_project(personas, filed_plan, jw_unit):
    filed_plan()
    ctx = submission_context(jw_unit, plan_item="智慧教育平台", project_kind=ItemKind.NEW)
    findings = preview_gate(PROJECT_SUBMIT_GATE, ctx)
    assert _rules(findings) == ["R7.1"]
    assert "第七条" in findings[0].message and findings[0].remedy


def test_R7_1_incomplete_record_is_blocked(personas, filed_plan, jw_unit):
    filed_plan()
    _govern(personas, jw_unit, standards_set_on=None, data_aggregated=False, governance_summary="")
    ctx = submission_context(jw_unit, plan_item="智慧教育平台", project_kind=ItemKind.EXPANSION)
    findings = [f for f in preview_gate(PROJECT_SUBMIT_GATE, ctx) if f.blocks]
    assert [f.rule_id for f in findings] == ["R7.1"]
    assert "数据标准制定完成日期" in findings[0].message
    assert findings[0].facts["missing"] == [
        "数据标准制定完成日期",
        "已有数据汇聚治理",
        "数据汇聚治理情况说明",
    ]


def test_R7_1_complete_record_passes_and_is_audited(personas, filed_plan, jw_unit):
    filed_plan()
    record = _govern(personas, jw_unit)
    assert record.is_complete
    event = LedgerEvent.objects.get(action=ActionCode.DATA_GOVERNANCE_RECORDED)
    assert event.organisation_id == jw_unit.pk and event.to_state == "complete"
    ctx = submission_context(jw_unit, plan_item="智慧教育平台", project_kind=ItemKind.NEW)
    assert _rules(preview_gate(PROJECT_SUBMIT_GATE, ctx)) == []


def test_R7_1_om_project_is_not_a_construction_project(personas, filed_plan, jw_unit):
    filed_plan()
    ctx = submission_context(jw_unit, plan_item="教育管理平台运维", project_kind=ItemKind.OM)
    assert _rules(preview_gate(PROJECT_SUBMIT_GATE, ctx)) == []


def test_R7_1_record_validation_and_scoping(personas, jw_unit):
    with pytest.raises(ActionInvalid) as exc_info:
        _govern(personas, jw_unit, governance_summary="")
    assert "governance_summary" in exc_info.value.errors
    with pytest.raises(ActionInvalid):
        _govern(personas, jw_unit, standards_set_on=today() + dt.timedelta(days=3))
    from core.errors import ActionForbidden

    with pytest.raises(ActionForbidden):
        actions.record_data_governance(
            acting_user=personas.wj_officer, unit=jw_unit, data_aggregated=False
        )
