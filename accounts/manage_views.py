"""Organisation and user management for the platform admin (系统管理员, Art. 2, 4; MLPS level 3).

Every page here answers 404 to anyone else: for them the pages do not exist. The lists use the
chapter's filter sets; an organisation's and a person's page show the "您现在可以办理" card of
the actions on them; the forms are the actions' contracts (``core.views.action_page``, or
``contract_form`` where the page needs more than the generic one: a first role picked from an
organisation's page, a token's key shown once).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import Action
from core.filters import for_page
from core.forms import ContractForm, contract_form
from core.listing import paginate_sorted
from core.models import LedgerEvent
from core.offers import next_steps
from core.pageactions import run_action
from core.views import act

from . import actions
from .duties import administers
from .filters import OrganisationFilter, UserFilter
from .models import ApiToken, Membership, Organisation, User
from .roles import OrgKind

RECENT_EVENTS = 20
View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """The system and the security administrators only (the directory is where both work;
    what each may do there is its actions' ``accounts.duties``). Anonymous users are sent to
    sign in; anyone else gets 404."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not administers(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# -- organisations -----------------------------------------------------------------------------


def _members_q(prefix: str = "") -> Q:
    """An organisation's members: active roles held by active accounts."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}user__is_active": True})


@admin_required
def org_list(request: HttpRequest) -> HttpResponse:
    qs = Organisation.objects.select_related("district").annotate(
        member_count=Count("memberships__user", filter=_members_q("memberships__"), distinct=True)
    )
    filters, found = for_page(OrganisationFilter, request, qs)
    _page, ctx = paginate_sorted(
        request,
        found,
        sortable={
            "name": "name",
            "short": "short_name",
            "kind": "kind",
            "members": "member_count",
            "active": "is_active",
            "created": "created_at",
        },
        default_sort="name",
    )
    ctx.update(filters=filters)
    return render(request, "accounts/manage/org_list.html", ctx)


def _events(**lookup: Any) -> Any:
    return LedgerEvent.objects.filter(**lookup).select_related("organisation")[:RECENT_EVENTS]


@admin_required
def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.select_related("district"), pk=pk)
    context = {
        "org": org,
        "memberships": org.memberships.filter(is_active=True)
        .select_related("user", "granted_by")
        .order_by("role", "user__username"),
        "events": _events(organisation=org),
        "district_units": (
            org.district_units.order_by("name") if org.kind == OrgKind.DISTRICT else None
        ),
        "steps": next_steps(org, request.user),
    }
    return render(request, "accounts/manage/org_detail.html", context)


# -- users -------------------------------------------------------------------------------------


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    qs = User.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(is_active=True)
            .select_related("organisation")
            .order_by("id"),
            to_attr="current_memberships",
        )
    )
    filters, found = for_page(UserFilter, request, qs)
    _page, ctx = paginate_sorted(
        request,
        found,
        sortable={
            "username": "username",
            "name": "full_name",
            "active": "is_active",
            "locked": "locked_until",
            "last_login": "last_login",
            "joined": "date_joined",
        },
        default_sort="username",
    )
    ctx.update(filters=filters, now=timezone.now())
    return render(request, "accounts/manage/user_list.html", ctx)


@admin_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    context = {
        "person": person,
        "memberships": person.memberships.select_related("organisation", "granted_by").order_by(
            "-is_active", "organisation__name", "role"
        ),
        "tokens": person.api_tokens.select_related("created_by"),
        "events": _events(object_type=User._meta.label_lower, object_id=str(person.pk)),
        "now": timezone.now(),
        "steps": next_steps(person, request.user),
    }
    return render(request, "accounts/manage/user_detail.html", context)


def _form(request: HttpRequest, step: Action, target: Any, **initial: Any) -> ContractForm:
    """The action's contract as a form, bound on POST."""
    assert step.Input is not None
    user = request.user
    return contract_form(
        step.Input,
        request.POST if request.method == "POST" else None,
        initial={**step.initial(target, user), **initial},
        choices=step.choices(target, user),
        parser=lambda data: step.parse_for(target, user, data),
    )


def _run(request: HttpRequest, step: Action, target: Any, form: ContractForm) -> tuple[Any, bool]:
    """Take the action with the form's input (its errors go back onto the form)."""
    if not form.is_valid():
        messages.error(request, _("填写内容有误，请按提示修改。"))
        return None, False
    return run_action(
        request,
        lambda: step.execute(getattr(target, "pk", None), form.contract, acting_user=request.user),
        form=form,
    )


@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    """A new account; from an organisation's page (``?organisation=``) its first role there."""
    step = actions.create_user
    picked = request.GET.get("organisation", "")
    form = _form(request, step, None, **({"organisation": picked} if picked.isdigit() else {}))
    if request.method == "POST":
        person, ok = _run(request, step, None, form)
        if ok:
            messages.success(request, step.success_message(None, person))
            return redirect(step.next_url(None, person))
    return render(request, "accounts/manage/user_form.html", {"form": form, "action": step})


def _act_on(name: str, model: type[Any], key: str) -> View:
    """The action page of ``name`` for the row ``key`` of a person's page (a role, a token):
    404 unless the row is the person's."""

    @login_required
    def view(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        get_object_or_404(model, pk=kwargs[key], user_id=pk)
        return act(request, name, kwargs[key])

    view.__name__ = name.replace(".", "_")
    return view


user_revoke_role = _act_on("accounts.revoke_role", Membership, "membership_pk")
token_revoke = _act_on("accounts.revoke_api_token", ApiToken, "token_pk")
