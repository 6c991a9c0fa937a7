"""Funding conditions tied to delivery and integration (Art. 28, 33): a project that failed
acceptance gets no O&M funding for its system (R28.4); a unit with a system that should have
been integrated and was not gets no O&M funding for any of its systems (R33.1)."""

import pytest

from catalog import actions
from catalog.demo import register, sound
from catalog.models import InformationSystem, OMDecision
from core.errors import ActionBlocked
from delivery import actions as delivery
from tests.delivery.helpers import ART19, delivered

pytestmark = pytest.mark.django_db


def decide(personas, year=2027):
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=year)
    return {d.system.code: d for d in OMDecision.objects.filter(run__code=result["run"])}


def rule_ids(decision):
    return {r["rule_id"] for r in decision.reasons}


# -- R28.4 ----------------------------------------------------------------------------------------


def _accepted_system(walker, personas, passed):
    project = delivered(walker, personas, target="archived")
    delivery.file_unit_acceptance(
        project,
        acting_user=personas.jw_officer,
        passed=passed,
        held_on="2025-11-20",
        conclusion="验收通过。" if passed else "性能测试未达标，验收不通过。",
        **ART19,
    )
    # the system entered the catalog with the acceptance (R15.1); the unit completes its
    # entry and BDB curates it, so that R28.4 is the only condition left
    system = InformationSystem.objects.get(projects=project)
    actions.update_system(system, acting_user=personas.jw_officer, **sound())
    actions.curate_system(system, acting_user=personas.bdb)
    return project, system


def test_R28_4_failed_acceptance_is_ineligible(walker, personas):
    project, system = _accepted_system(walker, personas, passed=False)
    decision = decide(personas)[system.code]
    assert not decision.eligible and rule_ids(decision) == {"R28.4"}
    (reason,) = decision.explained_reasons
    assert reason["article"] == "第二十八条" and project.code in reason["message"]
    assert reason["facts"] == {"projects": [project.code]}


def test_R28_4_passed_acceptance_is_eligible(walker, personas):
    _project, system = _accepted_system(walker, personas, passed=True)
    assert decide(personas)[system.code].eligible


def test_R28_4_archives_come_before_acceptance(walker, personas):
    # the path to R28.4 is the real one: no acceptance without archive acceptance (Art. 29)
    from core.errors import ActionBlocked

    project = delivered(walker, personas, target="documents")
    with pytest.raises(ActionBlocked):
        delivery.file_unit_acceptance(
            project,
            acting_user=personas.jw_officer,
            passed=False,
            held_on="2025-11-20",
            conclusion="验收不通过。",
        )
    assert not InformationSystem.objects.filter(projects=project).exists()


# -- R33.1 ----------------------------------------------------------------------------------------


def test_R33_1_unit_with_unintegrated_system_has_all_systems_ineligible(personas):
    # given 市卫生健康委 has one system that should have been integrated and was not
    wj, bdb = personas.wj_officer, personas.bdb
    register(wj, "WJ-OLD", "旧版卫生监督系统", curate_by=bdb, integration_status="pending")
    register(wj, "WJ-OK", "全民健康信息平台", curate_by=bdb)
    register(personas.jw_officer, "JW-OK", "教育管理公共服务平台", curate_by=bdb)
    decisions = decide(personas)
    # then every system of that unit is refused, naming the pending system and Art. 33
    for code in ("WJ-OLD", "WJ-OK"):
        assert rule_ids(decisions[code]) == {"R33.1"}
        (reason,) = decisions[code].explained_reasons
        assert reason["article"] == "第三十三条" and "WJ-OLD" in reason["message"]
        assert reason["facts"] == {"pending_systems": ["WJ-OLD"]}
    # and other units are not affected
    assert decisions["JW-OK"].eligible


def test_R33_1_integrated_unit_is_eligible_again(personas):
    wj, bdb = personas.wj_officer, personas.bdb
    old = register(wj, "WJ-OLD", "旧版卫生监督系统", curate_by=bdb, integration_status="pending")
    register(wj, "WJ-OK", "全民健康信息平台", curate_by=bdb)
    assert not decide(personas)["WJ-OK"].eligible
    # the unit cannot lift its own block: BDB verifies the integration and clears the mark
    with pytest.raises(ActionBlocked) as refused:
        actions.update_system(old, acting_user=wj, integration_status="done")
    (finding,) = refused.value.findings
    assert finding.rule_id == "R33.1.bdb-determines" and finding.article == "第三十三条"
    assert "市大数据发展局" in finding.message and "第三十三条" in finding.message
    assert finding.facts == {"field": "integration_status"}
    old.refresh_from_db()
    assert old.integration_status == "pending"
    actions.update_system(old, acting_user=wj, status="integrated")  # other fields: the unit's
    actions.update_system(old, acting_user=bdb, integration_status="done")
    decisions = decide(personas)
    assert decisions["WJ-OK"].eligible and decisions["WJ-OLD"].eligible


def test_R33_1_only_bdb_marks_a_system_as_to_be_integrated(personas):
    wj = personas.wj_officer
    with pytest.raises(ActionBlocked):
        actions.register_system(
            acting_user=wj,
            unit=wj.primary_organisation,
            code="WJ-SELF",
            name="自报待整合系统",
            **sound(integration_status="pending"),
        )
    assert not InformationSystem.objects.filter(code="WJ-SELF").exists()
    system = register(wj, "WJ-NEW", "新建系统")
    with pytest.raises(ActionBlocked):
        actions.update_system(system, acting_user=wj, integration_status="pending")
    # between "done" and "not needed" the unit records what it knows
    actions.update_system(system, acting_user=wj, integration_status="done")
    actions.update_system(system, acting_user=personas.bdb, integration_status="pending")
    system.refresh_from_db()
    assert system.integration_status == "pending"
