"""The project page reads what its card's actions share once (core.memo): its reads of the
reviews, of the sanctions and of the opinions' documents do not grow with the reviews it shows (issue 17; each review's
visibility used to be asked again, and each action offered on the card read the open reviews
and the sanctions anew)."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def queries_by_table(client, project) -> Counter:
    client.get(f"/projects/{project.pk}/")  # warm the content-type and policy caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/projects/{project.pk}/").status_code == 200
    return Counter(
        q["sql"].split(" FROM ")[1].split()[0].strip('"')
        for q in captured.captured_queries
        if " FROM " in q["sql"]
    )


def test_the_project_page_reads_each_shared_fact_once(walker, login, personas):
    project = walker.create("学生资助精准认定系统", "800")
    walker.walk(project, "listed")
    client = login(personas.bdb)
    listed = queries_by_table(client, project)
    project.refresh_from_db()
    walker.walk(project, "joint_review")  # five joint opinions open, an evaluation done
    in_joint_review = queries_by_table(client, project)
    assert project.reviews.count() >= 7
    # six more reviews and more actions offered on them, yet the reviews and the sanctions
    # are read as often as before (give or take the joint status): once each for the page
    assert in_joint_review["projects_review"] <= listed["projects_review"] + 1
    assert in_joint_review["supervision_sanction"] <= listed["supervision_sanction"] + 1
    # the opinions' documents are read for all reviews at once, not per review's panel
    assert in_joint_review["documents_document"] <= listed["documents_document"] + 1
    assert in_joint_review["projects_review"] <= 4, in_joint_review
