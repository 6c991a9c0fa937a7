from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation

from . import views

app_name = "delivery"

urlpatterns = [
    path("", views.delivery_list, name="list"),
    path("calendar/", views.calendar, name="calendar"),
    path("projects/<int:pk>/", views.project_delivery, name="project"),
    path("projects/<int:pk>/archive/", views.archive, name="archive"),
    path("projects/<int:pk>/<str:verb>/", views.project_act, name="act"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("incidents/<int:pk>/<str:verb>/", views.incident_act, name="incident_act"),
    path("acceptances/<int:pk>/decide/", views.acceptance_decide, name="acceptance_decide"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path(
        "post-evaluations/<int:pk>/submit/",
        views.post_evaluation_submit,
        name="post_evaluation_submit",
    ),
]

GROUP = _("建设与验收")
WATCHERS = [
    Role.UNIT_OFFICER,
    Role.UNIT_HEAD,
    Role.BDB_REVIEWER,
    Role.DRC_OFFICER,
    Role.FINANCE_OFFICER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
]
navigation.register(
    _("建设项目"), "delivery:list", roles=[*WATCHERS, Role.SUPERVISOR], order=40, group=GROUP
)
navigation.register(
    _("法定期限日历"),
    "delivery:calendar",
    roles=[*WATCHERS, Role.SUPERVISOR, Role.CONSULTANT],
    order=41,
    group=GROUP,
)
