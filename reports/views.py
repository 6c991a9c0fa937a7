"""Pages of the reports chapter: the dashboards of each role family, the portfolio and review
lists they drill into, their xlsx downloads, and the PDF of an official document."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.recipients import unit_ids_of
from accounts.scoping import for_user, get_visible_or_404
from core.crypto import same, sm3_hex
from core.dates import today
from core.errors import ActionInvalid
from core.filters import for_page
from core.listing import paginate_sorted
from projects.models import ProjectKind

from . import dashboards, portfolio
from .dashboards import FAMILIES, Family
from .documents import pdf_bytes
from .filters import PortfolioFilter, ReviewStepFilter
from .models import OfficialDocument
from .xlsx import Column, Sheet, download, workbook

PDF_TYPE = "application/pdf"


def _family(request: HttpRequest, key: str) -> Family:
    family = FAMILIES.get(key)
    if family is None or not dashboards.may_open(family, request.user):
        raise Http404
    return family


def _invalid(request: HttpRequest, exc: ActionInvalid) -> HttpResponse:
    """A bad filter value is refused with its reason, never ignored (and never exported)."""
    errors = "；".join(f"{k}：{v}" for k, v in exc.errors.items())
    return HttpResponse(
        f"{exc.message} {errors}", status=422, content_type="text/plain; charset=utf-8"
    )


def _choices(request: HttpRequest, unit_only: bool) -> dict[str, Any]:
    visible = dashboards.portfolio_of(request.user)
    if unit_only:
        visible = visible.filter(unit_id__in=unit_ids_of(request.user))
    years = sorted(set(visible.order_by().values_list("year", flat=True)), reverse=True)
    units = for_user(Organisation, request.user).filter(pk__in=visible.order_by().values("unit_id"))
    return {
        "years": years,
        "units": list(units.order_by("name").values_list("pk", "name")),
        "kinds": ProjectKind.choices,
        "current": {k: request.GET.get(k, "") for k in ("year", "unit", "kind")},
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    families = dashboards.families_for(request.user)
    if not families:
        raise Http404
    return HttpResponseRedirect(reverse("reports:dashboard", args=[families[0].key]))


@login_required
def dashboard(request: HttpRequest, family: str) -> HttpResponse:
    fam = _family(request, family)
    try:
        scope = dashboards.scope_for(request.user, request.GET, unit_only=fam.unit_only)
    except ActionInvalid as exc:
        return _invalid(request, exc)
    charts = dashboards.compute(fam, scope)
    context = {
        "family": fam,
        "families": dashboards.families_for(request.user),
        "charts": charts,
        "data": {"charts": [c.as_json() for c in charts]},
        "query": request.GET.urlencode(),
        **_choices(request, fam.unit_only),
    }
    return render(request, "reports/dashboard.html", context)


def chart_sheet(chart: dashboards.ChartData) -> Sheet:
    """A chart's figures as a sheet: one row per category, one column per series."""
    columns = [Column(_("类别"), width=28)] + [
        Column(
            f"{s.name}（{_('万元')}）" if s.money else s.name, "wan" if s.money else "number", 16
        )
        for s in chart.series
    ]
    rows = [
        [label, *[s.values[i] for s in chart.series]] for i, label in enumerate(chart.categories)
    ]
    return Sheet(title=chart.title, columns=columns, rows=rows)


@login_required
def dashboard_xlsx(request: HttpRequest, family: str) -> HttpResponse:
    fam = _family(request, family)
    try:
        scope = dashboards.scope_for(request.user, request.GET, unit_only=fam.unit_only)
    except ActionInvalid as exc:
        return _invalid(request, exc)
    keys = [k for k in request.GET.getlist("chart") if k in fam.charts] or list(fam.charts)
    charts = [dashboards.CHARTS[k](scope) for k in keys]
    content = workbook(*[chart_sheet(c) for c in charts])
    name = f"{fam.title}-{keys[0] if len(keys) == 1 else _('看板')}-{today():%Y%m%d}.xlsx"
    return download(content, name)


def _portfolio_qs(request: HttpRequest) -> tuple[Any, Any]:
    return for_page(PortfolioFilter, request, dashboards.portfolio_of(request.user))


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    filters, qs = _portfolio_qs(request)
    _page, ctx = paginate_sorted(
        request, portfolio.rows(qs), sortable=portfolio.SORTABLE, default_sort="code"
    )
    ctx.update(
        filters=filters,
        totals=portfolio.totals(qs),
        query=request.GET.urlencode(),
        invalid=filters.is_bound and not filters.is_valid(),
    )
    return render(request, "reports/projects.html", ctx)


@login_required
def projects_xlsx(request: HttpRequest) -> HttpResponse:
    from core.filters import apply

    try:
        qs = apply(PortfolioFilter, request.GET, dashboards.portfolio_of(request.user)).qs
    except ActionInvalid as exc:
        return _invalid(request, exc)
    sheet = portfolio.export_sheet(qs.order_by("code"), _("项目清单"))
    return download(workbook(sheet), f"{_('项目清单')}-{today():%Y%m%d}.xlsx")


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    decided = dashboards.decided_reviews(dashboards.portfolio_of(request.user))
    filters, qs = for_page(ReviewStepFilter, request, decided.select_related("project__unit"))
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"decided": "decided_at", "project": "project__code", "step": "kind"},
        default_sort="-decided",
    )
    ctx.update(filters=filters)
    return render(request, "reports/reviews.html", ctx)


@login_required
def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    official = get_visible_or_404(
        OfficialDocument.objects.select_related("document"), request.user, pk=pk
    )
    try:
        content = pdf_bytes(official)
    except FileNotFoundError as exc:
        raise Http404 from exc
    except OSError:  # core.storage.TamperedFile: the SM4-GCM tag failed
        content = b""
    if not same(sm3_hex(content), official.file_sm3):
        return HttpResponse(
            _("公文“%(number)s”的文件未通过完整性校验（SM3 摘要不符），系统拒绝提供。")
            % {"number": official.number},
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'inline; filename="official-{official.pk}.pdf"'
    return response
