"""Benchmarks (`make bench`). Speed targets live here, not in timed tests."""


class _Rollback(Exception):
    pass


def rolled_back(measure) -> None:
    """Run ``measure`` inside one transaction and roll it back, so the benchmarks that follow
    find the database as this one found it."""
    from django.db import transaction

    try:
        with transaction.atomic():
            measure()
            raise _Rollback
    except _Rollback:
        pass


def ensure_city() -> int:
    """The generated city of ``BENCH_SCALE`` projects and systems (``generate_portfolio``),
    made once per run by the first benchmark that needs it; returns the plan year with the most
    projects (the year the list benchmarks filter by)."""
    from django.core.management import call_command
    from django.db.models import Count

    from bench.results import SCALE
    from projects.models import Project

    if Project.objects.count() < SCALE // 2:
        call_command("generate_portfolio", projects=SCALE)
    busiest = Project.objects.values("year").annotate(n=Count("id")).order_by("-n").first()
    return int(busiest["year"]) if busiest else 2026
