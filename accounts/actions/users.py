"""People's accounts: opened, edited, closed and reopened, their passwords reset and their
lockout lifted by the platform admin (MLPS level 3: GB/T 22239-2019 8.1.4.1)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.contracts import initial_of
from core.encrypted import masked
from core.enums import ActionCode
from core.errors import ActionInvalid
from core.ledger import record_event
from core.notify import notify

from ..contracts import (
    AccountActivateIn,
    AccountDeactivateIn,
    UserAccountIn,
    UserPasswordIn,
    UserProfileIn,
)
from ..models import User
from .base import (
    AccountAction,
    OnUser,
    active_organisations,
    check_password,
    invalid,
    org_choices,
    refuse_removing_last_admins,
    user_url,
)
from .roles import add_membership

PROFILE_FIELDS = ("full_name", "email", "phone")
#: what setting a password changes (``accounts.password_policy`` reads the last two)
PASSWORD_FIELDS = ("password", "password_changed_at", "password_must_change")


def _logged(name: str, value: Any) -> Any:
    """The value as the ledger keeps it: the telephone number masked (encrypted at rest)."""
    return masked(value) if name == "phone" and value else value


class CreateUser(AccountAction):
    """Open an account with its initial password and, optionally, its first role: both in
    one transaction, so a role that does not fit leaves no account behind."""

    label = L("新建用户")
    Input = UserAccountIn
    success = L("已创建用户。")

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        return {"organisation": org_choices(active_organisations())}

    def parse_for(self, obj: Any, user: Any, data: Any) -> UserAccountIn:
        clean: UserAccountIn = super().parse_for(obj, user, data)  # type: ignore[assignment]
        if User.objects.filter(username__iexact=clean.username).exists():
            raise invalid(_("登录名已被使用。"), {"username": _("登录名已被使用，请换一个。")})
        person = User(username=clean.username, full_name=clean.full_name, email=clean.email)
        check_password(clean.password, person)
        return clean

    def perform(self, obj: Any, data: UserAccountIn, user: Any, decision: Any) -> User:
        person = User(username=data.username, **{k: getattr(data, k) for k in PROFILE_FIELDS})
        person.set_password(data.password)
        person.password_changed_at = timezone.now()
        person.save()
        record_event(
            ActionCode.USER_CREATED,
            actor=user,
            obj=person,
            data={k: _logged(k, getattr(person, k)) for k in ("username", *PROFILE_FIELDS)},
        )
        if data.organisation:
            org = active_organisations().filter(pk=data.organisation).first()
            if org is None:
                raise invalid(_("请选择有效的组织。"), {"organisation": _("请选择有效的组织。")})
            add_membership(person, org, data.role, granted_by=user)
        return person

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已创建用户“%(name)s”。") % {"name": result}

    def next_url(self, obj: Any, result: Any) -> str:
        return user_url(result) if result is not None else reverse("accounts:user_list")


class UpdateUser(OnUser):
    """Change a person's name and contacts; the login name never changes."""

    label = L("编辑账号信息")
    Input = UserProfileIn
    partial = True
    success = L("已保存。")
    style = "outline-primary"

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return initial_of(UserProfileIn, obj)

    def perform(self, obj: User, data: UserProfileIn, user: Any, decision: Any) -> User:
        before = {k: getattr(obj, k) for k in PROFILE_FIELDS}
        for name in PROFILE_FIELDS:
            setattr(obj, name, getattr(data, name))
        obj.save(update_fields=list(PROFILE_FIELDS))
        changed = {
            k: [_logged(k, before[k]), _logged(k, getattr(obj, k))]
            for k in PROFILE_FIELDS
            if before[k] != getattr(obj, k)
        }
        record_event(ActionCode.USER_UPDATED, actor=user, obj=obj, data={"changed": changed})
        return obj


