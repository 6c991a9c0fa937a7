"""The supervision clocks: the deadline of each request for materials (Art. 34) and of each
rectification order (Art. 35), in the shape of the delivery chapter's statutory clocks
(``key``, ``kind``, ``label``, ``article``, ``due_on``, ``status(on)``), so the deadline
calendar, the reminders, the to-dos and the duties of the pages read them alike.

The calendar of the delivery chapter lists them by calling ``calendar_items(user)``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from core.dates import today

from .models import (
    AWAITING_ANSWER,
    AWAITING_REPORT,
    RectificationOrder,
    SupervisionRequest,
)

REMIND_DAYS = 7  # supervision deadlines are short (days or weeks): remind a week ahead

TEXTS = {
    "supervision_request": N_("提供资料和情况（%(number)s）"),
    "rectification": N_("整改并报告（%(number)s）"),
}


@dataclass(frozen=True)
class SupervisionDue:
    """One supervision deadline: what the unit owes, under which article, by when."""

    key: str  # stable: kind and record, used for notification dedupe
    kind: str
    label: str  # the Chinese of the record
    article: str
    due_on: dt.date
    record: Any
    done: bool = False
    opens_on: dt.date | None = None

    @property
    def text(self) -> str:
        return gettext(TEXTS[self.kind]) % {"number": self.record.number}

    @property
    def url(self) -> str:
        return str(self.record.get_absolute_url())

    @property
    def project(self) -> Any:
        return self.record.project

    @property
    def unit(self) -> Any:
        return self.record.unit

    def status(self, on: dt.date) -> str:
        if self.done:
            return "done"
        if on > self.due_on:
            return "overdue"
        if (self.due_on - on).days <= REMIND_DAYS:
            return "due_soon"
        return "open"


def _due(record: Any, kind: str, article: str, awaiting: tuple[str, ...]) -> SupervisionDue:
    """The deadline of a request or an order; its label is the Chinese of ``TEXTS``."""
    return SupervisionDue(
        key=f"{kind}:{record.pk}",
        kind=kind,
        label=TEXTS[kind] % {"number": record.number},
        article=article,
        due_on=record.deadline,
        record=record,
        done=record.state not in awaiting,
    )


def request_due(req: SupervisionRequest) -> SupervisionDue:
    return _due(req, "supervision_request", "第三十四条", AWAITING_ANSWER)


def order_due(order: RectificationOrder) -> SupervisionDue:
    return _due(order, "rectification", "第三十五条", AWAITING_REPORT)


def open_items(
    requests: QuerySet[SupervisionRequest], orders: QuerySet[RectificationOrder]
) -> list[SupervisionDue]:
    """The deadlines still owed among ``requests`` and ``orders``, soonest first."""
    related = ("unit", "project", "system", "authority")
    items = [
        *(
            request_due(r)
            for r in requests.filter(state__in=AWAITING_ANSWER).select_related(*related)
        ),
        *(order_due(o) for o in orders.filter(state__in=AWAITING_REPORT).select_related(*related)),
    ]
    return sorted(items, key=lambda i: (i.due_on, i.key))


def project_items(project: Any) -> list[SupervisionDue]:
    """The open deadlines of a project, from its requests and orders read for the page."""
    from .compliance import project_orders, project_requests

    items = [
        *(request_due(r) for r in project_requests(project) if r.state in AWAITING_ANSWER),
        *(order_due(o) for o in project_orders(project) if o.state in AWAITING_REPORT),
    ]
    return sorted(items, key=lambda i: (i.due_on, i.key))


def items_of(subject_filter: dict[str, Any]) -> list[SupervisionDue]:
    """The open deadlines of a unit, project or system (``{"project_id": 3}`` …)."""
    return open_items(
        SupervisionRequest.objects.filter(**subject_filter),
        RectificationOrder.objects.filter(**subject_filter),
    )


def calendar_items(
    user: Any, *, projects: Iterable[Any] | None = None, on: dt.date | None = None
) -> list[SupervisionDue]:
    """The supervision deadlines ``user`` watches (units: theirs; authorities: what they
    issued; DRC, Finance, BDB and Audit: all), optionally only for ``projects``. For the
    deadline calendar: each item has ``due_on``, ``status(on)``, ``text``, ``url``,
    ``project`` and ``unit``."""
    requests = SupervisionRequest.objects.for_user(user)
    orders = RectificationOrder.objects.for_user(user)
    if projects is not None:
        ids = [getattr(p, "pk", p) for p in projects]
        requests = requests.filter(project_id__in=ids)
        orders = orders.filter(project_id__in=ids)
    return open_items(requests, orders)


def status_of(item: SupervisionDue, on: dt.date | None = None) -> str:
    return item.status(on or today())
