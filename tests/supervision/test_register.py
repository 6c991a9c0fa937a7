"""The register of violations (Art. 38, R38.1): entries with their kind, facts, responsible
persons, measure and outcome; the platform proposes entries from its facts and a person
confirms or dismisses each with a reason."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import ActionBlocked, ActionForbidden
from core.machines import creating_in
from investment.models import Baseline, BudgetLine, ChangeRequest, Contract, Payment
from projects.models import ProjectState
from supervision import actions
from supervision.models import ViolationEntry, ViolationOrigin, ViolationState
from supervision.proposals import propose_violations

from .conftest import SANCTION

PERSON = {"name": "王某", "post": "市教委信息中心主任", "role": "principal"}


@pytest.fixture
def entry(personas, project):
    return actions.record_violation(
        project,
        acting_user=personas.drc,
        kind="overrun",
        facts="严重超概算 20%。",
        occurred_on="2026-05-01",
    )


def test_R38_1_a_violation_is_recorded_with_persons_measure_and_outcome(personas, project, entry):
    assert entry.state == ViolationState.CONFIRMED and entry.origin == ViolationOrigin.RECORDED
    actions.add_responsible_person(entry, acting_user=personas.drc, **PERSON)
    actions.add_responsible_person(
        entry, acting_user=personas.drc, name="李某", post="项目负责人", role="other"
    )
    actions.criticise_violation(entry, acting_user=personas.drc, **SANCTION)
    actions.record_violation_outcome(
        entry,
        acting_user=personas.drc,
        criticised=True,
        referred_for_discipline=True,
        referred_to="驻委纪检监察组",
        outcome="通报批评，责任人员移送处分。",
    )
    entry.refresh_from_db()
    assert entry.state == ViolationState.CONCLUDED and entry.persons.count() == 2
    assert (
        entry.sanctions.get().kind == "criticism"
        and entry.sanctions.get().clauses[0]["article"] == "第三十八条"
    )


def test_R38_1_an_entry_cannot_conclude_without_its_responsible_persons(personas, entry):
    with pytest.raises(ActionBlocked) as exc:
        actions.record_violation_outcome(entry, acting_user=personas.drc, outcome="已处理。")
    [finding] = exc.value.findings
    assert (
        finding.rule_id == "R38.1"
        and finding.article == "第三十八条"
        and "姓名和职务" in finding.remedy
    )


def test_R38_1_funds_misused_are_handled_under_the_funds_regulation(personas, project):
    entry = actions.record_violation(
        project,
        acting_user=personas.finance,
        kind="om_funds_misused",
        facts="运维经费用于购置办公设备。",
    )
    actions.add_responsible_person(entry, acting_user=personas.finance, **PERSON)
    with pytest.raises(ActionBlocked) as exc:
        actions.record_violation_outcome(entry, acting_user=personas.finance, outcome="已处理。")
    assert "财政违法行为处罚处分条例" in exc.value.findings[0].message
    actions.record_violation_outcome(
        entry, acting_user=personas.finance, under_funds_regulation=True, outcome="追回资金。"
    )


def test_R38_1_a_criticism_as_measure_must_have_been_issued(personas, entry):
    actions.add_responsible_person(entry, acting_user=personas.drc, **PERSON)
    with pytest.raises(ActionBlocked) as exc:
        actions.record_violation_outcome(
            entry, acting_user=personas.drc, criticised=True, outcome="通报批评。"
        )
    assert "尚未发布通报批评" in exc.value.findings[0].message


def _approved_with_baseline(make_project, personas, total="1000000"):
    project = make_project("电子证照系统")
    Baseline.objects.create(
        project=project,
        approved_total=Decimal(total),
        items=[],
        goals="建成",
        created_by=personas.drc,
    )
    return project


def _pay(project, personas, amount, on=dt.date(2026, 3, 1), n=1):
    contract, _ = Contract.objects.get_or_create(
        project=project,
        number="HT-1",
        defaults={
            "title": "开发",
            "supplier": "某公司",
            "method": "open",
            "amount": Decimal(amount),
            "signed_on": on,
            "created_by": personas.jw_officer,
        },
    )
    line, _ = BudgetLine.objects.get_or_create(
        project=project,
        year=on.year,
        defaults={"amount": Decimal("9999999"), "created_by": personas.finance},
    )
    Payment.objects.create(
        contract=contract,
        budget_line=line,
        paid_on=on,
        amount=Decimal(amount),
        payee="某公司",
        voucher_number=f"GK-{project.pk}-{n}",
        recorded_by=personas.jw_officer,
    )


def test_R38_1_the_platform_proposes_and_a_person_confirms_or_dismisses(personas, make_project):
    unapproved = make_project("未批先建系统", state=ProjectState.LISTED)
    _pay(unapproved, personas, "200000")
    over = _approved_with_baseline(make_project, personas)
    _pay(over, personas, "1200000")
    proposals = {e.proposal_key.split(":")[0]: e for e in propose_violations()}
    assert set(proposals) == {"no-approval", "overrun"}
    assert (
        proposals["no-approval"].kind == "no_approval"
        and "支付资金" in proposals["no-approval"].facts
    )
    assert "超出 20.00 万元" in proposals["overrun"].facts
    assert all(e.state == ViolationState.PROPOSED for e in proposals.values())
    assert propose_violations() == []  # each is proposed once
    # the unit does not see a proposal until a person confirms it
    assert not ViolationEntry.objects.for_user(personas.jw_officer).exists()
    actions.confirm_violation(
        proposals["no-approval"], acting_user=personas.drc, reason="核实属实。"
    )
    actions.dismiss_violation(
        proposals["overrun"], acting_user=personas.finance, reason="含已批准的调概。"
    )
    assert list(ViolationEntry.objects.for_user(personas.jw_officer)) == [proposals["no-approval"]]
    assert propose_violations() == []  # a dismissed proposal stays dismissed


def test_R38_1_a_change_beyond_the_self_adjustment_limit_is_proposed(personas, make_project):
    project = _approved_with_baseline(make_project, personas)
    change = ChangeRequest(
        project=project,
        number=1,
        items=[],
        new_total=Decimal("1000000"),
        moved_amount=Decimal("300000"),
        cumulative_moved=Decimal("300000"),
        circumstance="optimise",
        reason="优化方案",
        classification="filing",
        state="filed",
        created_by=personas.jw_officer,
    )
    with creating_in(change):
        change.save()
    [entry] = propose_violations()
    assert entry.proposal_key == f"change:{change.pk}" and "15%" in entry.facts


def test_R38_1_a_dismissal_needs_a_reason_and_the_register_is_the_authorities(
    personas, make_project
):
    project = make_project("未批先建系统", state=ProjectState.LISTED)
    _pay(project, personas, "1000")
    [entry] = propose_violations()
    with pytest.raises(ActionForbidden):
        actions.dismiss_violation(entry, acting_user=personas.jw_head, reason="x")
    with pytest.raises(ActionForbidden):
        actions.dismiss_violation(entry, acting_user=personas.auditor, reason="x")
    from core.errors import ActionInvalid

    with pytest.raises(ActionInvalid):
        actions.dismiss_violation(entry, acting_user=personas.drc, reason="")
