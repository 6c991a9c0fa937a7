"""Pages of the planning chapter. Views load through scoping, filter lists with the chapter's
filter sets and show the "您现在可以办理" card; every form is an action's contract, posted to
the action page (``core.views.act``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accounts.models import Organisation
from accounts.recipients import unit_ids_of
from accounts.roles import Role
from accounts.scoping import for_user, get_visible_or_404
from core.filters import for_page
from core.listing import paginate_sorted
from core.offers import next_steps

from .filters import CityPlanFilter, DataGovernanceFilter, MasterPlanFilter
from .models import CityPlan, CityPlanVersion, DataGovernanceRecord, MasterPlan, RevisionState
from .services import latest_data_governance

# -- city plan ------------------------------------------------------------------------------


@login_required
def city_plan_list(request):
    filters, qs = for_page(CityPlanFilter, request, for_user(CityPlan, request.user))
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"title": "title", "start": "start_year", "created": "created_at"},
        default_sort="-start",
    )
    visible = for_user(CityPlanVersion, request.user)
    for plan in ctx["page_obj"]:
        plan.current = visible.filter(plan=plan, is_current=True).first()
        plan.open = visible.filter(plan=plan, state__in=["draft", "submitted", "returned"]).first()
    ctx.update(filters=filters, can_create=request.user.has_role(Role.BDB_REVIEWER))
    return render(request, "planning/city_plan_list.html", ctx)


@login_required
def city_plan_detail(request, pk):
    user = request.user
    plan = get_visible_or_404(CityPlan, user, pk=pk)
    versions = list(
        for_user(CityPlanVersion, user)
        .filter(plan=plan)
        .select_related("drafted_by", "decided_by")
        .order_by("-number")
    )
    ctx = {
        "plan": plan,
        "versions": versions,
        "current": next((v for v in versions if v.is_current), None),
        "open_version": next((v for v in versions if v.is_open), None),
        "steps": next_steps(plan, user),
    }
    return render(request, "planning/city_plan_detail.html", ctx)


# -- master plans ---------------------------------------------------------------------------


def _user_units(user):
    return Organisation.objects.filter(pk__in=unit_ids_of(user)).order_by("name")


@login_required
def master_plan_list(request):
    user = request.user
    visible = for_user(MasterPlan, user).select_related("unit")
    filters, qs = for_page(MasterPlanFilter, request, visible)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"unit": "unit__name", "title": "title", "created": "created_at"},
        default_sort="unit",
    )
    for plan in ctx["page_obj"]:
        revisions = list(plan.revisions.order_by("-number"))
        plan.latest = revisions[0] if revisions else None
        plan.filed = next((r for r in revisions if r.is_current_filed), None)
        plan.draft = next((r for r in revisions if r.state == RevisionState.DRAFT), None)
    units = _user_units(user)
    ctx.update(
        filters=filters,
        can_create=units.exists(),
        governance=[(u, latest_data_governance(u)) for u in units],
    )
    return render(request, "planning/master_plan_list.html", ctx)


def _pick_revision(revisions, request):
    wanted = request.GET.get("rev")
    if wanted:
        chosen = next((r for r in revisions if str(r.number) == wanted), None)
        if chosen is None:
            raise Http404
        return chosen
    draft = next((r for r in revisions if r.state == RevisionState.DRAFT), None)
    filed = next((r for r in revisions if r.is_current_filed), None)
    return draft or filed or (revisions[0] if revisions else None)


@login_required
def master_plan_detail(request, pk):
    user = request.user
    plan = get_visible_or_404(MasterPlan.objects.select_related("unit"), user, pk=pk)
    revisions = list(plan.revisions.select_related("created_by", "filed_by").order_by("-number"))
    revision = _pick_revision(revisions, request)
    ctx = {
        "plan": plan,
        "revisions": revisions,
        "revision": revision,
        "items": list(revision.items.order_by("seq")) if revision else [],
        "draft": next((r for r in revisions if r.state == RevisionState.DRAFT), None),
        "filed": next((r for r in revisions if r.is_current_filed), None),
        "filings": (
            list(revision.filings.select_related("authority", "received_by")) if revision else []
        ),
        "can_edit": plan.unit_id in unit_ids_of(user),
        "steps": next_steps(plan, user),
    }
    return render(request, "planning/master_plan_detail.html", ctx)


# -- data governance (R7.1) ------------------------------------------------------------------


@login_required
def data_governance(request):
    user = request.user
    visible = for_user(DataGovernanceRecord, user).select_related("unit", "recorded_by")
    filters, qs = for_page(DataGovernanceFilter, request, visible)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"unit": "unit__name", "time": "recorded_at"},
        default_sort="-time",
    )
    ctx.update(filters=filters, can_record=_user_units(user).exists())
    return render(request, "planning/data_governance.html", ctx)
