from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("文件材料")

    def ready(self) -> None:
        from . import actions  # noqa: F401  (the actions, offered on a document's page)
