"""Requests for materials (Art. 34, R34.1): an authority asks, the unit answers truthfully and
attests it, or declines; an unanswered request past its deadline, or a refusal, is a finding
against the unit, shown on its page and on the project."""

import pytest

from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.ledger import verify_ledger
from core.models import Notification
from supervision import actions
from supervision.compliance import findings_against
from supervision.models import RequestState, SupervisionRequest

from .conftest import days

ANSWER = {"answer": "已上传合同 3 份、支付凭证 12 张和监理月报 6 份。", "attest": True}


def test_R34_1_an_authority_asks_and_the_unit_answers_truthfully(personas, project, request_on):
    req = request_on(project)
    assert req.state == RequestState.ISSUED
    assert req.number.startswith("渝发改督函〔") and req.authority.authority == "drc"
    assert req.clauses[0]["article"] == "第三十四条"
    assert "不得拒绝、隐匿、瞒报" in req.notice_text
    assert Notification.objects.filter(
        recipient=personas.jw_officer, link=req.get_absolute_url()
    ).exists()
    actions.answer_request(req, acting_user=personas.jw_officer, **ANSWER)
    req.refresh_from_db()
    assert req.state == RequestState.ANSWERED and not req.was_overdue
    assert "真实、完整" in req.attestation
    assert findings_against(project) == []
    # the authority closes it
    actions.accept_answer(req, acting_user=personas.drc, opinion="资料齐全。")
    req.refresh_from_db()
    assert req.state == RequestState.CLOSED
    assert verify_ledger().ok


def test_R34_1_an_answer_without_the_attestation_is_blocked(personas, project, request_on):
    req = request_on(project)
    with pytest.raises(ActionBlocked) as exc:
        actions.answer_request(req, acting_user=personas.jw_officer, answer="材料见附件。")
    [finding] = exc.value.findings
    assert finding.rule_id == "R34.1" and finding.article == "第三十四条"
    assert "如实" in finding.message and finding.remedy
    req.refresh_from_db()
    assert req.state == RequestState.ISSUED


def test_R34_1_a_refusal_is_a_finding_against_the_unit(personas, project, request_on):
    req = request_on(project)
    actions.decline_request(req, acting_user=personas.jw_officer, reason="涉及商业秘密。")
    req.refresh_from_db()
    assert req.state == RequestState.REFUSED
    [finding] = findings_against(project)
    assert finding.rule_id == "R34.1.unanswered" and "拒绝" in finding.message
    assert findings_against(project.unit)[0].rule_id == "R34.1.unanswered"


def test_R34_1_an_unanswered_request_past_its_deadline_is_a_finding(personas, project, request_on):
    req = request_on(project, issued_on=days(-20), deadline_days=-5)
    # the authority records it (the sweep does the same)
    actions.record_request_overdue(req, acting_user=personas.drc)
    req.refresh_from_db()
    assert req.state == RequestState.OVERDUE and req.was_overdue
    [finding] = findings_against(project)
    assert "逾期未提供" in finding.message and finding.article == "第三十四条"
    # a late answer is still possible, and the finding says it was late
    actions.answer_request(req, acting_user=personas.jw_officer, **ANSWER)
    req.refresh_from_db()
    assert req.state == RequestState.ANSWERED and req.answered_late
    assert "逾期后才提供" in findings_against(project)[0].message


def test_R34_1_overdue_cannot_be_recorded_before_the_deadline(personas, project, request_on):
    req = request_on(project)
    with pytest.raises(ActionBlocked) as exc:
        actions.record_request_overdue(req, acting_user=personas.drc)
    assert exc.value.findings[0].rule_id == "R34.1.not-due"


def test_R34_1_a_deadline_must_follow_the_issue_date(personas, project, request_on):
    with pytest.raises(ActionInvalid) as exc:
        request_on(project, deadline_days=0)
    assert "deadline" in exc.value.errors


def test_R34_1_audit_and_the_authorities_may_ask_others_may_not(personas, project, request_on):
    assert request_on(project, by=personas.auditor).authority.authority == "audit"
    # 市公安局 does not see the project elsewhere: it asks the unit, naming the project
    req = actions.request_unit_materials(
        project.unit,
        acting_user=personas.psb,
        purpose="inspection",
        matter="等保测评报告。",
        deadline=days(10),
        project=project.pk,
    )
    assert req.authority.authority == "psb" and req.project == project
    for user in (personas.jw_officer, personas.gov, personas.consultant):
        with pytest.raises(ActionForbidden):
            request_on(project, by=user)


def test_return_asks_for_more_by_a_new_deadline(personas, project, request_on):
    req = request_on(project)
    actions.answer_request(req, acting_user=personas.jw_officer, **ANSWER)
    actions.return_answer(
        req, acting_user=personas.drc, opinion="缺少监理月报。", deadline=days(10)
    )
    req.refresh_from_db()
    assert req.state == RequestState.ISSUED and req.deadline.isoformat() == days(10)


def test_only_the_issuing_authority_decides_and_only_the_unit_answers(
    personas, project, request_on
):
    req = request_on(project)
    with pytest.raises(ActionForbidden):
        actions.answer_request(req, acting_user=personas.wj_officer, **ANSWER)
    actions.answer_request(req, acting_user=personas.jw_officer, **ANSWER)
    with pytest.raises(ActionForbidden):
        actions.accept_answer(req, acting_user=personas.finance)  # not the issuer
    with pytest.raises(ActionForbidden):
        actions.accept_answer(req, acting_user=personas.jw_head)


def test_a_unit_request_may_name_one_of_its_projects_only(personas, project, make_project, wj_unit):
    other = make_project("互联网医院监管平台", unit=wj_unit)
    unit = project.unit
    req = actions.request_unit_materials(
        unit,
        acting_user=personas.crypto,
        purpose="inspection",
        matter="密码应用方案。",
        deadline=days(10),
        project=project.pk,
    )
    assert req.project == project and req.unit == unit
    with pytest.raises(ActionInvalid) as exc:
        actions.request_unit_materials(
            unit,
            acting_user=personas.crypto,
            purpose="inspection",
            matter="x",
            deadline=days(10),
            project=other.pk,
        )
    assert "project" in exc.value.errors


def test_withdraw(personas, project, request_on):
    req = request_on(project)
    actions.withdraw_request(req, acting_user=personas.drc, reason="重复发文。")
    assert SupervisionRequest.objects.get(pk=req.pk).state == RequestState.WITHDRAWN
