"""The dashboards: the portfolio at a glance, one page per role family, every figure computed by
database aggregation over the projects the user sees (``Project.objects.for_user``) and every
bar a link to the list of records behind it.

A ``Chart`` computes its ``ChartData`` for a ``Scope`` (the user, the year/unit/kind filters,
the day and the policy in force) with a handful of GROUP BY queries — never a query per
project. A family (``FAMILIES``) is the list of charts a role family sees: the city government
and Audit see everything; BDB, DRC and Finance what they decide; a unit its own projects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as L

from accounts.models import Organisation
from accounts.recipients import unit_ids_of
from accounts.roles import Role
from core.money import YUAN_PER_WAN, format_wan
from investment.models import BudgetLine, Contract, Payment, PlanEntry, PlanState
from projects.models import Project, ProjectState, Review, ReviewKind, ReviewState

from . import clocks, figures, stages
from .filters import OVERDUE_CHOICES, ScopeFilter, flag_condition, flags
from .health import Context, context, distribution
from .models import REVIEW_KINDS, HealthLevel, ProjectFigures

DECIDED_REVIEW_STATES = (ReviewState.AGREED, ReviewState.RETURNED, ReviewState.REJECTED)
MEASURES: list[tuple[str, Any]] = [
    ("requested", L("申报总投资")),
    ("approved", L("批复总投资")),
    ("planned", L("计划安排")),
    ("budgeted", L("预算安排")),
    ("contracted", L("合同金额")),
    ("paid", L("已支付")),
]


@dataclass
class Scope:
    """Who looks, with which filters, on which day."""

    user: Any
    projects: QuerySet[Project]
    params: dict[str, str]
    ctx: Context
    unit_only: bool = False
    #: the stored figures of the same projects (``reports.figures``), or None to count live
    figures: QuerySet[ProjectFigures] | None = None
    #: what the charts share of one pass over ``figures`` (one page's, never kept longer)
    memo: dict[Any, Any] = field(default_factory=dict)

    def totals(self) -> dict[str, Any]:
        if "totals" not in self.memo:
            assert self.figures is not None
            self.memo["totals"] = figures.totals(self.figures, self.on)
        return self.memo["totals"]

    @property
    def on(self) -> dt.date:
        return self.ctx.on

    def drill(self, name: str, **extra: Any) -> str:
        query = {**self.params, **{k: v for k, v in extra.items() if v not in (None, "")}}
        # resolved once a page: the unit chart links 400 bars to the same list
        path = self.memo.get(("url", name)) or self.memo.setdefault(("url", name), reverse(name))
        return path + ("?" + urlencode(query) if query else "")


@dataclass
class Series:
    key: str
    name: str
    values: list[Any]
    money: bool = False


@dataclass
class ChartData:
    """A chart's figures: categories (with their keys and drill-down links) and series."""

    key: str
    title: str
    kind: str
    unit: str
    note: str
    categories: list[str]
    category_keys: list[str]
    links: list[str]
    series: list[Series] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Numbers for the browser: money in 万元 (rounded to the cent for drawing only; the
        downloads carry exact values)."""
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "note": self.note,
            "categories": self.categories,
            "keys": self.category_keys,
            "links": self.links,
            "series": [
                {"key": s.key, "name": s.name, "values": [_number(v, s.money) for v in s.values]}
                for s in self.series
            ],
        }

    def table(self) -> list[tuple[str, str, list[str]]]:
        """Rows of the figures table shown under the chart (and read by screen readers)."""
        return [
            (label, self.links[i], [_shown(s.values[i], s.money) for s in self.series])
            for i, label in enumerate(self.categories)
        ]


def _shown(value: Any, money: bool) -> str:
    return format_wan(Decimal(value or 0)) if money else str(value if value is not None else 0)


def _number(value: Any, money: bool) -> Any:
    if value is None:
        return 0
    if money:
        return float(round(Decimal(value) / YUAN_PER_WAN, 2))
    if isinstance(value, Decimal):
        return float(value)
    return value


# -- the scope ------------------------------------------------------------------------------------


def _portfolio(user: Any) -> tuple[QuerySet[Project], QuerySet[ProjectFigures]]:
    """The projects ``user`` sees, as ``Project.objects.for_user`` decides, in the form the
    database aggregates fastest, and their stored figures: for those who see everything, every
    project; for those who read every submitted project and belong to no unit (the city
    government, BDB, DRC, Finance), every project but drafts — the same set, because a draft has
    no review or copy through which anyone else could see it (a test compares both for every
    demo person). Everyone else goes through ``for_user``."""
    from accounts.scoping import sees_everything
    from projects.visibility import reads_all_projects

    stored = ProjectFigures.objects.all()
    if sees_everything(user):
        return Project.objects.all(), stored
    if reads_all_projects(user) and not unit_ids_of(user):
        return Project.objects.exclude(state=ProjectState.DRAFT), stored.filter(draft=False)
    visible = Project.objects.for_user(user)
    return visible, stored.filter(pk__in=visible.values("pk"))


def portfolio_of(user: Any) -> QuerySet[Project]:
    return _portfolio(user)[0]


def scope_for(
    user: Any, params: Any, *, unit_only: bool = False, on: dt.date | None = None
) -> Scope:
    """The user's projects under the dashboard filters (a bad value raises ``ActionInvalid``),
    with their stored figures brought up to date (or None: the charts count live)."""
    from core.filters import apply

    visible, stored = _portfolio(user)
    if unit_only:
        units = unit_ids_of(user)
        visible = visible.filter(unit_id__in=units)
        stored = stored.filter(unit_id__in=units)
    filters = apply(ScopeFilter, params, visible)
    clean = {k: str(v) for k, v in filters.active.items() if k in ("year", "unit", "kind")}
    # the same three filters as ScopeFilter's (exact matches on the project's own fields)
    for key, column in (("year", "year"), ("unit", "unit_id"), ("kind", "kind")):
        if key in filters.active:
            stored = stored.filter(**{column: filters.active[key]})
    ctx = context(on)
    return Scope(user, filters.qs, clean, ctx, unit_only, stored if figures.current(ctx) else None)


# -- the charts -----------------------------------------------------------------------------------


def _projects_chart(
    scope: Scope,
    rows: Iterable[tuple[Any, Any, int]],
    *,
    drill: str,
    key: str,
    title: Any,
    kind: str,
    unit: Any,
    note: Any,
    series: tuple[str, Any] = ("projects", L("项目数")),
) -> ChartData:
    """A chart of one series over ``(key, label, count)`` rows, each bar (or slice) opening
    the project list filtered by ``drill=<key>``."""
    rows = list(rows)
    return ChartData(
        key=key,
        title=str(title),
        kind=kind,
        unit=str(unit),
        note=str(note),
        categories=[str(label) for _k, label, _n in rows],
        category_keys=[str(k) for k, _l, _n in rows],
        links=[scope.drill("reports:projects", **{drill: k}) for k, _l, _n in rows],
        series=[Series(series[0], str(series[1]), [n for _k, _l, n in rows])],
    )


def stage_chart(scope: Scope) -> ChartData:
    if scope.figures is not None:
        totals = scope.totals()
        rows = [(k, label, totals[f"stage_{k}"]) for k, label, _rank in stages.STAGES]
    else:
        rows = stages.funnel(scope.projects.exclude(state="draft"))
    return _projects_chart(
        scope,
        rows,
        drill="stage",
        key="stages",
        title=L("项目生命周期漏斗"),
        kind="funnel",
        unit=L("个"),
        note=L("到达各阶段的项目数（第八条至第二十八条）。"),
    )


def money_by(projects: QuerySet[Project], key: str) -> dict[str, dict[Any, Decimal]]:
    """{measure: {group: yuan}} where ``key`` is a Project field (``year`` or ``unit_id``):
    one GROUP BY per measure."""
    pks = projects.values("pk")
    plain = projects.order_by()

    def grouped(qs: QuerySet, path: str, amount: str = "amount") -> dict[Any, Decimal]:
        return dict(qs.order_by().values_list(path).annotate(s=Sum(amount)).values_list(path, "s"))

    return {
        "requested": grouped(plain, key, "total_investment"),
        "approved": grouped(plain.exclude(approved_total=None), key, "approved_total"),
        "planned": grouped(
            PlanEntry.objects.filter(project__in=pks, version__state=PlanState.PUBLISHED),
            f"project__{key}",
        ),
        "budgeted": grouped(BudgetLine.objects.filter(project__in=pks), f"project__{key}"),
        "contracted": grouped(Contract.objects.filter(project__in=pks), f"project__{key}"),
        "paid": grouped(
            Payment.objects.filter(contract__project__in=pks), f"contract__project__{key}"
        ),
    }


def _money_chart(scope: Scope, key: str, chart_key: str, title: Any) -> ChartData:
    if scope.figures is not None:
        if "money" not in scope.memo:
            scope.memo["money"] = figures.money_cells(scope.figures)
        sums = figures.money(scope.memo["money"], key)
    else:
        sums = money_by(scope.projects, key)
    groups = sorted({g for measure in sums.values() for g in measure if g is not None})
    if key == "unit_id":
        names = dict(Organisation.objects.filter(pk__in=groups).values_list("pk", "name"))
        groups.sort(key=lambda g: -(sums["requested"].get(g) or 0))
        labels = [names.get(g, str(g)) for g in groups]
        links = [scope.drill("reports:projects", unit=g) for g in groups]
    else:
        labels = [str(g) for g in groups]
        links = [scope.drill("reports:projects", year=g) for g in groups]
    return ChartData(
        key=chart_key,
        title=str(title),
        kind="bar",
        unit=str(L("万元")),
        note=str(L("申报、批复、计划、预算、合同、支付（第十条、第二十五条）。")),
        categories=labels,
        category_keys=[str(g) for g in groups],
        links=links,
        series=[
            Series(m, str(label), [sums[m].get(g) or Decimal(0) for g in groups], money=True)
            for m, label in MEASURES
        ],
    )


def money_year_chart(scope: Scope) -> ChartData:
    return _money_chart(scope, "year", "money_year", L("按计划年度的资金"))


def money_unit_chart(scope: Scope) -> ChartData:
    return _money_chart(scope, "unit_id", "money_unit", L("按建设单位的资金"))


def decided_reviews(projects: QuerySet[Project]) -> QuerySet[Review]:
    return Review.objects.filter(
        project__in=projects.values("pk"),
        decided_at__isnull=False,
        state__in=DECIDED_REVIEW_STATES,
    )


def review_chart(scope: Scope) -> ChartData:
    duration = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    if scope.figures is not None:
        totals = scope.totals()
        rows = {
            kind: (totals[f"{kind}_n"], totals[f"{kind}_time"] / totals[f"{kind}_n"])
            for kind in REVIEW_KINDS
            if totals[f"{kind}_n"]
        }
    else:
        rows = {
            kind: (n, avg)
            for kind, n, avg in decided_reviews(scope.projects)
            .order_by()
            .values_list("kind")
            .annotate(n=Count("pk"), avg=Avg(duration))
            .values_list("kind", "n", "avg")
        }
    kinds = [k for k, _label in ReviewKind.choices]
    labels = dict(ReviewKind.choices)

    def days(value: Any) -> Decimal:
        if value is None:
            return Decimal(0)
        return round(Decimal(value.total_seconds()) / Decimal(86400), 1)

    return ChartData(
        key="reviews",
        title=str(L("审批办理量与平均办理时长")),
        kind="bar_line",
        unit=str(L("件 / 天")),
        note=str(L("已办结的审核环节及从送达到办结的平均天数（第八条、第九条）。")),
        categories=[str(labels[k]) for k in kinds],
        category_keys=kinds,
        links=[scope.drill("reports:reviews", step=k) for k in kinds],
        series=[
            Series("decided", str(L("办结件数")), [rows.get(k, (0, None))[0] for k in kinds]),
            Series(
                "days", str(L("平均办理天数")), [days(rows.get(k, (0, None))[1]) for k in kinds]
            ),
        ],
    )


def overdue_chart(scope: Scope) -> ChartData:
    if scope.figures is not None:
        totals = scope.totals()
        counts = {k: totals[k] for k in ("annual_report", "acceptance", "self_evaluation")}
        counts["rectification"] = figures.rectifications_late(scope.figures, scope.on)
    else:
        counts = clocks.overdue_by_kind(scope.projects, scope.on, scope.ctx.p)
    return _projects_chart(
        scope,
        [(k, label, counts[k]) for k, label in OVERDUE_CHOICES],
        drill="overdue",
        key="overdue",
        title=L("逾期的法定期限"),
        kind="bar",
        unit=L("项"),
        note=L(
            "年度绩效评价报告、竣工验收、自评价和限期整改（第二十三、二十四、二十八、三十条）。"
        ),
        series=("overdue", L("逾期事项")),
    )


def supervision_counts(projects: QuerySet[Project]) -> dict[str, int]:
    return projects.order_by().aggregate(
        **{key: Count("pk", filter=flag_condition(key)) for key, _label in flags()}
    )


def supervision_chart(scope: Scope) -> ChartData:
    if scope.figures is not None:
        counts = {k: scope.totals()[f"flag_{k}"] for k, _l in flags()}
    else:
        counts = supervision_counts(scope.projects)
    return _projects_chart(
        scope,
        [(k, label, counts[k]) for k, label in flags()],
        drill="flag",
        key="supervision",
        title=L("监督事项与处理"),
        kind="bar",
        unit=L("个项目"),
        note=L("重大事项、限期整改、暂停和终止，整改通知和处理措施（第二十四条、第三十五条）。"),
    )


def om_decisions(scope: Scope) -> QuerySet:
    from catalog.services import latest_decisions

    qs = latest_decisions(scope.user)
    if scope.unit_only:
        qs = qs.filter(system__unit_id__in=unit_ids_of(scope.user))
    if "year" in scope.params:
        qs = qs.filter(run__budget_year=scope.params["year"])
    if "unit" in scope.params:
        qs = qs.filter(system__unit_id=scope.params["unit"])
    return qs


def om_chart(scope: Scope) -> ChartData:
    from catalog.filters import OM_RULE_IDS
    from catalog.om_words import OM_RULE_META

    qs = om_decisions(scope).order_by()
    counts = qs.aggregate(
        yes=Count("pk", filter=Q(eligible=True)),
        no=Count("pk", filter=Q(eligible=False)),
        **{
            rule.replace(".", "_"): Count("pk", filter=Q(reasons__icontains=f'"{rule}"'))
            for rule in OM_RULE_IDS
        },
    )
    base = {k: v for k, v in scope.params.items() if k in ("year", "unit")}
    link = reverse("catalog:om_list")

    def om_link(**extra: str) -> str:
        return link + "?" + urlencode({**base, **extra})

    keys = ["eligible", "refused", *OM_RULE_IDS]
    labels = [str(L("可安排")), str(L("不予安排"))] + [
        f"{rule} {OM_RULE_META[rule][1]}" for rule in OM_RULE_IDS
    ]
    values = [counts["yes"], counts["no"]] + [counts[r.replace(".", "_")] for r in OM_RULE_IDS]
    links = [om_link(eligible="1"), om_link(eligible="0")] + [
        om_link(eligible="0", rule=r) for r in OM_RULE_IDS
    ]
    return ChartData(
        key="om",
        title=str(L("运维经费决定：结论与原因")),
        kind="bar",
        unit=str(L("个系统")),
        note=str(
            L(
                "各预算年度最近一次决定；按系统所属单位和预算年度筛选，项目类型不适用（第二十八条、第三十一至三十三条）。"
            )
        ),
        categories=labels,
        category_keys=keys,
        links=links,
        series=[Series("systems", str(L("系统数")), values)],
    )


def health_chart(scope: Scope) -> ChartData:
    if scope.figures is not None:
        counts = {level: scope.totals()[f"health_{level}"] for level in HealthLevel.values}
    else:
        counts = distribution(scope.projects)
    return _projects_chart(
        scope,
        [(level.value, level.label, counts[level.value]) for level in HealthLevel],
        drill="health",
        key="health",
        title=L("项目健康度分布"),
        kind="pie",
        unit=L("个"),
        note=L("已批复项目按成本、进度、报告、合规计算的健康度，阈值为现行政策参数。"),
    )


CHARTS: dict[str, Callable[[Scope], ChartData]] = {
    "stages": stage_chart,
    "money_year": money_year_chart,
    "money_unit": money_unit_chart,
    "reviews": review_chart,
    "overdue": overdue_chart,
    "supervision": supervision_chart,
    "om": om_chart,
    "health": health_chart,
}
ALL = tuple(CHARTS)


@dataclass(frozen=True)
class Family:
    """A dashboard of a role family: who opens it and which charts it shows."""

    key: str
    title: Any
    roles: tuple[str, ...]
    charts: tuple[str, ...]
    unit_only: bool = False


FAMILIES = {
    f.key: f
    for f in (
        Family("leadership", L("市政府"), (Role.GOV_APPROVER,), ALL),
        Family(
            "bdb",
            L("市大数据发展局"),
            (Role.BDB_REVIEWER,),
            ("stages", "reviews", "overdue", "supervision", "om", "health"),
        ),
        Family(
            "drc",
            L("市发展改革委"),
            (Role.DRC_OFFICER,),
            ("stages", "money_year", "money_unit", "reviews", "supervision", "health"),
        ),
        Family(
            "finance",
            L("市财政局"),
            (Role.FINANCE_OFFICER,),
            ("money_year", "money_unit", "om", "supervision", "health"),
        ),
        Family("audit", L("市审计局"), (Role.AUDITOR,), ALL),
        Family(
            "unit",
            L("本单位项目"),
            (Role.UNIT_OFFICER, Role.UNIT_HEAD),
            ("stages", "money_year", "reviews", "overdue", "om", "health"),
            unit_only=True,
        ),
    )
}


def may_open(family: Family, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_role(Role.PLATFORM_ADMIN, *family.roles))


def families_for(user: Any) -> list[Family]:
    return [f for f in FAMILIES.values() if may_open(f, user)]


def compute(family: Family, scope: Scope) -> list[ChartData]:
    return [CHARTS[key](scope) for key in family.charts]
