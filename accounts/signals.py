"""Sign-in events go to the ledger (MLPS level 3: audit of security events)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver


def _ip(request) -> str:
    return (request.META.get("REMOTE_ADDR", "") if request is not None else "")[:45]


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    from .actions import record_login

    record_login(user, acting_user=user, ip=_ip(request))


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    from .actions import record_logout

    if user is not None:
        record_logout(user, acting_user=user, ip=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    from .actions import record_failed_login

    record_failed_login(str(credentials.get("username", "")), acting_user=None, ip=_ip(request))
