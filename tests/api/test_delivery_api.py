"""/api/delivery/: construction, incidents, acceptance and evaluation over JSON (第十六条至
第二十四条、第二十八条至第三十条), scoped per user: missing and forbidden answer 404, a gate
answers 409 with its findings, bad input 422."""

import datetime as dt

import pytest

from core.dates import today
from delivery.models import AcceptanceState, Phase
from tests.delivery.helpers import (
    ART19,
    BIG,
    accepted,
    approved,
    carry,
    consultant_org,
    delivered,
    prepare,
    supervisor_org,
)

from .helpers import assert_error, post_json

BASE = "/api/delivery"


def _url(project, tail=""):
    return f"{BASE}/projects/{project.pk}{tail}"


@pytest.fixture
def building(walker):
    project = approved(walker)
    prepare(project, walker.officer)
    return carry(project, walker.officer, "construction", started="2025-03-01")


# -- reading -----------------------------------------------------------------------------------


def test_project_delivery_shows_phase_due_items_and_history(building, personas, login):
    client = login(personas.jw_officer)
    response = client.get(_url(building))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phase"] == Phase.CONSTRUCTION and body["phase_label"] == "建设中"
    assert body["implementing_agency"] == "市教委信息中心"
    assert body["supervisor"]["supervisor_name"] == supervisor_org().name
    assert body["acceptance_path"] == "unit" and body["total_investment_wan"] == "800.00"
    due = {i["key"]: i for i in body["due_items"]}
    assert due["annual_report:2025"]["status"] == "overdue"
    assert due["annual_report:2025"]["status_label"] == "已逾期"
    assert due["annual_report:2025"]["article"] == "第二十三条"
    for key in ("incidents", "annual_reports", "acceptances", "milestones", "evaluations"):
        assert body[key] == []


def test_project_not_approved_is_404(walker, personas, login):
    draft = walker.create("学生资助精准认定系统", "800")
    assert_error(login(personas.jw_officer).get(_url(draft)), 404, "not_found")


def test_other_unit_gets_404(building, personas, login):
    client = login(personas.wj_officer)
    assert_error(client.get(_url(building)), 404, "not_found")
    response = post_json(
        client, _url(building, "/incidents"), {"kind": "delay", "description": "x"}
    )
    assert_error(response, 404, "not_found")
    response = post_json(client, _url(building, "/trial"), {"trial_started_on": "2025-09-01"})
    assert_error(response, 404, "not_found")


def test_calendar_lists_due_items_of_visible_projects(building, personas, login):
    body = login(personas.jw_officer).get(f"{BASE}/calendar?on=2026-01-01").json()
    keys = [(i["project_code"], i["key"], i["status"]) for i in body["items"]]
    assert keys == [
        (building.code, "annual_report:2025", "overdue"),
        (building.code, "annual_report:2026", "open"),
    ]
    body = login(personas.jw_officer).get(f"{BASE}/calendar?on=2026-01-01&status=overdue").json()
    assert [i["key"] for i in body["items"]] == ["annual_report:2025"]
    # DRC sees every project's clocks; another unit sees none of these
    assert login(personas.drc).get(f"{BASE}/calendar?on=2026-01-01").json()["count"] == 2
    assert login(personas.wj_officer).get(f"{BASE}/calendar?on=2026-01-01").json()["count"] == 0


def test_calendar_rejects_an_unknown_status(building, personas, login):
    response = login(personas.jw_officer).get(f"{BASE}/calendar?status=late")
    assert_error(response, 422, "invalid")


# -- start (Art. 16, 22) -----------------------------------------------------------------------


def test_blocked_start_is_409_with_article_16(walker, personas, login):
    project = approved(walker)
    prepare(project, walker.officer, agency=False, contract=False)
    response = post_json(
        login(personas.jw_officer), _url(project, "/start"), {"started_on": "2025-03-01"}
    )
    body = assert_error(response, 409, "blocked")
    assert "第十六条" in body["message"] and body["decision_id"]
    [finding] = [f for f in body["findings"] if f["rule_id"] == "R16.1"]
    assert finding["article"] == "第十六条" and finding["severity"] == "block"
    assert finding["facts"]["missing"] == ["项目实施机构", "项目负责人", "采购结果及合同"]


