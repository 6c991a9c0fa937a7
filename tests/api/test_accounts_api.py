"""/api/me and the organisation directory."""

from .helpers import assert_error


def test_me_lists_roles(personas, login):
    body = login(personas.jw_officer).get("/api/me").json()
    unit = personas.jw_officer.primary_organisation
    assert body == {
        "username": "jw_tianbao",
        "full_name": personas.jw_officer.full_name,
        "roles": [
            {
                "organisation_id": unit.pk,
                "organisation": "重庆市教育委员会",
                "role": "unit_officer",
                "role_label": "填报人",
            }
        ],
    }


def test_organisations_are_paginated_and_filtered(personas, login):
    client = login(personas.jw_officer)
    body = client.get("/api/organisations", {"page_size": 5}).json()
    assert body["count"] >= 20 and len(body["items"]) == 5

    units = client.get("/api/organisations", {"kind": "unit", "page_size": 100}).json()
    assert units["items"] and {o["kind"] for o in units["items"]} == {"unit"}
    assert {o["kind_label"] for o in units["items"]} == {"项目建设单位"}

    found = client.get("/api/organisations", {"q": "教委"}).json()
    assert [o["short_name"] for o in found["items"]] == ["市教委"]
    # the same filters as the admin's directory page: organisations nobody can sign in for
    empty = client.get("/api/organisations", {"members": "none", "page_size": 100}).json()
    names = {o["name"] for o in empty["items"]}
    assert "重庆市人民检察院" in names and "重庆市教育委员会" not in names


def test_organisation_filter_rejects_unknown_kind(personas, login):
    body = assert_error(
        login(personas.jw_officer).get("/api/organisations", {"kind": "bank"}), 422, "invalid"
    )
    # the directory's filter set (the same as the admin's page), in Chinese, field by field
    assert body["message"] == "筛选条件无效，请检查后重试。"
    assert "bank" in body["errors"]["kind"] and "有效的选项" in body["errors"]["kind"]


def test_organisation_detail_and_404(personas, login):
    client = login(personas.jw_officer)
    unit = personas.wj_officer.primary_organisation
    body = client.get(f"/api/organisations/{unit.pk}").json()
    assert body["name"] == "重庆市卫生健康委员会" and body["unit_category"] == "1"
    body = assert_error(client.get("/api/organisations/999999"), 404, "not_found")
    assert body["message"] == "对象不存在或无权查看。"
