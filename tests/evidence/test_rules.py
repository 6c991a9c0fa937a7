"""R8.5 and R31.2 at submission and at BDB's list decision: a passing and a refused (or
warned) case per rule id, with the finding's rule id, article and remedy."""

import pytest

from core.errors import ActionBlocked
from evidence import actions, check
from evidence.models import Conclusion, FindingState
from evidence.search.segment import item_name
from projects import actions as project_actions
from projects.models import ReviewKind

pytestmark = pytest.mark.django_db


def _found(project, user, rule_id):
    return [f for f in project_actions.submit_project.check(project, user) if f.rule_id == rule_id]


def test_R8_5_possible_duplicate_warns_at_submission(city, drafted):
    found = _found(drafted, city["p"].jw_officer, "R8.5.possible-duplicate")
    assert found and found[0].article == "第八条" and not found[0].blocks
    assert "电子健康档案共享调阅系统" in found[0].message
    assert "市卫生健康委" in found[0].message or city["wj"].display_name in found[0].message
    assert found[0].remedy
    assert found[0].facts["similarity"] >= check.ranking.FLAG_AT


def test_R8_5_possible_duplicate_silent_for_distinct_requirement(city, walker):
    project = walker.create("教育装备资产管理系统", "300", item_name="学生资助精准认定系统",
                            requirement="登记中小学教学仪器设备资产，管理采购验收和报废处置。")  # fmt: skip
    assert _found(project, city["p"].jw_officer, "R8.5.possible-duplicate") == []


def test_R8_5_a_declared_changed_system_is_not_a_duplicate(city, walker):
    wj_officer = city["p"].wj_officer
    from projects.walk import Walker

    project = Walker(city["people"], "wj_tianbao").create(
        "电子健康档案共享调阅系统升级", "300", item_name="电子健康档案共享调阅系统",
        requirement="汇聚居民电子健康档案和电子病历，支持共享调阅。",
    )  # fmt: skip
    actions.describe_requirement(project, acting_user=wj_officer, functions="共享调阅",
                                 systems=[city["health"].pk])  # fmt: skip
    assert _found(project, wj_officer, "R8.5.possible-duplicate") == []


def test_R31_2_duplicate_collection_warns_until_confirmed_then_blocks(city, drafted):
    officer, bdb = city["p"].jw_officer, city["p"].bdb
    found = _found(drafted, officer, "R31.2.duplicate-collection")
    assert len(found) == 1 and not found[0].blocks and found[0].article == "第三十一条"
    assert "人口基础信息" in found[0].message and "WJ-002/1" in found[0].message
    assert "共享" in found[0].remedy
    check.scan_project(drafted)
    finding = drafted.collection_findings.get()
    assert finding.item_key == item_name("身份证号") and finding.state == FindingState.OPEN
    actions.confirm_duplicate_collection(finding, acting_user=bdb, reason="人口库已提供。")
    blocked = _found(drafted, officer, "R31.2.duplicate-collection")
    assert blocked[0].blocks
    with pytest.raises(ActionBlocked) as exc:
        project_actions.submit_project(drafted, acting_user=officer)
    assert "R31.2.duplicate-collection" in {f.rule_id for f in exc.value.findings}


def test_R31_2_dismissed_finding_no_longer_warns(city, drafted):
    check.scan_project(drafted)
    finding = drafted.collection_findings.get()
    actions.dismiss_duplicate_collection(finding, acting_user=city["p"].bdb,
                                         reason="学生证件号码另有法定采集依据。")  # fmt: skip
    assert _found(drafted, city["p"].jw_officer, "R31.2.duplicate-collection") == []


def test_R31_2_own_authoritative_items_are_not_duplicates(city, wj_walker):
    project = wj_walker.create("全民健康信息平台运维", "100", item_name="全民健康信息平台运维")
    actions.describe_requirement(project, acting_user=city["p"].wj_officer,
                                 collected_items="身份证号")  # fmt: skip
    assert _found(project, city["p"].wj_officer, "R31.2.duplicate-collection") == []


def _under_review(drafted, city, walker):
    walker.submit(drafted)
    check.take_snapshot(drafted, trigger="test")
    review = walker.open_review(drafted, ReviewKind.LIST)
    project_actions.start_review(review, acting_user=city["p"].bdb)
    return review


def _list_findings(project, user):
    return [f for f in project_actions.decide_list_review.check(
        _review(project), user) if f.rule_id == "R8.5.conclusions"]  # fmt: skip


def _review(project):
    from projects.models import Review

    return Review.objects.get(project=project, kind=ReviewKind.LIST, state="in_progress")


def test_R8_5_conclusions_warn_then_block_on_duplicate(city, drafted, walker):
    _under_review(drafted, city, walker)
    bdb = city["p"].bdb
    match = check.current_set(drafted).matches.get(flagged=True)
    warned = _list_findings(drafted, bdb)
    assert warned and not warned[0].blocks and warned[0].article == "第八条"
    actions.record_match_conclusion(match, acting_user=bdb, conclusion=Conclusion.DUPLICATE,
                                    note="与卫健委系统重复，应复用。")  # fmt: skip
    blocked = _list_findings(drafted, bdb)
    assert blocked and blocked[0].blocks and blocked[0].remedy
    match.refresh_from_db()
    assert match.review == _review(drafted) and match.concluded_by == bdb


def test_R8_5_conclusions_pass_once_concluded_not_duplicate(city, drafted, walker):
    _under_review(drafted, city, walker)
    bdb = city["p"].bdb
    for match in check.current_set(drafted).matches.all():
        actions.record_match_conclusion(match, acting_user=bdb,
                                        conclusion=Conclusion.NOT_DUPLICATE)  # fmt: skip
    assert _list_findings(drafted, bdb) == []


def test_R8_5_conclusion_refused_once_the_review_is_over(city, drafted, walker):
    _under_review(drafted, city, walker)
    bdb = city["p"].bdb
    match = check.current_set(drafted).matches.first()
    check.take_snapshot(drafted, trigger="again")
    with pytest.raises(ActionBlocked) as exc:
        actions.record_match_conclusion(match, acting_user=bdb, conclusion="not_duplicate")
    assert exc.value.findings[0].rule_id == "R8.5.superseded"
    assert exc.value.findings[0].article == "第八条"


def test_R8_5_own_systems_only(city, drafted):
    with pytest.raises(ActionBlocked) as exc:
        actions.describe_requirement(drafted, acting_user=city["p"].jw_officer,
                                     functions="调阅", systems=[city["health"].pk])  # fmt: skip
    assert exc.value.findings[0].rule_id == "R8.5.own-systems"
