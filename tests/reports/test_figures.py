"""The dashboards' stored figures (``reports.figures``): every chart counted from them equals the
same chart counted live over the records, for every role family; an edit of a record marks its
project stale and the next page counts it again; rows of another basis or too many out of date
make the page count live."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from investment.models import Contract
from projects.models import Project, ReviewKind
from reports import dashboards, figures
from reports.models import REVIEW_KINDS, ProjectFigures

PEOPLE = ("szf_shenpi", "sjj_shenji", "sjj_shenji", "jw_tianbao")


def _both(user, family, **kwargs):
    fam = dashboards.FAMILIES[family]
    scope = dashboards.scope_for(user, kwargs.pop("params", {}), unit_only=fam.unit_only, **kwargs)
    assert scope.figures is not None
    live = dataclasses.replace(scope, figures=None, memo={})
    stored = {c.key: c.as_json() for c in dashboards.compute(fam, scope)}
    counted = {c.key: c.as_json() for c in dashboards.compute(fam, live)}
    return stored, counted


def _people(city):
    from accounts.models import User

    users = {u.username: u for u in User.objects.filter(is_active=True)}
    return [
        (users[name], family.key)
        for family in dashboards.FAMILIES.values()
        for name in users
        if dashboards.may_open(family, users[name]) and not users[name].is_superuser
    ]


def test_the_review_kinds_are_columns():
    assert set(REVIEW_KINDS) == set(ReviewKind.values)


def test_stored_figures_equal_the_live_counts_for_every_family(city, db):
    seen = set()
    for user, family in _people(city):
        if family in seen:
            continue
        seen.add(family)
        stored, counted = _both(user, family)
        assert stored == counted, (user.username, family)
    assert seen == set(dashboards.FAMILIES)


@pytest.mark.parametrize("params", [{"year": "2026"}, {"kind": "new"}])
def test_with_the_filters_too(city, db, params):
    unit = Project.objects.exclude(state="draft").values_list("unit_id", flat=True).first()
    for extra in (params, {"unit": str(unit)}):
        stored, counted = _both(city["szf_shenpi"], "leadership", params=extra)
        assert stored == counted


def test_on_another_day(city, db):
    later = dt.date.today() + dt.timedelta(days=800)
    stored, counted = _both(city["sjj_shenji"], "audit", on=later)
    assert stored == counted


def test_an_edit_marks_its_project_stale_and_the_page_counts_it_again(city, db):
    contract = Contract.objects.select_related("project").first()
    dashboards.scope_for(city["szf_shenpi"], {})  # all current
    contract.amount += Decimal("1234.56")
    contract.save()
    row = ProjectFigures.objects.get(pk=contract.project_id)
    assert row.stale
    stored, counted = _both(city["szf_shenpi"], "leadership")
    assert stored == counted
    row.refresh_from_db()
    assert not row.stale
    assert figures.yuan(row.contracted) == sum(
        Contract.objects.filter(project=contract.project_id).values_list("amount", flat=True)
    )


def test_a_plan_version_saved_marks_all_its_projects_stale(city, db):
    """A plan's publication marks its projects in two statements (reports.figures
    .mark_plan_stale): rows there are turn stale, and one missing is made stale."""
    from django.db.models import Count

    from investment.models import PlanEntry, PlanVersion

    version = PlanVersion.objects.annotate(n=Count("entries")).order_by("-n").first()
    ids = set(PlanEntry.objects.filter(version=version).values_list("project_id", flat=True))
    dashboards.scope_for(city["szf_shenpi"], {})  # all current
    missing = sorted(ids)[0]
    ProjectFigures.objects.filter(pk=missing).delete()
    version.save()
    stale = set(ProjectFigures.objects.filter(stale=True).values_list("pk", flat=True))
    assert ids <= stale and len(ids) > 1
    assert stale <= ids  # nothing else was touched
    stored, counted = _both(city["szf_shenpi"], "leadership")
    assert stored == counted


def test_a_new_project_and_a_deleted_one(city, db):
    project = Project.objects.exclude(state="draft").first()
    project.pk = None
    project.code = project.code + "-X"
    project.save()
    assert ProjectFigures.objects.get(pk=project.pk).stale
    stored, counted = _both(city["szf_shenpi"], "leadership")
    assert stored == counted
    Project.objects.filter(pk=project.pk).delete()
    assert not ProjectFigures.objects.filter(pk=project.pk).exists()


def test_rows_missing_or_of_another_basis_are_recomputed(city, db):
    ProjectFigures.objects.filter(pk__in=ProjectFigures.objects.values("pk")[:3]).delete()
    ProjectFigures.objects.update(basis="another")
    stored, counted = _both(city["sjj_shenji"], "audit")
    assert stored == counted
    assert ProjectFigures.objects.count() == Project.objects.count()


def test_too_many_out_of_date_and_the_page_counts_live(city, db, monkeypatch):
    monkeypatch.setattr(figures, "HEAL_LIMIT", 2)
    ProjectFigures.objects.update(stale=True)
    scope = dashboards.scope_for(city["szf_shenpi"], {})
    assert scope.figures is None
    assert dashboards.compute(dashboards.FAMILIES["leadership"], scope)
    assert ProjectFigures.objects.filter(stale=True).count() == Project.objects.count()


def test_a_rating_writes_its_level_into_the_figures(city, db):
    from reports.health import refresh
    from reports.models import ProjectHealth

    refresh()
    levels = dict(ProjectHealth.objects.values_list("project_id", "level"))
    stored = dict(ProjectFigures.objects.values_list("pk", "health_level"))
    assert {pk: level for pk, level in stored.items() if level is not None} == levels


def test_unwatched_bulk_work_leaves_every_row_stale(city, db):
    contract = Contract.objects.first()
    dashboards.scope_for(city["szf_shenpi"], {})
    with figures.unwatched():
        contract.amount += 1
        contract.save()
        assert not ProjectFigures.objects.get(pk=contract.project_id).stale
    assert not ProjectFigures.objects.filter(stale=False).exists()
    contract.save()  # watched again
    assert ProjectFigures.objects.get(pk=contract.project_id).stale


def test_the_daily_task_catches_up_however_many(city, db, monkeypatch):
    from reports.health import context

    monkeypatch.setattr(figures, "HEAL_LIMIT", 2)
    ProjectFigures.objects.update(stale=True)
    ProjectFigures.objects.filter(pk__in=ProjectFigures.objects.values("pk")[:2]).delete()
    assert figures.catch_up(context()) == Project.objects.count()
    assert figures.out_of_date(context()) == []
    stored, counted = _both(city["szf_shenpi"], "leadership")
    assert stored == counted
