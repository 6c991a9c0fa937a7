from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("政策与规则")

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_delete, post_migrate, post_save

        from core import ledger

        from . import rules  # noqa: F401  (registers the rules of this app)
        from .lookup import code_in_force, forget_policies
        from .models import PolicyParameter, PolicyVersion

        # the process keeps the versions it read (policy.lookup): a change here forgets them
        for model in (PolicyVersion, PolicyParameter):
            post_save.connect(forget_policies, sender=model, dispatch_uid=f"forget-{model}")
            post_delete.connect(forget_policies, sender=model, dispatch_uid=f"forget-d-{model}")
        post_migrate.connect(forget_policies, dispatch_uid="forget-policies-migrate")

        # every change of state in the ledger names the policy version in force (core asks)
        ledger.policy_version_in_force = code_in_force
        from .checks import check_machines, check_refusals_cite, check_rule_registry

        checks.register(check_rule_registry, "govit")
        checks.register(check_machines, "govit")
        checks.register(check_refusals_cite, "govit")
