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
from ..events import SecurityEvent
from ..models import User
from ..second_factor import is_enrolled, required_by_role
from ..throttle import count_failure
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
        if not (required_by_role(obj) or is_enrolled(obj)):
            # one who owes a second step starts again only when it is passed
            # (``verify_second_factor``): a known password alone does not buy more guesses
            User.objects.filter(pk=obj.pk).update(failed_logins=0, locked_until=None)
        _record(ActionCode.LOGIN, obj, data.ip, actor=obj)


class RecordLogout(OnOwnAccount):
    """A sign-out."""

    label = L("退出")
    lock = False

    def perform(self, obj: User, data: SignInIn, user: Any, decision: Any) -> None:
        _record(ActionCode.LOGOUT, obj, data.ip, actor=obj)


class RecordFailedLogin(SignInAction):
    """A refused sign-in: counted against the source address (``accounts.throttle``) and
    against the account named, which is locked for a while after
    ``GOVIT_LOGIN_MAX_FAILURES`` failures in a row. A name that is nobody's is counted against
    the address only: the ledger gets one event when the address is blocked, not one row per
    guessed name."""

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
        address, blocked_now = count_failure(data.ip, known=person is not None)
        if blocked_now and address is not None:
            record_event(
                SecurityEvent.ADDRESS_THROTTLED,
                object_type="accounts.signinaddress",
                object_repr=address.ip,
                data={
                    "ip": address.ip,
                    "failures": address.failures,
                    "unknown_names": address.unknown_names,
                    "until": address.blocked_until,
                },
            )
        if person is not None:
            count_against(person, data.ip, ActionCode.LOGIN_FAILED, username=name)


def count_against(person: User, ip: str, code: str, **extra: Any) -> None:
    """One more failure in a row against ``person`` (a wrong password, or a wrong second-step
    code), recorded as ``code``; the account locks at ``GOVIT_LOGIN_MAX_FAILURES``."""
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
    _record(code, person, ip, **extra, failures=person.failed_logins)
    if locked_now:
        record_event(
            ActionCode.ACCOUNT_LOCKED,
            obj=person,
            organisation=person.primary_organisation,
            data={"until": person.locked_until, "failures": person.failed_logins},
        )


def _record(code: str, person: User, ip: str, *, actor: Any = None, **extra: Any) -> None:
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
