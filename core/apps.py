from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from .observability import register_collectors

        register_collectors()
        from . import notifications  # noqa: F401  (the first sign-in's receiver)
