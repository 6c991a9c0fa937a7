from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("重复建设与重复采集比对")

    def ready(self) -> None:
        from core.enums import register_event_words

        from .actions.base import EVENT_WORDS

        register_event_words(EVENT_WORDS)
        from core.actions import action_done

        from . import (  # noqa: F401  (each registers what it declares)
            actions,  # the profile, conclusion and determination actions
            machines,  # the lifecycle of a duplicate-collection finding
            panels,  # the evidence shown on project and system pages
            rules,  # R8.5 and R31.2 findings
        )
        from .indexing import on_action_done

        # after the projects chapter declared its gates (it comes first in INSTALLED_APPS)
        rules.join_gates()
        action_done.connect(on_action_done, dispatch_uid="evidence.index")
