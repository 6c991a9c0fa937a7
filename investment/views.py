"""Pages of the investment chapter (Art. 10, 11, 25-27, 37). Views only load (through
scoping), show gate findings and call actions; missing and forbidden objects answer 404.

A refused action keeps its findings (rule, article, what to do) in the session until the
next investment page is drawn, so a POST that redirects still shows *why* beside the button
it came from."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.models import Organisation
from accounts.recipients import is_unit_staff
from accounts.roles import Role
from accounts.scoping import for_user, get_visible_or_404
from core.dates import today
from core.listing import paginate_sorted
from core.money import YUAN_PER_WAN
from core.pageactions import run_action
from policy.models import Decision
from projects.models import Project, ProjectState
from projects.visibility import reads_all_projects

from . import actions, services
from .forms import (
    BLANK_INDICATOR_ROWS,
    BLANK_ITEM_ROWS,
    BLANK_NEW_ITEM_ROWS,
    AddEntryForm,
    Art11BudgetForm,
    Art11Form,
    Art11StepForm,
    BaselineForm,
    BudgetFilterForm,
    BudgetLineForm,
    ChangeFilterForm,
    ChangeForm,
    ContractForm,
    DecideChangeForm,
    EntryAmountForm,
    OpenVersionForm,
    PaymentForm,
    PublishForm,
    indicator_rows,
    item_errors,
    item_rows,
)
from .models import (
    AnnualPlan,
    Art11Request,
    Art11State,
    Baseline,
    BudgetLine,
    ChangeClass,
    ChangeRequest,
    ChangeState,
    Circumstance,
    Contract,
    EvaluationResult,
    Payment,
    PerformanceTable,
    PlanEntry,
    PlanState,
    PlanVersion,
)


def _keep(request, findings, form):
    _keep_findings(request, findings)


# the page drawn next shows the findings with their articles, so the message stays short
_run = partial(run_action, details=False, on_findings=_keep)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FINDINGS_KEY = "investment_findings"
COMPILE_KEY = "investment_compile"
CANDIDATE_LIMIT = 200  # candidates shown on the compilation page; compile takes them all
REFUSED_KEPT = 100  # refused projects kept to show after compiling (the Decision has them all)


# -- helpers ------------------------------------------------------------------------------------


def _jsonable(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _keep_findings(request, findings) -> None:
    request.session[FINDINGS_KEY] = _jsonable(
        [f.as_dict() if hasattr(f, "as_dict") else f for f in findings]
    )


def _render(request, template, ctx):
    ctx["kept_findings"] = request.session.pop(FINDINGS_KEY, [])
    return render(request, template, ctx)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _wan_input(yuan) -> str:
    """Yuan -> 万元 as typed in a form ('600', '812.5')."""
    if yuan is None:
        return ""
    value = (Decimal(yuan) / YUAN_PER_WAN).normalize()
    return format(value, "f")


def _int_param(request, name, default=None, lo=2000, hi=2100):
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return default
    return value if lo <= value <= hi else default


def _evaluations(user, project_ids) -> dict[int, list]:
    """Evaluation results beside each project (R37.1): one query for a page of projects."""
    by_project = defaultdict(list)
    if project_ids:
        for r in for_user(EvaluationResult, user).filter(project_id__in=project_ids):
            by_project[r.project_id].append(r)
    return by_project


def _project_by_code(user, form):
    """The project a code names, through the user's scope (or a form error)."""
    code = form.cleaned_data["project_code"]
    project = for_user(Project, user).filter(code=code).first()
    if project is None:
        form.add_error("project_code", f"未找到项目编号“{code}”，或您无权访问该项目。")
    return project


def _reads_money(user) -> bool:
    """Reconciliation compares every project's budget with the plan: the authorities that
    read every project (BDB, DRC, Finance, the city government), Audit and the admin."""
    return reads_all_projects(user)


# -- annual plan (Art. 10, 27, 37) --------------------------------------------------------------


