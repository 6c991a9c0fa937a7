"""What each sanction stops, and that it stops nothing else (Art. 35, R35.1), through the guards
every action is asked about: a suspension and a termination stop the project's transitions,
contracts and payments; a deferral stops its plan entries; a criticism stops nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from core import actions as registry
from core.errors import ActionBlocked, ActionForbidden
from core.machines import creating_in
from delivery.models import Incident, IncidentState
from investment.models import BudgetLine, Contract, Payment
from supervision import actions
from supervision.effects import PLAN_ENTRY_ACTIONS, STILL_ALLOWED, deferred_projects
from supervision.models import Sanction, SanctionKind, SanctionState

from .conftest import SANCTION

TRANSITIONS = (
    "delivery.start_construction",
    "delivery.start_trial",
    "delivery.complete_construction",
)
MONEY = ("investment.record_contract", "investment.add_budget_line", "investment.add_plan_entry")
REPORTS = ("delivery.report_incident", "delivery.submit_annual_report")


def act(name):
    return registry.get(name)


def stops(name, obj, user):
    """The rule ids of the sanctions that stop action ``name`` on ``obj``."""
    return [f.rule_id for f in act(name).guarded(obj, user) if f.rule_id.startswith("R35.1")]


@pytest.fixture
def contract(project, personas):
    return Contract.objects.create(
        project=project,
        number="HT-1",
        title="开发合同",
        supplier="某科技公司",
        method="open",
        amount=Decimal("3000000"),
        signed_on=dt.date(2026, 1, 10),
        created_by=personas.jw_officer,
    )


@pytest.fixture
def suspended(project, overdue_order, personas):
    order = overdue_order(project)
    return actions.suspend_construction(order, acting_user=personas.drc, **SANCTION)


def test_the_names_the_guards_use_are_registered_actions():
    names = set(registry.registered())
    assert PLAN_ENTRY_ACTIONS <= names
    assert STILL_ALLOWED <= names


def test_R35_1_a_suspension_stops_transitions_contracts_and_payments(
    personas, project, contract, suspended
):
    project.refresh_from_db()
    assert project.suspended_at is not None  # the Art. 24 meaning the other chapters read
    for name in (*TRANSITIONS, *MONEY):
        assert stops(name, project, personas.jw_officer) == ["R35.1.suspended"], name
    assert stops("investment.record_payment", contract, personas.jw_officer) == ["R35.1.suspended"]
    # end to end: the action itself is refused, citing the sanction
    with pytest.raises(ActionBlocked) as exc:
        act("investment.record_contract")(
            project,
            acting_user=personas.jw_officer,
            number="HT-2",
            title="设备采购合同",
            supplier="某公司",
            method="open",
            amount_wan="100",
            signed_on="2026-02-01",
        )
    [finding] = [f for f in exc.value.findings if f.rule_id.startswith("R35.1")]
    assert finding.article == "第三十五条" and suspended.number in finding.message
    assert "解除暂停" in finding.remedy


def test_R35_1_a_suspension_stops_nothing_else(personas, project, make_project, suspended):
    other = make_project("学籍管理系统升级")
    for name in REPORTS:
        assert stops(name, project, personas.jw_officer) == [], name
    for name in (*TRANSITIONS, *MONEY):
        assert stops(name, other, personas.jw_officer) == [], name
    # the unit still answers and reports; supervision's own actions are never stopped
    assert (
        act("supervision.report_rectification").guarded(suspended.order, personas.jw_officer) == []
    )
    assert act("supervision.order_rectification").guarded(project, personas.drc) == []


def test_R35_1_lifting_a_suspension_lets_the_project_proceed(personas, project, suspended):
    with pytest.raises(ActionForbidden):  # only the deciding authority lifts
        actions.lift_sanction(suspended, acting_user=personas.finance, reasons="已整改。")
    actions.lift_sanction(suspended, acting_user=personas.drc, reasons="已整改到位。")
    suspended.refresh_from_db()
    project.refresh_from_db()
    assert suspended.state == SanctionState.LIFTED and project.suspended_at is None
    assert stops("investment.record_contract", project, personas.jw_officer) == []


def test_lifting_keeps_an_art_24_suspension_of_the_delivery_chapter(personas, project, suspended):
    incident = Incident(
        project=project,
        kind="loss",
        description="重大损失。",
        reported_by=personas.jw_officer,
        state=IncidentState.SUSPENDED,
    )
    with creating_in(incident):
        incident.save()
    actions.lift_sanction(suspended, acting_user=personas.drc, reasons="已整改。")
    project.refresh_from_db()
    assert project.suspended_at is not None  # the incident's suspension is still in force


def test_R35_1_a_termination_is_final_and_closes_open_budget_lines(
    personas, project, contract, overdue_order
):
    line = BudgetLine.objects.create(
        project=project, year=2026, amount=Decimal("2000000"), created_by=personas.finance
    )
    Payment.objects.create(
        contract=contract,
        budget_line=line,
        paid_on=dt.date(2026, 3, 1),
        amount=Decimal("500000"),
        payee="某科技公司",
        voucher_number="GK-1",
        recorded_by=personas.jw_officer,
    )
    order = overdue_order(project)
    terminated = actions.terminate_project(order, acting_user=personas.finance, **SANCTION)
    project.refresh_from_db()
    assert project.terminated_at is not None
    [closed] = terminated.closed_budget_lines
    assert closed["balance"] == "1500000.00" and closed["paid"] == "500000.00"
    for name in (*TRANSITIONS, *MONEY):
        assert stops(name, project, personas.jw_officer) == ["R35.1.terminated"], name
    assert stops("investment.record_payment", contract, personas.jw_officer) == ["R35.1.terminated"]
    for name in REPORTS:
        assert stops(name, project, personas.jw_officer) == []
    with pytest.raises(ActionBlocked) as exc:
        actions.lift_sanction(terminated, acting_user=personas.finance, reasons="恢复。")
    assert exc.value.findings[0].rule_id == "R35.1.final"


def test_R35_1_a_deferral_stops_plan_entry_only(personas, project, contract, overdue_order):
    order = overdue_order(project)
    deferral = actions.defer_investment(
        order, acting_user=personas.drc, scope="project", **SANCTION
    )
    assert stops("investment.add_plan_entry", project, personas.drc) == ["R35.1.deferred"]
    for name in (*TRANSITIONS, "investment.record_contract", "investment.add_budget_line"):
        assert stops(name, project, personas.jw_officer) == [], name
    assert stops("investment.record_payment", contract, personas.jw_officer) == []
    assert set(deferred_projects([project])) == {project.pk}
    actions.lift_sanction(deferral, acting_user=personas.drc, reasons="已整改。")
    assert stops("investment.add_plan_entry", project, personas.drc) == []


def test_R35_1_a_unit_deferral_binds_the_unit_new_projects(
    personas, project, make_project, wj_unit, overdue_order
):
    order = overdue_order(project)
    actions.defer_investment(order, acting_user=personas.finance, scope="unit", **SANCTION)
    new = make_project("智慧教育平台（二期）", kind="expansion")
    om = make_project("教育管理平台运维", kind="om")
    elsewhere = make_project("互联网医院监管平台", unit=wj_unit)
    assert stops("investment.add_plan_entry", new, personas.drc) == ["R35.1.deferred"]
    assert stops("investment.add_plan_entry", om, personas.drc) == []
    assert stops("investment.add_plan_entry", elsewhere, personas.drc) == []
    assert set(deferred_projects([project, new, om, elsewhere])) == {project.pk, new.pk}


def test_R35_1_a_criticism_stops_nothing_and_is_public(personas, project, contract, overdue_order):
    order = overdue_order(project)
    criticism = actions.issue_criticism(order, acting_user=personas.drc, **SANCTION)
    assert criticism.number.startswith("渝发改通报〔") and criticism.is_public
    assert list(Sanction.objects.public()) == [criticism]
    for name in (*TRANSITIONS, *MONEY):
        assert stops(name, project, personas.jw_officer) == [], name
    # a classified project's criticism is never public
    criticism.project.is_classified = True
    assert not criticism.is_public


def test_R35_1_only_drc_and_finance_sanction(personas, project, overdue_order):
    order = overdue_order(project)
    for user in (
        personas.bdb,
        personas.psb,
        personas.cac,
        personas.auditor,
        personas.jw_head,
        personas.gov,
    ):
        with pytest.raises(ActionForbidden):
            actions.issue_criticism(order, acting_user=user, **SANCTION)
    assert (
        actions.issue_criticism(order, acting_user=personas.finance, **SANCTION).authority.authority
        == "finance"
    )
    assert (
        actions.issue_criticism(order, acting_user=personas.drc, **SANCTION).authority.authority
        == "drc"
    )


def test_R35_1_no_sanction_before_the_order_is_overdue_or_failed(personas, project, order_on):
    order = order_on(project)
    with pytest.raises(ActionBlocked) as exc:
        actions.suspend_construction(order, acting_user=personas.drc, **SANCTION)
    [finding] = exc.value.findings
    assert finding.rule_id == "R35.1.state" and finding.article == "第三十五条"
    assert not Sanction.objects.exists()
    # a rectification verified as not done makes them available
    actions.report_rectification(order, acting_user=personas.jw_officer, report="已整改。")
    actions.verify_not_rectified(order, acting_user=personas.drc, opinion="仍在实施批复外内容。")
    assert (
        actions.suspend_construction(order, acting_user=personas.drc, **SANCTION).kind
        == SanctionKind.SUSPENSION
    )


def test_R35_1_the_same_measure_is_not_decided_twice(personas, project, suspended):
    with pytest.raises(ActionBlocked) as exc:
        actions.suspend_construction(suspended.order, acting_user=personas.finance, **SANCTION)
    assert [f.rule_id for f in exc.value.findings if f.blocks] == ["R35.1.in-force"]


def test_R35_1_terminating_without_a_suspension_first_warns(personas, project, overdue_order):
    from core.offers import next_steps

    order = overdue_order(project)
    offers = {o.action.name: o for o in next_steps(order, personas.drc).offers}
    assert offers["supervision.terminate_project"].enabled
    assert [f.rule_id for f in offers["supervision.terminate_project"].warnings] == [
        "R35.1.escalation"
    ]
    sanction = actions.terminate_project(order, acting_user=personas.drc, **SANCTION)
    assert sanction.decision.outcome == "warn"