def test_start_path_over_the_api(walker, personas, login):
    from investment import actions as money

    project = approved(walker)
    client = login(personas.jw_officer)
    response = post_json(
        client,
        _url(project, "/implementation"),
        {"implementing_agency": "市教委信息中心", "responsible_person": "张明"},
    )
    assert response.status_code == 200 and response.json()["responsible_person"] == "张明"
    response = post_json(
        client, _url(project, "/supervisor"), {"supervisor_id": supervisor_org().pk}
    )
    assert response.status_code == 201 and response.json()["is_active"]
    # without a contract Art. 16 still blocks
    response = post_json(client, _url(project, "/start"), {"started_on": "2025-03-01"})
    assert [f["rule_id"] for f in assert_error(response, 409, "blocked")["findings"]] == ["R16.1"]
    money.record_contract(
        project,
        acting_user=personas.jw_officer,
        number="HT-API-1",
        title="开发合同",
        supplier="某科技公司",
        method="open",
        amount_wan="500",
        signed_on="2025-02-01",
    )
    response = post_json(client, _url(project, "/start"), {"started_on": "2025-03-01"})
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == Phase.CONSTRUCTION
    # starting twice is refused by the delivery machine, citing Art. 16
    body = assert_error(
        post_json(client, _url(project, "/start"), {"started_on": "2025-03-02"}), 409, "blocked"
    )
    [finding] = body["findings"]
    assert finding["rule_id"] == "R16.1.state" and finding["article"] == "第十六条"


def test_invalid_input_is_422(building, personas, login):
    client = login(personas.jw_officer)
    future = (today() + dt.timedelta(days=3)).isoformat()
    body = assert_error(
        post_json(client, _url(building, "/trial"), {"trial_started_on": future}), 422, "invalid"
    )
    assert "trial_started_on" in body["errors"]
    assert_error(
        post_json(client, _url(building, "/trial"), {"trial_started_on": "2025-13-01"}),
        422,
        "invalid",
    )
    body = assert_error(
        post_json(client, _url(building, "/incidents"), {"kind": "fire", "description": "x"}),
        422,
        "invalid",
    )
    assert "kind" in body["errors"]


# -- reports, milestones, supervision ----------------------------------------------------------


def test_milestones_and_annual_report(building, personas, login):
    client = login(personas.jw_officer)
    first = post_json(
        client, _url(building, "/milestones"), {"name": "需求分析", "planned_on": "2025-04-30"}
    ).json()
    post_json(
        client,
        _url(building, "/milestones"),
        {"name": "系统开发", "planned_on": "2025-08-31", "weight": 3},
    )
    response = post_json(
        client, f"{BASE}/milestones/{first['id']}/complete", {"done_on": "2025-04-28"}
    )
    assert response.status_code == 200 and response.json()["done_on"] == "2025-04-28"
    payload = {"year": 2025, "summary": "完成需求分析。", "user_opinions": "满足需要。"}
    body = assert_error(
        post_json(client, _url(building, "/annual-reports"), payload), 409, "blocked"
    )
    assert body["findings"][0]["facts"]["missing"] == ["监理单位意见"]
    payload["supervisor_opinion"] = "受控。"
    response = post_json(client, _url(building, "/annual-reports"), payload)
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["progress_percent"] == "25.0"
    assert report["plan_amount"] == "0.00" and report["paid_amount_wan"] == "0.00"
    due = {i["key"]: i["status"] for i in client.get(_url(building)).json()["due_items"]}
    assert due["annual_report:2025"] == "done"
    # another unit cannot complete this project's milestone
    response = post_json(
        login(personas.wj_officer),
        f"{BASE}/milestones/{first['id']}/complete",
        {"done_on": "2025-04-28"},
    )
    assert_error(response, 404, "not_found")


