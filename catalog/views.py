"""Pages of the catalog chapter (Art. 14, 15, 17, 18, 20, 28, 31-33): the master catalog of
government information systems, the data resource catalog, data sharing between units and the
O&M funding decisions. Views only load (through scoping), show the conditions beside each
button and call ``catalog/actions.py`` or ``catalog/xlsx.py``; missing and forbidden objects
answer 404."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.models import Organisation
from accounts.recipients import is_unit_staff, unit_ids_of
from accounts.roles import Role
from accounts.scoping import for_user, get_visible_or_404
from core.dates import today
from core.listing import paginate_sorted
from core.pageactions import form_errors as _form_errors
from core.pageactions import run_action as _run
from policy.lookup import NoPolicyInForce, policy_in_force
from projects.models import Project
from projects.visibility import reads_all_projects

from . import actions, eligibility, xlsx
from .forms import (
    AnswerForm,
    CurateForm,
    FeedbackForm,
    ImportForm,
    OMFilterForm,
    OMRunForm,
    ResourceFilterForm,
    ResourceForm,
    SharingFilterForm,
    SharingRequestForm,
    SystemFilterForm,
    SystemForm,
    filled_rows,
    item_formset,
)
from .models import (
    AssessmentResult,
    DataResource,
    InformationSystem,
    Network,
    OMDecision,
    OMRun,
    ShareType,
    SharingRequest,
    SharingState,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OM_READER_ROLES = (
    Role.FINANCE_OFFICER,
    Role.BDB_REVIEWER,
    Role.DRC_OFFICER,
    Role.GOV_APPROVER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
    Role.UNIT_OFFICER,
    Role.UNIT_HEAD,
)


# -- helpers ----------------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _acting_units(user):
    """Units for which ``user`` may register systems and compile resources: their own; BDB
    curates the catalogs of every unit (``register_system``/``save_resource``)."""
    if user.has_role(Role.BDB_REVIEWER):
        return Organisation.objects.units().filter(is_active=True).order_by("name")
    return Organisation.objects.filter(pk__in=unit_ids_of(user)).order_by("name")


def _may_edit_system(user, system) -> bool:
    return is_unit_staff(user, system.unit_id) or user.has_role(Role.BDB_REVIEWER)


def _may_edit_resource(user, resource) -> bool:
    return is_unit_staff(user, resource.provider_id) or user.has_role(Role.BDB_REVIEWER)


def _findings(items, severity):
    """Stored reasons/warnings (dicts) in the shape ``includes/findings.html`` draws."""
    return [{**item, "severity": severity} for item in items or []]


FACT_LABELS = {
    "catalogued": "已纳入总目录",
    "missing": "缺少的审批",
    "overdue_requests": "逾期未答复的共享申请",
    "resources": "仅向特定对象开放的资源",
    "duplicates": "重复采集的信息项",
    "crypto_result": "密评结论",
    "crypto_assessed_on": "最近密评日期",
    "mlps_result": "等保测评结论",
    "mlps_evaluated_on": "最近等保测评日期",
    "major_hazard": "存在重大安全隐患",
    "pending_systems": "应整合未整合的系统",
    "projects": "验收未通过的项目",
    "period_months": "周期（月）",
    "signs": "迹象",
    "hosting": "部署方式",
    "hazard_note": "隐患说明",
    "monthly_visits": "月访问量",
    "last_maintained_on": "最近运维日期",
    "replaceable_by": "可替代系统",
    "min_monthly_visits": "最低月访问量",
    "idle_months": "无运维月数阈值",
    "policy": "政策版本",
    "system_id": "系统",
}
RESULT_LABELS = {value: str(label) for value, label in AssessmentResult.choices}


def _fact_text(key, value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in ("crypto_result", "mlps_result"):
        return RESULT_LABELS.get(value, "") or "未登记"
    if key == "hosting":
        return "数字重庆云" if value == "cq_cloud" else "其他"
    if isinstance(value, list):
        parts = []
        for v in value:
            if isinstance(v, dict) and "item" in v:
                parts.append(f"{v['item']}（权威来源 {v.get('source', '')}）")
            else:
                parts.append(str(v))
        return "、".join(parts) or "—"
    if value in (None, ""):
        return "—"
    return str(value)


def fact_rows(facts: dict) -> list[dict]:
    """The facts a condition used, with Chinese labels (the key stays visible for audit)."""
    facts = facts or {}
    return [
        {
            "key": k,
            "label": FACT_LABELS.get(k, k),
            # zombie signs are recorded as codes; their words need the other facts
            "text": "、".join(eligibility.zombie_sign_texts(facts))
            if k == "signs"
            else _fact_text(k, v),
        }
        for k, v in facts.items()
    ]


def _explained(items, severity):
    return [{**f, "severity": severity, "fact_rows": fact_rows(f.get("facts"))} for f in items]


def _om_preview(system):
    """The O&M conditions evaluated on the system's facts now (what a decision run would
    say), as (reasons, warnings); empty when no policy is in force."""
    on = today()
    try:
        policy = policy_in_force(None, on)
    except NoPolicyInForce:
        return [], []
    result = eligibility.evaluate_systems([system.pk], today=on, policy=policy).get(system.pk)
    if result is None:
        return [], []
    return result["reasons"], result["warnings"]


# -- master catalog (R15.1) -------------------------------------------------------------------


def _system_units(user):
    visible = for_user(InformationSystem, user).order_by().values("unit_id")
    return Organisation.objects.filter(pk__in=visible).order_by("name")


def _filtered_systems(request):
    user = request.user
    qs = for_user(InformationSystem, user).select_related("unit")
    form = SystemFilterForm(request.GET or None, units=_system_units(user))
    return form.apply(qs), form


@login_required
def system_list(request):
    user = request.user
    qs, filter_form = _filtered_systems(request)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "code": "code",
            "name": "name",
            "unit": "unit__name",
            "status": "status",
            "updated": "updated_at",
        },
        default_sort="code",
        search_fields=("code", "name"),
    )
    units = _acting_units(user)
    ctx.update(
        filter_form=filter_form,
        can_register=units.exists(),
        export_query=request.GET.urlencode(),
        is_bdb=user.has_role(Role.BDB_REVIEWER),
    )
    return render(request, "catalog/system_list.html", ctx)


@login_required
def system_export(request):
    qs, _form = _filtered_systems(request)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return _xlsx(xlsx.export_systems(qs), f"政务信息系统总目录-{today():%Y%m%d}.xlsx")


@login_required
def system_create(request):
    units = _acting_units(request.user)
    if not units.exists():
        raise Http404
    form = SystemForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        system, ok = _run(
            request,
            lambda: actions.register_system(
                acting_user=request.user,
                unit=data["unit"],
                code=data["code"],
                **form.action_fields(),
            ),
            form=form,
            success="已登记，待市大数据发展局审核纳入总目录（第十五条）。",
        )
        if ok:
            return redirect("catalog:system_detail", pk=system.pk)
    return render(request, "catalog/system_form.html", {"form": form, "system": None})


@login_required
def system_detail(request, pk):
    user = request.user
    system = get_visible_or_404(
        InformationSystem.objects.select_related("unit", "curated_by"), user, pk=pk
    )
    projects = for_user(Project.objects.filter(systems=system), user).order_by("code")
    resources = (
        for_user(DataResource.objects.filter(systems=system), user)
        .select_related("provider")
        .order_by("resource_code")
    )
    decisions = list(
        for_user(OMDecision.objects.filter(system=system), user)
        .select_related("run__policy")
        .order_by("-run__budget_year", "-run__decided_at")[:20]
    )
    for d in decisions:
        d.explained = _explained(d.explained_reasons, "block")
    reasons, warnings = _om_preview(system)
    is_bdb = user.has_role(Role.BDB_REVIEWER)
    isolated = system.network == Network.ISOLATED
    ctx = {
        "system": system,
        "projects": projects,
        "resources": resources,
        "decisions": decisions,
        "preview": _findings(reasons, "block") + _findings(warnings, "warn"),
        "preview_blocks": bool(reasons),
        "isolation_findings": _findings([r for r in reasons if r["rule_id"] == "R31.1"], "block"),
        "can_edit": _may_edit_system(user, system),
        "can_curate": is_bdb,
        "curate_form": CurateForm(),
        "isolated": isolated,
        "can_bdb_review": isolated and is_bdb and system.isolation_bdb_reviewed_on is None,
        "can_gov_approve": isolated
        and user.has_role(Role.GOV_APPROVER)
        and system.isolation_bdb_reviewed_on is not None
        and system.isolation_gov_approved_on is None,
    }
    return render(request, "catalog/system_detail.html", ctx)


def _editable_system(request, pk):
    system = get_visible_or_404(
        InformationSystem.objects.select_related("unit"), request.user, pk=pk
    )
    if not _may_edit_system(request.user, system):
        raise Http404
    return system


@login_required
def system_edit(request, pk):
    system = _editable_system(request, pk)
    initial = {name: getattr(system, name) for name in SystemForm.base_fields}
    form = SystemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _result, ok = _run(
            request,
            lambda: actions.update_system(
                system.pk, acting_user=request.user, **form.action_fields()
            ),
            form=form,
            success="已保存目录信息。",
        )
        if ok:
            return redirect("catalog:system_detail", pk=system.pk)
    return render(request, "catalog/system_form.html", {"form": form, "system": system})


@login_required
@require_POST
def system_curate(request, pk):
    system = get_visible_or_404(InformationSystem, request.user, pk=pk)
    form = CurateForm(request.POST)
    catalogued = request.POST.get("catalogued") == "1"
    if form.is_valid():
        _run(
            request,
            lambda: actions.curate_system(
                system.pk,
                acting_user=request.user,
                catalogued=catalogued,
                note=form.cleaned_data["note"],
            ),
            success="已纳入总目录。" if catalogued else "已移出总目录。",
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("catalog:system_detail", pk=system.pk)


@login_required
@require_POST
def system_isolation(request, pk):
    system = get_visible_or_404(InformationSystem, request.user, pk=pk)
    step = (
        "市大数据发展局初审同意，待报市政府批准（第三十一条）。"
        if system.isolation_bdb_reviewed_on is None
        else "市政府已批准保留孤网（第三十一条）。"
    )
    _run(
        request,
        lambda: actions.review_isolation(system.pk, acting_user=request.user),
        success=step,
    )
    return redirect("catalog:system_detail", pk=system.pk)


def _import_page(request, *, template, importer, what):
    if not (_acting_units(request.user).exists() or request.user.is_superuser):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result, ok = _run(
            request,
            lambda: importer(form.cleaned_data["file"], acting_user=request.user),
            form=form,
        )
        if ok:
            text = (
                f"导入{what}：新增 {result.created}，更新 {result.updated}，"
                f"未变 {result.unchanged}，拒绝 {result.rejected_rows} 行。"
            )
            (messages.warning if result.errors else messages.success)(request, text)
    return render(request, template, {"form": form, "result": result})


@login_required
def system_import(request):
    return _import_page(
        request,
        template="catalog/system_import.html",
        importer=xlsx.import_systems,
        what="系统目录",
    )


# -- data resource catalog --------------------------------------------------------------------


def _filtered_resources(request):
    qs = for_user(DataResource, request.user).select_related("provider")
    providers = Organisation.objects.filter(
        pk__in=DataResource.objects.order_by().values("provider_id")
    ).order_by("name")
    form = ResourceFilterForm(request.GET or None, providers=providers)
    return form.apply(qs), form


@login_required
def resource_list(request):
    qs, filter_form = _filtered_resources(request)
    _page, ctx = paginate_sorted(
        request,
        qs.annotate(item_count=Count("items")),
        sortable={
            "code": "resource_code",
            "name": "name",
            "provider": "provider__name",
            "updated": "updated_at",
        },
        default_sort="code",
        search_fields=("resource_code", "name"),
    )
    ctx.update(
        filter_form=filter_form,
        can_create=_acting_units(request.user).exists(),
        export_query=request.GET.urlencode(),
    )
    return render(request, "catalog/resource_list.html", ctx)


@login_required
def resource_export(request):
    qs, _form = _filtered_resources(request)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(resource_code__icontains=q) | Q(name__icontains=q))
    return _xlsx(xlsx.export_resources(qs), f"数据资源目录-{today():%Y%m%d}.xlsx")


@login_required
def resource_detail(request, pk):
    user = request.user
    resource = get_visible_or_404(DataResource.objects.select_related("provider"), user, pk=pk)
    units = Organisation.objects.filter(pk__in=unit_ids_of(user)).order_by("name")
    requester_units = units.exclude(pk=resource.provider_id)
    can_request = requester_units.exists() and resource.share_type != ShareType.NONE
    requests = (
        for_user(SharingRequest.objects.filter(resource=resource), user)
        .select_related("requester")
        .order_by("-requested_on", "-pk")
    )
    ctx = {
        "resource": resource,
        "items": resource.items.select_related("system"),
        "systems": for_user(InformationSystem.objects.filter(resources=resource), user),
        "requests": requests,
        "can_edit": _may_edit_resource(user, resource),
        "can_request": can_request,
        "today": today(),
    }
    return render(request, "catalog/resource_detail.html", ctx)


def _item_error_mapper(form, formset, rows):
    """Map ``items.<n>.<field>`` errors of ``save_resource`` onto the formset row the user
    typed them in; other errors go to the main form."""

    def on_invalid(errors):
        rest = {}
        for key, message in errors.items():
            parts = key.split(".")
            if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit():
                n = int(parts[1]) - 1
                if 0 <= n < len(rows):
                    row_form = formset.forms[rows[n][0]]
                    row_form.add_error(parts[2] if parts[2] in row_form.fields else None, message)
                    continue
            rest[key] = message
        if "items" in rest:
            form.add_error(None, rest.pop("items"))
        return rest

    return on_invalid


def _resource_form_page(request, resource=None):
    user = request.user
    if resource is None:
        units = _acting_units(user)
        if not units.exists():
            raise Http404
        systems = for_user(InformationSystem, user).filter(unit__in=units)
        initial = {}
        items = ()
    else:
        units = Organisation.objects.filter(pk=resource.provider_id)
        systems = for_user(InformationSystem, user).filter(unit_id=resource.provider_id)
        initial = {
            name: getattr(resource, name)
            for name in ResourceForm.base_fields
            if name not in ("systems",)
        }
        initial["systems"] = list(resource.systems.values_list("pk", flat=True))
        items = list(resource.items.select_related("system"))
    form = ResourceForm(
        request.POST or None,
        initial=initial,
        units=units,
        systems=systems.select_related("unit").order_by("code"),
        provider_fixed=resource.provider if resource else None,
        bdb=user.has_role(Role.BDB_REVIEWER),
    )
    formset = item_formset(request.POST or None, items)
    if request.method == "POST":
        form_ok = form.is_valid()
        formset_ok = formset.is_valid()
        if form_ok and formset_ok:
            rows = filled_rows(formset)
            provider = resource.provider_id if resource else form.cleaned_data["provider"]
            saved, ok = _run(
                request,
                lambda: actions.save_resource(
                    acting_user=user,
                    provider=provider,
                    items=[row for _n, row in rows],
                    systems=list(form.cleaned_data["systems"]),
                    resource=resource.pk if resource else None,
                    **form.action_fields(),
                ),
                form=form,
                success="已保存数据资源目录。",
                on_invalid=_item_error_mapper(form, formset, rows),
            )
            if ok:
                return redirect("catalog:resource_detail", pk=saved.pk)
        else:
            messages.error(request, "请按提示修改后再保存。")
    return render(
        request,
        "catalog/resource_form.html",
        {"form": form, "formset": formset, "resource": resource},
    )


@login_required
def resource_create(request):
    return _resource_form_page(request)


@login_required
def resource_edit(request, pk):
    resource = get_visible_or_404(
        DataResource.objects.select_related("provider"), request.user, pk=pk
    )
    if not _may_edit_resource(request.user, resource):
        raise Http404
    return _resource_form_page(request, resource)


@login_required
def resource_import(request):
    return _import_page(
        request,
        template="catalog/resource_import.html",
        importer=xlsx.import_resources,
        what="数据资源目录",
    )


@login_required
def resource_request(request, pk):
    """申请共享: the requester is the user's unit (Art. 14)."""
    user = request.user
    resource = get_visible_or_404(DataResource.objects.select_related("provider"), user, pk=pk)
    units = Organisation.objects.filter(pk__in=unit_ids_of(user)).exclude(pk=resource.provider_id)
    if not units.exists():
        raise Http404
    form = SharingRequestForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        requester = form.cleaned_data.get("requester") or units.first()
        _req, ok = _run(
            request,
            lambda: actions.request_sharing(
                acting_user=user,
                resource=resource.pk,
                requester=requester,
                purpose=form.cleaned_data["purpose"],
            ),
            form=form,
            success="已提交共享申请，资源提供方须在答复期限内答复（第十四条）。",
        )
        if ok:
            return redirect("catalog:sharing_mine")
    return render(
        request,
        "catalog/sharing_request_form.html",
        {"form": form, "resource": resource, "requester": units.first()},
    )


