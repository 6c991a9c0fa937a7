"""A person changes their own password (MLPS level 3 identity authentication: GB/T 22239-2019
8.1.4.1): the current one proves it is them, the new one passes Django's password validators
(``AUTH_PASSWORD_VALIDATORS``: length, three kinds of characters, not like the person, not a
common one) and differs from the current one. It ends a change owed after the admin's reset
or after the policy's ``password_max_age_days`` (``accounts.password_policy``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.enums import ActionCode
from core.ledger import record_event
from core.notify import notify

from ..contracts import PasswordChangeIn
from ..models import User
from ..password_policy import password_expired
from .base import check_password, invalid
from .second_factor import OnOwnAccount
from .users import PASSWORD_FIELDS


class ChangePassword(OnOwnAccount):
    """Change one's own password. The ledger records that it was changed and whether a change
    was owed, never any password."""

    label = L("修改登录密码")
    Input = PasswordChangeIn
    success = L("密码已修改。")

    def parse_for(self, obj: Any, user: Any, data: Any) -> PasswordChangeIn:
        clean: PasswordChangeIn = super().parse_for(obj, user, data)  # type: ignore[assignment]
        if not obj.check_password(clean.old_password):
            message = _("当前密码不正确。")
            raise invalid(message, {"old_password": message})
        if clean.password == clean.old_password:
            message = _("新密码不能与当前密码相同。")
            raise invalid(message, {"password": message})
        check_password(clean.password, obj)
        return clean

    def perform(self, obj: User, data: PasswordChangeIn, user: Any, decision: Any) -> User:
        owed = {"after_reset": obj.password_must_change, "expired": password_expired(obj)}
        obj.set_password(data.password)
        obj.password_changed_at = timezone.now()
        obj.password_must_change = False
        obj.save(update_fields=list(PASSWORD_FIELDS))
        record_event(
            ActionCode.PASSWORD_CHANGED,
            actor=user,
            obj=obj,
            organisation=obj.primary_organisation,
            data=owed,
        )
        notify(
            [obj],
            title=_("您的密码已修改"),
            body=_("如非本人操作，请立即联系系统管理员。"),
        )
        return obj


change_password = ChangePassword()
