"""The windows of Art. 28 and 30 are the policy's, not the code's: the acceptance window
(R28.3, ``acceptance_window_months``) and the self-evaluation window (R30.1,
``self_eval_start_months`` .. ``self_eval_end_months``) move when a policy version with other
values comes into force; and the R28.3 deadline day itself is still in time, the day after is
late."""

import datetime as dt

import pytest

from core.errors import ActionBlocked
from delivery import actions
from delivery.services import delivery_context, project_due_items
from investment.models import EvaluationResult
from policy.models import Decision, Outcome, PolicyParameter, PolicyVersion
from policy.registry import registry

from .helpers import accepted, delivered

pytestmark = pytest.mark.django_db

# delivered(): completed 2025-10-31; the municipal 6-month window ends on 2026-04-30
DEADLINE = dt.date(2026, 4, 30)


def policy_with(**values):
    """A municipal policy version in force from 2022 with ``values`` instead of the measures'
    (every other parameter copied from cq-municipal-2021)."""
    base = PolicyVersion.objects.get(code="cq-municipal-2021")
    newer = PolicyVersion.objects.create(
        code="cq-municipal-test-windows",
        name="调整验收和自评价期限的修订版（测试）",
        effective_from=dt.date(2022, 1, 1),
    )
    PolicyParameter.objects.bulk_create(
        PolicyParameter(policy=newer, key=p.key, value=values.get(p.key, p.value))
        for p in base.parameters.all()
    )
    return newer


def late_findings(project, on):
    """R28.3's findings when the unit files or applies on ``on`` (a rule of that gate)."""
    assert "R28.3" in registry.gates["delivery.acceptance"][2]
    ctx = delivery_context(project, today=on.isoformat())
    return ctx.policy, list(registry.rules["R28.3"].evaluate(ctx))


def acceptance_item(project):
    [item] = [i for i in project_due_items(project) if i.kind == "acceptance"]
    return item


# -- R28.3 the deadline day itself ---------------------------------------------------------------


def test_R28_3_the_deadline_day_is_in_time_and_the_day_after_is_late(walker, personas):
    project = delivered(walker, personas, target="archived")
    _policy, on_the_day = late_findings(project, DEADLINE)
    assert on_the_day == []
    _policy, day_after = late_findings(project, DEADLINE + dt.timedelta(days=1))
    [finding] = day_after
    assert finding.rule_id == "R28.3" and finding.article == "第二十八条"
    assert finding.facts == {"deadline": "2026-04-30"} and "未获延期" in finding.message
    # the clock of the same window agrees
    item = acceptance_item(project)
    assert item.due_on == DEADLINE
    assert item.status(DEADLINE) != "overdue"
    assert item.status(DEADLINE + dt.timedelta(days=1)) == "overdue"


# -- R28.3 the acceptance window comes from the policy -------------------------------------------


def test_R28_3_a_shorter_acceptance_window_of_a_newer_policy_makes_the_unit_late(walker, personas):
    project = delivered(walker, personas, target="archived")
    on = dt.date(2026, 2, 1)
    policy, found = late_findings(project, on)
    assert policy.code == "cq-municipal-2021" and found == []  # 6 months: in time
    # given a policy version with a 3-month window: completed 2025-10-31, due 2026-01-31
    policy_with(acceptance_window_months="3")
    policy, found = late_findings(project, on)
    assert policy.code == "cq-municipal-test-windows"
    [finding] = found
    assert finding.facts == {"deadline": "2026-01-31"} and "3 个月" in finding.message
    assert acceptance_item(project).due_on == dt.date(2026, 1, 31)


def test_R28_3_a_longer_acceptance_window_of_a_newer_policy_keeps_the_unit_in_time(
    walker, personas
):
    project = delivered(walker, personas, target="archived")
    on = dt.date(2026, 5, 1)
    _policy, found = late_findings(project, on)
    assert [f.rule_id for f in found] == ["R28.3"]  # late under the measures' 6 months
    policy_with(acceptance_window_months="9")
    _policy, found = late_findings(project, on)
    assert found == []
    assert acceptance_item(project).due_on == dt.date(2026, 7, 31)


# -- R30.1 the self-evaluation window comes from the policy --------------------------------------


def _self(project, user, on):
    return actions.submit_self_evaluation(
        project, acting_user=user, completed_on=on, grade="良", conclusion="目标基本实现。"
    )


def _latest():
    return Decision.objects.filter(gate="delivery.self_evaluation").latest("created_at")


def test_R30_1_self_evaluation_window_of_a_newer_policy_decides(walker, personas):
    # accepted 2024-07-10, live 2024-08-01: the measures' window is 2025-08-01 .. 2026-08-01
    project = accepted(walker, personas)
    with pytest.raises(ActionBlocked) as exc:
        _self(project, personas.jw_officer, "2025-03-01")
    [finding] = exc.value.findings
    assert finding.rule_id == "R30.1"
    assert finding.facts == {"start": "2025-08-01", "end": "2026-08-01"}
    # given a policy version with a 6-9 month window: 2025-02-01 .. 2025-05-01
    policy_with(self_eval_start_months="6", self_eval_end_months="9")
    result = _self(project, personas.jw_officer, "2025-03-01")
    assert result.pk and EvaluationResult.objects.filter(project=project).count() == 1
    decision = _latest()
    assert decision.outcome == Outcome.PASS and decision.policy.code == "cq-municipal-test-windows"


def test_R30_1_a_date_inside_the_measures_window_is_late_under_a_shorter_policy(walker, personas):
    project = accepted(walker, personas)
    policy_with(self_eval_start_months="6", self_eval_end_months="9")
    _self(project, personas.jw_officer, "2025-08-01")  # the measures' first day
    decision = _latest()
    assert decision.outcome == Outcome.WARN
    [finding] = decision.findings
    assert finding["rule_id"] == "R30.1" and finding["severity"] == "warn"
    assert finding["facts"] == {"start": "2025-02-01", "end": "2025-05-01"}
    assert "2025-05-01" in finding["message"]
