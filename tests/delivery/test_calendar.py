"""The calendar of statutory clocks per role, the unit's to-dos, and the periodic sweep
enqueued once when ``manage.py serve`` starts."""

from __future__ import annotations

import io

from django.core import management
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Organisation
from accounts.roles import OrgKind
from core.todos import todos_for
from delivery import actions
from delivery.clocks import calendar_rows
from delivery.tasks import sweep_deadlines
from demo.management.commands import serve

CALENDAR = reverse("delivery:calendar")


def rows_of(html, project):
    return html.count(f'data-testid="calendar-row" data-project="{project.pk}"')


def test_unit_sees_its_overdue_items_and_another_unit_does_not(built, personas, login):
    # given a project under construction since 2025-03: the 2025 annual report was due 12-31
    project = built(target="construction")
    html = login(personas.jw_officer).get(CALENDAR).content.decode()
    assert rows_of(html, project) >= 1
    assert 'data-kind="annual_report" data-status="overdue"' in html
    assert "第二十三条" in html
    # another unit's officer sees neither the row nor the project
    other = login(personas.wj_officer)
    assert rows_of(other.get(CALENDAR).content.decode(), project) == 0
    assert other.get(reverse("delivery:project", args=[project.pk])).status_code == 404
    # the unit's to-dos carry the overdue item with its date
    todo = next(t for t in todos_for(personas.jw_officer) if project.code in t.title)
    assert "已逾期" in todo.title and todo.due is not None


def test_overdue_first_and_filters(built, personas):
    project = built(target="completed")  # acceptance window ended 2026-04-30, report 2025 due
    rows = calendar_rows(personas.bdb, status="all")
    statuses = [r.status for r in rows if r.project.pk == project.pk]
    assert statuses and statuses[0] == "overdue"
    ranks = [r.sort_key for r in rows]
    assert ranks == sorted(ranks)
    kinds = {r.item.kind for r in calendar_rows(personas.bdb, kind="acceptance")}
    assert kinds == {"acceptance"}
    assert calendar_rows(personas.bdb, month="2026-04") and all(
        r.item.due_on.strftime("%Y-%m") == "2026-04"
        for r in calendar_rows(personas.bdb, month="2026-04")
    )
    assert not calendar_rows(personas.bdb, status="done", kind="acceptance")


def test_calendar_page_filters(built, personas, login):
    built(target="completed")
    client = login(personas.drc)
    html = client.get(CALENDAR + "?kind=acceptance&status=overdue").content.decode()
    assert 'data-kind="acceptance" data-status="overdue"' in html
    assert 'data-kind="annual_report"' not in html
    assert client.get(CALENDAR + "?status=bogus&month=nonsense").status_code == 200


def test_supervisor_calendar_lists_only_supervised_projects(built, personas, login):
    supervised = built(target="construction")
    other = built(target="construction")
    company = Organisation.objects.create(name="另一监理公司（测试）", kind=OrgKind.SUPERVISOR)
    actions.assign_supervisor(other, acting_user=personas.jw_officer, supervisor=company.pk)
    html = login(personas.supervisor).get(CALENDAR).content.decode()
    assert rows_of(html, supervised) >= 1
    assert rows_of(html, other) == 0


def test_authorities_see_every_project(built, personas):
    project = built(target="construction")
    for who in (personas.drc, personas.bdb, personas.finance, personas.auditor):
        assert any(r.project.pk == project.pk for r in calendar_rows(who))


def test_more_projects_than_the_calendar_computes_asks_to_narrow(built, personas, login, settings):
    """A reader of the whole city is asked to narrow the calendar down instead of waiting for
    every project's clocks (issue 17); a search by code, name or unit brings them back."""
    first = built(target="construction")
    second = built(target="construction")
    settings.GOVIT_CALENDAR_MAX_PROJECTS = 1
    client = login(personas.drc)
    html = client.get(CALENDAR).content.decode()
    assert 'data-testid="calendar-narrow"' in html and "超过 1 个" in html
    assert rows_of(html, first) == 0 and rows_of(html, second) == 0
    narrowed = client.get(CALENDAR, {"q": first.code}).content.decode()
    assert 'data-testid="calendar-narrow"' not in narrowed and rows_of(narrowed, first) >= 1
    api = client.get("/api/delivery/calendar")
    assert api.status_code == 422 and "超过 1 个" in api.json()["message"]
    assert client.get("/api/delivery/calendar", {"q": first.code}).status_code == 200
    settings.GOVIT_CALENDAR_MAX_PROJECTS = 2
    assert 'data-testid="calendar-narrow"' not in client.get(CALENDAR).content.decode()


def test_serve_enqueues_the_sweep_once(db, monkeypatch, settings):
    settings.DEBUG = True  # serve is the development server (make run)
    started = []

    class Worker:
        def __init__(self, args):
            started.append(args)

        def terminate(self):
            pass

        def wait(self, timeout=None):
            return 0

    real = management.call_command

    def call(name, *args, **kwargs):
        if name == "runserver":
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(serve.subprocess, "Popen", Worker)
    monkeypatch.setattr(serve, "call_command", call)
    pending = DBTaskResult.objects.filter(task_path=sweep_deadlines.module_path)
    management.call_command("serve", stdout=io.StringIO())
    management.call_command("serve", stdout=io.StringIO())
    assert pending.filter(status=TaskResultStatus.READY).count() == 1
    assert len(started) == 2 and "db_worker" in started[0]
    # every periodic task (ledger checkpoints, both sweeps, health) waits exactly once
    from django.conf import settings

    for path in settings.GOVIT_PERIODIC_TASKS:
        ready = DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY)
        assert ready.count() == 1, path
    # a sweep cut off long ago while RUNNING does not count as pending
    pending.update(status=TaskResultStatus.RUNNING, started_at="2020-01-01T00:00:00Z")
    assert serve.enqueue_sweep_once() is True
    assert serve.enqueue_sweep_once() is False
