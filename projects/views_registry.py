"""Pages of the project list versions (Art. 8 ¶2), cross-department frameworks (Art. 13),
classified stubs (Art. 8 ¶3) and the lifecycle table. Views only load (through scoping), show
gate previews and call actions; missing and forbidden objects answer 404."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.models import Organisation
from accounts.roles import Role
from accounts.scoping import for_user, get_visible_or_404
from core.listing import paginate_sorted
from core.money import CENT, YUAN_PER_WAN
from core.pageactions import any_blocks as _blocks
from core.pageactions import form_errors as _form_errors
from core.pageactions import run_action as _run
from policy.engine import GateContext
from policy.engine import preview_findings as _preview
from policy.lookup import policy_in_force
from policy.registry import registry

from . import actions, lifecycle
from .forms_registry import (
    ClassifiedStubForm,
    DistrictForm,
    FrameworkForm,
    FrameworkReviewForm,
    ParticipantForm,
    PublishListForm,
)
from .models import (
    ClassifiedStub,
    Framework,
    FrameworkParticipant,
    FrameworkState,
    Project,
    ProjectListVersion,
    ProjectState,
)
from .rules import LISTED_STATES, ever_listed, overlapping_items
from .visibility import reads_all_projects, unit_ids_of


def _wan(yuan) -> Decimal:
    """Yuan -> Decimal 万元 with two places (for the spreadsheet, which holds numbers)."""
    return (Decimal(yuan or 0) / YUAN_PER_WAN).quantize(CENT)


# -- project list versions (Art. 8 ¶2, R8.2) ---------------------------------------------------


@login_required
def project_lists(request):
    user = request.user
    qs = (
        for_user(ProjectListVersion, user)
        .select_related("published_by")
        .annotate(entry_count=Count("entries"), total=Sum("entries__amount"))
    )
    years = sorted(
        set(for_user(ProjectListVersion, user).values_list("year", flat=True)), reverse=True
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"year": "year", "number": "number", "published": "published_at"},
        default_sort="-published",
    )
    is_bdb = user.has_role(Role.BDB_REVIEWER)
    ctx.update(years=years, year=year, is_bdb=is_bdb)
    if is_bdb:
        ctx["pending"] = _listed_by_year(user)
        default_year = ctx["pending"][0][0] if ctx["pending"] else (years[0] if years else None)
        ctx["publish_form"] = PublishListForm(initial={"year": default_year})
    return render(request, "projects/lists.html", ctx)


def _listed_by_year(user) -> list[tuple[int, int]]:
    """(year, number of projects a publication of that year would include), newest first."""
    counts: dict[int, int] = {}
    candidates = (
        for_user(Project, user)
        .filter(state__in=[*LISTED_STATES, ProjectState.RETURNED])
        .only("year", "state", "returned_from")
    )
    for project in candidates:
        if ever_listed(project):
            counts[project.year] = counts.get(project.year, 0) + 1
    return sorted(counts.items(), reverse=True)


@login_required
@require_POST
def list_publish(request):
    if not request.user.has_role(Role.BDB_REVIEWER):
        raise Http404
    form = PublishListForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("projects:lists")
    version, ok = _run(
        request,
        lambda: actions.publish_project_list(acting_user=request.user, **form.cleaned_data),
        form=form,
    )
    if not ok:
        return redirect("projects:lists")
    messages.success(request, f"已发布{version}，共 {version.entries.count()} 个项目。")
    return redirect("projects:list_version", pk=version.pk)


def _previous_version(version):
    return (
        ProjectListVersion.objects.filter(year=version.year, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def list_diff(version, previous) -> dict:
    """What changed from ``previous`` to ``version``: entries added, removed, and changed in
    amount or priority (each a dict with the old and new entry)."""
    if previous is None:
        return {"added": [], "removed": [], "changed": [], "has_changes": False}
    new = {e.project_id: e for e in version.entries.all()}
    old = {e.project_id: e for e in previous.entries.all()}
    added = [new[pid] for pid in new if pid not in old]
    removed = [old[pid] for pid in old if pid not in new]
    changed = []
    for pid, entry in new.items():
        before = old.get(pid)
        if before is None:
            continue
        fields = []
        if before.amount != entry.amount:
            fields.append("amount")
        if before.priority != entry.priority:
            fields.append("priority")
        if fields:
            changed.append({"old": before, "new": entry, "fields": fields})
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "has_changes": bool(added or removed or changed),
    }


@login_required
def list_version(request, pk):
    user = request.user
    version = get_visible_or_404(
        ProjectListVersion.objects.select_related("published_by"), user, pk=pk
    )
    entries = list(version.entries.select_related("project").order_by("priority", "project_id"))
    visible = set(
        for_user(Project, user)
        .filter(pk__in=[e.project_id for e in entries])
        .values_list("pk", flat=True)
    )
    for entry in entries:
        entry.linkable = entry.project_id in visible
    previous = _previous_version(version)
    diff = list_diff(version, previous)
    changed_ids = {c["new"].project_id for c in diff["changed"]}
    added_ids = {e.project_id for e in diff["added"]}
    for entry in entries:
        entry.is_added = previous is not None and entry.project_id in added_ids
        entry.is_changed = entry.project_id in changed_ids
    total = sum((e.amount for e in entries), Decimal(0))
    ctx = {
        "version": version,
        "entries": entries,
        "total": total,
        "previous": previous,
        "diff": diff,
        "later": ProjectListVersion.objects.filter(year=version.year, number__gt=version.number)
        .order_by("number")
        .first(),
    }
    return render(request, "projects/list_version.html", ctx)


XLSX_HEADERS = ("序号", "建设单位", "项目编号", "项目名称", "项目类型", "总投资（万元）", "优先级")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_version_workbook(version) -> bytes:
    """The version as an xlsx sheet: Chinese headers, 万元 with two decimals, a frozen header
    row and a sum row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = f"{version.year}年第{version.number}版"
    ws.append(XLSX_HEADERS)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    entries = list(version.entries.select_related("project").order_by("priority", "project_id"))
    total = Decimal(0)
    for seq, entry in enumerate(entries, start=1):
        amount = _wan(entry.amount)
        total += amount
        ws.append(
            [
                seq,
                entry.unit_name,
                entry.project.code,
                entry.project_name,
                str(entry.get_kind_display()),
                amount,
                entry.priority,
            ]
        )
    ws.append(["合计", None, None, f"共 {len(entries)} 个项目", None, total, None])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = "#,##0.00"
    for index, width in enumerate((6, 24, 16, 40, 10, 16, 8), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@login_required
def list_version_xlsx(request, pk):
    version = get_visible_or_404(ProjectListVersion, request.user, pk=pk)
    response = HttpResponse(list_version_workbook(version), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{version.year}年项目清单第{version.number}版.xlsx"
    )
    return response


# -- cross-department frameworks (Art. 13, R13.1, R13.2) ---------------------------------------


def _user_units(user):
    return Organisation.objects.filter(pk__in=unit_ids_of(user)).order_by("name")


def _is_lead(user, framework) -> bool:
    return framework.lead_unit_id in unit_ids_of(user)


def _editable_framework(request, pk):
    """The framework, if the user is of its lead unit and it may still be edited; else 404."""
    framework = get_visible_or_404(
        Framework.objects.select_related("lead_unit"), request.user, pk=pk
    )
    if not _is_lead(request.user, framework) or framework.state not in (
        FrameworkState.DRAFT,
        FrameworkState.RETURNED,
    ):
        raise Http404
    return framework


def framework_context(framework, user) -> GateContext:
    """The gate context of a framework, as ``actions._framework_gate`` builds it."""
    return GateContext(
        subject=framework,
        policy=policy_in_force(framework.lead_unit),
        actor=user,
        facts={"framework_id": framework.pk, "framework": framework.title},
    )


@login_required
def frameworks(request):
    user = request.user
    qs = (
        for_user(Framework, user)
        .select_related("lead_unit")
        .annotate(participant_count=Count("participants", distinct=True))
    )
    state = request.GET.get("state", "")
    if state in FrameworkState.values:
        qs = qs.filter(state=state)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"title": "title", "lead": "lead_unit__name", "created": "created_at"},
        default_sort="-created",
        search_fields=("title", "lead_unit__name", "lead_unit__short_name"),
    )
    ctx.update(
        can_create=_user_units(user).exists(),
        states=FrameworkState.choices,
        state=state,
    )
    return render(request, "projects/framework_list.html", ctx)


