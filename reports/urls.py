from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation

from . import public, views
from .dashboards import FAMILIES

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/projects/", views.projects, name="projects"),
    path("reports/projects.xlsx", views.projects_xlsx, name="projects_xlsx"),
    path("reports/reviews/", views.reviews, name="reviews"),
    path("reports/documents/<int:pk>.pdf", views.document_pdf, name="document_pdf"),
    # one address per role family's dashboard (named for the navigation) …
    *[
        path(f"reports/{key}/", views.dashboard, {"family": key}, name=f"dashboard_{key}")
        for key in FAMILIES
    ],
    # … and the same pages by key
    path("reports/<str:family>/", views.dashboard, name="dashboard"),
    path("reports/<str:family>.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    # the public transparency page: no sign-in
    path("open/", public.open_page, name="open"),
    path("open/projects.csv", public.open_csv, name="open_csv"),
    path("open/projects.xlsx", public.open_xlsx, name="open_xlsx"),
]

GROUP = _("数据看板")
for order, family in enumerate(FAMILIES.values(), start=80):
    navigation.register(
        family.title,
        f"reports:dashboard_{family.key}",
        roles=[*family.roles, Role.PLATFORM_ADMIN],
        order=order,
        group=GROUP,
    )
navigation.register(
    _("项目总览"),
    "reports:projects",
    roles=[
        Role.GOV_APPROVER,
        Role.BDB_REVIEWER,
        Role.DRC_OFFICER,
        Role.FINANCE_OFFICER,
        Role.AUDITOR,
        Role.UNIT_OFFICER,
        Role.UNIT_HEAD,
        Role.PLATFORM_ADMIN,
    ],
    order=87,
    group=GROUP,
)