@login_required
def plan_index(request):
    user = request.user
    plans = list(for_user(AnnualPlan, user))
    sees_draft = reads_all_projects(user)
    versions = (
        for_user(PlanVersion, user)
        .filter(plan__in=plans, state__in=[PlanState.PUBLISHED, PlanState.DRAFT])
        .annotate(total=Sum("entries__amount"), count=Count("entries"))
    )
    by_plan = defaultdict(dict)
    for v in versions:
        by_plan[v.plan_id][v.state] = v
    for plan in plans:
        plan.current = by_plan[plan.pk].get(PlanState.PUBLISHED)
        plan.draft = by_plan[plan.pk].get(PlanState.DRAFT) if sees_draft else None
    is_drc = user.has_role(Role.DRC_OFFICER)
    ctx = {
        "plans": plans,
        "is_drc": is_drc,
        "open_form": OpenVersionForm(initial={"year": today().year + 1}) if is_drc else None,
    }
    return _render(request, "investment/plan_index.html", ctx)


def _candidates(user, year, version):
    """Projects of ``year`` that compile would consider, not yet in ``version``."""
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


@login_required
def plan_detail(request, year):
    user = request.user
    if not 2000 <= year <= 2100:
        raise Http404
    plan = for_user(AnnualPlan, user).filter(year=year).first()
    is_drc = user.has_role(Role.DRC_OFFICER)
    sees_draft = reads_all_projects(user)
    current = plan.current_version() if plan else None
    draft = plan.draft_version() if plan and sees_draft else None
    wanted = request.GET.get("v")
    shown = draft if draft and (wanted == "draft" or current is None) else current
    ctx = {
        "year": year,
        "plan": plan,
        "current": current,
        "draft": draft,
        "shown": shown,
        "is_drc": is_drc,
        "editable": bool(is_drc and shown is not None and shown.state == PlanState.DRAFT),
        "versions": list(plan.versions.annotate(count=Count("entries"))) if plan else [],
        "compiled": request.session.pop(COMPILE_KEY, None),
    }
    if shown is not None:
        entries = for_user(PlanEntry, user).filter(version=shown).select_related("project__unit")
        totals = entries.aggregate(total=Sum("amount"), count=Count("id"))
        _page, page_ctx = paginate_sorted(
            request,
            entries,
            sortable={
                "unit": "project__unit__name",
                "code": "project__code",
                "amount": "amount",
            },
            default_sort="unit",
            search_fields=("project__code", "project__name", "project__unit__name"),
        )
        ctx.update(page_ctx)
        page_ids = [e.project_id for e in ctx["page_obj"]]
        visible = set(for_user(Project, user).filter(pk__in=page_ids).values_list("pk", flat=True))
        evaluations = _evaluations(user, page_ids)
        for e in ctx["page_obj"]:
            e.visible = e.project_id in visible
            e.evaluations = evaluations.get(e.project_id, [])
            e.amount_input = _wan_input(e.amount)
        ctx["totals"] = totals
    if is_drc:
        base = draft or current
        qs = _candidates(user, year, base)
        candidates = services.eligibility(qs[:CANDIDATE_LIMIT], year)
        evaluations = _evaluations(user, [c.project.pk for c in candidates])
        for c in candidates:
            c.evaluations = evaluations.get(c.project.pk, [])
        ctx.update(
            candidates=candidates,
            candidate_count=qs.count() if len(candidates) == CANDIDATE_LIMIT else len(candidates),
            add_form=AddEntryForm(candidates=candidates),
            open_form=OpenVersionForm(initial={"year": year}),
            publish_form=PublishForm(initial={"basis": draft.basis if draft else ""}),
        )
    return _render(request, "investment/plan_detail.html", ctx)


@login_required
@require_POST
def plan_open(request):
    form = OpenVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("investment:plans")
    year = form.cleaned_data["year"]
    _run(
        request,
        lambda: actions.open_plan_version(
            acting_user=request.user, year=year, basis=form.cleaned_data["basis"]
        ),
        success=f"已开始编制 {year} 年度投资计划版本。",
    )
    return redirect(reverse("investment:plan", args=[year]) + "?v=draft")


@login_required
@require_POST
def plan_compile(request, year):
    result, ok = _run(request, lambda: actions.compile_plan(acting_user=request.user, year=year))
    if ok:
        refused = result["refused"]
        request.session[COMPILE_KEY] = _jsonable(
            {
                "added": result["added"],
                "refused_count": len(refused),
                "refused": refused[:REFUSED_KEPT],
            }
        )
        messages.success(
            request,
            f"已纳入 {result['added']} 个符合条件的项目；{len(refused)} 个项目不符合条件，"
            "原因见下方（第十条、第二十七条）。",
        )
    return redirect(reverse("investment:plan", args=[year]) + "?v=draft")


