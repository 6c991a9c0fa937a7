"""Pages of the delivery chapter (Art. 16, 22-24, 28-30). Views only load (through scoping),
preview the gates beside their buttons and call ``delivery.actions``; missing and forbidden
objects answer 404."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organisation
from accounts.recipients import consultant_org_ids, is_unit_staff, unit_ids_of
from accounts.roles import OrgKind, Role
from accounts.scoping import for_user, get_visible_or_404, sees_everything
from core.dates import today
from core.listing import paginate_sorted
from core.pageactions import any_blocks as _blocks
from core.pageactions import form_errors as _form_errors
from core.pageactions import run_action
from documents.services import document_types_present
from investment.models import Contract, EvaluationKind, EvaluationResult
from policy.engine import preview_findings as _preview
from policy.lookup import NoPolicyInForce
from projects.models import Project, ProjectState

from . import actions
from .archive import export_archive
from .deadlines import due_items
from .forms import (
    AnnualReportForm,
    ArchiveForm,
    CompleteForm,
    ConsultantForm,
    EvaluationForm,
    ExtensionForm,
    GoLiveForm,
    ImplementationForm,
    IncidentForm,
    MilestoneDoneForm,
    MilestoneForm,
    OpinionForm,
    RectificationForm,
    ResultForm,
    StartForm,
    SupervisionReportForm,
    SupervisorForm,
    SuspendForm,
    TrialForm,
)
from .models import (
    Acceptance,
    AcceptancePath,
    AcceptanceState,
    AnnualReport,
    Delivery,
    ExtensionRequest,
    ExtensionState,
    Incident,
    IncidentState,
    Milestone,
    Phase,
    PostEvaluation,
    PostEvaluationState,
    SupervisionReport,
    SupervisorAssignment,
)
from .services import (
    ACCEPTANCE_MATERIALS,
    acceptance_path_for,
    clock_facts,
    delivery_context,
    investment_execution,
    policy_params,
    progress_percent,
    visible_projects,
)


def _keep(request, findings, form):
    _keep_findings(request, findings)


_run = partial(run_action, on_findings=_keep)


FINDINGS_KEY = "delivery_findings"
STATUS_LABELS = {
    "not_open": "未开始",
    "open": "进行中",
    "due_soon": "即将到期",
    "overdue": "已逾期",
    "done": "已完成",
}
STATUS_CLASS = {
    "not_open": "secondary",
    "open": "primary",
    "due_soon": "warning",
    "overdue": "danger",
    "done": "success",
}
STATUS_RANK = {"overdue": 0, "due_soon": 1, "open": 2, "not_open": 3, "done": 4}
KIND_LABELS = {
    "annual_report": "年度绩效评价报告（第二十三条）",
    "acceptance": "竣工验收（第二十八条）",
    "self_evaluation": "项目自评价（第三十条）",
    "rectification": "限期整改（第二十四条）",
}
# Phases in which the clocks run (the sweep's phases, plus a failed acceptance's history).
CLOCK_PHASES = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED, Phase.ACCEPTED, Phase.FAILED)
BUILDING = (Phase.PREPARING, Phase.CONSTRUCTION, Phase.TRIAL)
OVERSIGHT_ROLES = (Role.DRC_OFFICER, Role.FINANCE_OFFICER)
ALL_PROJECT_ROLES = (
    Role.DRC_OFFICER,
    Role.BDB_REVIEWER,
    Role.FINANCE_OFFICER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
)


# -- helpers ------------------------------------------------------------------------------------


def _keep_findings(request, findings) -> None:
    request.session[FINDINGS_KEY] = [
        f.as_dict() if hasattr(f, "as_dict") else dict(f) for f in findings
    ]


def _project_or_404(user, pk) -> Project:
    """A project the user sees in the delivery chapter (``services.visible_projects``: the
    projects chapter's ``for_user`` plus supervised and post-evaluated projects)."""
    try:
        return visible_projects(user).select_related("unit", "policy").get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _row_or_404(model, user, pk):
    """A row of a project (milestone, incident…), visible exactly when its project is."""
    try:
        return (
            model.objects.select_related("project")
            .filter(project__in=visible_projects(user))
            .get(pk=pk)
        )
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _rows(model, project):
    """The rows of ``project`` (already loaded for the user by ``_project_or_404``): a row
    of the delivery chapter is visible exactly when its project is."""
    return model.objects.filter(project=project)


def _supervisor_org_ids(user) -> set[int]:
    return {m.organisation_id for m in user.active_memberships() if m.role == Role.SUPERVISOR}


def _url_or_none(name, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@dataclass
class DueRow:
    """One due item as shown: the item, its status as of today, and its project."""

    item: object
    status: str
    project: Project | None = None
    status_label: str = field(init=False)
    status_class: str = field(init=False)

    def __post_init__(self):
        self.status_label = STATUS_LABELS[self.status]
        self.status_class = STATUS_CLASS[self.status]

    @property
    def sort_key(self):
        return (STATUS_RANK[self.status], self.item.due_on, getattr(self.project, "code", ""))


def _due_rows(project, delivery=None, *, on=None, params_cache=None) -> list[DueRow]:
    """The due items of one project (a few queries per project: its clock facts)."""
    on = on or today()
    try:
        if params_cache is None:
            params = policy_params(project)
        else:
            if project.unit_id not in params_cache:
                params_cache[project.unit_id] = policy_params(project)
            params = params_cache[project.unit_id]
    except NoPolicyInForce:
        return []
    items = due_items(clock_facts(project, delivery), params, on)
    return sorted(
        (DueRow(item, item.status(on), project) for item in items), key=lambda r: r.sort_key
    )


# -- the project page ---------------------------------------------------------------------------


def _project_context(request, project, bound: dict) -> dict:
    user = request.user
    delivery = Delivery.objects.filter(project=project).first()
    phase = delivery.phase if delivery else Phase.PREPARING
    approved = project.state == ProjectState.APPROVED
    is_unit = approved and is_unit_staff(user, project.unit_id)
    is_bdb = user.has_role(Role.BDB_REVIEWER)
    is_oversight = user.has_role(*OVERSIGHT_ROLES)
    active = approved and not project.terminated_at

    def form(name, cls, **kwargs):
        return bound.get(name) or cls(**kwargs)

    assignment = (
        _rows(SupervisorAssignment, project)
        .filter(is_active=True)
        .select_related("supervisor")
        .first()
    )
    contracts = list(_rows(Contract, project))
    milestones = list(_rows(Milestone, project))
    incidents = list(_rows(Incident, project).select_related("reported_by", "ordered_by"))
    extensions = list(_rows(ExtensionRequest, project).select_related("requested_by", "decided_by"))
    acceptances = list(_rows(Acceptance, project).select_related("applied_by"))
    posts = list(
        _rows(PostEvaluation, project).select_related("consultant", "result", "commissioned_by")
    )
    self_evaluations = list(_rows(EvaluationResult, project).filter(kind=EvaluationKind.SELF))
    due_rows = _due_rows(project, delivery) if delivery else []
    try:
        path = acceptance_path_for(project) if approved else ""
    except NoPolicyInForce:
        path = ""
    present = document_types_present([project]).get(project.pk, set())
    year = today().year
    ctx = {
        "project": project,
        "delivery": delivery,
        "phase": phase,
        "phase_label": Phase(phase).label,
        "approved": approved,
        "is_unit": is_unit,
        "is_bdb": is_bdb,
        "is_oversight": is_oversight,
        "assignment": assignment,
        "contracts": contracts,
        "contracts_total": sum((c.amount for c in contracts), start=0) if contracts else None,
        "investment_url": _url_or_none("investment:project", project.pk),
        "contract_add_url": _url_or_none("investment:contract_add", project.pk),
        "milestones": milestones,
        "progress": progress_percent(project),
        "supervision_reports": list(
            _rows(SupervisionReport, project).select_related("submitted_by")[:20]
        ),
        "annual_reports": list(_rows(AnnualReport, project)),
        "incidents": incidents,
        "extensions": extensions,
        "acceptances": acceptances,
        "post_evaluations": posts,
        "self_evaluations": self_evaluations,
        "due_rows": due_rows,
        "path": path,
        "path_label": AcceptancePath(path).label if path else "",
        "materials": [(key, label, key in present) for key, label in ACCEPTANCE_MATERIALS.items()],
        "materials_missing": [k for k in ACCEPTANCE_MATERIALS if k not in present],
        "kept_findings": request.session.pop(FINDINGS_KEY, []),
        "archive_url": reverse("delivery:archive", args=[project.pk]),
        "self_eval_row": next((r for r in due_rows if r.item.kind == "self_evaluation"), None),
        "year": year,
    }
    ctx["plan_amount"], ctx["paid_amount"] = investment_execution(project, year)

    building = active and phase in BUILDING
    if is_unit and building:
        ctx["implementation_form"] = form(
            "implementation",
            ImplementationForm,
            initial={
                "implementing_agency": getattr(delivery, "implementing_agency", ""),
                "responsible_person": getattr(delivery, "responsible_person", ""),
                "responsible_phone": getattr(delivery, "responsible_phone", ""),
            },
        )
        ctx["supervisor_form"] = form(
            "supervisor", SupervisorForm, organisations=_organisations(user, OrgKind.SUPERVISOR)
        )
    if is_unit and active and phase == Phase.PREPARING:
        ctx["start_form"] = form("start", StartForm)
        ctx["start_findings"] = _preview("delivery.start", lambda: delivery_context(project, user))
        ctx["start_blocked"] = _blocks(ctx["start_findings"])
    if is_unit and active and phase in (Phase.CONSTRUCTION, Phase.TRIAL):
        ctx["milestone_form"] = form("milestone", MilestoneForm)
        ctx["done_form"] = MilestoneDoneForm()
        advance = _preview("delivery.advance", lambda: delivery_context(project, user))
        ctx["advance_findings"] = advance
        ctx["advance_blocked"] = _blocks(advance)
        if phase == Phase.CONSTRUCTION:
            ctx["trial_form"] = form("trial", TrialForm)
        ctx["complete_form"] = form("complete", CompleteForm)
    if is_unit and active and phase in (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED):
        pending_years = [
            int(r.item.key.split(":")[1])
            for r in due_rows
            if r.item.kind == "annual_report" and r.status != "done"
        ]
        ctx["annual_form"] = form(
            "annual_report",
            AnnualReportForm,
            initial={"year": pending_years[0] if pending_years else year},
        )
        ctx["in_trial"] = phase == Phase.TRIAL
        ctx["incident_form"] = form("incident", IncidentForm)
    if (
        assignment is not None
        and active
        and phase in (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED)
        and assignment.supervisor_id in _supervisor_org_ids(user)
    ):
        ctx["supervision_form"] = form("supervision_report", SupervisionReportForm)

    if is_oversight:
        for incident in incidents:
            if incident.state == IncidentState.CLOSED:
                continue
            incident.acts = {}
            if incident.state in (IncidentState.REPORTED, IncidentState.RECTIFYING):
                incident.acts["rectify"] = RectificationForm(prefix=f"i{incident.pk}")
                incident.acts["close"] = OpinionForm(prefix=f"i{incident.pk}c")
            if not project.suspended_at:
                incident.acts["suspend"] = SuspendForm(prefix=f"i{incident.pk}s")
            if incident.state == IncidentState.SUSPENDED:
                incident.acts["lift"] = OpinionForm(prefix=f"i{incident.pk}l")

    # archives and completion acceptance (Art. 28, 29)
    if is_bdb and delivery and phase in (Phase.TRIAL, Phase.COMPLETED):
        if delivery.archive_accepted_on is None:
            ctx["archive_form"] = form("archives", ArchiveForm)
    pending_acceptance = next((a for a in acceptances if a.state == AcceptanceState.APPLIED), None)
    ctx["pending_acceptance"] = pending_acceptance
    if is_bdb and pending_acceptance and pending_acceptance.path == AcceptancePath.BDB:
        ctx["decide_form"] = ResultForm(prefix=f"a{pending_acceptance.pk}")
    if is_unit and active and phase == Phase.COMPLETED and pending_acceptance is None:
        facts = {"path": path, "extension_until": None}
        extension = clock_facts(project, delivery).extension_until
        facts["extension_until"] = extension.isoformat() if extension else None
        ctx["acceptance_findings"] = _preview(
            "delivery.acceptance", lambda: delivery_context(project, user, **facts)
        )
        ctx["acceptance_blocked"] = _blocks(ctx["acceptance_findings"])
        if path == AcceptancePath.UNIT:
            ctx["unit_result_form"] = form("file_acceptance", ResultForm)
        else:
            ctx["can_apply"] = True
        if not any(e.state == ExtensionState.PENDING for e in extensions):
            ctx["extension_form"] = form("extension", ExtensionForm)
    if is_bdb:
        for ext in extensions:
            if ext.state == ExtensionState.PENDING:
                ext.form = OpinionForm(prefix=f"e{ext.pk}")

    # go-live and evaluation (Art. 30)
    if is_unit and active and phase == Phase.ACCEPTED:
        if delivery.golive_on is None:
            ctx["golive_form"] = form("golive", GoLiveForm)
        else:
            ctx["self_eval_form"] = form("self_evaluation", EvaluationForm)
    if approved and phase == Phase.ACCEPTED and user.has_role(Role.DRC_OFFICER, Role.BDB_REVIEWER):
        ctx["commission_form"] = form(
            "commission", ConsultantForm, organisations=_organisations(user, OrgKind.CONSULTANT)
        )
    mine = consultant_org_ids(user)
    for post in posts:
        if post.state == PostEvaluationState.COMMISSIONED and post.consultant_id in mine:
            post.form = bound.get(f"post:{post.pk}") or EvaluationForm(prefix=f"p{post.pk}")
    return ctx


def _organisations(user, kind):
    return for_user(Organisation, user).filter(kind=kind, is_active=True).order_by("name")


def _render_project(request, project, bound=None, status=200):
    ctx = _project_context(request, project, bound or {})
    return render(request, "delivery/project.html", ctx, status=status)


@login_required
def project_delivery(request, pk):
    project = _project_or_404(request.user, pk)
    return _render_project(request, project)


# -- project-level actions -------------------------------------------------------------------


@dataclass(frozen=True)
class Verb:
    form: type
    call: Callable  # (project, user, form, post) -> result
    success: str
    anchor: str
    form_kwargs: Callable | None = None


def _data(form, *exclude):
    return {k: v for k, v in form.cleaned_data.items() if k not in exclude}


VERBS = {
    "implementation": Verb(
        ImplementationForm,
        lambda p, u, f, post: actions.set_implementation(p, acting_user=u, **_data(f)),
        "已保存项目实施机构和负责人（第十六条）。",
        "start",
    ),
    "supervisor": Verb(
        SupervisorForm,
        lambda p, u, f, post: actions.assign_supervisor(
            p,
            acting_user=u,
            supervisor=f.cleaned_data["supervisor"].pk,
            contract_number=f.cleaned_data["contract_number"],
        ),
        "已登记工程监理单位（第二十二条）。",
        "start",
        lambda user: {"organisations": _organisations(user, OrgKind.SUPERVISOR)},
    ),
    "start": Verb(
        StartForm,
        lambda p, u, f, post: actions.start_construction(p, acting_user=u, **_data(f)),
        "已登记开工，项目进入建设阶段。",
        "start",
    ),
    "milestone": Verb(
        MilestoneForm,
        lambda p, u, f, post: actions.add_milestone(p, acting_user=u, **_data(f)),
        "已新增里程碑。",
        "progress",
    ),
    "supervision_report": Verb(
        SupervisionReportForm,
        lambda p, u, f, post: actions.submit_supervision_report(p, acting_user=u, **_data(f)),
        "已提交监理报告。",
        "supervision",
    ),
    "annual_report": Verb(
        AnnualReportForm,
        lambda p, u, f, post: actions.submit_annual_report(p, acting_user=u, **_data(f)),
        "已提交年度绩效评价报告（第二十三条）。",
        "annual",
    ),
    "incident": Verb(
        IncidentForm,
        lambda p, u, f, post: actions.report_incident(p, acting_user=u, **_data(f)),
        "已向市发展改革委、市财政局报告（第二十四条）。",
        "incidents",
    ),
    "trial": Verb(
        TrialForm,
        lambda p, u, f, post: actions.start_trial(p, acting_user=u, **_data(f)),
        "已登记试运行。",
        "progress",
    ),
    "complete": Verb(
        CompleteForm,
        lambda p, u, f, post: actions.complete_construction(p, acting_user=u, **_data(f)),
        "已登记建成，竣工验收期限开始计算（第二十八条）。",
        "acceptance",
    ),
    "archives": Verb(
        ArchiveForm,
        lambda p, u, f, post: actions.accept_archives(
            p,
            acting_user=u,
            checklist=f.checklist(),
            accepted_on=f.cleaned_data["accepted_on"],
        ),
        "已登记档案验收通过（第二十九条）。",
        "acceptance",
    ),
    "apply_acceptance": Verb(
        None,
        lambda p, u, f, post: actions.apply_acceptance(p, acting_user=u),
        "已申请市大数据发展局组织竣工验收（第二十八条）。",
        "acceptance",
    ),
    "file_acceptance": Verb(
        ResultForm,
        lambda p, u, f, post: actions.file_unit_acceptance(
            p, acting_user=u, passed=post.get("passed") == "1", **_data(f)
        ),
        "已登记验收结果并报市大数据发展局备案（第二十八条）。",
        "acceptance",
    ),
    "extension": Verb(
        ExtensionForm,
        lambda p, u, f, post: actions.request_extension(p, acting_user=u, **_data(f)),
        "已向市大数据发展局申请延期验收。",
        "acceptance",
    ),
    "golive": Verb(
        GoLiveForm,
        lambda p, u, f, post: actions.go_live(p, acting_user=u, **_data(f)),
        "已登记正式上线运行，自评价期限开始计算（第三十条）。",
        "evaluation",
    ),
    "self_evaluation": Verb(
        EvaluationForm,
        lambda p, u, f, post: actions.submit_self_evaluation(p, acting_user=u, **_data(f)),
        "已提交自评价，并报送市发展改革委、市财政局、市大数据发展局（第三十条）。",
        "evaluation",
    ),
    "commission": Verb(
        ConsultantForm,
        lambda p, u, f, post: actions.commission_post_evaluation(
            p, acting_user=u, consultant=f.cleaned_data["consultant"].pk
        ),
        "已委托第三方开展后评价（第三十条）。",
        "evaluation",
        lambda user: {"organisations": _organisations(user, OrgKind.CONSULTANT)},
    ),
}


def _back(project, anchor=""):
    url = reverse("delivery:project", args=[project.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_POST
def project_act(request, pk, verb):
    project = _project_or_404(request.user, pk)
    spec = VERBS.get(verb)
    if spec is None:
        raise Http404
    user = request.user
    form = None
    if spec.form is not None:
        kwargs = spec.form_kwargs(user) if spec.form_kwargs else {}
        form = spec.form(request.POST, **kwargs)
        if not form.is_valid():
            messages.error(request, "填写内容有误，请按提示修改。")
            return _render_project(request, project, {verb: form})
    _result, ok = _run(
        request,
        lambda: spec.call(project, user, form, request.POST),
        form=form,
        success=spec.success,
    )
    if not ok and form is not None and form.errors:
        return _render_project(request, project, {verb: form})
    return _back(project, spec.anchor)


# -- actions on one row of the project ------------------------------------------------------


def _row_form(request, cls, prefix):
    form = cls(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, f"填写内容有误：{_form_errors(form)}")
        return None
    return form


@login_required
@require_POST
def milestone_done(request, pk):
    milestone = _row_or_404(Milestone, request.user, pk)
    form = _row_form(request, MilestoneDoneForm, None)
    if form is not None:
        _run(
            request,
            lambda: actions.complete_milestone(
                milestone.pk, acting_user=request.user, done_on=form.cleaned_data["done_on"]
            ),
            success=f"里程碑“{milestone.name}”已完成。",
        )
    return _back(milestone.project, "progress")


INCIDENT_VERBS = {
    "rectify": (
        RectificationForm,
        "",
        lambda i, u, d: actions.order_rectification(i, acting_user=u, **d),
        "已责令限期整改（第二十四条）。",
    ),
    "suspend": (
        SuspendForm,
        "s",
        lambda i, u, d: actions.suspend_project(i, acting_user=u, **d),
        "已暂停项目；暂停期间不能推进、不能支付（第二十四条）。",
    ),
    "lift": (
        OpinionForm,
        "l",
        lambda i, u, d: actions.lift_suspension(i, acting_user=u, **d),
        "已解除暂停。",
    ),
    "close": (
        OpinionForm,
        "c",
        lambda i, u, d: actions.close_incident(i, acting_user=u, **d),
        "已确认整改完成。",
    ),
}


@login_required
@require_POST
def incident_act(request, pk, verb):
    incident = _row_or_404(Incident, request.user, pk)
    if verb not in INCIDENT_VERBS:
        raise Http404
    cls, suffix, call, success = INCIDENT_VERBS[verb]
    form = _row_form(request, cls, f"i{incident.pk}{suffix}")
    if form is not None:
        _run(request, lambda: call(incident.pk, request.user, form.cleaned_data), success=success)
    return _back(incident.project, "incidents")


@login_required
@require_POST
def acceptance_decide(request, pk):
    acceptance = _row_or_404(Acceptance, request.user, pk)
    form = _row_form(request, ResultForm, f"a{acceptance.pk}")
    if form is not None:
        passed = request.POST.get("passed") == "1"
        _run(
            request,
            lambda: actions.decide_acceptance(
                acceptance.pk, acting_user=request.user, passed=passed, **form.cleaned_data
            ),
            success="已登记竣工验收结果。"
            + ("" if passed else "验收未通过的项目不得安排运行维护经费（第二十八条）。"),
        )
    return _back(acceptance.project, "acceptance")


@login_required
@require_POST
def extension_decide(request, pk):
    ext = _row_or_404(ExtensionRequest, request.user, pk)
    form = _row_form(request, OpinionForm, f"e{ext.pk}")
    if form is not None:
        grant = request.POST.get("grant") == "1"
        _run(
            request,
            lambda: actions.decide_extension(
                ext.pk, acting_user=request.user, grant=grant, **form.cleaned_data
            ),
            success="已同意延期。" if grant else "已不同意延期。",
        )
    return _back(ext.project, "acceptance")


@login_required
@require_POST
def post_evaluation_submit(request, pk):
    post = _row_or_404(PostEvaluation, request.user, pk)
    form = _row_form(request, EvaluationForm, f"p{post.pk}")
    if form is not None:
        _run(
            request,
            lambda: actions.submit_post_evaluation(
                post.pk, acting_user=request.user, **form.cleaned_data
            ),
            success="已提交后评价结果（第三十条）。",
        )
    return _back(post.project, "evaluation")


# -- archive export (Art. 29) -----------------------------------------------------------------


@login_required
@require_GET
def archive(request, pk):
    """The project's complete electronic archive as one zip (R29.1); ``manage.py
    verify_archive`` checks it later. Only for those who see the project in the projects
    chapter (``for_user``): a supervisor or a consultant, who see it here only for their part
    of the work, do not get its review opinions and decisions."""
    project = get_visible_or_404(Project, request.user, pk=pk)
    content = export_archive(project)
    _record_archive_export(project, request.user, content)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"{project.code}-电子档案.zip",
        content_type="application/zip",
    )


def _record_archive_export(project, user, content: bytes) -> None:
    """Each export is a ledger event carrying the manifest's SM3: an archive rebuilt later with
    a rewritten manifest no longer matches what the platform handed out."""
    import zipfile

    from core.enums import ActionCode
    from core.ledger import record_event

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        manifest_sm3 = zf.read("manifest.sm3").decode().strip()
    with transaction.atomic():
        record_event(
            ActionCode.ARCHIVE_EXPORTED,
            actor=user,
            obj=project,
            organisation=project.unit_id,
            reason=f"导出电子档案，清单 SM3 {manifest_sm3[:16]}…",
            data={"manifest_sm3": manifest_sm3, "size": len(content)},
        )


# -- list ------------------------------------------------------------------------------------


PHASE_FILTERS = [(p.value, p.label) for p in Phase]


@login_required
def delivery_list(request):
    """Approved projects with their delivery phase; a project not yet started has no delivery
    record and counts as 开工准备."""
    user = request.user
    qs = (
        visible_projects(user)
        .filter(state=ProjectState.APPROVED)
        .select_related("unit", "delivery")
    )
    phase = request.GET.get("phase", "")
    if phase == Phase.PREPARING:
        qs = qs.filter(Q(delivery__isnull=True) | Q(delivery__phase=Phase.PREPARING))
    elif phase in Phase.values:
        qs = qs.filter(delivery__phase=phase)
    else:
        phase = ""
    if request.GET.get("suspended") == "1":
        qs = qs.exclude(suspended_at=None)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "code": "code",
            "name": "name",
            "unit": "unit__name",
            "phase": "delivery__phase",
            "started": "delivery__started_on",
            "completed": "delivery__completed_on",
        },
        default_sort="-code",
        search_fields=("code", "name", "unit__name", "unit__short_name"),
    )
    ctx.update(phase=phase, phases=PHASE_FILTERS, suspended=request.GET.get("suspended") == "1")
    return render(request, "delivery/list.html", ctx)


# -- calendar --------------------------------------------------------------------------------


def calendar_projects(user):
    """The projects whose clocks a user watches: everything for DRC, BDB, Finance, Audit and the
    admin; otherwise their units' projects, the projects their supervisor organisation
    supervises and those their consultancy post-evaluates. Always within
    ``services.visible_projects`` (``for_user`` plus supervised and post-evaluated projects)."""
    qs = visible_projects(user).filter(
        state=ProjectState.APPROVED, delivery__phase__in=CLOCK_PHASES
    )
    if sees_everything(user) or user.has_role(*ALL_PROJECT_ROLES):
        return qs
    condition = Q(unit_id__in=unit_ids_of(user))
    supervisors = _supervisor_org_ids(user)
    if supervisors:
        condition |= Q(
            pk__in=SupervisorAssignment.objects.filter(
                is_active=True, supervisor_id__in=supervisors
            ).values("project_id")
        )
    consultants = consultant_org_ids(user)
    if consultants:
        condition |= Q(
            pk__in=PostEvaluation.objects.filter(consultant_id__in=consultants).values("project_id")
        )
    return qs.filter(condition)


CALENDAR_STATUSES = [
    ("pending", "未完成（默认）"),
    ("overdue", STATUS_LABELS["overdue"]),
    ("due_soon", STATUS_LABELS["due_soon"]),
    ("open", STATUS_LABELS["open"]),
    ("not_open", STATUS_LABELS["not_open"]),
    ("done", STATUS_LABELS["done"]),
    ("all", "全部"),
]


def calendar_rows(user, *, on=None, status="pending", kind="", month="") -> list[DueRow]:
    """Every due item of the user's projects, overdue first. Clock facts are loaded per project
    (a few queries each); the policy parameters once per unit."""
    on = on or today()
    projects = calendar_projects(user).select_related("unit", "delivery").order_by("code")
    cache: dict = {}
    rows: list[DueRow] = []
    for project in projects:
        for row in _due_rows(project, project.delivery, on=on, params_cache=cache):
            if status == "pending" and row.status == "done":
                continue
            if status not in ("pending", "all", "") and row.status != status:
                continue
            if kind and row.item.kind != kind:
                continue
            if month and row.item.due_on.strftime("%Y-%m") != month:
                continue
            rows.append(row)
    return sorted(rows, key=lambda r: r.sort_key)


@login_required
def calendar(request):
    user = request.user
    status = request.GET.get("status", "pending")
    if status not in dict(CALENDAR_STATUSES):
        status = "pending"
    kind = request.GET.get("kind", "")
    if kind not in KIND_LABELS:
        kind = ""
    month = request.GET.get("month", "")
    try:
        dt.datetime.strptime(month, "%Y-%m")
    except ValueError:
        month = ""
    rows = calendar_rows(user, status=status, kind=kind, month=month)
    mine = consultant_org_ids(user)
    posts = []
    if mine:
        posts = list(
            PostEvaluation.objects.filter(
                consultant_id__in=mine, project__in=visible_projects(user)
            )
            .select_related("project", "project__unit", "consultant")
            .order_by("state", "-commissioned_at")
        )
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUS_LABELS}
    return render(
        request,
        "delivery/calendar.html",
        {
            "rows": rows,
            "status": status,
            "kind": kind,
            "month": month,
            "statuses": CALENDAR_STATUSES,
            "kinds": list(KIND_LABELS.items()),
            "counts": counts,
            "post_evaluations": posts,
            "today": today(),
        },
    )
