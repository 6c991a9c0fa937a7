"""POST /api/projects/intake/yukuaiban: requirements from the 渝快办 online channel (第八条).

Machine clients only (API token of a unit officer), idempotent on ``external_ref``, classified
requirements refused, money never as a JSON fraction."""

import json

import pytest
from django.test import Client

from core.enums import ActionCode
from core.models import LedgerEvent
from planning.services import current_filed_revision
from policy.models import Decision, Outcome
from projects.models import Channel, Project

from .helpers import assert_error, post_json

INTAKE = "/api/projects/intake/yukuaiban"
REF = "YKB-2026-000123"


@pytest.fixture
def jw_token(personas, planned, make_token, bearer):
    """The 渝快办 integration of 市教委: a token of its unit officer."""
    _token, raw = make_token(personas.jw_officer)
    return bearer(raw)


def _body(personas, **extra):
    unit = personas.jw_officer.primary_organisation
    item = current_filed_revision(unit).items.get(name="学生资助精准认定系统")
    data = {
        "external_ref": REF,
        "unit_id": unit.pk,
        "name": "学生资助精准认定系统",
        "kind": "new",
        "year": 2026,
        "total_investment_wan": "800",
        "requirement": "渝快办群众诉求汇总：学生资助申请材料多、认定慢。",
        "plan_item": str(item.key),
    }
    data.update(extra)
    return data


def _send(client, data, headers):
    return post_json(client, INTAKE, data, headers=headers)


def test_first_delivery_creates_a_draft(personas, client, jw_token):
    response = _send(client, _body(personas), jw_token)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["external_ref"] == REF and body["channel"] == "yukuaiban"
    assert body["state"] == "draft" and body["total_investment_wan"] == "800.00"
    assert body["unit_id"] == personas.jw_officer.primary_organisation.pk
    assert body["plan_item_name"] == "学生资助精准认定系统"
    project = Project.objects.get(pk=body["id"])
    assert project.channel == Channel.YUKUAIBAN and project.created_by == personas.jw_officer
    event = LedgerEvent.objects.get(action=ActionCode.EXTERNAL_REQUIREMENT_RECEIVED)
    assert event.object_id == str(project.pk) and REF in event.reason


def test_same_reference_twice_is_one_project(personas, client, jw_token):
    first = _send(client, _body(personas), jw_token)
    again = _send(client, _body(personas, name="重复推送时的其他名称"), jw_token)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["name"] == "学生资助精准认定系统"  # the first delivery stands
    assert Project.objects.filter(external_ref=REF).count() == 1
    assert LedgerEvent.objects.filter(action=ActionCode.EXTERNAL_REQUIREMENT_RECEIVED).count() == 1


def test_the_project_can_then_be_submitted_in_the_platform(personas, client, jw_token, login):
    project_id = _send(client, _body(personas), jw_token).json()["id"]
    response = login(personas.jw_officer).post(f"/api/projects/{project_id}/submit")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"


def test_unit_by_credit_code(personas, client, jw_token):
    unit = personas.jw_officer.primary_organisation
    unit.credit_code = "11500000009283645K"
    unit.save(update_fields=["credit_code"])
    data = _body(personas, credit_code="11500000009283645K")
    del data["unit_id"]
    response = _send(client, data, jw_token)
    assert response.status_code == 201, response.content
    assert response.json()["unit_id"] == unit.pk


def test_a_wrong_credit_code_is_refused_on_its_field(personas, client, jw_token):
    data = _body(personas, credit_code="11500000009283645X")  # check character wrong
    del data["unit_id"]
    body = assert_error(_send(client, data, jw_token), 422, "invalid")
    assert "GB 32100-2015" in body["errors"]["credit_code"]


def test_unit_is_required(personas, client, jw_token):
    data = _body(personas)
    del data["unit_id"]
    body = assert_error(_send(client, data, jw_token), 422, "invalid")
    assert "credit_code" in body["errors"]["unit_id"]


