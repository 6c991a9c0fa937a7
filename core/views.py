"""Workbench (工作台), notifications and the audit ledger pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.scoping import for_user, get_visible_or_404

from .enums import ActionCode
from .listing import paginate_sorted
from .models import LedgerEvent, Notification
from .todos import todos_for


@login_required
def workbench(request):
    user = request.user
    context = {
        "todos": todos_for(user),
        "memberships": user.active_memberships(),
        "recent_notifications": Notification.objects.filter(recipient=user)[:5],
        "recent_events": for_user(LedgerEvent, user).select_related("organisation")[:8],
    }
    return render(request, "core/workbench.html", context)


@login_required
def notifications(request):
    qs = Notification.objects.filter(recipient=request.user)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"created": "created_at", "title": "title"},
        default_sort="-created",
        search_fields=("title", "body"),
    )
    return render(request, "core/notifications.html", ctx)


@login_required
@require_POST
def notification_read(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    target = note.link if note.link and url_has_allowed_host_and_scheme(note.link, None) else None
    return HttpResponseRedirect(target or request.META.get("HTTP_REFERER") or "/")


@login_required
@require_POST
def notifications_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return HttpResponseRedirect("/notifications/")


@login_required
def ledger(request):
    qs = for_user(LedgerEvent, request.user).select_related("organisation")
    action = request.GET.get("action", "")
    if action in ActionCode.values:
        qs = qs.filter(action=action)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"seq": "seq", "time": "occurred_at", "action": "action"},
        default_sort="-seq",
        search_fields=("object_repr", "actor_name", "reason"),
    )
    ctx.update(actions=ActionCode.choices, current_action=action)
    return render(request, "core/ledger.html", ctx)


@login_required
def ledger_event(request, seq: int):
    event = get_visible_or_404(LedgerEvent, request.user, seq=seq)
    return render(request, "core/ledger_event.html", {"event": event})
