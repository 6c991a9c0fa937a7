"""Master catalog and data resource catalog pages (第十四条、第十五条、第三十一条)."""

import io

from openpyxl import Workbook, load_workbook

from catalog import actions, xlsx
from catalog.models import DataResource, InformationSystem

SYSTEM_POST = {
    "name": "教育督导信息系统",
    "category": "business",
    "delivery_mode": "built",
    "status": "running",
    "network": "extranet",
    "hosting": "cq_cloud",
    "integration_status": "not_needed",
    "mlps_level": "3",
    "mlps_evaluated_on": "2025-06-01",
    "mlps_result": "pass",
    "crypto_assessed_on": "2025-06-01",
    "crypto_result": "pass",
}


def register(personas, code, user=None, **extra):
    user = user or personas.jw_officer
    fields = dict(
        name=f"系统{code}",
        category="business",
        mlps_result="pass",
        mlps_evaluated_on="2025-06-01",
        crypto_result="pass",
        crypto_assessed_on="2025-06-01",
    )
    fields.update(extra)
    return actions.register_system(
        acting_user=user, unit=user.primary_organisation, code=code, **fields
    )


def resource_fields(**over):
    fields = {
        "classification": "department",
        "class_code": "A01.02",
        "resource_code": "A01.02/000001",
        "name": "学籍信息",
        "summary": "全市中小学学籍",
        "format": "database",
        "share_type": "unconditional",
        "share_method": "platform_api",
        "open_type": "closed",
        "open_scope": "all",
        "update_cycle": "daily",
    }
    fields.update(over)
    return fields


def test_register_edit_and_curate_a_system(personas, login):
    client = login(personas.jw_officer)
    assert client.get("/catalog/systems/new/").status_code == 200
    unit = personas.jw_officer.primary_organisation
    response = client.post(
        "/catalog/systems/new/", {**SYSTEM_POST, "unit": unit.pk, "code": "JW-DD-01"}
    )
    system = InformationSystem.objects.get(code="JW-DD-01")
    assert response.status_code == 302 and response.url == f"/catalog/systems/{system.pk}/"
    assert system.unit == unit and system.mlps_level == 3 and not system.catalogued

    page = client.get(response.url).content.decode()
    assert "教育督导信息系统" in page and "未纳入总目录" in page
    assert "R31.3" in page  # the O&M preview cites the missing catalogue entry (第三十一条)

    # the same code cannot be registered twice: the action's message lands on the field
    again = client.post(
        "/catalog/systems/new/", {**SYSTEM_POST, "unit": unit.pk, "code": "JW-DD-01"}
    )
    assert again.status_code == 422 and "系统编码 JW-DD-01 已存在。" in again.content.decode()

    # the edit form shows the stored dates (ISO for the date picker, not 2026/09/29)
    form = client.get(f"/catalog/systems/{system.pk}/edit/").content.decode()
    assert system.mlps_evaluated_on and system.crypto_assessed_on
    assert f'value="{system.mlps_evaluated_on.isoformat()}"' in form
    assert f'value="{system.crypto_assessed_on.isoformat()}"' in form

    edit = {**SYSTEM_POST, "crypto_result": "fail", "hosting": "other"}
    response = client.post(f"/catalog/systems/{system.pk}/edit/", edit)
    assert response.status_code == 422
    assert "未部署在数字重庆云的，须说明理由（第二十条）。" in response.content.decode()
    edit["hosting_justification"] = "涉及专用终端，暂不能迁移"
    response = client.post(f"/catalog/systems/{system.pk}/edit/", edit)
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.crypto_result == "fail" and system.hosting == "other"

    # unit staff cannot curate; BDB can
    assert (
        client.post(f"/catalog/systems/{system.pk}/curate/", {"catalogued": "1"}).status_code == 404
    )
    page = client.get(f"/catalog/systems/{system.pk}/").content.decode()
    assert 'data-testid="act-update-system-open"' in page and "act-curate-system" not in page
    bdb = login(personas.bdb)
    assert (
        'data-testid="act-curate-system"'
        in bdb.get(f"/catalog/systems/{system.pk}/").content.decode()
    )
    response = bdb.post(
        f"/catalog/systems/{system.pk}/curate/", {"catalogued": "1", "note": "信息完整"}
    )
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.catalogued and system.curated_by == personas.bdb
    page = bdb.get(f"/catalog/systems/{system.pk}/").content.decode()
    assert "已纳入总目录" in page and "第三十二条" in page  # crypto 不符合 now blocks O&M


def test_bdb_registers_for_any_unit(personas, login):
    wj = personas.wj_officer.primary_organisation
    response = login(personas.bdb).post(
        "/catalog/systems/new/", {**SYSTEM_POST, "unit": wj.pk, "code": "WJ-01"}
    )
    assert response.status_code == 302
    assert InformationSystem.objects.get(code="WJ-01").unit == wj