@login_required
def framework_create(request):
    units = _user_units(request.user)
    if not units.exists():
        raise Http404
    form = FrameworkForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        framework, ok = _run(
            request,
            lambda: actions.create_framework(acting_user=request.user, **data),
            form=form,
            success="已新建框架方案草稿，请登记参与单位分工后报市大数据发展局审核。",
        )
        if ok:
            return redirect("projects:framework_detail", pk=framework.pk)
    return render(request, "projects/framework_form.html", {"form": form, "framework": None})


@login_required
def framework_detail(request, pk):
    user = request.user
    framework = get_visible_or_404(
        Framework.objects.select_related("lead_unit", "reviewed_by", "created_by"), user, pk=pk
    )
    participants = list(framework.participants.select_related("unit"))
    districts = list(framework.districts.select_related("district"))
    overlaps = overlapping_items(framework)
    overlapping = {item for item, _units in overlaps}
    for participant in participants:
        participant.items = [
            (item, "".join(str(item).split()).lower() in overlapping)
            for item in participant.content_items or []
        ]
    editable = framework.state in (FrameworkState.DRAFT, FrameworkState.RETURNED)
    can_edit = editable and _is_lead(user, framework)
    is_bdb = user.has_role(Role.BDB_REVIEWER)
    ctx = {
        "framework": framework,
        "participants": participants,
        "districts": districts,
        "overlaps": overlaps,
        "projects": for_user(Project, user).filter(framework=framework).select_related("unit"),
        "can_edit": can_edit,
        "is_lead": _is_lead(user, framework),
    }
    if can_edit:
        ctx["submit_findings"] = _preview(
            "projects.framework.submit", lambda: framework_context(framework, user)
        )
        ctx["submit_blocked"] = _blocks(ctx["submit_findings"])
    if is_bdb and framework.state == FrameworkState.SUBMITTED:
        ctx["review_form"] = FrameworkReviewForm()
        ctx["review_findings"] = _preview(
            "projects.framework.review", lambda: framework_context(framework, user)
        )
        ctx["review_blocked"] = _blocks(ctx["review_findings"])
    return render(request, "projects/framework_detail.html", ctx)


