"""R9.1 (第九条): the approval path by total investment, evaluated, stored and explained."""

from decimal import Decimal

import pytest

from core.enums import ActionCode
from core.errors import ActionBlocked
from core.models import LedgerEvent
from policy.actions import estimate_approval_path
from policy.models import Decision, Outcome


def _path(decision):
    return next(f["facts"]["path"] for f in decision.findings if f["rule_id"] == "R9.1")


def test_R9_1_at_threshold_needs_two_stages(personas):
    unit = personas.jw_officer.primary_organisation
    decision = estimate_approval_path(
        acting_user=personas.jw_officer, organisation=unit, total_investment_wan=Decimal("3000")
    )
    assert _path(decision) == "two"  # 3000万元（含）以上
    assert decision.policy.code == "cq-municipal-2021"
    assert (
        "第九条" in decision.findings[0]["message"]
        and "3,000.00" in decision.findings[0]["message"]
    )


def test_R9_1_below_threshold_is_single_stage(personas):
    unit = personas.jw_officer.primary_organisation
    decision = estimate_approval_path(
        acting_user=personas.jw_officer, organisation=unit, total_investment_wan=Decimal("2999.99")
    )
    assert _path(decision) == "single"
    assert decision.outcome == Outcome.PASS


def test_R9_1_district_threshold_from_district_policy(personas):
    unit = personas.district_officer.primary_organisation
    decision = estimate_approval_path(
        acting_user=personas.district_officer,
        organisation=unit,
        total_investment_wan=Decimal("1500"),
    )
    assert _path(decision) == "two"
    assert decision.policy.code == "cq-yuzhong-example-2022"


def test_decision_is_stored_with_inputs_and_ledger_event(personas):
    unit = personas.jw_officer.primary_organisation
    decision = estimate_approval_path(
        acting_user=personas.jw_officer, organisation=unit, total_investment_wan=Decimal("800")
    )
    stored = Decision.objects.get(pk=decision.pk)
    assert stored.inputs["total_investment"] == "8000000.00"
    assert stored.rule_ids == ["R9.1.positive-amount", "R9.1"]
    event = LedgerEvent.objects.get(decision_id=decision.pk)
    assert event.action == ActionCode.GATE_EVALUATED and event.policy_version == "cq-municipal-2021"


def test_R9_1_blocked_zero_amount_keeps_decision_and_explains(personas):
    unit = personas.jw_officer.primary_organisation
    with pytest.raises(ActionBlocked) as exc_info:
        estimate_approval_path(
            acting_user=personas.jw_officer, organisation=unit, total_investment_wan=Decimal("0")
        )
    blocked = exc_info.value
    assert "第九条" in blocked.message
    finding = next(f for f in blocked.findings if f.blocks)
    assert finding.rule_id == "R9.1.positive-amount" and finding.remedy
    # the refusal itself is kept and audited, although the action rolled back
    stored = Decision.objects.get(pk=blocked.decision.pk)
    assert stored.outcome == Outcome.BLOCK
    assert LedgerEvent.objects.filter(decision_id=stored.pk, to_state="block").exists()


def test_decision_page_shows_findings_with_articles(personas, login):
    unit = personas.jw_officer.primary_organisation
    decision = estimate_approval_path(
        acting_user=personas.jw_officer, organisation=unit, total_investment_wan=Decimal("3500")
    )
    page = login(personas.jw_officer).get(f"/policy/decisions/{decision.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "第九条" in html and "3,500.00" in html and "cq-municipal-2021" in html


def test_decision_of_another_unit_is_404_like_a_missing_one(personas, login):
    unit = personas.jw_officer.primary_organisation
    decision = estimate_approval_path(
        acting_user=personas.jw_officer, organisation=unit, total_investment_wan=Decimal("3500")
    )
    client = login(personas.wj_officer)
    assert client.get(f"/policy/decisions/{decision.pk}/").status_code == 404
    assert client.get("/policy/decisions/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert login(personas.auditor).get(f"/policy/decisions/{decision.pk}/").status_code == 200


def test_approval_path_form_validates_in_chinese(personas, login):
    client = login(personas.jw_officer)
    unit = personas.jw_officer.primary_organisation
    response = client.post(
        "/policy/approval-path/", {"organisation_id": unit.pk, "total_investment_wan": "abc"}
    )
    assert response.status_code == 200
    assert "总投资应为数字" in response.content.decode()
    other = personas.wj_officer.primary_organisation
    response = client.post(
        "/policy/approval-path/", {"organisation_id": other.pk, "total_investment_wan": "100"}
    )
    assert "请选择有效的建设单位" in response.content.decode()
    response = client.post(
        "/policy/approval-path/", {"organisation_id": unit.pk, "total_investment_wan": "3500"}
    )
    assert response.status_code == 302 and "/policy/decisions/" in response["Location"]


def test_rules_page_lists_articles(personas, login):
    html = login(personas.jw_officer).get("/policy/rules/").content.decode()
    assert "R9.1" in html and "第九条" in html and "R26.1" in html


def test_auditor_reads_but_cannot_act_for_a_unit(personas, login):
    """Audit reads everything (Art. 36) but acts for nobody."""
    unit = personas.jw_officer.primary_organisation
    client = login(personas.auditor)
    response = client.post(
        "/policy/approval-path/", {"organisation_id": unit.pk, "total_investment_wan": "100"}
    )
    assert "请选择有效的建设单位" in response.content.decode()
    from core.errors import ActionForbidden

    with pytest.raises(ActionForbidden):
        estimate_approval_path(
            acting_user=personas.auditor, organisation=unit, total_investment_wan=Decimal("100")
        )