@login_required
@require_POST
def plan_add(request, year):
    data = request.POST
    if not request.user.has_role(Role.DRC_OFFICER):
        raise Http404
    if not data.get("project"):
        messages.error(request, "请选择要纳入计划的项目。")
        return redirect(reverse("investment:plan", args=[year]) + "?v=draft")
    _run(
        request,
        lambda: actions.add_plan_entry(
            acting_user=request.user,
            year=year,
            project=data.get("project") or None,
            amount_wan=data.get("amount_wan", ""),
            note=data.get("note", ""),
        ),
        success="已纳入计划。",
    )
    return redirect(reverse("investment:plan", args=[year]) + "?v=draft")


@login_required
@require_POST
def entry_change(request, pk):
    entry = get_visible_or_404(
        PlanEntry.objects.select_related("version__plan"), request.user, pk=pk
    )
    remove = "remove" in request.POST
    form = EntryAmountForm(request.POST)
    form.is_valid()
    _run(
        request,
        lambda: actions.change_plan_entry(
            entry.pk,
            acting_user=request.user,
            amount_wan=form.cleaned_data.get("amount_wan"),
            remove=remove,
        ),
        success="已移出计划。" if remove else "已修改计划金额。",
    )
    return redirect(reverse("investment:plan", args=[entry.version.plan.year]) + "?v=draft")


@login_required
@require_POST
def plan_publish(request, year):
    form = PublishForm(request.POST)
    form.is_valid()
    _run(
        request,
        lambda: actions.publish_plan(
            acting_user=request.user, year=year, basis=form.cleaned_data.get("basis", "")
        ),
        success=f"{year} 年度投资计划已发布，财政局和大数据局已收到通知。",
    )
    return redirect("investment:plan", year=year)


@login_required
def version_detail(request, pk):
    user = request.user
    version = get_visible_or_404(PlanVersion.objects.select_related("plan"), user, pk=pk)
    if version.state == PlanState.DRAFT and not reads_all_projects(user):
        raise Http404
    previous = services.previous_version(version)
    diff = services.version_diff(previous, version)
    codes = [row[0] for rows in diff.values() for row in rows]
    names = dict(for_user(Project, user).filter(code__in=codes).values_list("code", "name"))
    totals = version.entries.aggregate(total=Sum("amount"), count=Count("id"))
    before = previous.entries.aggregate(total=Sum("amount")) if previous else {"total": None}
    ctx = {
        "version": version,
        "previous": previous,
        "added": [(c, names.get(c, ""), a) for c, a in diff["added"]],
        "removed": [(c, names.get(c, ""), a) for c, a in diff["removed"]],
        "changed": [(c, names.get(c, ""), b, a, a - b) for c, b, a in diff["changed"]],
        "totals": totals,
        "previous_total": before["total"],
    }
    return _render(request, "investment/version_detail.html", ctx)


@login_required
def version_export(request, pk):
    from . import exports

    user = request.user
    version = get_visible_or_404(PlanVersion.objects.select_related("plan"), user, pk=pk)
    if version.state == PlanState.DRAFT and not reads_all_projects(user):
        raise Http404
    return _xlsx(
        exports.plan_xlsx(version), f"{version.plan.year}年投资计划第{version.number}版.xlsx"
    )


# -- performance target table (R10.3) ----------------------------------------------------------


def _indicator_layout(tree, rows_by_category):
    return [
        {
            "root": root,
            "leaves": [
                {"leaf": leaf, "rows": rows_by_category.get(leaf.pk, [])} for leaf in leaves
            ],
        }
        for root, leaves in tree
    ]


def _blank_row(category, n):
    return {
        "key": f"ind-{category}-{n}",
        "category": category,
        "name": "",
        "target_value": "",
        "unit": "",
        "formula": "",
        "is_quantitative": True,
        "errors": [],
    }