@login_required
def framework_edit(request, pk):
    framework = _editable_framework(request, pk)
    initial = {f: getattr(framework, f) for f in FrameworkForm.base_fields}
    form = FrameworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        _result, ok = _run(
            request,
            lambda: actions.update_framework(framework.pk, acting_user=request.user, **data),
            form=form,
            success="已保存框架方案。",
        )
        if ok:
            return redirect("projects:framework_detail", pk=framework.pk)
    return render(request, "projects/framework_form.html", {"form": form, "framework": framework})


@login_required
def framework_participant(request, pk, participant_pk=None):
    framework = _editable_framework(request, pk)
    participant = None
    initial = {}
    if participant_pk is not None:
        participant = (
            FrameworkParticipant.objects.filter(framework=framework, pk=participant_pk)
            .select_related("unit")
            .first()
        )
        if participant is None:
            raise Http404
        initial = {
            "business_flow": participant.business_flow,
            "data_flow": participant.data_flow,
            "interfaces": participant.interfaces,
            "content_items": "\n".join(participant.content_items or []),
        }
    form = ParticipantForm(
        request.POST or None,
        initial=initial,
        fixed_unit=participant.unit if participant else None,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        _result, ok = _run(
            request,
            lambda: actions.set_framework_participant(
                framework.pk, acting_user=request.user, unit=unit, **data
            ),
            form=form,
            success=f"已登记{unit.display_name}的分工。",
        )
        if ok:
            return redirect("projects:framework_detail", pk=framework.pk)
    return render(
        request,
        "projects/framework_participant_form.html",
        {"form": form, "framework": framework, "participant": participant},
    )


@login_required
def framework_district(request, pk):
    framework = _editable_framework(request, pk)
    form = DistrictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        _result, ok = _run(
            request,
            lambda: actions.add_framework_district(framework.pk, acting_user=request.user, **data),
            form=form,
            success="已登记区县及其配套项目（第十三条）。",
        )
        if ok:
            return redirect("projects:framework_detail", pk=framework.pk)
    return render(
        request, "projects/framework_district_form.html", {"form": form, "framework": framework}
    )


@login_required
@require_POST
def framework_submit(request, pk):
    framework = get_visible_or_404(Framework, request.user, pk=pk)
    _run(
        request,
        lambda: actions.submit_framework(framework.pk, acting_user=request.user),
        success="已报市大数据发展局审核（第十三条）。",
    )
    return redirect("projects:framework_detail", pk=framework.pk)


@login_required
@require_POST
def framework_review(request, pk):
    framework = get_visible_or_404(Framework, request.user, pk=pk)
    if not request.user.has_role(Role.BDB_REVIEWER):
        raise Http404
    form = FrameworkReviewForm(request.POST)
    if form.is_valid():
        agree = form.cleaned_data["decision"] == "agree"
        _run(
            request,
            lambda: actions.review_framework(
                framework.pk,
                acting_user=request.user,
                agree=agree,
                opinion=form.cleaned_data["opinion"],
            ),
            success=(
                "已出具审核意见；各参与单位申报本部门项目时以此为必要附件。"
                if agree
                else "已退回牵头单位修改。"
            ),
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("projects:framework_detail", pk=framework.pk)


# -- classified stubs (Art. 8 ¶3, R8.3) --------------------------------------------------------


@login_required
def stubs(request):
    user = request.user
    form = None
    if user.has_role(Role.DRC_OFFICER):
        form = ClassifiedStubForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            stub, ok = _run(
                request,
                lambda: actions.record_classified_stub(acting_user=user, **data),
                form=form,
            )
            if ok:
                messages.success(request, f"已登记涉密项目存根 {stub.code}（仅编号、单位、金额）。")
                return redirect("projects:stubs")
    elif request.method == "POST":
        raise Http404
    qs = for_user(ClassifiedStub, user).select_related("unit", "recorded_by")
    totals = list(
        qs.order_by()
        .values("year")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("-year")
    )
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "code": "code",
            "unit": "unit__name",
            "year": "year",
            "amount": "amount",
            "time": "recorded_at",
        },
        default_sort="-year",
        search_fields=("code", "unit__name", "unit__short_name"),
    )
    ctx.update(form=form, totals=totals, can_read=reads_all_projects(user))
    return render(request, "projects/stub_list.html", ctx)


