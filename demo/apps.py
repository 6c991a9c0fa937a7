from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city (``seed_demo``) and the one-command development server (``serve``)."""

    name = "demo"
    verbose_name = _("演示数据")
