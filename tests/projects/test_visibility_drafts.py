"""Readers of every project (BDB, DRC, Finance, the city government) see every submitted
project, and a draft only through a relation: a review of their authority (a project withdrawn
after submission) or a copy of a review step. Asked from those rows joined to the drafts, not
as a correlated EXISTS of every project (issue 17: at 100,000 projects PostgreSQL hashed all of
BDB's 183,000 reviews for each count and page of its list)."""

import pytest

from investment.models import BudgetLine
from projects import actions
from projects.models import Project, Review, ReviewCopy

pytestmark = pytest.mark.django_db

ITEM = "学生资助精准认定系统"


def seen(user):
    return set(Project.objects.for_user(user).values_list("pk", flat=True))


def test_readers_see_a_draft_only_through_a_review_or_a_copy(walker, personas):
    untouched = walker.create("未提交的草稿项目", "300", item_name=ITEM)
    withdrawn = walker.submit(walker.create("提交后撤回的项目", "800", item_name=ITEM))
    submitted = walker.submit(walker.create("已提交的项目", "500", item_name=ITEM))
    actions.withdraw_project(withdrawn.pk, acting_user=walker.officer)
    withdrawn.refresh_from_db()
    assert withdrawn.state == untouched.state == "draft"
    bdb, drc = personas.bdb, personas.drc
    # BDB reviewed the withdrawn draft (Art. 8); DRC never had it before it
    assert {withdrawn.pk, submitted.pk} <= seen(bdb) and untouched.pk not in seen(bdb)
    assert submitted.pk in seen(drc) and not {withdrawn.pk, untouched.pk} & seen(drc)
    review = Review.objects.filter(project=withdrawn).first()
    ReviewCopy.objects.create(review=review, recipient=drc, copied_by=bdb)
    assert withdrawn.pk in seen(drc) and untouched.pk not in seen(drc)
    # the unit sees its own drafts, whatever their relations
    assert {untouched.pk, withdrawn.pk, submitted.pk} <= seen(walker.officer)


def test_a_readers_drafts_are_asked_one_relation_at_a_time_of_the_drafts(personas):
    """Each relation is its own EXISTS beside the drafts' state, which PostgreSQL runs as a
    semi-join from the drafts; none is ORed into every project's condition."""
    sql = str(Project.objects.for_user(personas.bdb).query).replace("'", "")
    where = sql.split(" WHERE ", 1)[1]
    assert where.count("EXISTS") == where.count('V0."state" = draft AND EXISTS') >= 2


def test_rows_of_a_project_are_seen_with_it_and_a_readers_list_walks_its_own_index(
    walker, personas
):
    """Budget lines (and every row of a project) are seen exactly when their project is; for a
    reader the condition is on the joined project with the granted drafts named, not
    ``project IN (every visible project)`` (which PostgreSQL hashed, then sorted every line)."""
    untouched = walker.create("未提交的草稿项目", "300", item_name=ITEM)
    withdrawn = walker.submit(walker.create("提交后撤回的项目", "800", item_name=ITEM))
    submitted = walker.submit(walker.create("已提交的项目", "500", item_name=ITEM))
    actions.withdraw_project(withdrawn.pk, acting_user=walker.officer)
    for project in (untouched, withdrawn, submitted):
        BudgetLine.objects.create(project=project, year=2026, amount=1, created_by=personas.finance)
    people = (personas.bdb, personas.drc, personas.finance, personas.gov, personas.auditor,
              walker.officer, personas.wj_officer)  # fmt: skip
    for person in people:
        seen_projects = Project.objects.for_user(person)
        expected = set(BudgetLine.objects.filter(project__in=seen_projects).values_list("pk"))
        assert set(BudgetLine.objects.for_user(person).values_list("pk")) == expected, person
    lines = {line.project_id for line in BudgetLine.objects.for_user(personas.bdb)}
    assert lines == {withdrawn.pk, submitted.pk}
    where = str(BudgetLine.objects.for_user(personas.finance).query).split(" WHERE ", 1)[1]
    assert "SELECT" not in where  # no subquery: the granted drafts are named
