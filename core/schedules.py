"""The platform's periodic background tasks, each enqueued once and re-enqueuing itself.

``settings.GOVIT_PERIODIC_TASKS`` names them (core names no chapter): the deadline sweeps,
the ledger checkpoints, the health snapshots. ``manage.py schedule_tasks`` (run once at
installation, and by ``serve`` at start-up) enqueues each one that is not already waiting or
running, so that restarting a server never doubles a schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# A task still marked RUNNING after this long was cut off (the worker stopped mid-run) and
# no longer counts as pending.
STALE_RUNNING = dt.timedelta(hours=1)


def periodic_tasks() -> list[Any]:
    return [import_string(path) for path in settings.GOVIT_PERIODIC_TASKS]


def is_pending(task: Any) -> bool:
    """Is ``task`` waiting (whatever its run_after) or running (started recently) in the
    database backend?"""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    runs = DBTaskResult.objects.filter(task_path=task.module_path)
    return (
        runs.filter(status=TaskResultStatus.READY).exists()
        or runs.filter(
            status=TaskResultStatus.RUNNING, started_at__gte=timezone.now() - STALE_RUNNING
        ).exists()
    )


def enqueue_once(task: Any) -> bool:
    """Enqueue ``task`` (it re-enqueues itself) unless it is pending; whether it enqueued."""
    if task.get_backend().supports_defer and is_pending(task):
        return False
    task.enqueue(reschedule=True)
    return True
