from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("建设与验收")

    def ready(self):
        from . import (
            rules,  # noqa: F401  (registers the rules and gates of Art. 16, 22-24, 28-30)
            todos,  # noqa: F401  (registers the delivery to-do provider)
        )
