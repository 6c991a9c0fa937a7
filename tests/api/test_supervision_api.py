# ruff: noqa: F811  (the fixtures of tests/supervision are imported by name)
"""/api/supervision/: requests, orders, sanctions, audit findings and the register (第三十四条至
第三十八条); every action is also at /api/actions/<name>/<id> with its contract as body."""

from supervision import actions
from tests.supervision.conftest import (  # noqa: F401  (fixtures)
    SANCTION,
    days,
    jw_unit,
    make_project,
    order_on,
    overdue_order,
    project,
    request_on,
    wj_unit,
)

from .helpers import assert_error, post_json

BASE = "/api/supervision"
ORDER = {
    "duty": "approval",
    "problem": "未按批复内容实施。",
    "breached": "按批复的建设内容实施",
    "requirement": "停止批复外建设内容。",
}


def test_an_authority_orders_and_the_unit_reports_over_json(personas, login, project):
    response = post_json(
        login(personas.drc), f"{BASE}/projects/{project.pk}/orders", {**ORDER, "deadline": days(30)}
    )
    assert response.status_code == 200, response.content
    order = response.json()
    assert order["number"].startswith("渝发改整改〔") and order["state"] == "issued"
    assert order["clauses"][0]["article"] == "第三十五条" and order["sanctionable"] is False
    body = post_json(
        login(personas.jw_officer), f"{BASE}/orders/{order['id']}/report", {"report": "已整改。"}
    ).json()
    assert body["state"] == "reported"
    body = post_json(
        login(personas.drc),
        f"{BASE}/orders/{order['id']}/verify?done=false",
        {"opinion": "不到位。"},
    ).json()
    assert body["state"] == "failed" and body["sanctionable"] is True
    # the unit's list and the authority's list
    assert [o["id"] for o in login(personas.jw_officer).get(f"{BASE}/orders").json()["items"]] == [
        order["id"]
    ]
    assert login(personas.wj_officer).get(f"{BASE}/orders").json()["count"] == 0
    assert_error(login(personas.wj_officer).get(f"{BASE}/orders/{order['id']}"), 404, "not_found")


def test_the_contract_s_messages_are_chinese(personas, login, project):
    response = post_json(
        login(personas.drc), f"{BASE}/projects/{project.pk}/orders", {"duty": "nonsense"}
    )
    body = assert_error(response, 422, "invalid")
    assert "监管事项" in str(body) and "请填写发现的问题" in str(body)


def test_R35_2_outside_the_duties_is_a_409_citing_the_article(personas, login, project):
    response = post_json(
        login(personas.psb),
        f"/api/actions/supervision.order_unit_rectification/{project.unit_id}",
        {**ORDER, "duty": "funds", "deadline": days(30), "project": project.pk},
    )
    body = assert_error(response, 409, "blocked")
    assert (
        body["findings"][0]["rule_id"] == "R35.2" and body["findings"][0]["article"] == "第三十五条"
    )


def test_R34_1_answer_must_be_attested(personas, login, project, request_on):
    req = request_on(project)
    body = assert_error(
        post_json(
            login(personas.jw_officer), f"{BASE}/requests/{req.pk}/answer", {"answer": "见附件。"}
        ),
        409,
        "blocked",
    )
    assert body["findings"][0]["rule_id"] == "R34.1"
    body = post_json(
        login(personas.jw_officer),
        f"{BASE}/requests/{req.pk}/answer",
        {"answer": "见附件。", "attest": True},
    ).json()
    assert body["state"] == "answered" and "真实、完整" in body["attestation"]


def test_sanctions_and_lifting_over_json(personas, login, project, overdue_order):
    order = overdue_order(project)
    assert_error(
        post_json(login(personas.bdb), f"{BASE}/orders/{order.pk}/sanctions/suspension", SANCTION),
        404,
        "not_found",
    )
    body = post_json(
        login(personas.finance), f"{BASE}/orders/{order.pk}/sanctions/suspension", SANCTION
    ).json()
    assert body["kind"] == "suspension" and body["state"] == "in_force" and body["decision_id"]
    records = login(personas.jw_officer).get(f"{BASE}/projects/{project.pk}").json()
    assert [s["number"] for s in records["sanctions"]] == [body["number"]]
    assert_error(
        post_json(login(personas.drc), f"{BASE}/sanctions/{body['id']}/lift", {"reasons": "x"}),
        404,
        "not_found",
    )
    lifted = post_json(
        login(personas.finance), f"{BASE}/sanctions/{body['id']}/lift", {"reasons": "已整改。"}
    ).json()
    assert lifted["state"] == "lifted"
    criticism = post_json(
        login(personas.finance), f"{BASE}/orders/{order.pk}/sanctions/criticism", SANCTION
    ).json()
    public = login(personas.wj_officer).get(f"{BASE}/notices/public").json()
    assert [n["number"] for n in public["items"]] == [criticism["number"]] and public["items"][0][
        "is_public"
    ]
    deferral = post_json(
        login(personas.finance), f"{BASE}/orders/{order.pk}/deferral", {**SANCTION, "scope": "unit"}
    ).json()
    assert deferral["scope"] == "unit" and deferral["project_id"] is None


def test_every_action_is_in_the_api_and_the_card_as_json(personas, login, project, overdue_order):
    order = overdue_order(project)
    steps = (
        login(personas.drc).get(f"/api/next-steps/supervision.rectificationorder/{order.pk}").json()
    )
    offers = {o["action"]: o for o in steps["offers"]}
    assert offers["supervision.terminate_project"]["enabled"] is True
    assert offers["supervision.terminate_project"]["findings"][0]["rule_id"] == "R35.1.escalation"
    schema = login(personas.drc).get("/api/openapi.json").json()
    ops = {op.get("operationId") for path in schema["paths"].values() for op in path.values()}
    for name in actions.__all__:
        if name.startswith("lapse_"):
            continue  # functions of the sweep, not actions
        assert f"act_supervision_{name}" in ops, name


def test_filters_and_the_unit_s_records(
    personas, login, project, order_on, overdue_order, request_on
):
    late = overdue_order(project)
    order_on(project)
    request_on(project)
    body = login(personas.drc).get(f"{BASE}/orders?state=overdue").json()
    assert [o["id"] for o in body["items"]] == [late.pk]
    assert_error(login(personas.drc).get(f"{BASE}/orders?state=nonsense"), 422, "invalid")
    records = login(personas.jw_officer).get(f"{BASE}/units/{project.unit_id}").json()
    assert len(records["orders"]) == 2 and len(records["requests"]) == 1
    assert_error(
        login(personas.wj_officer).get(f"{BASE}/units/{project.unit_id}"), 404, "not_found"
    )
    deadlines = login(personas.jw_officer).get(f"{BASE}/deadlines").json()
    assert {d["kind"] for d in deadlines} == {"rectification", "supervision_request"}


def test_audit_findings_and_the_register_over_json(personas, login, project):
    finding = actions.record_audit_finding(
        project, acting_user=personas.auditor, aspect="efficiency", facts="闲置。"
    )
    body = login(personas.jw_officer).get(f"{BASE}/audit-findings").json()
    assert [f["number"] for f in body["items"]] == [finding.number]
    entry = actions.record_violation(
        project, acting_user=personas.drc, kind="waste", facts="损失浪费。"
    )
    body = login(personas.jw_officer).get(f"{BASE}/violations/{entry.pk}").json()
    assert body["kind_label"] == "损失浪费" and body["persons"] == []
