from django.urls import URLResolver, include, path, re_path

from core.api import unknown_api_path
from core.observability import healthz, metrics, readyz

from .api import api


def chapters(*apps: str) -> list[URLResolver]:
    """Each chapter's URLs under its own name (``/planning/…``)."""
    return [path(f"{app}/", include(f"{app}.urls")) for app in apps]


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("", include("core.urls")),
    *chapters("accounts", "policy", "planning", "documents", "projects", "investment"),
    *chapters("delivery", "catalog"),
    path("", include("reports.urls")),  # /reports/… and the public /open/…
    *chapters("supervision", "evidence"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    re_path(r"^api/", unknown_api_path),  # after the API: what it does not answer, in JSON
]
