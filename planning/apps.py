from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("规划管理")

    def ready(self):
        from . import (
            rules,  # noqa: F401  (registers the rules and gates of Art. 6, 7)
            todos,  # noqa: F401  (registers the planning to-do provider)
        )
