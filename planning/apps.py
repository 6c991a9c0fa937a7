from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("规划管理")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from core.machines import register_state_words

        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the actions, offered on the chapter's pages
            machines,  # the lifecycles of city-plan versions and master-plan revisions
            rules,  # the rules and gates of Art. 6, 7
            todos,  # the planning to-do provider
        )

        register_state_words(
            "planning.datagovernancerecord",
            {"complete": _("已完成"), "incomplete": _("未完成")},
        )
        register_state_words("planning.masterplanrevision", {"received": _("已确认收到")})
