"""Change requests classified by Art. 26 (R26.1): the unit adjusts and files (备案) when the
total does not grow, the goals are unchanged, the amount moved (cumulatively) is at most the
policy's ratio of the approved total and a circumstance of Art. 26 is chosen; otherwise DRC
approves, and the Art. 11 path follows when the change alters the plan or the year's budget."""

import datetime as dt
from decimal import Decimal

import pytest

from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent
from investment import actions, services
from investment.models import Baseline, ChangeClass, ChangeState
from policy.models import PolicyParameter, PolicyVersion

pytestmark = pytest.mark.django_db
WAN = Decimal("10000")
SOFTWARE, HARDWARE = "软件开发", "硬件购置"


@pytest.fixture
def baseline(approved, personas):
    """The approved 800万 project's baseline: 软件开发 600万 + 硬件购置 200万 (15% = 120万)."""
    return actions.set_baseline(
        approved,
        acting_user=personas.jw_officer,
        goals="实现学生资助对象精准认定，覆盖全市中小学和高校。",
        items=[
            {"name": SOFTWARE, "amount_wan": "600"},
            {"name": HARDWARE, "amount_wan": "200"},
        ],
        planned_completion="2029-06-30",
    )


def change(project, personas, software, hardware, **kwargs):
    data = {"reason": "技术方案优化", "circumstance": "optimise"}
    data.update(kwargs)
    return actions.submit_change(
        project,
        acting_user=personas.jw_officer,
        items=[
            {"name": SOFTWARE, "amount_wan": software},
            {"name": HARDWARE, "amount_wan": hardware},
        ],
        **data,
    )


def failed(change_request) -> set[str]:
    return {c["key"] for c in change_request.conditions if not c["passed"]}


def test_R26_1_exactly_15_percent_is_a_filing(baseline, approved, personas):
    c = change(approved, personas, "720", "80")  # 120万 = 15.00% of 800万
    assert c.classification == ChangeClass.FILING and c.state == ChangeState.FILED
    assert failed(c) == set()
    assert c.moved_amount == c.cumulative_moved == 120 * WAN
    assert c.decision.outcome == "pass"
    [finding] = c.decision.findings
    assert finding["rule_id"] == "R26.1" and "备案" in finding["message"]
    assert LedgerEvent.objects.filter(action=ActionCode.CHANGE_FILED, object_id=str(c.pk)).exists()
    # a filing is effective at once: the current items and the payment limit follow it
    assert services.current_items(approved, baseline) == {
        SOFTWARE: 720 * WAN,
        HARDWARE: 80 * WAN,
    }
    assert services.payment_limit(approved) == 800 * WAN


def test_R26_1_just_over_15_percent_needs_approval(baseline, approved, personas):
    c = change(approved, personas, "720.08", "79.92")  # 120.08万 = 15.01%
    assert c.classification == ChangeClass.APPROVAL and c.state == ChangeState.PENDING
    assert failed(c) == {"ratio"}
    ratio = next(x for x in c.conditions if x["key"] == "ratio")
    assert ratio["facts"]["cumulative_wan"] == "120.08" and ratio["facts"]["limit_wan"] == "120.00"
    assert c.decision.outcome == "warn"
    assert LedgerEvent.objects.filter(
        action=ActionCode.CHANGE_SUBMITTED, object_id=str(c.pk)
    ).exists()


def test_R26_1_total_increase_needs_approval(baseline, approved, personas):
    c = change(approved, personas, "650", "200")
    assert c.classification == ChangeClass.APPROVAL
    assert failed(c) == {"total"} and c.new_total == 850 * WAN


def test_R26_1_goals_changed_needs_approval(baseline, approved, personas):
    c = change(approved, personas, "610", "190", goals_changed=True)
    assert c.classification == ChangeClass.APPROVAL and failed(c) == {"goals"}


def test_R26_1_no_circumstance_needs_approval(baseline, approved, personas):
    c = change(approved, personas, "610", "190", circumstance="")
    assert c.classification == ChangeClass.APPROVAL and failed(c) == {"circumstance"}


def test_R26_1_unknown_circumstance_refused(baseline, approved, personas):
    with pytest.raises(ActionInvalid) as exc:
        change(approved, personas, "610", "190", circumstance="whatever")
    assert "circumstance" in exc.value.errors


@pytest.mark.parametrize("flag", ["raises_year_budget", "changes_plan"])
def test_R26_1_failed_condition_and_year_budget_or_plan_goes_the_art11_way(
    baseline, approved, personas, flag
):
    c = change(approved, personas, "700", "200", **{flag: True})  # total grows by 100万
    assert c.classification == ChangeClass.ART11 and c.state == ChangeState.PENDING
    assert failed(c) == {"total"}
    assert any("第十一条" in f["message"] for f in c.decision.findings)


def test_R26_1_year_budget_flag_alone_does_not_prevent_a_filing(baseline, approved, personas):
    c = change(approved, personas, "610", "190", raises_year_budget=True)
    assert c.classification == ChangeClass.FILING


def test_R26_1_splitting_does_not_evade_the_limit(baseline, approved, personas):
    # two changes of 8% (64万) each: together 16% > 15%
    first = change(approved, personas, "664", "136")
    assert first.classification == ChangeClass.FILING
    second = change(approved, personas, "728", "72")
    assert second.moved_amount == 64 * WAN
    assert second.cumulative_moved == 128 * WAN
    assert second.classification == ChangeClass.APPROVAL and failed(second) == {"ratio"}