@login_required
def performance_table(request, pk):
    user = request.user
    project = get_visible_or_404(Project.objects.select_related("unit"), user, pk=pk)
    year = _int_param(request, "year", project.year)
    can_edit = is_unit_staff(user, project.unit_id) and project.is_construction
    if request.method == "POST" and not can_edit:
        raise Http404
    tree = services.indicator_tree()
    table = for_user(PerformanceTable, user).filter(project=project, year=year).first()
    goal = table.overall_goal if table else ""
    goal_error = ""
    if request.method == "POST":
        goal = request.POST.get("overall_goal", "")
        rows, indicators = indicator_rows(request.POST, tree)

        def place(errors):
            nonlocal goal_error
            rest = {}
            for key, message in errors.items():
                parts = key.split(".")
                if parts[0] == "indicators" and len(parts) > 1 and parts[1].isdigit():
                    indicators[int(parts[1]) - 1]["errors"].append(message)
                elif key == "overall_goal":
                    goal_error = message
                else:
                    rest[key] = message
            return rest

        _result, ok = _run(
            request,
            lambda: actions.save_performance_table(
                project,
                acting_user=user,
                year=year,
                overall_goal=goal,
                indicators=indicators,
            ),
            success=f"已保存 {year} 年绩效目标表。",
            on_invalid=place,
        )
        if ok:
            return redirect(reverse("investment:performance", args=[project.pk]) + f"?year={year}")
        by_category = defaultdict(list)
        for row in rows:
            by_category[row["category"]].append(row)
    else:
        by_category = defaultdict(list)
        if table is not None:
            for i in table.indicators.all():
                by_category[i.category_id].append(
                    {
                        "category": i.category_id,
                        "name": i.name,
                        "target_value": i.target_value,
                        "unit": i.unit,
                        "formula": i.formula,
                        "is_quantitative": i.is_quantitative,
                        "errors": [],
                    }
                )
        if can_edit:
            for _root, leaves in tree:
                for leaf in leaves:
                    by_category[leaf.pk].extend(
                        _blank_row(leaf.pk, 0) for _ in range(BLANK_INDICATOR_ROWS)
                    )
        for category, rows in by_category.items():
            for n, row in enumerate(rows):
                row["key"] = f"ind-{category}-{n}"
    ctx = {
        "project": project,
        "year": year,
        "table": table,
        "goal": goal,
        "goal_error": goal_error,
        "layout": _indicator_layout(tree, by_category),
        "can_edit": can_edit,
        "problems": services.table_problems(project.pk, year) if project.is_construction else [],
    }
    return _render(request, "investment/performance.html", ctx)


# -- budgets and reconciliation (R10.2) --------------------------------------------------------


@login_required
def budget_list(request):
    user = request.user
    qs = for_user(BudgetLine, user).select_related("project__unit", "created_by", "via_art11")
    units = Organisation.objects.filter(pk__in=qs.values("project__unit_id")).order_by("name")
    filters = BudgetFilterForm(request.GET or None, units=units)
    if filters.is_valid():
        if filters.cleaned_data.get("year"):
            qs = qs.filter(year=filters.cleaned_data["year"])
        if filters.cleaned_data.get("unit"):
            qs = qs.filter(project__unit_id=filters.cleaned_data["unit"])
    project_id = _int_param(request, "project", None, 1, 2**62)
    if project_id:
        qs = qs.filter(project_id=project_id)
    totals = qs.aggregate(total=Sum("amount"), count=Count("id"))
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "year": "year",
            "code": "project__code",
            "unit": "project__unit__name",
            "amount": "amount",
            "time": "created_at",
        },
        default_sort="-year",
        search_fields=("project__code", "project__name", "subject"),
    )
    ctx.update(
        filters=filters,
        totals=totals,
        can_add=user.has_role(Role.FINANCE_OFFICER),
    )
    return _render(request, "investment/budget_list.html", ctx)


@login_required
def budget_add(request):
    user = request.user
    if not user.has_role(Role.FINANCE_OFFICER):
        raise Http404
    initial = {"year": _int_param(request, "year", today().year)}
    project_id = _int_param(request, "project", None, 1, 2**62)
    if project_id:
        project = for_user(Project, user).filter(pk=project_id).first()
        if project is not None:
            initial["project_code"] = project.code
    form = BudgetLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        project = _project_by_code(user, form)
        if project is not None:
            data = form.cleaned_data
            line, ok = _run(
                request,
                lambda: actions.add_budget_line(
                    acting_user=user,
                    project=project.pk,
                    year=data["year"],
                    amount_wan=data["amount_wan"],
                    subject=data["subject"],
                    note=data["note"],
                ),
                form=form,
                success=f"已为 {project.code} 安排 {data['year']} 年预算。",
            )
            if ok:
                decision = (
                    Decision.objects.filter(
                        gate="investment.budget.add",
                        subject_type="projects.project",
                        subject_id=str(project.pk),
                        actor=user,
                    )
                    .order_by("-created_at")
                    .first()
                )
                warnings = [
                    f for f in (decision.findings if decision else []) if f["severity"] != "block"
                ]
                if warnings:
                    _keep_findings(request, warnings)
                    for f in warnings:
                        messages.warning(request, f["message"])
                return redirect(
                    reverse("investment:budgets") + f"?year={line.year}&project={project.pk}"
                )
    return _render(request, "investment/budget_form.html", {"form": form})


