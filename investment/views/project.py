"""Pages of one project's money (Art. 10, 25, 26): its plan entries, budgets, contracts,
payments, baseline and changes with the "您现在可以办理" card; the pages that draw rows
(the performance target table, the baseline, a change request); a change request's page and
the register of changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.scoping import for_user, get_visible_or_404
from core.offers import next_steps
from core.xlsx import download, page_export
from projects.models import Project

from .. import actions, eligibility, services
from ..actions.budget import line_warnings
from ..filters import ChangeFilter
from ..models import (
    Art11Request,
    Baseline,
    BudgetLine,
    ChangeRequest,
    Circumstance,
    Contract,
    EvaluationResult,
    Payment,
    PerformanceTable,
    PlanEntry,
    PlanState,
)
from .common import RowsInput, filtered_page, int_param
from .rows import indicator_layout, indicator_rows, item_rows, place_item_errors, stored_rows

BLANK_ITEM_ROWS = 6  # estimate items of a baseline
BLANK_NEW_ITEM_ROWS = 2  # new estimate items of a change request


def _project(request: Any, pk: int) -> Project:
    return get_visible_or_404(Project.objects.select_related("unit"), request.user, pk=pk)


def _money(project: Project, user: Any) -> dict[str, Any]:
    """The project's plan entries, budgets, contracts and payments as the user may see them."""
    lines = list(
        for_user(BudgetLine, user)
        .filter(project=project)
        .select_related("via_art11", "decision")
        .annotate(paid=Sum("payments__amount"))
    )
    for line in lines:
        line.warnings = line_warnings(line)
    paid = services.paid_total(project.pk)
    limit = services.payment_limit(project)
    return {
        "entries": list(
            for_user(PlanEntry, user)
            .filter(project=project, version__state=PlanState.PUBLISHED)
            .select_related("version__plan")
            .order_by("-version__plan__year")
        ),
        "lines": lines,
        "line_total": sum((line.amount for line in lines), Decimal("0")),
        "contracts": list(
            for_user(Contract, user).filter(project=project).annotate(paid=Sum("payments__amount"))
        ),
        "payments": list(
            for_user(Payment, user)
            .filter(contract__project=project)
            .select_related("contract", "budget_line", "recorded_by")
        ),
        "paid": paid,
        "limit": limit,
        "remaining": (limit - paid) if limit is not None else None,
    }


@login_required
def project_money(request: Any, pk: int) -> HttpResponse:
    user = request.user
    project = _project(request, pk)
    baseline = for_user(Baseline, user).filter(project=project).first()
    tables = list(for_user(PerformanceTable, user).filter(project=project).order_by("-year"))
    for t in tables:
        t.problems = eligibility.table_problems(project.pk, t.year)
    ctx = {
        "project": project,
        "baseline": baseline,
        "baseline_items": stored_rows(baseline.items) if baseline else [],
        "effective_total": services.effective_total(project, baseline),
        "changes": list(for_user(ChangeRequest, user).filter(project=project).order_by("-number")),
        "tables": tables,
        "evaluations": list(for_user(EvaluationResult, user).filter(project=project)),
        "art11": list(for_user(Art11Request, user).filter(project=project)),
        "steps": next_steps(project, user),
        **_money(project, user),
    }
    return render(request, "investment/project.html", ctx)


def _own(request: Any, pk: int, act: Any) -> Project:
    """The project, for someone who may take ``act`` on it (others: 404)."""
    project = _project(request, pk)
    if not act.permitted(project, request.user):
        raise Http404
    return project


# -- the performance target table (R10.3) ------------------------------------------------------


@login_required
def performance_table(request: Any, pk: int) -> HttpResponse:
    user = request.user
    act = actions.save_performance_table
    project = _project(request, pk)
    year = int_param(request, "year", project.year) or project.year
    can_edit = act.permitted(project, user) and project.is_construction
    if request.method == "POST" and not can_edit:
        raise Http404
    tree = eligibility.indicator_tree()
    table = for_user(PerformanceTable, user).filter(project=project, year=year).first()
    if request.method == "POST":
        rows, indicators = indicator_rows(request.POST, tree)
        entry = RowsInput(act, project, user, "indicators", indicators, year=year)
        form = entry.form(request.POST)
        done = entry.run(request, form)
        if done is not None:
            return done
        for n, messages_ in entry.row_errors().items():
            target = indicators[n - 1] if 0 < n <= len(indicators) else None
            if target is not None:
                target["errors"].extend(messages_)
    else:
        rows = indicator_rows(None, tree, table=table, blanks=can_edit)[0]
        form = RowsInput(act, project, user, "indicators", [], year=year).form(
            None, initial={"overall_goal": table.overall_goal if table else ""}
        )
    ctx = {
        "project": project,
        "year": year,
        "table": table,
        "form": form,
        "layout": indicator_layout(tree, rows),
        "can_edit": can_edit,
        "problems": eligibility.table_problems(project.pk, year) if project.is_construction else [],
    }
    return render(request, "investment/performance.html", ctx)


# -- the baseline and change requests (R26.1) ---------------------------------------------------


def _rows_page(
    request: Any, act: Any, project: Project, rows: list[dict], current: dict | None = None
) -> tuple[Any, Any, list[str]]:
    """Run a page of estimate items: returns (response after success or None, form, the item
    errors that belong to no row)."""
    items = [r for r in rows if r["name"] or r["amount"]]
    if current is not None:  # a current item left blank or 0 is dropped (取消该项)
        items = [r for r in items if not (r["existing"] and r["amount"] in ("", "0", "0.00"))]
    sent = [{"name": r["name"], "amount_wan": r["amount"]} for r in items]
    entry = RowsInput(act, project, request.user, "items", sent)
    form = entry.form(request.POST)
    done = entry.run(request, form)
    return done, form, place_item_errors(rows, items, entry.row_errors())


