"""Every change of the directory, one action each: organisations (``organisations``), people's
accounts (``users``), one's own password (``passwords``), roles (``roles``), API tokens
(``tokens``), the second factor (``second_factor``) and the sign-in records with the lockout
(``sign_in``). Only the platform admin manages the directory; the sign-in records are taken by
the authentication machinery."""

from ..visibility import is_platform_admin
from .organisations import create_organisation, update_organisation
from .passwords import change_password
from .roles import grant_role, revoke_role
from .second_factor import enrol_second_factor, reset_second_factor, verify_second_factor
from .sign_in import record_failed_login, record_login, record_logout, recorded_sign_in
from .tokens import create_api_token, revoke_api_token
from .users import (
    activate_user,
    create_user,
    deactivate_user,
    reset_password,
    set_user_active,
    unlock_user,
    update_user,
)

__all__ = [
    "activate_user",
    "change_password",
    "create_api_token",
    "create_organisation",
    "create_user",
    "deactivate_user",
    "enrol_second_factor",
    "grant_role",
    "is_platform_admin",
    "record_failed_login",
    "record_login",
    "record_logout",
    "recorded_sign_in",
    "reset_password",
    "reset_second_factor",
    "revoke_api_token",
    "revoke_role",
    "set_user_active",
    "unlock_user",
    "update_organisation",
    "update_user",
    "verify_second_factor",
]
