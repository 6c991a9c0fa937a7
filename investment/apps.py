from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = _("投资计划与资金")

    def ready(self):
        from . import rules, todos  # noqa: F401  (register rules, gates and to-dos)
