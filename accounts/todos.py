"""The platform admin's to-dos: accounts without a role, locked accounts, and units or
authorities nobody can sign in for yet. Nothing for anyone else.

Each is a view of the directory's own filter sets, and its summary item links to the list
filtered the same way."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.todos import Todo, provider

from .duties import holds_duty
from .filters import NO_ROLE, OrganisationFilter, UserFilter
from .models import Organisation, User
from .roles import OrgKind, Role

# Per kind of to-do; beyond this one summary item links to the filtered list.
LIMIT = 10


def _capped(
    rows: QuerySet[Any],
    todo: Callable[[Any], Todo],
    more: str,
    list_url: str,
    query: Mapping[str, str],
    category: str,
) -> list[Todo]:
    """A to-do per row, the first ``LIMIT`` of them, then one that links to the filtered list."""
    first = list(rows[:LIMIT])
    items = [todo(row) for row in first]
    total = rows.count() if len(first) == LIMIT else len(first)
    if total > len(items):
        url = f"{reverse(list_url)}?{urlencode(query)}"
        items.append(Todo(title=more % {"count": total - len(items)}, url=url, category=category))
    return items


def _users_without_role(category: str) -> list[Todo]:
    query = {"active": "1", "role": NO_ROLE}
    users = UserFilter(query, queryset=User.objects.filter(is_superuser=False)).qs

    def todo(u: User) -> Todo:
        return Todo(
            title=_("为 %(name)s 分配角色") % {"name": u},
            url=reverse("accounts:user_detail", args=[u.pk]) + "#roles",
            category=category,
            detail=_("账号 %(username)s 已启用但没有任何角色，登录后无法办理业务。")
            % {"username": u.username},
        )

    return _capped(
        users.order_by("username"),
        todo,
        _("另有 %(count)s 个账号尚未分配角色"),
        "accounts:user_list",
        query,
        category,
    )


def _locked_users(category: str) -> list[Todo]:
    query = {"locked": "1"}
    users = UserFilter(query, queryset=User.objects.all()).qs

    def todo(u: User) -> Todo:
        until = timezone.localtime(u.locked_until).strftime("%Y-%m-%d %H:%M")
        return Todo(
            title=_("解锁 %(name)s") % {"name": u},
            url=reverse("accounts:user_detail", args=[u.pk]),
            category=category,
            detail=_("连续登录失败 %(count)s 次，锁定至 %(until)s。")
            % {"count": u.failed_logins, "until": until},
        )

    return _capped(
        users.order_by("locked_until", "username"),
        todo,
        _("另有 %(count)s 个账号被锁定"),
        "accounts:user_list",
        query,
        category,
    )


def _organisations_without_accounts(category: str) -> list[Todo]:
    query = {"members": "none"}
    units_and_authorities = Organisation.objects.filter(
        is_active=True, kind__in=[OrgKind.UNIT, OrgKind.AUTHORITY]
    )
    orgs = OrganisationFilter(query, queryset=units_and_authorities).qs

    def todo(o: Organisation) -> Todo:
        return Todo(
            title=_("为 %(name)s 开通账号") % {"name": o.display_name},
            url=reverse("accounts:user_create") + f"?organisation={o.pk}",
            category=category,
            detail=_("%(name)s 尚无可登录的人员。") % {"name": o.name},
        )

    return _capped(
        orgs.order_by("kind", "name"),
        todo,
        _("另有 %(count)s 个组织尚未开通账号"),
        "accounts:org_list",
        query,
        category,
    )


@provider
def admin_todos(user: Any) -> list[Todo]:
    category = _("组织与人员")
    todos: list[Todo] = []
    if holds_duty(user, Role.SECURITY_ADMIN):  # roles and lockouts are the security duty
        todos += [*_users_without_role(category), *_locked_users(category)]
    if holds_duty(user, Role.PLATFORM_ADMIN):
        todos += _organisations_without_accounts(category)
    return todos
