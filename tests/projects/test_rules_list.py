"""BDB's necessity review and the published project list (Art. 8, R8.2)."""

import pytest

from core.enums import ActionCode
from core.errors import ActionInvalid
from core.models import LedgerEvent
from policy.models import Outcome
from projects.models import ProjectListVersion, ProjectState, Review

from .helpers import all_criteria, assert_blocked, decide_list, last_decision

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"


@pytest.fixture
def submitted(walker):
    return walker.submit(walker.create(NEW, "800"))


def test_R8_2_list_with_five_opinions_and_priority_passes(submitted, personas):
    project = decide_list(submitted, personas.bdb, priority=2, opinion="同意列入。")
    assert project.state == S.LISTED and project.priority == 2
    decision = last_decision("projects.list")
    assert decision.outcome == Outcome.PASS
    review = Review.objects.get(project=project, kind="list")
    assert review.state == "agreed" and set(review.criteria) == {
        "basis",
        "integration",
        "sharing",
        "common_needs",
        "governance",
    }
    event = LedgerEvent.objects.get(action=ActionCode.PROJECT_LISTED)
    assert event.decision_id == decision.pk and event.data["priority"] == 2


def test_R8_2_missing_criterion_blocks_listing(submitted, personas):
    criteria = all_criteria()
    criteria["governance"] = {"verdict": "pass", "opinion": ""}
    finding = assert_blocked(
        lambda: decide_list(submitted, personas.bdb, criteria=criteria),
        rule_id="R8.2",
        article="第八条",
        text="尚缺：数据治理",
        project=submitted,
        gate="projects.list",
    )
    assert finding["facts"]["missing"] == ["数据治理"]


def test_R8_2_missing_priority_blocks_listing(submitted, personas):
    assert_blocked(
        lambda: decide_list(submitted, personas.bdb, priority=None),
        rule_id="R8.2",
        article="第八条",
        text="须确定项目优先级",
        project=submitted,
    )


def test_R8_2_fail_verdict_blocks_listing(submitted, personas):
    criteria = all_criteria(sharing={"verdict": "fail", "opinion": "未提出共享方案。"})
    assert_blocked(
        lambda: decide_list(submitted, personas.bdb, criteria=criteria),
        rule_id="R8.2",
        article="第八条",
        text="以下审核内容结论为“不符合”：数据共享方案",
        project=submitted,
    )


def test_R8_2_fail_verdict_may_return_with_reason(submitted, personas):
    criteria = all_criteria(sharing={"verdict": "fail", "opinion": "未提出共享方案。"})
    project = decide_list(
        submitted, personas.bdb, "return", criteria=criteria, opinion="请补充数据共享方案。"
    )
    assert project.state == S.RETURNED and project.returned_from == S.LIST_REVIEW
    review = Review.objects.get(project=project, kind="list")
    assert review.state == "returned" and review.opinion == "请补充数据共享方案。"


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_R8_2_return_and_reject_need_a_reason(submitted, personas, decision):
    with pytest.raises(ActionInvalid) as info:
        decide_list(submitted, personas.bdb, decision, opinion="  ")
    assert "opinion" in info.value.errors
    submitted.refresh_from_db()
    assert submitted.state == S.SUBMITTED
    assert Review.objects.open().filter(project=submitted, kind="list").count() == 1


def test_R8_2_reject_with_reason_is_final(submitted, personas):
    project = decide_list(submitted, personas.bdb, "reject", opinion="与已建系统重复。")
    assert project.state == S.REJECTED
    event = LedgerEvent.objects.get(action=ActionCode.PROJECT_REJECTED)
    assert "与已建系统重复" in event.reason


def test_R8_2_published_list_is_versioned(walker, personas):
    a = walker.list(walker.submit(walker.create(NEW, "800")))
    v1 = walker.publish(a.year)
    b = walker.list(walker.submit(walker.create(NEW, "300")), priority=1)
    v2 = walker.publish(a.year)
    v1.refresh_from_db()
    assert (v1.number, v1.state, v2.number, v2.state) == (1, "superseded", 2, "published")
    assert set(v1.entries.values_list("project_id", flat=True)) == {a.pk}
    assert set(v2.entries.values_list("project_id", flat=True)) == {a.pk, b.pk}
    assert ProjectListVersion.objects.filter(year=a.year).count() == 2
