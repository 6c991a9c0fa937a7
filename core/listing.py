"""Paginated, sortable, searchable lists: one helper for every table page."""

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet


def paginate_sorted(
    request: Any,
    queryset: QuerySet[Any],
    *,
    sortable: dict[str, str],
    default_sort: str,
    search_fields: tuple[str, ...] = (),
) -> tuple[Page[Any], dict[str, Any]]:
    """Apply ?q= search, ?sort= (only whitelisted keys) and ?page=; returns (page, context)."""
    q = request.GET.get("q", "").strip()
    if q and search_fields:
        cond = Q()
        for field in search_fields:
            cond |= Q(**{f"{field}__icontains": q})
        queryset = queryset.filter(cond)
    queryset, sort = sort_by(request, queryset, sortable=sortable, default_sort=default_sort)
    paginator = Paginator(queryset, settings.GOVIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return page, {"page_obj": page, "q": q, "sort": sort, "total": paginator.count}


def sort_by(
    request: Any, queryset: QuerySet[Any], *, sortable: dict[str, str], default_sort: str
) -> tuple[QuerySet[Any], str]:
    """``queryset`` in the order ``?sort=`` asks (only whitelisted keys, else ``default_sort``),
    as the list page shows it (its export follows the same order); returns (queryset, sort)."""
    sort = request.GET.get("sort", default_sort)
    key = sort.lstrip("-")
    if key not in sortable:
        sort, key = default_sort, default_sort.lstrip("-")
    order = sortable[key]
    return queryset.order_by(f"-{order}" if sort.startswith("-") else order, "pk"), sort
