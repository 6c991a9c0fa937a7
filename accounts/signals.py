"""Sign-in events go to the ledger (MLPS level 3: audit of security events), through the
sign-in actions, which only this machinery may take (``recorded_sign_in``)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver


def _ip(request: Any) -> str:
    from .throttle import client_ip

    return client_ip(request)


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from .actions import record_login, recorded_sign_in

    with recorded_sign_in():
        record_login(user, acting_user=user, ip=_ip(request))


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from .actions import record_logout, recorded_sign_in

    if user is not None:
        with recorded_sign_in():
            record_logout(user, acting_user=user, ip=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    from .actions import record_failed_login, recorded_sign_in

    with recorded_sign_in():
        record_failed_login(str(credentials.get("username", "")), ip=_ip(request))
