"""The statutory clocks as the pages and the API list them: each due item of a project with
its status on a day (``DueRow``), and the calendar of every project a user watches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from accounts.recipients import consultant_org_ids, supervisor_org_ids, unit_ids_of
from accounts.roles import Role
from accounts.scoping import sees_everything
from core.dates import today
from core.errors import ActionInvalid
from policy.lookup import NoPolicyInForce
from projects.models import Project, ProjectState

from .deadlines import STATUS_LABELS, due_items
from .models import Delivery, Phase, PostEvaluation, SupervisorAssignment
from .services import clock_facts, policy_params, visible_projects

STATUS_CLASS = {
    "not_open": "secondary",
    "open": "primary",
    "due_soon": "warning",
    "overdue": "danger",
    "done": "success",
}
STATUS_RANK = {"overdue": 0, "due_soon": 1, "open": 2, "not_open": 3, "done": 4}
# Phases in which the clocks run (the sweep's phases, plus a failed acceptance's history).
CLOCK_PHASES = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED, Phase.ACCEPTED, Phase.FAILED)
ALL_PROJECT_ROLES = (
    Role.DRC_OFFICER,
    Role.BDB_REVIEWER,
    Role.FINANCE_OFFICER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
)


@dataclass
class DueRow:
    """One due item as shown: the item, its status as of today, and its project."""

    item: Any  # a DueItem, or another chapter's deadline (core.calendar) shaped alike
    status: str
    project: Project | None = None

    @property
    def status_label(self) -> str:
        return gettext(STATUS_LABELS[self.status])

    @property
    def status_class(self) -> str:
        return STATUS_CLASS[self.status]

    @property
    def sort_key(self) -> tuple[int, dt.date, str]:
        return (STATUS_RANK[self.status], self.item.due_on, getattr(self.project, "code", ""))


def due_rows(
    project: Project,
    delivery: Delivery | None = None,
    *,
    on: dt.date | None = None,
    params_cache: dict[int, dict[str, Any]] | None = None,
) -> list[DueRow]:
    """The due items of one project (a few queries per project: its clock facts); the policy
    parameters once per unit when ``params_cache`` is given."""
    on = on or today()
    cache = params_cache if params_cache is not None else {}
    try:
        if project.unit_id not in cache:
            cache[project.unit_id] = policy_params(project)
    except NoPolicyInForce:
        return []
    items = due_items(clock_facts(project, delivery), cache[project.unit_id], on)
    rows = (DueRow(item, item.status(on), project) for item in items)
    return sorted(rows, key=lambda r: r.sort_key)


def calendar_projects(user: Any) -> QuerySet[Project]:
    """The projects whose clocks a user watches: everything for DRC, BDB, Finance, Audit and the
    admin; otherwise their units' projects, the projects their supervisor organisation
    supervises and those their consultancy post-evaluates. Always within
    ``services.visible_projects``."""
    qs = visible_projects(user).filter(
        state=ProjectState.APPROVED, delivery__phase__in=CLOCK_PHASES
    )
    if sees_everything(user) or user.has_role(*ALL_PROJECT_ROLES):
        return qs
    condition = Q(unit_id__in=unit_ids_of(user))
    supervisors = supervisor_org_ids(user)
    if supervisors:
        condition |= Q(
            pk__in=SupervisorAssignment.objects.filter(
                is_active=True, supervisor_id__in=supervisors
            ).values("project_id")
        )
    consultants = consultant_org_ids(user)
    if consultants:
        condition |= Q(
            pk__in=PostEvaluation.objects.filter(consultant_id__in=consultants).values("project_id")
        )
    return qs.filter(condition)


def too_many_to_list(projects: QuerySet[Project]) -> bool:
    """Are there more projects than the calendar computes on one page? Each project's clocks
    are computed from its records (a few queries each), so a reader of the whole city
    (100,000 projects) waited minutes for a page nobody could read; the page and the API ask
    for a narrower choice (a unit, a name) instead. Counted up to the limit only."""
    limit = settings.GOVIT_CALENDAR_MAX_PROJECTS
    return projects.order_by()[: limit + 1].count() > limit


def refuse_too_many(projects: QuerySet[Project]) -> None:
    """The API's answer beyond the bound: an input error saying how to narrow it down."""
    if too_many_to_list(projects):
        raise ActionInvalid(
            gettext(
                "关注的项目超过 %(n)s 个，请按项目编号、名称或建设单位名称（q）或建设单位编号（unit）缩小范围。"
            )
            % {"n": settings.GOVIT_CALENDAR_MAX_PROJECTS},
            {"q": gettext("请缩小范围")},
        )


def keeps(row: DueRow, status: str, kind: str, month: str) -> bool:
    """Does the calendar's filter keep this row? "pending" (the default) leaves out what is
    done, "all" keeps everything."""
    if status in ("pending", "") and row.status == "done":
        return False
    if status not in ("pending", "all", "") and row.status != status:
        return False
    if kind and row.item.kind != kind:
        return False
    return not month or row.item.due_on.strftime("%Y-%m") == month


def calendar_rows(
    user: Any,
    *,
    on: dt.date | None = None,
    status: str = "pending",
    kind: str = "",
    month: str = "",
    projects: QuerySet[Project] | None = None,
) -> list[DueRow]:
    """Every due item of the user's projects, overdue first. Clock facts are loaded per project
    (a few queries each); the policy parameters once per unit."""
    on = on or today()
    qs = calendar_projects(user) if projects is None else projects
    cache: dict[int, dict[str, Any]] = {}
    rows = [
        row
        for project in qs.select_related("unit", "delivery").order_by("code")
        for row in due_rows(project, project.delivery, on=on, params_cache=cache)
        if keeps(row, status, kind, month)
    ]
    return sorted(rows, key=lambda r: r.sort_key)
