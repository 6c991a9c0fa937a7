"""Roles held in organisations (Art. 2, 4, 5, 9, 22, 34, 35): granted by the security
administrator to fit the organisation's kind, never to oneself and never joining two of the
three administrators' roles (``accounts.duties``); revoked with a reason; revoking keeps the
history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.enums import ActionCode
from core.ledger import record_event
from core.notify import notify

from ..contracts import RoleGrantIn, RoleRevokeIn
from ..duties import other_admin_roles
from ..models import Membership, Organisation, User
from ..roles import Role
from .base import (
    AccountAction,
    OnUser,
    active_organisations,
    invalid,
    org_choices,
    refuse_removing_last_admin,
    refuse_unfitting_role,
    user_url,
)


def add_membership(
    user: User, organisation: Organisation, role: str, *, granted_by: Any
) -> Membership:
    """Grant ``role`` in ``organisation`` (it must fit, and not be held already); one ledger
    event, and the person is told."""
    refuse_unfitting_role(organisation, role)
    if Membership.objects.filter(
        user=user, organisation=organisation, role=role, is_active=True
    ).exists():
        raise invalid(_("该用户已拥有此角色。"), {"role": _("已拥有此角色。")})
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, granted_by=granted_by
    )
    record_event(
        ActionCode.ROLE_GRANTED,
        actor=granted_by,
        obj=user,
        organisation=organisation,
        to_state=role,
        data={"membership": membership.pk, "role": role},
    )
    notify([user], title=f"您已被授予“{organisation.display_name} · {Role(role).label}”角色")
    user._memberships_cache = None
    return membership


class GrantRole(OnUser):
    """Give a person a role in an organisation; the role must fit the organisation's kind."""

    label = L("授予角色")
    Input = RoleGrantIn
    hint = L(
        "角色须与组织类型相符：建设单位和区县可授填报人、单位负责人；各主管部门只能授予本部门的审核角色。"
    )

    def __call__(self, *args: Any, acting_user: Any, **values: Any) -> Any:
        """``grant_role(user, organisation, role, acting_user=…)``."""
        user, *rest = args
        if rest:
            values.setdefault("organisation", rest[0])
        if len(rest) > 1:
            values.setdefault("role", rest[1])
        return self.execute(user, values, acting_user=acting_user)

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        return {"organisation": org_choices(active_organisations())}

    def targets(self, page_obj: Any, user: Any) -> Iterator[User]:
        if isinstance(page_obj, User) and page_obj.pk != user.pk:
            yield page_obj

    def perform(self, obj: User, data: RoleGrantIn, user: Any, decision: Any) -> Membership:
        if obj.pk == user.pk:
            raise invalid(
                _("不能给自己授予角色，请由另一位安全管理员办理（三权分立）。"),
                {"role": _("不能给自己授予角色。")},
            )
        joined = other_admin_roles(obj, data.role)
        if joined:
            message = _(
                "该用户已是%(held)s，不能再担任%(role)s：系统管理员、安全管理员和安全审计员"
                "须由不同人员担任（三权分立）。"
            ) % {"held": "、".join(joined), "role": Role(data.role).label}
            raise invalid(message, {"role": message})
        org = active_organisations().filter(pk=data.organisation).first()
        if org is None:
            raise invalid(_("请选择有效的组织。"), {"organisation": _("请选择有效的组织。")})
        return add_membership(obj, org, data.role, granted_by=user)

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已授予“%(label)s”角色。") % {"label": result.label}


class RevokeRole(AccountAction):
    """Revoke a role with a reason (kept in the ledger); the grant stays in the history. The
    last platform admin's role cannot be revoked."""

    label = L("撤销角色")
    model = Membership
    Input = RoleRevokeIn
    offered_on = "accounts.user"
    confirm = L("撤销后该人员立即失去此角色的权限。")
    style = "outline-danger"

    def targets(self, page_obj: Any, user: Any) -> Iterator[Membership]:
        if isinstance(page_obj, User):
            yield from page_obj.memberships.filter(is_active=True).select_related("organisation")

    def target_label(self, obj: Any) -> str:
        return str(obj.label)

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        if not obj.is_active:
            return None  # revoked already: nothing to do, so nothing to ask
        # the last system and security administrators' roles stay whatever the reason
        if obj.role in (Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN):
            refuse_removing_last_admin(obj.user, obj.role)
        return super().parse_for(obj, user, data)

    def perform(self, obj: Membership, data: RoleRevokeIn, user: Any, decision: Any) -> Membership:
        if not obj.is_active:
            return obj
        obj.is_active = False
        obj.revoked_at = timezone.now()
        obj.save(update_fields=["is_active", "revoked_at"])
        record_event(
            ActionCode.ROLE_REVOKED,
            actor=user,
            obj=obj.user,
            organisation=obj.organisation,
            from_state=obj.role,
            reason=data.reason,
            data={"membership": obj.pk, "role": obj.role},
        )
        return obj

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已撤销“%(label)s”角色。") % {"label": result.label}

    def next_url(self, obj: Any, result: Any) -> str:
        return user_url(obj.user)


grant_role = GrantRole()
revoke_role = RevokeRole()
