from decimal import Decimal

import pytest

from core.errors import ActionBlocked
from investment import actions
from investment.models import ChangeClass, ChangeState, PlanState
from investment.services import reconcile


def test_plan_budget_payment_change(approved, personas):
    year = approved.year
    result = actions.compile_plan(acting_user=personas.drc, year=year)
    assert result["added"] == 1
    version = actions.publish_plan(acting_user=personas.drc, year=year)
    assert version.state == PlanState.PUBLISHED
    line = actions.add_budget_line(
        acting_user=personas.finance, project=approved, year=year, amount_wan="700"
    )
    rec = reconcile(year)
    assert [r.code for r in rec["rows"]] == [approved.code]
    contract = actions.record_contract(
        approved,
        acting_user=personas.jw_officer,
        number="HT-1",
        title="开发合同",
        supplier="某公司",
        method="open",
        amount_wan="600",
        signed_on="2026-01-10",
    )
    actions.record_payment(
        acting_user=personas.jw_officer,
        contract=contract,
        budget_line=line,
        paid_on="2026-02-01",
        amount_wan="500",
        payee="某公司",
        voucher_number="GK-1",
    )
    with pytest.raises(ActionBlocked) as exc:
        actions.record_payment(
            acting_user=personas.jw_officer,
            contract=contract,
            budget_line=line,
            paid_on="2026-02-02",
            amount_wan="201",
            payee="某公司",
            voucher_number="GK-2",
        )
    assert exc.value.findings[0].rule_id == "R25.1"
    actions.set_baseline(
        approved,
        acting_user=personas.jw_officer,
        goals="精准认定",
        items=[{"name": "软件开发", "amount_wan": "600"}, {"name": "硬件", "amount_wan": "200"}],
    )
    ten = actions.submit_change(
        approved,
        acting_user=personas.jw_officer,
        reason="优化",
        circumstance="optimise",
        items=[{"name": "软件开发", "amount_wan": "680"}, {"name": "硬件", "amount_wan": "120"}],
    )
    assert ten.classification == ChangeClass.FILING and ten.state == ChangeState.FILED
    six = actions.submit_change(
        approved,
        acting_user=personas.jw_officer,
        reason="再调整",
        circumstance="optimise",
        items=[{"name": "软件开发", "amount_wan": "730"}, {"name": "硬件", "amount_wan": "70"}],
    )
    # 80万 + 50万 = 130万 > 15% of 800万 (120万): approval needed (no splitting)
    assert six.classification == ChangeClass.APPROVAL
    assert six.cumulative_moved == Decimal("1300000.00")
