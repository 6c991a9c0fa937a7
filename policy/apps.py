from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("政策与规则")

    def ready(self) -> None:
        from django.core import checks

        from core import ledger

        from . import rules  # noqa: F401  (registers the rules of this app)
        from .lookup import code_in_force

        # every change of state in the ledger names the policy version in force (core asks)
        ledger.policy_version_in_force = code_in_force
        from .checks import check_machines, check_refusals_cite, check_rule_registry

        checks.register(check_rule_registry, "govit")
        checks.register(check_machines, "govit")
        checks.register(check_refusals_cite, "govit")
