"""Pages of the supervision chapter: each authority's workspace, the lists (one filter set
each), the page of each record with the "您现在可以办理" card and its documents, a unit's
compliance page (everything open against it), a project's supervision page, the public
criticisms and the printable official notices. Every form is an action's contract on the card
(``core.views.act``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.recipients import is_unit_staff, unit_ids_of
from accounts.roles import OrgKind
from accounts.scoping import for_user, get_visible_or_404
from core.filters import ListFilter, for_page
from core.listing import paginate_sorted
from core.offers import next_steps
from projects.models import Project

from .authorities import desk_ids, desks_of
from .compliance import open_records
from .deadlines import calendar_items
from .filters import (
    AuditFindingFilter,
    RectificationOrderFilter,
    SanctionFilter,
    SupervisionRequestFilter,
    ViolationEntryFilter,
)
from .models import (
    SANCTIONABLE,
    AuditFinding,
    AuditState,
    Notice,
    OrderState,
    RectificationOrder,
    RequestState,
    Sanction,
    SupervisionRequest,
    ViolationEntry,
    ViolationState,
)
from .visibility import reads_all

RELATED = ("unit", "project", "system", "authority")

# -- the workspace -----------------------------------------------------------------------------


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """An authority's desk: what it issued and must act on; a unit goes to its own page."""
    user = request.user
    desks = desks_of(user)
    units = sorted(unit_ids_of(user))
    if not desks and not reads_all(user):
        if units:
            return redirect("supervision:unit", pk=units[0])
        raise Http404
    mine = desk_ids(user)

    def issued(model: Any) -> Any:
        qs = for_user(model, user).select_related(*RELATED)
        return qs if reads_all(user) and not mine else qs.filter(authority_id__in=mine)

    ctx = {
        "desks": desks,
        "requests": issued(SupervisionRequest).filter(
            state__in=(RequestState.ISSUED, RequestState.ANSWERED, RequestState.OVERDUE)
        )[:20],
        "to_verify": issued(RectificationOrder).filter(state=OrderState.REPORTED)[:20],
        "open_orders": issued(RectificationOrder).filter(
            state__in=(OrderState.ISSUED, OrderState.OVERDUE, OrderState.FAILED)
        )[:20],
        "sanctionable": for_user(RectificationOrder, user)
        .filter(state__in=SANCTIONABLE)
        .select_related(*RELATED)[:20],
        "sanctions": Sanction.objects.for_user(user).in_force().select_related(*RELATED)[:20],
        "audits": for_user(AuditFinding, user)
        .exclude(state=AuditState.CLOSED)
        .select_related(*RELATED)[:20],
        "proposals": for_user(ViolationEntry, user)
        .filter(state=ViolationState.PROPOSED)
        .select_related("unit", "project")[:20],
        "deadlines": calendar_items(user)[:20],
    }
    return render(request, "supervision/workspace.html", ctx)


# -- the lists ----------------------------------------------------------------------------------


def _list(
    request: HttpRequest,
    model: Any,
    filterset: type[ListFilter],
    template: str,
    sortable: dict[str, str],
    default_sort: str,
) -> HttpResponse:
    qs = for_user(model, request.user).select_related(*(r for r in RELATED if hasattr(model, r)))
    filters, qs = for_page(filterset, request, qs)
    _page, ctx = paginate_sorted(request, qs, sortable=sortable, default_sort=default_sort)
    ctx["filters"] = filters
    return render(request, template, ctx)


ISSUED_SORT = {"issued": "issued_on", "deadline": "deadline", "unit": "unit__name"}


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        SupervisionRequest,
        SupervisionRequestFilter,
        "supervision/request_list.html",
        ISSUED_SORT,
        "-issued",
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        RectificationOrder,
        RectificationOrderFilter,
        "supervision/order_list.html",
        ISSUED_SORT,
        "-issued",
    )


@login_required
def sanction_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        Sanction,
        SanctionFilter,
        "supervision/sanction_list.html",
        {"issued": "issued_on", "unit": "unit__name", "kind": "kind"},
        "-issued",
    )


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        AuditFinding,
        AuditFindingFilter,
        "supervision/audit_list.html",
        {"issued": "issued_on", "unit": "unit__name"},
        "-issued",
    )


@login_required
def violation_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        ViolationEntry,
        ViolationEntryFilter,
        "supervision/violation_list.html",
        {"created": "created_at", "unit": "unit__name", "kind": "kind"},
        "-created",
    )


@login_required
def public_notices(request: HttpRequest) -> HttpResponse:
    """The 通报批评 in force: public notices, listed for every signed-in user."""
    qs = Sanction.objects.public().select_related(*RELATED)
    _page, ctx = paginate_sorted(
        request, qs, sortable={"issued": "issued_on"}, default_sort="-issued"
    )
    return render(request, "supervision/public_notices.html", ctx)


