from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("项目审批")

    def ready(self) -> None:
        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the actions, offered on the project and framework pages
            machines,  # the lifecycles of projects, reviews, list versions and frameworks
            rules,  # the rules and gates of Art. 4, 8-14, 19, 20, 27
            todos,  # the to-do provider
        )
