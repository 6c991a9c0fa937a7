"""The catalog's lifecycles as machines (Art. 14, 31): the Art. 31 approval of an isolated
network, a sharing request and an O&M run. A state changes only through its machine, every
transition is taken by its action, and each move is one ledger event."""

import io

import pytest
from django.db import DatabaseError
from openpyxl import Workbook

from catalog import actions, eligibility, xlsx
from catalog.demo import ask, publish_resource, register
from catalog.machines import OM_RUN, SHARING_REQUEST, SYSTEM_ISOLATION
from catalog.models import (
    InformationSystem,
    IsolationState,
    OMDecision,
    OMRun,
    OMRunState,
    SharingRequest,
    SharingState,
)
from core.enums import ActionCode
from core.errors import ActionBlocked
from core.machines import UndeclaredStateChange
from core.models import LedgerEvent

pytestmark = pytest.mark.django_db

ISO = IsolationState


def _moves(obj, machine):
    """(from, to) of the ledger events that moved ``obj`` through ``machine``, oldest first."""
    events = LedgerEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    states = set(machine.states.values)
    return [(e.from_state, e.to_state) for e in events.order_by("seq") if e.to_state in states]


def _isolated(personas, code="JW-ISO", reason="涉密数据，依规物理隔离。"):
    return register(
        personas.jw_officer,
        code,
        "考试指挥系统",
        curate_by=personas.bdb,
        network="isolated",
        isolation_reason=reason,
    )


# -- raw changes are refused -------------------------------------------------------------------


def test_R31_1_a_raw_change_of_the_isolation_state_is_refused(personas):
    system = _isolated(personas)
    system.isolation_state = ISO.APPROVED
    with pytest.raises(UndeclaredStateChange):
        system.save()
    with pytest.raises(UndeclaredStateChange):
        InformationSystem.objects.filter(pk=system.pk).update(isolation_state=ISO.APPROVED)
    system.refresh_from_db()
    assert system.isolation_state == ISO.AWAITING_BDB


def test_R14_4_a_raw_change_of_a_sharing_request_is_refused(personas):
    system = register(personas.wj_officer, "WJ-1", "全民健康信息平台")
    resource = publish_resource(
        personas.wj_officer, "A01/000001", "人口", ["姓名:char"], systems=[system]
    )
    request = ask(personas.jw_officer, resource, "核验")
    request.state = SharingState.GRANTED
    with pytest.raises(UndeclaredStateChange):
        request.save()
    with pytest.raises(UndeclaredStateChange):
        SharingRequest.objects.filter(pk=request.pk).update(state=SharingState.REFUSED)


def test_R31_3_a_raw_change_of_a_run_is_refused(personas):
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    run = OMRun.objects.get(code=result["run"])
    run.state = OMRunState.FAILED
    with pytest.raises(UndeclaredStateChange):
        run.save()
    with pytest.raises(UndeclaredStateChange):
        OMRun.objects.filter(pk=run.pk).update(state=OMRunState.RUNNING)


# -- every transition -------------------------------------------------------------------------


def test_R31_1_isolation_transitions_declare_agree_and_approve(personas):
    system = _isolated(personas)  # declare
    assert system.isolation_state == ISO.AWAITING_BDB
    system = actions.review_isolation(system, acting_user=personas.bdb, opinion="依据充分")
    assert system.isolation_state == ISO.AWAITING_GOV and system.isolation_bdb_reviewed_on
    # BDB has done its part: the city government decides (cited, not a technical conflict)
    with pytest.raises(ActionBlocked) as waiting:
        actions.review_isolation(system, acting_user=personas.bdb)
    assert [f.rule_id for f in waiting.value.findings] == ["R31.1.awaiting-gov"]
    system = actions.review_isolation(system, acting_user=personas.gov)
    assert system.isolation_state == ISO.APPROVED and system.isolation_gov_approved_on
    assert _moves(system, SYSTEM_ISOLATION) == [
        ("not_needed", "awaiting_bdb"),
        ("awaiting_bdb", "awaiting_gov"),
        ("awaiting_gov", "approved"),
    ]
    registered = LedgerEvent.objects.get(action=ActionCode.SYSTEM_REGISTERED)
    assert registered.to_state == "awaiting_bdb" and "第三十一条" in registered.reason


