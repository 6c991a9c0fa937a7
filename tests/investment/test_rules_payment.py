"""Payments follow the approval and the budget (Art. 25, R25.1): the sum paid never exceeds
the approved total nor the budget line; a suspended or unapproved project is not paid; a
treasury voucher is paid once; a payment cannot be dated in the future."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.dates import today
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent
from investment import actions, services
from investment.models import BudgetLine, Payment
from projects.models import Project, ProjectState

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")
_vouchers = iter(range(1, 10_000))


@pytest.fixture
def funded(approved, personas):
    """The approved 800万 project: in the published plan at 800万, budgeted 800万 in two lines
    (500万 and 300万), with one 800万 contract."""
    year = approved.year
    actions.add_plan_entry(acting_user=personas.drc, year=year, project=approved, amount_wan="800")
    actions.publish_plan(acting_user=personas.drc, year=year)
    first = actions.add_budget_line(
        acting_user=personas.finance, project=approved, year=year, amount_wan="500"
    )
    second = actions.add_budget_line(
        acting_user=personas.finance, project=approved, year=year, amount_wan="300"
    )
    contract = contract_for(approved, personas.jw_officer, "800")
    return approved, contract, first, second


def contract_for(project, officer, wan, number="HT-2026-001"):
    return actions.record_contract(
        project,
        acting_user=officer,
        number=number,
        title="系统开发及集成服务合同",
        supplier="重庆某信息技术有限公司",
        method="open",
        amount_wan=wan,
        signed_on=today() - dt.timedelta(days=30),
    )


def pay(personas, contract, line, wan, *, voucher=None, paid_on=None, user=None):
    return actions.record_payment(
        acting_user=user or personas.jw_officer,
        contract=contract,
        budget_line=line,
        paid_on=paid_on or today(),
        amount_wan=wan,
        payee="重庆某信息技术有限公司",
        voucher_number=voucher or f"GK{next(_vouchers):06d}",
    )


def r25_findings(exc_info) -> list:
    findings = exc_info.value.findings
    assert findings and all(f.rule_id == "R25.1" and f.article == "第二十五条" for f in findings)
    return findings


def test_R25_1_payments_within_the_limits_pass(funded, personas):
    project, contract, first, second = funded
    payment = pay(personas, contract, first, "500")
    pay(personas, contract, second, "300")
    assert services.paid_total(project.pk) == 800 * WAN == project.approved_total
    assert payment.amount == 500 * WAN
    event = LedgerEvent.objects.get(action=ActionCode.PAYMENT_RECORDED, object_id=str(payment.pk))
    assert event.policy_version == "cq-municipal-2021" and event.decision_id


def test_R25_1_payment_over_the_approved_total_refused(approved, personas):
    # given Finance budgeted 900万 (above the 800万 plan: recorded with a warning)
    year = approved.year
    actions.add_plan_entry(acting_user=personas.drc, year=year, project=approved, amount_wan="800")
    actions.publish_plan(acting_user=personas.drc, year=year)
    line = actions.add_budget_line(
        acting_user=personas.finance, project=approved, year=year, amount_wan="900"
    )
    contract = contract_for(approved, personas.jw_officer, "800")  # contracts stay within
    pay(personas, contract, line, "600")
    # when the unit pays 200.01万 more (within the line, over the approved 800万)
    with pytest.raises(ActionBlocked) as exc:
        pay(personas, contract, line, "200.01")
    # then R25.1 refuses, naming the approved total and what is left
    [finding] = r25_findings(exc)
    assert "超过批复总投资 800.00 万元" in finding.message
    assert finding.remedy == "可支付余额为 200.00 万元。"
    assert services.paid_total(approved.pk) == 600 * WAN
    # exactly the remainder is fine
    pay(personas, contract, line, "200")
    assert services.paid_total(approved.pk) == approved.approved_total


def test_R25_1_payment_over_the_budget_line_refused(funded, personas):
    _project, contract, first, _second = funded
    pay(personas, contract, first, "400")
    with pytest.raises(ActionBlocked) as exc:
        pay(personas, contract, first, "100.01")
    [finding] = r25_findings(exc)
    assert "超过预算金额 500.00 万元" in finding.message
    assert finding.remedy == "该预算指标可支付余额为 100.00 万元。"
    assert services.paid_on_line(first.pk) == 400 * WAN


def test_R25_1_payment_of_a_suspended_project_refused(funded, personas):
    project, contract, first, _second = funded
    # the delivery chapter (Art. 24) will suspend through an action; here the fact is set
    Project.objects.filter(pk=project.pk).update(suspended_at=timezone.now())
    with pytest.raises(ActionBlocked) as exc:
        pay(personas, contract, first, "1")
    [finding] = r25_findings(exc)
    assert "项目已暂停，不能支付" in finding.message and finding.facts["suspended"] is True
    assert not Payment.objects.exists()


def test_R25_1_payment_of_a_terminated_project_refused(funded, personas):
    project, contract, first, _second = funded
    Project.objects.filter(pk=project.pk).update(terminated_at=timezone.now())
    with pytest.raises(ActionBlocked) as exc:
        pay(personas, contract, first, "1")
    assert "项目已终止" in r25_findings(exc)[0].message


def test_R25_1_payment_of_a_construction_project_not_approved_refused(walker, personas):
    # given a listed construction project that somehow has a budget line and a contract
    # (arranged directly: the plan gate would never let it be budgeted)
    project = walker.walk(
        walker.create("教育数据资源标准体系及数据治理工程", "600"), ProjectState.LISTED
    )
    line = BudgetLine.objects.create(
        project=project, year=project.year, amount=600 * WAN, created_by=personas.finance
    )
    contract = contract_for(project, personas.jw_officer, "600")
    with pytest.raises(ActionBlocked) as exc:
        pay(personas, contract, line, "10")
    messages = [f.message for f in r25_findings(exc)]
    assert any("建设项目尚未批复，不能支付" in m for m in messages)


def test_R25_1_om_project_is_limited_by_its_budget_only(walker, personas):
    om = walker.walk(walker.create("重庆市教育管理公共服务平台运维", "150"), ProjectState.LISTED)
    actions.add_plan_entry(acting_user=personas.drc, year=om.year, project=om, amount_wan="150")
    actions.publish_plan(acting_user=personas.drc, year=om.year)
    line = actions.add_budget_line(
        acting_user=personas.finance, project=om, year=om.year, amount_wan="150"
    )
    contract = contract_for(om, personas.jw_officer, "150")
    pay(personas, contract, line, "150")
    with pytest.raises(ActionBlocked) as exc:
        pay(personas, contract, line, "0.01")
    assert "超过预算金额 150.00 万元" in r25_findings(exc)[0].message


def test_R25_1_duplicate_voucher_refused(funded, personas):
    _project, contract, first, second = funded
    pay(personas, contract, first, "10", voucher="GK-DUP-1")
    with pytest.raises(ActionInvalid) as exc:
        pay(personas, contract, second, "10", voucher="GK-DUP-1")
    assert exc.value.errors["voucher_number"] == "该凭证号已登记，不能重复支付。"
    assert Payment.objects.count() == 1


def test_R25_1_payment_dated_in_the_future_refused(funded, personas):
    _project, contract, first, _second = funded
    with pytest.raises(ActionInvalid) as exc:
        pay(personas, contract, first, "10", paid_on=today() + dt.timedelta(days=1))
    assert exc.value.errors["paid_on"] == "支付日期不能晚于今天。"
    assert not Payment.objects.exists()


def test_R25_1_budget_line_of_another_project_refused(funded, walker, personas):
    _project, contract, _first, _second = funded
    om = walker.walk(walker.create("重庆市教育管理公共服务平台运维", "150"), ProjectState.LISTED)
    foreign = BudgetLine.objects.create(
        project=om, year=om.year, amount=150 * WAN, created_by=personas.finance
    )
    with pytest.raises(ActionInvalid) as exc:
        pay(personas, contract, foreign, "10")
    assert exc.value.errors["budget_line_id"] == "请选择本项目的预算指标。"


def test_R25_1_only_the_unit_records_payments(funded, personas):
    _project, contract, first, _second = funded
    with pytest.raises(ActionForbidden):
        pay(personas, contract, first, "10", user=personas.wj_officer)
    with pytest.raises(ActionForbidden):
        pay(personas, contract, first, "10", user=personas.finance)


def test_R25_1_contracts_stay_within_the_approved_total(funded, personas):
    """Contracts together may not exceed the approved total (建设按批复): the funded 800万
    project holds one 800万 contract, so even 1万 more is refused, citing the article."""
    project, _contract, _first, _second = funded
    with pytest.raises(ActionBlocked) as refused:
        contract_for(project, personas.jw_officer, "1", number="HT-2026-002")
    [finding] = refused.value.findings
    assert finding.rule_id == "R25.1.contracts-over-approved" and finding.article == "第二十五条"
    assert "801.00" in finding.text and "800.00" in finding.text and finding.remedy_text
    assert project.contracts.count() == 1


def test_R25_1_contracts_up_to_the_approved_total_pass(approved, personas):
    contract_for(approved, personas.jw_officer, "500")
    contract_for(approved, personas.jw_officer, "300", number="HT-2026-002")
    assert approved.contracts.count() == 2
