"""The notifications page (grouped by day and project, filtered by category and unread), marking
read, and the notification settings page (issue 18 pt 5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .enums import UNMUTABLE_CATEGORIES, NotificationCategory
from .forms import contract_form
from .listing import paginate_sorted
from .models import Notification
from .notifications import (
    MUTABLE,
    NotificationSettingsIn,
    backlog,
    grouped,
    read_group,
    save_notification_settings,
    unread,
)
from .pageactions import run_action


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the list as it was (its filters and page), else to the list."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, None):
        target = reverse("core:notifications")
    return HttpResponseRedirect(target)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """Unread first: with unread notifications the page opens on them, grouped by day and by
    project, each group folded to one line when it holds more than a few."""
    user: Any = request.user
    unread_count = unread(user).count()
    state = request.GET.get("state", "")
    if state not in ("unread", "all"):
        state = "unread" if unread_count else "all"
    qs = Notification.objects.filter(recipient=user.pk)
    if state == "unread":
        qs = qs.filter(read_at__isnull=True)
    category = request.GET.get("category", "")
    if category in NotificationCategory.values:
        qs = qs.filter(category=category)
    else:
        category = ""
    page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"created": "created_at"},
        default_sort="-created",
        search_fields=("title", "body"),
    )
    ctx.update(
        days=grouped(list(page.object_list)),
        state=state,
        category=category,
        categories=NotificationCategory.choices,
        unread_count=unread_count,
        backlog=backlog(user),
        fold_over=3,
    )
    return render(request, "core/notifications.html", ctx)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    target = note.link if note.link and url_has_allowed_host_and_scheme(note.link, None) else None
    return HttpResponseRedirect(target or request.META.get("HTTP_REFERER") or "/")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    unread(request.user).update(read_at=timezone.now())
    return HttpResponseRedirect(reverse("core:notifications"))


@login_required
@require_POST
def notifications_read_group(request: HttpRequest) -> HttpResponse:
    """Mark one group (a day and a project or object) read."""
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("未找到该组通知。"))
        return _back(request)
    count = read_group(request.user, request.POST.get("subject", ""), day)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return _back(request)


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which categories to be told about; to-do reminders always."""
    user: Any = request.user
    act = save_notification_settings
    form = contract_form(
        NotificationSettingsIn, request.POST or None, initial=act.initial(None, user)
    )
    if request.method == "POST":
        _result, ok = run_action(
            request,
            lambda: act.execute(None, request.POST, acting_user=user),
            form=form,
            success=act.success,
        )
        if ok:
            return HttpResponseRedirect(reverse("core:notification_settings"))
    return render(
        request,
        "core/notification_settings.html",
        {
            "form": form,
            "unmutable": [NotificationCategory(c).label for c in sorted(UNMUTABLE_CATEGORIES)],
            "mutable": MUTABLE,
        },
    )
