"""Background tasks of the reports chapter (django-tasks, database backend).

``refresh_health`` rates every approved project (the clocks run even when nobody acts), keeps
this month's snapshot the first time it runs in a month, brings the dashboards' stored figures up
to date (``reports.figures``), and schedules its next run a day later,
so one enqueue (``seed_demo``, or ``manage.py schedule_tasks``) keeps the ratings
current while a worker runs. ``issue_om_notices_task`` issues the O&M decision notices of a
yearly run (one per unit) after Finance's run committed.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

HEALTH_INTERVAL = dt.timedelta(days=1)


@task()
def refresh_health(reschedule: bool = True) -> int:
    from . import figures
    from .health import context, refresh, snapshot

    rated = refresh()
    snapshot()
    figures.catch_up(context())  # the dashboards' figures, as the day turned
    if reschedule and refresh_health.get_backend().supports_defer:
        refresh_health.using(run_after=timezone.now() + HEALTH_INTERVAL).enqueue(reschedule=True)
    return rated


@task()
def issue_om_notices_task(run_id: int) -> int:
    from catalog.models import OMRun

    from .builders import issue_om_notices

    run = OMRun.objects.filter(pk=run_id).first()
    return len(issue_om_notices(run)) if run is not None else 0
