"""/api/planning/: master plans with revisions and items, the city plan (第六条)."""

from core.dates import today
from planning import actions
from planning.models import MasterPlan, RevisionState

from .helpers import assert_error, post_json

BASE = "/api/planning"


def _jw_plan(personas):
    return MasterPlan.objects.get(unit=personas.jw_officer.primary_organisation)


def test_unit_sees_its_own_plans(personas, planned, login):
    body = login(personas.jw_officer).get(f"{BASE}/master-plans").json()
    assert [p["unit_name"] for p in body["items"]] == ["重庆市教育委员会"]
    assert body["items"][0]["filed_revision"] == 1 and body["items"][0]["draft_revision"] == 2
    assert login(personas.bdb).get(f"{BASE}/master-plans").json()["count"] == 2
    assert login(personas.auditor).get(f"{BASE}/master-plans").json()["count"] == 2


def test_plan_detail_with_revisions_items_and_filings(personas, planned, login):
    plan = _jw_plan(personas)
    body = login(personas.jw_officer).get(f"{BASE}/master-plans/{plan.pk}").json()
    draft, filed = body["revisions"]
    assert (draft["number"], draft["state"], draft["is_current_filed"]) == (2, "draft", False)
    assert (filed["number"], filed["state"], filed["is_current_filed"]) == (1, "filed", True)
    assert filed["state_label"] == "已报备（现行）" and filed["filed_by_name"]
    assert len(filed["items"]) == 4 and len(draft["items"]) == 5
    # an item keeps its key across revisions
    assert {i["key"] for i in filed["items"]} < {i["key"] for i in draft["items"]}
    assert [i["seq"] for i in draft["items"]] == [1, 2, 3, 4, 5]
    assert filed["items"][0]["kind_label"] == "新建"
    assert len(filed["filings"]) == 3 and draft["filings"] == []


def test_another_units_plan_is_404(personas, planned, login):
    plan = _jw_plan(personas)
    client = login(personas.wj_officer)
    assert_error(client.get(f"{BASE}/master-plans/{plan.pk}"), 404, "not_found")
    assert_error(client.get(f"{BASE}/master-plans/999999"), 404, "not_found")
    item = {"name": "x", "kind": "new", "status": "planned", "planned_year": today().year}
    assert_error(post_json(client, f"{BASE}/master-plans/{plan.pk}/items", item), 404, "not_found")
    assert_error(client.post(f"{BASE}/master-plans/{plan.pk}/file"), 404, "not_found")


def test_add_item_then_file(personas, planned, login):
    plan = _jw_plan(personas)
    client = login(personas.jw_officer)
    response = post_json(
        client,
        f"{BASE}/master-plans/{plan.pk}/items",
        {
            "name": "教育督导信息系统",
            "kind": "new",
            "status": "planned",
            "planned_year": today().year + 2,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["seq"] == 6 and response.json()["status_label"] == "计划"

    # the changed plan needs a new collective review before it is filed again (R6.3)
    actions.update_master_plan(
        plan.pk,
        acting_user=personas.jw_officer,
        collective_review_date=today(),
        collective_review_ref="党组会议纪要〔2026〕9号",
    )
    response = login(personas.jw_head).post(f"{BASE}/master-plans/{plan.pk}/file")
    assert response.status_code == 200, [
        (f["rule_id"], f["message"]) for f in response.json()["findings"]
    ]
    body = response.json()
    assert (body["number"], body["state"], body["is_current_filed"]) == (2, "filed", True)
    assert len(body["items"]) == 6 and len(body["filings"]) == 3
    detail = client.get(f"{BASE}/master-plans/{plan.pk}").json()
    assert detail["filed_revision"] == 2 and detail["draft_revision"] is None
    assert detail["revisions"][1]["state"] == RevisionState.SUPERSEDED


def test_invalid_item_is_422_in_chinese(personas, planned, login):
    plan = _jw_plan(personas)
    response = post_json(
        login(personas.jw_officer),
        f"{BASE}/master-plans/{plan.pk}/items",
        {"name": "x", "kind": "rocket", "status": "planned", "planned_year": 2099},
    )
    body = assert_error(response, 422, "invalid")
    assert "项目类型" in body["errors"]["kind"]
    # the year is checked against the plan's period once the item itself is well formed
    response = post_json(
        login(personas.jw_officer),
        f"{BASE}/master-plans/{plan.pk}/items",
        {"name": "x", "kind": "new", "status": "planned", "planned_year": 2099},
    )
    body = assert_error(response, 422, "invalid")
    assert "方案期限" in body["errors"]["planned_year"]


def test_filing_without_collective_review_is_blocked(personas, planned, login):
    officer = personas.users["jt_tianbao"]
    plan = actions.create_master_plan(
        acting_user=officer,
        unit=officer.primary_organisation,
        title="交通信息化整合建设总体方案",
        start_year=today().year,
        end_year=today().year + 4,
        data_plan="数据规划。",
    )
    body = assert_error(login(officer).post(f"{BASE}/master-plans/{plan.pk}/file"), 409, "blocked")
    assert "第六条" in body["message"]
    assert all(f["article"] and f["remedy"] for f in body["findings"])


def test_city_plan(personas, planned, login):
    body = login(personas.jw_officer).get(f"{BASE}/city-plans").json()
    assert body["count"] == 1
    plan = body["items"][0]
    assert plan["title"].startswith("重庆市市级政务信息化建设规划")
    assert plan["current_version"] == 1
    assert [(v["number"], v["state"]) for v in plan["versions"]] == [(1, "approved")]
    detail = login(personas.jw_officer).get(f"{BASE}/city-plans/{plan['id']}").json()
    assert detail["versions"][0]["data_orientation"]
    assert_error(login(personas.jw_officer).get(f"{BASE}/city-plans/999999"), 404, "not_found")


def test_city_plan_drafts_are_for_insiders(personas, planned, login):
    plan_id = login(personas.bdb).get(f"{BASE}/city-plans").json()["items"][0]["id"]
    actions.reassess_city_plan(
        plan_id,
        acting_user=personas.bdb,
        reassessment_reason="国家部署调整，需评估论证后调整规划。",
    )
    insider = login(personas.bdb).get(f"{BASE}/city-plans/{plan_id}").json()
    assert [v["state"] for v in insider["versions"]] == ["draft", "approved"]
    outsider = login(personas.jw_officer).get(f"{BASE}/city-plans/{plan_id}").json()
    assert [v["state"] for v in outsider["versions"]] == ["approved"]