def test_classified_requirement_is_refused_with_R8_3(personas, client, jw_token):
    body = assert_error(
        _send(client, _body(personas, is_classified=True), jw_token), 409, "blocked"
    )
    assert "第八条" in body["message"]
    assert [f["rule_id"] for f in body["findings"]] == ["R8.3"]
    assert body["findings"][0]["article"] == "第八条" and body["findings"][0]["remedy"]
    assert not Project.objects.filter(external_ref=REF).exists()
    # the refusal is kept once, although the intake action calls create_project inside it
    assert Decision.objects.get(pk=body["decision_id"]).outcome == Outcome.BLOCK
    assert Decision.objects.filter(gate="projects.create").count() == 1
    assert LedgerEvent.objects.filter(action=ActionCode.GATE_EVALUATED).count() == 1


@pytest.mark.parametrize("raw_amount", ["800.5", "8.005e2", "800.0"])
def test_json_fraction_amount_is_422(personas, client, jw_token, raw_amount):
    data = _body(personas)
    data.pop("total_investment_wan")
    raw = json.dumps(data)[:-1] + f', "total_investment_wan": {raw_amount}}}'
    response = client.post(INTAKE, raw, content_type="application/json", headers=jw_token)
    body = assert_error(response, 422, "invalid")
    assert "字符串" in body["errors"]["total_investment_wan"]
    assert not Project.objects.exists()


@pytest.mark.parametrize(("amount", "wan"), [("812.5", "812.50"), (800, "800.00")])
def test_string_and_integer_amounts_are_exact(personas, client, jw_token, amount, wan):
    response = _send(client, _body(personas, total_investment_wan=amount), jw_token)
    assert response.status_code == 201, response.content
    assert response.json()["total_investment_wan"] == wan


def test_invalid_amount_text_is_422_on_the_field(personas, client, jw_token):
    body = assert_error(
        _send(client, _body(personas, total_investment_wan="八百万"), jw_token), 422, "invalid"
    )
    assert body["errors"]["total_investment_wan"] == "总投资应为数字，单位万元，如 3500 或 812.5。"


def test_external_ref_is_required(personas, client, jw_token):
    data = _body(personas)
    del data["external_ref"]
    body = assert_error(_send(client, data, jw_token), 422, "invalid")
    assert body["details"][0]["loc"][-1] == "external_ref"
    body = assert_error(_send(client, _body(personas, external_ref="  "), jw_token), 422, "invalid")
    assert "external_ref" in body["errors"]


def test_session_is_not_accepted(personas, planned, login):
    response = post_json(login(personas.jw_officer), INTAKE, _body(personas))
    assert_error(response, 401, "unauthenticated")
    assert not Project.objects.exists()


def test_no_csrf_needed_with_a_token(personas, jw_token):
    response = _send(Client(enforce_csrf_checks=True), _body(personas), jw_token)
    assert response.status_code == 201, response.content


def test_another_units_token_cannot_push_for_this_unit(
    personas, client, make_token, bearer, planned
):
    _token, raw = make_token(personas.wj_officer)
    assert_error(_send(client, _body(personas), bearer(raw)), 404, "not_found")
    assert not Project.objects.exists()


def test_reference_taken_by_another_unit_is_409(personas, client, jw_token, make_token, bearer):
    assert _send(client, _body(personas), jw_token).status_code == 201
    _token, raw = make_token(personas.wj_officer)
    wj = personas.wj_officer.primary_organisation
    data = _body(personas, unit_id=wj.pk, plan_item="")
    assert_error(_send(client, data, bearer(raw)), 409, "conflict")
    assert Project.objects.filter(external_ref=REF).count() == 1


def test_unknown_unit_is_404(personas, client, jw_token):
    assert_error(_send(client, _body(personas, unit_id=999999), jw_token), 404, "not_found")


def test_openapi_documents_the_intake_in_chinese(db, client):
    operation = client.get("/api/openapi.json").json()["paths"][INTAKE]["post"]
    assert operation["summary"] == "渝快办项目需求接入"
    assert "幂等" in operation["description"] and "第八条" in operation["description"]
    assert operation["security"] == [{"ApiTokenAuth": []}]
    assert {"200", "201", "409", "422"} <= set(operation["responses"])
    assert operation["tags"] == ["渝快办接入"]
