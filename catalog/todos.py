"""Catalog to-dos: BDB curates systems into the master catalog and gives the initial review of
isolated networks; the city government approves them (Art. 15, 31); unit staff answer sharing
requests within the policy's period, overdue ones first (Art. 14); Finance is reminded when no
O&M funding decision exists yet for next year (Art. 28, 31-33)."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.recipients import unit_ids_of
from accounts.roles import Role
from core.dates import today
from core.todos import Todo, provider

from .models import (
    InformationSystem,
    IsolationState,
    OMRun,
    OMRunState,
    SharingRequest,
    SharingState,
)

LIMIT = 10


def _iso(day: Any) -> str:
    return day.isoformat() if day else "—"


def _uncatalogued(category: str) -> list[Todo]:
    qs = InformationSystem.objects.filter(catalogued=False, curated_at__isnull=True)
    count = qs.count()
    if not count:
        return []
    return [
        Todo(
            title=_("审核纳入总目录：%(n)s 个系统待审核") % {"n": count},
            url=reverse("catalog:systems") + "?catalogued=0",
            category=category,
            detail=_("未纳入总目录的系统不予安排运行维护经费（第三十一条）。"),
        )
    ]


def _isolation_todos(
    state: str, order: str, title: str, detail: Callable[[Any], str], category: str
) -> list[Todo]:
    """The isolated systems waiting for this step of their Art. 31 approval, oldest first."""
    waiting = InformationSystem.objects.filter(isolation_state=state).select_related("unit")
    return [
        Todo(
            title=title % {"unit": system.unit.display_name, "name": system.name},
            url=system.get_absolute_url(),
            category=category,
            detail=detail(system),
        )
        for system in waiting.order_by(order)[:LIMIT]
    ]


@provider
def catalog_todos(user: Any) -> list[Todo]:
    if not user.is_authenticated:
        return []
    category = _("目录与运维")
    items: list[Todo] = []
    on = today()
    if user.has_role(Role.BDB_REVIEWER):
        items += _uncatalogued(category)
        items += _isolation_todos(
            IsolationState.AWAITING_BDB,
            "updated_at",
            _("孤网初审：%(unit)s %(name)s"),
            lambda s: _("联网通办是原则，孤网是例外：初审后报市政府批准（第三十一条）。"),
            category,
        )
    if user.has_role(Role.GOV_APPROVER):
        items += _isolation_todos(
            IsolationState.AWAITING_GOV,
            "isolation_bdb_reviewed_on",
            _("批准保留孤网：%(unit)s %(name)s"),
            lambda s: (
                _("市大数据发展局已于 %(on)s 初审同意（第三十一条）。")
                % {"on": _iso(s.isolation_bdb_reviewed_on)}
            ),
            category,
        )
    units = unit_ids_of(user)
    if units:
        requests = (
            SharingRequest.objects.filter(
                state=SharingState.PENDING, resource__provider_id__in=units
            )
            .select_related("resource", "requester")
            .order_by("due_on", "pk")[:LIMIT]
        )
        for req in requests:
            overdue = req.due_on < on
            items.append(
                Todo(
                    title=_("答复共享申请：%(unit)s 申请“%(res)s”")
                    % {"unit": req.requester.display_name, "res": req.resource.name},
                    url=req.get_absolute_url(),
                    category=category,
                    due=req.due_on,
                    detail=_("已超过答复期限，请立即答复（第十四条）。")
                    if overdue
                    else _("请在答复期限内答复（第十四条）。"),
                )
            )
    if user.has_role(Role.FINANCE_OFFICER):
        next_year = on.year + 1
        has_run = OMRun.objects.filter(budget_year=next_year, state=OMRunState.DECIDED).exists()
        if not has_run:
            items.append(
                Todo(
                    title=_("生成 %(year)s 年运维经费决定") % {"year": next_year},
                    url=reverse("catalog:om_list"),
                    category=category,
                    detail=_(
                        "尚无 %(year)s 年的运维经费决定：按第二十八条、第三十一条至第三十三条逐系统判定。"
                    )
                    % {"year": next_year},
                )
            )
    return items