# -- the lifecycle table -------------------------------------------------------------------------


def lifecycle_rows() -> list[dict]:
    """``lifecycle.TRANSITIONS`` with state and role labels and each gate's rules."""
    states = dict(ProjectState.choices)
    roles = dict(Role.choices)
    rows = []
    for t in lifecycle.TRANSITIONS:
        gate = registry.gates.get(t.gate) if t.gate else None
        rows.append(
            {
                "t": t,
                "sources": [states[s] for s in t.sources],
                "target": states[t.target],
                "roles": [roles[r] for r in dict.fromkeys(t.roles)],
                "gate_title": gate[0] if gate else "",
                "rules": [registry.rules[rid] for rid in gate[2] if rid in registry.rules]
                if gate
                else [],
            }
        )
    return rows


def other_gates() -> list[dict]:
    """Gates of this chapter that guard actions outside the project state machine (creating a
    project, the framework plan)."""
    used = {t.gate for t in lifecycle.TRANSITIONS}
    rows = []
    for code, (title, action, rule_ids) in registry.gates.items():
        if code.startswith("projects.") and code not in used:
            rows.append(
                {
                    "code": code,
                    "title": title,
                    "action": action,
                    "rules": [registry.rules[r] for r in rule_ids if r in registry.rules],
                }
            )
    return rows


@login_required
def lifecycle_table(request):
    ctx = {
        "rows": lifecycle_rows(),
        "others": other_gates(),
        "terminal": [ProjectState(s).label for s in lifecycle.TERMINAL_STATES],
        "resubmit": [
            (ProjectState(a).label, ProjectState(b).label)
            for a, b in lifecycle.RESUBMIT_TARGET.items()
        ],
    }
    return render(request, "projects/lifecycle.html", ctx)
