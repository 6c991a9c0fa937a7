"""In-app notifications. Rows are written in the action's transaction, so a rolled-back action
notifies nobody; ``dedupe_key`` keeps periodic sweeps from repeating themselves."""

from collections.abc import Iterable
from typing import Any

from .models import Notification


def notify(
    recipients: Iterable[Any], *, title: str, body: str = "", link: str = "", dedupe_key: str = ""
) -> int:
    rows = [
        Notification(recipient=user, title=title[:200], body=body, link=link, dedupe_key=dedupe_key)
        for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values()
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    return len(rows)
