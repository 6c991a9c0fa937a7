from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("目录、共享与运维经费")

    def ready(self):
        from . import (
            eligibility,  # noqa: F401  (registers the O&M rules of Art. 17, 18, 20, 28, 31-33)
            project_rules,  # noqa: F401  (gates of new and expansion projects, Art. 31-33)
            todos,  # noqa: F401  (registers the catalog to-do provider)
        )
