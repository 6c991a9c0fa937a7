"""Completion acceptance (Art. 28, 29): the threshold decides who organises it (R28.1), the
materials must be complete (R28.2), the 6-month window may be extended by BDB, a late
acceptance without extension is a finding (R28.3), a failed acceptance loses O&M funding
(R28.4), and archive acceptance comes first (R29.1)."""

import datetime as dt

import pytest

from core.dates import today
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import Notification
from delivery import actions
from delivery.models import (
    AcceptancePath,
    AcceptanceState,
    ExtensionState,
    Phase,
)
from delivery.services import ACCEPTANCE_MATERIALS, delivery_context, project_due_items
from policy.engine import preview_gate
from policy.models import Decision, Outcome
from projects.walk import Walker

from .helpers import (
    ART19,
    BIG,
    accept_archives,
    approved,
    carry,
    delivered,
    prepare,
    upload_materials,
)

pytestmark = pytest.mark.django_db


def _file(project, user, passed=True, held="2025-11-20"):
    return actions.file_unit_acceptance(
        project, acting_user=user, passed=passed, held_on=held, conclusion="验收结论。", **ART19
    )


def _decide(acceptance, user, passed=True, held="2025-11-20"):
    return actions.decide_acceptance(
        acceptance,
        acting_user=user,
        passed=passed,
        held_on=held,
        conclusion="专家组验收结论。",
        **ART19,
    )


def _rule(exc, rule_id):
    return [f for f in exc.value.findings if f.rule_id == rule_id]


def _refused(exc, rule_id):
    """The one blocking finding of a refusal, with its rule id and article."""
    [finding] = [f for f in exc.value.findings if f.blocks]
    assert finding.rule_id == rule_id and finding.article == "第二十八条", finding
    return finding


def _latest(gate="delivery.acceptance"):
    return Decision.objects.filter(gate=gate).latest("created_at")


# -- R28.1 the two paths -----------------------------------------------------------------------


def test_R28_1_below_threshold_unit_organises_and_files(walker, personas):
    # given an 800万 project, completed, with materials and archives
    project = delivered(walker, personas, target="archived")
    project.delivery.refresh_from_db()
    assert project.delivery.acceptance_path == AcceptancePath.UNIT
    # when the unit files its own acceptance, it is recorded and BDB is told
    acceptance = _file(project, personas.jw_officer)
    assert acceptance.path == AcceptancePath.UNIT and acceptance.state == AcceptanceState.PASSED
    assert acceptance.filed_with_bdb_at is not None
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.ACCEPTED
    assert str(project.delivery.accepted_on) == "2025-11-20"
    assert Notification.objects.filter(
        recipient=personas.bdb, title__contains="竣工验收备案"
    ).exists()


def test_R28_1_below_threshold_applying_to_bdb_refused(walker, personas):
    project = delivered(walker, personas, target="archived")
    with pytest.raises(ActionBlocked) as exc:
        actions.apply_acceptance(project, acting_user=personas.jw_officer)
    [finding] = _rule(exc, "R28.1")
    assert finding.facts["expected"] == AcceptancePath.UNIT
    assert "建设单位组织验收并报备" in finding.message
    assert "3,000.00 万元（含）以上" in finding.message


