"""Background tasks (django-tasks, database backend; `make run` starts the worker).

``sweep_deadlines`` runs the deadline sweep and schedules its next run, so one enqueue keeps
the clocks ticking every ``SWEEP_INTERVAL`` while a worker runs. Enqueued on start-up by
``manage.py serve`` and by ``manage.py sweep_deadlines --enqueue``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_INTERVAL = dt.timedelta(hours=6)


@task()
def sweep_deadlines(reschedule: bool = True) -> int:
    from .sweep import sweep

    created = sweep()
    # A backend without deferred runs (the immediate one of tests and development) would refuse
    # ``run_after`` and fail the sweep that just succeeded; there the next run is not scheduled.
    if reschedule and sweep_deadlines.get_backend().supports_defer:
        sweep_deadlines.using(run_after=timezone.now() + SWEEP_INTERVAL).enqueue(reschedule=True)
    return created