# -- the records --------------------------------------------------------------------------------


def _detail(request: HttpRequest, model: Any, pk: int, template: str, **extra: Any) -> HttpResponse:
    obj = get_visible_or_404(model.objects.select_related(*RELATED), request.user, pk=pk)
    ctx = {"obj": obj, "steps": next_steps(obj, request.user)}
    ctx.update({k: v(obj) if callable(v) else v for k, v in extra.items()})
    return render(request, template, ctx)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(
        request,
        SupervisionRequest,
        pk,
        "supervision/request_detail.html",
        orders=lambda r: _orders_from(r, request.user),
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(
        request,
        RectificationOrder,
        pk,
        "supervision/order_detail.html",
        sanctions=lambda o: for_user(o.sanctions.all(), request.user).select_related("authority"),
    )


@login_required
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, Sanction, pk, "supervision/sanction_detail.html")


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(
        request,
        AuditFinding,
        pk,
        "supervision/audit_detail.html",
        orders=lambda a: _orders_from(a, request.user),
    )


@login_required
def violation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(
        request,
        ViolationEntry,
        pk,
        "supervision/violation_detail.html",
        persons=lambda v: list(v.persons.all()),
        sanctions=lambda v: for_user(v.sanctions.all(), request.user).select_related("authority"),
    )


def _orders_from(obj: Any, user: Any) -> Any:
    from .models import orders_from

    return for_user(orders_from(obj), user).select_related("authority")


NOTICE_MODELS: dict[str, type[Notice]] = {
    "request": SupervisionRequest,
    "order": RectificationOrder,
    "sanction": Sanction,
    "audit": AuditFinding,
}
NOTICE_TITLES = {
    "request": _("关于提供资料和情况的函"),
    "order": _("整改通知书"),
    "sanction": _("处理决定"),
    "audit": _("审计发现通知"),
}


@login_required
def notice(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The official notice as it would be printed: 文号, date, authority, text, clauses."""
    model = NOTICE_MODELS.get(kind)
    if model is None:
        raise Http404
    obj = get_visible_or_404(model._default_manager.select_related(*RELATED), request.user, pk=pk)
    title = obj.get_kind_display() if kind == "sanction" else NOTICE_TITLES[kind]
    return render(request, "supervision/notice.html", {"obj": obj, "title": title})


# -- a unit, a project --------------------------------------------------------------------------


def supervision_steps(obj: Any, user: Any) -> Any:
    """The card of a unit or project on a supervision page: only this chapter's actions
    (the project page itself shows every chapter's)."""
    steps = next_steps(obj, user)
    steps.offers = [o for o in steps.offers if o.action.name.startswith("supervision.")]
    return steps


def _may_watch_unit(user: Any, unit: Organisation) -> bool:
    return reads_all(user) or bool(desk_ids(user)) or is_unit_staff(user, unit.pk)


@login_required
def units(request: HttpRequest) -> HttpResponse:
    """The units, for an authority to open a unit's compliance page."""
    if not (reads_all(request.user) or desk_ids(request.user)):
        raise Http404
    qs = Organisation.objects.filter(kind=OrgKind.UNIT, is_active=True)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"name": "name"},
        default_sort="name",
        search_fields=("name", "short_name"),
    )
    for unit in ctx["page_obj"]:
        unit.records = open_records(unit, request.user)
    return render(request, "supervision/units.html", ctx)


@login_required
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything open against a unit, and what the user can do about it now."""
    org = get_visible_or_404(Organisation.objects.filter(kind=OrgKind.UNIT), request.user, pk=pk)
    if not _may_watch_unit(request.user, org):
        raise Http404
    ctx = {
        "unit": org,
        "records": open_records(org, request.user),
        "steps": supervision_steps(org, request.user),
        "public": Sanction.objects.public().filter(unit=org).select_related("authority", "project"),
    }
    return render(request, "supervision/unit.html", ctx)


@login_required
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's supervision record: what is open, and its history."""
    obj = get_visible_or_404(Project.objects.select_related("unit"), request.user, pk=pk)
    user = request.user
    history = {
        "requests": for_user(SupervisionRequest, user)
        .filter(project=obj)
        .select_related("authority"),
        "orders": for_user(RectificationOrder, user)
        .filter(project=obj)
        .select_related("authority"),
        "sanctions": for_user(Sanction, user).filter(project=obj).select_related("authority"),
        "audits": for_user(AuditFinding, user).filter(project=obj).select_related("authority"),
        "violations": for_user(ViolationEntry, user).filter(project=obj),
    }
    ctx = {
        "project": obj,
        "records": open_records(obj, user),
        "history": history,
        "steps": supervision_steps(obj, user),
    }
    return render(request, "supervision/project.html", ctx)