def test_R28_1_at_threshold_apply_to_bdb_then_bdb_decides(walker, personas):
    # given a project of exactly 3,000万 (the threshold, 含本数: two stages), completed with
    # materials and archives
    project = delivered(walker, personas, name=BIG, wan="3000", target="archived")
    project.delivery.refresh_from_db()
    assert project.delivery.acceptance_path == AcceptancePath.BDB
    # the unit cannot organise it itself
    with pytest.raises(ActionBlocked) as exc:
        _file(project, personas.jw_officer)
    [finding] = _rule(exc, "R28.1")
    assert finding.facts["expected"] == AcceptancePath.BDB
    assert "市大数据发展局组织验收" in finding.message
    # it applies to BDB
    acceptance = actions.apply_acceptance(project, acting_user=personas.jw_officer)
    assert acceptance.state == AcceptanceState.APPLIED
    assert Notification.objects.filter(
        recipient=personas.bdb, title__contains="竣工验收申请"
    ).exists()
    with pytest.raises(ActionBlocked) as exc:
        actions.apply_acceptance(project, acting_user=personas.jw_officer)
    _refused(exc, "R28.1.applied")
    # only BDB records the result
    with pytest.raises(ActionForbidden):
        _decide(acceptance, personas.jw_officer)
    with pytest.raises(ActionForbidden):
        _decide(acceptance, personas.drc)
    acceptance = _decide(acceptance, personas.bdb)
    assert acceptance.state == AcceptanceState.PASSED and acceptance.decided_by == personas.bdb
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.ACCEPTED
    with pytest.raises(ActionBlocked) as exc:
        _decide(acceptance, personas.bdb)
    assert _refused(exc, "R28.1.state").facts["state"] == AcceptanceState.PASSED


def test_R28_1_district_threshold_of_1000_wan(planned, personas):
    """渝中区's policy sets the threshold at 1,000万: a 1,500万 district project goes to BDB."""
    from tests.projects.helpers import plan_district_unit

    plan_district_unit(planned)
    yz = Walker(planned, "yz_tianbao")
    project = yz.walk(yz.create("渝中区城市运行管理平台", "1500"), "approved")
    assert project.policy.code == "cq-yuzhong-example-2022"
    prepare(project, yz.officer)
    carry(project, yz.officer, "completed")
    upload_materials(project, yz.officer)
    accept_archives(project, personas.bdb)
    project.delivery.refresh_from_db()
    assert project.delivery.acceptance_path == AcceptancePath.BDB
    with pytest.raises(ActionBlocked) as exc:
        _file(project, yz.officer)
    [finding] = _rule(exc, "R28.1")
    assert "1,000.00 万元（含）以上" in finding.message
    assert finding.facts["approval_threshold"] == "10000000.00"
    assert actions.apply_acceptance(project, acting_user=yz.officer).path == AcceptancePath.BDB


def test_R28_1_acceptance_only_after_completion(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer)
    carry(project, walker.officer, "trial")
    upload_materials(project, walker.officer)
    accept_archives(project, personas.bdb)
    with pytest.raises(ActionBlocked) as exc:
        _file(project, personas.jw_officer)
    # the delivery machine refuses before any rule: only a completed project is accepted
    finding = _refused(exc, "R28.1.state")
    assert finding.facts["state"] == Phase.TRIAL and finding.facts["machine"] == "delivery"


# -- R28.2 materials ---------------------------------------------------------------------------


def test_R28_2_each_missing_material_listed(walker, personas):
    project = delivered(walker, personas, target="completed")
    accept_archives(project, personas.bdb)
    labels = list(ACCEPTANCE_MATERIALS.values())

    def missing():
        ctx = delivery_context(project, personas.jw_officer, path=AcceptancePath.UNIT)
        found = [f for f in preview_gate("delivery.acceptance", ctx) if f.rule_id == "R28.2"]
        return found[0].facts["missing"] if found else []

    # nothing uploaded: all seven are named, in the order of Art. 28
    assert missing() == labels
    with pytest.raises(ActionBlocked) as exc:
        _file(project, personas.jw_officer)
    [finding] = _rule(exc, "R28.2")
    assert finding.article == "第二十八条" and "、".join(labels) in finding.message
    # each upload removes exactly its own label
    for n, doc_type in enumerate(ACCEPTANCE_MATERIALS):
        upload_materials(
            project, walker.officer, skip=[k for k in ACCEPTANCE_MATERIALS if k != doc_type]
        )
        assert missing() == labels[n + 1 :]
    assert _file(project, personas.jw_officer).state == AcceptanceState.PASSED


