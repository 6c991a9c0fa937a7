from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from core.enums import register_event_words
        from core.machines import register_state_words

        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the directory's actions, offered on the admin's pages
            signals,  # login/logout/failure go to the ledger
        )
        from .events import SecurityEvent
        from .roles import Role

        register_event_words(SecurityEvent)  # the second factor, the per-address limit

        # a role granted or withdrawn, an account enabled or disabled, in the ledger's words
        register_state_words(
            "accounts.user", {**dict(Role.choices), "True": _("启用"), "False": _("停用")}
        )
