"""The investment demo: a published plan with budgets, payments, a filed change and a change
awaiting approval (and an Art. 11 request in progress); seeding twice adds nothing."""

import pytest

from core.dates import today
from core.ledger import verify_ledger
from core.models import LedgerEvent
from investment.demo import EDU_GOVERNANCE, HEALTH_DATA, seed_investment
from investment.models import (
    Art11Request,
    Art11State,
    Baseline,
    BudgetLine,
    ChangeClass,
    ChangeRequest,
    ChangeState,
    Contract,
    Payment,
    PerformanceTable,
    PlanEntry,
    PlanState,
    PlanVersion,
)
from investment.services import current_plan_version, paid_total, payment_limit, reconcile
from projects.demo import seed_projects
from projects.models import Project

pytestmark = pytest.mark.django_db

MODELS = (
    Project,
    PlanVersion,
    PlanEntry,
    PerformanceTable,
    BudgetLine,
    Contract,
    Payment,
    Baseline,
    ChangeRequest,
    Art11Request,
    LedgerEvent,
)


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_demo_shows_plan_budgets_payments_and_changes_and_is_idempotent(planned):
    # given the demo projects; when the investment demo is seeded twice
    seed_projects(planned)
    seed_investment(planned)
    before = counts()
    seed_investment(planned)
    # then the second run adds nothing, and the demo shows each situation
    assert counts() == before
    plans_published()
    budget_lines_reconcile_but_one()
    contracts_and_payments_within_limits()
    a_filed_change_and_a_change_awaiting_approval()
    an_art11_request_awaits_drc()
    assert verify_ledger().ok


def plans_published():
    """Published plans for the years of the approved projects."""
    year = today().year
    approved_years = set(Project.objects.filter(state="approved").values_list("year", flat=True))
    assert approved_years >= {year, year + 1, year + 2}
    for y in approved_years:
        version = current_plan_version(y)
        assert version is not None and version.state == PlanState.PUBLISHED
        planned = set(version.entries.values_list("project__state", flat=True))
        assert "approved" in planned
    # this year's plan holds the listed O&M project and both projects approved for it
    names = set(current_plan_version(year).entries.values_list("project__name", flat=True))
    assert {"全民健康信息平台运维", HEALTH_DATA, EDU_GOVERNANCE} <= names
    # every planned construction project has this year's performance table
    for entry in current_plan_version(year).entries.exclude(project__kind="om"):
        assert PerformanceTable.objects.filter(project=entry.project, year=year).exists()


def budget_lines_reconcile_but_one():
    year = today().year
    assert BudgetLine.objects.filter(year=year).count() == 3
    rows = reconcile(year)["rows"]
    assert [(r.name, r.problem) for r in rows] == [(EDU_GOVERNANCE, "预算与计划金额不一致")]
    assert rows[0].plan_amount == 6_000_000 and rows[0].budget_amount == 5_000_000


def contracts_and_payments_within_limits():
    assert Payment.objects.count() == 3
    for project in Project.objects.filter(name__in=[HEALTH_DATA, EDU_GOVERNANCE]):
        assert Contract.objects.filter(project=project).exists()
        assert 0 < paid_total(project.pk) <= payment_limit(project)
        assert all(p.paid_on <= today() for p in Payment.objects.filter(contract__project=project))


def a_filed_change_and_a_change_awaiting_approval():
    project = Project.objects.get(name=HEALTH_DATA)
    assert Baseline.objects.get(project=project).approved_total == project.approved_total
    filed, pending = ChangeRequest.objects.filter(project=project).order_by("number")
    limit = project.approved_total * 15 / 100
    assert (filed.state, filed.classification) == (ChangeState.FILED, ChangeClass.FILING)
    assert filed.cumulative_moved <= limit
    assert (pending.state, pending.classification) == (ChangeState.PENDING, ChangeClass.APPROVAL)
    assert pending.cumulative_moved > limit


def an_art11_request_awaits_drc():
    request = Art11Request.objects.get()
    assert request.project.name == EDU_GOVERNANCE
    assert request.state == Art11State.LISTED
    assert [h["state"] for h in request.history] == ["initiated", "listed"]