class ResetPassword(OnUser):
    """Set a new password; the lockout is lifted and the person is told (never the password).
    The admin knows it, so its owner must change it at the next sign-in before anything else
    (``accounts.password_policy``; MLPS level 3: GB/T 22239-2019 8.1.4.1)."""

    label = L("重置密码")
    Input = UserPasswordIn
    success = L("密码已重置，已通知该用户。")
    confirm = L(
        "重置后该用户须使用新密码登录，并在登录后立即修改密码；锁定状态一并解除。"
        "请通过安全渠道把新密码告知本人。"
    )
    style = "outline-warning"

    def __call__(self, *args: Any, acting_user: Any, **values: Any) -> Any:
        """``reset_password(user, acting_user=…, new_password=…)``."""
        if "new_password" in values:
            values.setdefault("password", values.pop("new_password"))
        return super().__call__(*args, acting_user=acting_user, **values)

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, User) and page_obj.pk != user.pk:
            yield page_obj

    def parse_for(self, obj: Any, user: Any, data: Any) -> UserPasswordIn:
        if obj.pk == user.pk:
            # one's own password is changed knowing the current one (accounts:password_change)
            raise ActionInvalid(_("不能重置自己的密码，请在“修改密码”中修改。"))
        clean: UserPasswordIn = super().parse_for(obj, user, data)  # type: ignore[assignment]
        check_password(clean.password, obj)
        return clean

    def perform(self, obj: User, data: UserPasswordIn, user: Any, decision: Any) -> User:
        obj.set_password(data.password)
        obj.password_changed_at = timezone.now()
        obj.password_must_change = True
        obj.failed_logins = 0
        obj.locked_until = None
        obj.save(update_fields=[*PASSWORD_FIELDS, "failed_logins", "locked_until"])
        record_event(ActionCode.PASSWORD_RESET, actor=user, obj=obj, data={"must_change": True})
        notify(
            [obj],
            title=_("您的密码已被安全管理员重置"),
            body=_("请使用新密码登录，登录后须先修改密码。"),
        )
        return obj


class UnlockUser(OnUser):
    """Lift the lockout after repeated failed sign-ins (offered while the account is locked)."""

    label = L("解锁账号")
    success = L("账号已解锁。")
    style = "outline-success"
    hint = L("该账号因连续登录失败被临时锁定。")

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, User) and page_obj.is_locked():
            yield page_obj

    def perform(self, obj: User, data: Any, user: Any, decision: Any) -> User:
        obj.failed_logins = 0
        obj.locked_until = None
        obj.save(update_fields=["failed_logins", "locked_until"])
        record_event(ActionCode.USER_UNLOCKED, actor=user, obj=obj)
        return obj


class DeactivateUser(OnUser):
    """Close (停用) an account: the person can no longer sign in nor use their tokens. Nobody
    closes their own account, and the last platform admin stays."""

    label = L("停用账号")
    Input = AccountDeactivateIn
    success = L("账号已停用。")
    confirm = L("停用后该用户将无法登录，其接口令牌也无法使用。")
    style = "outline-danger"

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, User) and page_obj.is_active and page_obj.pk != user.pk:
            yield page_obj

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        # whether it may be done at all comes before whether the reason is given
        if not obj.is_active:
            return None  # closed already: nothing to do, so nothing to ask
        if obj.pk == user.pk:
            raise ActionInvalid(_("不能停用自己的账号。"))
        refuse_removing_last_admins(obj)
        return super().parse_for(obj, user, data)

    def perform(self, obj: User, data: AccountDeactivateIn, user: Any, decision: Any) -> User:
        if data is None:
            return obj
        return _set_active(obj, False, data.reason, user)


class ActivateUser(OnUser):
    """Reopen a closed account (offered while it is closed)."""

    label = L("重新启用")
    Input = AccountActivateIn
    success = L("账号已启用。")
    style = "outline-success"

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, User) and not page_obj.is_active:
            yield page_obj

    def perform(self, obj: User, data: AccountActivateIn, user: Any, decision: Any) -> User:
        if obj.is_active:
            return obj
        return _set_active(obj, True, data.reason, user)


def _set_active(person: User, active: bool, reason: str, actor: Any) -> User:
    person.is_active = active
    person.save(update_fields=["is_active"])
    record_event(
        ActionCode.USER_ACTIVATED if active else ActionCode.USER_DEACTIVATED,
        actor=actor,
        obj=person,
        from_state=str(not active),
        to_state=str(active),
        reason=reason,
    )
    return person


create_user = CreateUser()
update_user = UpdateUser()
reset_password = ResetPassword()
unlock_user = UnlockUser()
deactivate_user = DeactivateUser()
activate_user = ActivateUser()


def set_user_active(user: Any, *, acting_user: Any, active: bool, reason: str = "") -> User:
    """Close or reopen an account (the two actions above, by ``active``)."""
    act = activate_user if active else deactivate_user
    result: User = act.execute(user, {"reason": reason}, acting_user=acting_user)
    return result
