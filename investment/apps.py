from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = _("投资计划与资金")

    def ready(self):
        from . import rules  # noqa: F401  (registers the rules and gates of Art. 10, 11, 25, 26)
