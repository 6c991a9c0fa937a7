"""R6.2 / R6.3 (第六条): department master plans — period from the policy, governance first,
collective review, filing with BDB, DRC and 市委网信办, immutable filed revisions, re-filing."""

import datetime as dt

import pytest

from core.dates import today
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent, Notification
from planning import actions
from planning.models import (
    ItemKind,
    ItemStatus,
    MasterPlan,
    MasterPlanItem,
    MasterPlanRevision,
    RevisionImmutable,
    RevisionState,
)
from planning.services import current_filed_revision
from policy.lookup import forget_policies
from policy.models import Decision, Outcome, PolicyParameter

from .conftest import START


def _blocking(exc_info):
    return [f.rule_id for f in exc_info.value.findings if f.blocks]


def test_R6_2_filing_passes_and_notifies_the_three_authorities(personas, draft_plan, jw_unit):
    # given a complete draft reviewed collectively
    plan = draft_plan()
    # when the unit head files it
    revision = actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    # then it is the unit's current filed revision, filed with BDB, DRC and 市委网信办
    assert revision.state == RevisionState.FILED and revision.is_current_filed
    assert current_filed_revision(jw_unit) == revision
    assert sorted(f.authority.authority for f in revision.filings.all()) == ["bdb", "cac", "drc"]
    for user in (personas.bdb, personas.bdb2, personas.drc, personas.cac):
        assert Notification.objects.filter(recipient=user, title__contains="总体方案报备").exists()
    assert not Notification.objects.filter(
        recipient=personas.finance, title__contains="总体方案报备"
    ).exists()
    event = LedgerEvent.objects.get(action=ActionCode.MASTER_PLAN_FILED)
    assert event.organisation_id == jw_unit.pk and event.actor_id == personas.jw_head.pk
    assert (event.from_state, event.to_state) == ("draft", "filed")
    assert event.policy_version == "cq-municipal-2021"
    assert Decision.objects.get(pk=event.decision_id).outcome == Outcome.PASS


def test_R6_2_unit_officer_may_file_too(personas, draft_plan):
    plan = draft_plan()
    revision = actions.file_master_plan(plan.pk, acting_user=personas.jw_officer)
    assert revision.state == RevisionState.FILED


@pytest.mark.parametrize("start,end", [(START, START + 1), (START, START + 5)])
def test_R6_2_period_outside_policy_is_blocked(personas, draft_plan, start, end):
    plan = draft_plan(start=start, end=end)
    with pytest.raises(ActionBlocked) as exc_info:
        actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert _blocking(exc_info) == ["R6.2"]
    finding = exc_info.value.findings[0]
    assert "3—5 年" in finding.message and "第六条" in finding.message and finding.remedy
    assert finding.facts["min_years"] == 3 and finding.facts["max_years"] == 5
    # the refusal is stored and audited although nothing changed
    assert plan.draft_revision().state == RevisionState.DRAFT
    assert Decision.objects.filter(gate="planning.master_plan.file", outcome=Outcome.BLOCK).exists()


def test_R6_2_period_limits_come_from_the_policy_in_force(personas, draft_plan):
    PolicyParameter.objects.filter(
        policy__code="cq-municipal-2021", key="master_plan_min_years"
    ).update(value="2")
    forget_policies()  # an update() sends no signal: the process's kept versions are stale
    plan = draft_plan(start=START, end=START + 1)
    revision = actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert revision.state == RevisionState.FILED


def test_R6_2_collective_review_missing_is_blocked(personas, draft_plan):
    plan = draft_plan(reviewed=False)
    with pytest.raises(ActionBlocked) as exc_info:
        actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert _blocking(exc_info) == ["R6.2.collective-review"]
    assert "集体审议" in exc_info.value.findings[0].message


def test_R6_2_collective_review_in_future_is_refused(personas, draft_plan):
    plan = draft_plan()
    with pytest.raises(ActionInvalid) as exc_info:
        actions.update_master_plan(
            plan.pk,
            acting_user=personas.jw_officer,
            collective_review_date=today() + dt.timedelta(days=1),
        )
    assert "collective_review_date" in exc_info.value.errors


def test_R6_2_items_required(personas, draft_plan):
    plan = draft_plan(items=[])
    with pytest.raises(ActionBlocked) as exc_info:
        actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert "R6.2.items" in _blocking(exc_info)


