"""The supervision clocks: the sweep records overdue requests and orders, reminds before the
deadlines (once), proposes violations; the deadlines join every role's to-dos, the duties of
the pages and the calendar; a sanction and its lifting notify the unit."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from core.dates import today
from core.models import Notification
from core.offers import next_steps
from core.todos import todos_for
from investment.models import EvaluationResult
from supervision import actions
from supervision.deadlines import calendar_items
from supervision.models import OrderState, RequestState
from supervision.sweep import sweep
from supervision.tasks import sweep_supervision

from .conftest import SANCTION, days


def titles(user):
    return [t.title for t in todos_for(user) if str(t.category) == "监督管理"]


def test_the_sweep_records_what_is_overdue_once(personas, project, request_on, order_on):
    req = request_on(project, issued_on=days(-10), deadline_days=-1)
    order = order_on(project, issued_on=days(-40), deadline_days=-2)
    first = sweep()
    assert (first.overdue_requests, first.overdue_orders) == (1, 1)
    req.refresh_from_db()
    order.refresh_from_db()
    assert req.state == RequestState.OVERDUE and order.state == OrderState.OVERDUE
    # DRC and Finance learn that the sanctions are available
    assert Notification.objects.filter(
        recipient=personas.finance, link=order.get_absolute_url()
    ).exists()
    again = sweep()
    assert again.total == 0


def test_the_sweep_reminds_a_week_ahead_once(personas, project, request_on, order_on):
    request_on(project, deadline_days=3)
    order_on(project, deadline_days=30)  # not yet
    assert sweep().reminders == 2  # the unit's officer and head
    assert sweep().reminders == 0
    assert sweep(on=today() + dt.timedelta(days=25)).reminders == 2  # the order, later


def test_deadlines_join_every_role_s_to_dos(personas, project, request_on, order_on, overdue_order):
    req = request_on(project)
    order = order_on(project)
    late = overdue_order(project)
    finding = actions.record_audit_finding(
        project, acting_user=personas.auditor, aspect="efficiency", facts="闲置。"
    )
    unit = titles(personas.jw_officer)
    assert any(req.number in t for t in unit) and any(order.number in t for t in unit)
    assert any(finding.number in t for t in unit)
    actions.answer_request(req, acting_user=personas.jw_officer, answer="见附件。", attest=True)
    actions.report_rectification(order, acting_user=personas.jw_officer, report="已整改。")
    drc = titles(personas.drc)
    assert any("审核答复" in t and req.number in t for t in drc)
    assert any("核查整改情况" in t and order.number in t for t in drc)
    assert any("作出处理" in t and late.number in t for t in drc)
    assert any("作出处理" in t for t in titles(personas.finance))
    assert not any("作出处理" in t for t in titles(personas.bdb))
    actions.respond_to_audit_finding(finding, acting_user=personas.jw_officer, response="已盘活。")
    assert any(finding.number in t for t in titles(personas.auditor))


def test_evaluation_results_with_problems_are_a_to_do_of_the_four(personas, project):
    EvaluationResult.objects.create(
        project=project,
        kind="self",
        completed_on=dt.date(2026, 5, 1),
        grade="不合格",
        conclusion="绩效目标未实现。",
        recorded_by=personas.jw_officer,
    )
    for user in (personas.drc, personas.finance, personas.bdb, personas.cac):
        assert any(project.code in t for t in titles(user)), user
    assert not any(project.code in t for t in titles(personas.psb))


def test_deadlines_are_duties_on_the_project_page_and_in_the_calendar(
    personas, project, order_on, login
):
    order = order_on(project, deadline_days=5)
    duties = next_steps(project, personas.jw_officer).duties
    assert [d.due for d in duties if order.number in d.title] == [order.deadline]
    assert [i.record for i in calendar_items(personas.jw_officer)] == [order]
    assert [i.record for i in calendar_items(personas.drc, projects=[project])] == [order]
    assert calendar_items(personas.wj_officer) == []
    assert calendar_items(personas.jw_officer)[0].status(today()) == "due_soon"
    # the deadline calendar page lists it (core.calendar), under the page's status filter
    page = login(personas.jw_officer).get(reverse("delivery:calendar")).content.decode()
    assert 'data-testid="other-deadline" data-status="due_soon"' in page
    assert order.get_absolute_url() in page
    overdue_only = login(personas.jw_officer).get(reverse("delivery:calendar") + "?status=overdue")
    assert 'data-testid="other-deadline"' not in overdue_only.content.decode()
    other_unit = login(personas.wj_officer).get(reverse("delivery:calendar")).content.decode()
    assert order.get_absolute_url() not in other_unit


def test_a_sanction_and_its_lifting_notify_the_unit(personas, project, overdue_order):
    deferral = actions.defer_investment(
        overdue_order(project), acting_user=personas.drc, scope="project", **SANCTION
    )
    told = Notification.objects.filter(recipient=personas.jw_head, link=deferral.get_absolute_url())
    assert told.count() == 1 and "暂缓安排投资计划" in told.get().title
    actions.lift_sanction(deferral, acting_user=personas.drc, reasons="已整改。")
    assert told.count() == 2


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_task_and_the_command_run_the_sweep(personas, project, request_on, settings):
    request_on(project, issued_on=days(-10), deadline_days=-1)
    settings.TASKS = IMMEDIATE
    assert sweep_supervision.enqueue(reschedule=True).return_value >= 1  # cannot defer: once
    out = StringIO()
    call_command("sweep_supervision", "--date", days(40), stdout=out)
    assert "巡检完成" in out.getvalue()
