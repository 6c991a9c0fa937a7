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
