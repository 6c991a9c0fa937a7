"""Art. 21 (R21.1): investment per served user above the policy figure, or a unit without the
capacity to build, run and maintain the system, raises an advisory (warn, never a block) to
use a functional department or outsourcing, at the list review and at the approval."""

import pytest

from core.offers import next_steps
from policy.models import Outcome
from projects.models import ProjectState

from .helpers import last_decision

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"


def advisories(gate_code):
    decision = last_decision(gate_code)
    assert decision.outcome != Outcome.BLOCK
    return [f for f in decision.findings if f["rule_id"] == "R21.1"]


def test_R21_1_per_user_above_figure_advised_at_list_and_approval(walker, personas):
    # 580万 for 100 users: 58,000 yuan each, above the municipal figure of 50,000 yuan.
    project = walker.walk(walker.create(NEW, "580", served_users=100), S.LISTED)
    [finding] = advisories("projects.list")
    assert finding["severity"] == "warn" and finding["article"] == "第二十一条"
    assert "人均投资规模 58,000.00 元" in finding["message"]
    assert "提示线 50,000.00 元" in finding["message"]
    assert "服务外包" in finding["remedy"]
    project = walker.walk(project, S.APPROVED)
    assert project.state == S.APPROVED  # an advisory never blocks
    [finding] = advisories("projects.approve")
    assert finding["severity"] == "warn" and "58,000.00" in finding["message"]


def test_R21_1_unit_without_capacity_advised(walker, personas):
    project = walker.walk(walker.create(NEW, "580", lacks_om_capacity=True), S.LISTED)
    [finding] = advisories("projects.list")
    assert "不具备建设运行维护能力" in finding["message"]
    assert finding["severity"] == "warn"
    walker.walk(project, S.APPROVED)
    assert len(advisories("projects.approve")) == 1


def test_R21_1_below_figure_no_advisory(walker):
    # 580万 for 200 users: 29,000 yuan each, below the figure.
    project = walker.walk(walker.create(NEW, "580", served_users=200), S.LISTED)
    assert advisories("projects.list") == []
    walker.walk(project, S.APPROVED)
    assert advisories("projects.approve") == []


def test_R21_1_advisory_shown_on_the_reviewer_card(walker, personas, client):
    project = walker.walk(walker.create(NEW, "580", served_users=100), S.SUBMITTED)
    steps = next_steps(project, personas.bdb)
    warnings = [f for o in steps.offers for f in o.warnings if f.rule_id == "R21.1"]
    assert warnings and warnings[0].severity == "warn"
    client.force_login(personas.bdb)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "人均投资规模 58,000.00 元" in page
    assert "预计服务用户 100 人" in page
