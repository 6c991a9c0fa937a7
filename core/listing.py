"""Paginated, sortable, searchable lists: one helper for every table page."""

from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def bounded_count(queryset: QuerySet[Any]) -> tuple[int, bool]:
    """How many rows ``queryset`` holds, counted exactly up to ``GOVIT_EXACT_COUNT_LIMIT``:
    ``(n, True)``; beyond it ``(limit, False)``. Counting every match of a reader who sees the
    whole city costs more than the page itself (100,000 projects, each asked its visibility),
    while a person pages through the first few hundred; the database stops at limit + 1."""
    limit = settings.GOVIT_EXACT_COUNT_LIMIT
    n = queryset.order_by()[: limit + 1].count()
    return (n, True) if n <= limit else (limit, False)


class BoundedPaginator(Paginator[Any]):
    """A paginator whose total is ``bounded_count``: pages reach as far as the exact count
    does, and ``count_exact`` tells the page to say "more than" instead of a total."""

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        if isinstance(self.object_list, QuerySet):
            return bounded_count(self.object_list)
        return len(self.object_list), True

    @cached_property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def count_exact(self) -> bool:
        return self._bounded[1]


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
    paginator = BoundedPaginator(queryset, settings.GOVIT_PAGE_SIZE)
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


def row_count(rows: QuerySet[Any], to: str) -> Coalesce:
    """How many of ``rows`` point at the outer row through ``to``, as a subquery: the
    database asks it only of the rows a page shows, where ``Count()`` over a join groups every
    row of the list first (300,000 information items for the first 20 resources)."""
    counted = (
        rows.filter(**{to: OuterRef("pk")}).order_by().values(to).annotate(n=Count("pk"))
    ).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
