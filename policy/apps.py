from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("政策与规则")

    def ready(self) -> None:
        from django.core import checks

        from . import rules  # noqa: F401  (registers the rules of this app)
        from .checks import check_machines, check_refusals_cite, check_rule_registry

        checks.register(check_rule_registry, "govit")
        checks.register(check_machines, "govit")
        checks.register(check_refusals_cite, "govit")
