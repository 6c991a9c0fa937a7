from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("建设与验收")

    def ready(self) -> None:
        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the actions, offered on the project and delivery pages
            duties,  # the unit's statutory deadlines on those pages' cards
            machines,  # the lifecycles of deliveries, acceptances, extensions, incidents …
            rules,  # the rules and gates of Art. 16, 22-24, 28-30
            todos,  # the delivery to-do provider
        )