def test_R28_2_one_missing_material_blocks_the_bdb_path_too(walker, personas):
    project = approved(walker, BIG, "3500")
    prepare(project, walker.officer)
    carry(project, walker.officer, "completed")
    upload_materials(project, walker.officer, skip=["crypto_assessment"])
    accept_archives(project, personas.bdb)
    with pytest.raises(ActionBlocked) as exc:
        actions.apply_acceptance(project, acting_user=personas.jw_officer)
    [finding] = _rule(exc, "R28.2")
    assert finding.facts["missing"] == ["密码应用安全性评估报告"]


# -- R28.3 the window and extensions -----------------------------------------------------------


def test_R28_3_late_acceptance_without_extension_is_a_warning(walker, personas):
    # completed 2025-10-31: the 6-month window ended on 2026-04-30
    project = delivered(walker, personas, target="archived")
    on = dt.date(2026, 5, 1)
    assert today() >= on
    acceptance = _file(project, personas.jw_officer)
    assert acceptance.state == AcceptanceState.PASSED  # a warning does not block
    decision = _latest()
    assert decision.outcome == Outcome.WARN
    [finding] = [f for f in decision.findings if f["rule_id"] == "R28.3"]
    assert finding["severity"] == "warn" and finding["facts"]["deadline"] == "2026-04-30"
    assert "2026-04-30" in finding["message"] and "未获延期" in finding["message"]


def test_R28_3_inside_the_window_no_warning(walker, personas):
    completed = today() - dt.timedelta(days=20)
    project = delivered(
        walker,
        personas,
        target="archived",
        started=(completed - dt.timedelta(days=200)).isoformat(),
        trial=None,
        completed=completed.isoformat(),
        archived_on=today().isoformat(),
    )
    _file(project, personas.jw_officer, held=today().isoformat())
    assert _latest().outcome == Outcome.PASS


def test_R28_3_extension_granted_moves_the_due_date(walker, personas):
    project = delivered(walker, personas, target="archived")
    [item] = [i for i in project_due_items(project) if i.kind == "acceptance"]
    assert item.due_on == dt.date(2026, 4, 30)
    until = today() + dt.timedelta(days=60)
    request = actions.request_extension(
        project, acting_user=personas.jw_officer, requested_until=until, reason="等保测评排期。"
    )
    assert request.state == ExtensionState.PENDING
    # only BDB decides
    with pytest.raises(ActionForbidden):
        actions.decide_extension(request, acting_user=personas.drc, grant=True, opinion="同意。")
    actions.decide_extension(request, acting_user=personas.bdb, grant=True, opinion="同意延期。")
    [item] = [i for i in project_due_items(project) if i.kind == "acceptance"]
    assert item.due_on == until and "已延期" in item.label
    assert item.status(today()) != "overdue"
    # applying now is in time: no R28.3 finding
    _file(project, personas.jw_officer)
    assert not [f for f in _latest().findings if f["rule_id"] == "R28.3"]


def test_R28_3_refused_extension_leaves_the_warning(walker, personas):
    project = delivered(walker, personas, target="archived")
    request = actions.request_extension(
        project,
        acting_user=personas.jw_officer,
        requested_until=today() + dt.timedelta(days=60),
        reason="等保测评排期。",
    )
    actions.decide_extension(request, acting_user=personas.bdb, grant=False, opinion="理由不充分。")
    with pytest.raises(ActionBlocked) as exc:
        actions.decide_extension(request, acting_user=personas.bdb, grant=True, opinion="改判。")
    assert _refused(exc, "R28.3.state").facts["state"] == ExtensionState.REFUSED
    [item] = [i for i in project_due_items(project) if i.kind == "acceptance"]
    assert item.due_on == dt.date(2026, 4, 30) and item.status(today()) == "overdue"
    _file(project, personas.jw_officer)
    assert [f["rule_id"] for f in _latest().findings] == ["R28.3"]


def test_R28_3_extension_must_lie_ahead(walker, personas):
    project = delivered(walker, personas, target="archived")
    with pytest.raises(ActionInvalid):
        actions.request_extension(
            project, acting_user=personas.jw_officer, requested_until=today(), reason="理由。"
        )


