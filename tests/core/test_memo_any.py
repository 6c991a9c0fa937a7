"""Rows a page's object may have (core.memo.read_along_any, issue 17): the project page reads
with its project whether it has any sanction, request, incident, … and a read of such rows
costs nothing when it has none; when it has some, they are read and shown as before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.memo import (
    _ALONG,
    memo_scope,
    page_rows,
    remember_reads_along,
    rows_if_any,
    with_reads_along,
)
from projects.models import Project

pytestmark = pytest.mark.django_db


def flags_of(project):
    """The "has any" facts registered for the project page, as read with the project."""
    read = with_reads_along(Project.objects.all()).get(pk=project.pk)
    return {
        along.key(read)[1]: getattr(read, f"along_{i}")
        for i, along in enumerate(_ALONG["projects.project"])
        if along.expression is not None and along.key(read)[0] == "any"
    }


def test_a_new_project_has_none_of_the_rows_its_page_asks_about(walker):
    project = walker.create("学生资助精准认定系统", "800")
    flags = flags_of(project)
    assert {"sanctions_against", "supervision_requests", "incidents", "match_sets"} <= set(flags)
    assert not any(flags.values()), flags


def test_rows_are_not_read_when_the_page_knows_there_are_none(walker):
    project = walker.create("学生资助精准认定系统", "800")
    read = with_reads_along(Project.objects.all()).get(pk=project.pk)
    asked = []
    with memo_scope():
        remember_reads_along(read)
        assert rows_if_any("incidents", read, lambda: asked.append(1) or ["row"]) == []
        assert page_rows("acceptances", read, lambda: asked.append(2) or ["row"]) == []
    assert asked == []
    # outside a page, or for a name the page did not read along, the rows are read
    assert rows_if_any("incidents", read, lambda: ["row"]) == ["row"]
    with memo_scope():
        remember_reads_along(read)
        assert rows_if_any("something_else", read, lambda: ["row"]) == ["row"]


def test_an_incident_turns_its_flag_on_and_shows_on_the_page(walker, login, personas):
    from delivery import actions as delivery
    from tests.projects.test_page_queries import in_state

    project = in_state(walker, "delivery")
    assert flags_of(project)["incidents"] is False
    delivery.report_incident(
        project, acting_user=personas.jw_officer, kind="delay", description="机房交付滞后两个月。"
    )
    assert flags_of(project)["incidents"] is True
    with CaptureQueriesContext(connection) as capture:
        page = login(personas.drc).get(f"/projects/{project.pk}/").content.decode()
    assert "机房交付滞后两个月" in page
    assert any('"delivery_incident"' in q["sql"] for q in capture.captured_queries)
