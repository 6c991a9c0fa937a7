"""Pages of budgets and their reconciliation with the plan (Art. 10 ¶2) and of the Art. 11
path. Budgets and Art. 11 requests are actions on a project: Finance finds the project by its
code (a list of thousands of projects would not be usable) and does it on the action's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.scoping import for_user, get_visible_or_404
from core.actions import get as action_named
from core.dates import today
from core.offers import action_url, next_steps
from core.xlsx import download
from projects.models import Project
from projects.visibility import reads_all_projects

from .. import actions, services
from ..actions.budget import line_warnings
from ..filters import Art11Filter, BudgetLineFilter
from ..models import AnnualPlan, Art11Request, Art11State, BudgetLine
from .common import filtered_page, int_param

# -- finding the project of an action (budgets, Art. 11) ---------------------------------------

PICKED = {
    "investment.add_budget_line": (L("安排预算"), "investment:budgets"),
    "investment.initiate_art11": (L("发起第十一条事项"), "investment:art11"),
}


def pick_project(name: str) -> Any:
    """A page where the user types a project's code and goes on to the action's page."""

    @login_required
    def view(request: Any) -> HttpResponse:
        act = action_named(name)
        if not act.permitted(None, request.user):
            raise Http404
        code = request.GET.get("code", "").strip()
        error = ""
        if code:
            project = for_user(Project, request.user).filter(code=code).first()
            if project is not None:
                return HttpResponseRedirect(action_url(act, project))
            error = _("未找到项目编号“%(code)s”，或您无权访问该项目。") % {"code": code}
        title, back = PICKED[name]
        ctx = {"action": act, "title": title, "back": back, "code": code, "error": error}
        return render(request, "investment/pick_project.html", ctx)

    view.__name__ = f"pick_{name.split('.')[1]}"
    return view


# -- budgets and the reconciliation (R10.2) ------------------------------------------------------


@login_required
def budget_list(request: Any) -> HttpResponse:
    user = request.user
    base = for_user(BudgetLine, user).select_related(
        "project__unit", "created_by", "via_art11", "decision"
    )
    qs, ctx = filtered_page(
        request,
        BudgetLineFilter,
        base,
        sortable={
            "year": "year",
            "code": "project__code",
            "unit": "project__unit__name",
            "amount": "amount",
            "time": "created_at",
        },
        default_sort="-year",
    )
    for line in ctx["page_obj"]:
        line.warnings = line_warnings(line)
    ctx.update(
        totals=qs.aggregate(total=Sum("amount"), count=Count("id")),
        can_add=actions.add_budget_line.permitted(None, user),
    )
    return render(request, "investment/budget_list.html", ctx)


@login_required
def reconciliation(request: Any) -> HttpResponse:
    user = request.user
    if not reads_all_projects(user):
        raise Http404
    year = int_param(request, "year", today().year) or today().year
    rec = services.reconcile(year)
    page = Paginator(rec["rows"], settings.GOVIT_PAGE_SIZE).get_page(request.GET.get("page"))
    years = sorted(
        set(AnnualPlan.objects.values_list("year", flat=True))
        | set(BudgetLine.objects.values_list("year", flat=True).distinct())
        | {year},
        reverse=True,
    )
    ctx = {
        **rec,
        "page_obj": page,
        "years": years,
        "diff_total": sum((r.difference for r in rec["rows"]), Decimal("0")),
        "can_budget": actions.add_budget_line.permitted(None, user),
    }
    return render(request, "investment/reconciliation.html", ctx)


@login_required
def reconciliation_export(request: Any, year: int) -> HttpResponse:
    from .. import exports

    if not reads_all_projects(request.user):
        raise Http404
    return download(exports.reconciliation_xlsx(year), f"{year}年预算与投资计划对账.xlsx")


# -- Art. 11 (R11.1) -------------------------------------------------------------------------------


@login_required
def art11_list(request: Any) -> HttpResponse:
    user = request.user
    base = for_user(Art11Request, user).select_related("project__unit", "initiated_by")
    _qs, ctx = filtered_page(
        request,
        Art11Filter,
        base,
        sortable={"time": "created_at", "code": "project__code", "year": "year"},
        default_sort="-time",
    )
    ctx["can_initiate"] = actions.initiate_art11.permitted(None, user)
    return render(request, "investment/art11_list.html", ctx)


def _history(req: Art11Request) -> list[dict[str, Any]]:
    rows = []
    for step in req.history:
        try:
            at = dt.datetime.fromisoformat(step.get("at", ""))
        except ValueError:
            at = None
        state = step.get("state", "")
        label = Art11State(state).label if state in Art11State.values else state
        rows.append({"at": at, "by": step.get("by", ""), "state": label, "note": step.get("note")})
    return rows


@login_required
def art11_detail(request: Any, pk: int) -> HttpResponse:
    user = request.user
    req = get_visible_or_404(
        Art11Request.objects.select_related("project__unit", "initiated_by", "change_request"),
        user,
        pk=pk,
    )
    ctx = {
        "req": req,
        "history": _history(req),
        "lines": list(req.budget_lines.all()),
        "steps": next_steps(req, user),
    }
    return render(request, "investment/art11_detail.html", ctx)
