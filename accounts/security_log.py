"""The security log (安全日志): the ledger's events about signing in, accounts, roles and
tokens, for the audit administrator and Audit (MLPS level 3, GB/T 22239-2019 8.1.4.3: audit of
security events). It reads the same append-only ledger; nothing here changes anything."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.enums import event_choices
from core.listing import paginate_sorted
from core.models import LedgerEvent

from .roles import Role

#: the ledger codes of the security log, by their prefix
SECURITY_PREFIXES = ("auth.", "user.", "role.", "token.")


def is_security_event(code: str) -> bool:
    return code.startswith(SECURITY_PREFIXES)


@login_required
def security_log(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not (user.is_superuser or user.has_role(Role.AUDIT_ADMIN, Role.AUDITOR)):
        raise Http404
    wanted = Q()
    for prefix in SECURITY_PREFIXES:
        wanted |= Q(action__startswith=prefix)
    qs = LedgerEvent.objects.filter(wanted).select_related("organisation")
    choices = [(code, words) for code, words in event_choices() if is_security_event(code)]
    action = request.GET.get("action", "")
    if action in dict(choices):
        qs = qs.filter(action=action)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"seq": "seq", "time": "occurred_at", "action": "action"},
        default_sort="-seq",
        search_fields=("object_repr", "actor_name", "reason"),
    )
    ctx.update(actions=choices, current_action=action, page_title=_("安全日志"))
    return render(request, "core/ledger.html", ctx)