def test_supervisor_sees_only_its_projects(building, walker, personas, login):
    # another project of 市教委 with no supervisor assigned yet
    other = approved(walker, BIG, "3500")
    client = login(personas.supervisor)
    assert client.get(_url(building)).status_code == 200
    assert_error(client.get(_url(other)), 404, "not_found")
    codes = {
        i["project_code"] for i in client.get(f"{BASE}/calendar?on=2026-01-01").json()["items"]
    }
    assert codes == {building.code}
    payload = {"period": "2025年第四季度", "content": "完成开发。", "opinion": "质量受控。"}
    response = post_json(client, _url(building, "/supervision-reports"), payload)
    assert response.status_code == 201 and response.json()["submitted_by_name"]
    assert_error(post_json(client, _url(other, "/supervision-reports"), payload), 404, "not_found")
    # the supervisor reads but does not act for the unit
    response = post_json(client, _url(building, "/trial"), {"trial_started_on": "2025-09-01"})
    assert_error(response, 404, "not_found")


# -- incidents (Art. 24) -----------------------------------------------------------------------


def test_incident_rectification_suspension_and_lift(building, personas, login):
    unit = login(personas.jw_officer)
    response = post_json(
        unit, _url(building, "/incidents"), {"kind": "delay", "description": "进度滞后 4 个月。"}
    )
    assert response.status_code == 201
    incident = response.json()
    assert incident["state"] == "reported" and incident["kind_label"] == "建设进度严重滞后"
    # the unit cannot order anything
    deadline = (today() + dt.timedelta(days=40)).isoformat()
    order = {"deadline": deadline, "order_text": "限期赶工。"}
    assert_error(
        post_json(unit, f"{BASE}/incidents/{incident['id']}/rectification", order), 404, "not_found"
    )
    drc = login(personas.drc)
    response = post_json(drc, f"{BASE}/incidents/{incident['id']}/rectification", order)
    assert response.status_code == 200 and response.json()["rectification_deadline"] == deadline
    due = {i["key"]: i for i in drc.get(_url(building)).json()["due_items"]}
    assert due[f"rectification:{incident['id']}"]["due_on"] == deadline
    # Finance suspends: the trial is blocked (Art. 24) until DRC lifts it
    finance = login(personas.finance)
    response = post_json(
        finance, f"{BASE}/incidents/{incident['id']}/suspend", {"order_text": "暂停核查。"}
    )
    assert response.status_code == 200 and response.json()["state"] == "suspended"
    unit = login(personas.jw_officer)
    assert unit.get(_url(building)).json()["suspended"] is True
    response = post_json(unit, _url(building, "/trial"), {"trial_started_on": "2025-09-01"})
    body = assert_error(response, 409, "blocked")
    assert body["findings"][0]["rule_id"] == "R24.1" and "第二十四条" in body["message"]
    drc = login(personas.drc)
    response = post_json(drc, f"{BASE}/incidents/{incident['id']}/lift", {"opinion": "已整改。"})
    assert response.status_code == 200 and response.json()["state"] == "closed"
    unit = login(personas.jw_officer)
    response = post_json(unit, _url(building, "/trial"), {"trial_started_on": "2025-09-01"})
    assert response.status_code == 200 and response.json()["phase"] == Phase.TRIAL
    assert response.json()["suspended"] is False


def test_close_incident(building, personas, login):
    unit = login(personas.jw_officer)
    incident = post_json(
        unit, _url(building, "/incidents"), {"kind": "loss", "description": "机房进水。"}
    ).json()
    response = post_json(
        login(personas.finance), f"{BASE}/incidents/{incident['id']}/close", {"opinion": "已处置。"}
    )
    assert response.status_code == 200 and response.json()["state"] == "closed"


# -- completion and the two acceptance paths (Art. 28, 29) --------------------------------------


