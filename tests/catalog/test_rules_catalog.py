"""The master catalog (Art. 15, 31): accepted projects enter it (R15.1), only curated systems
get O&M funding (R31.3), and an isolated network needs BDB's review and then the city
government's approval (R31.1)."""

import pytest

from catalog import actions
from catalog.demo import register, sound
from catalog.models import InformationSystem, IsolationState, OMDecision, SystemStatus
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden
from core.models import LedgerEvent
from delivery import actions as delivery
from tests.delivery.helpers import ART19, carry, delivered, prepare, upload_materials

pytestmark = pytest.mark.django_db

CHECKLIST = {"文书档案": True, "电子文件": True, "声像档案": True}


def decide(personas, year=2027):
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=year)
    return {d.system.code: d for d in OMDecision.objects.filter(run__code=result["run"])}


def rule_ids(decision):
    return {r["rule_id"] for r in decision.reasons}


# -- R15.1 accepted projects enter the master catalog -----------------------------------------


def _accept(project, personas, passed=True):
    delivery.accept_archives(
        project, acting_user=personas.bdb, checklist=CHECKLIST, accepted_on="2025-11-05"
    )
    return delivery.file_unit_acceptance(
        project,
        acting_user=personas.jw_officer,
        passed=passed,
        held_on="2025-11-20",
        conclusion="验收通过。" if passed else "验收不通过。",
        **ART19,
    )


def test_R15_1_accepted_project_creates_catalog_entry(walker, personas):
    # given a completed project of 市教委 with every material
    project = delivered(walker, personas, target="documents")
    assert not InformationSystem.objects.filter(projects=project).exists()
    # when the unit files a passed acceptance
    _accept(project, personas)
    # then the system is in the catalog, linked to the project, waiting for BDB's curation
    system = InformationSystem.objects.get(projects=project)
    assert system.code == f"SYS-{project.code}" and system.unit_id == project.unit_id
    assert system.name == project.name and system.status == SystemStatus.RUNNING
    assert system.mlps_level == project.mlps_level
    assert not system.catalogued
    event = LedgerEvent.objects.filter(action=ActionCode.SYSTEM_SYNCED).latest("seq")
    assert "第十五条" in event.reason and project.code in event.reason
    # and until BDB curates it, it gets no O&M funding (R31.3)
    assert "R31.3" in rule_ids(decide(personas)[system.code])


def test_R15_1_failed_acceptance_records_the_system_in_trial_run(walker, personas):
    project = delivered(walker, personas, target="documents")
    _accept(project, personas, passed=False)
    system = InformationSystem.objects.get(projects=project)
    assert system.status == SystemStatus.TRIAL  # built but not accepted: not in operation
    event = LedgerEvent.objects.filter(action=ActionCode.SYSTEM_SYNCED).latest("seq")
    assert "验收不通过" in event.reason
    assert "R28.4" in rule_ids(decide(personas)[system.code])


