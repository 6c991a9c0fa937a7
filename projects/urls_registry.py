"""URLs of the project list versions, cross-department frameworks, classified stubs and the
lifecycle table (included into ``projects.urls`` under the same namespace). Forms are action
pages (``core.views.action_page``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation
from core.views import action_page

from . import views_registry as views

urlpatterns = [
    path("lists/", views.project_lists, name="lists"),
    path("lists/publish/", action_page("projects.publish_project_list"), name="list_publish"),
    path("lists/<int:pk>/", views.list_version, name="list_version"),
    path("lists/<int:pk>/xlsx/", views.list_version_xlsx, name="list_version_xlsx"),
    path("frameworks/", views.frameworks, name="frameworks"),
    path("frameworks/new/", action_page("projects.create_framework"), name="framework_create"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path(
        "frameworks/<int:pk>/edit/",
        action_page("projects.update_framework"),
        name="framework_edit",
    ),
    path(
        "frameworks/<int:pk>/participants/new/",
        action_page("projects.set_framework_participant"),
        name="framework_participant_add",
    ),
    path(
        "frameworks/<int:pk>/participants/<int:participant_pk>/edit/",
        views.framework_participant_edit,
        name="framework_participant_edit",
    ),
    path(
        "frameworks/<int:pk>/districts/new/",
        action_page("projects.add_framework_district"),
        name="framework_district_add",
    ),
    path(
        "frameworks/<int:pk>/submit/",
        action_page("projects.submit_framework"),
        name="framework_submit",
    ),
    path(
        "frameworks/<int:pk>/review/",
        action_page("projects.review_framework"),
        name="framework_review",
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
