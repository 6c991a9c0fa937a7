from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation
from core.urlpaths import action_path

from . import views

app_name = "planning"
urlpatterns = [
    path("city-plans/", views.city_plan_list, name="city_plans"),
    action_path("city-plans/new/", "planning.create_city_plan", name="city_plan_create"),
    path("city-plans/<int:pk>/", views.city_plan_detail, name="city_plan_detail"),
    action_path(
        "city-plan-versions/<int:pk>/edit/",
        "planning.update_city_plan",
        name="city_plan_version_edit",
    ),
    path("master-plans/", views.master_plan_list, name="master_plans"),
    action_path("master-plans/new/", "planning.create_master_plan", name="master_plan_create"),
    path("master-plans/<int:pk>/", views.master_plan_detail, name="master_plan_detail"),
    action_path(
        "master-plans/<int:pk>/edit/", "planning.update_master_plan", name="master_plan_edit"
    ),
    action_path(
        "master-plans/<int:pk>/items/new/", "planning.add_master_plan_item", name="item_add"
    ),
    action_path("items/<int:pk>/edit/", "planning.change_master_plan_item", name="item_edit"),
    path("data-governance/", views.data_governance, name="data_governance"),
    action_path(
        "data-governance/new/", "planning.record_data_governance", name="data_governance_record"
    ),
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