def test_R31_1_isolation_transitions_refuse_resubmit_rejoin_isolate(personas):
    system = _isolated(personas)
    system = actions.review_isolation(
        system, acting_user=personas.bdb, refuse=True, opinion="理由不足"
    )  # bdb_refuse
    assert system.isolation_state == ISO.REFUSED
    decision = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    refused = OMDecision.objects.get(run__code=decision["run"], system=system)
    assert [r["kind"] for r in refused.reasons] == ["isolated_refused"]
    assert "未获批准" in refused.explained_reasons[0]["message"]
    # the unit only asks again once it has given a legal basis
    system = actions.update_system(system, acting_user=personas.jw_officer, isolation_reason="")
    with pytest.raises(ActionBlocked) as no_basis:
        actions.resubmit_isolation(system, acting_user=personas.jw_officer)
    assert [f.rule_id for f in no_basis.value.findings] == ["R31.1.basis"]
    actions.update_system(system, acting_user=personas.jw_officer, isolation_reason="依法隔离")
    system = actions.resubmit_isolation(system, acting_user=personas.jw_officer)  # resubmit
    assert system.isolation_state == ISO.AWAITING_BDB
    system = actions.review_isolation(system, acting_user=personas.bdb)
    system = actions.review_isolation(
        system, acting_user=personas.gov, refuse=True, opinion="应联网共享"
    )  # gov_refuse
    assert system.isolation_state == ISO.REFUSED
    system = actions.update_system(system, acting_user=personas.jw_officer, network="extranet")
    assert system.isolation_state == ISO.NOT_NEEDED  # rejoin
    system = actions.update_system(system, acting_user=personas.jw_officer, network="isolated")
    assert system.isolation_state == ISO.AWAITING_BDB  # isolate: the approvals anew
    assert system.isolation_bdb_reviewed_on is None and system.isolation_gov_approved_on is None
    taken = [to for _from, to in _moves(system, SYSTEM_ISOLATION)]
    assert taken == [
        "awaiting_bdb",
        "refused",
        "awaiting_bdb",
        "awaiting_gov",
        "refused",
        "not_needed",
        "awaiting_bdb",
    ]


def test_R14_4_sharing_transitions_grant_and_refuse(personas):
    system = register(personas.wj_officer, "WJ-1", "全民健康信息平台")
    resource = publish_resource(
        personas.wj_officer, "A01/000001", "人口", ["姓名:char"], systems=[system]
    )
    first, second = (ask(personas.jw_officer, resource, p) for p in ("核验", "统计"))
    first = actions.answer_sharing(first, acting_user=personas.wj_officer, grant=True, answer="")
    second = actions.answer_sharing(
        second, acting_user=personas.wj_officer, grant=False, answer="超出职责"
    )
    assert (first.state, second.state) == (SharingState.GRANTED, SharingState.REFUSED)
    assert _moves(first, SHARING_REQUEST)[-1] == ("pending", "granted")
    assert _moves(second, SHARING_REQUEST)[-1] == ("pending", "refused")
    # feedback only on a granted request, the state cited
    with pytest.raises(ActionBlocked) as refused:
        actions.report_sharing_usage(second, acting_user=personas.jw_officer, usage="x")
    (finding,) = refused.value.findings
    assert finding.rule_id == "R14.4.state" and finding.article == "第十四条"


def test_R31_3_run_transitions_decide_and_fail(personas, monkeypatch):
    register(personas.jw_officer, "JW-1", "教育管理平台", curate_by=personas.bdb)
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    run = OMRun.objects.get(code=result["run"])
    assert run.state == OMRunState.DECIDED and _moves(run, OM_RUN) == [("running", "decided")]

    def refuse(connection):  # the database refuses the run's statement
        raise DatabaseError("disk full")

    monkeypatch.setattr(eligibility, "tune_for_batch", refuse)
    with pytest.raises(DatabaseError):
        actions.decide_om_funding(acting_user=personas.finance, budget_year=2028)
    failed = OMRun.objects.get(budget_year=2028)
    assert failed.state == OMRunState.FAILED and not failed.decisions.exists()
    assert _moves(failed, OM_RUN) == [("running", "failed")]
    assert failed.decided_by == personas.finance
    # a failed run is not a decision: the year still has none
    from catalog.services import latest_runs

    assert 2028 not in latest_runs()[0]


# -- the import goes through the actions -------------------------------------------------------


def _book(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_R15_1_import_records_one_event_per_object_and_its_summary(personas):
    existing = register(personas.jw_officer, "JW-OLD", "旧系统")
    header = ["系统编码", "系统名称", "所属单位", "系统类别", "部署网络", "不能共享的法律法规依据"]
    rows = [
        header,
        ["JW-NEW", "新系统", "市教委", "业务信息系统", "", ""],
        ["JW-ISO", "隔离系统", "市教委", "业务信息系统", "孤网", "依法隔离"],
        ["JW-OLD", "旧系统（改名）", "市教委", "业务信息系统", "", ""],
        ["JW-BAD", "坏行", "市教委", "不存在的类别", "", ""],
    ]
    before = LedgerEvent.objects.count()
    result = xlsx.import_systems(_book(rows), acting_user=personas.jw_officer)
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "系统类别")]
    events = list(LedgerEvent.objects.order_by("seq")[before:])
    assert [e.action for e in events] == [
        ActionCode.SYSTEM_REGISTERED,
        ActionCode.SYSTEM_REGISTERED,
        ActionCode.SYSTEM_UPDATED,
        ActionCode.SYSTEMS_IMPORTED,
    ]
    # the isolated one entered its Art. 31 lifecycle through the register action's move
    assert InformationSystem.objects.get(code="JW-ISO").isolation_state == ISO.AWAITING_BDB
    assert events[1].to_state == "awaiting_bdb"
    # the failing row changed nothing
    assert not InformationSystem.objects.filter(code="JW-BAD").exists()
    existing.refresh_from_db()
    assert existing.name == "旧系统（改名）"
