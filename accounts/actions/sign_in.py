"""Sign-in, sign-out and refused sign-ins, recorded for the security audit, and the lockout
after repeated failures (MLPS level 3: GB/T 22239-2019 8.1.4.1).

These are taken by the authentication machinery only (``accounts.signals``, inside
``recorded_sign_in``): a person cannot record a sign-in, nor count failures against someone
else's account, through the action API or the action page.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as L

from core.enums import ActionCode
from core.ledger import record_event

from ..contracts import SignInFailureIn, SignInIn
from ..models import User
from .base import AccountAction

_FROM_AUTH = contextvars.ContextVar("govit_sign_in", default=False)


@contextlib.contextmanager
def recorded_sign_in() -> Iterator[None]:
    """The authentication signals record through the actions below inside this block."""
    token = _FROM_AUTH.set(True)
    try:
        yield
    finally:
        _FROM_AUTH.reset(token)


class SignInAction(AccountAction):
    """Base of the sign-in records: permitted only to the authentication machinery."""

    roles = ()

    def permitted(self, obj: Any, user: Any) -> bool:
        return _FROM_AUTH.get()


class OnOwnAccount(SignInAction):
    model = User
    Input = SignInIn

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        # a person without any role yet still signs in: no scope applies to their own account
        return User.objects.get(pk=getattr(ref, "pk", ref))


class RecordLogin(OnOwnAccount):
    """A successful sign-in: the failure count starts again."""

    label = L("登录")
    lock = False

    def perform(self, obj: User, data: SignInIn, user: Any, decision: Any) -> None:
        User.objects.filter(pk=obj.pk).update(failed_logins=0, locked_until=None)
        _record(ActionCode.LOGIN, obj, data.ip, actor=obj)


class RecordLogout(OnOwnAccount):
    """A sign-out."""

    label = L("退出")
    lock = False

    def perform(self, obj: User, data: SignInIn, user: Any, decision: Any) -> None:
        _record(ActionCode.LOGOUT, obj, data.ip, actor=obj)


class RecordFailedLogin(SignInAction):
    """A refused sign-in: counted against the account named, which is locked for a while
    after ``GOVIT_LOGIN_MAX_FAILURES`` failures in a row. A name that is nobody's is
    recorded too."""

    label = L("登录失败")
    Input = SignInFailureIn

    def __call__(self, *args: Any, acting_user: Any = None, **values: Any) -> Any:
        """``record_failed_login(username, acting_user=None, ip=…)``."""
        if args:
            values.setdefault("username", args[0])
        return self.execute(None, values, acting_user=acting_user)

    def perform(self, obj: Any, data: SignInFailureIn, user: Any, decision: Any) -> None:
        name = data.username[:150]
        person = User.objects.select_for_update().filter(username__iexact=name).first()
        if person is None:
            record_event(
                ActionCode.LOGIN_FAILED,
                object_type="accounts.user",
                object_repr=name,
                data={"username": name, "ip": data.ip},
            )
            return
        person.failed_logins += 1
        fields = ["failed_logins"]
        locked_now = (
            person.failed_logins >= settings.GOVIT_LOGIN_MAX_FAILURES and not person.is_locked()
        )
        if locked_now:
            minutes = settings.GOVIT_LOGIN_LOCK_MINUTES
            person.locked_until = timezone.now() + timedelta(minutes=minutes)
            fields.append("locked_until")
        person.save(update_fields=fields)
        _record(
            ActionCode.LOGIN_FAILED, person, data.ip, username=name, failures=person.failed_logins
        )
        if locked_now:
            record_event(
                ActionCode.ACCOUNT_LOCKED,
                obj=person,
                organisation=person.primary_organisation,
                data={"until": person.locked_until, "failures": person.failed_logins},
            )


def _record(code: ActionCode, person: User, ip: str, *, actor: Any = None, **extra: Any) -> None:
    record_event(
        code,
        actor=actor,
        obj=person,
        organisation=person.primary_organisation,
        data={**extra, "ip": ip} if extra else {"ip": ip},
    )


record_login = RecordLogin()
record_logout = RecordLogout()
record_failed_login = RecordFailedLogin()