def test_R6_2_item_year_outside_period_is_refused(personas, draft_plan):
    plan = draft_plan()
    with pytest.raises(ActionInvalid) as exc_info:
        actions.add_master_plan_item(
            plan.pk,
            acting_user=personas.jw_officer,
            name="超期项目",
            kind=ItemKind.NEW,
            status=ItemStatus.PLANNED,
            planned_year=START + 9,
        )
    assert "方案期限" in exc_info.value.errors["planned_year"]


def test_R6_2_item_year_outside_period_after_period_change_is_blocked(personas, draft_plan):
    plan = draft_plan()
    actions.update_master_plan(
        plan.pk, acting_user=personas.jw_officer, start_year=START + 1, end_year=START + 4
    )
    with pytest.raises(ActionBlocked) as exc_info:
        actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert set(_blocking(exc_info)) == {"R6.2.items"}


def test_R6_2_governance_first_new_before_governance_is_blocked(personas, draft_plan):
    items = [
        dict(
            seq=1,
            name="新建业务系统",
            kind=ItemKind.NEW,
            status=ItemStatus.PLANNED,
            planned_year=START + 1,
        ),
        dict(
            seq=2,
            name="数据治理工程",
            kind=ItemKind.NEW,
            status=ItemStatus.PLANNED,
            planned_year=START + 1,
            is_data_governance=True,
        ),
    ]
    plan = draft_plan(items=items)
    with pytest.raises(ActionBlocked) as exc_info:
        actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert _blocking(exc_info) == ["R6.2.governance-first"]
    finding = exc_info.value.findings[0]
    assert "先治理、后新建" in finding.message and "数据治理工程" in finding.remedy
    assert finding.facts["new_seq"] == 1 and finding.facts["governance_seq"] == 2


def test_R6_2_governance_first_passes_when_governance_is_sequenced_first(personas, draft_plan):
    items = [
        dict(
            seq=1,
            name="数据治理工程",
            kind=ItemKind.NEW,
            status=ItemStatus.PLANNED,
            planned_year=START + 1,
            is_data_governance=True,
        ),
        dict(
            seq=2,
            name="新建业务系统",
            kind=ItemKind.NEW,
            status=ItemStatus.PLANNED,
            planned_year=START + 1,
        ),
        # a new project of an earlier year than the governance project is not affected
        dict(
            seq=0 + 3,
            name="早年新建系统",
            kind=ItemKind.NEW,
            status=ItemStatus.BUILDING,
            planned_year=START,
        ),
        # expansion and O&M projects are not "新建"
        dict(
            seq=4,
            name="运维项目",
            kind=ItemKind.OM,
            status=ItemStatus.OPERATING,
            planned_year=START + 2,
        ),
    ]
    plan = draft_plan(items=items)
    revision = actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert revision.state == RevisionState.FILED


def test_R6_2_data_plan_missing_warns_but_does_not_block(personas, draft_plan):
    items = [
        dict(
            name="业务系统运维", kind=ItemKind.OM, status=ItemStatus.OPERATING, planned_year=START
        ),
    ]
    plan = draft_plan(items=items)
    revision = actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    decision = Decision.objects.get(
        pk=LedgerEvent.objects.get(action=ActionCode.MASTER_PLAN_FILED).decision_id
    )
    assert decision.outcome == Outcome.WARN
    assert [f["rule_id"] for f in decision.findings] == ["R6.2.data-plan"]
    assert revision.is_current_filed


def test_R6_3_changing_a_filed_plan_creates_a_draft_and_filed_stays_current(
    personas, filed_plan, jw_unit
):
    # given a filed plan
    plan = filed_plan()
    filed = current_filed_revision(jw_unit)
    item = filed.items.get(name="智慧教育平台")
    # when the officer changes one of its items
    changed = actions.change_master_plan_item(
        item.pk, acting_user=personas.jw_officer, planned_year=START + 2
    )
    # then a new draft revision holds the change and the filed one is untouched and current
    draft = plan.draft_revision()
    assert draft.number == 2 and changed.revision_id == draft.pk and changed.key == item.key
    item.refresh_from_db()
    assert item.planned_year == START + 1
    assert current_filed_revision(jw_unit) == filed
    assert draft.collective_review_date is None  # the change needs a new collective review
    assert LedgerEvent.objects.filter(action=ActionCode.MASTER_PLAN_REVISION_CREATED).exists()
    assert LedgerEvent.objects.filter(action=ActionCode.MASTER_PLAN_ITEM_CHANGED).exists()
    # and further changes go into the same draft
    actions.add_master_plan_item(
        plan.pk,
        acting_user=personas.jw_officer,
        name="新增项目",
        kind=ItemKind.CONTINUING,
        status=ItemStatus.PLANNED,
        planned_year=START + 3,
    )
    assert MasterPlanRevision.objects.filter(plan=plan).count() == 2