def test_another_units_officer_gets_404(personas, login):
    system = register(personas, "JW-404")
    client = login(personas.wj_officer)
    for url in (
        f"/catalog/systems/{system.pk}/",
        f"/catalog/systems/{system.pk}/edit/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/catalog/systems/{system.pk}/isolation/").status_code == 404
    listing = client.get("/catalog/systems/").content.decode()
    assert "JW-404" not in listing
    # the auditor reads it but gets no edit button
    page = login(personas.auditor).get(f"/catalog/systems/{system.pk}/")
    assert page.status_code == 200 and "edit-system" not in page.content.decode()


def test_list_filters_and_export(personas, login):
    register(personas, "JW-A")
    b = register(personas, "JW-B", network="isolated", isolation_reason="涉密数据")
    actions.curate_system(b, acting_user=personas.bdb)
    client = login(personas.jw_officer)
    page = client.get("/catalog/systems/?network=isolated").content.decode()
    assert "JW-B" in page and "JW-A" not in page
    page = client.get("/catalog/systems/?catalogued=0").content.decode()
    assert "JW-A" in page and "JW-B" not in page
    page = client.get("/catalog/systems/?q=JW-A").content.decode()
    assert "JW-A" in page and "JW-B" not in page
    response = client.get("/catalog/systems/export/?catalogued=1")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "系统编码" and ws["A2"].value == "JW-B" and ws.max_row == 2


def test_isolation_review_by_bdb_then_city_government(personas, login):
    system = register(personas, "JW-ISO", network="isolated", isolation_reason="法律规定不得联网")
    page = login(personas.bdb).get(f"/catalog/systems/{system.pk}/").content.decode()
    assert 'data-testid="act-review-isolation-open"' in page and 'data-rule="R31.1"' in page
    assert "待市大数据发展局初审" in page
    # the city government's card says it waits for BDB (R31.1.bdb-first); forcing it refuses
    gov = login(personas.gov)
    page = gov.get(f"/catalog/systems/{system.pk}/").content.decode()
    assert 'disabled data-testid="act-review-isolation"' in page
    assert 'data-rule="R31.1.bdb-first"' in page
    gov.post(f"/catalog/systems/{system.pk}/isolation/")
    system.refresh_from_db()
    assert system.isolation_state == "awaiting_bdb"
    assert login(personas.bdb).post(f"/catalog/systems/{system.pk}/isolation/").status_code == 302
    system.refresh_from_db()
    assert system.isolation_bdb_reviewed_on and not system.isolation_gov_approved_on
    assert system.isolation_state == "awaiting_gov"
    gov = login(personas.gov)
    page = gov.get(f"/catalog/systems/{system.pk}/").content.decode()
    assert 'data-testid="act-review-isolation-open"' in page
    assert gov.post(f"/catalog/systems/{system.pk}/isolation/").status_code == 302
    system.refresh_from_db()
    assert system.isolation_gov_approved_on and system.isolation_state == "approved"


