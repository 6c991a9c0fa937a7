"""The "您现在可以办理" card on the investment pages and on the project's page: each role is
offered its own steps, blocked ones show their findings with rule and article, and others are
offered nothing."""

import pytest
from django.urls import reverse

from core.offers import next_steps
from investment import actions
from investment.models import AnnualPlan, PlanVersion

pytestmark = pytest.mark.django_db
ITEMS = [{"name": "软件开发", "amount_wan": "600"}, {"name": "硬件", "amount_wan": "200"}]


def offered(obj, user) -> set[str]:
    return {o.action.function_name for o in next_steps(obj, user).enabled}


def blocked(obj, user) -> dict[str, set[str]]:
    return {
        o.action.function_name: {f.rule_id for f in o.blocking}
        for o in next_steps(obj, user).blocked
    }


def test_R10_1_plan_card_offers_drc_to_open_compile_and_publish(approved, personas):
    # a year not compiled yet: its page shows an unsaved plan whose card offers to start
    fresh = AnnualPlan(year=approved.year)
    assert offered(fresh, personas.drc) == {"open_plan_version", "compile_plan"}
    assert offered(fresh, personas.jw_officer) == set()
    assert offered(fresh, personas.finance) == set()
    # an empty draft: publishing it is shown blocked, and why
    actions.open_plan_version(acting_user=personas.drc, year=approved.year)
    plan = AnnualPlan.objects.get()
    assert offered(plan, personas.drc) == {"compile_plan"}
    assert blocked(plan, personas.drc) == {"publish_plan": {"R10.1.empty"}}
    actions.compile_plan(acting_user=personas.drc, year=approved.year)
    assert offered(plan, personas.drc) == {"compile_plan", "publish_plan"}
    # the version's own page offers the same publication
    version = PlanVersion.objects.get()
    assert offered(version, personas.drc) == {"publish_plan"}


def test_R10_1_plan_page_shows_the_card(approved, personas, client):
    client.force_login(personas.drc)
    body = client.get(reverse("investment:plan", args=[approved.year])).content.decode()
    assert 'data-testid="next-steps"' in body
    assert (
        'data-testid="act-compile-plan"' in body and 'data-testid="act-open-plan-version"' in body
    )
    client.force_login(personas.wj_officer)
    body = client.get(reverse("investment:plan", args=[approved.year])).content.decode()
    assert 'data-testid="nothing-to-do"' in body


def test_R11_1_art11_card_follows_the_turn(approved, personas, client):
    req = actions.initiate_art11(
        acting_user=personas.finance,
        project=approved,
        year=approved.year,
        amount_wan="100",
        basis="市政府明确要求。",
        budget_source="预备费",
    )
    assert offered(req, personas.bdb) == {"list_art11", "reject_art11"}
    assert offered(req, personas.drc) == offered(req, personas.finance) == set()
    actions.list_art11(req, acting_user=personas.bdb)
    req.refresh_from_db()
    assert offered(req, personas.drc) == {"approve_art11", "reject_art11"}
    assert offered(req, personas.bdb) == set()
    # a draft of the year open: approval is shown blocked with its rule
    actions.open_plan_version(acting_user=personas.drc, year=approved.year)
    assert blocked(req, personas.drc) == {"approve_art11": {"R11.1.draft-open"}}
    client.force_login(personas.drc)
    body = client.get(reverse("investment:art11_detail", args=[req.pk])).content.decode()
    assert 'data-testid="offer-blocked"' in body and 'data-rule="R11.1.draft-open"' in body
    assert "第十一条" in body


def test_R26_1_project_card_offers_the_unit_its_money_steps(approved, personas, client):
    officer = personas.jw_officer
    assert {"record_contract", "set_baseline", "save_performance_table"} <= offered(
        approved, officer
    )
    assert blocked(approved, officer)["submit_change"] == {"R26.1.baseline-first"}
    # the steps whose input has rows link to their pages
    steps = {o.action.function_name: o for o in next_steps(approved, officer).offers}
    assert steps["set_baseline"].page == reverse("investment:baseline", args=[approved.pk])
    assert steps["set_baseline"].form is None and steps["record_contract"].form is not None
    # others' units and authorities are not offered the unit's steps
    assert offered(approved, personas.wj_officer) == set()
    assert "record_contract" not in offered(approved, personas.drc)
    assert "add_plan_entry" in offered(approved, personas.drc)
    # once in the published plan, Finance is offered its budget
    actions.compile_plan(acting_user=personas.drc, year=approved.year)
    actions.publish_plan(acting_user=personas.drc, year=approved.year)
    assert "add_budget_line" in offered(approved, personas.finance)
    actions.set_baseline(approved, acting_user=officer, goals="目标", items=ITEMS)
    assert "submit_change" in offered(approved, officer)
    offers = {o.action.function_name for o in next_steps(approved, officer).offers}
    assert "set_baseline" not in offers
    client.force_login(officer)
    body = client.get(reverse("investment:project", args=[approved.pk])).content.decode()
    assert 'data-testid="act-submit-change"' in body and 'data-testid="act-record-contract"' in body


def test_R26_1_change_card_for_drc_and_finance(approved, personas, login):
    actions.set_baseline(approved, acting_user=personas.jw_officer, goals="目标", items=ITEMS)
    change = actions.submit_change(
        approved,
        acting_user=personas.jw_officer,
        reason="增加当年预算",
        circumstance="optimise",
        raises_year_budget=True,
        items=[{"name": "软件开发", "amount_wan": "700"}, {"name": "硬件", "amount_wan": "200"}],
    )
    assert offered(change, personas.drc) == {"approve_change", "reject_change"}
    assert offered(change, personas.jw_officer) == offered(change, personas.finance) == set()
    actions.approve_change(change, acting_user=personas.drc, opinion="同意")
    change.refresh_from_db()
    assert offered(change, personas.drc) == set()
    assert offered(change, personas.finance) == {"initiate_art11"}
    # the card over JSON names the same step
    steps = login(personas.finance).get(f"/api/next-steps/investment.changerequest/{change.pk}")
    [offer] = steps.json()["offers"]
    assert offer["action"] == "investment.initiate_art11" and offer["enabled"] is True
    assert offer["target_type"] == "projects.project" and offer["target_id"] == approved.pk
