"""Two payments at the same moment cannot together exceed a limit (R25.1, PostgreSQL).

``record_payment`` locks the project row and then the budget line before it sums what was
paid; the second transaction waits for the first to commit and then sees its payment."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from core.dates import today
from core.errors import ActionBlocked
from investment import actions
from investment.models import Payment

# serialized_rollback: the policy versions loaded by migrations survive the flush between
# transactional tests
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WAN = Decimal("10000")


def _race(personas, contract, lines, amounts_wan):
    """Submit one payment per thread, released together by a barrier; each thread has its own
    database connection and closes it at the end."""
    barrier = threading.Barrier(len(amounts_wan))
    results: list = [None] * len(amounts_wan)

    def payer(n: int) -> None:
        try:
            barrier.wait()
            results[n] = actions.record_payment(
                acting_user=personas.jw_officer,
                contract=contract.pk,
                budget_line=lines[n].pk,
                paid_on=today(),
                amount_wan=amounts_wan[n],
                payee="重庆某信息技术有限公司",
                voucher_number=f"GK-RACE-{n}",
            )
        except BaseException as exc:  # reported by the assertions below
            results[n] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=payer, args=(n,)) for n in range(len(amounts_wan))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a payment thread is stuck (deadlock?)"
    return results


def _one_paid_one_refused(results):
    paid = [r for r in results if isinstance(r, Payment)]
    refused = [r for r in results if isinstance(r, ActionBlocked)]
    assert len(paid) == 1 and len(refused) == 1, results
    [finding] = refused[0].findings
    assert finding.rule_id == "R25.1" and finding.blocks
    return paid[0], finding


@pytest.fixture
def funded(approved, personas):
    """The approved 800万 project in the published plan, with one contract."""
    year = approved.year
    actions.add_plan_entry(acting_user=personas.drc, year=year, project=approved, amount_wan="800")
    actions.publish_plan(acting_user=personas.drc, year=year)
    contract = actions.record_contract(
        approved,
        acting_user=personas.jw_officer,
        number="HT-RACE",
        title="开发合同",
        supplier="重庆某信息技术有限公司",
        method="open",
        amount_wan="800",  # contracts stay within the approved total (R25.1)
        signed_on=today(),
    )
    return approved, contract


def test_R25_1_two_simultaneous_payments_never_exceed_the_budget_line(funded, personas):
    project, contract = funded
    line = actions.add_budget_line(
        acting_user=personas.finance, project=project, year=project.year, amount_wan="600"
    )
    # 400万 + 400万: each fits the 600万 line alone, together they do not (while both
    # together stay within the approved 800万)
    results = _race(personas, contract, [line, line], ["400", "400"])
    _payment, finding = _one_paid_one_refused(results)
    assert "超过预算金额 600.00 万元" in finding.message
    total = Payment.objects.filter(budget_line=line).aggregate(s=Sum("amount"))["s"]
    assert total == 400 * WAN <= line.amount


def test_R25_1_two_simultaneous_payments_never_exceed_the_approved_total(funded, personas):
    project, contract = funded
    # two lines of 500万 (the second with a mismatch warning): each payment fits its own
    # line, but both together exceed the approved 800万; only the project lock serialises
    # them
    lines = [
        actions.add_budget_line(
            acting_user=personas.finance, project=project, year=project.year, amount_wan="500"
        )
        for _ in range(2)
    ]
    results = _race(personas, contract, lines, ["450", "450"])
    _payment, finding = _one_paid_one_refused(results)
    assert "超过批复总投资 800.00 万元" in finding.message
    paid = Payment.objects.filter(contract__project=project).aggregate(s=Sum("amount"))["s"]
    assert paid == 450 * WAN <= project.approved_total
