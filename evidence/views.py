"""Pages of the evidence chapter: the duplicate-collection findings (a list and each finding
with its card) and the 3-year rolling project list with its spreadsheet. The project's
evidence is a panel of the project page (``panels``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts.scoping import for_user, get_visible_or_404
from core.filters import for_page
from core.listing import paginate_sorted
from core.money import format_wan
from core.offers import next_steps
from core.xlsx import download
from projects.models import ProjectListVersion

from . import rolling
from .filters import CollectionFindingFilter
from .models import CollectionFinding


@login_required
def findings(request):
    visible = for_user(CollectionFinding, request.user).select_related(
        "project", "system", "source_unit"
    )
    filters, qs = for_page(CollectionFindingFilter, request, visible)
    _page, ctx = paginate_sorted(
        request, qs, sortable={"found": "found_at", "item": "item_name"}, default_sort="-found"
    )
    ctx["filters"] = filters
    return render(request, "evidence/collection_list.html", ctx)


@login_required
def finding_detail(request, pk: int):
    finding = get_visible_or_404(CollectionFinding, request.user, pk=pk)
    ctx = {"finding": finding, "steps": next_steps(finding, request.user)}
    return render(request, "evidence/finding_detail.html", ctx)


def _version(request, pk: int | None):
    if pk is None:
        version = rolling.latest_version()
        if version is None:
            return None
        return version
    try:
        return for_user(ProjectListVersion, request.user).get(pk=pk)
    except ProjectListVersion.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def rolling_list(request, pk: int | None = None):
    """The units' totals by year, and the entries a page at a time (by unit, or searched)."""
    version = _version(request, pk)
    if version is None:
        return render(request, "evidence/rolling_list.html", {"version": None, "table": None})
    entries = rolling.window(version).select_related("project")
    unit = request.GET.get("unit", "").strip()
    if unit:
        entries = entries.filter(unit_name=unit)
    page, ctx = paginate_sorted(
        request, entries, sortable=ROLLING_SORTS, default_sort="unit",
        search_fields=("project_name", "project__code", "unit_name"),
    )  # fmt: skip
    for entry in page:
        entry.amount_wan = format_wan(entry.amount)
    table = rolling.unit_table(version)
    ctx.update(version=version, table=table, unit=unit)
    return render(request, "evidence/rolling_list.html", ctx)


ROLLING_SORTS = {
    "unit": "unit_name", "priority": "priority", "year": "rolling_year", "amount": "amount"
}  # fmt: skip


@login_required
def rolling_xlsx(request, pk: int):
    version = _version(request, pk)
    content = rolling.xlsx(rolling.three_year_table(version))
    return download(content, f"rolling-list-{version.year}.xlsx")