# -- sharing (Art. 14) ------------------------------------------------------------------------

SHARING_BOXES = {
    "mine": _("我的共享申请"),
    "incoming": _("待我答复"),
    "all": _("共享申请总览"),
}


def _sharing_page(request, box):
    user = request.user
    on = today()
    qs = for_user(SharingRequest, user).select_related(
        "resource__provider", "requester", "requested_by", "answered_by"
    )
    units = unit_ids_of(user)
    if box == "mine":
        qs = qs.filter(requester_id__in=units)
    elif box == "incoming":
        qs = qs.filter(resource__provider_id__in=units)
    elif not reads_all_projects(user):
        raise Http404
    filter_form = SharingFilterForm(request.GET or None)
    if filter_form.is_valid():
        if filter_form.cleaned_data.get("state"):
            qs = qs.filter(state=filter_form.cleaned_data["state"])
        if filter_form.cleaned_data.get("overdue"):
            qs = qs.filter(state=SharingState.PENDING, due_on__lt=on)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(resource__name__icontains=q)
            | Q(resource__resource_code__icontains=q)
            | Q(requester__name__icontains=q)
        )
    # Overdue first, then pending by due date, then answered ones, latest first.
    qs = qs.annotate(
        urgency=Case(
            When(state=SharingState.PENDING, due_on__lt=on, then=Value(0)),
            When(state=SharingState.PENDING, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("urgency", "due_on", "-pk")
    if box == "mine":
        qs = qs.prefetch_related("feedback")
    page = Paginator(qs, settings.GOVIT_PAGE_SIZE).get_page(request.GET.get("page"))
    for r in page:
        r.is_overdue = r.state == SharingState.PENDING and r.due_on < on
        r.days_over = (on - r.due_on).days if r.is_overdue else 0
    ctx = {
        "box": box,
        "title": SHARING_BOXES[box],
        "page_obj": page,
        "q": q,
        "filter_form": filter_form,
        "answer_form": AnswerForm(),
        "feedback_form": FeedbackForm(),
        "today": on,
        "overdue_count": for_user(SharingRequest, user)
        .filter(state=SharingState.PENDING, due_on__lt=on)
        .filter(
            Q(resource__provider_id__in=units)
            if box == "incoming"
            else Q(requester_id__in=units)
            if box == "mine"
            else Q()
        )
        .count(),
    }
    return render(request, "catalog/sharing_list.html", ctx)


@login_required
def sharing_mine(request):
    return _sharing_page(request, "mine")


@login_required
def sharing_incoming(request):
    return _sharing_page(request, "incoming")


@login_required
def sharing_all(request):
    return _sharing_page(request, "all")


@login_required
@require_POST
def sharing_answer(request, pk):
    req = get_visible_or_404(SharingRequest, request.user, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        grant = form.cleaned_data["grant"]
        _run(
            request,
            lambda: actions.answer_sharing(
                req.pk, acting_user=request.user, grant=grant, answer=form.cleaned_data["answer"]
            ),
            success="已同意共享。" if grant else "已答复不予共享。",
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("catalog:sharing_incoming")


@login_required
@require_POST
def sharing_feedback(request, pk):
    req = get_visible_or_404(SharingRequest, request.user, pk=pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: actions.report_sharing_usage(
                req.pk,
                acting_user=request.user,
                usage=form.cleaned_data["usage"],
                satisfied=form.cleaned_data["satisfied"],
            ),
            success="已反馈使用情况。",
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("catalog:sharing_mine")


# -- O&M funding decisions (Art. 28, 31-33) ----------------------------------------------------


def _om_reader(user):
    if not (user.is_superuser or user.has_role(*OM_READER_ROLES)):
        raise Http404


def _latest_runs() -> tuple[list[int], list[int]]:
    """Years with a run (newest first) and the latest run of each year."""
    years, runs = [], []
    for year, run in OMRun.objects.order_by("-budget_year", "-decided_at", "-id").values_list(
        "budget_year", "id"
    ):
        if year not in years:
            years.append(year)
            runs.append(run)
    return years, runs


def _om_filtered(request):
    user = request.user
    years, runs = _latest_runs()
    latest = for_user(OMDecision, user).filter(run__in=runs)
    form = OMFilterForm(request.GET or None, years=years, units=_system_units(user))
    qs = form.apply(latest.select_related("system__unit", "run__policy"))
    return qs, latest, form, years


def _run_summary(latest) -> list[dict]:
    """The latest run of each year with its counts over the decisions the user sees."""
    counts = {
        row["run"]: row
        for row in latest.order_by()
        .values("run")
        .annotate(total=Count("id"), ok=Count("id", filter=Q(eligible=True)))
    }
    runs = OMRun.objects.filter(pk__in=counts).select_related("policy", "decided_by")
    return [
        {
            "run": run,
            "total": counts[run.pk]["total"],
            "ok": counts[run.pk]["ok"],
            "refused": counts[run.pk]["total"] - counts[run.pk]["ok"],
        }
        for run in runs.order_by("-budget_year")
    ]


def _reason_tags(decision) -> list[dict]:
    seen, tags = set(), []
    for r in decision.reasons:
        key = (r.get("article"), r.get("rule_id"))
        if key not in seen:
            seen.add(key)
            tags.append({"article": key[0], "rule_id": key[1]})
    return tags


@login_required
def om_list(request):
    user = request.user
    _om_reader(user)
    qs, latest, filter_form, years = _om_filtered(request)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "year": "run__budget_year",
            "code": "system__code",
            "unit": "system__unit__name",
            "eligible": "eligible",
        },
        default_sort="-year",
    )
    for d in ctx["page_obj"]:
        d.tags = _reason_tags(d)
    summary = _run_summary(latest)
    can_run = user.has_role(Role.FINANCE_OFFICER, Role.BDB_REVIEWER)
    next_year = today().year + 1
    ctx.update(
        filter_form=filter_form,
        summary=summary,
        can_run=can_run,
        run_form=OMRunForm(initial={"budget_year": next_year}) if can_run else None,
        missing_next_year=can_run and next_year not in years,
        next_year=next_year,
        export_query=request.GET.urlencode(),
    )
    return render(request, "catalog/om_list.html", ctx)


@login_required
@require_POST
def om_run(request):
    form = OMRunForm(request.POST)
    if not form.is_valid():
        if not request.user.has_role(Role.FINANCE_OFFICER, Role.BDB_REVIEWER):
            raise Http404
        messages.error(request, _form_errors(form))
        return redirect("catalog:om_list")
    year = form.cleaned_data["budget_year"]
    result, ok = _run(
        request,
        lambda: actions.decide_om_funding(acting_user=request.user, budget_year=year),
    )
    if ok:
        messages.success(
            request,
            f"已生成 {year} 年运维经费决定：{result['systems']} 个系统，"
            f"{result['eligible']} 个可安排，{result['systems'] - result['eligible']} 个不予安排"
            f"（政策版本 {result['policy']}）。",
        )
    return redirect(f"{reverse('catalog:om_list')}?year={year}")


@login_required
def om_detail(request, pk):
    user = request.user
    _om_reader(user)
    decision = get_visible_or_404(
        OMDecision.objects.select_related("system__unit", "run__policy", "run__decided_by"),
        user,
        pk=pk,
    )
    history = list(
        for_user(OMDecision.objects.filter(system=decision.system_id), user)
        .exclude(pk=decision.pk)
        .select_related("run")
        .order_by("-run__budget_year", "-run__decided_at")[:10]
    )
    ctx = {
        "decision": decision,
        "reasons": _explained(decision.explained_reasons, "block"),
        "warnings": _explained(decision.explained_warnings, "warn"),
        "history": history,
    }
    return render(request, "catalog/om_detail.html", ctx)


OM_COLUMNS = [
    ("预算年度", 10),
    ("系统编码", 18),
    ("系统名称", 30),
    ("所属单位", 28),
    ("是否可安排运维经费", 12),
    ("不符合的条件（条款）", 30),
    ("不符合的原因", 80),
    ("整改要求", 50),
    ("提示", 50),
    ("政策版本", 16),
    ("决定批次", 22),
    ("决定时间", 18),
]


def om_workbook(decisions) -> bytes:
    """O&M funding decisions for Finance: Chinese headers, a frozen bold header row, one row
    per system with its reasons and their articles (R28.4, R31-R33)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="运维经费决定")
    ws.freeze_panes = "A2"
    for n, (_h, width) in enumerate(OM_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    header = []
    for title, _w in OM_COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    tz = timezone.get_current_timezone()
    for d in decisions.iterator(chunk_size=2000):
        tags = "；".join(f"{t['article']} {t['rule_id']}" for t in _reason_tags(d))
        ws.append(
            [
                d.budget_year,
                d.system.code,
                d.system.name,
                d.system.unit.name,
                "可安排" if d.eligible else "不予安排",
                tags,
                "\n".join(
                    f"{r['rule_id']}（{r['article']}）{r['message']}" for r in d.explained_reasons
                ),
                "\n".join(r["remedy"] for r in d.explained_reasons if r.get("remedy")),
                "\n".join(
                    f"{w['rule_id']}（{w['article']}）{w['message']}" for w in d.explained_warnings
                ),
                d.policy.code,
                d.run.code,
                d.decided_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@login_required
def om_export(request):
    _om_reader(request.user)
    qs, _latest, _form, _years = _om_filtered(request)
    qs = qs.order_by("-run__budget_year", "system__unit__name", "system__code")
    return _xlsx(om_workbook(qs), f"运维经费决定-{today():%Y%m%d}.xlsx")
