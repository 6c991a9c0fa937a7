"""Who must give a second factor after the password, and the middleware that holds them at
the second step until they have (MLPS level 3: GB/T 22239-2019 8.1.4.1 d, two or more
authentication techniques for administrators; GB/T 39786 identity authentication).

The second factor is a TOTP authenticator app (django-otp ``otp_totp``) with ten one-time
recovery codes (``otp_static``). It is required, when ``GOVIT_OTP_REQUIRED`` is on (the
production default), of the platform admins and of every authority's desk (BDB, DRC, Finance,
CAC, PSB, crypto, secrecy, audit, the municipal government's approver): the people who
approve, fund, review and administer. Anyone who has enrolled is asked for it too. A user who
must and has not enrolled is sent to enrol first. API tokens are not sessions and are not
affected; a session request to the API that still owes its second step gets 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .roles import AUTHORITY_ROLE, Role

#: the roles that must give a second factor (administrators and the authorities' desks)
SECOND_FACTOR_ROLES = frozenset({Role.PLATFORM_ADMIN, *AUTHORITY_ROLE.values()})

#: addresses reachable before the second step: the step itself, signing out, switching the
#: language, static files and the probes
_OPEN_PREFIXES = ("/accounts/second-factor/", "/accounts/logout/", "/i18n/", "/static/")
_OPEN_PATHS = ("/healthz", "/readyz", "/metrics")


def required_by_role(user: Any) -> bool:
    """Must ``user`` give a second factor by what they are (the setting on)?"""
    if not settings.GOVIT_OTP_REQUIRED:
        return False
    return bool(user.is_superuser or user.has_role(*SECOND_FACTOR_ROLES))


def is_enrolled(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def owes_second_step(user: Any) -> bool:
    """Signed in with the password but not yet verified, though required or enrolled."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_verified", None) is not None and user.is_verified():
        return False
    return required_by_role(user) or is_enrolled(user)


def safe_next(request: Any, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else default


class SecondFactorMiddleware:
    """After ``OTPMiddleware``: a person who owes the second step reaches nothing but the step
    (verify, or enrol when they have no authenticator yet), sign-out and the language switch."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        path = request.path_info
        if not (path.startswith(_OPEN_PREFIXES) or path in _OPEN_PATHS):
            api = path.startswith("/api/")
            token = api and "HTTP_AUTHORIZATION" in request.META  # never falls back to a session
            if not token and owes_second_step(request.user):
                if api:
                    return JsonResponse(
                        {"code": "second_factor_required", "message": "请先完成双因素认证。"},
                        status=403,
                        json_dumps_params={"ensure_ascii": False},
                    )
                step = "verify" if is_enrolled(request.user) else "enrol"
                url = reverse(f"accounts:second_factor_{step}")
                if request.method == "GET" and path != "/":
                    url += "?" + _query(request.get_full_path())
                return HttpResponseRedirect(url)
        return self.get_response(request)


def _query(next_url: str) -> str:
    return urlencode({"next": next_url})
