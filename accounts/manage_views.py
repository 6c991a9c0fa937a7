"""Organisation and user management for the platform admin (系统管理员, Art. 2, 4; MLPS level 3).

Every page here answers 404 to anyone else (``admin_required``): for them the pages do not
exist. Every change goes through an action of accounts/actions.py, which checks the rules again,
records the ledger event and notifies; the views only turn ActionInvalid into form errors and
messages.
"""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionForbidden, ActionInvalid
from core.listing import paginate_sorted
from core.models import LedgerEvent

from . import actions
from .forms import (
    ApiTokenForm,
    GrantRoleForm,
    OrganisationForm,
    PasswordResetForm,
    ReasonForm,
    UserCreateForm,
    UserEditForm,
)
from .models import ApiToken, Membership, Organisation, User
from .roles import OrgKind, Role

RECENT_EVENTS = 20
NO_ROLE = "_none"


def is_platform_admin(user) -> bool:
    """The same test the actions apply (``actions.require_admin``)."""
    try:
        actions.require_admin(user)
    except ActionForbidden:
        return False
    return True


def admin_required(view):
    """Platform admins only. Anonymous users are sent to sign in; anyone else gets 404, and so
    does an action refusing the admin half-way (ActionForbidden)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_platform_admin(request.user):
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except ActionForbidden as exc:
            raise Http404 from exc

    return login_required(wrapper)


def _bound(request):
    return request.POST if request.method == "POST" else None


def _active_members_q(prefix: str = "") -> Q:
    """An organisation's members: active roles held by active accounts."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}user__is_active": True})


# -- organisations -----------------------------------------------------------------------------


@admin_required
def org_list(request):
    qs = Organisation.objects.select_related("district").annotate(
        member_count=Count(
            "memberships__user", filter=_active_members_q("memberships__"), distinct=True
        )
    )
    kind = request.GET.get("kind", "")
    if kind in OrgKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    members = request.GET.get("members", "")
    if members == "none":
        qs = qs.filter(member_count=0)
    else:
        members = ""
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "name": "name",
            "short": "short_name",
            "kind": "kind",
            "members": "member_count",
            "active": "is_active",
            "created": "created_at",
        },
        default_sort="name",
        search_fields=("name", "short_name", "credit_code", "division_code"),
    )
    ctx.update(kinds=OrgKind.choices, current_kind=kind, members_filter=members)
    return render(request, "accounts/manage/org_list.html", ctx)


@admin_required
def org_detail(request, pk: int):
    org = get_object_or_404(Organisation.objects.select_related("district"), pk=pk)
    memberships = (
        org.memberships.filter(is_active=True)
        .select_related("user", "granted_by")
        .order_by("role", "user__username")
    )
    context = {
        "org": org,
        "memberships": memberships,
        "events": LedgerEvent.objects.filter(organisation=org).select_related("organisation")[
            :RECENT_EVENTS
        ],
        "district_units": org.district_units.order_by("name")
        if org.kind == OrgKind.DISTRICT
        else None,
    }
    return render(request, "accounts/manage/org_detail.html", context)


@admin_required
def org_create(request):
    form = OrganisationForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            org = actions.create_organisation(acting_user=request.user, **form.cleaned_data)
        except ActionInvalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已创建组织“%(name)s”。") % {"name": org.name})
            return redirect("accounts:org_detail", pk=org.pk)
    return render(request, "accounts/manage/org_form.html", {"form": form, "org": None})


@admin_required
def org_edit(request, pk: int):
    org = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(_bound(request), instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            org = actions.update_organisation(org, acting_user=request.user, **form.cleaned_data)
        except ActionInvalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:org_detail", pk=org.pk)
    return render(request, "accounts/manage/org_form.html", {"form": form, "org": org})


# -- users -------------------------------------------------------------------------------------


def _has_active_role(**extra):
    return Exists(
        Membership.objects.filter(
            user=OuterRef("pk"), is_active=True, organisation__is_active=True, **extra
        )
    )


@admin_required
def user_list(request):
    qs = User.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(is_active=True)
            .select_related("organisation")
            .order_by("id"),
            to_attr="current_memberships",
        )
    )
    active = request.GET.get("active", "")
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    else:
        active = ""
    locked = request.GET.get("locked", "")
    if locked == "1":
        qs = qs.filter(locked_until__gt=timezone.now())
    else:
        locked = ""
    role = request.GET.get("role", "")
    if role in Role.values:
        qs = qs.filter(_has_active_role(role=role))
    elif role == NO_ROLE:
        qs = qs.filter(~_has_active_role())
    else:
        role = ""
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "username": "username",
            "name": "full_name",
            "active": "is_active",
            "locked": "locked_until",
            "last_login": "last_login",
            "joined": "date_joined",
        },
        default_sort="username",
        search_fields=("username", "full_name", "email", "phone"),
    )
    ctx.update(
        roles=Role.choices,
        no_role=NO_ROLE,
        current_active=active,
        current_locked=locked,
        current_role=role,
        now=timezone.now(),
    )
    return render(request, "accounts/manage/user_list.html", ctx)


