"""R6.1 (第六条): the city plan is drafted by BDB, approved by the city government, and
re-assessed through new versions that need approval again."""

import pytest

from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent, Notification
from planning import actions
from planning.models import CityPlan, CityPlanState, CityPlanVersion


def _draft(personas, **kwargs):
    fields = dict(
        title="重庆市市级政务信息化建设规划（2021—2025年）",
        start_year=2021,
        end_year=2025,
        summary="衔接国家规划与本市五年规划纲要。",
        data_orientation="坚持数据导向，突出数据治理。",
    )
    fields.update(kwargs)
    plan = actions.create_city_plan(acting_user=personas.bdb, **fields)
    return plan, plan.versions.get(number=1)


def _approved(personas):
    plan, version = _draft(personas)
    actions.submit_city_plan(version.pk, acting_user=personas.bdb)
    actions.approve_city_plan(version.pk, acting_user=personas.gov, opinion="同意。")
    return plan, CityPlanVersion.objects.get(pk=version.pk)


def test_R6_1_bdb_drafts_gov_approves_and_version_becomes_current(personas):
    # given a draft by BDB
    plan, version = _draft(personas)
    assert version.state == CityPlanState.DRAFT
    # when BDB submits it
    actions.submit_city_plan(version.pk, acting_user=personas.bdb)
    # then the city government is notified
    assert Notification.objects.filter(recipient=personas.gov, title__contains="待审批").exists()
    # when the city government approves it
    actions.approve_city_plan(version.pk, acting_user=personas.gov, opinion="同意。")
    version.refresh_from_db()
    assert version.state == CityPlanState.APPROVED and version.is_current
    assert plan.current_version() == version
    codes = set(
        LedgerEvent.objects.filter(object_type="planning.cityplanversion").values_list(
            "action", flat=True
        )
    )
    assert {
        ActionCode.CITY_PLAN_CREATED,
        ActionCode.CITY_PLAN_SUBMITTED,
        ActionCode.CITY_PLAN_APPROVED,
    } <= codes
    approved = LedgerEvent.objects.get(action=ActionCode.CITY_PLAN_APPROVED)
    assert approved.from_state == "submitted" and approved.to_state == "approved"
    assert approved.policy_version == "cq-municipal-2021" and approved.decision_id


def test_R6_1_submit_without_content_is_blocked(personas):
    _plan, version = _draft(personas, summary="", data_orientation="")
    with pytest.raises(ActionBlocked) as exc_info:
        actions.submit_city_plan(version.pk, acting_user=personas.bdb)
    findings = [f for f in exc_info.value.findings if f.rule_id == "R6.1"]
    assert len(findings) == 2 and all("第六条" in f.message and f.remedy for f in findings)
    version.refresh_from_db()
    assert version.state == CityPlanState.DRAFT
    assert LedgerEvent.objects.filter(action=ActionCode.GATE_EVALUATED, to_state="block").exists()


def test_R6_1_reassessment_proposes_adjustment_and_needs_approval_again(personas):
    # given an approved plan
    plan, v1 = _approved(personas)
    # when BDB re-assesses it
    v2 = actions.reassess_city_plan(
        plan.pk,
        acting_user=personas.bdb,
        reassessment_reason="国家部署调整，增加一体化数据资源体系建设内容。",
        summary="调整后的规划要点。",
    )
    # then a new draft version exists and version 1 stays current until approval
    assert v2.number == 2 and v2.kind == "adjustment" and v2.state == CityPlanState.DRAFT
    assert plan.current_version() == v1
    actions.submit_city_plan(v2.pk, acting_user=personas.bdb)
    assert plan.current_version() == v1
    # when the city government approves the adjustment
    actions.approve_city_plan(v2.pk, acting_user=personas.gov)
    # then exactly one approved version is current, the old one is superseded
    v1.refresh_from_db()
    assert v1.state == CityPlanState.SUPERSEDED and not v1.is_current
    assert plan.current_version().pk == v2.pk
    assert CityPlanVersion.objects.filter(plan=plan, is_current=True).count() == 1
    assert LedgerEvent.objects.filter(action=ActionCode.CITY_PLAN_REASSESSED).exists()


def test_R6_1_reassessment_without_reason_is_blocked(personas):
    plan, _v1 = _approved(personas)
    with pytest.raises(ActionInvalid):
        actions.reassess_city_plan(plan.pk, acting_user=personas.bdb, reassessment_reason=" ")
    v2 = actions.reassess_city_plan(plan.pk, acting_user=personas.bdb, reassessment_reason="评估")
    actions.update_city_plan(
        v2.pk,
        acting_user=personas.bdb,
        summary=v2.summary,
        data_orientation=v2.data_orientation,
        reassessment_reason="",
    )
    with pytest.raises(ActionBlocked) as exc_info:
        actions.submit_city_plan(v2.pk, acting_user=personas.bdb)
    assert [f.rule_id for f in exc_info.value.findings if f.blocks] == ["R6.1.reassessment"]


def test_R6_1_only_one_open_version_and_reassess_needs_current(personas):
    plan, _version = _draft(personas)
    with pytest.raises(ActionBlocked) as exc_info:
        actions.reassess_city_plan(plan.pk, acting_user=personas.bdb, reassessment_reason="评估")
    assert [f.rule_id for f in exc_info.value.findings] == ["R6.1.current"]
    assert exc_info.value.findings[0].article == "第六条"


def test_R6_1_gov_returns_with_opinion_and_bdb_resubmits(personas):
    _plan, version = _draft(personas)
    actions.submit_city_plan(version.pk, acting_user=personas.bdb)
    with pytest.raises(ActionInvalid):
        actions.return_city_plan(version.pk, acting_user=personas.gov, opinion="")
    actions.return_city_plan(version.pk, acting_user=personas.gov, opinion="请补充数据治理内容。")
    version.refresh_from_db()
    assert version.state == CityPlanState.RETURNED
    assert Notification.objects.filter(recipient=personas.bdb, body__contains="数据治理").exists()
    actions.submit_city_plan(version.pk, acting_user=personas.bdb)
    version.refresh_from_db()
    assert version.state == CityPlanState.SUBMITTED


def test_R6_1_roles_drafting_and_approving_are_separate(personas):
    with pytest.raises(ActionForbidden):
        actions.create_city_plan(
            acting_user=personas.jw_officer, title="x", start_year=2021, end_year=2025
        )
    _plan, version = _draft(personas)
    actions.submit_city_plan(version.pk, acting_user=personas.bdb)
    with pytest.raises(ActionForbidden):
        actions.approve_city_plan(version.pk, acting_user=personas.bdb)
    assert CityPlan.objects.count() == 1


def test_R6_1_units_see_only_approved_versions(personas):
    _plan, version = _draft(personas)
    visible = CityPlanVersion.objects.for_user(personas.jw_officer)
    assert not visible.filter(pk=version.pk).exists()
    actions.submit_city_plan(version.pk, acting_user=personas.bdb)
    actions.approve_city_plan(version.pk, acting_user=personas.gov)
    assert visible.filter(pk=version.pk).exists()
