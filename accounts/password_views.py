"""Changing one's own password (``accounts.actions.passwords``), the page every person owing a
change is held at (``accounts.password_policy``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core.forms import contract_form
from core.pageactions import run_action

from .actions import change_password
from .contracts import PasswordChangeIn
from .password_policy import CHECKED_ON, change_owed, reason_message
from .second_factor import safe_next


@login_required
def change(request: HttpRequest) -> HttpResponse:
    """The current password, then the new one twice. The session is kept: the person stays
    signed in (and keeps their second step) after the change."""
    person: Any = request.user
    form = contract_form(PasswordChangeIn, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        changed, ok = _run(request, person, form)
        if ok:
            update_session_auth_hash(request, changed)
            request.session.pop(CHECKED_ON, None)
            messages.success(request, str(change_password.success))
            return redirect(safe_next(request, reverse("core:workbench")))
    context = {
        "form": form,
        "reason": reason_message(change_owed(person, request.session)),
        "next": safe_next(request, ""),
    }
    response = render(request, "accounts/password_change.html", context)
    add_never_cache_headers(response)
    return response


def _run(request: HttpRequest, person: Any, form: Any) -> tuple[Any, bool]:
    if not form.is_valid():
        messages.error(request, _("填写内容有误，请按提示修改。"))
        return None, False
    return run_action(
        request,
        lambda: change_password.execute(person.pk, form.contract, acting_user=person),
        form=form,
    )
