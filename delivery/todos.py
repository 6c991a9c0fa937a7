"""Delivery to-dos: unit staff see overdue and due-soon statutory items of their projects; BDB
organises acceptances, decides extensions and holds archive acceptances; DRC and Finance handle
open incidents; a supervisor reports monthly; a consultant does commissioned post-evaluations."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from accounts.recipients import consultant_org_ids, supervisor_org_ids, unit_ids_of
from accounts.roles import Role
from core.dates import today
from core.todos import Todo, provider

from .actions.base import project_link
from .clocks import due_rows
from .models import (
    Acceptance,
    AcceptancePath,
    AcceptanceState,
    Delivery,
    ExtensionRequest,
    ExtensionState,
    Incident,
    IncidentState,
    Phase,
    PostEvaluation,
    PostEvaluationState,
    SupervisionReport,
    SupervisorAssignment,
)
from .services import visible_projects

LIMIT = 10
CLOCK_PHASES = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED, Phase.ACCEPTED)


def _mine(model: type[Model], user: Any) -> QuerySet:
    """Rows of the projects the user sees in the delivery chapter."""
    return model._default_manager.filter(project__in=visible_projects(user)).select_related(
        "project"
    )


def _todo(row: Any, title: str, anchor: str, detail: str, due: Any = None, **params: Any) -> Todo:
    """A to-do about ``row``'s project, linking its delivery page at ``anchor``; ``title`` is
    a template with the project's ``code`` and ``name`` and ``params``."""
    project = row.project
    return Todo(
        title=title % {"code": project.code, "name": project.name, **params},
        url=project_link(project, anchor),
        category=_("建设与验收"),
        due=due,
        detail=detail,
    )


def _unit_items(user: Any, unit_ids: set[int]) -> list[Todo]:
    """Overdue and due-soon items (clock facts per project: a few queries each)."""
    deliveries = (
        _mine(Delivery, user)
        .filter(project__unit_id__in=unit_ids, phase__in=CLOCK_PHASES)
        .select_related("project__unit")
        .order_by("project__code")[:50]
    )
    cache: dict[int, dict[str, Any]] = {}
    items = []
    for delivery in deliveries:
        for row in due_rows(delivery.project, delivery, params_cache=cache):
            if row.status not in ("overdue", "due_soon"):
                continue
            item = row.item
            detail = _("依据%(article)s，期限 %(due)s。") % {
                "article": item.article,
                "due": item.due_on.isoformat(),
            }
            items.append(
                _todo(
                    delivery,
                    _("%(verb)s：%(code)s《%(name)s》%(label)s"),
                    "due",
                    detail,
                    item.due_on,
                    verb=_("已逾期") if row.status == "overdue" else _("即将到期"),
                    label=item.text,
                )
            )
    return items


def _bdb_items(user: Any) -> list[Todo]:
    """Acceptances to organise, extensions to decide, archives to accept (Art. 28, 29)."""
    applied = _mine(Acceptance, user).filter(state=AcceptanceState.APPLIED, path=AcceptancePath.BDB)
    pending = _mine(ExtensionRequest, user).filter(state=ExtensionState.PENDING)
    archives = _mine(Delivery, user).filter(phase=Phase.COMPLETED, archive_accepted_on__isnull=True)
    return [
        *(
            _todo(
                a,
                _("组织竣工验收：%(code)s《%(name)s》"),
                "acceptance",
                _("项目建设单位已申请竣工验收（第二十八条）。"),
            )
            for a in applied.order_by("applied_at")[:LIMIT]
        ),
        *(
            _todo(
                e,
                _("审核验收延期申请：%(code)s，申请延期至 %(until)s"),
                "acceptance",
                e.reason,
                until=e.requested_until.isoformat(),
            )
            for e in pending.order_by("requested_at")[:LIMIT]
        ),
        *(
            _todo(
                d,
                _("档案验收：%(code)s《%(name)s》"),
                "acceptance",
                _("项目已建成，竣工验收前须通过档案验收（第二十九条）。"),
            )
            for d in archives.order_by("completed_on")[:LIMIT]
        ),
    ]


def _oversight_items(user: Any) -> list[Todo]:
    """Open incidents for DRC and Finance (Art. 24)."""
    incidents = _mine(Incident, user).exclude(state=IncidentState.CLOSED)
    return [
        _todo(
            i,
            _("重大事项（%(state)s）：%(code)s %(kind)s"),
            "incidents",
            _("可责令限期整改或暂停项目（第二十四条）。"),
            i.rectification_deadline,
            state=i.get_state_display(),
            kind=i.get_kind_display(),
        )
        for i in incidents.order_by("reported_at")[:LIMIT]
    ]


def _supervisor_items(user: Any, supervisors: set[int]) -> list[Todo]:
    """This month's supervision report of each supervised project under way (Art. 22)."""
    on = today()
    reported = SupervisionReport.objects.filter(
        submitted_at__year=on.year, submitted_at__month=on.month
    ).values("project_id")
    assignments = (
        _mine(SupervisorAssignment, user)
        .filter(
            is_active=True,
            supervisor_id__in=supervisors,
            project__delivery__phase__in=(Phase.CONSTRUCTION, Phase.TRIAL),
        )
        .exclude(project_id__in=reported)
    )
    return [
        _todo(
            a,
            _("提交本月监理报告：%(code)s《%(name)s》"),
            "supervision",
            _("本月尚未提交监理报告（第二十二条）。"),
        )
        for a in assignments.order_by("project__code")[:LIMIT]
    ]


def _consultant_items(user: Any, consultants: set[int]) -> list[Todo]:
    """Commissioned post-evaluations (Art. 30)."""
    posts = _mine(PostEvaluation, user).filter(
        consultant_id__in=consultants, state=PostEvaluationState.COMMISSIONED
    )
    return [
        _todo(
            p,
            _("开展后评价：%(code)s《%(name)s》"),
            "evaluation",
            _("受委托开展第三方后评价（第三十条）。"),
        )
        for p in posts.order_by("commissioned_at")[:LIMIT]
    ]


@provider
def delivery_todos(user: Any) -> list[Todo]:
    if not user.is_authenticated:
        return []
    items: list[Todo] = []
    units = unit_ids_of(user)
    if units:
        items.extend(_unit_items(user, units))
    if user.has_role(Role.BDB_REVIEWER):
        items.extend(_bdb_items(user))
    if user.has_role(Role.DRC_OFFICER, Role.FINANCE_OFFICER):
        items.extend(_oversight_items(user))
    supervisors = supervisor_org_ids(user)
    if supervisors:
        items.extend(_supervisor_items(user, supervisors))
    consultants = consultant_org_ids(user)
    if consultants:
        items.extend(_consultant_items(user, consultants))
    return items
