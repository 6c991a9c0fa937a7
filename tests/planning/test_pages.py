"""Planning pages: lists, details with gate findings beside the buttons, forms with Chinese
validation, 404 for other units, to-dos and navigation."""

import pytest

from core.todos import todos_for
from planning import actions
from planning.demo import seed_planning
from planning.models import CityPlan, MasterPlan, RevisionState
from planning.services import current_filed_revision, is_in_current_filed_plan

from .conftest import START


def test_R6_2_unit_sees_own_plans_and_authorities_see_all(personas, login, draft_plan, wj_unit):
    jw_plan = draft_plan()
    wj_plan = draft_plan(unit=wj_unit, user=personas.wj_officer)
    html = login(personas.jw_officer).get("/planning/master-plans/").content.decode()
    assert jw_plan.title in html and "市教委" in html and "市卫生健康委" not in html
    for reader in (personas.bdb, personas.drc, personas.cac, personas.auditor):
        html = login(reader).get("/planning/master-plans/?sort=-unit").content.decode()
        assert "市教委" in html and "市卫生健康委" in html
    assert wj_plan.pk


def test_R6_2_other_unit_gets_404(personas, login, draft_plan):
    plan = draft_plan()
    item = plan.draft_revision().items.first()
    client = login(personas.wj_officer)
    assert client.get(f"/planning/master-plans/{plan.pk}/").status_code == 404
    assert client.get(f"/planning/master-plans/{plan.pk}/edit/").status_code == 404
    assert client.get(f"/planning/items/{item.pk}/edit/").status_code == 404
    assert client.post(f"/act/planning.file_master_plan/{plan.pk}/").status_code == 404
    assert client.post(f"/act/planning.remove_master_plan_item/{item.pk}/").status_code == 404
    assert client.get("/planning/master-plans/99999/").status_code == 404
    # BDB reads it but cannot edit it
    bdb = login(personas.bdb)
    assert bdb.get(f"/planning/master-plans/{plan.pk}/").status_code == 200
    assert bdb.get(f"/planning/master-plans/{plan.pk}/edit/").status_code == 404


def test_R6_2_detail_shows_findings_beside_file_button(personas, login, draft_plan):
    plan = draft_plan(start=START, end=START + 1)
    html = login(personas.jw_officer).get(f"/planning/master-plans/{plan.pk}/").content.decode()
    assert 'disabled data-testid="act-file-master-plan"' in html
    assert 'data-rule="R6.2"' in html and "第六条" in html and "怎么办" in html


def test_R6_2_create_plan_and_items_through_pages(personas, login, jw_unit):
    client = login(personas.jw_officer)
    assert client.get("/planning/master-plans/new/").status_code == 200
    bad = client.post("/planning/master-plans/new/", {"unit": jw_unit.pk, "title": ""})
    assert "请填写方案名称" in bad.content.decode() and "请填写起始年度" in bad.content.decode()
    resp = client.post(
        "/planning/master-plans/new/",
        {
            "unit": jw_unit.pk,
            "title": "教育信息化总体方案",
            "start_year": START,
            "end_year": START + 4,
            "data_plan": "数据规划",
            "collective_review_date": "2025-01-06",
            "collective_review_ref": "纪要〔2025〕1号",
        },
    )
    plan = MasterPlan.objects.get(title="教育信息化总体方案")
    assert resp.status_code == 302 and resp["Location"] == f"/planning/master-plans/{plan.pk}/"
    bad_item = client.post(
        f"/planning/master-plans/{plan.pk}/items/new/",
        {"name": "超期", "kind": "new", "status": "planned", "planned_year": START + 9},
    )
    assert "申报年度须在方案期限" in bad_item.content.decode()
    for name, gov in (("数据治理工程", "on"), ("新建系统", "")):
        resp = client.post(
            f"/planning/master-plans/{plan.pk}/items/new/",
            {
                "name": name,
                "kind": "new",
                "status": "planned",
                "planned_year": START,
                "is_data_governance": gov,
            },
        )
        assert resp.status_code == 302
    resp = login(personas.jw_head).post(f"/act/planning.file_master_plan/{plan.pk}/")
    assert resp.status_code == 302
    assert plan.revisions.get().state == RevisionState.FILED
    # editing an item of the filed plan creates revision 2 (R6.3)
    item = plan.revisions.get().items.get(name="新建系统")
    resp = client.post(
        f"/planning/items/{item.pk}/edit/",
        {
            "seq": 2,
            "name": "新建系统（调整）",
            "kind": "new",
            "status": "planned",
            "planned_year": START + 1,
        },
    )
    assert resp.status_code == 302
    assert plan.draft_revision().number == 2
    html = client.get(f"/planning/master-plans/{plan.pk}/").content.decode()
    assert "第2版修订稿待报备" in html and "现行报备：第1版" in html
    old = client.get(f"/planning/master-plans/{plan.pk}/?rev=1").content.decode()
    assert "新建系统（调整）" not in old


