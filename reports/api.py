"""The reports chapter over JSON, mounted at ``/api/reports/``: the dashboards' data (the same
``ChartData`` the pages draw), the portfolio list with its filters, a project's health with its
factors, and the official documents of a project. Reads only; every figure is scoped to the
user (``Project.objects.for_user``)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from accounts.scoping import get_visible_or_404
from core.api import MAX_PAGE_SIZE, READ_ERRORS, ErrorOut, PageNumberPagination
from core.filters import apply
from core.money import yuan_str
from projects.models import Project

from . import dashboards, health, portfolio
from .filters import PortfolioFilter, ScopeFilter
from .models import OfficialDocument

router = Router(tags=["报表"])


class SeriesOut(Schema):
    key: str
    name: str
    values: list[float | int]


class ChartOut(Schema):
    key: str
    title: str
    kind: str
    unit: str
    note: str
    categories: list[str]
    keys: list[str]
    links: list[str]
    series: list[SeriesOut]


class FamilyOut(Schema):
    key: str
    title: str
    charts: list[str]


class DashboardOut(Schema):
    family: str
    charts: list[ChartOut]


def _family(request: Any, key: str) -> dashboards.Family:
    family = dashboards.FAMILIES.get(key)
    if family is None or not dashboards.may_open(family, request.auth):
        raise Http404
    return family


@router.get("/dashboards", response={200: list[FamilyOut], 401: ErrorOut})
def list_dashboards(request: Any) -> Any:
    """The dashboards the user may open (by role family)."""
    return [
        {"key": f.key, "title": str(f.title), "charts": list(f.charts)}
        for f in dashboards.families_for(request.auth)
    ]


@router.get("/dashboards/{family}", response={200: DashboardOut, **READ_ERRORS})
def dashboard_data(request: Any, family: str, filters: Query[ScopeFilter.schema()]) -> Any:  # type: ignore[valid-type]
    """Every chart of a dashboard, filtered by year, unit and kind; money in 万元."""
    fam = _family(request, family)
    scope = dashboards.scope_for(request.auth, request.GET, unit_only=fam.unit_only)
    return {"family": fam.key, "charts": [c.as_json() for c in dashboards.compute(fam, scope)]}


class HealthFactorOut(Schema):
    key: str
    label: str
    dimension: str
    level: int
    level_label: str
    articles: list[str]
    text: str


class HealthOut(Schema):
    project_id: int
    level: int | None
    dimensions: dict[str, int]
    factors: list[HealthFactorOut]
    history: list[tuple[date, int]]


@router.get("/projects/{project_id}/health", response={200: HealthOut, **READ_ERRORS})
def project_health(request: Any, project_id: int) -> Any:
    """A project's rating computed now from its records, each factor with its facts and
    articles, and its monthly history (level null: not approved, nothing to rate)."""
    project = get_visible_or_404(Project, request.auth, pk=project_id)
    ctx = health.context()
    ratings = health.rate(Project.objects.filter(pk=project.pk), ctx)
    if not ratings:
        return {
            "project_id": project.pk,
            "level": None,
            "dimensions": {},
            "factors": [],
            "history": [],
        }
    stored = ratings[0].stored()
    return {
        "project_id": project.pk,
        "level": stored["level"],
        "dimensions": {d: stored[d] for d in health.DIMENSIONS},
        "factors": health.explained(stored["factors"], ctx),
        "history": health.history(project),
    }


class PortfolioOut(Schema):
    id: int
    code: str
    name: str
    unit_name: str
    year: int
    kind: str
    state: str
    requested: str
    approved: str | None
    planned: str
    budgeted: str
    contracted: str
    paid: str
    health: int | None

    @staticmethod
    def resolve_unit_name(obj: Project) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_requested(obj: Project) -> str | None:
        return yuan_str(obj.total_investment)

    @staticmethod
    def resolve_approved(obj: Project) -> str | None:
        return yuan_str(obj.approved_total)

    @staticmethod
    def resolve_planned(obj: Any) -> str | None:
        return yuan_str(obj.m_planned)

    @staticmethod
    def resolve_budgeted(obj: Any) -> str | None:
        return yuan_str(obj.m_budgeted)

    @staticmethod
    def resolve_contracted(obj: Any) -> str | None:
        return yuan_str(obj.m_contracted)

    @staticmethod
    def resolve_paid(obj: Any) -> str | None:
        return yuan_str(obj.m_paid)

    @staticmethod
    def resolve_health(obj: Project) -> int | None:
        rating = portfolio.health_of(obj)
        return rating.level if rating is not None else None


@router.get("/projects", response={200: list[PortfolioOut], **READ_ERRORS})
@paginate(PageNumberPagination, page_size=settings.GOVIT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def portfolio_list(request: Any, filters: Query[PortfolioFilter.schema()]) -> Any:  # type: ignore[valid-type]
    """The portfolio every chart drills into (money in yuan as exact strings)."""
    qs = apply(PortfolioFilter, request.GET, dashboards.portfolio_of(request.auth)).qs
    return portfolio.rows(qs).order_by("code")


class OfficialOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    authority: str
    recipient: str
    issued_on: date
    content_sm3: str
    file_sm3: str
    signature: str


@router.get("/projects/{project_id}/documents", response={200: list[OfficialOut], **READ_ERRORS})
def project_documents(request: Any, project_id: int) -> Any:
    """The official documents issued about a project, with their digests and signature."""
    project = get_visible_or_404(Project, request.auth, pk=project_id)
    return OfficialDocument.objects.for_user(request.auth).filter(project=project).order_by("pk")
