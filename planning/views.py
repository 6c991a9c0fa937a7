"""Pages of the planning chapter. Views only load (through scoping), show gate previews and
call actions; missing and forbidden objects answer 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Organisation
from accounts.roles import Role
from accounts.scoping import for_user, get_visible_or_404
from core.listing import paginate_sorted
from core.pageactions import any_blocks as _blocks
from policy.engine import preview_findings as _preview
from core.pageactions import run_action as _run

from . import actions
from .forms import (
    CityPlanForm,
    CityPlanVersionForm,
    DataGovernanceForm,
    DecisionForm,
    ItemForm,
    MasterPlanForm,
    ReassessForm,
)
from .models import (
    CityPlan,
    CityPlanState,
    CityPlanVersion,
    DataGovernanceRecord,
    MasterPlan,
    MasterPlanFiling,
    MasterPlanItem,
    RevisionState,
)
from .services import city_plan_context, filing_context, latest_data_governance

# -- city plan ------------------------------------------------------------------------------


@login_required
def city_plan_list(request):
    qs = for_user(CityPlan, request.user)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"title": "title", "start": "start_year", "created": "created_at"},
        default_sort="-start",
        search_fields=("title",),
    )
    visible = for_user(CityPlanVersion, request.user)
    for plan in ctx["page_obj"]:
        plan.current = visible.filter(plan=plan, is_current=True).first()
        plan.open = visible.filter(plan=plan, state__in=["draft", "submitted", "returned"]).first()
    ctx["can_create"] = request.user.has_role(Role.BDB_REVIEWER)
    return render(request, "planning/city_plan_list.html", ctx)


@login_required
def city_plan_create(request):
    if not request.user.has_role(Role.BDB_REVIEWER):
        raise Http404
    form = CityPlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan, ok = _run(
            request,
            lambda: actions.create_city_plan(acting_user=request.user, **form.cleaned_data),
            form=form,
            success="已新建市级规划草稿。",
        )
        if ok:
            return redirect("planning:city_plan_detail", pk=plan.pk)
    return render(request, "planning/city_plan_form.html", {"form": form})


@login_required
def city_plan_detail(request, pk):
    plan = get_visible_or_404(CityPlan, request.user, pk=pk)
    user = request.user
    versions = list(
        for_user(CityPlanVersion, user)
        .filter(plan=plan)
        .select_related("drafted_by", "decided_by")
        .order_by("-number")
    )
    current = next((v for v in versions if v.is_current), None)
    open_version = next((v for v in versions if v.is_open), None)
    is_bdb = user.has_role(Role.BDB_REVIEWER)
    is_gov = user.has_role(Role.GOV_APPROVER)
    ctx = {
        "plan": plan,
        "versions": versions,
        "current": current,
        "open_version": open_version,
        "is_bdb": is_bdb,
        "is_gov": is_gov,
    }
    if open_version is not None:
        if is_bdb and open_version.state in (CityPlanState.DRAFT, CityPlanState.RETURNED):
            ctx["submit_findings"] = _preview(
                "planning.city_plan.submit", lambda: city_plan_context(open_version, user)
            )
            ctx["submit_blocked"] = _blocks(ctx["submit_findings"])
            ctx["can_submit"] = True
        if is_gov and open_version.state == CityPlanState.SUBMITTED:
            ctx["approve_findings"] = _preview(
                "planning.city_plan.approve", lambda: city_plan_context(open_version, user)
            )
            ctx["approve_blocked"] = _blocks(ctx["approve_findings"])
            ctx["decision_form"] = DecisionForm()
            ctx["can_decide"] = True
    if is_bdb and current is not None and open_version is None:
        ctx["reassess_form"] = ReassessForm()
    return render(request, "planning/city_plan_detail.html", ctx)


@login_required
def city_plan_version_edit(request, pk):
    version = get_visible_or_404(
        CityPlanVersion.objects.select_related("plan"), request.user, pk=pk
    )
    if not request.user.has_role(Role.BDB_REVIEWER) or version.state not in (
        CityPlanState.DRAFT,
        CityPlanState.RETURNED,
    ):
        raise Http404
    initial = {
        "summary": version.summary,
        "data_orientation": version.data_orientation,
        "reassessment_reason": version.reassessment_reason,
    }
    form = CityPlanVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _result, ok = _run(
            request,
            lambda: actions.update_city_plan(
                version.pk, acting_user=request.user, **form.cleaned_data
            ),
            form=form,
            success="已保存。",
        )
        if ok:
            return redirect("planning:city_plan_detail", pk=version.plan_id)
    return render(
        request, "planning/city_plan_version_form.html", {"form": form, "version": version}
    )


@login_required
@require_POST
def city_plan_version_action(request, pk, verb):
    version = get_visible_or_404(CityPlanVersion, request.user, pk=pk)
    opinion = request.POST.get("opinion", "")
    calls = {
        "submit": (
            lambda: actions.submit_city_plan(version.pk, acting_user=request.user),
            "已报市政府审批。",
        ),
        "approve": (
            lambda: actions.approve_city_plan(
                version.pk, acting_user=request.user, opinion=opinion
            ),
            "已批准，该版本成为现行规划。",
        ),
        "return": (
            lambda: actions.return_city_plan(version.pk, acting_user=request.user, opinion=opinion),
            "已退回市大数据发展局。",
        ),
    }
    if verb not in calls:
        raise Http404
    func, success = calls[verb]
    _run(request, func, success=success)
    return redirect("planning:city_plan_detail", pk=version.plan_id)


@login_required
@require_POST
def city_plan_reassess(request, pk):
    plan = get_visible_or_404(CityPlan, request.user, pk=pk)
    form = ReassessForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: actions.reassess_city_plan(
                plan.pk,
                acting_user=request.user,
                reassessment_reason=form.cleaned_data["reassessment_reason"],
            ),
            success="已新建调整版本草稿，修改后报市政府批准；批准前现行版本继续有效。",
        )
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("planning:city_plan_detail", pk=plan.pk)


# -- master plans ---------------------------------------------------------------------------


def _user_units(user):
    return Organisation.objects.filter(pk__in=actions.unit_ids_of(user)).order_by("name")


@login_required
def master_plan_list(request):
    user = request.user
    qs = for_user(MasterPlan, user).select_related("unit")
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"unit": "unit__name", "title": "title", "created": "created_at"},
        default_sort="unit",
        search_fields=("title", "unit__name", "unit__short_name"),
    )
    for plan in ctx["page_obj"]:
        revisions = list(plan.revisions.order_by("-number"))
        plan.latest = revisions[0] if revisions else None
        plan.filed = next((r for r in revisions if r.is_current_filed), None)
        plan.draft = next((r for r in revisions if r.state == RevisionState.DRAFT), None)
    units = _user_units(user)
    ctx["can_create"] = units.exists()
    ctx["governance"] = [(u, latest_data_governance(u)) for u in units]
    return render(request, "planning/master_plan_list.html", ctx)


@login_required
def master_plan_create(request):
    units = _user_units(request.user)
    if not units.exists():
        raise Http404
    form = MasterPlanForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        plan, ok = _run(
            request,
            lambda: actions.create_master_plan(acting_user=request.user, **data),
            form=form,
            success="已新建总体方案草稿，请添加项目后报备。",
        )
        if ok:
            return redirect("planning:master_plan_detail", pk=plan.pk)
    return render(request, "planning/master_plan_form.html", {"form": form, "plan": None})


def _pick_revision(plan, revisions, request):
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
    revision = _pick_revision(plan, revisions, request)
    draft = next((r for r in revisions if r.state == RevisionState.DRAFT), None)
    filed = next((r for r in revisions if r.is_current_filed), None)
    can_edit = plan.unit_id in actions.unit_ids_of(user)
    items = list(revision.items.order_by("seq")) if revision else []
    filings = list(revision.filings.select_related("authority", "received_by")) if revision else []
    my_authority_ids = {m.organisation_id for m in user.active_memberships()}
    for filing in filings:
        filing.can_confirm = filing.received_at is None and filing.authority_id in my_authority_ids
    ctx = {
        "plan": plan,
        "revisions": revisions,
        "revision": revision,
        "items": items,
        "draft": draft,
        "filed": filed,
        "filings": filings,
        "can_edit": can_edit,
    }
    if can_edit and draft is not None:
        ctx["file_findings"] = _preview(
            "planning.master_plan.file", lambda: filing_context(draft, user)
        )
        ctx["file_blocked"] = _blocks(ctx["file_findings"])
    return render(request, "planning/master_plan_detail.html", ctx)


def _editable_plan(request, pk):
    plan = get_visible_or_404(MasterPlan.objects.select_related("unit"), request.user, pk=pk)
    if plan.unit_id not in actions.unit_ids_of(request.user):
        raise Http404
    return plan


@login_required
def master_plan_edit(request, pk):
    plan = _editable_plan(request, pk)
    base = plan.draft_revision() or plan.latest_revision()
    initial = {
        "title": plan.title,
        "start_year": base.start_year,
        "end_year": base.end_year,
        "data_plan": base.data_plan,
        "collective_review_date": base.collective_review_date if base.is_draft else None,
        "collective_review_ref": base.collective_review_ref if base.is_draft else "",
        "change_note": base.change_note if base.is_draft else "",
    }
    form = MasterPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        _result, ok = _run(
            request,
            lambda: actions.update_master_plan(plan.pk, acting_user=request.user, **data),
            form=form,
            success="已保存到修订稿。",
        )
        if ok:
            return redirect("planning:master_plan_detail", pk=plan.pk)
    return render(
        request,
        "planning/master_plan_form.html",
        {"form": form, "plan": plan, "base": base},
    )


@login_required
def item_add(request, pk):
    plan = _editable_plan(request, pk)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        _result, ok = _run(
            request,
            lambda: actions.add_master_plan_item(plan.pk, acting_user=request.user, **data),
            form=form,
            success="已增加项目。已报备的方案将在新修订稿中调整，须重新报备。",
        )
        if ok:
            return redirect("planning:master_plan_detail", pk=plan.pk)
    return render(request, "planning/item_form.html", {"form": form, "plan": plan, "item": None})


def _editable_item(request, pk):
    item = get_visible_or_404(
        MasterPlanItem.objects.select_related("revision__plan__unit"), request.user, pk=pk
    )
    if item.revision.unit_id not in actions.unit_ids_of(request.user):
        raise Http404
    return item


@login_required
def item_edit(request, pk):
    item = _editable_item(request, pk)
    plan = item.revision.plan
    initial = {f: getattr(item, f) for f in ItemForm.base_fields}
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("seq") is None:
            data.pop("seq")
        _result, ok = _run(
            request,
            lambda: actions.change_master_plan_item(item.pk, acting_user=request.user, **data),
            form=form,
            success="已调整项目。",
        )
        if ok:
            return redirect("planning:master_plan_detail", pk=plan.pk)
    return render(request, "planning/item_form.html", {"form": form, "plan": plan, "item": item})


@login_required
@require_POST
def item_remove(request, pk):
    item = _editable_item(request, pk)
    _run(
        request,
        lambda: actions.remove_master_plan_item(item.pk, acting_user=request.user),
        success=f"已删减项目“{item.name}”。",
    )
    return redirect("planning:master_plan_detail", pk=item.revision.plan_id)


@login_required
@require_POST
def master_plan_file(request, pk):
    plan = _editable_plan(request, pk)
    _run(
        request,
        lambda: actions.file_master_plan(plan.pk, acting_user=request.user),
        success="已向市大数据发展局、市发展改革委、市委网信办报备。",
    )
    return redirect("planning:master_plan_detail", pk=plan.pk)


@login_required
@require_POST
def filing_confirm(request, pk):
    filing = get_visible_or_404(
        MasterPlanFiling.objects.select_related("revision"), request.user, pk=pk
    )
    _run(
        request,
        lambda: actions.confirm_master_plan_filing(filing.pk, acting_user=request.user),
        success="已确认收到报备。",
    )
    return redirect(
        f"/planning/master-plans/{filing.revision.plan_id}/?rev={filing.revision.number}"
    )


# -- data governance (R7.1) ------------------------------------------------------------------


@login_required
def data_governance(request):
    user = request.user
    units = _user_units(user)
    form = None
    if units.exists():
        form = DataGovernanceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            _result, ok = _run(
                request,
                lambda: actions.record_data_governance(
                    acting_user=user, unit=units.first(), **data
                ),
                form=form,
                success="已登记数据治理情况（第七条）。",
            )
            if ok:
                return redirect("planning:data_governance")
    elif request.method == "POST":
        raise Http404
    qs = for_user(DataGovernanceRecord, user).select_related("unit", "recorded_by")
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"unit": "unit__name", "time": "recorded_at"},
        default_sort="-time",
        search_fields=("unit__name", "unit__short_name", "governance_summary"),
    )
    ctx.update(form=form, unit=units.first())
    return render(request, "planning/data_governance.html", ctx)