def test_R15_1_expansion_updates_the_predecessors_entry(walker, personas):
    # given an accepted project whose system was later stopped
    first = delivered(walker, personas, target="documents")
    _accept(first, personas)
    system = InformationSystem.objects.get(projects=first)
    # (its security facts complete: an expansion of a failing system is blocked, R32.1)
    actions.update_system(
        system, acting_user=personas.jw_officer, **{**sound(), "status": "stopped"}
    )
    # when its expansion project is accepted too
    second = walker.create(
        "智慧教育综合服务平台（二期）", "900", kind="expansion", predecessor=first.pk
    )
    walker.attach(second, "post_evaluation", "一期后评价报告")
    second = walker.walk(second, "approved")
    prepare(second, personas.jw_officer)
    carry(second, personas.jw_officer, "completed")
    upload_materials(second, personas.jw_officer)
    _accept(second, personas)
    # then the same entry is updated (no second system), running, linked to both projects
    assert InformationSystem.objects.count() == 1
    system.refresh_from_db()
    assert system.status == SystemStatus.RUNNING
    assert set(system.projects.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_R15_1_catalog_entry_blocked_for_another_units_officer(personas):
    # a unit may only register its own systems
    with pytest.raises(ActionForbidden):
        actions.register_system(
            acting_user=personas.wj_officer,
            unit=personas.jw_officer.primary_organisation,
            code="X-1",
            name="别人的系统",
            category="business",
        )


# -- R31.3 only catalogued systems ---------------------------------------------------------------


def test_R31_3_not_catalogued_is_ineligible(personas):
    system = register(personas.jw_officer, "JW-1", "教育统计分析系统")
    decision = decide(personas)["JW-1"]
    assert not decision.eligible and rule_ids(decision) == {"R31.3"}
    reason = decision.explained_reasons[0]
    assert reason["article"] == "第三十一条" and "总目录" in reason["message"]
    assert reason["facts"] == {"catalogued": False}
    assert system.pk == decision.system_id


def test_R31_3_curated_is_eligible(personas):
    register(personas.jw_officer, "JW-1", "教育管理公共服务平台", curate_by=personas.bdb)
    decision = decide(personas)["JW-1"]
    assert decision.eligible and decision.reasons == []


def test_R31_3_only_bdb_curates(personas):
    system = register(personas.jw_officer, "JW-1", "教育管理公共服务平台")
    with pytest.raises(ActionForbidden):
        actions.curate_system(system, acting_user=personas.jw_officer)
    # removing from the catalog makes it ineligible again
    actions.curate_system(system, acting_user=personas.bdb)
    actions.curate_system(system, acting_user=personas.bdb, catalogued=False, note="信息不全")
    assert "R31.3" in rule_ids(decide(personas)["JW-1"])


# -- R31.1 isolated networks -------------------------------------------------------------------


def _isolated(personas, code="JW-ISO", reason="涉及国家秘密，依规物理隔离。"):
    return register(
        personas.jw_officer,
        code,
        "考试指挥系统",
        curate_by=personas.bdb,
        network="isolated",
        isolation_reason=reason,
    )


def test_R31_1_isolated_without_any_review_is_ineligible(personas):
    _isolated(personas)
    decision = decide(personas)["JW-ISO"]
    assert rule_ids(decision) == {"R31.1"}
    assert decision.reasons[0]["facts"]["missing"] == ["市大数据发展局初审", "市政府批准"]
    assert "孤网是例外" in decision.explained_reasons[0]["message"]


def test_R31_1_isolated_with_bdb_review_only_is_ineligible(personas):
    system = _isolated(personas)
    actions.review_isolation(system, acting_user=personas.bdb)
    decision = decide(personas)["JW-ISO"]
    assert rule_ids(decision) == {"R31.1"}
    assert decision.reasons[0]["facts"]["missing"] == ["市政府批准"]


def test_R31_1_isolated_with_both_approvals_is_eligible(personas):
    system = _isolated(personas)
    actions.review_isolation(system, acting_user=personas.bdb)
    actions.review_isolation(system, acting_user=personas.gov)
    system.refresh_from_db()
    assert system.isolation_bdb_reviewed_on and system.isolation_gov_approved_on
    assert decide(personas)["JW-ISO"].eligible
    assert LedgerEvent.objects.filter(action=ActionCode.ISOLATION_REVIEWED).count() == 2


def test_R31_1_government_before_bdb_is_refused(personas):
    system = _isolated(personas)
    with pytest.raises(ActionBlocked) as refused:
        actions.review_isolation(system, acting_user=personas.gov)
    (finding,) = refused.value.findings
    assert finding.rule_id == "R31.1.bdb-first" and finding.article == "第三十一条"
    assert "先由市大数据发展局初审" in finding.message and finding.remedy
    system.refresh_from_db()
    assert system.isolation_gov_approved_on is None
    assert system.isolation_state == IsolationState.AWAITING_BDB
    assert "R31.1" in rule_ids(decide(personas)["JW-ISO"])


def test_R31_1_bdb_review_needs_the_legal_basis(personas):
    system = _isolated(personas, reason="")
    with pytest.raises(ActionBlocked) as refused:
        actions.review_isolation(system, acting_user=personas.bdb)
    (finding,) = refused.value.findings
    assert finding.rule_id == "R31.1.basis" and finding.facts == {"field": "isolation_reason"}


def test_R31_1_review_of_a_networked_system_is_refused(personas):
    system = register(personas.jw_officer, "JW-NET", "教育管理平台", curate_by=personas.bdb)
    assert system.isolation_state == IsolationState.NOT_NEEDED
    with pytest.raises(ActionBlocked) as refused:
        actions.review_isolation(system, acting_user=personas.bdb)
    assert [f.rule_id for f in refused.value.findings] == ["R31.1.state"]


def test_R31_1_unit_cannot_approve_itself(personas):
    system = _isolated(personas)
    with pytest.raises(ActionForbidden):
        actions.review_isolation(system, acting_user=personas.jw_officer)


def test_R31_1_becoming_isolated_again_needs_new_approvals(personas):
    system = _isolated(personas)
    actions.review_isolation(system, acting_user=personas.bdb)
    actions.review_isolation(system, acting_user=personas.gov)
    actions.update_system(system, acting_user=personas.jw_officer, network="extranet")
    assert decide(personas)["JW-ISO"].eligible
    # when the unit moves it back to an isolated network, the old approvals do not carry over
    actions.update_system(system, acting_user=personas.jw_officer, network="isolated")
    decision = decide(personas)["JW-ISO"]
    assert rule_ids(decision) == {"R31.1"}
    assert decision.reasons[0]["facts"]["missing"] == ["市大数据发展局初审", "市政府批准"]
