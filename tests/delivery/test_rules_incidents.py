"""Serious delay or major loss (Art. 24, R24.1): the unit reports to DRC and Finance, who order
rectification with a deadline or suspend the project; while suspended nothing advances and
nothing is paid, until the suspension is lifted."""

import datetime as dt

import pytest

from core.dates import today
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import Notification
from delivery import actions
from delivery.models import IncidentState, Phase
from delivery.services import project_due_items

from .helpers import approved, carry, fund, pay, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(walker, personas):
    project = approved(walker)
    project.contract = prepare(project, walker.officer)
    carry(project, walker.officer, "construction")
    return project


def _incident(project, personas, kind="delay"):
    return actions.report_incident(
        project,
        acting_user=personas.jw_officer,
        kind=kind,
        description="核心模块开发进度滞后 4 个月。",
    )


def _refused(exc, rule_id):
    """The one blocking finding of a refusal, citing Art. 24."""
    [finding] = [f for f in exc.value.findings if f.blocks]
    assert finding.rule_id == rule_id and finding.article == "第二十四条", finding
    return finding


def test_R24_1_incident_reported_to_drc_and_finance(building, personas):
    incident = _incident(building, personas)
    assert incident.state == IncidentState.REPORTED
    for user in (personas.drc, personas.finance):
        assert Notification.objects.filter(recipient=user, title__contains=building.code).exists()


def test_R24_1_incident_kind_is_checked(building, personas):
    with pytest.raises(ActionInvalid) as exc:
        _incident(building, personas, kind="fire")
    assert "kind" in exc.value.errors


def test_R24_1_rectification_order_creates_a_due_item(building, personas):
    incident = _incident(building, personas)
    deadline = today() + dt.timedelta(days=45)
    incident = actions.order_rectification(
        incident, acting_user=personas.drc, deadline=deadline.isoformat(), order_text="限期赶工。"
    )
    assert incident.state == IncidentState.RECTIFYING
    [item] = [i for i in project_due_items(building) if i.kind == "rectification"]
    assert item.due_on == deadline and item.article == "第二十四条"
    assert item.key == f"rectification:{incident.pk}"
    assert item.status(deadline) == "due_soon"
    assert item.status(deadline + dt.timedelta(days=1)) == "overdue"
    # closed after rectification: the item goes away
    actions.close_incident(incident, acting_user=personas.finance, opinion="已整改到位。")
    assert not [i for i in project_due_items(building) if i.kind == "rectification"]


def test_R24_1_rectification_deadline_must_lie_ahead(building, personas):
    incident = _incident(building, personas)
    with pytest.raises(ActionInvalid) as exc:
        actions.order_rectification(
            incident, acting_user=personas.drc, deadline=today().isoformat(), order_text="整改。"
        )
    assert "deadline" in exc.value.errors


@pytest.mark.parametrize("who", ["jw_officer", "bdb", "supervisor", "auditor"])
def test_R24_1_only_drc_or_finance_may_order(building, personas, who):
    incident = _incident(building, personas)
    deadline = (today() + dt.timedelta(days=30)).isoformat()
    with pytest.raises(ActionForbidden):
        actions.order_rectification(
            incident, acting_user=getattr(personas, who), deadline=deadline, order_text="整改。"
        )
    with pytest.raises(ActionForbidden):
        actions.suspend_project(incident, acting_user=getattr(personas, who), order_text="暂停。")


def test_R24_1_suspension_blocks_trial_and_payments_until_lifted(building, personas):
    year = today().year
    line = fund(building, personas, year=year)
    incident = _incident(building, personas, kind="loss")
    # when Finance suspends the project
    actions.suspend_project(
        incident, acting_user=personas.finance, order_text="暂停建设，核查损失。"
    )
    building.refresh_from_db()
    assert building.suspended_at is not None
    # then the trial cannot start (R24.1)
    with pytest.raises(ActionBlocked) as exc:
        actions.start_trial(
            building, acting_user=personas.jw_officer, trial_started_on="2025-09-01"
        )
    [finding] = exc.value.findings
    assert finding.rule_id == "R24.1" and finding.article == "第二十四条"
    assert "暂停" in finding.message
    # and no payment is made (R25.1 on a suspended project)
    with pytest.raises(ActionBlocked) as exc:
        pay(personas, building.contract, line, paid_on=today(), wan="10", voucher="GK-S-1")
    assert [f.rule_id for f in exc.value.findings] == ["R25.1"]
    assert exc.value.findings[0].facts["suspended"] is True
    # a second suspension is refused: the incident is suspended already
    with pytest.raises(ActionBlocked) as exc:
        actions.suspend_project(incident, acting_user=personas.drc, order_text="再次暂停。")
    _refused(exc, "R24.1.state")
    # and so is suspending the project again through another incident
    other = _incident(building, personas)
    with pytest.raises(ActionBlocked) as exc:
        actions.suspend_project(other, acting_user=personas.drc, order_text="再次暂停。")
    assert "暂停" in _refused(exc, "R24.1.suspended").message
    # DRC lifts it: both are allowed again
    incident = actions.lift_suspension(incident, acting_user=personas.drc, opinion="已整改。")
    assert incident.state == IncidentState.CLOSED
    actions.close_incident(other, acting_user=personas.drc, opinion="已整改。")
    pay(personas, building.contract, line, paid_on=today(), wan="10", voucher="GK-S-2")
    delivery = actions.start_trial(
        building, acting_user=personas.jw_officer, trial_started_on="2025-09-01"
    )
    assert delivery.phase == Phase.TRIAL


def test_R24_1_suspension_blocks_completion(building, personas):
    incident = _incident(building, personas)
    actions.suspend_project(incident, acting_user=personas.drc, order_text="暂停。")
    with pytest.raises(ActionBlocked) as exc:
        actions.complete_construction(
            building, acting_user=personas.jw_officer, completed_on="2025-10-31"
        )
    assert {f.rule_id for f in exc.value.findings} == {"R24.1"}


def test_R24_1_lift_only_a_suspension(building, personas):
    incident = _incident(building, personas)
    with pytest.raises(ActionBlocked) as exc:
        actions.lift_suspension(incident, acting_user=personas.drc, opinion="解除。")
    assert _refused(exc, "R24.1.state").facts["state"] == IncidentState.REPORTED
    with pytest.raises(ActionForbidden):
        actions.close_incident(incident, acting_user=personas.jw_officer, opinion="自行关闭。")


def test_R24_1_no_rectification_order_on_a_suspended_incident(building, personas):
    """Otherwise the incident would leave "suspended" and the suspension could not be lifted."""
    incident = _incident(building, personas)
    actions.suspend_project(incident, acting_user=personas.drc, order_text="暂停。")
    with pytest.raises(ActionBlocked) as exc:
        actions.order_rectification(
            incident,
            acting_user=personas.drc,
            deadline=(today() + dt.timedelta(days=30)).isoformat(),
            order_text="整改。",
        )
    assert _refused(exc, "R24.1.state").facts["state"] == IncidentState.SUSPENDED
    incident = actions.lift_suspension(incident, acting_user=personas.drc, opinion="解除。")
    building.refresh_from_db()
    assert building.suspended_at is None and incident.state == IncidentState.CLOSED
