"""Pages of the annual investment plan (Art. 10, 27, 37): the plans by year, a year's plan with
its versions, entries and (for DRC) candidates, and a version's differences. What DRC can do
is on the "您现在可以办理" card; changes of single entries post to their actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.scoping import for_user, get_visible_or_404
from core.offers import next_steps
from core.xlsx import download
from projects.models import Project, ProjectState
from projects.visibility import reads_all_projects

from .. import actions, eligibility, services
from ..actions.base import wan_text
from ..filters import PlanEntryFilter
from ..models import AnnualPlan, PlanEntry, PlanState, PlanVersion
from .common import evaluations, filtered_page

CANDIDATE_LIMIT = 200  # candidates shown on the plan page; compiling takes them all


@login_required
def plan_index(request: Any) -> HttpResponse:
    user = request.user
    plans = list(for_user(AnnualPlan, user))
    sees_draft = reads_all_projects(user)
    versions = (
        for_user(PlanVersion, user)
        .filter(plan__in=plans, state__in=[PlanState.PUBLISHED, PlanState.DRAFT])
        .annotate(total=Sum("entries__amount"), count=Count("entries"))
    )
    by_plan: dict[int, dict[str, PlanVersion]] = {}
    for v in versions:
        by_plan.setdefault(v.plan_id, {})[v.state] = v
    for plan in plans:
        plan.current = by_plan.get(plan.pk, {}).get(PlanState.PUBLISHED)
        plan.draft = by_plan.get(plan.pk, {}).get(PlanState.DRAFT) if sees_draft else None
    ctx = {
        "plans": plans,
        "can_open": actions.open_plan_version.permitted(None, user),
    }
    return render(request, "investment/plan_index.html", ctx)


def _candidates(user: Any, year: int, version: PlanVersion | None) -> Any:
    """Projects of ``year`` that compiling would consider, not yet in ``version``."""
    qs = (
        for_user(Project, user)
        .filter(year=year)
        .exclude(state__in=[ProjectState.DRAFT, ProjectState.REJECTED])
        .select_related("unit")
        .order_by("code")
    )
    if version is not None:
        qs = qs.exclude(pk__in=PlanEntry.objects.filter(version=version).values("project_id"))
    return qs


def _entries(request: Any, shown: PlanVersion) -> dict[str, Any]:
    """The entries of the version shown: filtered, sorted, paginated, with totals, links to
    the projects the user may see and their evaluation results (R37.1)."""
    user = request.user
    base = for_user(PlanEntry, user).filter(version=shown).select_related("project__unit")
    qs, ctx = filtered_page(
        request,
        PlanEntryFilter,
        base,
        sortable={"unit": "project__unit__name", "code": "project__code", "amount": "amount"},
        default_sort="unit",
    )
    page_ids = [e.project_id for e in ctx["page_obj"]]
    visible = set(for_user(Project, user).filter(pk__in=page_ids).values_list("pk", flat=True))
    found = evaluations(user, page_ids)
    for e in ctx["page_obj"]:
        e.visible = e.project_id in visible
        e.evaluations = found.get(e.project_id, [])
        e.amount_input = wan_text(e.amount)
    ctx["totals"] = qs.aggregate(total=Sum("amount"), count=Count("id"))
    return ctx


def _candidates_of(user: Any, year: int, base: PlanVersion | None) -> dict[str, Any]:
    """DRC's candidates with their eligibility (R10.1, R27.1, R10.3) and evaluations."""
    qs = _candidates(user, year, base)
    candidates = eligibility.eligibility(qs[:CANDIDATE_LIMIT], year)
    found = evaluations(user, [c.project.pk for c in candidates])
    for c in candidates:
        c.evaluations = found.get(c.project.pk, [])
        c.amount_input = wan_text(c.project.approved_total or c.project.total_investment)
    count = qs.count() if len(candidates) == CANDIDATE_LIMIT else len(candidates)
    return {"candidates": candidates, "candidate_count": count}


@login_required
def plan_detail(request: Any, year: int) -> HttpResponse:
    user = request.user
    if not 2000 <= year <= 2100:
        raise Http404
    # a year not compiled yet shows an unsaved plan, so that its card can offer to start
    plan = for_user(AnnualPlan, user).filter(year=year).first() or AnnualPlan(year=year)
    sees_draft = reads_all_projects(user)
    compiles = user.has_role(*actions.compile_plan.allowed_roles())
    current = plan.current_version()
    draft = plan.draft_version() if sees_draft else None
    wanted = request.GET.get("v")
    shown = draft if draft and (wanted == "draft" or current is None) else current
    ctx: dict[str, Any] = {
        "year": year,
        "plan": plan if plan.pk else None,
        "current": current,
        "draft": draft,
        "shown": shown,
        "compiles": compiles,
        "editable": bool(compiles and shown is not None and shown.is_draft),
        "versions": list(
            PlanVersion.objects.filter(plan_id=plan.pk).annotate(count=Count("entries"))
        ),
        "compiled": eligibility.latest_compilation(draft) if draft and compiles else None,
        "steps": next_steps(plan, user),
    }
    if shown is not None:
        ctx.update(_entries(request, shown))
    if compiles:
        ctx.update(_candidates_of(user, year, draft or current))
    return render(request, "investment/plan_detail.html", ctx)


def _version(request: Any, pk: int) -> PlanVersion:
    version = get_visible_or_404(PlanVersion.objects.select_related("plan"), request.user, pk=pk)
    if version.is_draft and not reads_all_projects(request.user):
        raise Http404
    return version


@login_required
def version_detail(request: Any, pk: int) -> HttpResponse:
    user = request.user
    version = _version(request, pk)
    previous = services.previous_version(version)
    diff = services.version_diff(previous, version)
    codes = [row[0] for rows in diff.values() for row in rows]
    names = dict(for_user(Project, user).filter(code__in=codes).values_list("code", "name"))
    before = previous.entries.aggregate(total=Sum("amount")) if previous else {"total": None}
    ctx = {
        "version": version,
        "previous": previous,
        "added": [(c, names.get(c, ""), a) for c, a in diff["added"]],
        "removed": [(c, names.get(c, ""), a) for c, a in diff["removed"]],
        "changed": [(c, names.get(c, ""), b, a, a - b) for c, b, a in diff["changed"]],
        "totals": version.entries.aggregate(total=Sum("amount"), count=Count("id")),
        "previous_total": before["total"],
        "steps": next_steps(version, user),
    }
    return render(request, "investment/version_detail.html", ctx)


@login_required
def version_export(request: Any, pk: int) -> HttpResponse:
    from .. import exports

    version = _version(request, pk)
    return download(
        exports.plan_xlsx(version), f"{version.plan.year}年投资计划第{version.number}版.xlsx"
    )
