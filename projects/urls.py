from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation
from core.urlpaths import action_path

from . import views
from .urls_registry import urlpatterns as registry_urlpatterns

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export/", views.project_list_export, name="list_xlsx"),
    action_path("new/", "projects.create_project", name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    action_path("<int:pk>/edit/", "projects.update_project", name="edit"),
    *registry_urlpatterns,
]

# Everyone who may see a project (projects.visibility): units, the reviewing and approving
# authorities, consultants, Audit, the admin; 市公安局 sees projects a step was copied to him on.
PROJECT_ROLES = [
    Role.UNIT_OFFICER,
    Role.UNIT_HEAD,
    Role.BDB_REVIEWER,
    Role.DRC_OFFICER,
    Role.FINANCE_OFFICER,
    Role.CAC_REVIEWER,
    Role.PSB_REVIEWER,
    Role.CRYPTO_REVIEWER,
    Role.SECRECY_REVIEWER,
    Role.GOV_APPROVER,
    Role.CONSULTANT,
    Role.AUDITOR,
    Role.PLATFORM_ADMIN,
]
GROUP = _("项目审批")
navigation.register(_("项目"), "projects:list", roles=PROJECT_ROLES, order=20, group=GROUP)
navigation.register(
    _("新建项目需求"),
    "projects:create",
    roles=[Role.UNIT_OFFICER, Role.UNIT_HEAD],
    order=21,
    group=GROUP,
)
