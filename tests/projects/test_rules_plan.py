"""Entry into the annual investment plan (Art. 10, 27): gate ``investment.plan.entry`` on the
facts of ``projects.services.project_context``."""

import pytest

from policy.engine import evaluate_gate
from policy.models import Outcome
from projects import actions
from projects.models import ProjectState, Review, ReviewKind
from projects.rules import ever_listed
from projects.services import project_context

from .helpers import rule_ids

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"
OM = "重庆市教育管理公共服务平台运维"
GATE = "investment.plan.entry"


def plan_entry(project):
    project.refresh_from_db()
    return evaluate_gate(GATE, project_context(project), organisation=project.unit)


def test_R10_1_listed_om_project_passes(walker):
    project = walker.walk(walker.create(OM, "150"), S.LISTED)
    decision = plan_entry(project)
    assert decision.outcome == Outcome.PASS
    assert decision.rule_ids == ["R10.1", "R27.1"]


def test_R10_1_om_project_not_listed_blocked(walker):
    project = walker.submit(walker.create(OM, "150"))
    decision = plan_entry(project)
    assert decision.outcome == Outcome.BLOCK
    [finding] = decision.findings
    assert finding["rule_id"] == "R10.1" and finding["article"] == "第十条"
    assert "未纳入项目清单，不能纳入年度投资计划" in finding["message"]


def test_R27_1_listed_construction_project_not_approved_blocked(walker):
    project = walker.walk(walker.create(NEW, "800"), S.DRC_REVIEW)
    decision = plan_entry(project)
    assert decision.outcome == Outcome.BLOCK
    [finding] = decision.findings
    assert finding["rule_id"] == "R27.1" and finding["article"] == "第二十七条"
    assert "可研报告及概（预）算（代初步设计）尚未批复" in finding["message"]


def test_R27_1_two_stage_project_with_only_fsr_approved_blocked(walker):
    project = walker.walk(walker.create(NEW, "3500"), S.FSR_APPROVED)
    decision = plan_entry(project)
    [finding] = decision.findings
    assert finding["rule_id"] == "R27.1" and "初步设计及概（预）算尚未批复" in finding["message"]


def test_R10_1_unlisted_construction_project_blocked_by_both(walker):
    decision = plan_entry(walker.create(NEW, "800"))
    assert rule_ids(decision.findings, "block") == {"R10.1", "R27.1"}


def test_R10_1_approved_construction_project_passes(walker):
    project = walker.walk(walker.create(NEW, "800"), S.APPROVED)
    assert plan_entry(project).outcome == Outcome.PASS


def test_R10_1_approved_two_stage_project_passes(walker):
    project = walker.walk(walker.create(NEW, "3500"), S.APPROVED)
    assert plan_entry(project).outcome == Outcome.PASS


def test_R10_1_approved_continuing_project_passes(wj_walker):
    project = wj_walker.walk(wj_walker.create("电子健康档案共享调阅系统", "900"), S.APPROVED)
    assert project.kind == "continuing"
    assert plan_entry(project).outcome == Outcome.PASS


def test_R10_1_continuing_project_not_approved_blocked(wj_walker):
    project = wj_walker.walk(wj_walker.create("电子健康档案共享调阅系统", "900"), S.LISTED)
    decision = plan_entry(project)
    [finding] = decision.findings
    assert finding["rule_id"] == "R10.1" and "续建项目" in finding["message"]


def test_R10_1_listed_om_project_under_revision_stays_listed(walker, personas):
    """A listed project returned by a later review (here: the joint review) is still on the
    project list: it stays eligible and stays in the next published list version."""
    project = walker.walk(walker.create(OM, "150"), S.JOINT_REVIEW)
    review = Review.objects.open().get(project=project, kind=ReviewKind.JOINT, authority="cac")
    project = actions.give_joint_opinion(
        review, acting_user=personas.cac, agree=False, opinion="请补充等级保护测评计划。"
    )
    assert project.state == S.RETURNED
    assert ever_listed(project)
    assert plan_entry(project).outcome == Outcome.PASS
    version = walker.publish(project.year)
    assert version.entries.filter(project=project).exists()


def test_R10_1_project_returned_by_list_review_was_never_listed(walker, personas):
    project = walker.submit(walker.create(OM, "150"))
    review = Review.objects.open().get(project=project, kind=ReviewKind.LIST)
    project = actions.return_project(review, acting_user=personas.bdb, opinion="请补充。")
    assert not ever_listed(project)
    assert plan_entry(project).outcome == Outcome.BLOCK
