from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation

from . import views

app_name = "evidence"
urlpatterns = [
    path("collection/", views.findings, name="findings"),
    path("collection/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("rolling-list/", views.rolling_list, name="rolling_list"),
    path("rolling-list/<int:pk>/", views.rolling_list, name="rolling_version"),
    path("rolling-list/<int:pk>/xlsx/", views.rolling_xlsx, name="rolling_xlsx"),
]

navigation.register(
    _("重复采集核查"),
    "evidence:findings",
    roles=[Role.UNIT_OFFICER, Role.UNIT_HEAD, Role.BDB_REVIEWER, Role.AUDITOR, Role.PLATFORM_ADMIN],
    order=45,
    group=_("数据资源"),
)
navigation.register(_("三年滚动项目清单"), "evidence:rolling_list", order=25, group=_("项目"))
