from django.urls import path
from django.utils.translation import gettext_lazy as _

from core import navigation
from core.urlpaths import action_path

from . import (
    manage_views,
    password_views,
    second_factor_views,
    security_log,
    token_views,
    views,
)
from . import todos as _todos  # noqa: F401  (registers the admin's to-do provider)
from .roles import Role

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # one's own password (accounts/password_policy.py holds whoever owes a change here)
    path("password/", password_views.change, name="password_change"),
    path("security-log/", security_log.security_log, name="security_log"),
    path("tokens/", token_views.my_tokens, name="my_tokens"),
    # the second factor (accounts/second_factor.py): enrol, the second step, recovery codes
    path("second-factor/enrol/", second_factor_views.enrol, name="second_factor_enrol"),
    path("second-factor/verify/", second_factor_views.verify, name="second_factor_verify"),
    path("second-factor/codes/", second_factor_views.codes, name="second_factor_codes"),
    # organisation and user management (platform admin only; 404 for everyone else)
    path("manage/organisations/", manage_views.org_list, name="org_list"),
    action_path("manage/organisations/new/", "accounts.create_organisation", name="org_create"),
    path("manage/organisations/<int:pk>/", manage_views.org_detail, name="org_detail"),
    action_path(
        "manage/organisations/<int:pk>/edit/", "accounts.update_organisation", name="org_edit"
    ),
    path("manage/users/", manage_views.user_list, name="user_list"),
    path("manage/users/new/", manage_views.user_create, name="user_create"),
    path("manage/users/<int:pk>/", manage_views.user_detail, name="user_detail"),
    action_path("manage/users/<int:pk>/edit/", "accounts.update_user", name="user_edit"),
    action_path(
        "manage/users/<int:pk>/roles/grant/", "accounts.grant_role", name="user_grant_role"
    ),
    path(
        "manage/users/<int:pk>/roles/<int:membership_pk>/revoke/",
        manage_views.user_revoke_role,
        name="user_revoke_role",
    ),
    action_path(
        "manage/users/<int:pk>/deactivate/", "accounts.deactivate_user", name="user_deactivate"
    ),
    action_path("manage/users/<int:pk>/activate/", "accounts.activate_user", name="user_activate"),
    action_path("manage/users/<int:pk>/unlock/", "accounts.unlock_user", name="user_unlock"),
    action_path(
        "manage/users/<int:pk>/password/", "accounts.reset_password", name="user_reset_password"
    ),
    action_path(
        "manage/users/<int:pk>/second-factor/reset/",
        "accounts.reset_second_factor",
        name="user_reset_second_factor",
    ),
    path(
        "manage/users/<int:pk>/tokens/<int:token_pk>/revoke/",
        manage_views.token_revoke,
        name="token_revoke",
    ),
]

navigation.register(
    _("组织管理"), "accounts:org_list", roles=[Role.PLATFORM_ADMIN], order=85, group=_("系统管理")
)
navigation.register(
    _("用户管理"),
    "accounts:user_list",
    roles=[Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN],
    order=86,
    group=_("系统管理"),
)
navigation.register(
    _("审计日志"),
    "core:ledger",
    roles=[Role.PLATFORM_ADMIN, Role.AUDITOR, Role.AUDIT_ADMIN],
    order=90,
)
navigation.register(
    _("安全日志"), "accounts:security_log", roles=[Role.AUDIT_ADMIN, Role.AUDITOR], order=91
)
