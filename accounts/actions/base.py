"""What the accounts actions share: only the platform admin takes them, and an input error is
reported field by field (Art. 2, 4; MLPS level 3).

The platform admin operates the directory and makes no business decision (REQUIREMENTS.md,
"Who uses it"). Its safeguards (the last admin stays, nobody closes their own account, a role
fits its organisation) are refusals of what was asked, answered as ``ActionInvalid`` with the
reason: REQUIREMENTS.md gives them no requirement id to cite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import ActionInvalid
from policy.gates import GatedAction

from ..duties import duty_of, holds_duty
from ..models import Membership, Organisation, User
from ..roles import Role, roles_allowed_for


class AccountAction(GatedAction):
    """Base of the accounts chapter's actions: each is the duty of one of the three
    administrators (``accounts.duties``: the system administrator keeps the directory, the
    security administrator roles and credentials)."""

    roles: ClassVar[tuple[str, ...]] = (Role.PLATFORM_ADMIN,)

    #: permission is a duty (or one's own account), not a role (``Action.may_be_offered_to``)
    role_first = False

    def permitted(self, obj: Any, user: Any) -> bool:
        return holds_duty(user, duty_of(self.name)) and self.allowed(obj, user)

    def organisation_of(self, obj: Any) -> Any:
        return None


class OnUser(AccountAction):
    """An action on a person, offered on their page in the admin's directory."""

    model = User
    offered_on = "accounts.user"

    def next_url(self, obj: Any, result: Any) -> str:
        return user_url(obj)


def user_url(user: Any) -> str:
    return reverse("accounts:user_detail", args=[user.pk])


def org_url(org: Any) -> str:
    return reverse("accounts:org_detail", args=[org.pk])


def invalid(message: str, errors: Mapping[str, Any]) -> ActionInvalid:
    return ActionInvalid(message, {k: str(v) for k, v in errors.items()})


def check_password(password: str, user: User) -> None:
    """Django's password validators (length, complexity, similarity to the person)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        message = _("密码不符合要求。")
        raise invalid(message, {"password": message + " ".join(exc.messages)}) from exc


def refuse_unfitting_role(organisation: Organisation, role: str) -> None:
    """A role must fit its organisation: units and districts have officers and heads, each
    authority its own desk (Art. 2, 4, 5)."""
    allowed = roles_allowed_for(organisation)
    if role not in allowed:
        names = "、".join(str(Role(r).label) for r in sorted(allowed)) or _("无")
        raise invalid(
            _("“%(org)s”的人员不能担任“%(role)s”，可授予的角色：%(names)s。")
            % {"org": organisation.name, "role": Role(role).label, "names": names},
            {"role": _("角色与组织类型不符。")},
        )


def refuse_removing_last_admin(user: User, role: str = Role.PLATFORM_ADMIN) -> None:
    """Keep at least one active system and one security administrator, or nobody can manage
    the directory, or grant a role."""
    others = (
        Membership.objects.filter(role=role, is_active=True, user__is_active=True)
        .exclude(user=user)
        .exists()
    )
    if not others:
        raise ActionInvalid(
            _("这是最后一个%(role)s账号，不能撤销或停用；请先为其他人员授予%(role)s角色。")
            % {"role": Role(role).label}
        )


def refuse_removing_last_admins(user: User) -> None:
    """Closing an account that is the last system or security administrator is refused."""
    for role in (Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN):
        if user.has_role(role):
            refuse_removing_last_admin(user, role)


def org_choices(queryset: Any) -> list[tuple[int, str]]:
    """“市教委 · 可授：填报人、单位负责人”: the grant form says which roles fit."""
    choices = []
    for org in queryset:
        allowed = roles_allowed_for(org)
        names = "、".join(str(label) for value, label in Role.choices if value in allowed)
        choices.append((org.pk, f"{org.name} · {_('可授')}：{names or '—'}"))
    return choices


def active_organisations() -> Any:
    return Organisation.objects.filter(is_active=True).order_by("kind", "name")
