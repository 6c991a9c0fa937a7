"""Pages of the catalog chapter (Art. 14, 15, 17, 18, 20, 28, 31-33): the master catalog of
government information systems, the data resource catalog, data sharing between units and the
O&M funding decisions.

Views load through scoping, filter lists with the chapter's filter sets and show the
"您现在可以办理" card; every form is an action's contract posted to the action page
(``core.views.act``), except the spreadsheet imports, which feed the actions row by row
(``catalog.xlsx``). Missing and forbidden objects answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scoping import for_user, get_visible_or_404
from core.dates import today
from core.filters import ListFilter, for_page
from core.forms import contract_form
from core.jobs import job_url, start_job
from core.listing import paginate_sorted, row_count
from core.offers import next_steps, panels_for
from core.pageactions import run_action
from core.xlsx import download, page_export
from projects.models import Project

from . import actions, xlsx
from .contracts import CatalogImportIn, CatalogOMRunIn
from .filters import OMDecisionFilter, ResourceFilter, SharingFilter, SystemFilter
from .jobs import IMPORTS
from .models import DataResource, InformationItem, InformationSystem, OMDecision, SharingRequest
from .om_words import explained
from .services import (
    OM_ORDER,
    SHARING_BOXES,
    by_urgency,
    latest_decisions,
    latest_runs,
    om_preview,
    om_workbook,
    overdue_count,
    reason_tags,
    run_summary,
    sharing_box,
)

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


def _findings(items: list[dict], severity: str) -> list[dict]:
    """Explained reasons or warnings in the shape ``includes/findings.html`` draws."""
    return [{**item, "severity": severity} for item in items or []]


def _listing(
    request: HttpRequest,
    filterset: type[ListFilter],
    queryset: QuerySet,
    sortable: dict[str, str],
    default_sort: str,
) -> dict[str, Any]:
    """A list page's context: its filter set applied (a bad value is shown on the filter form
    and lists nothing), sorted and paginated, and the query its export link keeps."""
    filters, qs = for_page(filterset, request, queryset)
    _page, ctx = paginate_sorted(request, qs, sortable=sortable, default_sort=default_sort)
    ctx.update(filters=filters, export_query=request.GET.urlencode())
    return ctx


def _export(
    request: HttpRequest,
    filterset: type[ListFilter],
    queryset: QuerySet,
    page: str,
    workbook: Callable[[QuerySet], Any],
    title: str,
) -> HttpResponse:
    """A list page's rows as filtered on it, as ``<title>-<today>.xlsx`` (a bad filter value
    goes back to the page named ``page``)."""
    return page_export(
        request,
        filterset,
        queryset,
        reverse(page),
        lambda qs: download(workbook(qs), f"{title}-{today():%Y%m%d}.xlsx"),
    )


def _import_page(request: HttpRequest, template: str, what: str) -> HttpResponse:
    """Upload a spreadsheet: a file that cannot be read is refused at once; a readable one is
    imported in the background (``catalog.jobs``), on a page that shows its progress and then
    what the import did, row by row."""
    if not (actions.register_system.permitted(None, request.user) or request.user.is_superuser):
        raise Http404
    posted = request.method == "POST"
    form = contract_form(
        CatalogImportIn, request.POST if posted else None, files=request.FILES if posted else None
    )
    if posted and form.is_valid():
        assert isinstance(form.contract, CatalogImportIn)
        file = form.contract.file
        _none, readable = run_action(request, lambda: xlsx.check_readable(file, what), form=form)
        if readable:
            name = str(IMPORTS[what][1])
            title = _("导入%(what)s：%(file)s") % {"what": name, "file": file.name}
            job = start_job(
                "catalog.import", title, request.user, params={"what": what}, upload=file
            )
            return HttpResponseRedirect(job_url(job))
    return render(request, template, {"form": form})


# -- master catalog (R15.1) -------------------------------------------------------------------


def _systems(request: HttpRequest) -> QuerySet:
    return for_user(InformationSystem, request.user).select_related("unit")


@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    sortable = {
        "code": "code",
        "name": "name",
        "unit": "unit__name",
        "status": "status",
        "updated": "updated_at",
    }
    ctx = _listing(request, SystemFilter, _systems(request), sortable, "code")
    ctx["can_register"] = actions.register_system.permitted(None, request.user)
    return render(request, "catalog/system_list.html", ctx)


@login_required
def system_export(request: HttpRequest) -> HttpResponse:
    """The master catalog as filtered on its page (a bad filter value goes back to the page)."""
    return _export(
        request,
        SystemFilter,
        _systems(request),
        "catalog:systems",
        xlsx.export_systems,
        "政务信息系统总目录",
    )


@login_required
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    system = get_visible_or_404(
        InformationSystem.objects.select_related("unit", "curated_by"), user, pk=pk
    )
    decisions = list(
        for_user(OMDecision.objects.filter(system=system), user)
        .select_related("run__policy")
        .order_by("-run__budget_year", "-run__decided_at")[:20]
    )
    for d in decisions:
        d.explained = explained(d.explained_reasons, "block")
    reasons, warnings = om_preview(system)
    ctx = {
        "system": system,
        "projects": for_user(Project.objects.filter(systems=system), user).order_by("code"),
        "resources": for_user(DataResource.objects.filter(systems=system), user)
        .select_related("provider")
        .order_by("resource_code"),
        "decisions": decisions,
        "preview": _findings(reasons, "block") + _findings(warnings, "warn"),
        "steps": next_steps(system, user),
        "panels": panels_for(system, user),
    }
    return render(request, "catalog/system_detail.html", ctx)


@login_required
def system_import(request: HttpRequest) -> HttpResponse:
    return _import_page(request, "catalog/system_import.html", "systems")


# -- data resource catalog --------------------------------------------------------------------


def _resources(request: HttpRequest) -> QuerySet:
    return for_user(DataResource, request.user).select_related("provider")


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    sortable = {
        "code": "resource_code",
        "name": "name",
        "provider": "provider__name",
        "updated": "updated_at",
    }
    resources = _resources(request).annotate(
        item_count=row_count(InformationItem.objects.all(), "resource")
    )
    ctx = _listing(request, ResourceFilter, resources, sortable, "code")
    ctx["can_create"] = actions.create_resource.permitted(None, request.user)
    return render(request, "catalog/resource_list.html", ctx)


@login_required
def resource_export(request: HttpRequest) -> HttpResponse:
    """The data resource catalog as filtered on its page."""
    return _export(
        request,
        ResourceFilter,
        _resources(request),
        "catalog:resources",
        xlsx.export_resources,
        "数据资源目录",
    )


@login_required
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resource = get_visible_or_404(DataResource.objects.select_related("provider"), user, pk=pk)
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
        "steps": next_steps(resource, user),
        "panels": panels_for(resource, user),
    }
    return render(request, "catalog/resource_detail.html", ctx)


@login_required
def resource_import(request: HttpRequest) -> HttpResponse:
    return _import_page(request, "catalog/resource_import.html", "resources")


# -- sharing (Art. 14) ------------------------------------------------------------------------


def _sharing_page(request: HttpRequest, box: str) -> HttpResponse:
    user = request.user
    mine = sharing_box(for_user(SharingRequest, user), box, user)
    filters, qs = for_page(
        SharingFilter,
        request,
        mine.select_related("resource__provider", "requester", "requested_by", "answered_by"),
    )
    if box == "mine":
        qs = qs.prefetch_related("feedback")
    page = Paginator(by_urgency(qs), settings.GOVIT_PAGE_SIZE).get_page(request.GET.get("page"))
    on = today()
    for r in page:
        r.days_over = (on - r.due_on).days if r.is_overdue else 0
    ctx = {
        "box": box,
        "title": SHARING_BOXES[box],
        "page_obj": page,
        "filters": filters,
        "overdue_count": overdue_count(mine),
    }
    return render(request, "catalog/sharing_list.html", ctx)


@login_required
def sharing_mine(request: HttpRequest) -> HttpResponse:
    return _sharing_page(request, "mine")


@login_required
def sharing_incoming(request: HttpRequest) -> HttpResponse:
    return _sharing_page(request, "incoming")


@login_required
def sharing_all(request: HttpRequest) -> HttpResponse:
    return _sharing_page(request, "all")


@login_required
def sharing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    sharing = get_visible_or_404(
        SharingRequest.objects.select_related(
            "resource__provider", "requester", "requested_by", "answered_by"
        ),
        user,
        pk=pk,
    )
    ctx = {
        "req": sharing,
        "feedback": sharing.feedback.select_related("reported_by"),
        "steps": next_steps(sharing, user),
        "panels": panels_for(sharing, user),
    }
    return render(request, "catalog/sharing_detail.html", ctx)


# -- O&M funding decisions (Art. 28, 31-33) ----------------------------------------------------


def _om_reader(user: Any) -> None:
    if not (user.is_superuser or user.has_role(*OM_READER_ROLES)):
        raise Http404


def _om_decisions(request: HttpRequest) -> QuerySet:
    return latest_decisions(request.user).select_related("system__unit", "run__policy")


@login_required
def om_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _om_reader(user)
    sortable = {
        "year": "run__budget_year",
        "code": "system__code",
        "unit": "system__unit__name",
        "eligible": "eligible",
    }
    ctx = _listing(request, OMDecisionFilter, _om_decisions(request), sortable, "-year")
    for d in ctx["page_obj"]:
        d.tags = reason_tags(d)
    can_run = actions.decide_om_funding.permitted(None, user)
    next_year = today().year + 1
    run_form = None
    if can_run:
        initial = {"budget_year": next_year}
        run_form = contract_form(CatalogOMRunIn, initial=initial, exclude=("system_ids",))
    ctx.update(
        summary=run_summary(latest_decisions(user)),
        run_form=run_form,
        missing_next_year=can_run and next_year not in latest_runs()[0],
        next_year=next_year,
    )
    return render(request, "catalog/om_list.html", ctx)


@login_required
def om_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
        "reasons": explained(decision.explained_reasons, "block"),
        "warnings": explained(decision.explained_warnings, "warn"),
        "history": history,
        "steps": next_steps(decision, user),
        "panels": panels_for(decision, user),
    }
    return render(request, "catalog/om_detail.html", ctx)


@login_required
def om_export(request: HttpRequest) -> HttpResponse:
    _om_reader(request.user)
    return _export(
        request,
        OMDecisionFilter,
        _om_decisions(request),
        "catalog:om_list",
        lambda qs: om_workbook(qs.order_by(*OM_ORDER)),
        "运维经费决定",
    )
