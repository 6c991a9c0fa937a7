from django.urls import include, path, re_path

from core.api import unknown_api_path
from core.observability import healthz, metrics, readyz

from .api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("policy/", include("policy.urls")),
    path("planning/", include("planning.urls")),
    path("documents/", include("documents.urls")),
    path("projects/", include("projects.urls")),
    path("investment/", include("investment.urls")),
    path("delivery/", include("delivery.urls")),
    path("catalog/", include("catalog.urls")),
    path("", include("reports.urls")),
    path("supervision/", include("supervision.urls")),
    path("evidence/", include("evidence.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    re_path(r"^api/", unknown_api_path),  # after the API: what it does not answer, in JSON
]
