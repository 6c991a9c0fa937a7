"""The second factor (MLPS level 3: GB/T 22239-2019 8.1.4.1 d): a person enrols their own
authenticator app and receives ten recovery codes, passes the second step of a sign-in with
a code of either, and has it removed by a platform admin when the phone is lost — never by
themselves through the admin's desk (``accounts.second_factor`` says who must have one).

There is no separate security administrator role on the platform: the reset is the platform
admin's, like the password reset and the unlock, and it cannot be done to one's own account.
"""

from __future__ import annotations

import time
from binascii import Error as BinasciiError
from binascii import unhexlify
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django_otp import match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.notify import notify

from ..contracts import SecondFactorEnrolIn, SecondFactorResetIn, SecondFactorVerifyIn
from ..events import SecurityEvent
from ..models import User
from .base import AccountAction, OnUser, invalid
from .sign_in import _record, count_against

RECOVERY_CODES = 10


class OnOwnAccount(AccountAction):
    """What a person does to their own second factor, whatever their role."""

    roles = ()
    model = User
    lock = True

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        pk = getattr(ref, "pk", ref)
        if not getattr(user, "is_authenticated", False) or pk != user.pk:
            raise ActionForbidden()
        qs = User.objects.select_for_update() if lock else User.objects
        return qs.get(pk=pk)

    def permitted(self, obj: Any, user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False) and obj.pk == user.pk)


def _totp(key: str) -> TOTP:
    totp = TOTP(unhexlify(key.encode()), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return totp


class EnrolSecondFactor(OnOwnAccount):
    """Add an authenticator app (its key, shown as a QR code and as text on the enrolment
    page) once it shows a right code; ten new recovery codes are made and returned to be shown
    once. Enrolling again replaces the app and the codes."""

    label = L("启用双因素认证")
    Input = SecondFactorEnrolIn

    def parse_for(self, obj: Any, user: Any, data: Any) -> SecondFactorEnrolIn:
        clean: SecondFactorEnrolIn = super().parse_for(obj, user, data)  # type: ignore[assignment]
        try:
            totp = _totp(clean.key)
            right = clean.token.isdigit() and totp.verify(int(clean.token), tolerance=1)
        except (BinasciiError, ValueError) as exc:
            raise invalid(_("密钥无效，请刷新页面重新开始。"), {"key": _("密钥无效。")}) from exc
        if not right:
            message = _("动态口令不正确，请核对手机时间后输入认证器当前显示的 6 位数字。")
            raise invalid(message, {"token": message})
        return clean

    def perform(
        self, obj: User, data: SecondFactorEnrolIn, user: Any, decision: Any
    ) -> tuple[TOTPDevice, list[str]]:
        replaced = _remove_devices(obj)
        device = TOTPDevice.objects.create(
            user=obj, name=str(_("认证器应用")), key=data.key, confirmed=True
        )
        device.last_t = _totp(data.key).t()  # the code just shown cannot be used again
        device.save(update_fields=["last_t"])
        recovery = StaticDevice.objects.create(user=obj, name=str(_("恢复码")), confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
        record_event(
            SecurityEvent.SECOND_FACTOR_ENROLLED,
            actor=user,
            obj=obj,
            organisation=obj.primary_organisation,
            data={"recovery_codes": RECOVERY_CODES, "replaced": replaced},
        )
        notify(
            [obj],
            title=_("您的账号已启用双因素认证"),
            body=_("如非本人操作，请立即联系系统管理员。"),
        )
        return device, codes


class VerifySecondFactor(OnOwnAccount):
    """The second step of a sign-in: a code of the authenticator app, or a recovery code
    (which is then used up). Returns the device that accepted it, or None: a wrong code is
    recorded and counted against the account like a wrong password (the account locks at
    ``GOVIT_LOGIN_MAX_FAILURES``), so it is an answer, not a refusal rolled back."""

    label = L("双因素认证")
    Input = SecondFactorVerifyIn

    def perform(self, obj: User, data: SecondFactorVerifyIn, user: Any, decision: Any) -> Any:
        token = data.token.replace(" ", "").lower()
        device = match_token(obj, token) if token else None
        if device is None:
            count_against(obj, data.ip, SecurityEvent.SECOND_FACTOR_FAILED)
            return None
        User.objects.filter(pk=obj.pk).update(failed_logins=0, locked_until=None)
        extra: dict[str, Any] = {"method": "totp"}
        if isinstance(device, StaticDevice):
            extra = {"method": "recovery_code", "recovery_codes_left": device.token_set.count()}
        _record(SecurityEvent.SECOND_FACTOR_VERIFIED, obj, data.ip, actor=obj, **extra)
        return device


class ResetSecondFactor(OnUser):
    """Remove a person's authenticator app and recovery codes (a lost phone): at their next
    sign-in they enrol again. Not one's own: another admin must do it."""

    label = L("重置双因素认证")
    Input = SecondFactorResetIn
    success = L("已重置双因素认证，已通知该用户。")
    confirm = L("重置后该用户下次登录时须重新绑定认证器应用。请先通过可靠渠道核实本人身份。")
    style = "outline-warning"

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, User) and page_obj.pk != user.pk and _has_devices(page_obj):
            yield page_obj

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        if obj.pk == user.pk:
            raise ActionInvalid(_("不能重置自己的双因素认证，请由另一位安全管理员办理。"))
        if not _has_devices(obj):
            raise ActionInvalid(_("该用户尚未启用双因素认证，无需重置。"))
        return super().parse_for(obj, user, data)

    def perform(self, obj: User, data: SecondFactorResetIn, user: Any, decision: Any) -> User:
        _remove_devices(obj)
        record_event(
            SecurityEvent.SECOND_FACTOR_RESET,
            actor=user,
            obj=obj,
            organisation=obj.primary_organisation,
            reason=data.reason,
        )
        notify(
            [obj],
            title=_("您的双因素认证已被系统管理员重置"),
            body=_("下次登录时请重新绑定认证器应用，并妥善保存新的恢复码。"),
        )
        return obj


def _has_devices(person: User) -> bool:
    return bool(
        TOTPDevice.objects.filter(user=person).exists()
        or StaticDevice.objects.filter(user=person).exists()
    )


def _remove_devices(person: User) -> bool:
    """Delete the person's authenticator and recovery codes; whether there were any."""
    removed = TOTPDevice.objects.filter(user=person).delete()[0]
    removed += StaticDevice.objects.filter(user=person).delete()[0]
    return bool(removed)


enrol_second_factor = EnrolSecondFactor()
verify_second_factor = VerifySecondFactor()
reset_second_factor = ResetSecondFactor()
