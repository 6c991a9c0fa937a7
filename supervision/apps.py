from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("监督管理")

    def ready(self) -> None:
        from core.enums import register_event_words

        from .models.base import SupervisionEvent

        register_event_words(SupervisionEvent)
        from core import calendar

        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the actions, offered on the chapter's pages and on others'
            duties,  # deadlines and sanctions on the project, unit and system pages
            effects,  # the guards through which sanctions stop other chapters' actions
            machines,  # the lifecycles of requests, orders, sanctions, audit findings, entries
            panels,  # the supervision panel of the project and system pages
            rules,  # the rules and gates of Art. 34-38
            todos,  # the supervision to-do provider
        )
        from .deadlines import calendar_items

        calendar.register(calendar_items)  # requests and orders on the deadline calendar
