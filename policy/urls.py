from django.urls import path
from django.utils.translation import gettext_lazy as _

from core import navigation

from . import views

app_name = "policy"
urlpatterns = [
    path("rules/", views.rule_list, name="rules"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<uuid:pk>/", views.decision_detail, name="decision"),
    path("versions/", views.policy_list, name="policies"),
    path("approval-path/", views.approval_path, name="approval_path"),
    path("lifecycles/", views.lifecycles, name="lifecycles"),
    path("measures/", views.measures, name="measures"),
]

navigation.register(_("审批路径测算"), "policy:approval_path", order=70, group=_("政策与规则"))
navigation.register(_("规则与条款"), "policy:rules", order=80, group=_("政策与规则"))
navigation.register(_("管理办法原文"), "policy:measures", order=78, group=_("政策与规则"))
navigation.register(_("办理流程"), "policy:lifecycles", order=79, group=_("政策与规则"))
navigation.register(_("规则决定"), "policy:decisions", order=81, group=_("政策与规则"))
navigation.register(_("政策版本"), "policy:policies", order=82, group=_("政策与规则"))
