"""The public transparency page (/open/), without sign-in: the approved portfolio, the
criticism notices (通报批评) and summary charts, with search, filters and open-data downloads
(CSV and xlsx).

**What may appear is a whitelist** (``FIELDS``): a project's name, unit, kind, approved amount,
plan year, stage, acceptance result, O&M funding decision and health level — of non-classified
projects from their approval on (classified projects never enter the platform, Art. 8 ¶3, and
their stubs are never read here). No code, no person, no contact, no document, nothing before
approval. A notice shows its number, title, issuing authority and date. An anonymous probe test
walks every public address and checks that nothing else shows.

**Caching**: each page and download is cached for ``CACHE_SECONDS`` by Django's cache framework
with the default backend (per-process local memory): the figures change slowly (approvals,
daily ratings), a few minutes of staleness is acceptable for a public page, and it needs no
extra service. Under load every worker serves from memory after its first request; with a shared
cache configured (``CACHES``) all would share it, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, OuterRef, QuerySet, Sum, Value, When
from django.db.models import CharField as CharFieldType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.views.decorators.cache import cache_page

from catalog.models import OMDecision
from core.dates import today
from core.errors import ActionInvalid
from core.filters import CharFilter, ChoiceFilter, ListFilter, NumberFilter, apply
from core.money import format_wan
from delivery.models import Phase
from projects.models import Project, ProjectKind, ProjectState

from . import stages
from .dashboards import ChartData, Series
from .models import HealthLevel
from .om import latest_om_run
from .xlsx import CSV_TYPE, Column, Sheet, csv_bytes, download, workbook

CACHE_SECONDS = 300
PAGE_SIZE = 50
PUBLIC_STAGES = [s for s in stages.CHOICES if stages.RANK[s[0]] >= stages.RANK["approved"]]

#: the whitelist: (field, label, column kind) — nothing else about a project is public
FIELDS: list[tuple[str, Any, str]] = [
    ("name", L("项目名称"), "text"),
    ("unit", L("建设单位"), "text"),
    ("kind", L("项目类型"), "text"),
    ("approved", L("批复总投资（万元）"), "wan"),
    ("year", L("计划年度"), "int"),
    ("stage", L("所处阶段"), "text"),
    ("acceptance", L("竣工验收"), "text"),
    ("om", L("运维经费决定"), "text"),
    ("health", L("健康度"), "text"),
]


def public_projects() -> QuerySet[Project]:
    """Approved projects (classified ones never enter the platform: a constraint)."""
    return Project.objects.filter(state=ProjectState.APPROVED, is_classified=False)


class PublicFilter(ListFilter):
    search_fields = ("name", "unit__name", "unit__short_name")
    year = NumberFilter(label=L("计划年度"))
    kind = ChoiceFilter(choices=ProjectKind.choices, label=L("项目类型"))
    unit = CharFilter(field_name="unit__name", lookup_expr="icontains", label=L("建设单位"))
    stage = ChoiceFilter(choices=PUBLIC_STAGES, method="reached", label=L("已到达阶段"))
    health = ChoiceFilter(
        choices=HealthLevel.choices, field_name="health__level", label=L("健康度")
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def reached(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return stages.reached(queryset, value)


def annotated(qs: QuerySet[Project]) -> QuerySet[Project]:
    """The whitelisted values as annotations: one query, no per-project lookup."""
    run = latest_om_run(today())
    decisions = OMDecision.objects.filter(run_id=run, system__projects=OuterRef("pk"))
    return qs.annotate(
        stage_rank=stages.rank_expression(),
        pub_acceptance=Case(
            When(delivery__phase=Phase.ACCEPTED, then=Value(str(L("通过")))),
            When(delivery__phase=Phase.FAILED, then=Value(str(L("未通过")))),
            default=Value(""),
            output_field=CharFieldType(),
        ),
        pub_refused=Exists(decisions.filter(eligible=False)),
        pub_decided=Exists(decisions),
    )


def public_row(p: Any) -> list[Any]:
    stage_labels = {stages.RANK[k]: label for k, label in stages.CHOICES}
    health = getattr(p, "health_level", None)
    om = ""
    if p.pub_decided:
        om = _("不予安排") if p.pub_refused else _("可安排")
    return [
        p.name,
        p.unit_name,
        str(p.get_kind_display()),
        p.approved_total,
        p.year,
        str(stage_labels.get(p.stage_rank, "")),
        str(p.pub_acceptance),
        om,
        str(HealthLevel(health).label) if health is not None else "",
    ]


def rows_of(qs: QuerySet[Project]) -> Iterator[list[Any]]:
    from django.db.models import F

    for p in (
        annotated(qs)
        .annotate(unit_name=F("unit__name"), health_level=F("health__level"))
        .order_by("year", "unit__name", "name")
        .iterator(chunk_size=2000)
    ):
        yield public_row(p)


def columns() -> list[Column]:
    return [
        Column(str(label), kind, 40 if key == "name" else 16, total=kind == "wan")
        for key, label, kind in FIELDS
    ]


def notices() -> list[dict[str, Any]]:
    """The criticisms (通报批评): number, the unit criticised, the authority and the date —
    never the notice's text (it may name people)."""
    from django.apps import apps

    if not apps.is_installed("supervision"):
        return []
    from .supervision_links import criticisms

    return [
        {
            "number": s.number,
            "unit": s.unit.name,
            "authority": s.authority.name,
            "issued_on": s.issued_on,
        }
        for s in criticisms()[:50]
    ]


