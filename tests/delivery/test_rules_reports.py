"""The annual performance evaluation report during construction (Art. 23, R23.1): the opinions
of the user units and the supervisor are required, trial-operation effects too while the
system is in trial; progress and investment-plan execution are computed, never typed."""

from decimal import Decimal

import pytest

from core.dates import today
from core.errors import ActionBlocked
from core.models import Notification
from delivery import actions
from delivery.models import AnnualReport
from policy.models import Decision, Outcome

from .helpers import approved, carry, fund, pay, prepare

pytestmark = pytest.mark.django_db

GOOD = {
    "summary": "完成需求分析、系统设计和主体开发。",
    "user_opinions": "市教委各处室：功能满足业务需要。",
    "supervisor_opinion": "渝信监理：进度和质量受控。",
}


def _report(project, user, year=2025, **overrides):
    return actions.submit_annual_report(
        project, acting_user=user, year=year, **{**GOOD, **overrides}
    )


@pytest.fixture
def building(walker):
    project = approved(walker)
    contract = prepare(project, walker.officer)
    carry(project, walker.officer, "construction")
    project.contract = contract
    return project


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"user_opinions": ""}, ["使用单位意见"]),
        ({"supervisor_opinion": "  "}, ["监理单位意见"]),
        ({"user_opinions": "", "supervisor_opinion": ""}, ["使用单位意见", "监理单位意见"]),
    ],
)
def test_R23_1_report_without_opinions_refused(building, personas, overrides, missing):
    with pytest.raises(ActionBlocked) as exc:
        _report(building, personas.jw_officer, **overrides)
    [finding] = [f for f in exc.value.findings if f.rule_id == "R23.1"]
    assert finding.article == "第二十三条"
    assert finding.facts["missing"] == missing
    assert all(label in finding.message for label in missing)
    assert not AnnualReport.objects.filter(project=building).exists()


def test_R23_1_report_with_both_opinions_accepted_once(building, personas):
    report = _report(building, personas.jw_officer)
    assert report.user_opinions.startswith("市教委") and report.supervisor_opinion
    # submitted to DRC, Finance and BDB (Art. 23)
    for user in (personas.drc, personas.finance, personas.bdb):
        assert Notification.objects.filter(recipient=user, title__contains="年度绩效评价报告")
    decision = Decision.objects.filter(gate="delivery.annual_report").latest("created_at")
    assert decision.outcome == Outcome.PASS
    # the same year's report is submitted once
    with pytest.raises(ActionBlocked) as exc:
        _report(building, personas.jw_officer)
    [finding] = exc.value.findings
    assert finding.rule_id == "R23.1.once" and finding.article == "第二十三条"
    assert finding.facts == {"year": 2025} and "2025" in finding.message


def test_R23_1_trial_effects_required_in_trial(building, personas):
    # given the system in trial operation
    actions.start_trial(building, acting_user=personas.jw_officer, trial_started_on="2025-09-01")
    # a report without trial effects is refused
    with pytest.raises(ActionBlocked) as exc:
        _report(building, personas.jw_officer)
    [finding] = exc.value.findings
    assert finding.rule_id == "R23.1" and finding.facts["missing"] == ["试运行效果"]
    # with them it is accepted
    report = _report(building, personas.jw_officer, trial_effects="试运行 2 个月，受理 1.2 万件。")
    assert report.trial_effects.startswith("试运行")


def test_R23_1_trial_effects_not_required_during_construction(building, personas):
    assert _report(building, personas.jw_officer, trial_effects="").trial_effects == ""


def test_R23_1_progress_computed_from_milestone_weights(building, personas):
    officer = personas.jw_officer
    m1 = actions.add_milestone(
        building, acting_user=officer, name="需求分析", planned_on="2025-04-30"
    )
    m2 = actions.add_milestone(
        building, acting_user=officer, name="系统开发", planned_on="2025-08-31", weight=2
    )
    actions.add_milestone(building, acting_user=officer, name="上线部署", planned_on="2025-12-31")
    # no milestone done: 0 %
    assert _report(building, officer, year=2024).progress_percent == Decimal("0.0")
    actions.complete_milestone(m1, acting_user=officer, done_on="2025-04-28")
    actions.complete_milestone(m2, acting_user=officer, done_on="2025-08-30")
    # weights 1 + 2 of 4 done: 75 %
    assert _report(building, officer, year=2025).progress_percent == Decimal("75.0")


def test_R23_1_plan_and_paid_from_investment_plan_and_payments(building, personas):
    year = today().year
    line = fund(building, personas, year=year, plan_wan="300", budget_wan="200")
    pay(personas, building.contract, line, paid_on=today(), wan="120", voucher="GK-R23-1")
    report = _report(building, personas.jw_officer, year=year)
    assert report.plan_amount == Decimal("3000000.00")
    assert report.paid_amount == Decimal("1200000.00")
    # a year without a published plan or payments reports zeros
    other = _report(building, personas.jw_officer, year=year - 1)
    assert other.plan_amount == Decimal("0.00") and other.paid_amount == Decimal("0.00")


def test_R23_1_report_refused_before_start(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer)
    with pytest.raises(ActionBlocked) as exc:
        _report(project, personas.jw_officer)
    [finding] = exc.value.findings
    assert finding.rule_id == "R23.1.state" and finding.facts["state"] == "preparing"