@login_required
def reconciliation(request):
    user = request.user
    if not _reads_money(user):
        raise Http404
    year = _int_param(request, "year", today().year)
    rec = services.reconcile(year)
    page = Paginator(rec["rows"], settings.GOVIT_PAGE_SIZE).get_page(request.GET.get("page"))
    diff_total = sum((r.difference for r in rec["rows"]), Decimal("0"))
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
        "diff_total": diff_total,
        "is_finance": user.has_role(Role.FINANCE_OFFICER),
    }
    return _render(request, "investment/reconciliation.html", ctx)


@login_required
def reconciliation_export(request, year):
    from . import exports

    if not _reads_money(request.user):
        raise Http404
    return _xlsx(exports.reconciliation_xlsx(year), f"{year}年预算与投资计划对账.xlsx")


# -- Art. 11 (R11.1) -----------------------------------------------------------------------------


# state -> (role that acts next, verb, button label)
ART11_NEXT = {
    Art11State.INITIATED: (Role.BDB_REVIEWER, "list", "纳入项目清单"),
    Art11State.LISTED: (Role.DRC_OFFICER, "approve", "审批并调整年度投资计划"),
    Art11State.APPROVED: (Role.FINANCE_OFFICER, "budget", "安排预算"),
}


@login_required
def art11_list(request):
    user = request.user
    qs = for_user(Art11Request, user).select_related("project__unit", "initiated_by")
    state = request.GET.get("state", "")
    if state in Art11State.values:
        qs = qs.filter(state=state)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"time": "created_at", "code": "project__code", "year": "year"},
        default_sort="-time",
        search_fields=("project__code", "project__name", "basis"),
    )
    ctx.update(
        state=state,
        states=Art11State.choices,
        can_initiate=user.has_role(Role.FINANCE_OFFICER),
    )
    return _render(request, "investment/art11_list.html", ctx)


