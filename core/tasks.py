"""Background tasks of the ground floor (django-tasks, database backend)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task


@task()
def checkpoint_ledger(reschedule: bool = True) -> int:
    """Sign the ledger's head into the anchor store, then schedule the next checkpoint."""
    from .anchors import write_checkpoint

    checkpoint = write_checkpoint()
    backend = checkpoint_ledger.get_backend()
    if reschedule and backend.supports_defer:
        minutes = int(getattr(settings, "GOVIT_CHECKPOINT_MINUTES", 10))
        checkpoint_ledger.using(run_after=timezone.now() + dt.timedelta(minutes=minutes)).enqueue(
            reschedule=True
        )
    return checkpoint.seq if checkpoint else 0
