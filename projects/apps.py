from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("项目审批")

    def ready(self):
        from . import (
            rules,  # noqa: F401  (registers the rules and gates of Art. 8-14, 19, 20, 27)
            todos,  # noqa: F401  (registers the to-do provider)
        )
