"""/api/catalog/: master catalog, data resources, sharing, O&M decisions (第十四条、第十五条、
第二十八条、第三十一条至第三十三条)."""

import io

from openpyxl import Workbook, load_workbook

from catalog import actions, xlsx
from catalog.demo import make_overdue
from catalog.models import OMDecision, SharingRequest
from core.dates import today

from .helpers import assert_error, post_json

BASE = "/api/catalog"
SYSTEM = {
    "code": "API-01",
    "name": "教育资助系统",
    "category": "business",
    "mlps_result": "pass",
    "mlps_evaluated_on": "2025-06-01",
    "crypto_result": "pass",
    "crypto_assessed_on": "2025-06-01",
}
RESOURCE = {
    "classification": "department",
    "class_code": "A01",
    "resource_code": "A01/000001",
    "name": "学籍信息",
    "summary": "中小学学籍",
    "format": "database",
    "share_type": "unconditional",
    "share_method": "platform_api",
    "open_type": "closed",
    "update_cycle": "daily",
    "items": [{"name": "学籍号", "data_type": "char", "length": 20}],
}


def _unit(user):
    return user.primary_organisation.pk


def test_register_update_curate_and_scope(personas, login):
    client = login(personas.jw_officer)
    response = post_json(client, f"{BASE}/systems", {**SYSTEM, "unit": _unit(personas.jw_officer)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "API-01" and body["catalogued"] is False
    assert body["category_label"] == "业务信息系统" and body["unit_name"] == "重庆市教育委员会"
    pk = body["id"]

    # invalid input answers 422 with the field and a Chinese message
    body = assert_error(
        post_json(client, f"{BASE}/systems", {**SYSTEM, "unit": _unit(personas.jw_officer)}),
        422,
        "invalid",
    )
    assert body["errors"]["code"] == "系统编码 API-01 已存在。"
    body = assert_error(
        client.patch(f"{BASE}/systems/{pk}", {"hosting": "other"}, content_type="application/json"),
        422,
        "invalid",
    )
    assert "第二十条" in body["errors"]["hosting_justification"]
    response = client.patch(
        f"{BASE}/systems/{pk}", {"crypto_result": "fail"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["crypto_result"] == "fail"

    # registering for another unit, reading or changing another unit's system: 404
    wj_unit = _unit(personas.wj_officer)
    assert_error(
        post_json(client, f"{BASE}/systems", {**SYSTEM, "code": "X", "unit": wj_unit}),
        404,
        "not_found",
    )
    other = login(personas.wj_officer)
    assert_error(other.get(f"{BASE}/systems/{pk}"), 404, "not_found")
    assert_error(
        other.patch(f"{BASE}/systems/{pk}", {"name": "x"}, content_type="application/json"),
        404,
        "not_found",
    )
    assert other.get(f"{BASE}/systems").json()["count"] == 0

    # unit staff cannot curate (404); BDB can
    client = login(personas.jw_officer)
    assert_error(post_json(client, f"{BASE}/systems/{pk}/curate", {}), 404, "not_found")
    response = post_json(login(personas.bdb), f"{BASE}/systems/{pk}/curate", {"note": "完整"})
    assert response.status_code == 200 and response.json()["catalogued"] is True
    body = login(personas.auditor).get(f"{BASE}/systems?catalogued=true&q=API").json()
    assert [s["code"] for s in body["items"]] == ["API-01"]


def test_isolation_review_conflict_and_steps(personas, login):
    client = login(personas.jw_officer)
    pk = post_json(
        client, f"{BASE}/systems", {**SYSTEM, "unit": _unit(personas.jw_officer)}
    ).json()["id"]
    # not isolated: nothing to review (the state refuses, citing Art. 31)
    body = assert_error(
        post_json(login(personas.bdb), f"{BASE}/systems/{pk}/isolation-review", {}), 409, "blocked"
    )
    assert body["findings"][0]["rule_id"] == "R31.1.state"
    assert body["findings"][0]["article"] == "第三十一条"
    login(personas.jw_officer).patch(
        f"{BASE}/systems/{pk}",
        {"network": "isolated", "isolation_reason": "法律规定不得联网"},
        content_type="application/json",
    )
    assert login(personas.bdb).get(f"{BASE}/systems/{pk}").json()["isolation_state"] == (
        "awaiting_bdb"
    )
    # the city government's turn comes after BDB's review
    body = assert_error(
        post_json(login(personas.gov), f"{BASE}/systems/{pk}/isolation-review", {}), 409, "blocked"
    )
    assert body["findings"][0]["rule_id"] == "R31.1.bdb-first"
    response = post_json(login(personas.bdb), f"{BASE}/systems/{pk}/isolation-review", {})
    assert response.status_code == 200 and response.json()["isolation_bdb_reviewed_on"]
    assert response.json()["isolation_state"] == "awaiting_gov"
    # a refusal needs its reason
    body = assert_error(
        post_json(login(personas.gov), f"{BASE}/systems/{pk}/isolation-review", {"refuse": True}),
        422,
        "invalid",
    )
    assert "opinion" in body["errors"]
    response = post_json(login(personas.gov), f"{BASE}/systems/{pk}/isolation-review", {})
    assert response.status_code == 200 and response.json()["isolation_gov_approved_on"]
    assert response.json()["isolation_state"] == "approved"


def test_resources_create_update_and_validation(personas, login):
    client = login(personas.jw_officer)
    unit = _unit(personas.jw_officer)
    body = assert_error(
        post_json(
            client, f"{BASE}/resources", {**RESOURCE, "provider": unit, "share_type": "conditional"}
        ),
        422,
        "invalid",
    )
    assert body["errors"]["share_conditions"] == "有条件共享的资源须写明共享条件。"
    body = assert_error(
        post_json(
            client,
            f"{BASE}/resources",
            {**RESOURCE, "provider": unit, "items": [{"name": "x", "data_type": "bogus"}]},
        ),
        422,
        "invalid",
    )
    assert "第 1 个信息项“x”：数据类型“bogus”无效" in body["errors"]["items"]
    response = post_json(client, f"{BASE}/resources", {**RESOURCE, "provider": unit})
    assert response.status_code == 201, response.content
    res = response.json()
    assert res["items"] == [
        {"name": "学籍号", "data_type": "char", "length": 20, "system_code": None}
    ]
    assert res["share_type_label"] == "无条件共享"

    # each item names its owning system, one of the resource's providing systems
    system = post_json(client, f"{BASE}/systems", {**SYSTEM, "unit": unit, "code": "JW-ITEM"})
    owned = {
        **RESOURCE,
        "provider": unit,
        "resource_code": "A01/000009",
        "systems": [system.json()["id"]],
        "items": [
            {"name": "学籍号", "data_type": "char", "system_code": "JW-ITEM"},
            {"name": "姓名", "data_type": "char"},  # the only providing system
        ],
    }
    response = post_json(client, f"{BASE}/resources", owned)
    assert response.status_code == 201, response.content
    assert [i["system_code"] for i in response.json()["items"]] == ["JW-ITEM", "JW-ITEM"]
    wrong = {**owned, "resource_code": "A01/000010"}
    wrong["items"] = [{"name": "学籍号", "data_type": "char", "system_code": "WJ-1"}]
    body = assert_error(post_json(client, f"{BASE}/resources", wrong), 422, "invalid")
    assert "所属系统须为该资源的提供系统" in body["errors"]["items"]

    response = client.put(
        f"{BASE}/resources/{res['id']}",
        {
            **RESOURCE,
            "provider": unit,
            "name": "学籍基本信息",
            "items": [
                {"name": "学籍号", "data_type": "char"},
                {"name": "姓名", "data_type": "char"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 200 and len(response.json()["items"]) == 2
    # every unit reads the catalogue; only the provider changes it
    other = login(personas.wj_officer)
    assert other.get(f"{BASE}/resources/{res['id']}").status_code == 200
    assert other.get(f"{BASE}/resources?q=学籍").json()["count"] == 2
    response = other.put(
        f"{BASE}/resources/{res['id']}",
        {**RESOURCE, "provider": _unit(personas.wj_officer)},
        content_type="application/json",
    )
    assert_error(response, 404, "not_found")


def test_sharing_request_answer_feedback(personas, login):
    res = post_json(
        login(personas.jw_officer),
        f"{BASE}/resources",
        {**RESOURCE, "provider": _unit(personas.jw_officer)},
    ).json()
    wj = login(personas.wj_officer)
    response = post_json(wj, f"{BASE}/sharing", {"resource": res["id"], "purpose": "就医核验"})
    assert response.status_code == 201, response.content
    req = response.json()
    assert req["state"] == "pending" and req["overdue"] is False
    assert req["requester_name"] == "重庆市卫生健康委员会"
    # feedback before a grant: 409, citing Art. 14
    body = assert_error(
        post_json(wj, f"{BASE}/sharing/{req['id']}/feedback", {"usage": "x"}), 409, "blocked"
    )
    assert body["findings"][0]["rule_id"] == "R14.4.state"
    # a unit does not request its own resource: nothing to request (404)
    jw = login(personas.jw_officer)
    assert_error(
        post_json(jw, f"{BASE}/sharing", {"resource": res["id"], "purpose": "x"}), 404, "not_found"
    )
    assert jw.get(f"{BASE}/sharing?box=incoming").json()["count"] == 1
    body = assert_error(
        post_json(jw, f"{BASE}/sharing/{req['id']}/answer", {"grant": False}), 422, "invalid"
    )
    assert "answer" in body["errors"]
    response = post_json(
        jw, f"{BASE}/sharing/{req['id']}/answer", {"grant": True, "answer": "同意"}
    )
    assert response.status_code == 200 and response.json()["state"] == "granted"
    body = assert_error(
        post_json(jw, f"{BASE}/sharing/{req['id']}/answer", {"grant": True}), 409, "blocked"
    )
    assert body["findings"][0]["rule_id"] == "R14.4.state"
    wj = login(personas.wj_officer)
    response = post_json(wj, f"{BASE}/sharing/{req['id']}/feedback", {"usage": "已核验 300 人"})
    assert (
        response.status_code == 201 and response.json()["feedback"][0]["usage"] == "已核验 300 人"
    )
    # a third unit neither sees nor answers it
    assert login(personas.district_officer).get(f"{BASE}/sharing").json()["count"] == 0

    # overdue filter for BDB: a second request whose answer period ran out
    late = post_json(wj, f"{BASE}/sharing", {"resource": res["id"], "purpose": "再次核验"}).json()
    make_overdue(SharingRequest.objects.get(pk=late["id"]))
    body = login(personas.bdb).get(f"{BASE}/sharing?overdue=true").json()
    assert body["count"] == 1 and body["items"][0]["overdue"] is True
    # a filter value that is not valid is an error, not ignored
    assert_error(login(personas.bdb).get(f"{BASE}/sharing?overdue=maybe"), 422, "invalid")
    assert_error(login(personas.bdb).get(f"{BASE}/sharing?state=lost"), 422, "invalid")


def test_om_run_list_detail_and_export(personas, login):
    jw = personas.jw_officer
    ok = actions.register_system(
        acting_user=jw,
        unit=jw.primary_organisation,
        code="OM-OK",
        **{k: v for k, v in SYSTEM.items() if k != "code"},
    )
    actions.curate_system(ok, acting_user=personas.bdb)
    actions.register_system(
        acting_user=jw,
        unit=jw.primary_organisation,
        code="OM-BAD",
        **{**{k: v for k, v in SYSTEM.items() if k != "code"}, "crypto_result": "fail"},
    )
    year = today().year + 1

    assert_error(
        post_json(login(personas.auditor), f"{BASE}/om-decisions/run", {"budget_year": year}),
        404,
        "not_found",
    )
    body = assert_error(
        post_json(login(personas.finance), f"{BASE}/om-decisions/run", {"budget_year": 1900}),
        422,
        "invalid",
    )
    assert "budget_year" in body["errors"]
    # a type error names the field in Chinese too, not in pydantic's English
    body = assert_error(
        post_json(login(personas.finance), f"{BASE}/om-decisions/run", {"budget_year": "明年"}),
        422,
        "invalid",
    )
    assert body["errors"] == {"budget_year": "请填写预算年度（四位年份，如 2025）。"}
    body = assert_error(
        post_json(
            login(personas.jw_officer),
            f"{BASE}/resources",
            {"items": [{"name": "学号", "data_type": "char", "length": "十"}]},
        ),
        422,
        "invalid",
    )
    assert "第 1 个信息项“学号”：数据长度应为整数。" in body["errors"]["items"]
    assert body["errors"]["resource_code"] == "请填写资源代码。"
    assert "provider" not in body["errors"]  # the officer's only unit
    response = post_json(login(personas.finance), f"{BASE}/om-decisions/run", {"budget_year": year})
    assert response.status_code == 201, response.content
    assert response.json()["systems"] == 2 and response.json()["eligible"] == 1

    client = login(personas.finance)
    # a filter value that is not valid is a 422 in the list and the export alike
    for url in ("om-decisions", "om-decisions/export", "systems", "systems/export"):
        body = assert_error(
            client.get(f"{BASE}/{url}?eligible=maybe&catalogued=maybe"), 422, "invalid"
        )
        assert set(body["errors"]) & {"eligible", "catalogued"}
    body = client.get(f"{BASE}/om-decisions?eligible=false").json()
    assert [d["system_code"] for d in body["items"]] == ["OM-BAD"]
    decision = body["items"][0]
    assert {r["rule_id"] for r in decision["reasons"]} == {"R31.3", "R32.1"}
    assert client.get(f"{BASE}/om-decisions?rule=R32.1").json()["count"] == 1
    assert client.get(f"{BASE}/om-decisions?rule=R28.4").json()["count"] == 0
    detail = client.get(f"{BASE}/om-decisions/{decision['id']}").json()
    crypto = next(r for r in detail["reasons"] if r["rule_id"] == "R32.1")
    assert crypto["article"] == "第三十二条" and crypto["facts"]["crypto_result"] == "fail"
    assert detail["policy_code"]

    # the runs, newest first, with who ran them; Audit reads them, a unit officer does not
    second = post_json(client, f"{BASE}/om-decisions/run", {"budget_year": year}).json()
    runs = login(personas.auditor).get(f"{BASE}/om-runs?year={year}").json()
    assert [r["code"] for r in runs["items"]] == [second["run"], response.json()["run"]]
    assert runs["items"][0]["decided_by"] == str(personas.finance)
    assert (runs["items"][0]["systems"], runs["items"][0]["eligible"]) == (2, 1)
    assert login(personas.auditor).get(f"{BASE}/om-runs?year={year - 1}").json()["count"] == 0
    assert_error(login(personas.jw_officer).get(f"{BASE}/om-runs"), 404, "not_found")
    client = login(personas.finance)

    export = client.get(f"{BASE}/om-decisions/export?year={year}")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "预算年度" and len(rows) == 3

    # a system's own history, one decision per run, newest first; its unit reads it too
    bad_id = decision["system_id"]
    history = login(personas.jw_officer).get(f"{BASE}/systems/{bad_id}/om-decisions").json()
    assert [d["run"] for d in history["items"]] == [second["run"], response.json()["run"]]
    assert all(not d["eligible"] for d in history["items"])

    # another unit's officer sees none of them
    other = login(personas.wj_officer)
    assert_error(other.get(f"{BASE}/systems/{bad_id}/om-decisions"), 404, "not_found")
    assert other.get(f"{BASE}/om-decisions").json()["count"] == 0
    assert_error(other.get(f"{BASE}/om-decisions/{decision['id']}"), 404, "not_found")
    assert OMDecision.objects.count() == 4


def _upload(rows, name="systems.xlsx"):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = name
    return buf


def test_import_and_export_endpoints(personas, login):
    header = [h for h, _f, _c in xlsx.SYSTEM_COLUMNS]

    def row(code, **over):
        values = dict.fromkeys(header, "")
        values.update(
            {
                "系统编码": code,
                "系统名称": f"系统{code}",
                "所属单位": "市教委",
                "系统类别": "业务信息系统",
            }
        )
        values.update(over)
        return [values[h] for h in header]

    client = login(personas.jw_officer)
    response = client.post(
        f"{BASE}/systems/import", {"file": _upload([header, row("I-1"), row("I-2", 等保级别="9")])}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["rejected_rows"]) == (1, 1)
    assert body["errors"][0]["row"] == 3 and body["errors"][0]["column"] == "等保级别"
    response = client.post(f"{BASE}/systems/import", {"file": _upload([["x"]])})
    assert_error(response, 422, "invalid")

    export = client.get(f"{BASE}/systems/export")
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws["A2"].value == "I-1"
    again = client.post(f"{BASE}/systems/import", {"file": io.BytesIO(export.content)})
    assert again.json()["unchanged"] == 1

    rheader = [h for h, _f, _c in xlsx.RESOURCE_COLUMNS]
    assert (
        load_workbook(io.BytesIO(client.get(f"{BASE}/resources/export").content)).active["A1"].value
        == rheader[0]
    )
    response = client.post(f"{BASE}/resources/import", {"file": _upload([rheader])})
    assert response.status_code == 200 and response.json()["created"] == 0


def test_every_catalog_action_is_in_the_action_api(personas, login):
    jw = personas.jw_officer
    system = actions.register_system(
        acting_user=jw, unit=jw.primary_organisation, **{**SYSTEM, "code": "ACT-01"}
    )
    client = login(jw)
    steps = client.get(f"/api/next-steps/catalog.informationsystem/{system.pk}").json()
    assert {o["action"] for o in steps["offers"] if o["enabled"]} >= {"catalog.update_system"}
    # a partial change through the generic route keeps what it does not name
    response = post_json(
        client, f"/api/actions/catalog.update_system/{system.pk}", {"users_count": 300}
    )
    assert response.status_code == 200, response.content
    system.refresh_from_db()
    assert system.users_count == 300 and system.name == SYSTEM["name"]
    # BDB's determinations refuse with their rule and article, as on every other route
    body = assert_error(
        post_json(
            client,
            f"/api/actions/catalog.update_system/{system.pk}",
            {"integration_status": "pending"},
        ),
        409,
        "blocked",
    )
    assert body["findings"][0]["rule_id"] == "R33.1.bdb-determines"
    assert body["findings"][0]["article"] == "第三十三条"
    year = today().year + 1
    response = post_json(
        login(personas.finance), "/api/actions/catalog.decide_om_funding", {"budget_year": year}
    )
    assert response.status_code == 200 and response.json()["url"].endswith(f"?year={year}")
