"""The unit's next duties on the project and delivery pages: the statutory deadlines of the
project still to meet (``deadlines.due_items``: the annual performance report, the acceptance
window or its extension, the self-evaluation window and rectification deadlines), each with
its date, whether it is overdue and where to act."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts.recipients import is_unit_staff
from core.dates import today
from core.offers import Duty, duties
from policy.lookup import NoPolicyInForce

from .actions.base import is_active, page_project, project_link
from .deadlines import DueItem
from .services import project_due_items

# where on the delivery page each kind of item is acted on
ANCHORS = {
    "annual_report": "annual",
    "acceptance": "acceptance",
    "self_evaluation": "evaluation",
    "rectification": "incidents",
}


def _detail(item: DueItem, status: str) -> str:
    if status == "not_open" and item.opens_on is not None:
        return _("依据%(article)s，自 %(opens)s 起办理。") % {
            "article": item.article,
            "opens": item.opens_on.isoformat(),
        }
    if status == "overdue":
        return _("依据%(article)s，已逾期。") % {"article": item.article}
    return _("依据%(article)s。") % {"article": item.article}


@duties("projects.project")
@duties("delivery.delivery")
def unit_deadlines(page_obj: Any, user: Any) -> list[Duty]:
    """The deadlines the project's unit must still meet, soonest first (its staff only)."""
    project = page_project(page_obj)
    if project is None or not is_active(project) or not is_unit_staff(user, project.unit_id):
        return []
    try:
        items = project_due_items(project)
    except NoPolicyInForce:
        return []
    on = today()
    rows = []
    for item in sorted(items, key=lambda i: i.due_on):
        if item.done:
            continue
        status = item.status(on)
        rows.append(
            Duty(
                title=item.text,
                url=project_link(project, ANCHORS.get(item.kind, "due")),
                due=item.due_on,
                detail=_detail(item, status),
                overdue=status == "overdue",
            )
        )
    return rows
