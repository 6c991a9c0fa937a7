"""The second step of a sign-in, and enrolling an authenticator app (``accounts.second_factor``
says who must). The enrolment page shows the key as a QR code drawn on the server (segno, SVG;
nothing from a CDN) and as text; the recovery codes are shown once, after the first code."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from core.errors import ActionInvalid

from .actions import enrol_second_factor, verify_second_factor
from .second_factor import is_enrolled, required_by_role, safe_next
from .throttle import client_ip

PENDING_KEY = "govit_otp_pending_key"
NEW_CODES = "govit_otp_new_codes"


def _verified(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(getattr(user, "is_verified", None) and user.is_verified())


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app. One already enrolled must pass the second step first."""
    if is_enrolled(request.user) and not _verified(request):
        return redirect(f"{reverse('accounts:second_factor_verify')}?next={request.path}")
    key = request.session.get(PENDING_KEY) or default_key()
    request.session[PENDING_KEY] = key
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            _device, codes = enrol_second_factor(
                request.user, acting_user=request.user, key=key, token=request.POST.get("token")
            )
        except ActionInvalid as exc:
            errors = dict(exc.errors) or {"token": str(exc)}
        else:
            otp_login(request, _device)
            request.session.pop(PENDING_KEY, None)
            request.session[NEW_CODES] = codes
            target = safe_next(request, reverse("core:workbench"))
            return redirect(f"{reverse('accounts:second_factor_codes')}?next={target}")
    uri = TOTPDevice(user=request.user, key=key).config_url
    secret = uri.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "qr": mark_safe(segno.make(uri, error="m").svg_inline(scale=4)),
        "uri": uri,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "errors": errors,
        "required": required_by_role(request.user),
        "replacing": is_enrolled(request.user),
        "next": safe_next(request, ""),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@login_required
def codes(request: HttpRequest) -> HttpResponse:
    """The ten recovery codes, once: they are not kept anywhere they could be shown again."""
    new_codes = request.session.pop(NEW_CODES, None)
    if not new_codes:
        return redirect(safe_next(request, reverse("core:workbench")))
    context = {"codes": new_codes, "next": safe_next(request, reverse("core:workbench"))}
    return render(request, "accounts/second_factor_codes.html", context)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code of the authenticator app, or one of the recovery codes."""
    target = safe_next(request, reverse("core:workbench"))
    if _verified(request):
        return redirect(target)
    if not is_enrolled(request.user):
        return redirect(f"{reverse('accounts:second_factor_enrol')}?next={target}")
    error = ""
    if request.method == "POST":
        try:
            device = verify_second_factor(
                request.user,
                acting_user=request.user,
                ip=client_ip(request),
                token=request.POST.get("token"),
            )
        except ActionInvalid as exc:
            device, error = None, str(exc)
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _(
                        "您使用了一个恢复码，还剩 %(n)s 个。请尽快重新绑定认证器应用以获得新的恢复码。"
                    )
                    % {"n": left},
                )
            return redirect(target)
        person: Any = request.user
        person.refresh_from_db()
        if person.is_locked():
            logout(request)
            messages.error(
                request, _("账号因连续登录失败已被临时锁定，请稍后再试或联系系统管理员解锁。")
            )
            return redirect("accounts:login")
        error = error or _("动态口令或恢复码不正确。")
    context = {"error": error, "next": safe_next(request, "")}
    return render(request, "accounts/second_factor_verify.html", context)
