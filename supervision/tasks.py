"""Background tasks (django-tasks, database backend).

``sweep_supervision`` runs the supervision sweep and schedules its next run, so one enqueue
keeps the supervision clocks ticking every ``SWEEP_INTERVAL`` while a worker runs. Enqueued by
``manage.py sweep_supervision --enqueue``, and with the other periodic tasks by
``manage.py schedule_tasks`` (which ``serve`` runs at start-up)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

SWEEP_INTERVAL = dt.timedelta(hours=6)


@task()
def sweep_supervision(reschedule: bool = True) -> int:
    from .sweep import sweep

    result = sweep()
    # the immediate backend of tests and development cannot defer: no next run there
    if reschedule and sweep_supervision.get_backend().supports_defer:
        sweep_supervision.using(run_after=timezone.now() + SWEEP_INTERVAL).enqueue(reschedule=True)
    return result.total
