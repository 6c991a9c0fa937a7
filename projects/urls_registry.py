"""URLs of the project list versions, cross-department frameworks, classified stubs and the
lifecycle table (included into ``projects.urls`` under the same namespace). Forms are action
pages (``core.urlpaths.action_path``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation
from core.urlpaths import action_path

from . import views_registry as views

urlpatterns = [
    path("lists/", views.project_lists, name="lists"),
    action_path("lists/publish/", "projects.publish_project_list", name="list_publish"),
    path("lists/<int:pk>/", views.list_version, name="list_version"),
    path("lists/<int:pk>/xlsx/", views.list_version_xlsx, name="list_version_xlsx"),
    path("frameworks/", views.frameworks, name="frameworks"),
    action_path("frameworks/new/", "projects.create_framework", name="framework_create"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    action_path("frameworks/<int:pk>/edit/", "projects.update_framework", name="framework_edit"),
    action_path(
        "frameworks/<int:pk>/participants/new/",
        "projects.set_framework_participant",
        name="framework_participant_add",
    ),
    path(
        "frameworks/<int:pk>/participants/<int:participant_pk>/edit/",
        views.framework_participant_edit,
        name="framework_participant_edit",
    ),
    action_path(
        "frameworks/<int:pk>/districts/new/",
        "projects.add_framework_district",
        name="framework_district_add",
    ),
    action_path(
        "frameworks/<int:pk>/submit/", "projects.submit_framework", name="framework_submit"
    ),
    action_path(
        "frameworks/<int:pk>/review/", "projects.review_framework", name="framework_review"
    ),
    path("classified-stubs/", views.stubs, name="stubs"),
    path("lifecycle/", views.lifecycle_table, name="lifecycle"),
]

GROUP = _("项目审批")
FRAMEWORK_ROLES = [
    Role.UNIT_OFFICER,
    Role.UNIT_HEAD,
    Role.BDB_REVIEWER,
    Role.DRC_OFFICER,
    Role.FINANCE_OFFICER,
    Role.GOV_APPROVER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
]
# Stubs are read by those who keep plan and budget totals (ClassifiedStub.objects.for_user).
STUB_ROLES = [
    Role.DRC_OFFICER,
    Role.FINANCE_OFFICER,
    Role.BDB_REVIEWER,
    Role.GOV_APPROVER,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
]
navigation.register(_("项目清单"), "projects:lists", order=22, group=GROUP)
navigation.register(
    _("跨部门项目框架方案"), "projects:frameworks", roles=FRAMEWORK_ROLES, order=23, group=GROUP
)
navigation.register(_("涉密项目存根"), "projects:stubs", roles=STUB_ROLES, order=24, group=GROUP)
navigation.register(_("审批流程"), "projects:lifecycle", order=25, group=GROUP)
