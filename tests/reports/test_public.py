"""The public transparency page (issue 12, point 3): open without sign-in, approved projects
only, a whitelist of fields — an anonymous probe walks every public address and finds nothing
else (no codes, people, contacts, documents, classified stubs, nothing before approval); open
data as CSV and xlsx; cached."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from delivery.models import Delivery
from documents.models import Document
from projects.models import ClassifiedStub, Project, ProjectState
from reports import public

PUBLIC_URLS = [
    "/open/",
    "/open/?q=教育",
    "/open/?stage=accepted",
    "/open/?health=2",
    "/open/?year=2026&kind=new",
    "/open/?page=2",
    "/open/projects.csv",
    "/open/projects.csv?stage=building",
    "/open/projects.xlsx",
    "/open/projects.xlsx?q=平台",
]
pytestmark = pytest.mark.django_db
HEADER = [
    "项目名称",
    "建设单位",
    "项目类型",
    "批复总投资（万元）",
    "计划年度",
    "所处阶段",
    "竣工验收",
    "运维经费决定",
    "健康度",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def forbidden_words():
    """What must never show: project codes, anything about projects before approval, people,
    their contacts, document names, classified stubs."""
    words = set(Project.objects.values_list("code", flat=True))
    words |= set(
        Project.objects.exclude(state=ProjectState.APPROVED).values_list("name", flat=True)
    )
    for user in User.objects.all():
        words |= {user.username, user.get_full_name()} - {""}
    words |= {d.responsible_person for d in Delivery.objects.all()} - {""}
    words |= {d.responsible_phone for d in Delivery.objects.all()} - {""}
    words |= set(Document.objects.values_list("title", flat=True))
    words |= set(ClassifiedStub.objects.values_list("code", flat=True))
    # a name that is also part of an approved project's name is not a leak
    approved = " ".join(
        Project.objects.filter(state=ProjectState.APPROVED).values_list("name", flat=True)
    )
    return {w for w in words if w and w not in approved}


def readable(response):
    if response["Content-Type"].startswith("text/csv"):
        return response.content.decode("utf-8-sig")
    if "spreadsheetml" in response["Content-Type"]:
        wb = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    return response.content.decode()


def test_anonymous_probe_finds_only_whitelisted_fields(city, client):
    forbidden = forbidden_words()
    assert forbidden  # the demo has codes, people and unapproved projects to leak
    for url in PUBLIC_URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        body = readable(response)
        leaked = [w for w in forbidden if w in body]
        assert not leaked, (url, leaked[:5])
        assert "/documents/" not in body and "/reports/documents/" not in body, url
        assert not re.search(r"1[3-9]\d{9}", body), url  # no mobile number


def test_the_open_data_columns_are_the_whitelist_and_rows_the_approved_projects(city, client):
    rows = list(
        csv.reader(io.StringIO(client.get("/open/projects.csv").content.decode("utf-8-sig")))
    )
    assert rows[0] == HEADER
    approved = Project.objects.filter(state=ProjectState.APPROVED)
    assert sorted(r[0] for r in rows[1:]) == sorted(approved.values_list("name", flat=True))
    ws = load_workbook(io.BytesIO(client.get("/open/projects.xlsx").content)).active
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == HEADER and values[-1][0] == "合计"
    assert len(values) == approved.count() + 2


def test_search_and_filters(city, client):
    project = Project.objects.filter(state=ProjectState.APPROVED).first()
    body = client.get("/open/", {"q": project.name}).content.decode()
    assert project.name in body
    assert client.get("/open/?year=abc").status_code == 422
    assert client.get("/open/projects.csv?stage=draft").status_code == 422  # not a public stage


def test_the_page_is_cached(city, client, django_assert_num_queries):
    client.get("/open/")
    client.get("/open/projects.csv")
    with django_assert_num_queries(0):
        assert client.get("/open/").status_code == 200
        assert client.get("/open/projects.csv").status_code == 200
    assert public.CACHE_SECONDS >= 60


def test_the_public_page_needs_no_sign_in_and_carries_no_form_token(city, client):
    response = client.get(reverse("reports:open"))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies
