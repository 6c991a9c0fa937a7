"""The O&M funding runs this chapter reads (the catalog chapter decides them)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from catalog.models import OMRun

DECIDED = "decided"


def decided_runs() -> QuerySet[OMRun]:
    """Runs that decided (a run the database refused is kept as failed, without decisions)."""
    runs = OMRun.objects.all()
    if any(f.name == "state" for f in OMRun._meta.concrete_fields):
        runs = runs.filter(state=DECIDED)
    return runs


def latest_om_runs(on: dt.date) -> QuerySet[OMRun]:
    """The decided runs on ``on``, the latest (the latest budget year's newest) first."""
    return (
        decided_runs()
        .filter(decided_at__date__lte=on)
        .order_by("-budget_year", "-decided_at", "-pk")
    )


def latest_om_run(on: dt.date) -> int | None:
    """The latest decided run on ``on`` (the latest budget year's newest)."""
    return latest_om_runs(on).values_list("pk", flat=True).first()
