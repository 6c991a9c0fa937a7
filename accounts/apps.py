from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the directory's actions, offered on the admin's pages
            signals,  # login/logout/failure go to the ledger
        )
