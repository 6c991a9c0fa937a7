"""What the investment pages share: evaluation results beside projects, filtered
and sorted lists, and pages whose input has rows (estimate items, indicators) that the page
draws itself while the action's contract checks everything."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from accounts.scoping import for_user
from core.contracts import Contract
from core.errors import ActionInvalid
from core.filters import ListFilter, for_page
from core.forms import ContractForm, contract_form
from core.listing import paginate_sorted
from core.pageactions import run_action

from ..models import EvaluationResult


def int_param(request: Any, name: str, default: int | None = None) -> int | None:
    """A year (2000–2100) from the query string, or ``default``."""
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return default
    return value if 2000 <= value <= 2100 else default


def evaluations(user: Any, project_ids: Any) -> dict[int, list]:
    """Evaluation results beside each project (R37.1): one query for a page of projects."""
    by_project: dict[int, list] = defaultdict(list)
    if project_ids:
        for r in for_user(EvaluationResult, user).filter(project_id__in=project_ids):
            by_project[r.project_id].append(r)
    return by_project


def filtered_page(
    request: Any,
    filterset: type[ListFilter],
    queryset: QuerySet,
    *,
    sortable: dict[str, str],
    default_sort: str,
) -> tuple[QuerySet, dict[str, Any]]:
    """A list filtered by its filter set (a bad value shows on the filter form, the list is
    empty), sorted and paginated; returns the filtered queryset and the page's context."""
    filters, qs = for_page(filterset, request, queryset)
    _page, ctx = paginate_sorted(request, qs, sortable=sortable, default_sort=default_sort)
    ctx["filters"] = filters
    return qs, ctx


class RowsInput:
    """The input of a page that draws a list of rows itself (estimate items, indicators): the
    other fields are a contract form; the rows typed are added before the action's contract
    checks everything, and the problems of the rows are kept by row ("items.2.amount_wan")
    for the page to show beside them."""

    def __init__(self, act: Any, obj: Any, user: Any, field: str, rows: list[dict], **fixed: Any):
        self.act, self.obj, self.user = act, obj, user
        self.field, self.rows, self.fixed = field, rows, fixed
        self.errors: dict[str, str] = {}

    def form(self, data: Any, initial: dict[str, Any] | None = None) -> ContractForm:
        return contract_form(
            self.act.Input,
            data,
            initial=initial if initial is not None else self.act.initial(self.obj, self.user),
            choices=self.act.choices(self.obj, self.user),
            exclude=(self.field, *self.fixed),
            parser=self.parse,
        )

    def split(self, errors: dict[str, str]) -> dict[str, str]:
        """Keep the errors of the rows; return the others."""
        mine = {k: v for k, v in errors.items() if k.split(".")[0] == self.field}
        self.errors.update(mine)
        return {k: v for k, v in errors.items() if k not in mine}

    def parse(self, data: dict[str, Any]) -> Any:
        values = {**data, **self.fixed, self.field: self.rows}
        try:
            return self.act.parse_for(self.obj, self.user, values)
        except ActionInvalid as exc:
            raise ActionInvalid(exc.message, self.split(exc.errors)) from None

    def row_errors(self) -> dict[int, list[str]]:
        """Errors by row number (from 1) of the rows sent; "items" alone goes to row 0."""
        by_row: dict[int, list[str]] = defaultdict(list)
        for key, message in self.errors.items():
            parts = key.split(".")
            by_row[int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0].append(message)
        return by_row

    def run(self, request: Any, form: ContractForm) -> HttpResponseRedirect | None:
        """Validate and do the action; after success, the page the action names."""
        if not form.is_valid() or form.contract is None or self.errors:
            if not self.errors and not form.errors:
                return None
            messages.error(request, _(Contract.INVALID))
            return None
        result, ok = run_action(
            request,
            lambda: self.act.execute(self.obj.pk, form.contract, acting_user=self.user),
            form=form,
            on_invalid=self.split,
        )
        if not ok:
            return None
        messages.success(request, self.act.success_message(self.obj, result))
        return HttpResponseRedirect(self.act.next_url(self.obj, result))