def test_R28_3_extension_only_after_completion(walker, personas):
    building = approved(walker)
    prepare(building, walker.officer)
    carry(building, walker.officer, "construction")
    with pytest.raises(ActionBlocked) as exc:
        actions.request_extension(
            building,
            acting_user=personas.jw_officer,
            requested_until=today() + dt.timedelta(days=30),
            reason="理由。",
        )
    assert _refused(exc, "R28.3.state").facts["state"] == Phase.CONSTRUCTION


# -- R28.4 failed acceptance -------------------------------------------------------------------


def test_R28_4_failed_unit_acceptance_sets_om_ineligible(walker, personas):
    project = delivered(walker, personas, target="archived")
    acceptance = _file(project, personas.jw_officer, passed=False)
    assert acceptance.state == AcceptanceState.FAILED
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.FAILED
    assert project.delivery.om_ineligible is True and project.delivery.accepted_on is None


def test_R28_4_failed_bdb_acceptance_sets_om_ineligible(walker, personas):
    project = delivered(walker, personas, name=BIG, wan="3500", target="archived")
    acceptance = actions.apply_acceptance(project, acting_user=personas.jw_officer)
    _decide(acceptance, personas.bdb, passed=False)
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.FAILED and project.delivery.om_ineligible
    # and a failed project cannot go live
    with pytest.raises(ActionBlocked) as exc:
        actions.go_live(project, acting_user=personas.jw_officer, golive_on="2025-12-01")
    [finding] = exc.value.findings
    assert finding.rule_id == "R30.1.state" and finding.article == "第三十条"


def test_R28_4_passed_acceptance_keeps_om_eligibility(walker, personas):
    project = delivered(walker, personas, target="archived")
    _file(project, personas.jw_officer)
    project.delivery.refresh_from_db()
    assert project.delivery.om_ineligible is False


# -- R29.1 archives first ----------------------------------------------------------------------


def test_R29_1_acceptance_refused_before_archive_acceptance(walker, personas):
    project = delivered(walker, personas, target="documents")
    with pytest.raises(ActionBlocked) as exc:
        _file(project, personas.jw_officer)
    [finding] = _rule(exc, "R29.1")
    assert finding.article == "第二十九条" and "档案验收" in finding.message
    big = delivered(walker, personas, name=BIG, wan="3500", target="documents")
    with pytest.raises(ActionBlocked) as exc:
        actions.apply_acceptance(big, acting_user=personas.jw_officer)
    assert _rule(exc, "R29.1")


def test_R29_1_archive_acceptance_by_bdb_with_complete_checklist(walker, personas):
    project = delivered(walker, personas, target="documents")
    with pytest.raises(ActionForbidden):
        accept_archives(project, personas.jw_officer)
    with pytest.raises(ActionInvalid) as exc:
        actions.accept_archives(
            project,
            acting_user=personas.bdb,
            checklist={"文书档案": True, "电子文件": False},
            accepted_on="2025-11-05",
        )
    assert "checklist" in exc.value.errors
    delivery = accept_archives(project, personas.bdb)
    assert str(delivery.archive_accepted_on) == "2025-11-05"
    assert _file(project, personas.jw_officer).state == AcceptanceState.PASSED


def test_R29_1_acceptance_cannot_be_dated_before_the_archive_acceptance(walker, personas):
    project = delivered(walker, personas, target="archived", archived_on="2025-11-05")
    with pytest.raises(ActionInvalid) as exc:
        _file(project, personas.jw_officer, held="2025-11-04")
    assert "第二十九条" in exc.value.errors["held_on"]
    with pytest.raises(ActionInvalid) as exc:
        _file(project, personas.jw_officer, held="2025-10-30")  # before completion (10-31)
    assert "建成日期" in exc.value.errors["held_on"]
    big = delivered(walker, personas, name=BIG, wan="3500", target="archived")
    acceptance = actions.apply_acceptance(big, acting_user=personas.jw_officer)
    with pytest.raises(ActionInvalid):
        _decide(acceptance, personas.bdb, held="2025-11-04")
    assert _decide(acceptance, personas.bdb, held="2025-11-05").state == AcceptanceState.PASSED