def test_R6_1_city_plan_pages(personas, login):
    bdb = login(personas.bdb)
    assert bdb.get("/planning/city-plans/").status_code == 200
    resp = bdb.post(
        "/planning/city-plans/new/",
        {"title": "市级规划", "start_year": 2021, "end_year": 2020},
    )
    assert "终止年度不能早于起始年度" in resp.content.decode()
    resp = bdb.post(
        "/planning/city-plans/new/",
        {"title": "市级规划", "start_year": 2021, "end_year": 2025, "summary": "要点"},
    )
    plan = CityPlan.objects.get()
    html = bdb.get(f"/planning/city-plans/{plan.pk}/").content.decode()
    assert 'disabled data-testid="act-submit-city-plan"' in html and 'data-rule="R6.1"' in html
    version = plan.versions.get()
    bdb.post(
        f"/planning/city-plan-versions/{version.pk}/edit/",
        {"summary": "要点", "data_orientation": "数据治理"},
    )
    bdb.post(f"/act/planning.submit_city_plan/{version.pk}/")
    gov = login(personas.gov)
    assert any("审批市级规划" in t.title for t in todos_for(personas.gov))
    html = gov.get(f"/planning/city-plans/{plan.pk}/").content.decode()
    assert 'data-testid="act-approve-city-plan"' in html
    gov.post(f"/act/planning.approve_city_plan/{version.pk}/", {"opinion": "同意"})
    version.refresh_from_db()
    assert version.is_current
    # units read the approved plan; creating one is 404 for them
    unit = login(personas.jw_officer)
    assert "市级规划" in unit.get("/planning/city-plans/").content.decode()
    assert unit.get(f"/planning/city-plans/{plan.pk}/").status_code == 200
    assert unit.get("/planning/city-plans/new/").status_code == 404
    assert unit.post(f"/act/planning.approve_city_plan/{version.pk}/").status_code == 404


def test_R7_1_data_governance_page(personas, login):
    client = login(personas.jw_officer)
    resp = client.post("/planning/data-governance/new/", {"data_aggregated": "on"})
    assert "请说明汇聚治理的数据范围和成果" in resp.content.decode()
    resp = client.post(
        "/planning/data-governance/new/",
        {"standards_set_on": "2024-06-01", "data_aggregated": "on", "governance_summary": "已治理"},
    )
    assert resp.status_code == 302
    assert "已治理" in client.get("/planning/data-governance/").content.decode()
    assert (
        "已治理"
        not in login(personas.wj_officer).get("/planning/data-governance/").content.decode()
    )
    assert login(personas.drc).post("/planning/data-governance/new/", {}).status_code == 404


def test_todos_and_navigation(personas, login, draft_plan):
    draft_plan()
    assert any("报备总体方案" in t.title for t in todos_for(personas.jw_officer))
    assert not any("报备总体方案" in t.title for t in todos_for(personas.wj_officer))
    html = login(personas.jw_officer).get("/").content.decode()
    assert "规划管理" in html and "报备总体方案" in html
    actions.file_master_plan(MasterPlan.objects.get().pk, acting_user=personas.jw_head)
    assert any("查收总体方案报备" in t.title for t in todos_for(personas.drc))


@pytest.mark.parametrize("run_twice", [False, True])
def test_demo_seed_creates_plans_through_actions(people, run_twice):
    seed_planning(people)
    if run_twice:
        seed_planning(people)
    assert CityPlan.objects.get().current_version() is not None
    jw = people["jw_tianbao"].primary_organisation
    wj = people["wj_tianbao"].primary_organisation
    assert current_filed_revision(jw) is not None and current_filed_revision(wj) is not None
    assert MasterPlan.objects.get(unit=jw).draft_revision().number == 2
    assert not is_in_current_filed_plan(jw, "职业教育产教融合数据服务平台")
    assert is_in_current_filed_plan(wj, "互联网医院监管平台")
