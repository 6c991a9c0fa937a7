"""The reports chapter over JSON: the same chart data the pages draw, the portfolio list with its
filters (a bad value is a 422 in Chinese), a project's health with facts and articles."""

import pytest

from projects.models import Project, ProjectState
from reports import dashboards
from tests.api.helpers import assert_error
from tests.reports.conftest import city  # noqa: F401  (the demo city, once per module)

pytestmark = pytest.mark.django_db


def test_the_dashboards_a_user_may_open(city, client):  # noqa: F811
    client.force_login(city["szf_shenpi"])
    body = client.get("/api/reports/dashboards").json()
    assert [d["key"] for d in body] == ["leadership"]
    client.force_login(city["jw_tianbao"])
    assert [d["key"] for d in client.get("/api/reports/dashboards").json()] == ["unit"]
    assert client.get("/api/reports/dashboards/leadership").status_code == 404


def test_the_chart_data_is_the_pages(city, client):  # noqa: F811
    user = city["szf_shenpi"]
    client.force_login(user)
    body = client.get("/api/reports/dashboards/leadership?year=2026").json()
    scope = dashboards.scope_for(user, {"year": "2026"})
    expected = [c.as_json() for c in dashboards.compute(dashboards.FAMILIES["leadership"], scope)]
    assert body["charts"] == expected
    assert_error(client.get("/api/reports/dashboards/leadership?kind=bad"), 422, "invalid")


def test_the_portfolio_list_with_its_filters(city, client):  # noqa: F811
    client.force_login(city["szf_shenpi"])
    body = client.get("/api/reports/projects?stage=approved&page_size=100").json()
    approved = Project.objects.filter(state=ProjectState.APPROVED)
    assert body["count"] == approved.count()
    assert {row["code"] for row in body["items"]} == set(approved.values_list("code", flat=True))
    assert all(row["health"] in (0, 1, 2) for row in body["items"])
    assert_error(client.get("/api/reports/projects?health=7"), 422, "invalid")


def test_a_projects_health_with_facts_and_articles(city, client):  # noqa: F811
    project = Project.objects.filter(state=ProjectState.APPROVED).first()
    client.force_login(city["szf_shenpi"])
    body = client.get(f"/api/reports/projects/{project.pk}/health").json()
    assert body["level"] in (0, 1, 2)
    assert set(body["dimensions"]) == {"cost", "schedule", "reporting", "compliance"}
    assert all(f["articles"] and f["text"] for f in body["factors"])
    draft = Project.objects.exclude(state=ProjectState.APPROVED).exclude(state="draft").first()
    assert client.get(f"/api/reports/projects/{draft.pk}/health").json()["level"] is None
    client.force_login(city["zx_pinggu"])  # not the consultant's project
    other = (
        Project.objects.filter(state=ProjectState.APPROVED)
        .exclude(reviews__consultant__isnull=False)
        .first()
    )
    if other is not None:
        assert client.get(f"/api/reports/projects/{other.pk}/health").status_code == 404
