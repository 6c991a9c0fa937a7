from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("目录、共享与运维经费")

    def ready(self) -> None:
        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the actions, offered on the chapter's pages
            eligibility,  # the O&M rules of Art. 17, 18, 20, 28, 31-33 and their gate
            jobs,  # the spreadsheet imports, done in the background
            machines,  # the lifecycles of isolation approvals, sharing requests and O&M runs
            project_rules,  # the gates of new and expansion projects, Art. 31-33
            todos,  # the catalog to-do provider
        )

        project_rules.join_gates()  # after the projects chapter declared its gates
        from django.utils.translation import gettext_lazy as _

        from core.machines import register_state_words

        register_state_words(
            "catalog.informationsystem",
            {"catalogued": _("已纳入总目录"), "excluded": _("未纳入总目录")},
        )
