"""三权分立: the platform is administered by three people who cannot do one another's work
(MLPS 2.0 level 3, GB/T 22239-2019 8.1.4.2 and 8.1.5.4: separate system, security and audit
administrators, each with the least privilege of their duty).

- The **system administrator** (系统管理员) keeps the directory: organisations and accounts.
- The **security administrator** (安全管理员) keeps who may do what and how they sign in:
  roles, passwords reset, lockouts, second factors, tokens revoked.
- The **audit administrator** (安全审计员) reads the audit ledger and the security log and
  changes nothing.

Nobody holds two of the three roles, nobody grants a role to themselves, and nobody acts as
another person (there is no "sign in as"; API tokens are made by their holder only). Each
administrative act is an action, with its ledger event. The installation's superuser counts
as system and security administrator until the three are appointed, so that a fresh platform
can be set up; the production guide says to retire it then.
"""

from __future__ import annotations

from typing import Any

from .roles import ADMIN_ROLES, Role

SYSTEM, SECURITY, AUDIT = Role.PLATFORM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN

#: which administrator does each administrative action
DUTIES: dict[str, str] = {
    "accounts.create_organisation": SYSTEM,
    "accounts.update_organisation": SYSTEM,
    "accounts.create_user": SYSTEM,
    "accounts.update_user": SYSTEM,
    "accounts.deactivate_user": SYSTEM,
    "accounts.activate_user": SYSTEM,
    "accounts.grant_role": SECURITY,
    "accounts.revoke_role": SECURITY,
    "accounts.reset_password": SECURITY,
    "accounts.unlock_user": SECURITY,
    "accounts.reset_second_factor": SECURITY,
    "accounts.revoke_api_token": SECURITY,
}


def duty_of(action_name: str) -> str:
    """The administrator who does ``action_name`` (the system administrator by default)."""
    return DUTIES.get(action_name, SYSTEM)


def holds_duty(user: Any, role: str) -> bool:
    """Whether ``user`` acts as the administrator ``role``."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and role in (SYSTEM, SECURITY):
        return True  # the installation account, until the administrators are appointed
    return bool(user.has_role(role))


def administers(user: Any) -> bool:
    """Whether ``user`` is the system or the security administrator (the directory pages)."""
    return holds_duty(user, SYSTEM) or holds_duty(user, SECURITY)


def other_admin_roles(user: Any, role: str) -> list[str]:
    """The administrator roles ``user`` holds besides ``role`` (which would join two duties)."""
    if role not in ADMIN_ROLES:
        return []
    held = {m.role for m in user.active_memberships()}
    return sorted(str(Role(r).label) for r in held & ADMIN_ROLES if r != role)