def test_R26_1_approved_changes_count_rejected_ones_do_not(baseline, approved, personas):
    pending = change(approved, personas, "700", "100", circumstance="")  # 100万, no circumstance
    with pytest.raises(ActionBlocked) as exc:  # one pending change at a time
        change(approved, personas, "610", "190")
    assert [f.rule_id for f in exc.value.findings] == ["R26.1.one-pending"]
    with pytest.raises(ActionForbidden):
        actions.decide_change(
            pending, acting_user=personas.jw_officer, approve=True, opinion="同意"
        )
    actions.decide_change(pending, acting_user=personas.drc, approve=False, opinion="理由不充分")
    # rejected: nothing moved yet, so 100万 with a circumstance is a filing
    filed = change(approved, personas, "700", "100")
    assert filed.cumulative_moved == 100 * WAN and filed.classification == ChangeClass.FILING
    # 30万 more: 130万 > 120万 -> approval; once approved, it counts for the next one
    big = change(approved, personas, "730", "70")
    assert big.cumulative_moved == 130 * WAN and big.classification == ChangeClass.APPROVAL
    decided = actions.decide_change(big, acting_user=personas.drc, approve=True, opinion="同意。")
    assert decided.state == ChangeState.APPROVED and decided.decided_by == personas.drc
    small = change(approved, personas, "731", "69")
    assert small.cumulative_moved == 131 * WAN and small.classification == ChangeClass.APPROVAL


def test_R26_1_a_change_is_diffed_against_the_baseline(baseline, approved, personas):
    change(approved, personas, "664", "136")
    second = change(approved, personas, "680", "120")
    event = LedgerEvent.objects.get(action=ActionCode.CHANGE_FILED, object_id=str(second.pk))
    diff = {row["name"]: row for row in event.data["diff"]}
    # before = the baseline (600/200), not the first change (664/136)
    assert Decimal(diff[SOFTWARE]["before"]) == 600 * WAN
    assert Decimal(diff[SOFTWARE]["after"]) == 680 * WAN
    assert Decimal(diff[HARDWARE]["delta"]) == -80 * WAN
    # while the amount moved by this change is measured from the items in force (16万)
    assert second.moved_amount == 16 * WAN and second.cumulative_moved == 80 * WAN


def test_R26_1_baseline_is_immutable(baseline, approved, personas):
    with pytest.raises(ActionBlocked) as exc:
        actions.set_baseline(
            approved,
            acting_user=personas.jw_officer,
            goals="另一目标",
            items=[{"name": SOFTWARE, "amount_wan": "800"}],
        )
    [finding] = exc.value.findings
    assert finding.rule_id == "R26.1.baseline-once" and finding.article == "第二十六条"
    assert "不能修改" in finding.message and "变更申请" in finding.remedy
    change(approved, personas, "700", "100")
    fresh = Baseline.objects.get(project=approved)
    assert fresh.approved_total == 800 * WAN
    assert (
        fresh.items
        == baseline.items
        == [
            {"name": SOFTWARE, "amount": "6000000.00"},
            {"name": HARDWARE, "amount": "2000000.00"},
        ]
    )


def test_R26_1_baseline_items_must_add_up_to_the_approved_total(approved, personas):
    with pytest.raises(ActionInvalid) as exc:
        actions.set_baseline(
            approved,
            acting_user=personas.jw_officer,
            goals="目标",
            items=[{"name": SOFTWARE, "amount_wan": "700"}],
        )
    assert "应等于批复总投资 800.00 万元" in exc.value.errors["items"]


def test_R26_1_change_needs_a_baseline(approved, personas):
    with pytest.raises(ActionBlocked) as exc:
        change(approved, personas, "700", "100")
    [finding] = exc.value.findings
    assert finding.rule_id == "R26.1.baseline-first" and "批复基线" in finding.message


def test_R26_1_ratio_comes_from_the_policy_in_force(baseline, approved, personas):
    # given a newer municipal policy in force with a 10% ratio (limit 80万)
    base = PolicyVersion.objects.get(code="cq-municipal-2021")
    newer = PolicyVersion.objects.create(
        code="cq-municipal-test-10pct",
        name="调整比例 10% 的修订版（测试）",
        effective_from=dt.date(2022, 1, 1),
    )
    PolicyParameter.objects.bulk_create(
        PolicyParameter(
            policy=newer, key=p.key, value="0.10" if p.key == "change_ratio" else p.value
        )
        for p in base.parameters.all()
    )
    # when the unit moves 96万 (12%: a filing under the 15% policy)
    c = change(approved, personas, "696", "104")
    # then it needs approval under the policy in force, which the decision names
    assert c.classification == ChangeClass.APPROVAL and failed(c) == {"ratio"}
    ratio = next(x for x in c.conditions if x["key"] == "ratio")
    assert ratio["facts"]["ratio"] == "0.10" and ratio["facts"]["limit_wan"] == "80.00"
    assert "10%" in ratio["label"]
    assert c.decision.policy == newer
    event = LedgerEvent.objects.get(action=ActionCode.CHANGE_SUBMITTED, object_id=str(c.pk))
    assert event.policy_version == "cq-municipal-test-10pct"


def test_R26_1_the_same_move_is_a_filing_under_the_municipal_policy(baseline, approved, personas):
    c = change(approved, personas, "696", "104")
    assert c.classification == ChangeClass.FILING
    assert c.decision.policy.code == "cq-municipal-2021"
