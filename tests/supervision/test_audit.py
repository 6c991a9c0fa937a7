"""Audit findings (Art. 36, R36.1): 市审计局 records findings on the use of funds, the unit
responds, Audit follows up and may pass a finding to DRC or Finance as the ground of an order.
Audit writes nothing else."""

import pytest

from core import actions as registry
from core.errors import ActionBlocked, ActionForbidden
from core.offers import next_steps
from supervision import actions
from supervision.models import AuditState, OrderSource

from .conftest import ORDER, days

FINDING = {
    "aspect": "legality",
    "facts": "以“技术服务费”名义列支 2 台服务器采购款。",
    "amount": "380000",
    "recommendation": "调整会计科目，追究相关人员责任。",
}


@pytest.fixture
def finding(personas, project):
    return actions.record_audit_finding(project, acting_user=personas.auditor, **FINDING)


def test_R36_1_audit_records_a_finding_and_the_unit_responds(personas, project, finding):
    assert finding.state == AuditState.OPEN and finding.number.startswith("渝审审计〔")
    assert finding.amount == 380000 and finding.clauses[0]["article"] == "第三十六条"
    actions.respond_to_audit_finding(
        finding, acting_user=personas.jw_officer, response="已调整科目。"
    )
    actions.close_audit_finding(finding, acting_user=personas.auditor, followup="整改到位。")
    finding.refresh_from_db()
    assert finding.state == AuditState.CLOSED and finding.response and finding.followup


def test_R36_1_a_finding_on_legality_names_the_amount(personas, project):
    with pytest.raises(ActionBlocked) as exc:
        actions.record_audit_finding(
            project, acting_user=personas.auditor, **{**FINDING, "amount": ""}
        )
    [f] = exc.value.findings
    assert f.rule_id == "R36.1" and f.article == "第三十六条" and "涉及金额" in f.remedy
    # an efficiency finding may have no amount
    assert (
        actions.record_audit_finding(
            project,
            acting_user=personas.auditor,
            **{**FINDING, "aspect": "efficiency", "amount": ""},
        ).amount
        is None
    )


def test_R36_1_audit_passes_a_finding_to_drc_as_the_ground_of_an_order(personas, project, finding):
    # before the referral, DRC is not offered the order on the finding
    assert "supervision.order_from_audit_finding" not in next_steps(finding, personas.drc).names()
    actions.refer_audit_finding(
        finding, acting_user=personas.auditor, to="drc", note="请依法处理。"
    )
    finding.refresh_from_db()
    assert finding.referred_to.authority == "drc"
    with pytest.raises(ActionBlocked) as exc:
        actions.refer_audit_finding(
            finding, acting_user=personas.auditor, to="finance", note="再移送。"
        )
    assert exc.value.findings[0].rule_id == "R36.1.referred"
    assert "supervision.order_from_audit_finding" in next_steps(finding, personas.drc).names()
    assert "supervision.order_from_audit_finding" not in {
        o.action.name for o in next_steps(finding, personas.finance).offers
    }
    order = actions.order_from_audit_finding(
        finding, acting_user=personas.drc, **{**ORDER, "duty": "funds", "deadline": days(30)}
    )
    assert order.origin == OrderSource.AUDIT and order.source == finding


def test_R36_1_audit_writes_audit_findings_and_nothing_else(personas, project, finding):
    """Of every supervision action, Audit may take only its own (and ask for materials,
    Art. 34); every other action of the platform refuses it (not permitted: 404)."""
    auditor = personas.auditor
    allowed = {
        "supervision.record_audit_finding",
        "supervision.record_system_audit_finding",
        "supervision.record_unit_audit_finding",
        "supervision.refer_audit_finding",
        "supervision.close_audit_finding",
        "supervision.request_materials",
        "supervision.request_system_materials",
        "supervision.request_unit_materials",
        # and the issuer's acts on its own requests
        "supervision.record_request_overdue",
        "supervision.accept_answer",
        "supervision.return_answer",
        "supervision.withdraw_request",
    }
    for name, act in registry.registered().items():
        roles = act.allowed_roles()
        if name in allowed:
            assert auditor.has_role(*roles), name
            continue
        if act.model is not None and isinstance(project, act.model):
            assert not act.permitted(project, auditor), name
        elif act.model is not None and isinstance(finding, act.model):
            assert not act.permitted(finding, auditor), name
        elif roles:
            assert not auditor.has_role(*roles), name
    with pytest.raises(ActionForbidden):
        actions.order_rectification(project, acting_user=auditor, **{**ORDER, "deadline": days(30)})


def test_only_the_unit_responds_and_only_audit_closes(personas, project, finding):
    with pytest.raises(ActionForbidden):
        actions.respond_to_audit_finding(finding, acting_user=personas.wj_officer, response="x")
    with pytest.raises(ActionForbidden):
        actions.close_audit_finding(finding, acting_user=personas.drc, followup="x")
