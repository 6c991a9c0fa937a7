"""OpenAPI schema and Swagger UI, served without any CDN."""

import re

import pytest


def test_openapi_lists_the_paths(db, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert {
        "/api/me",
        "/api/organisations",
        "/api/organisations/{organisation_id}",
        "/api/rules",
        "/api/decisions",
        "/api/decisions/{decision_id}",
        "/api/ledger",
        "/api/policy/approval-path",
    } <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"ApiTokenAuth", "SessionAuth"}
    assert not any("docs" in path for path in schema["paths"])


def test_docs_page_uses_no_cdn(db, client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert len(sources) >= 3
    assert not [s for s in sources if s.startswith(("http://", "https://", "//"))]
    assert "cdn" not in html.lower()
    assert "/api/openapi.json" in html


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css")],
)
def test_docs_assets_are_served_locally(db, client, name, content_type):
    response = client.get(f"/api/docs/assets/{name}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert b"".join(response.streaming_content)


def test_docs_assets_are_whitelisted(db, client):
    response = client.get("/api/docs/assets/__init__.py")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unexpected_error_is_500_json(personas, login, monkeypatch):
    def boom():
        raise RuntimeError("测试用的意外错误")

    monkeypatch.setattr("policy.api._gates_by_rule", boom)
    response = login(personas.jw_officer).get("/api/rules")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "服务器内部错误，请稍后重试。",
        "findings": [],
    }
