"""Bad input never yields a 5xx: numbers beyond 64 bits, multipart bodies without a boundary
and addresses no operation answers all get the one JSON error format, in Chinese."""

import json

import pytest
from django.db import DataError

from core.api import MAX_PAGE

from .helpers import assert_error

BEYOND_64_BITS = 2**70


@pytest.fixture
def auditor(personas, login):
    return login(personas.auditor)


@pytest.mark.parametrize(
    "path", ["/api/ledger", "/api/organisations", "/api/catalog/systems", "/api/decisions"]
)
def test_a_page_beyond_the_bound_is_a_422(auditor, path):
    body = assert_error(auditor.get(path, {"page": BEYOND_64_BITS}), 422, "invalid")
    assert body["errors"] == {"page": f"不能大于 {MAX_PAGE}"}
    # the last allowed page is simply empty, and the first still lists
    assert auditor.get(path, {"page": MAX_PAGE}).json()["items"] == []
    assert auditor.get(path, {"page": 1}).status_code == 200


def test_the_page_bound_is_in_the_document(db, client):
    ledger = client.get("/api/openapi.json").json()["paths"]["/api/ledger"]["get"]
    page = next(p for p in ledger["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == MAX_PAGE


def test_an_id_beyond_64_bits_is_not_found(auditor):
    assert_error(auditor.get(f"/api/organisations/{BEYOND_64_BITS}"), 404, "not_found")
    assert_error(auditor.get(f"/api/projects/{BEYOND_64_BITS}"), 404, "not_found")


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        (OverflowError("Python int too large to convert to SQLite INTEGER"), 400, "out_of_range"),
        (DataError("bigint out of range"), 400, "out_of_range"),
        (DataError("value too long for type character varying(20)"), 500, "server_error"),
    ],
)
def test_a_number_the_database_cannot_hold_is_the_clients_error(
    personas, login, monkeypatch, raised, status, code
):
    """The safety net behind the bounds: SQLite's OverflowError and PostgreSQL's "numeric value
    out of range" (SQLSTATE 22003) are a 400; any other database error stays a 500."""
    if "bigint" in str(raised):
        raised.__cause__ = type("NumericValueOutOfRange", (Exception,), {"sqlstate": "22003"})()

    def fail():
        raise raised

    monkeypatch.setattr("policy.api._gates_by_rule", fail)
    body = assert_error(login(personas.jw_officer).get("/api/rules"), status, code)
    if status == 400:
        assert body["message"].startswith("请求中的数字过大")


@pytest.mark.parametrize("path", ["/api/catalog/systems/import", "/api/catalog/resources/import"])
def test_an_upload_without_a_boundary_is_a_400(personas, login, path):
    client = login(personas.jw_officer)
    response = client.post(path, b"--x\r\n\r\n", content_type="multipart/form-data")
    body = assert_error(response, 400, "bad_request")
    assert "boundary" in body["message"] and "上传" in body["message"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/no-such-thing"),
        ("get", "/api/projects/not-a-number"),
        ("post", "/api/no-such-thing"),
        ("delete", "/api/organisations/1/nothing"),
    ],
)
def test_an_address_no_operation_answers_is_a_json_404(auditor, method, path):
    body = assert_error(getattr(auditor, method)(path), 404, "not_found")
    assert body["message"].startswith("接口地址不存在")


def test_pages_outside_the_api_keep_their_html_404(auditor):
    response = auditor.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        (
            "/api/investment/plans/2027/compile",
            {"amounts_wan": [None, None]},
            "amounts_wan",
            "计划金额应为“项目编号 → 金额（万元）”的对象。",
        ),
        (
            "/api/catalog/resources",
            {"items": [[None, None]]},
            "items",
            "第 1 个信息项应为含名称、类型的对象。",
        ),
        (
            "/api/projects/frameworks/1/participants",
            {"content_items": False},
            "content_items",
            "应为文本或文本的列表。",
        ),
        (
            "/api/projects/reviews/1/decide-list",
            {"decision": "pass", "criteria": {"basis": [None, None]}},
            "",
            "审核要点“basis”应为含 verdict、opinion 的对象。",
        ),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_422(auditor, path, body, field, message):
    """Shapes the contracts' own parsers did not expect (a list where an object belongs) made
    a TypeError, a 500; they are a 422 naming the field, like any other invalid input."""
    response = auditor.post(path, json.dumps(body), content_type="application/json")
    errors = assert_error(response, 422, "invalid")["errors"]
    assert any(message in text for text in errors.values()), errors
    if field:
        assert message in errors[field]


def test_notification_settings_with_every_box_left_out(auditor):
    """Found by the fuzz test: a category without its box (background jobs) made a 500. A job's
    notice cannot be muted (like to-do reminders), so it needs none."""
    response = auditor.post(
        "/api/actions/core.save_notification_settings", "{}", content_type="application/json"
    )
    assert response.status_code == 200, response.content
