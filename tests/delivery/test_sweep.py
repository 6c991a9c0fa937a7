"""The deadline sweep (``delivery.sweep``), its management command and its background task:
idempotent reminders before a due date to the unit, and after it to the unit, DRC and BDB."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from accounts.recipients import reviewers_of, unit_staff
from core.models import Notification
from delivery.sweep import sweep
from delivery.tasks import SWEEP_INTERVAL, sweep_deadlines

from .helpers import approved, carry, prepare

pytestmark = pytest.mark.django_db

D = dt.date
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def building(walker):
    """Under construction since 2025-03-01: the 2025 report is due on 2025-12-31."""
    project = approved(walker)
    prepare(project, walker.officer)
    return carry(project, walker.officer, "construction", started="2025-03-01")


def _due(project, item="annual_report:2025"):
    return Notification.objects.filter(dedupe_key__startswith=f"due:{project.pk}:{item}:")


def _recipients(project, status, item="annual_report:2025"):
    return set(
        _due(project, item)
        .filter(dedupe_key__endswith=f":{status}")
        .values_list("recipient__username", flat=True)
    )


def _names(users):
    return {u.username for u in users}


def test_sweep_twice_notifies_once(building):
    on = D(2026, 1, 5)
    created = sweep(on)
    rows = Notification.objects.count()
    assert created > 0 and _due(building).count() == created
    assert sweep(on) == 0
    assert Notification.objects.count() == rows


def test_due_soon_notifies_the_unit_only(building):
    sweep(D(2025, 12, 15))
    unit = _names(unit_staff(building.unit_id))
    assert unit and _recipients(building, "due_soon") == unit
    note = _due(building).first()
    assert "即将到期" in note.title and "2025-12-31" in note.title and "第二十三条" in note.body
    assert note.link == f"/delivery/projects/{building.pk}/"


def test_overdue_notifies_the_unit_drc_and_bdb(building, personas):
    sweep(D(2025, 12, 15))
    sweep(D(2026, 1, 1))
    expected = _names(unit_staff(building.unit_id))
    expected |= _names(reviewers_of("drc")) | _names(reviewers_of("bdb"))
    assert {personas.drc.username, personas.bdb.username} <= expected
    assert _recipients(building, "overdue") == expected
    assert personas.finance.username not in _recipients(building, "overdue")
    assert "已逾期" in _due(building).filter(dedupe_key__endswith=":overdue").first().title
    # the due-soon reminder of December stays single
    assert _recipients(building, "due_soon") == _names(unit_staff(building.unit_id))


def test_open_and_done_items_are_not_notified(building, personas):
    assert sweep(D(2025, 6, 1)) == 0
    from delivery import actions

    actions.submit_annual_report(
        building,
        acting_user=personas.jw_officer,
        year=2025,
        summary="完成主体开发。",
        user_opinions="满足需要。",
        supervisor_opinion="受控。",
    )
    sweep(D(2026, 1, 1))
    assert not _due(building).exists()


def test_preparing_projects_are_not_swept(walker):
    project = approved(walker)
    prepare(project, walker.officer)
    assert sweep(D(2030, 1, 1)) == 0


def test_sweep_defaults_to_today(building):
    with mock.patch("delivery.sweep.today", return_value=D(2026, 1, 1)):
        assert sweep() > 0
    assert _due(building).filter(dedupe_key__endswith=":overdue").exists()


# -- the management command --------------------------------------------------------------------


def test_command_prints_the_count(building):
    out = StringIO()
    call_command("sweep_deadlines", "--date", "2027-01-01", stdout=out)
    created = Notification.objects.filter(dedupe_key__startswith="due:").count()
    assert created > 0
    assert out.getvalue().strip() == f"巡检完成，新发提醒 {created} 条。"
    out = StringIO()
    call_command("sweep_deadlines", "--date", "2027-01-01", stdout=out)
    assert out.getvalue().strip() == "巡检完成，新发提醒 0 条。"


def test_command_refuses_a_bad_date(building):
    with pytest.raises(CommandError, match="日期格式"):
        call_command("sweep_deadlines", "--date", "2027-13-01", stdout=StringIO())


def test_command_enqueues_the_task(building, settings):
    from django_tasks import default_task_backend

    settings.TASKS = DUMMY
    out = StringIO()
    call_command("sweep_deadlines", "--enqueue", stdout=out)
    assert "已加入后台巡检任务" in out.getvalue()
    [result] = default_task_backend.results
    assert result.task.name == "sweep_deadlines" and result.kwargs == {"reschedule": True}


# -- the background task -----------------------------------------------------------------------


def test_task_runs_with_the_immediate_backend(building, settings):
    from django_tasks import TaskResultStatus

    settings.TASKS = IMMEDIATE
    with mock.patch("delivery.sweep.today", return_value=D(2026, 1, 1)):
        result = sweep_deadlines.enqueue(reschedule=False)
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value == _due(building).count() > 0


def test_task_without_reschedule_does_not_recurse(building, settings):
    settings.TASKS = IMMEDIATE
    with mock.patch("delivery.sweep.sweep", return_value=0) as run:
        sweep_deadlines.enqueue(reschedule=False)
    assert run.call_count == 1


def test_task_with_reschedule_on_the_immediate_backend_runs_once(building, settings):
    """The immediate backend cannot defer: the sweep succeeds and schedules nothing."""
    from django_tasks import TaskResultStatus

    settings.TASKS = IMMEDIATE
    with mock.patch("delivery.sweep.sweep", return_value=3) as run:
        result = sweep_deadlines.enqueue(reschedule=True)
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value == 3 and run.call_count == 1


def test_task_reschedules_itself_on_a_deferring_backend(building, settings):
    from django.utils import timezone
    from django_tasks import default_task_backend

    settings.TASKS = DUMMY
    before = timezone.now()
    with mock.patch("delivery.sweep.sweep", return_value=0):
        sweep_deadlines.call(reschedule=True)
    [next_run] = default_task_backend.results
    assert next_run.kwargs == {"reschedule": True}
    assert next_run.task.run_after >= before + SWEEP_INTERVAL
    with mock.patch("delivery.sweep.sweep", return_value=0):
        sweep_deadlines.call(reschedule=False)
    assert len(default_task_backend.results) == 1
