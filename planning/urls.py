from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation

from . import views

app_name = "planning"
urlpatterns = [
    path("city-plans/", views.city_plan_list, name="city_plans"),
    path("city-plans/new/", views.city_plan_create, name="city_plan_create"),
    path("city-plans/<int:pk>/", views.city_plan_detail, name="city_plan_detail"),
    path("city-plans/<int:pk>/reassess/", views.city_plan_reassess, name="city_plan_reassess"),
    path(
        "city-plan-versions/<int:pk>/edit/",
        views.city_plan_version_edit,
        name="city_plan_version_edit",
    ),
    path(
        "city-plan-versions/<int:pk>/<str:verb>/",
        views.city_plan_version_action,
        name="city_plan_version_action",
    ),
    path("master-plans/", views.master_plan_list, name="master_plans"),
    path("master-plans/new/", views.master_plan_create, name="master_plan_create"),
    path("master-plans/<int:pk>/", views.master_plan_detail, name="master_plan_detail"),
    path("master-plans/<int:pk>/edit/", views.master_plan_edit, name="master_plan_edit"),
    path("master-plans/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("master-plans/<int:pk>/file/", views.master_plan_file, name="master_plan_file"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("filings/<int:pk>/confirm/", views.filing_confirm, name="filing_confirm"),
    path("data-governance/", views.data_governance, name="data_governance"),
]

PLAN_ROLES = [
    Role.UNIT_OFFICER,
    Role.UNIT_HEAD,
    Role.BDB_REVIEWER,
    Role.DRC_OFFICER,
    Role.CAC_REVIEWER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
]
navigation.register(
    _("规划管理"), "planning:master_plans", roles=PLAN_ROLES, order=10, group=_("规划")
)
navigation.register(_("市级建设规划"), "planning:city_plans", order=11, group=_("规划"))
navigation.register(
    _("数据治理登记"),
    "planning:data_governance",
    roles=[Role.UNIT_OFFICER, Role.UNIT_HEAD, Role.BDB_REVIEWER, Role.AUDITOR, Role.PLATFORM_ADMIN],
    order=12,
    group=_("规划"),
)
