"""The five machines of the chapter: a raw change of a state is refused, every transition names
an action that takes it, and every transition is taken by the chapter's flows."""

import pytest

from core import actions as registry
from core.machines import UndeclaredStateChange
from core.models import LedgerEvent
from policy.checks import check_machines
from supervision import actions
from supervision.machines import AUDIT, ORDER, REQUEST, SANCTION, VIOLATION
from supervision.models import (
    AuditFinding,
    OrderState,
    RectificationOrder,
    RequestState,
    SupervisionRequest,
)
from supervision.proposals import propose_violations

from .conftest import SANCTION as SANCTION_IN
from .conftest import days
from .test_register import _pay

MACHINES = (REQUEST, ORDER, SANCTION, AUDIT, VIOLATION)
ANSWER = {"answer": "材料见附件。", "attest": True}


def test_machines_name_what_exists_and_actions_take_their_own_transition():
    assert check_machines() == []
    for m in MACHINES:
        for t in m.transitions:
            act = registry.get(t.action)
            assert act.machine is m and act.transition == t.code, (m.key, t.code)
            assert t.requirement and t.article


def test_a_raw_state_change_is_refused(personas, project, request_on, order_on):
    req = request_on(project)
    req.state = RequestState.CLOSED
    with pytest.raises(UndeclaredStateChange):
        req.save()
    with pytest.raises(UndeclaredStateChange):
        RectificationOrder.objects.filter(pk=order_on(project).pk).update(
            state=OrderState.RECTIFIED
        )
    with pytest.raises(UndeclaredStateChange):
        SupervisionRequest.objects.create(
            unit=project.unit,
            number="X",
            issued_on=req.issued_on,
            authority=req.authority,
            notice_text="x",
            issued_by=personas.drc,
            matter="x",
            deadline=req.deadline,
            state=RequestState.ANSWERED,
        )


def test_every_transition_is_taken(
    personas, project, make_project, request_on, order_on, overdue_order
):
    drc, unit = personas.drc, personas.jw_officer
    # requests: answer, return, accept; decline; lapse; withdraw
    req = request_on(project)
    actions.answer_request(req, acting_user=unit, **ANSWER)
    actions.return_answer(req, acting_user=drc, opinion="补充。", deadline=days(5))
    actions.answer_request(req, acting_user=unit, **ANSWER)
    actions.accept_answer(req, acting_user=drc)
    actions.decline_request(request_on(project), acting_user=unit, reason="不提供。")
    actions.record_request_overdue(
        request_on(project, issued_on=days(-9), deadline_days=-1), acting_user=drc
    )
    actions.withdraw_request(request_on(project), acting_user=drc, reason="有误。")
    # orders: report, verify (done, failed), lapse, extend, withdraw
    done = order_on(project)
    actions.report_rectification(done, acting_user=unit, report="已整改。")
    actions.verify_rectified(done, acting_user=drc, opinion="到位。")
    failed = order_on(project)
    actions.report_rectification(failed, acting_user=unit, report="已整改。")
    actions.verify_not_rectified(failed, acting_user=drc, opinion="不到位。")
    actions.extend_rectification(failed, acting_user=drc, deadline=days(10), reason="再限期。")
    late = overdue_order(project)
    actions.withdraw_order(order_on(project), acting_user=drc, reason="有误。")
    # sanctions: lift
    suspension = actions.suspend_construction(late, acting_user=drc, **SANCTION_IN)
    actions.lift_sanction(suspension, acting_user=drc, reasons="已整改。")
    # audit: respond, close
    finding = actions.record_audit_finding(
        project, acting_user=personas.auditor, aspect="efficiency", facts="闲置。"
    )
    actions.respond_to_audit_finding(finding, acting_user=unit, response="已盘活。")
    actions.close_audit_finding(finding, acting_user=personas.auditor, followup="到位。")
    assert AuditFinding.objects.get(pk=finding.pk).state == "closed"
    # register: confirm, dismiss, conclude
    for name in ("甲", "乙"):
        _pay(make_project(f"未批先建{name}", state="listed"), personas, "1000")
    first, second = propose_violations()
    actions.confirm_violation(first, acting_user=drc, reason="属实。")
    actions.dismiss_violation(second, acting_user=drc, reason="不属实。")
    actions.add_responsible_person(
        first, acting_user=drc, name="王某", post="主任", role="principal"
    )
    actions.record_violation_outcome(first, acting_user=drc, outcome="已处理。")

    taken = set(
        LedgerEvent.objects.filter(object_type__startswith="supervision.").values_list(
            "object_type", "from_state", "to_state"
        )
    )
    for m in MACHINES:
        label = m.model.lower()
        for t in m.transitions:
            assert any((label, s, t.target) in taken for s in t.sources), (
                f"{m.key}.{t.code} never taken"
            )
