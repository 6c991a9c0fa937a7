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
    version = _version(request, pk)
    table = rolling.three_year_table(version) if version is not None else None
    return render(request, "evidence/rolling_list.html", {"version": version, "table": table})


@login_required
def rolling_xlsx(request, pk: int):
    version = _version(request, pk)
    content = rolling.xlsx(rolling.three_year_table(version))
    return download(content, f"rolling-list-{version.year}.xlsx")
