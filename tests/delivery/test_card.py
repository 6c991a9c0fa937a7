"""The "您现在可以办理" card of the project page and of the delivery page
(``core.offers.next_steps``): each role is offered the delivery actions it may take, with the
findings that block the others, and the unit sees its statutory deadlines as duties."""

import datetime as dt

import pytest
from django.urls import reverse

from core.dates import today
from core.offers import next_steps
from delivery import actions
from delivery.models import Delivery

from .helpers import approved, carry, prepare

pytestmark = pytest.mark.django_db


def offered(page_obj, user):
    """The card, and the delivery actions it offers enabled and blocked (by function name);
    the project page also carries other chapters' actions."""
    steps = next_steps(page_obj, user)
    mine = [o for o in steps.offers if o.action.name.startswith("delivery.")]
    enabled = {o.action.function_name for o in mine if o.enabled}
    blocked = {o.action.function_name: o for o in mine if not o.enabled}
    return steps, enabled, blocked


@pytest.fixture
def building(walker):
    project = approved(walker)
    prepare(project, walker.officer)
    return carry(project, walker.officer, "construction", started="2025-03-01")


def test_the_unit_is_offered_what_the_phase_allows(building, personas):
    _steps, enabled, blocked = offered(building, personas.jw_officer)
    assert {
        "set_implementation",
        "assign_supervisor",
        "add_milestone",
        "submit_annual_report",
        "report_incident",
        "start_trial",
        "complete_construction",
    } <= enabled
    # what the delivery machine does not allow now is not offered at all
    assert not {"start_construction", "apply_acceptance", "go_live"} & (enabled | set(blocked))
    # and the authorities' and the supervisor's actions are not the unit's
    assert not {"accept_archives", "submit_supervision_report"} & (enabled | set(blocked))


def test_the_project_page_offers_the_delivery_actions(building, personas, login):
    html = login(personas.jw_officer).get(reverse("projects:detail", args=[building.pk]))
    html = html.content.decode()
    assert 'data-action="delivery.start_trial"' in html
    assert 'data-testid="act-complete-construction-open"' in html
    assert 'data-testid="duty"' in html  # the overdue annual report (Art. 23)


def test_the_card_is_the_same_on_the_delivery_page(building, personas):
    delivery = Delivery.objects.get(project=building)
    on_project = offered(building, personas.jw_officer)[1]
    on_delivery = offered(delivery, personas.jw_officer)[1]
    assert on_project == on_delivery


def test_a_project_not_approved_offers_nothing_of_delivery(walker, personas):
    draft = walker.create("学生资助精准认定系统", "800")
    steps, enabled, blocked = offered(draft, personas.jw_officer)
    assert not enabled and not blocked
    assert not steps.duties


def test_blocked_offers_show_their_findings_with_rule_and_article(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer, contract=False, supervisor=False)
    _steps, _enabled, blocked = offered(project, personas.jw_officer)
    start = blocked["start_construction"]
    rules = {(f.rule_id, f.article) for f in start.blocking}
    assert {("R16.1", "第十六条"), ("R22.1", "第二十二条")} <= rules
    assert all(f.remedy for f in start.blocking)


def test_the_authorities_are_offered_their_part(building, personas):
    incident = actions.report_incident(
        building, acting_user=personas.jw_officer, kind="delay", description="滞后。"
    )
    _steps, drc, _blocked = offered(building, personas.drc)
    assert {"order_rectification", "suspend_project", "close_incident"} <= drc
    assert "lift_suspension" not in drc
    actions.suspend_project(incident, acting_user=personas.drc, order_text="暂停。")
    building.refresh_from_db()
    _steps, drc, _blocked = offered(building, personas.drc)
    assert "lift_suspension" in drc and "suspend_project" not in drc
    # the unit sees the trial blocked by the suspension, citing Art. 24
    _steps, _unit, blocked = offered(building, personas.jw_officer)
    assert [f.rule_id for f in blocked["start_trial"].blocking] == ["R24.1"]
    # the supervisor reports; BDB has nothing to do while the project is being built
    assert "submit_supervision_report" in offered(building, personas.supervisor)[1]
    _steps, bdb, blocked = offered(building, personas.bdb)
    assert not bdb and not blocked


def test_the_units_deadlines_are_its_duties(building, personas, login):
    # the 2025 report was due on 2025-12-31: overdue; the current year's is due at its end
    steps = next_steps(building, personas.jw_officer)
    duties = {d.title: d for d in steps.duties}
    late = duties["2025年度绩效评价报告"]
    assert late.overdue and late.due == dt.date(2025, 12, 31) and "第二十三条" in late.detail
    assert late.url == reverse("delivery:project", args=[building.pk]) + "#annual"
    current = duties[f"{today().year}年度绩效评价报告"]
    assert not current.overdue
    # a rectification deadline joins them
    incident = actions.report_incident(
        building, acting_user=personas.jw_officer, kind="delay", description="滞后。"
    )
    deadline = today() + dt.timedelta(days=20)
    actions.order_rectification(
        incident, acting_user=personas.drc, deadline=deadline.isoformat(), order_text="整改。"
    )
    steps = next_steps(building, personas.jw_officer)
    assert any(d.title == "限期整改" and d.due == deadline for d in steps.duties)
    # the duties are the unit's: not the authorities'
    assert not next_steps(building, personas.drc).duties
    # and the delivery page lists them on its card
    html = login(personas.jw_officer).get(reverse("delivery:project", args=[building.pk]))
    assert html.content.decode().count('data-testid="duty"') == len(steps.duties)
