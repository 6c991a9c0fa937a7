"""The portfolio list: every chart's drill-down, the project list export, the open-data files.

Each row carries the project's money (requested, approved, planned, budgeted, contracted, paid),
its health and its overdue clocks, as annotations of one query; the list's totals are one
aggregate over the same annotations. The dashboards compute their figures with GROUP BY queries
of their own (``dashboards.money_by``): the tests check both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from investment.models import BudgetLine, Contract, Payment, PlanEntry, PlanState
from projects.models import Project

from .factors import total_of
from .models import HealthLevel, ProjectHealth
from .xlsx import Column, Sheet

MONEY = ("requested", "approved", "planned", "budgeted", "contracted", "paid")
SORTABLE = {
    "code": "code",
    "name": "name",
    "unit": "unit__name",
    "year": "year",
    "requested": "total_investment",
    "approved": "approved_total",
    "paid": "m_paid",
    "health": "health__level",
}


def with_money(qs: QuerySet[Project]) -> QuerySet[Project]:
    """``qs`` with ``m_planned``, ``m_budgeted``, ``m_contracted`` and ``m_paid`` (yuan)."""
    return qs.annotate(
        m_planned=total_of(PlanEntry, "project", version__state=PlanState.PUBLISHED),
        m_budgeted=total_of(BudgetLine, "project"),
        m_contracted=total_of(Contract, "project"),
        m_paid=total_of(Payment, "contract__project"),
    )


def totals(qs: QuerySet[Project]) -> dict[str, Decimal]:
    """The list's totals: the projects' own amounts in one aggregate, and each money table
    summed over the rows of the listed projects (one semi-join each). Summing the rows'
    per-project subqueries instead asked four subqueries of every project: seconds at
    100,000 projects."""
    listed = qs.order_by().values("pk")
    sums = qs.order_by().aggregate(
        requested=Sum("total_investment"), approved=Sum("approved_total")
    )
    published = PlanEntry.objects.filter(version__state=PlanState.PUBLISHED)
    sums.update(
        planned=_amount(published.filter(project__in=listed)),
        budgeted=_amount(BudgetLine.objects.filter(project__in=listed)),
        contracted=_amount(Contract.objects.filter(project__in=listed)),
        paid=_amount(Payment.objects.filter(contract__project__in=listed)),
    )
    return {k: v or Decimal(0) for k, v in sums.items()}


def _amount(rows: QuerySet[Any]) -> Decimal | None:
    return rows.order_by().aggregate(s=Sum("amount"))["s"]


def rows(qs: QuerySet[Project]) -> QuerySet[Project]:
    return with_money(qs.select_related("unit", "health"))


def health_of(project: Project) -> ProjectHealth | None:
    """The stored rating, or None for a project not rated (not yet approved)."""
    try:
        return project.health
    except ProjectHealth.DoesNotExist:
        return None


def export_columns() -> list[Column]:
    return [
        Column(_("项目编号"), width=20),
        Column(_("项目名称"), width=40),
        Column(_("建设单位"), width=26),
        Column(_("年度"), "int", 8),
        Column(_("项目类型"), width=10),
        Column(_("状态"), width=18),
        Column(_("申报总投资（万元）"), "wan", 16, total=True),
        Column(_("批复总投资（万元）"), "wan", 16, total=True),
        Column(_("计划安排（万元）"), "wan", 16, total=True),
        Column(_("预算安排（万元）"), "wan", 16, total=True),
        Column(_("合同金额（万元）"), "wan", 16, total=True),
        Column(_("已支付（万元）"), "wan", 16, total=True),
        Column(_("批复日期"), "date", 12),
        Column(_("健康度"), width=8),
    ]


def export_rows(qs: QuerySet[Project]) -> Iterator[list[Any]]:
    levels = dict(HealthLevel.choices)
    p: Any
    for p in rows(qs).iterator(chunk_size=2000):
        health = health_of(p)
        yield [
            p.code,
            p.name,
            p.unit.name,
            p.year,
            str(p.get_kind_display()),
            str(p.get_state_display()),
            p.total_investment,
            p.approved_total,
            p.m_planned,
            p.m_budgeted,
            p.m_contracted,
            p.m_paid,
            p.approved_at,
            str(levels[health.level]) if health is not None else "",
        ]


def export_sheet(qs: QuerySet[Project], title: str) -> Sheet:
    return Sheet(
        title=title,
        columns=export_columns(),
        rows=export_rows(qs),
        total_label=_("合计"),
        total_note=_("%(n)s 个项目") % {"n": qs.count()},
    )
