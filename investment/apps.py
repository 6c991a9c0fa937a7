from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "investment"
    verbose_name = _("投资计划与资金")

    def ready(self) -> None:
        from policy.replay import register_aggregate

        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the actions, offered on the chapter's and the projects' pages
            machines,  # the lifecycles of plan versions, Art. 11 requests and changes
            rules,  # the rules and gates of Art. 10, 11, 25, 26
            todos,  # the investment to-do provider
        )
        from .eligibility import COMPILE_GATE, reasons_of, replay_compilation

        # a plan compilation's decision is evaluated again from its candidates' facts
        register_aggregate(COMPILE_GATE, replay_compilation, reasons_of)
