"""The start of construction (Art. 16, 22): an implementing agency, a responsible person,
procurement with a contract, and an engineering supervisor before the first day of work."""

import pytest

from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from delivery import actions
from delivery.models import Phase, SupervisorAssignment
from policy.models import Decision, Outcome

from .helpers import approved, consultant_org, prepare, supervisor_org

pytestmark = pytest.mark.django_db


def _start(project, user, on="2025-03-01"):
    return actions.start_construction(project, acting_user=user, started_on=on)


def _findings(exc, rule_id):
    return [f for f in exc.value.findings if f.rule_id == rule_id]


# -- R16.1 -------------------------------------------------------------------------------------


def test_R16_1_start_refused_without_agency_person_or_contract(walker, personas):
    # given an approved project with only its supervisor recorded
    project = approved(walker)
    prepare(project, walker.officer, agency=False, contract=False)
    # when the unit starts construction, then Art. 16 lists every missing item
    with pytest.raises(ActionBlocked) as exc:
        _start(project, personas.jw_officer)
    [finding] = _findings(exc, "R16.1")
    assert finding.article == "第十六条"
    assert finding.facts["missing"] == ["项目实施机构", "项目负责人", "采购结果及合同"]
    assert "项目实施机构" in finding.message and "第十六条" in finding.message
    assert not _findings(exc, "R22.1")
    # and the refusal is stored as a decision of the start gate
    decision = Decision.objects.filter(gate="delivery.start").latest("created_at")
    assert decision.outcome == Outcome.BLOCK
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.PREPARING


def test_R16_1_contract_alone_missing_is_named(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer, contract=False)
    with pytest.raises(ActionBlocked) as exc:
        _start(project, personas.jw_officer)
    [finding] = _findings(exc, "R16.1")
    assert finding.facts["missing"] == ["采购结果及合同"]


def test_R16_1_start_passes_when_everything_recorded(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer)
    delivery = _start(project, personas.jw_officer)
    assert delivery.phase == Phase.CONSTRUCTION
    assert str(delivery.started_on) == "2025-03-01"
    decision = Decision.objects.filter(gate="delivery.start").latest("created_at")
    assert decision.outcome == Outcome.PASS


def test_R16_1_only_the_unit_starts(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer)
    with pytest.raises(ActionForbidden):
        _start(project, personas.wj_officer)
    with pytest.raises(ActionForbidden):
        _start(project, personas.bdb)


# -- R22.1 -------------------------------------------------------------------------------------


def test_R22_1_start_refused_without_supervisor(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer, supervisor=False)
    with pytest.raises(ActionBlocked) as exc:
        _start(project, personas.jw_officer)
    [finding] = _findings(exc, "R22.1")
    assert finding.article == "第二十二条" and "工程监理" in finding.message
    assert not _findings(exc, "R16.1")


def test_R22_1_start_passes_with_supervisor_and_reassignment_keeps_one(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer)
    # a second assignment replaces the first: one active supervisor at a time
    actions.assign_supervisor(project, acting_user=walker.officer, supervisor=supervisor_org().pk)
    assert SupervisorAssignment.objects.filter(project=project, is_active=True).count() == 1
    assert _start(project, personas.jw_officer).phase == Phase.CONSTRUCTION


def test_R22_1_supervisor_must_be_a_supervision_company(walker, personas):
    project = approved(walker)
    with pytest.raises(ActionInvalid) as exc:
        actions.assign_supervisor(
            project, acting_user=walker.officer, supervisor=consultant_org().pk
        )
    assert "supervisor" in exc.value.errors


def test_R22_1_supervisor_submits_reports_on_its_project(walker, personas):
    # given a project under construction with 渝信监理 as its supervisor
    project = approved(walker)
    prepare(project, walker.officer)
    _start(project, personas.jw_officer)
    # when the supervisor reports, the report is kept with its opinion
    report = actions.submit_supervision_report(
        project,
        acting_user=personas.supervisor,
        period="2025年第二季度",
        content="完成需求调研和概要设计。",
        opinion="进度正常，质量受控。",
    )
    assert report.opinion == "进度正常，质量受控。"
    # and nobody else may submit one
    with pytest.raises(ActionForbidden):
        actions.submit_supervision_report(
            project,
            acting_user=personas.jw_officer,
            period="2025年第三季度",
            content="自报。",
            opinion="无。",
        )
