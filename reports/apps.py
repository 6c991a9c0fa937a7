from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("报表与公开")

    def ready(self) -> None:
        from . import (  # noqa: F401  (each registers what it declares)
            builders,  # the issuers of the five official documents (after documents)
            documents,  # the official documents: generated on the acts, verified on /verify/
            factors,  # the health factors (cost, schedule, reporting, compliance)
            jobs,  # the O&M notices of a run, generated in the background
            panels,  # the health and official-document panels of the project page
        )
        from .figures import watch

        watch()  # the dashboards' stored figures go stale with the records they read

        if apps.is_installed("supervision"):
            # requests, orders, sanctions and audit findings in the rating, the chart, /open/
            from . import supervision_links  # noqa: F401
