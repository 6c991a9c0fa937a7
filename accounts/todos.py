"""The platform admin's to-dos: accounts without a role, locked accounts, and units or
authorities nobody can sign in for yet. Nothing for anyone else."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.todos import Todo, provider

from .models import Membership, Organisation, User
from .roles import OrgKind
from .visibility import is_platform_admin

# Per kind of to-do; beyond this one summary item links to the filtered list.
LIMIT = 10


def _capped(items, total, more_title, more_url, category):
    if total > len(items):
        items.append(
            Todo(
                title=more_title % {"count": total - len(items)},
                url=more_url,
                category=category,
            )
        )
    return items


def _users_without_role(category) -> list[Todo]:
    has_role = Exists(
        Membership.objects.filter(user=OuterRef("pk"), is_active=True, organisation__is_active=True)
    )
    qs = User.objects.filter(is_active=True, is_superuser=False).filter(~has_role)
    users = list(qs.order_by("username")[:LIMIT])
    items = [
        Todo(
            title=_("为 %(name)s 分配角色") % {"name": u},
            url=reverse("accounts:user_detail", args=[u.pk]) + "#roles",
            category=category,
            detail=_("账号 %(username)s 已启用但没有任何角色，登录后无法办理业务。")
            % {"username": u.username},
        )
        for u in users
    ]
    return _capped(
        items,
        qs.count() if len(users) == LIMIT else len(users),
        _("另有 %(count)s 个账号尚未分配角色"),
        reverse("accounts:user_list") + "?active=1&role=_none",
        category,
    )


def _locked_users(category) -> list[Todo]:
    now = timezone.now()
    qs = User.objects.filter(locked_until__gt=now)
    users = list(qs.order_by("locked_until", "username")[:LIMIT])
    items = [
        Todo(
            title=_("解锁 %(name)s") % {"name": u},
            url=reverse("accounts:user_detail", args=[u.pk]),
            category=category,
            detail=_("连续登录失败 %(count)s 次，锁定至 %(until)s。")
            % {
                "count": u.failed_logins,
                "until": timezone.localtime(u.locked_until).strftime("%Y-%m-%d %H:%M"),
            },
        )
        for u in users
    ]
    return _capped(
        items,
        qs.count() if len(users) == LIMIT else len(users),
        _("另有 %(count)s 个账号被锁定"),
        reverse("accounts:user_list") + "?locked=1",
        category,
    )


def _organisations_without_accounts(category) -> list[Todo]:
    has_member = Exists(
        Membership.objects.filter(organisation=OuterRef("pk"), is_active=True, user__is_active=True)
    )
    qs = Organisation.objects.filter(
        is_active=True, kind__in=[OrgKind.UNIT, OrgKind.AUTHORITY]
    ).filter(~has_member)
    orgs = list(qs.order_by("kind", "name")[:LIMIT])
    items = [
        Todo(
            title=_("为 %(name)s 开通账号") % {"name": o.display_name},
            url=reverse("accounts:user_create") + f"?organisation={o.pk}",
            category=category,
            detail=_("%(name)s 尚无可登录的人员。") % {"name": o.name},
        )
        for o in orgs
    ]
    return _capped(
        items,
        qs.count() if len(orgs) == LIMIT else len(orgs),
        _("另有 %(count)s 个组织尚未开通账号"),
        reverse("accounts:org_list") + "?members=none",
        category,
    )


@provider
def admin_todos(user) -> list[Todo]:
    if not is_platform_admin(user):
        return []
    category = _("组织与人员")
    return [
        *_users_without_role(category),
        *_locked_users(category),
        *_organisations_without_accounts(category),
    ]