@login_required
def art11_create(request):
    user = request.user
    if not user.has_role(Role.FINANCE_OFFICER):
        raise Http404
    initial = {"year": today().year}
    change = None
    change_id = _int_param(request, "change", None, 1, 2**62) or request.POST.get("change_request")
    if change_id:
        change = get_visible_or_404(
            ChangeRequest.objects.select_related("project"), user, pk=change_id
        )
        earlier = (
            services.effective_changes(change.project)
            .filter(number__lt=change.number)
            .order_by("-number")
            .first()
        )
        baseline = Baseline.objects.filter(project=change.project).first()
        baseline_total = earlier.new_total if earlier else getattr(baseline, "approved_total", None)
        initial.update(
            project_code=change.project.code,
            change_request=change.pk,
            basis=f"项目调整（第{change.number}次）须参照第十一条办理：{change.reason}",
        )
        if baseline_total is not None and change.new_total > baseline_total:
            initial["amount_wan"] = _wan_input(change.new_total - baseline_total)
    form = Art11Form(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        project = _project_by_code(user, form)
        if project is not None:
            data = form.cleaned_data
            req, ok = _run(
                request,
                lambda: actions.initiate_art11(
                    acting_user=user,
                    project=project.pk,
                    year=data["year"],
                    amount_wan=data["amount_wan"],
                    basis=data["basis"],
                    budget_source=data["budget_source"],
                    change_request=change.pk if change else None,
                ),
                form=form,
                success="已发起第十一条事项，待市大数据发展局纳入项目清单。",
            )
            if ok:
                return redirect("investment:art11_detail", pk=req.pk)
    return _render(request, "investment/art11_form.html", {"form": form, "change": change})


@login_required
def art11_detail(request, pk):
    user = request.user
    req = get_visible_or_404(
        Art11Request.objects.select_related("project__unit", "initiated_by", "change_request"),
        user,
        pk=pk,
    )
    history = []
    for step in req.history:
        try:
            at = dt.datetime.fromisoformat(step.get("at", ""))
        except ValueError:
            at = None
        state = step.get("state", "")
        label = Art11State(state).label if state in Art11State.values else state
        history.append(
            {"at": at, "by": step.get("by", ""), "state": label, "note": step.get("note")}
        )
    next_step = ART11_NEXT.get(req.state)
    ctx = {"req": req, "history": history, "next_step": None}
    if next_step and user.has_role(next_step[0]):
        _role, verb, label = next_step
        ctx["next_step"] = {"verb": verb, "label": label}
        ctx["step_form"] = Art11BudgetForm() if verb == "budget" else Art11StepForm()
    ctx["lines"] = list(req.budget_lines.all())
    ctx["waiting_for"] = Role(next_step[0]).label if next_step else ""
    return _render(request, "investment/art11_detail.html", ctx)


@login_required
@require_POST
def art11_action(request, pk, verb):
    user = request.user
    req = get_visible_or_404(Art11Request, user, pk=pk)
    data = request.POST
    calls = {
        "list": (
            lambda: actions.list_art11(req.pk, acting_user=user, opinion=data.get("opinion", "")),
            "已纳入项目清单，待市发展改革委审批。",
        ),
        "approve": (
            lambda: actions.approve_art11(
                req.pk, acting_user=user, opinion=data.get("opinion", "")
            ),
            "已审批并发布年度投资计划调整，待市财政局安排预算。",
        ),
        "budget": (
            lambda: actions.budget_art11(req.pk, acting_user=user, subject=data.get("subject", "")),
            "已安排预算，第十一条事项办结。",
        ),
    }
    if verb not in calls:
        raise Http404
    func, success = calls[verb]
    _run(request, func, success=success)
    return redirect("investment:art11_detail", pk=req.pk)


# -- project money: baseline, contracts, payments, changes (R25.1, R26.1) --------------------


def _project(request, pk):
    return get_visible_or_404(Project.objects.select_related("unit"), request.user, pk=pk)


def _staff_project(request, pk):
    project = _project(request, pk)
    if not is_unit_staff(request.user, project.unit_id):
        raise Http404
    return project


@login_required
def project_money(request, pk):
    user = request.user
    project = _project(request, pk)
    is_staff = is_unit_staff(user, project.unit_id)
    baseline = for_user(Baseline, user).filter(project=project).first()
    contracts = list(
        for_user(Contract, user).filter(project=project).annotate(paid=Sum("payments__amount"))
    )
    lines = list(
        for_user(BudgetLine, user)
        .filter(project=project)
        .select_related("via_art11")
        .annotate(paid=Sum("payments__amount"))
    )
    payments = list(
        for_user(Payment, user)
        .filter(contract__project=project)
        .select_related("contract", "budget_line", "recorded_by")
    )
    changes = list(for_user(ChangeRequest, user).filter(project=project).order_by("-number"))
    entries = list(
        for_user(PlanEntry, user)
        .filter(project=project, version__state__in=[PlanState.PUBLISHED])
        .select_related("version__plan")
        .order_by("-version__plan__year")
    )
    tables = list(for_user(PerformanceTable, user).filter(project=project).order_by("-year"))
    for t in tables:
        t.problems = services.table_problems(project.pk, t.year)
    paid = services.paid_total(project.pk)
    limit = services.payment_limit(project)
    effective = services.effective_total(project, baseline)
    pending = any(c.state == ChangeState.PENDING for c in changes)
    ctx = {
        "project": project,
        "is_staff": is_staff,
        "baseline": baseline,
        "baseline_items": [
            {"name": i["name"], "amount": Decimal(str(i["amount"]))} for i in baseline.items
        ]
        if baseline
        else [],
        "contracts": contracts,
        "lines": lines,
        "line_total": sum((line.amount for line in lines), Decimal("0")),
        "payments": payments,
        "changes": changes,
        "entries": entries,
        "tables": tables,
        "evaluations": list(for_user(EvaluationResult, user).filter(project=project)),
        "art11": list(for_user(Art11Request, user).filter(project=project)),
        "paid": paid,
        "limit": limit,
        "remaining": (limit - paid) if limit is not None else None,
        "effective_total": effective,
        "can_set_baseline": is_staff
        and baseline is None
        and project.state == ProjectState.APPROVED
        and project.approved_total is not None,
        "can_change": is_staff and baseline is not None and not pending,
        "can_pay": is_staff and bool(contracts) and bool(lines),
        "pending": pending,
    }
    return _render(request, "investment/project.html", ctx)


@login_required
def baseline_form(request, pk):
    user = request.user
    project = _staff_project(request, pk)
    form = BaselineForm(request.POST or None)
    if request.method == "POST":
        rows, items = item_rows(request.POST)
        extra: list[str] = []

        def place(errors):
            extra.extend(item_errors(rows, items, errors))
            return {k: v for k, v in errors.items() if not k.startswith("items")}

        if form.is_valid():
            data = form.cleaned_data
            _result, ok = _run(
                request,
                lambda: actions.set_baseline(
                    project,
                    acting_user=user,
                    items=[{"name": i["name"], "amount_wan": i["amount_wan"]} for i in items],
                    goals=data["goals"],
                    planned_completion=data["planned_completion"],
                ),
                form=form,
                success="已登记批复基线。此后的项目调整都将与之比较（第二十六条）。",
                on_invalid=place,
            )
            if ok:
                return redirect("investment:project", pk=project.pk)
    else:
        rows = [{"index": n, "name": "", "amount": "", "error": ""} for n in range(BLANK_ITEM_ROWS)]
        extra = []
    ctx = {"project": project, "form": form, "rows": rows, "item_errors": extra}
    return _render(request, "investment/baseline_form.html", ctx)


@login_required
def contract_form(request, pk):
    user = request.user
    project = _staff_project(request, pk)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _result, ok = _run(
            request,
            lambda: actions.record_contract(project, acting_user=user, **data),
            form=form,
            success="已登记合同。",
        )
        if ok:
            return redirect("investment:project", pk=project.pk)
    return _render(request, "investment/contract_form.html", {"project": project, "form": form})


@login_required
def payment_form(request, pk):
    user = request.user
    project = _staff_project(request, pk)
    contracts = for_user(Contract, user).filter(project=project)
    lines = for_user(BudgetLine, user).filter(project=project)
    form = PaymentForm(request.POST or None, contracts=contracts, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _result, ok = _run(
            request,
            lambda: actions.record_payment(acting_user=user, **data),
            form=form,
            success="已登记支付。",
        )
        if ok:
            return redirect("investment:project", pk=project.pk)
    ctx = {
        "project": project,
        "form": form,
        "paid": services.paid_total(project.pk),
        "limit": services.payment_limit(project),
    }
    return _render(request, "investment/payment_form.html", ctx)


@login_required
def change_form(request, pk):
    user = request.user
    project = _staff_project(request, pk)
    baseline = for_user(Baseline, user).filter(project=project).first()
    if baseline is None:
        messages.error(request, "请先登记批复基线（概算明细），变更将与基线比较。")
        return redirect("investment:project", pk=project.pk)
    current = services.current_items(project, baseline)
    form = ChangeForm(request.POST or None)
    extra: list[str] = []
    if request.method == "POST":
        rows, typed = item_rows(request.POST)
        # A current item left blank or 0 is dropped from the project (取消该项).
        items = [
            i
            for i in typed
            if not (i["row"] < len(current) and i["amount_wan"] in ("", "0", "0.00"))
        ]

        def place(errors):
            extra.extend(item_errors(rows, items, errors))
            return {k: v for k, v in errors.items() if not k.startswith("items")}

        if form.is_valid():
            data = form.cleaned_data
            change, ok = _run(
                request,
                lambda: actions.submit_change(
                    project,
                    acting_user=user,
                    items=[{"name": i["name"], "amount_wan": i["amount_wan"]} for i in items],
                    **data,
                ),
                form=form,
                on_invalid=place,
            )
            if ok:
                if change.state == ChangeState.FILED:
                    messages.success(
                        request,
                        "四项条件均满足：调整已生效，并已向市发展改革委、市财政局、市大数据发展局"
                        "备案（第二十六条）。",
                    )
                else:
                    messages.warning(
                        request,
                        f"{change.get_classification_display()}：已提交市发展改革委审批"
                        "（第二十六条）。",
                    )
                return redirect("investment:change_detail", pk=change.pk)
        for n, row in enumerate(rows):
            row["current"] = current.get(row["name"]) if n < len(current) else None
            row["existing"] = n < len(current)
    else:
        rows = [
            {
                "index": n,
                "name": name,
                "amount": _wan_input(amount),
                "current": amount,
                "existing": True,
                "error": "",
            }
            for n, (name, amount) in enumerate(current.items())
        ]
        rows += [
            {"index": len(rows) + n, "name": "", "amount": "", "existing": False, "error": ""}
            for n in range(BLANK_NEW_ITEM_ROWS)
        ]
    ratio = services.plan_context(project).param("change_ratio")
    ctx = {
        "project": project,
        "baseline": baseline,
        "form": form,
        "rows": rows,
        "item_errors": extra,
        "current_total": sum(current.values(), Decimal("0")),
        "ratio_percent": f"{Decimal(str(ratio)) * 100:.0f}",
        "limit": (baseline.approved_total * Decimal(str(ratio))).quantize(Decimal("0.01")),
        "earlier": services.effective_changes(project).aggregate(s=Sum("moved_amount"))["s"],
    }
    return _render(request, "investment/change_form.html", ctx)


FACT_LABELS = {
    "new_total_wan": "调整后总投资（万元）",
    "approved_total_wan": "批复总投资（万元）",
    "goals_changed": "建设目标变化",
    "moved_wan": "本次调整金额（万元）",
    "earlier_wan": "此前累计调整（万元）",
    "cumulative_wan": "累计调整金额（万元）",
    "limit_wan": "上限（万元）",
    "ratio": "比例",
    "circumstance": "适用情形",
}


def _fact_value(key, value):
    if key == "goals_changed":
        return "是" if value else "否"
    if key == "circumstance":
        return Circumstance(value).label if value in Circumstance.values else "未选择"
    if key == "ratio":
        try:
            return f"{Decimal(str(value)) * 100:.0f}%"
        except ArithmeticError:
            return value
    return value


@login_required
def change_detail(request, pk):
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
    after = {i["name"]: Decimal(str(i["amount"])) for i in change.items}
    before = {i["name"]: Decimal(str(i["amount"])) for i in baseline.items} if baseline else {}
    can_decide = user.has_role(Role.DRC_OFFICER) and change.state == ChangeState.PENDING
    ctx = {
        "change": change,
        "project": change.project,
        "baseline": baseline,
        "conditions": conditions,
        "diff": services.diff_items(before, after),
        "baseline_total": baseline.approved_total if baseline else None,
        "decide_form": DecideChangeForm() if can_decide else None,
        "can_art11": user.has_role(Role.FINANCE_OFFICER)
        and change.classification == ChangeClass.ART11
        and change.state == ChangeState.APPROVED,
        "art11": list(for_user(Art11Request, user).filter(change_request=change)),
        "decision_findings": change.decision.findings if change.decision_id else [],
    }
    return _render(request, "investment/change_detail.html", ctx)


@login_required
@require_POST
def change_decide(request, pk):
    change = get_visible_or_404(ChangeRequest, request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    _run(
        request,
        lambda: actions.decide_change(
            change.pk,
            acting_user=request.user,
            approve=approve,
            opinion=request.POST.get("opinion", ""),
        ),
        success="已批准该项目调整。" if approve else "已不予批准该项目调整。",
    )
    return redirect("investment:change_detail", pk=change.pk)


def _filtered_changes(request):
    user = request.user
    qs = for_user(ChangeRequest, user).select_related("project__unit", "created_by", "decided_by")
    units = Organisation.objects.filter(pk__in=qs.values("project__unit_id")).order_by("name")
    filters = ChangeFilterForm(request.GET or None, units=units)
    if filters.is_valid():
        data = filters.cleaned_data
        if data.get("state"):
            qs = qs.filter(state=data["state"])
        if data.get("classification"):
            qs = qs.filter(classification=data["classification"])
        if data.get("unit"):
            qs = qs.filter(project__unit_id=data["unit"])
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(project__code__icontains=q) | Q(project__name__icontains=q))
    return qs, filters


@login_required
def change_register(request):
    qs, filters = _filtered_changes(request)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "time": "created_at",
            "code": "project__code",
            "state": "state",
            "moved": "cumulative_moved",
        },
        default_sort="-time",
    )
    ctx["filters"] = filters
    ctx["export_query"] = request.GET.urlencode()
    return _render(request, "investment/change_register.html", ctx)


@login_required
def change_register_export(request):
    from . import exports

    qs, _filters = _filtered_changes(request)
    return _xlsx(
        exports.change_register_xlsx(qs.order_by("project__code", "number")), "项目调整登记簿.xlsx"
    )
