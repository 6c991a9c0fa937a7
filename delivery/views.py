"""Pages of the delivery chapter (Art. 16, 22-24, 28-30): the approved projects by phase, the
calendar of statutory deadlines, a project's delivery page and its electronic archive.

Views only load (through scoping), filter lists with the chapter's filter sets and show what
the actions say: the "您现在可以办理" card (``core.offers.next_steps``) offers each action the
user may take with the findings that block it; its forms post to ``/act/<action>/<pk>/``.
Missing and forbidden objects answer 404."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from accounts.recipients import consultant_org_ids
from accounts.scoping import get_visible_or_404
from core import calendar as deadline_sources
from core.dates import today
from core.enums import ActionCode
from core.filters import for_page
from core.ledger import record_event
from core.listing import paginate_sorted
from core.offers import next_steps
from documents.services import document_types_present
from investment.models import Contract, EvaluationKind, EvaluationResult
from policy.lookup import NoPolicyInForce
from projects.models import Project, ProjectState

from .archive import export_archive
from .clocks import DueRow, calendar_projects, calendar_rows, due_rows, too_many_to_list
from .deadlines import STATUS_LABELS
from .filters import CALENDAR_STATUSES, KIND_LABELS, CalendarFilter, DeliveryFilter
from .models import (
    Acceptance,
    AcceptancePath,
    AnnualReport,
    ArchiveFailure,
    Delivery,
    ExtensionRequest,
    Incident,
    Milestone,
    Phase,
    PostEvaluation,
    SupervisionReport,
    SupervisorAssignment,
)
from .services import (
    ACCEPTANCE_MATERIALS,
    acceptance_path_for,
    investment_execution,
    progress_percent,
    visible_projects,
)


def _url_or_none(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# -- the project page ---------------------------------------------------------------------------


def _project_or_404(user: Any, pk: int) -> Project:
    """A project the user sees in the delivery chapter (``services.visible_projects``)."""
    try:
        return visible_projects(user).select_related("unit", "policy").get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _acceptance_path(project: Project) -> str:
    if project.state != ProjectState.APPROVED:
        return ""
    try:
        return acceptance_path_for(project)
    except NoPolicyInForce:
        return ""


def _history(project: Project) -> dict[str, Any]:
    """What happened on the project so far, section by section of the page."""
    rows: dict[str, Any] = {
        "contracts": list(Contract.objects.filter(project=project)),
        "milestones": list(Milestone.objects.filter(project=project)),
        "supervision_reports": list(
            SupervisionReport.objects.filter(project=project).select_related("submitted_by")[:20]
        ),
        "annual_reports": list(AnnualReport.objects.filter(project=project)),
        "incidents": list(
            Incident.objects.filter(project=project).select_related("reported_by", "ordered_by")
        ),
        "extensions": list(
            ExtensionRequest.objects.filter(project=project).select_related(
                "requested_by", "decided_by"
            )
        ),
        "acceptances": list(
            Acceptance.objects.filter(project=project).select_related("applied_by")
        ),
        "archive_failures": list(
            ArchiveFailure.objects.filter(project=project).select_related("recorded_by")
        ),
        "post_evaluations": list(
            PostEvaluation.objects.filter(project=project).select_related(
                "consultant", "result", "commissioned_by"
            )
        ),
        "self_evaluations": list(
            EvaluationResult.objects.filter(project=project, kind=EvaluationKind.SELF)
        ),
    }
    contracts = rows["contracts"]
    rows["contracts_total"] = sum((c.amount for c in contracts), Decimal(0)) if contracts else None
    return rows


@login_required
def project_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = _project_or_404(user, pk)
    stored = Delivery.objects.filter(project=project).first()
    delivery = stored or Delivery(project=project)
    project._delivery_row = delivery  # type: ignore[attr-defined]  # the actions ask once
    rows = due_rows(project, stored) if stored else []
    path = _acceptance_path(project)
    present = document_types_present([project]).get(project.pk, set())
    year = today().year
    plan_amount, paid_amount = investment_execution(project, year)
    ctx = {
        "project": project,
        "delivery": stored,
        "phase": delivery.phase,
        "phase_label": Phase(delivery.phase).label,
        "approved": project.state == ProjectState.APPROVED,
        "assignment": SupervisorAssignment.objects.filter(project=project, is_active=True)
        .select_related("supervisor")
        .first(),
        "investment_url": _url_or_none("investment:project", project.pk),
        "contract_add_url": _url_or_none("investment:contract_add", project.pk),
        "progress": progress_percent(project),
        "due_rows": rows,
        "self_eval_row": next((r for r in rows if r.item.kind == "self_evaluation"), None),
        "path": path,
        "path_label": AcceptancePath(path).label if path else "",
        "materials": [(key, label, key in present) for key, label in ACCEPTANCE_MATERIALS.items()],
        "archive_url": reverse("delivery:archive", args=[project.pk]),
        "year": year,
        "plan_amount": plan_amount,
        "paid_amount": paid_amount,
        "steps": next_steps(delivery, user),
        **_history(project),
    }
    return render(request, "delivery/project.html", ctx)


# -- archive export (Art. 29) -----------------------------------------------------------------


@login_required
@require_GET
def archive(request: HttpRequest, pk: int) -> FileResponse:
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


def _record_archive_export(project: Project, user: Any, content: bytes) -> None:
    """Each export is a ledger event carrying the manifest's SM3: an archive rebuilt later with
    a rewritten manifest no longer matches what the platform handed out."""
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


@login_required
def delivery_list(request: HttpRequest) -> HttpResponse:
    """Approved projects with their delivery phase (``filters.DeliveryFilter``)."""
    qs = (
        visible_projects(request.user)
        .filter(state=ProjectState.APPROVED)
        .select_related("unit", "delivery")
    )
    filters, qs = for_page(DeliveryFilter, request, qs)
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
    )
    active = filters.active
    ctx.update(
        filters=filters,
        phase=active.get("phase", ""),
        phases=Phase.choices,
        suspended=active.get("suspended") is True,
    )
    return render(request, "delivery/list.html", ctx)


# -- calendar --------------------------------------------------------------------------------


def _other_deadlines(user: Any, *, status: str, kind: str) -> list[DueRow]:
    """Deadlines other chapters register (``core.calendar``: supervision requests and
    rectification orders, on projects, systems or the unit itself) under the page's status
    filter, most urgent first; a filter on one of this chapter's kinds shows none of them."""
    if kind:
        return []
    on = today()
    rows = [
        DueRow(item, item.status(on), item.project) for item in deadline_sources.other_items(user)
    ]
    if status not in ("pending", "all"):
        rows = [row for row in rows if row.status == status]
    return sorted(rows, key=lambda row: row.sort_key)


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters, projects = for_page(CalendarFilter, request, calendar_projects(user))
    status = filters.option("status", "pending")
    kind, month = filters.option("kind"), filters.option("month")
    narrow = too_many_to_list(projects)
    rows = (
        []
        if narrow
        else calendar_rows(user, status=status, kind=kind, month=month, projects=projects)
    )
    others = _other_deadlines(user, status=status, kind=kind)
    posts = []
    mine = consultant_org_ids(user)
    if mine:
        posts = list(
            PostEvaluation.objects.filter(
                consultant_id__in=mine, project__in=visible_projects(user)
            )
            .select_related("project", "project__unit", "consultant")
            .order_by("state", "-commissioned_at")
        )
    return render(
        request,
        "delivery/calendar.html",
        {
            "rows": rows,
            "others": others,
            "filters": filters,
            "status": status,
            "kind": kind,
            "month": month,
            "statuses": CALENDAR_STATUSES,
            "kinds": list(KIND_LABELS.items()),
            "counts": {s: sum(1 for r in rows if r.status == s) for s in STATUS_LABELS},
            "narrow": narrow,
            "max_projects": settings.GOVIT_CALENDAR_MAX_PROJECTS,
            "q": request.GET.get("q", ""),
            "post_evaluations": posts,
            "today": today(),
        },
    )
