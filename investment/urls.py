from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation
from core.urlpaths import action_path

from .views import money, plan, project

app_name = "investment"

urlpatterns = [
    # annual plan (Art. 10, 27, 37)
    path("plans/", plan.plan_index, name="plans"),
    action_path("plans/open/", "investment.open_plan_version", name="plan_open"),
    path("plans/<int:year>/", plan.plan_detail, name="plan"),
    path("versions/<int:pk>/", plan.version_detail, name="version"),
    path("versions/<int:pk>/export/", plan.version_export, name="version_export"),
    # budgets and reconciliation (R10.2)
    path("budgets/", money.budget_list, name="budgets"),
    path("budgets/new/", money.pick_project("investment.add_budget_line"), name="budget_add"),
    path("reconciliation/", money.reconciliation, name="reconciliation"),
    path(
        "reconciliation/<int:year>/export/",
        money.reconciliation_export,
        name="reconciliation_export",
    ),
    # Art. 11 (R11.1)
    path("art11/", money.art11_list, name="art11"),
    path("art11/new/", money.pick_project("investment.initiate_art11"), name="art11_create"),
    path("art11/<int:pk>/", money.art11_detail, name="art11_detail"),
    # a project's money: performance table, baseline, contracts, payments, changes
    path("projects/<int:pk>/", project.project_money, name="project"),
    path("projects/<int:pk>/performance/", project.performance_table, name="performance"),
    path("projects/<int:pk>/baseline/", project.baseline_form, name="baseline"),
    action_path(
        "projects/<int:pk>/contracts/new/", "investment.record_contract", name="contract_add"
    ),
    path("projects/<int:pk>/changes/new/", project.change_form, name="change_add"),
    # change requests (R26.1)
    path("changes/", project.change_register, name="changes"),
    path("changes/export/", project.change_register_export, name="changes_export"),
    path("changes/<int:pk>/", project.change_detail, name="change_detail"),
]

GROUP = _("投资与资金")
AUTHORITIES = [Role.DRC_OFFICER, Role.FINANCE_OFFICER, Role.BDB_REVIEWER]
READERS = [Role.AUDITOR, Role.PLATFORM_ADMIN]
navigation.register(
    _("年度投资计划"),
    "investment:plans",
    roles=[*AUTHORITIES, Role.GOV_APPROVER, *READERS],
    order=30,
    group=GROUP,
)
navigation.register(
    _("预算"), "investment:budgets", roles=[Role.FINANCE_OFFICER, *READERS], order=31, group=GROUP
)
navigation.register(
    _("预算与计划对账"),
    "investment:reconciliation",
    roles=[Role.FINANCE_OFFICER, Role.DRC_OFFICER, *READERS],
    order=32,
    group=GROUP,
)
navigation.register(
    _("第十一条事项"), "investment:art11", roles=[*AUTHORITIES, *READERS], order=33, group=GROUP
)
navigation.register(
    _("项目调整登记簿"),
    "investment:changes",
    roles=[*AUTHORITIES, *READERS],
    order=34,
    group=GROUP,
)