def test_R6_3_refiling_supersedes_the_previous_filed_revision(personas, filed_plan, jw_unit):
    plan = filed_plan()
    first = current_filed_revision(jw_unit)
    item = first.items.get(name="教育管理平台运维")
    actions.remove_master_plan_item(item.pk, acting_user=personas.jw_officer)
    with pytest.raises(ActionBlocked) as exc_info:  # not yet collectively reviewed
        actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert _blocking(exc_info) == ["R6.2.collective-review"]
    actions.update_master_plan(
        plan.pk,
        acting_user=personas.jw_officer,
        collective_review_date=today(),
        collective_review_ref="党组会议纪要〔2025〕9号",
        change_note="删减运维项目",
    )
    second = actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    first.refresh_from_db()
    assert first.state == RevisionState.SUPERSEDED and not first.is_current_filed
    assert second.is_current_filed and second.number == 2
    assert current_filed_revision(jw_unit) == second
    event = LedgerEvent.objects.filter(action=ActionCode.MASTER_PLAN_FILED).order_by("-seq")[0]
    assert event.data["superseded_revision"] == 1
    decision = Decision.objects.get(pk=event.decision_id)
    info = next(f for f in decision.findings if f["rule_id"] == "R6.3.refiling")
    assert info["facts"]["removed"] == ["教育管理平台运维"]
    assert first.items.filter(name="教育管理平台运维").exists()


def test_R6_3_filed_revision_is_immutable(personas, filed_plan, jw_unit):
    filed_plan()
    filed = current_filed_revision(jw_unit)
    filed.end_year = START + 3
    with pytest.raises(RevisionImmutable):
        filed.save()
    with pytest.raises(RevisionImmutable):
        filed.delete()
    item = MasterPlanItem.objects.filter(revision=filed).first()
    item.name = "改名"
    with pytest.raises(RevisionImmutable):
        item.save()
    with pytest.raises(RevisionImmutable):
        item.delete()
    with pytest.raises(RevisionImmutable):
        MasterPlanItem.objects.create(
            revision=filed, seq=99, name="x", kind="new", status="planned", planned_year=START
        )


def test_R6_3_nothing_to_file_without_a_draft(personas, filed_plan):
    plan = filed_plan()
    with pytest.raises(ActionBlocked) as exc_info:
        actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
    assert _blocking(exc_info) == ["R6.3.nothing-to-file"]


def test_R6_2_other_unit_cannot_see_or_change_the_plan(personas, draft_plan):
    plan = draft_plan()
    item = plan.draft_revision().items.first()
    assert not MasterPlan.objects.for_user(personas.wj_officer).filter(pk=plan.pk).exists()
    with pytest.raises(ActionForbidden):
        actions.file_master_plan(plan.pk, acting_user=personas.wj_officer)
    with pytest.raises(ActionForbidden):
        actions.change_master_plan_item(item.pk, acting_user=personas.wj_officer, name="x")
    with pytest.raises(ActionForbidden):
        actions.create_master_plan(
            acting_user=personas.wj_officer,
            unit=personas.jw_officer.primary_organisation,
            title="x",
            start_year=START,
            end_year=START + 4,
        )
    # authorities read every plan but do not edit it
    for reader in (personas.bdb, personas.drc, personas.cac, personas.auditor, personas.admin):
        assert MasterPlan.objects.for_user(reader).filter(pk=plan.pk).exists()
    with pytest.raises(ActionForbidden):
        actions.file_master_plan(plan.pk, acting_user=personas.bdb)
    assert not MasterPlan.objects.for_user(personas.finance).filter(pk=plan.pk).exists()


def test_R6_2_authority_confirms_receipt(personas, filed_plan, jw_unit):
    filed_plan()
    filing = current_filed_revision(jw_unit).filings.get(authority__authority="drc")
    with pytest.raises(ActionForbidden):
        actions.confirm_master_plan_filing(filing.pk, acting_user=personas.bdb)
    actions.confirm_master_plan_filing(filing.pk, acting_user=personas.drc)
    filing.refresh_from_db()
    assert filing.received_by == personas.drc
    assert LedgerEvent.objects.filter(action=ActionCode.MASTER_PLAN_FILING_RECEIVED).exists()
    with pytest.raises(ActionBlocked) as exc_info:
        actions.confirm_master_plan_filing(filing.pk, acting_user=personas.drc)
    assert _blocking(exc_info) == ["R6.2.received"]
