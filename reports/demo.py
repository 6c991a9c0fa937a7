"""Demo data of the reports chapter: the official documents of the demo city's acts, the
O&M notices of its decided runs, and the current health of its projects with a snapshot; then
the daily refresh is scheduled (idempotent, like every seed)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.models import DBTaskResult


def seed_reports(people: Any = None) -> None:
    from .builders import backfill, issue_om_notices
    from .health import refresh, snapshot
    from .om import decided_runs
    from .pdf import fonts_installed
    from .tasks import refresh_health

    if fonts_installed():
        backfill()
        for run in decided_runs().exclude(decided_by=None):
            issue_om_notices(run)
    refresh()
    snapshot()
    pending = DBTaskResult.objects.filter(
        task_path=refresh_health.module_path, status__in=("READY", "RUNNING")
    ).exists()
    if not pending and refresh_health.get_backend().supports_defer:
        refresh_health.enqueue(reschedule=True)
