"""Evaluation after acceptance (Art. 30, R30.1): the unit's self-evaluation falls 12-24 months
(policy) after acceptance and go-live and goes to DRC, Finance and BDB; DRC or BDB may
commission a third-party post-evaluation, done by the consultant they assigned. Both results
are ``investment.EvaluationResult`` rows (shown when DRC compiles the next plan, Art. 37)."""

from decimal import Decimal

import pytest

from accounts.roles import OrgKind, Role
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import Notification
from delivery import actions
from delivery.models import PostEvaluationState
from investment.models import EvaluationKind, EvaluationResult
from policy.models import Decision, Outcome
from tests.factories import MembershipFactory, OrganisationFactory

from .helpers import accepted, consultant_org, delivered

pytestmark = pytest.mark.django_db

# accepted 2024-07-10, live 2024-08-01: the window runs 2025-08-01 .. 2026-08-01


def _self(project, user, on, **extra):
    return actions.submit_self_evaluation(
        project,
        acting_user=user,
        completed_on=on,
        grade=extra.pop("grade", "良"),
        conclusion=extra.pop("conclusion", "目标基本实现。"),
        **extra,
    )


def _post(post, user, on="2026-03-01"):
    return actions.submit_post_evaluation(
        post, acting_user=user, completed_on=on, grade="优", conclusion="效益显著。", score="91.5"
    )


@pytest.fixture
def live(walker, personas):
    return accepted(walker, personas)


def test_R30_1_self_evaluation_before_the_window_refused(live, personas):
    with pytest.raises(ActionBlocked) as exc:
        _self(live, personas.jw_officer, "2025-07-31")
    [finding] = exc.value.findings
    assert finding.rule_id == "R30.1" and finding.article == "第三十条"
    assert finding.facts == {"start": "2025-08-01", "end": "2026-08-01"}
    assert "2025-08-01" in finding.message
    assert not EvaluationResult.objects.filter(project=live).exists()


@pytest.mark.parametrize("on", ["2025-08-01", "2026-01-15", "2026-08-01"])
def test_R30_1_self_evaluation_inside_the_window_accepted(live, personas, on):
    result = _self(live, personas.jw_officer, on, score="86")
    assert result.kind == EvaluationKind.SELF and str(result.completed_on) == on
    assert result.score == Decimal("86")
    decision = Decision.objects.filter(gate="delivery.self_evaluation").latest("created_at")
    assert decision.outcome == Outcome.PASS
    # sent to DRC, Finance and BDB
    for user in (personas.drc, personas.finance, personas.bdb):
        assert Notification.objects.filter(recipient=user, title__contains="项目自评价").exists()


def test_R30_1_self_evaluation_after_the_window_is_a_warning(live, personas):
    result = _self(live, personas.jw_officer, "2026-08-02")
    assert result.pk
    decision = Decision.objects.filter(gate="delivery.self_evaluation").latest("created_at")
    assert decision.outcome == Outcome.WARN
    [finding] = decision.findings
    assert finding["rule_id"] == "R30.1" and finding["severity"] == "warn"
    assert "逾期" in finding["message"]


def test_R30_1_self_evaluation_needs_acceptance_and_golive(walker, personas):
    project = accepted(walker, personas, golive=None)
    with pytest.raises(ActionBlocked) as exc:
        _self(project, personas.jw_officer, "2025-09-01")
    assert "正式上线运行" in exc.value.findings[0].message


def test_R30_1_self_evaluation_by_the_unit_only(live, personas):
    with pytest.raises(ActionForbidden):
        _self(live, personas.wj_officer, "2025-09-01")
    with pytest.raises(ActionForbidden):
        _self(live, personas.drc, "2025-09-01")
    with pytest.raises(ActionInvalid) as exc:
        _self(live, personas.jw_officer, "2025-09-01", score="120")
    assert "score" in exc.value.errors


@pytest.mark.parametrize("who", ["drc", "bdb"])
def test_R30_1_post_evaluation_commissioned_by_drc_or_bdb(live, personas, who):
    post = actions.commission_post_evaluation(
        live, acting_user=getattr(personas, who), consultant=consultant_org().pk
    )
    assert post.state == PostEvaluationState.COMMISSIONED
    assert Notification.objects.filter(
        recipient=personas.consultant, title__contains="后评价委托"
    ).exists()


@pytest.mark.parametrize("who", ["finance", "jw_officer", "consultant", "auditor"])
def test_R30_1_post_evaluation_not_commissioned_by_others(live, personas, who):
    with pytest.raises(ActionForbidden):
        actions.commission_post_evaluation(
            live, acting_user=getattr(personas, who), consultant=consultant_org().pk
        )


def test_R30_1_post_evaluation_needs_an_accepted_project_and_a_consultant(walker, personas):
    project = delivered(walker, personas, target="completed")
    with pytest.raises(ActionBlocked) as exc:
        actions.commission_post_evaluation(
            project, acting_user=personas.drc, consultant=consultant_org().pk
        )
    [finding] = exc.value.findings
    assert finding.rule_id == "R30.1.state" and finding.article == "第三十条"
    live = accepted(walker, personas)
    with pytest.raises(ActionInvalid) as exc:
        actions.commission_post_evaluation(
            live, acting_user=personas.drc, consultant=personas.supervisor.primary_organisation.pk
        )
    assert "consultant" in exc.value.errors


def test_R30_1_post_evaluation_done_by_the_assigned_consultant_only(live, personas):
    # given a second consultancy with its own expert
    other_org = OrganisationFactory(
        kind=OrgKind.CONSULTANT, unit_category="", name="重庆某评估公司（测试）"
    )
    other = MembershipFactory(organisation=other_org, role=Role.CONSULTANT).user
    # DRC commissions the second consultancy
    post = actions.commission_post_evaluation(
        live, acting_user=personas.drc, consultant=other_org.pk
    )
    # the demo consultant (not assigned), the unit and BDB cannot submit it
    for user in (personas.consultant, personas.jw_officer, personas.bdb):
        with pytest.raises(ActionForbidden):
            _post(post, user)
    # the assigned consultant does: the result is an investment.EvaluationResult
    result = _post(post, other)
    assert isinstance(result, EvaluationResult)
    assert result.kind == EvaluationKind.POST and result.project_id == live.pk
    assert result.score == Decimal("91.5") and result.recorded_by == other
    post.refresh_from_db()
    assert post.state == PostEvaluationState.DONE and post.result_id == result.pk
    assert Notification.objects.filter(recipient=personas.jw_officer, title__contains="后评价结果")
    with pytest.raises(ActionBlocked) as exc:
        _post(post, other)
    [finding] = exc.value.findings
    assert finding.rule_id == "R30.1.state" and finding.facts["state"] == PostEvaluationState.DONE
