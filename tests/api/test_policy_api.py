"""/api/rules, /api/decisions and POST /api/policy/approval-path (第九条)."""

import uuid
from decimal import Decimal

import pytest

from core.enums import ActionCode
from core.models import LedgerEvent
from policy.actions import estimate_approval_path

from .helpers import assert_error, post_json

APPROVAL_PATH = "/api/policy/approval-path"


def _estimate(client, org, amount):
    return post_json(
        client, APPROVAL_PATH, {"organisation_id": org.pk, "total_investment_wan": amount}
    )


def _path_of(decision: dict) -> str:
    return next(f["facts"]["path"] for f in decision["findings"] if f["rule_id"] == "R9.1")


# -- rules -------------------------------------------------------------------------------------


def test_rules_list_articles_and_gates(personas, login):
    rules = {r["id"]: r for r in login(personas.jw_officer).get("/api/rules").json()}
    positive = rules["R9.1.positive-amount"]
    assert positive["article"] == "第九条" and positive["severity"] == "block"
    assert positive["requirement_id"] == "R9.1" and positive["title"] == "总投资须为正数"
    assert {"code": "policy.approval_path", "title": "审批路径测算", "action": ""} in positive[
        "gates"
    ]


# -- approval path ------------------------------------------------------------------------------


def test_R9_1_exactly_at_the_3000_wan_threshold_needs_two_stages(personas, login):
    unit = personas.jw_officer.primary_organisation
    response = _estimate(login(personas.jw_officer), unit, "3000")  # 含本数
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["outcome"] == "pass"
    assert {f["severity"] for f in decision["findings"]} == {"info"}
    assert _path_of(decision) == "two"
    assert decision["policy_code"] == "cq-municipal-2021"
    assert decision["organisation_id"] == unit.pk
    # money is exact and travels as strings
    assert decision["inputs"]["total_investment"] == "30000000.00"
    assert decision["findings"][0]["facts"]["approval_threshold"] == "30000000.00"
    assert LedgerEvent.objects.filter(
        action=ActionCode.GATE_EVALUATED, decision_id=decision["id"]
    ).exists()


def test_R9_1_just_below_the_3000_wan_threshold_is_single_stage(personas, login):
    unit = personas.jw_officer.primary_organisation
    response = _estimate(login(personas.jw_officer), unit, "2999.99")
    assert response.status_code == 201, response.content
    decision = response.json()
    assert _path_of(decision) == "single"
    assert decision["inputs"]["total_investment"] == "29999900.00"
    assert decision["findings"][0]["facts"]["approval_threshold"] == "30000000.00"


def test_800_wan_is_single_stage(personas, login):
    unit = personas.jw_officer.primary_organisation
    decision = _estimate(login(personas.jw_officer), unit, 800).json()
    assert _path_of(decision) == "single"


def test_district_uses_its_own_threshold(personas, login):
    unit = personas.district_officer.primary_organisation
    decision = _estimate(login(personas.district_officer), unit, "1500").json()
    assert _path_of(decision) == "two"
    assert decision["policy_code"] == "cq-yuzhong-example-2022"


def test_json_fractions_are_decimals_not_floats(personas, client, make_token, bearer):
    _token, raw = make_token(personas.jw_officer)
    unit = personas.jw_officer.primary_organisation
    body = f'{{"organisation_id": {unit.pk}, "total_investment_wan": 2999.10}}'
    response = client.post(
        APPROVAL_PATH, body, content_type="application/json", headers=bearer(raw)
    )
    decision = response.json()
    assert decision["inputs"]["total_investment"] == "29991000.00"
    assert "总投资 2999.10 万元" in decision["subject_repr"]


def test_zero_amount_is_blocked_with_the_article(personas, login):
    client = login(personas.jw_officer)
    body = assert_error(
        _estimate(client, personas.jw_officer.primary_organisation, "0"), 409, "blocked"
    )
    assert "第九条" in body["message"]
    finding = next(f for f in body["findings"] if f["severity"] == "block")
    assert finding["rule_id"] == "R9.1.positive-amount" and finding["article"] == "第九条"
    assert finding["remedy"]
    # the refusal is kept and can be fetched
    kept = client.get(f"/api/decisions/{body['decision_id']}").json()
    assert kept["outcome"] == "block"


@pytest.mark.parametrize(
    "amount", ["abc", "-1", "1.2345678", None, "NaN", "Infinity", "1e400", 123456789012345]
)
def test_invalid_amount_is_422(personas, login, amount):
    client = login(personas.jw_officer)
    response = _estimate(client, personas.jw_officer.primary_organisation, amount)
    body = assert_error(response, 422, "invalid")
    assert body["message"] == "请求参数有误"
    assert body["details"][0]["loc"][-1] == "total_investment_wan"


def test_invalid_json_is_400(personas, login):
    response = login(personas.jw_officer).post(
        APPROVAL_PATH, "{not json", content_type="application/json"
    )
    assert_error(response, 400, "bad_request")