@login_required
def baseline_form(request: Any, pk: int) -> HttpResponse:
    act = actions.set_baseline
    project = _own(request, pk, act)
    extra: list[str] = []
    if request.method == "POST":
        rows = item_rows(request.POST)
        done, form, extra = _rows_page(request, act, project, rows)
        if done is not None:
            return done
    else:
        rows = item_rows(None, blanks=BLANK_ITEM_ROWS)
        form = RowsInput(act, project, request.user, "items", []).form(None)
    ctx = {
        "project": project,
        "form": form,
        "rows": rows,
        "item_errors": extra,
        "findings": act.check(project, request.user),
    }
    return render(request, "investment/baseline_form.html", ctx)


@login_required
def change_form(request: Any, pk: int) -> HttpResponse:
    user = request.user
    act = actions.submit_change
    project = _own(request, pk, act)
    baseline = for_user(Baseline, user).filter(project=project).first()
    if baseline is None:
        for finding in act.check(project, user):
            messages.error(request, finding.text)
        return redirect("investment:project", pk=project.pk)
    current = services.current_items(project, baseline)
    extra: list[str] = []
    if request.method == "POST":
        rows = item_rows(request.POST, current=current)
        done, form, extra = _rows_page(request, act, project, rows, current)
        if done is not None:
            return done
    else:
        rows = item_rows(None, current=current, blanks=BLANK_NEW_ITEM_ROWS)
        form = RowsInput(act, project, user, "items", []).form(None)
    ratio = act.policy_for(project).p.change_ratio
    ctx = {
        "project": project,
        "baseline": baseline,
        "form": form,
        "rows": rows,
        "item_errors": extra,
        "findings": act.check(project, user),
        "current_total": sum(current.values(), Decimal("0")),
        "ratio_percent": f"{ratio * 100:.0f}",
        "limit": (baseline.approved_total * ratio).quantize(Decimal("0.01")),
        "earlier": services.effective_changes(project).aggregate(s=Sum("moved_amount"))["s"],
    }
    return render(request, "investment/change_form.html", ctx)


FACT_LABELS = {
    "new_total_wan": L("调整后总投资（万元）"),
    "approved_total_wan": L("批复总投资（万元）"),
    "goals_changed": L("建设目标变化"),
    "moved_wan": L("本次调整金额（万元）"),
    "earlier_wan": L("此前累计调整（万元）"),
    "cumulative_wan": L("累计调整金额（万元）"),
    "limit_wan": L("上限（万元）"),
    "ratio": L("比例"),
    "circumstance": L("适用情形"),
}


def _fact_value(key: str, value: Any) -> Any:
    if key == "goals_changed":
        return _("是") if value else _("否")
    if key == "circumstance":
        return Circumstance(value).label if value in Circumstance.values else _("未选择")
    if key == "ratio":
        try:
            return f"{Decimal(str(value)) * 100:.0f}%"
        except ArithmeticError:
            return value
    return value


@login_required
def change_detail(request: Any, pk: int) -> HttpResponse:
    user = request.user
    change = get_visible_or_404(
        ChangeRequest.objects.select_related("project__unit", "created_by", "decided_by"),
        user,
        pk=pk,
    )
    baseline = Baseline.objects.filter(project_id=change.project_id).first()
    conditions = [
        {
            **c,
            "facts": [
                (FACT_LABELS.get(k, k), _fact_value(k, v))
                for k, v in (c.get("facts") or {}).items()
            ],
        }
        for c in change.conditions
    ]
    before = stored_rows(baseline.items) if baseline else []
    ctx = {
        "change": change,
        "project": change.project,
        "baseline": baseline,
        "conditions": conditions,
        "diff": services.diff_items(
            {r["name"]: r["amount"] for r in before},
            {r["name"]: r["amount"] for r in stored_rows(change.items)},
        ),
        "baseline_total": baseline.approved_total if baseline else None,
        "art11": list(for_user(Art11Request, user).filter(change_request=change)),
        "steps": next_steps(change, user),
    }
    return render(request, "investment/change_detail.html", ctx)


def _changes(request: Any) -> Any:
    return for_user(ChangeRequest, request.user).select_related(
        "project__unit", "created_by", "decided_by"
    )


@login_required
def change_register(request: Any) -> HttpResponse:
    _qs, ctx = filtered_page(
        request,
        ChangeFilter,
        _changes(request),
        sortable={
            "time": "created_at",
            "code": "project__code",
            "state": "state",
            "moved": "cumulative_moved",
        },
        default_sort="-time",
    )
    ctx["export_query"] = request.GET.urlencode()
    return render(request, "investment/change_register.html", ctx)


@login_required
def change_register_export(request: Any) -> HttpResponse:
    """The register as filtered on its page; an invalid filter value sends the user back to
    the page, which shows it (nothing is exported as if the filter were absent)."""
    from .. import exports

    def respond(qs: Any) -> HttpResponse:
        rows = qs.order_by("project__code", "number")
        return download(exports.change_register_xlsx(rows), "项目调整登记簿.xlsx")

    return page_export(
        request, ChangeFilter, _changes(request), reverse("investment:changes"), respond
    )
