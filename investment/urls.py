from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import navigation

from . import views

app_name = "investment"

urlpatterns = [
    # annual plan (Art. 10, 27, 37)
    path("plans/", views.plan_index, name="plans"),
    path("plans/open/", views.plan_open, name="plan_open"),
    path("plans/<int:year>/", views.plan_detail, name="plan"),
    path("plans/<int:year>/compile/", views.plan_compile, name="plan_compile"),
    path("plans/<int:year>/add/", views.plan_add, name="plan_add"),
    path("plans/<int:year>/publish/", views.plan_publish, name="plan_publish"),
    path("entries/<int:pk>/change/", views.entry_change, name="entry_change"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/export/", views.version_export, name="version_export"),
    # budgets and reconciliation (R10.2)
    path("budgets/", views.budget_list, name="budgets"),
    path("budgets/new/", views.budget_add, name="budget_add"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path(
        "reconciliation/<int:year>/export/",
        views.reconciliation_export,
        name="reconciliation_export",
    ),
    # Art. 11 (R11.1)
    path("art11/", views.art11_list, name="art11"),
    path("art11/new/", views.art11_create, name="art11_create"),
    path("art11/<int:pk>/", views.art11_detail, name="art11_detail"),
    path("art11/<int:pk>/<str:verb>/", views.art11_action, name="art11_action"),
    # a project's money: performance table, baseline, contracts, payments, changes
    path("projects/<int:pk>/", views.project_money, name="project"),
    path("projects/<int:pk>/performance/", views.performance_table, name="performance"),
    path("projects/<int:pk>/baseline/", views.baseline_form, name="baseline"),
    path("projects/<int:pk>/contracts/new/", views.contract_form, name="contract_add"),
    path("projects/<int:pk>/payments/new/", views.payment_form, name="payment_add"),
    path("projects/<int:pk>/changes/new/", views.change_form, name="change_add"),
    # change requests (R26.1)
    path("changes/", views.change_register, name="changes"),
    path("changes/export/", views.change_register_export, name="changes_export"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
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
