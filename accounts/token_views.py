"""One's own API tokens (机器客户端的接口令牌): each person lists, creates and revokes their
own; nobody creates one for someone else (三权分立, ``accounts.duties``). A new token's raw key
exists only in the response that creates it: no redirect, no session, no cache."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from core.forms import contract_form
from core.pageactions import run_action

from .actions import create_api_token
from .password_policy import api_token_max_days


@login_required
def my_tokens(request: HttpRequest) -> HttpResponse:
    person: Any = request.user
    step = create_api_token
    posted = request.method == "POST"
    form = contract_form(
        step.Input,
        request.POST if posted else None,
        initial=step.initial(person, person),
        parser=lambda data: step.parse_for(person, person, data),
    )
    if posted and form.is_valid():
        created, ok = run_action(
            request, lambda: step.execute(person.pk, form.contract, acting_user=person), form=form
        )
        if ok:
            token, raw = created
            response = render(
                request, "accounts/token_created.html", {"token": token, "raw_token": raw}
            )
            add_never_cache_headers(response)
            return response
    context = {
        "form": form,
        "tokens": person.api_tokens.order_by("-created_at"),
        "max_days": api_token_max_days(),
    }
    return render(request, "accounts/tokens.html", context)
