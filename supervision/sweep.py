"""The periodic supervision sweep (run with the delivery chapter's deadline sweep):

1. a request still unanswered after its deadline becomes overdue — a finding against the unit
   (R34.1) — and an order still unreported after its deadline becomes overdue, which makes the
   sanctions available (R35.1);
2. the units are reminded of deadlines due within ``REMIND_DAYS``;
3. the platform proposes entries of the register of violations from its facts (R38.1).

Idempotent: the lapses move only what is still open, each reminder has a dedupe key of record,
deadline and stage, and a proposal key is proposed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.recipients import unit_staff
from core.dates import today
from core.models import Notification
from core.notify import notify

from .actions import lapse_order, lapse_request
from .deadlines import SupervisionDue, open_items
from .models import OrderState, RectificationOrder, RequestState, SupervisionRequest
from .proposals import propose_violations


@dataclass
class SweepResult:
    overdue_requests: int = 0
    overdue_orders: int = 0
    reminders: int = 0
    proposals: int = 0

    @property
    def total(self) -> int:
        return self.overdue_requests + self.overdue_orders + self.reminders + self.proposals


def lapse(on: dt.date) -> tuple[int, int]:
    """Move every request and order whose deadline passed to overdue."""
    requests = _lapse_each(SupervisionRequest, RequestState.ISSUED, lapse_request, on)
    orders = _lapse_each(RectificationOrder, OrderState.ISSUED, lapse_order, on)
    return requests, orders


def _lapse_each(model: Any, issued: str, lapse_one: Callable[[Any], Any], on: dt.date) -> int:
    """Lapse each record of ``model`` still ``issued`` past its deadline, one transaction and
    row lock each, re-checked under the lock; the number lapsed."""
    lapsed = 0
    for pk in model.objects.filter(state=issued, deadline__lt=on).values_list("pk", flat=True):
        with transaction.atomic():
            record = model.objects.select_for_update().get(pk=pk)
            if record.state == issued and record.deadline < on:
                lapse_one(record)
                lapsed += 1
    return lapsed


def remind(items: list[SupervisionDue], on: dt.date) -> int:
    """Remind the unit of each deadline due soon (once per record, deadline and stage)."""
    created = 0
    for item in items:
        if item.status(on) != "due_soon":
            continue
        key = f"supervision:{item.key}:{item.due_on.isoformat()}:due_soon"
        already = set(
            Notification.objects.filter(dedupe_key=key).values_list("recipient_id", flat=True)
        )
        recipients = [u for u in unit_staff(item.record.unit_id) if u.pk not in already]
        if not recipients:
            continue
        with transaction.atomic():
            created += notify(
                recipients,
                title=f"即将到期：{item.label}，{item.due_on:%Y-%m-%d}",
                body=f"依据{item.article}，请在期限内办理。",
                link=item.url,
                dedupe_key=key,
            )
    return created


def sweep(on: dt.date | None = None) -> SweepResult:
    on = on or today()
    result = SweepResult()
    result.overdue_requests, result.overdue_orders = lapse(on)
    items = open_items(SupervisionRequest.objects.all(), RectificationOrder.objects.all())
    result.reminders = remind(items, on)
    result.proposals = len(propose_violations())
    return result
