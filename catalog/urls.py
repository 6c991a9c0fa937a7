from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from accounts.roles import Role
from core import navigation
from core.urlpaths import action_path

from . import views

app_name = "catalog"
urlpatterns = [
    # the README and people type /catalog/: the master catalog is the chapter's first page
    path("", RedirectView.as_view(pattern_name="catalog:systems"), name="home"),
    path("systems/", views.system_list, name="systems"),
    action_path("systems/new/", "catalog.register_system", name="system_create"),
    path("systems/import/", views.system_import, name="system_import"),
    path("systems/export/", views.system_export, name="system_export"),
    path("systems/<int:pk>/", views.system_detail, name="system_detail"),
    action_path("systems/<int:pk>/edit/", "catalog.update_system", name="system_edit"),
    action_path("systems/<int:pk>/curate/", "catalog.curate_system", name="system_curate"),
    action_path("systems/<int:pk>/isolation/", "catalog.review_isolation", name="system_isolation"),
    path("resources/", views.resource_list, name="resources"),
    action_path("resources/new/", "catalog.create_resource", name="resource_create"),
    path("resources/import/", views.resource_import, name="resource_import"),
    path("resources/export/", views.resource_export, name="resource_export"),
    path("resources/<int:pk>/", views.resource_detail, name="resource_detail"),
    action_path("resources/<int:pk>/edit/", "catalog.update_resource", name="resource_edit"),
    action_path("resources/<int:pk>/request/", "catalog.request_sharing", name="resource_request"),
    path("sharing/mine/", views.sharing_mine, name="sharing_mine"),
    path("sharing/incoming/", views.sharing_incoming, name="sharing_incoming"),
    path("sharing/all/", views.sharing_all, name="sharing_all"),
    path("sharing/<int:pk>/", views.sharing_detail, name="sharing_detail"),
    action_path("sharing/<int:pk>/answer/", "catalog.answer_sharing", name="sharing_answer"),
    action_path(
        "sharing/<int:pk>/feedback/", "catalog.report_sharing_usage", name="sharing_feedback"
    ),
    path("om-decisions/", views.om_list, name="om_list"),
    action_path("om-decisions/run/", "catalog.decide_om_funding", name="om_run"),
    path("om-decisions/export/", views.om_export, name="om_export"),
    path("om-decisions/<int:pk>/", views.om_detail, name="om_detail"),
]

GROUP = _("目录与运维")
UNIT_STAFF = [Role.UNIT_OFFICER, Role.UNIT_HEAD]
READERS = [
    Role.BDB_REVIEWER,
    Role.DRC_OFFICER,
    Role.FINANCE_OFFICER,
    Role.GOV_APPROVER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
]
navigation.register(
    _("政务信息系统总目录"), "catalog:systems", roles=UNIT_STAFF + READERS, order=60, group=GROUP
)
navigation.register(_("数据资源目录"), "catalog:resources", order=61, group=GROUP)
navigation.register(
    _("我的共享申请"), "catalog:sharing_mine", roles=UNIT_STAFF, order=62, group=GROUP
)
navigation.register(
    _("待我答复的共享申请"), "catalog:sharing_incoming", roles=UNIT_STAFF, order=63, group=GROUP
)
navigation.register(_("共享申请总览"), "catalog:sharing_all", roles=READERS, order=64, group=GROUP)
navigation.register(
    _("运维经费决定"), "catalog:om_list", roles=UNIT_STAFF + READERS, order=65, group=GROUP
)