def summary(qs: QuerySet[Project]) -> list[ChartData]:
    """Three charts of the public portfolio: stages, approved money by year, health."""
    funnel = [row for row in stages.funnel(qs) if stages.RANK[row[0]] >= stages.RANK["approved"]]
    by_year = list(
        qs.order_by().values_list("year").annotate(s=Sum("approved_total")).values_list("year", "s")
    )
    levels = dict(
        qs.order_by()
        .values_list("health__level")
        .annotate(n=Count("pk"))
        .values_list("health__level", "n")
    )
    return [
        ChartData(
            "open_stages",
            _("项目所处阶段"),
            "funnel",
            _("个"),
            "",
            [str(label) for _k, label, _n in funnel],
            [k for k, _l, _n in funnel],
            ["?stage=" + k for k, _l, _n in funnel],
            [Series("projects", _("项目数"), [n for _k, _l, n in funnel])],
        ),
        ChartData(
            "open_money",
            _("按计划年度的批复总投资"),
            "bar",
            _("万元"),
            "",
            [str(y) for y, _s in by_year],
            [str(y) for y, _s in by_year],
            [f"?year={y}" for y, _s in by_year],
            [
                Series(
                    "approved", _("批复总投资"), [s or Decimal(0) for _y, s in by_year], money=True
                )
            ],
        ),
        ChartData(
            "open_health",
            _("项目健康度"),
            "pie",
            _("个"),
            "",
            [str(level.label) for level in HealthLevel],
            [str(level.value) for level in HealthLevel],
            [f"?health={level.value}" for level in HealthLevel],
            [
                Series(
                    "projects", _("项目数"), [levels.get(level.value, 0) for level in HealthLevel]
                )
            ],
        ),
    ]


def _filtered(request: HttpRequest) -> QuerySet[Project]:
    return apply(PublicFilter, request.GET, public_projects()).qs


def _refused(exc: ActionInvalid) -> HttpResponse:
    return HttpResponse(exc.message, status=422, content_type="text/plain; charset=utf-8")


@cache_page(CACHE_SECONDS)
def open_page(request: HttpRequest) -> HttpResponse:
    try:
        qs = _filtered(request)
    except ActionInvalid as exc:
        return _refused(exc)
    kinds = [kind for _key, _label, kind in FIELDS]
    shown = [
        [
            format_wan(v) if k == "wan" and v is not None else v
            for v, k in zip(row, kinds, strict=True)
        ]
        for row in rows_of(qs)
    ]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "fields": [str(label) for _k, label, _kind in FIELDS],
        "page_obj": page,
        "total": qs.count(),
        "charts": {"charts": [c.as_json() for c in summary(public_projects())]},
        "notices": notices(),
        "query": request.GET.urlencode(),
        "params": {
            k: request.GET.get(k, "") for k in ("q", "year", "kind", "unit", "stage", "health")
        },
        "kinds": ProjectKind.choices,
        "stages": PUBLIC_STAGES,
        "levels": HealthLevel.choices,
    }
    return render(request, "reports/open.html", context)


@cache_page(CACHE_SECONDS)
def open_csv(request: HttpRequest) -> HttpResponse:
    try:
        qs = _filtered(request)
    except ActionInvalid as exc:
        return _refused(exc)
    return download(
        csv_bytes(columns(), rows_of(qs)), f"open-projects-{today():%Y%m%d}.csv", CSV_TYPE
    )


@cache_page(CACHE_SECONDS)
def open_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        qs = _filtered(request)
    except ActionInvalid as exc:
        return _refused(exc)
    sheet = Sheet(
        title=_("政务信息化项目公开数据"),
        columns=columns(),
        rows=rows_of(qs),
        total_label=_("合计"),
    )
    return download(workbook(sheet), f"open-projects-{today():%Y%m%d}.xlsx")