def test_completion_archives_and_unit_acceptance_below_threshold(walker, personas, login):
    from tests.delivery.helpers import upload_materials

    project = approved(walker)
    prepare(project, walker.officer)
    carry(project, walker.officer, "trial")
    unit = login(personas.jw_officer)
    response = post_json(unit, _url(project, "/complete"), {"completed_on": "2025-10-31"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phase"] == Phase.COMPLETED and body["acceptance_path"] == "unit"
    assert {i["key"]: i["due_on"] for i in body["due_items"]}["acceptance"] == "2026-04-30"
    upload_materials(project, walker.officer)
    result = {"passed": True, "held_on": "2025-11-20", "conclusion": "验收通过。", **ART19}
    # archives first (R29.1)
    body = assert_error(post_json(unit, _url(project, "/acceptance/file"), result), 409, "blocked")
    assert [f["rule_id"] for f in body["findings"] if f["severity"] == "block"] == ["R29.1"]
    archives = {"checklist": {"文书档案": True, "电子文件": True}, "accepted_on": "2025-11-05"}
    assert_error(post_json(unit, _url(project, "/archives"), archives), 404, "not_found")
    bdb = login(personas.bdb)
    response = post_json(bdb, _url(project, "/archives"), archives)
    assert response.status_code == 200 and response.json()["archive_accepted_on"] == "2025-11-05"
    unit = login(personas.jw_officer)
    # the wrong path is refused (R28.1)
    body = assert_error(post_json(unit, _url(project, "/acceptance/apply"), {}), 409, "blocked")
    assert [f["rule_id"] for f in body["findings"] if f["severity"] == "block"] == ["R28.1"]
    response = post_json(unit, _url(project, "/acceptance/file"), result)
    assert response.status_code == 201, response.content
    acceptance = response.json()
    assert acceptance["path"] == "unit" and acceptance["state"] == AcceptanceState.PASSED
    assert acceptance["filed_with_bdb_at"]
    response = post_json(unit, _url(project, "/golive"), {"golive_on": "2025-12-01"})
    assert response.status_code == 200
    body = response.json()
    assert body["phase"] == Phase.ACCEPTED and body["golive_on"] == "2025-12-01"
    due = {i["key"]: i for i in body["due_items"]}
    assert due["acceptance"]["status"] == "done"
    assert due["self_evaluation"]["opens_on"] == "2026-12-01"


def test_bdb_acceptance_at_threshold(walker, personas, login):
    project = delivered(walker, personas, name=BIG, wan="3000", target="archived")
    unit = login(personas.jw_officer)
    result = {"passed": False, "held_on": "2025-11-20", "conclusion": "数据迁移不完整。"}
    body = assert_error(post_json(unit, _url(project, "/acceptance/file"), result), 409, "blocked")
    [finding] = [f for f in body["findings"] if f["rule_id"] == "R28.1"]
    assert "3,000.00 万元（含）以上" in finding["message"]
    response = post_json(unit, _url(project, "/acceptance/apply"), {})
    assert response.status_code == 201, response.content
    acceptance = response.json()
    assert acceptance["path"] == "bdb" and acceptance["state"] == "applied"
    # only BDB decides
    url = f"{BASE}/acceptances/{acceptance['id']}/decide"
    assert_error(post_json(unit, url, result), 404, "not_found")
    response = post_json(login(personas.bdb), url, result)
    assert response.status_code == 200 and response.json()["state"] == "failed"
    body = login(personas.jw_officer).get(_url(project)).json()
    assert body["phase"] == Phase.FAILED and body["om_ineligible"] is True
    assert [a["state"] for a in body["acceptances"]] == ["failed"]


def test_extension_request_and_decision(walker, personas, login):
    project = delivered(walker, personas, target="archived")
    until = (today() + dt.timedelta(days=60)).isoformat()
    unit = login(personas.jw_officer)
    response = post_json(
        unit, _url(project, "/extensions"), {"requested_until": until, "reason": "测评排期。"}
    )
    assert response.status_code == 201 and response.json()["state"] == "pending"
    extension = response.json()
    url = f"{BASE}/extensions/{extension['id']}/decide"
    assert_error(post_json(unit, url, {"grant": True, "opinion": "同意。"}), 404, "not_found")
    bdb = login(personas.bdb)
    response = post_json(bdb, url, {"grant": True, "opinion": "同意延期。"})
    assert response.status_code == 200 and response.json()["state"] == "granted"
    due = {i["key"]: i for i in bdb.get(_url(project)).json()["due_items"]}
    assert due["acceptance"]["due_on"] == until and "已延期" in due["acceptance"]["label"]
    body = assert_error(post_json(bdb, url, {"grant": False, "opinion": "改判。"}), 409, "blocked")
    assert [f["rule_id"] for f in body["findings"]] == ["R28.3.state"]


# -- evaluation (Art. 30) ----------------------------------------------------------------------


def test_self_evaluation_and_post_evaluation(walker, personas, login):
    project = accepted(walker, personas)  # window 2025-08-01 .. 2026-08-01
    unit = login(personas.jw_officer)
    evaluation = {"completed_on": "2025-07-31", "grade": "良", "conclusion": "目标基本实现。"}
    body = assert_error(
        post_json(unit, _url(project, "/self-evaluation"), evaluation), 409, "blocked"
    )
    assert body["findings"][0]["rule_id"] == "R30.1" and "第三十条" in body["message"]
    evaluation.update(completed_on="2025-09-01", score="88.5")
    response = post_json(unit, _url(project, "/self-evaluation"), evaluation)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "self" and response.json()["score"] == "88.50"
    # the unit cannot commission a post-evaluation; DRC can
    commission = {"consultant_id": consultant_org().pk}
    assert_error(post_json(unit, _url(project, "/post-evaluations"), commission), 404, "not_found")
    response = post_json(login(personas.drc), _url(project, "/post-evaluations"), commission)
    assert response.status_code == 201, response.content
    post = response.json()
    assert post["state"] == "commissioned" and post["result"] is None
    url = f"{BASE}/post-evaluations/{post['id']}/submit"
    result = {
        "completed_on": "2026-03-01",
        "grade": "优",
        "conclusion": "效益显著。",
        "score": 91.5,
    }
    assert_error(post_json(login(personas.jw_officer), url, result), 404, "not_found")
    response = post_json(login(personas.consultant), url, result)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "post" and response.json()["score"] == "91.50"
    body = login(personas.jw_officer).get(_url(project)).json()
    assert [e["kind"] for e in body["evaluations"]] == ["post", "self"]
    assert body["post_evaluations"][0]["result"]["grade"] == "优"


# -- lists with their filter sets ---------------------------------------------------------------


def test_lists_filter_by_the_same_filter_sets_as_the_pages(building, walker, personas, login):
    waiting = approved(walker, BIG, "3500")
    drc = login(personas.drc)
    codes = [p["project_code"] for p in drc.get(f"{BASE}/projects").json()["items"]]
    assert building.code in codes and waiting.code in codes
    body = drc.get(f"{BASE}/projects?phase=preparing").json()
    assert [p["project_code"] for p in body["items"]] == [waiting.code]
    assert body["items"][0]["phase_label"] == "开工准备"
    body = drc.get(f"{BASE}/projects?phase=construction&q={building.code}").json()
    assert [p["project_code"] for p in body["items"]] == [building.code]
    assert_error(drc.get(f"{BASE}/projects?phase=nonsense"), 422, "invalid")
    # incidents across projects, by state; another unit sees none of them
    unit = login(personas.jw_officer)
    post_json(unit, _url(building, "/incidents"), {"kind": "delay", "description": "滞后。"})
    drc = login(personas.drc)
    body = drc.get(f"{BASE}/incidents?state=reported").json()
    assert [i["project_code"] for i in body["items"]] == [building.code]
    assert drc.get(f"{BASE}/incidents?open=false").json()["count"] == 0
    assert login(personas.wj_officer).get(f"{BASE}/incidents").json()["count"] == 0
    assert_error(drc.get(f"{BASE}/acceptances?state=late"), 422, "invalid")
    assert drc.get(f"{BASE}/extensions?state=pending").json()["count"] == 0


def test_contract_messages_in_chinese_and_the_former_field_names(walker, personas, login):
    project = approved(walker)
    client = login(personas.jw_officer)
    body = assert_error(post_json(client, _url(project, "/implementation"), {}), 422, "invalid")
    assert body["errors"]["implementing_agency"] == "请填写项目实施机构。"
    assert body["errors"]["responsible_person"] == "请填写项目负责人。"
    # ``supervisor_id`` (the name of earlier versions) is still understood
    response = post_json(
        client, _url(project, "/supervisor"), {"supervisor_id": consultant_org().pk}
    )
    assert assert_error(response, 422, "invalid")["errors"] == {
        "supervisor": "请选择在册的工程监理单位。"
    }


def test_every_action_over_the_generic_route(building, personas, login):
    """``POST /api/actions/delivery.<action>/<id>`` takes the same contract."""
    client = login(personas.jw_officer)
    response = post_json(
        client,
        f"/api/actions/delivery.add_milestone/{building.pk}",
        {"name": "联调", "planned_on": "2025-09-30", "weight": 2},
    )
    assert response.status_code == 200, response.content
    assert response.json()["result_type"] == "delivery.milestone"
    steps = client.get(f"/api/next-steps/projects.project/{building.pk}").json()
    offered = {o["action"] for o in steps["offers"] if o["enabled"]}
    assert {"delivery.start_trial", "delivery.complete_milestone"} <= offered
    assert any("年度绩效评价报告" in d["title"] for d in steps["duties"])


# -- auth and schema ---------------------------------------------------------------------------


def test_bearer_token_reads_delivery(building, personas, client, make_token, bearer):
    _token, raw = make_token(personas.jw_officer)
    response = client.get(_url(building), headers=bearer(raw))
    assert response.status_code == 200 and response.json()["project_code"] == building.code
    assert_error(client.get(_url(building)), 401, "unauthenticated")


def test_openapi_lists_delivery_paths(db, client):
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert {
        "/api/delivery/projects/{project_id}",
        "/api/delivery/calendar",
        "/api/delivery/projects/{project_id}/start",
        "/api/delivery/projects/{project_id}/acceptance/apply",
        "/api/delivery/projects/{project_id}/acceptance/file",
        "/api/delivery/acceptances/{acceptance_id}/decide",
        "/api/delivery/incidents/{incident_id}/suspend",
        "/api/delivery/post-evaluations/{post_id}/submit",
        "/api/delivery/projects",
        "/api/delivery/incidents",
        "/api/delivery/acceptances",
        "/api/delivery/extensions",
    } <= paths


def test_R28_1_R29_1_open_milestones_and_failed_archives_over_the_api(walker, personas, login):
    """Completion with an open milestone needs a reason (Art. 28), returned with the record; a
    failed archive acceptance is recorded by BDB, listed, and blocks acceptance (Art. 29)."""
    from delivery import actions

    project = approved(walker)
    prepare(project, walker.officer)
    carry(project, walker.officer, "trial")
    actions.add_milestone(project, acting_user=walker.officer, name="联调", planned_on="2025-09-01")
    unit = login(personas.jw_officer)
    body = assert_error(
        post_json(unit, _url(project, "/complete"), {"completed_on": "2025-10-31"}), 409, "blocked"
    )
    [finding] = body["findings"]
    assert finding["rule_id"] == "R28.1.milestones-open" and finding["article"] == "第二十八条"
    assert finding["remedy"]
    payload = {"completed_on": "2025-10-31", "incomplete_reason": "联调并入运维期完成。"}
    response = post_json(unit, _url(project, "/complete"), payload)
    assert response.status_code == 200, response.content
    assert response.json()["incomplete_reason"] == "联调并入运维期完成。"
    failed = {"failed_on": "2025-11-03", "reasons": "缺少监理日志。"}
    assert_error(post_json(unit, _url(project, "/archives/failed"), failed), 404, "not_found")
    bdb = login(personas.bdb)
    response = post_json(bdb, _url(project, "/archives/failed"), failed)
    assert response.status_code == 200, response.content
    assert response.json()["archive_failures"] == [
        {"failed_on": "2025-11-03", "reasons": "缺少监理日志。"}
    ]
    assert response.json()["archive_accepted_on"] is None
