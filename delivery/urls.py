from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation

from . import views

app_name = "delivery"

# Every action of the chapter is done from the "您现在可以办理" card of the project and delivery
# pages, which posts to ``/act/<action>/<pk>/`` (``core.views.act``).
urlpatterns = [
    path("", views.delivery_list, name="list"),
    path("calendar/", views.calendar, name="calendar"),
    path("projects/<int:pk>/", views.project_delivery, name="project"),
    path("projects/<int:pk>/archive/", views.archive, name="archive"),
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
