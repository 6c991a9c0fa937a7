"""The periodic deadline sweep: for every project with a delivery record, derive its due items
(``deadlines.due_items``) and notify the unit before and after each due date, and DRC/BDB
when overdue. Idempotent: each notification has a dedupe key of project, item, due date and
stage, and the database refuses duplicates, so running the sweep twice notifies once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from accounts.recipients import reviewers_of, unit_staff
from accounts.roles import Authority
from core.dates import today
from core.models import Notification
from core.notify import notify

from .deadlines import due_items
from .models import Delivery, Phase
from .services import clock_facts, policy_params

ACTIVE_PHASES = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED, Phase.ACCEPTED)


def sweep(on: dt.date | None = None) -> int:
    """Notify about every due-soon and overdue item; returns notifications created."""
    on = on or today()
    created = 0
    oversight = reviewers_of(Authority.DRC) + reviewers_of(Authority.BDB)
    deliveries = Delivery.objects.filter(phase__in=ACTIVE_PHASES).select_related(
        "project", "project__unit"
    )
    for delivery in deliveries.iterator(chunk_size=500):
        project = delivery.project
        items = due_items(clock_facts(project, delivery), policy_params(project), on)
        for item in items:
            status = item.status(on)
            if status not in ("due_soon", "overdue"):
                continue
            key = f"due:{project.pk}:{item.key}:{item.due_on.isoformat()}:{status}"
            verb = "即将到期" if status == "due_soon" else "已逾期"
            recipients = unit_staff(project.unit_id)
            if status == "overdue":
                recipients = recipients + oversight
            # ``notify`` counts the rows it offered, not those the dedupe constraint let in:
            # leave out who already has this one, so a second run reports (and sends) nothing.
            already = set(
                Notification.objects.filter(dedupe_key=key).values_list("recipient_id", flat=True)
            )
            recipients = [u for u in recipients if u.pk not in already]
            if not recipients:
                continue
            with transaction.atomic():
                created += notify(
                    recipients,
                    title=f"{verb}：{project.code}《{project.name}》{item.label}（{item.due_on:%Y-%m-%d}）",
                    body=f"依据{item.article}，{item.label}的期限为 {item.due_on:%Y-%m-%d}。",
                    link=reverse("delivery:project", args=[project.pk]),
                    dedupe_key=key,
                )
    return created