def test_unit_officer_cannot_estimate_for_another_unit(personas, login):
    other = personas.wj_officer.primary_organisation
    assert_error(_estimate(login(personas.jw_officer), other, "800"), 404, "not_found")


@pytest.mark.parametrize("persona", ["auditor", "cac", "supervisor"])
def test_only_named_authorities_act_for_any_unit(personas, login, persona):
    unit = personas.jw_officer.primary_organisation
    client = login(getattr(personas, persona))
    assert_error(_estimate(client, unit, "800"), 404, "not_found")


@pytest.mark.parametrize("persona", ["bdb", "drc", "finance", "admin"])
def test_authorities_may_estimate_for_any_unit(personas, login, persona):
    unit = personas.wj_officer.primary_organisation
    response = _estimate(login(getattr(personas, persona)), unit, "800")
    assert response.status_code == 201, response.content


def test_only_units_can_be_estimated(personas, login):
    authority = personas.bdb.primary_organisation
    assert_error(_estimate(login(personas.bdb), authority, "800"), 404, "not_found")


# -- decisions ------------------------------------------------------------------------------------


@pytest.fixture
def jw_decision(personas):
    return estimate_approval_path(
        acting_user=personas.jw_officer,
        organisation=personas.jw_officer.primary_organisation,
        total_investment_wan=Decimal("3500"),
    )


def test_decision_detail(personas, login, jw_decision):
    body = login(personas.jw_head).get(f"/api/decisions/{jw_decision.pk}").json()
    assert body["id"] == str(jw_decision.pk)
    assert body["policy_code"] == "cq-municipal-2021"
    assert body["rule_ids"] == ["R9.1.positive-amount", "R9.1"]
    assert body["inputs"]["total_investment"] == "35000000.00"
    assert body["actor_name"] == personas.jw_officer.full_name
    finding = body["findings"][0]
    assert set(finding) == {"rule_id", "article", "severity", "title", "message", "remedy", "facts"}
    assert finding["article"] == "第九条" and "3,500.00" in finding["message"]


def test_decision_of_another_unit_is_404_like_a_missing_one(personas, login, jw_decision):
    client = login(personas.wj_officer)
    forbidden = client.get(f"/api/decisions/{jw_decision.pk}")
    missing = client.get(f"/api/decisions/{uuid.uuid4()}")
    assert_error(forbidden, 404, "not_found")
    assert forbidden.json() == assert_error(missing, 404, "not_found")
    assert login(personas.auditor).get(f"/api/decisions/{jw_decision.pk}").status_code == 200


def test_decision_list_is_scoped_and_filtered(personas, login, jw_decision):
    assert login(personas.wj_officer).get("/api/decisions").json() == {
        "items": [],
        "count": 0,
        "count_exact": True,
    }
    client = login(personas.jw_officer)
    body = client.get("/api/decisions").json()
    assert [d["id"] for d in body["items"]] == [str(jw_decision.pk)]
    assert "findings" not in body["items"][0]
    assert client.get("/api/decisions", {"outcome": "block"}).json()["count"] == 0
    assert client.get("/api/decisions", {"outcome": "pass"}).json()["count"] == 1


# -- the action behind the endpoint --------------------------------------------------------------


def test_the_estimate_is_an_action_with_one_contract(personas, login):
    """The same action and contract serve /api/policy/approval-path, the generic action API
    and the page; its path comes from policy.paths.approval_path_for."""
    unit = personas.jw_officer.primary_organisation
    client = login(personas.jw_officer)
    response = post_json(
        client,
        "/api/actions/policy.estimate_approval_path",
        {"organisation_id": unit.pk, "total_investment_wan": "3000"},
    )
    assert response.status_code == 200, response.content
    decision_id = response.json()["result_id"]
    assert response.json()["url"] == f"/policy/decisions/{decision_id}/"
    event = LedgerEvent.objects.get(decision_id=decision_id)
    assert event.data["path"] == "two"  # 3000 万元 is the threshold itself (含本数)
    body = assert_error(
        post_json(client, APPROVAL_PATH, {"organisation_id": unit.pk}), 422, "invalid"
    )
    assert body["errors"]["total_investment_wan"] == "请填写总投资（万元）。"
    # the page is the contract's form over the units the user may act for
    html = client.get("/policy/approval-path/").content.decode()
    assert 'name="organisation_id"' in html and 'name="total_investment_wan"' in html
    assert unit.display_name in html and "市卫生健康委" not in html


def test_R9_1_page_shows_the_kept_refusal(personas, login):
    """A zero amount is refused by the gate (R9.1.positive-amount); the page goes to the
    stored decision, which explains the refusal with its article."""
    unit = personas.jw_officer.primary_organisation
    client = login(personas.jw_officer)
    response = client.post(
        "/policy/approval-path/", {"organisation_id": unit.pk, "total_investment_wan": "0"}
    )
    assert response.status_code == 302 and "/policy/decisions/" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "R9.1.positive-amount" in html and "第九条" in html