def _book(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "systems.xlsx"
    return buf


def test_import_page_shows_counts_and_rejected_cells(personas, login, immediate_tasks):
    header = [h for h, _f, _c in xlsx.SYSTEM_COLUMNS]

    def row(code, **over):
        values = dict.fromkeys(header, "")
        values.update({"系统编码": code, "系统名称": f"系统{code}", "所属单位": "市教委"})
        values["系统类别"] = "业务信息系统"
        values.update(over)
        return [values[h] for h in header]

    client = login(personas.jw_officer)
    assert client.get("/catalog/systems/import/").status_code == 200
    file = _book(
        [header, row("IMP-1"), row("IMP-2", 系统类别="不存在"), row("IMP-3", 等保级别="9")]
    )
    response = client.post("/catalog/systems/import/", {"file": file}, follow=True)
    assert response.redirect_chain[0][0].startswith("/jobs/")  # imported in the background
    page = response.content.decode()
    assert "新增 1，更新 0，未变 0，拒绝 2 行" in page
    assert "<td>3</td><td>系统类别</td>" in page and "<td>4</td><td>等保级别</td>" in page
    assert InformationSystem.objects.filter(code="IMP-1").exists()

    # a file that is not a workbook is refused with a form error
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    response = client.post("/catalog/systems/import/", {"file": bad})
    assert "无法读取该文件" in response.content.decode()
    # those who act for no unit have no import page
    assert login(personas.auditor).get("/catalog/systems/import/").status_code == 404


def test_resource_form_validation_and_save(personas, login, immediate_tasks):
    client = login(personas.jw_officer)
    unit = personas.jw_officer.primary_organisation
    system = register(personas, "JW-RES")
    assert client.get("/catalog/resources/new/").status_code == 200
    data = {
        **resource_fields(share_type="conditional"),
        "provider": unit.pk,
        "systems": [system.pk],
        "items": "学籍号:char:20\n入学日期",
    }
    response = client.post("/catalog/resources/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "第 2 个信息项“入学日期”：请选择数据类型。" in page  # the second row has no type
    data["items"] = "学籍号:字符:20\n入学日期:日期"  # types by their labels too
    page = client.post("/catalog/resources/new/", data).content.decode()
    assert "有条件共享的资源须写明共享条件。" in page
    assert not DataResource.objects.exists()

    # an item's owning system must be one of the providing systems
    data["share_conditions"] = "仅用于学生资助审核"
    wrong = {**data, "items": "学籍号:char:20:WJ-X\n入学日期:date"}
    response = client.post("/catalog/resources/new/", wrong)
    assert "所属系统须为该资源的提供系统（JW-RES）" in response.content.decode()
    assert not DataResource.objects.exists()
    response = client.post("/catalog/resources/new/", data)
    assert response.status_code == 302, response.content.decode()
    res = DataResource.objects.get(resource_code="A01.02/000001")
    assert [i.name for i in res.items.all()] == ["学籍号", "入学日期"]
    assert {i.system for i in res.items.all()} == {system}  # the only providing system
    assert list(res.systems.all()) == [system]

    detail = client.get(f"/catalog/resources/{res.pk}/").content.decode()
    assert "学籍号" in detail and "仅用于学生资助审核" in detail and "JW-RES" in detail
    assert 'data-testid="act-update-resource-open"' in detail

    # edit: another unit cannot, the provider can; the form shows the items as typed
    assert login(personas.wj_officer).get(f"/catalog/resources/{res.pk}/edit/").status_code == 404
    client = login(personas.jw_officer)
    form = client.get(f"/catalog/resources/{res.pk}/edit/").content.decode()
    assert "学籍号:字符:20:JW-RES" in form
    data["name"] = "学籍基本信息"
    response = client.post(f"/catalog/resources/{res.pk}/edit/", data)
    assert response.status_code == 302
    res.refresh_from_db()
    assert res.name == "学籍基本信息" and res.items.count() == 2

    # the authoritative flag is BDB's: a unit that sets it is refused, citing Art. 31
    page = client.post(
        f"/catalog/resources/{res.pk}/edit/", {**data, "is_authoritative": "on"}, follow=True
    ).content.decode()
    assert "权威数据源由市大数据发展局认定（第三十一条）" in page
    res.refresh_from_db()
    assert not res.is_authoritative
    client = login(personas.bdb)
    response = client.post(f"/catalog/resources/{res.pk}/edit/", {**data, "is_authoritative": "on"})
    assert response.status_code == 302
    res.refresh_from_db()
    assert res.is_authoritative

    # every unit finds it in the catalogue
    listing = login(personas.wj_officer).get("/catalog/resources/?share_type=conditional")
    assert "学籍基本信息" in listing.content.decode()


def test_resource_import_and_export(personas, login, immediate_tasks):
    header = [h for h, _f, _c in xlsx.RESOURCE_COLUMNS]
    values = dict.fromkeys(header, "")
    values.update(
        {
            "资源代码": "B01/000001",
            "分类代码": "B01",
            "资源属性": "部门信息资源",
            "资源名称": "教师信息",
            "资源提供方": "市教委",
            "资源摘要": "教师基本信息",
            "资源格式": "数据库",
            "信息项": "姓名:字符:50；入职日期:日期",
            "共享类型": "有条件共享",
            "共享方式": "共享平台方式（接口）",
            "开放类型": "不予开放",
            "更新周期": "每月",
        }
    )
    client = login(personas.jw_officer)
    response = client.post(
        "/catalog/resources/import/",
        {"file": _book([header, [values[h] for h in header]])},
        follow=True,
    )
    page = response.content.decode()
    assert "拒绝 1 行" in page and "共享条件" in page  # conditional sharing needs conditions
    values["共享条件"] = "仅限本市教育行政部门"
    response = client.post(
        "/catalog/resources/import/",
        {"file": _book([header, [values[h] for h in header]])},
        follow=True,
    )
    assert "新增 1，更新 0" in response.content.decode()
    export = client.get("/catalog/resources/export/")
    ws = load_workbook(io.BytesIO(export.content)).active
    assert ws["A2"].value == "B01/000001"


def test_catalog_pages_render_for_every_role(personas, login):
    system = register(personas, "JW-ALL", network="isolated", isolation_reason="依法不得联网")
    res = actions.save_resource(
        acting_user=personas.jw_officer,
        provider=personas.jw_officer.primary_organisation,
        items=[{"name": "学籍号", "data_type": "char"}],
        systems=[system],
        **resource_fields(),
    )
    actions.decide_om_funding(acting_user=personas.finance, budget_year=2030)
    pages = ["/catalog/systems/", f"/catalog/systems/{system.pk}/", "/catalog/resources/"]
    pages += [f"/catalog/resources/{res.pk}/", "/catalog/om-decisions/"]
    roles = ("jw_officer", "wj_officer", "bdb", "drc", "finance", "gov", "auditor", "admin")
    for user in [getattr(personas, name) for name in (*roles, "consultant", "supervisor")]:
        client = login(user)
        for url in pages:
            status = client.get(url).status_code
            assert status in (200, 404), (user.username, url, status)
    nav = login(personas.finance).get("/").content.decode()
    assert "目录与运维" in nav and "运维经费决定" in nav and "生成 " in nav  # to-do of next year


def test_the_chapter_address_opens_the_master_catalog(personas, login):
    response = login(personas.bdb).get("/catalog/")
    assert response.status_code == 302 and response.url == "/catalog/systems/"
