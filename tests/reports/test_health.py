"""The health rating (issue 12, point 2): each factor at its thresholds (policy parameters), the
rating the worst of its dimensions, computed from the records of the demo city (never entered),
stored for lists and dashboards, a snapshot a month drawn as a line on the project page."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from policy.lookup import policy_in_force
from policy.models import PolicyParameter
from projects.models import Project, ProjectState
from reports import health
from reports.health import GREEN, RED, YELLOW, Context
from reports.models import HealthSnapshot, ProjectHealth

ON = dt.date(2026, 6, 30)


@pytest.fixture
def ctx(db):
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    return Context(on=ON, p=policy_in_force(None, ON).p, policy_code="test")


def level(key, ctx, **facts):
    return next(f for f in health.factors() if f.key == key).level(facts, ctx)


def with_params(ctx, **values):
    return dataclasses.replace(ctx, p=dataclasses.replace(ctx.p, **values))


def money(approved, contracted, paid):
    return {
        "h_approved": Decimal(approved),
        "h_contracted": Decimal(contracted),
        "h_paid": Decimal(paid),
    }


def test_the_thresholds_are_parameters_of_every_policy_version(db):
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    keys = set(
        PolicyParameter.objects.filter(key__startswith="health_").values_list("key", flat=True)
    )
    assert len(keys) == 9
    for version in policy_in_force(None).__class__.objects.all():
        assert version.p.health_cost_red_ratio == Decimal("0.10")


@pytest.mark.parametrize(
    ("contracted", "paid", "expected"),
    [
        ("1000", "0", GREEN),  # at the approved total
        ("1000.01", "0", YELLOW),  # any overrun (yellow threshold 0 %)
        ("1100", "0", YELLOW),  # 10 % exactly: not above the red threshold
        ("1100.01", "0", RED),
        ("0", "1100.01", RED),  # payments count as contracts do
    ],
)
def test_cost_overrun_at_its_thresholds(ctx, contracted, paid, expected):
    assert level("cost.overrun", ctx, **money("1000", contracted, paid)) == expected


def test_cost_overrun_thresholds_come_from_the_policy(ctx):
    stricter = with_params(ctx, health_cost_yellow_ratio=Decimal("0.05"))
    assert level("cost.overrun", stricter, **money("1000", "1050", "0")) == GREEN
    assert level("cost.overrun", stricter, **money("1000", "1050.01", "0")) == YELLOW


@pytest.mark.parametrize(
    ("planned", "budgeted", "paid", "expected"),
    [("100", "100", "100", GREEN), ("99", "100", "100", YELLOW), ("100", "99", "100", RED)],
)
def test_payments_against_the_plan_and_the_budget(ctx, planned, budgeted, paid, expected):
    facts = {
        "h_planned": Decimal(planned),
        "h_budgeted": Decimal(budgeted),
        "h_paid": Decimal(paid),
    }
    assert level("cost.plan", ctx, **facts) == expected


@pytest.mark.parametrize(("changes", "expected"), [(0, GREEN), (1, GREEN), (2, YELLOW)])
def test_effective_changes(ctx, changes, expected):
    assert level("cost.changes", ctx, h_changes=changes) == expected


@pytest.mark.parametrize(("late", "expected"), [(0, GREEN), (1, YELLOW), (2, YELLOW), (3, RED)])
def test_late_milestones(ctx, late, expected):
    assert level("schedule.milestones", ctx, h_late_milestones=late) == expected


@pytest.mark.parametrize(
    ("approved_on", "started_on", "expected"),
    [
        (dt.date(2025, 12, 30), None, GREEN),  # six months on 06-30: not yet past
        (dt.date(2025, 12, 29), None, YELLOW),
        (dt.date(2025, 6, 30), None, YELLOW),  # twelve months: not yet past
        (dt.date(2025, 6, 29), None, RED),
        (dt.date(2024, 1, 1), dt.date(2024, 3, 1), GREEN),  # started
    ],
)
def test_construction_start_after_approval(ctx, approved_on, started_on, expected):
    facts = {"h_approved_on": approved_on, "h_started_on": started_on}
    assert level("schedule.start", ctx, **facts) == expected


@pytest.mark.parametrize(
    ("planned", "completed", "expected"),
    [
        (ON, None, GREEN),
        (ON - dt.timedelta(days=1), None, YELLOW),
        (ON - dt.timedelta(days=180), None, YELLOW),
        (ON - dt.timedelta(days=181), None, RED),
        (ON - dt.timedelta(days=400), ON - dt.timedelta(days=10), GREEN),
    ],
)
def test_completion_against_the_baseline(ctx, planned, completed, expected):
    facts = {"h_planned_completion": planned, "h_completed_on": completed}
    assert level("schedule.completion", ctx, **facts) == expected


@pytest.mark.parametrize(("overdue", "expected"), [(0, GREEN), (1, YELLOW), (2, RED)])
def test_annual_reports_overdue(ctx, overdue, expected):
    assert level("reporting.annual", ctx, reports_overdue=overdue) == expected


@pytest.mark.parametrize(("days", "expected"), [(90, GREEN), (91, YELLOW)])
def test_supervision_reports(ctx, days, expected):
    facts = {
        "h_building": True,
        "h_supervised_since": ON - dt.timedelta(days=400),
        "h_last_supervision_report": ON - dt.timedelta(days=days),
    }
    assert level("reporting.supervision", ctx, **facts) == expected


@pytest.mark.parametrize(
    ("open_", "late", "suspended", "expected"),
    [(0, 0, False, GREEN), (1, 0, False, YELLOW), (1, 1, False, RED), (0, 0, True, RED)],
)
def test_incidents_rectifications_and_suspension(ctx, open_, late, suspended, expected):
    facts = {"h_open_incidents": open_, "rectifications_late": late, "h_suspended": suspended}
    assert level("compliance.incidents", ctx, **facts) == expected


@pytest.mark.parametrize(
    ("refused", "failed", "expected"), [(0, False, GREEN), (1, False, YELLOW), (0, True, RED)]
)
def test_om_refusals_and_failed_acceptance(ctx, refused, failed, expected):
    facts = {"h_om_refused": refused, "h_acceptance_failed": failed}
    assert level("compliance.om", ctx, **facts) == expected


def test_every_factor_cites_articles_and_explains_itself(ctx):
    for f in health.factors():
        assert f.articles and all(a.startswith("第") for a in f.articles), f.key
        assert f.dimension in health.DIMENSIONS


def test_the_demo_city_is_rated_from_its_records(city, db):
    approved = Project.objects.filter(state=ProjectState.APPROVED)
    stored = ProjectHealth.objects.all()
    assert stored.count() == approved.count()
    for row in stored:
        assert row.level == max(row.cost, row.schedule, row.reporting, row.compliance)
        assert set(row.factors) == {f.key for f in health.factors()}
    # the rating changes with the records and nothing else: re-rating gives the same
    before = dict(stored.values_list("project_id", "level"))
    health.refresh()
    assert dict(ProjectHealth.objects.values_list("project_id", "level")) == before


def test_one_snapshot_a_month_and_the_line_on_the_project_page(city, db):
    health.snapshot(dt.date(2026, 5, 3))
    health.snapshot(dt.date(2026, 5, 20))  # the month's first stays
    project = ProjectHealth.objects.first().project
    assert HealthSnapshot.objects.filter(project=project, month=dt.date(2026, 5, 1)).count() == 1
    history = health.history(project)
    assert history and all(month.day == 1 for month, _level in history)
    from reports.panels import health_context

    context = health_context(project)
    assert context["history"]["months"] == [m.strftime("%Y-%m") for m, _l in history]
    assert {f["key"] for f in context["factors"]} == {f.key for f in health.factors()}


def test_lists_filter_and_sort_by_health(city, client, db):
    client.force_login(city["szf_shenpi"])
    red = ProjectHealth.objects.filter(level=RED).count()
    page = client.get("/reports/projects/?health=2&sort=-health")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="portfolio-row"') == min(red, 20)


def test_an_act_on_a_project_rerates_it(city, db):
    from reports.health import rerate_after_act

    row = ProjectHealth.objects.first()
    ProjectHealth.objects.filter(pk=row.pk).update(level=RED, cost=RED)

    class Act:
        name = "delivery.complete_milestone"

    rerate_after_act(sender=None, action=Act(), obj=row.project, result=None)
    row.refresh_from_db()
    assert row.level == max(row.cost, row.schedule, row.reporting, row.compliance)
