"""Whose password must be changed before anything else, and the middleware that holds them at
the change page until they have (MLPS level 3 identity authentication: GB/T 22239-2019
8.1.4.1, credentials changed periodically; a password the admin set is known to someone else).

Two reasons: the platform admin reset the password (``User.password_must_change``), or it is
older than the policy's ``password_max_age_days`` (0: no limit). These are platform security
requirements, not the measures': the parameters are read from the municipal policy in force,
one rule for the whole platform. The check of the age is made once a day per session, so that
a page does not read the policy on every request. API tokens are not sessions and are not held
(they expire on their own, within ``api_token_max_days``); a session request to the API that
owes a change gets 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from policy.lookup import NoPolicyInForce, policy_in_force

RESET = "reset"
EXPIRED = "expired"

#: the session key holding the day the password's age was last found acceptable
CHECKED_ON = "govit_password_checked_on"

#: addresses reachable while a change is owed: the change page, the second step (which comes
#: first), signing out, switching the language, static files and the probes
_OPEN_PREFIXES = (
    "/accounts/password/",
    "/accounts/second-factor/",
    "/accounts/logout/",
    "/i18n/",
    "/static/",
)
_OPEN_PATHS = ("/healthz", "/readyz", "/metrics")


def password_max_age_days() -> int:
    """The policy's longest password life in days; 0 is no limit (and so is no policy)."""
    try:
        return int(policy_in_force(None).p.password_max_age_days)
    except NoPolicyInForce:
        return 0


def api_token_max_days() -> int:
    """The policy's longest API token life in days."""
    return int(policy_in_force(None).p.api_token_max_days)


def password_expired(user: Any, at: dt.datetime | None = None, max_days: int | None = None) -> bool:
    """Has ``user``'s password been in use for longer than the policy allows? An account whose
    change was never recorded counts from its opening."""
    days = password_max_age_days() if max_days is None else max_days
    if days <= 0:
        return False
    since = user.password_changed_at or user.date_joined
    return bool(since and (at or timezone.now()) - since > dt.timedelta(days=days))


def change_owed(user: Any, session: Any = None) -> str:
    """Why ``user`` must change the password first: ``RESET``, ``EXPIRED``, or "" when free.
    With a session, an age found acceptable today is not looked up again today."""
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.password_must_change:
        return RESET
    today = timezone.localdate().isoformat()
    if session is not None and session.get(CHECKED_ON) == today:
        return ""
    if password_expired(user):
        return EXPIRED
    if session is not None:
        session[CHECKED_ON] = today
    return ""


def reason_message(reason: str) -> str:
    """What the change page and the API say about why a change is owed."""
    if reason == RESET:
        return _("您的密码已由系统管理员重置，请先修改密码后再继续使用。")
    if reason == EXPIRED:
        return _(
            "您的密码已使用超过 %(days)s 天（平台安全要求：密码最长使用期限），请修改密码后继续使用。"
        ) % {"days": password_max_age_days()}
    return ""


class PasswordChangeMiddleware:
    """After ``SecondFactorMiddleware``: a person who owes a password change reaches nothing but
    the change page, the second step, sign-out and the language switch."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        path = request.path_info
        if not (path.startswith(_OPEN_PREFIXES) or path in _OPEN_PATHS):
            api = path.startswith("/api/")
            token = api and "HTTP_AUTHORIZATION" in request.META  # never falls back to a session
            reason = "" if token else change_owed(request.user, request.session)
            if reason and api:
                return JsonResponse(
                    {"code": "password_change_required", "message": reason_message(reason)},
                    status=403,
                    json_dumps_params={"ensure_ascii": False},
                )
            if reason:
                url = reverse("accounts:password_change")
                if request.method == "GET" and path != "/":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(url)
        return self.get_response(request)