def _user_page(request, user, *, grant_form=None, token_form=None):
    """The user's page; the inline forms come back bound when their POST failed."""
    if grant_form is None:
        initial = {}
        if request.GET.get("organisation", "").isdigit():
            initial["organisation"] = request.GET["organisation"]
        grant_form = GrantRoleForm(initial=initial, auto_id="grant_%s")
    context = {
        "person": user,
        "memberships": user.memberships.select_related("organisation", "granted_by").order_by(
            "-is_active", "organisation__name", "role"
        ),
        "tokens": user.api_tokens.select_related("created_by"),
        "events": LedgerEvent.objects.filter(
            object_type=User._meta.label_lower, object_id=str(user.pk)
        ).select_related("organisation")[:RECENT_EVENTS],
        "grant_form": grant_form,
        "token_form": token_form or ApiTokenForm(auto_id="token_%s"),
        "is_self": user.pk == request.user.pk,
        "now": timezone.now(),
    }
    return render(request, "accounts/manage/user_detail.html", context)


@admin_required
def user_detail(request, pk: int):
    return _user_page(request, get_object_or_404(User, pk=pk))


@admin_required
def user_create(request):
    initial = {}
    if request.GET.get("organisation", "").isdigit():
        initial["organisation"] = request.GET["organisation"]
    form = UserCreateForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Account and first role together: if the role does not fit, no account is left.
            with transaction.atomic():
                user = actions.create_user(
                    acting_user=request.user,
                    password=data["password"],
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                )
                if data["organisation"]:
                    actions.grant_role(
                        user, data["organisation"], data["role"], acting_user=request.user
                    )
        except ActionInvalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已创建用户“%(name)s”。") % {"name": user})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/manage/user_form.html", {"form": form, "person": None})


@admin_required
def user_edit(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    initial = {"full_name": user.full_name, "email": user.email, "phone": user.phone}
    form = UserEditForm(_bound(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_user(user, acting_user=request.user, **form.cleaned_data)
        except ActionInvalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/manage/user_form.html", {"form": form, "person": user})


@admin_required
@require_POST
def user_grant_role(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    form = GrantRoleForm(request.POST, auto_id="grant_%s")
    if form.is_valid():
        org, role = form.cleaned_data["organisation"], form.cleaned_data["role"]
        try:
            actions.grant_role(user, org, role, acting_user=request.user)
        except ActionInvalid as exc:
            form.add_action_errors(exc)
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已授予“%(org)s · %(role)s”角色。")
                % {"org": org.display_name, "role": Role(role).label},
            )
            return redirect("accounts:user_detail", pk=user.pk)
    else:
        messages.error(request, _("授予角色失败，请按提示修改。"))
    return _user_page(request, user, grant_form=form)


@admin_required
@require_POST
def user_revoke_role(request, pk: int, membership_pk: int):
    user = get_object_or_404(User, pk=pk)
    membership = get_object_or_404(Membership, pk=membership_pk, user=user)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤销角色须填写理由。"))
    else:
        try:
            actions.revoke_role(
                membership, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ActionInvalid as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已撤销“%(org)s · %(role)s”角色。")
                % {
                    "org": membership.organisation.display_name,
                    "role": membership.get_role_display(),
                },
            )
    return redirect("accounts:user_detail", pk=user.pk)


def _set_active(request, pk: int, *, active: bool):
    user = get_object_or_404(User, pk=pk)
    form = ReasonForm(request.POST, required=not active)
    if not form.is_valid():
        messages.error(request, _("停用账号须填写理由。"))
        return redirect("accounts:user_detail", pk=user.pk)
    try:
        actions.set_user_active(
            user, acting_user=request.user, active=active, reason=form.cleaned_data["reason"]
        )
    except ActionInvalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("账号已启用。") if active else _("账号已停用。"))
    return redirect("accounts:user_detail", pk=user.pk)


@admin_required
@require_POST
def user_deactivate(request, pk: int):
    return _set_active(request, pk, active=False)


@admin_required
@require_POST
def user_activate(request, pk: int):
    return _set_active(request, pk, active=True)


@admin_required
@require_POST
def user_unlock(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    actions.unlock_user(user, acting_user=request.user)
    messages.success(request, _("账号已解锁。"))
    return redirect("accounts:user_detail", pk=user.pk)


@admin_required
def user_reset_password(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.reset_password(
                user, acting_user=request.user, new_password=form.cleaned_data["password"]
            )
        except ActionInvalid as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("密码已重置，已通知该用户。"))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/manage/password_form.html", {"form": form, "person": user})


# -- API tokens --------------------------------------------------------------------------------


@admin_required
def token_create(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    form = ApiTokenForm(_bound(request), auto_id="token_%s")
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = actions.create_api_token(
                user,
                acting_user=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except ActionInvalid as exc:
            form.add_action_errors(exc)
        else:
            # The raw key exists only in this response: no redirect, no session, no cache.
            response = render(
                request,
                "accounts/manage/token_created.html",
                {"person": user, "token": token, "raw_token": raw},
            )
            add_never_cache_headers(response)
            return response
    return render(request, "accounts/manage/token_form.html", {"form": form, "person": user})


@admin_required
@require_POST
def token_revoke(request, pk: int, token_pk: int):
    user = get_object_or_404(User, pk=pk)
    token = get_object_or_404(ApiToken, pk=token_pk, user=user)
    actions.revoke_api_token(token, acting_user=request.user)
    messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("accounts:user_detail", pk=user.pk)
