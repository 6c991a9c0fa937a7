"""Who sees everything, and which organisations a user belongs to: the two facts every scope
is built from. They read only the user's roles (``accounts.roles``), so the models' querysets
and ``accounts.scoping`` both import this module without importing each other."""

from __future__ import annotations

from typing import Any

from .roles import Role

EVERYTHING_READERS = frozenset({Role.PLATFORM_ADMIN, Role.AUDITOR})


def sees_everything(user: Any) -> bool:
    """Audit reads everything (Art. 36); the platform admin operates everything."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.has_role(*EVERYTHING_READERS))
    )


def sees_all_accounts(user: Any) -> bool:
    """Who reads every account and role grant: those who see everything, and the security
    and audit administrators, whose duty is accounts (三权分立) but not the business."""
    return sees_everything(user) or bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
    )


def visible_organisation_ids(user: Any) -> set[int]:
    """The organisations the user holds an active role in."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in user.active_memberships()}


def is_platform_admin(user: Any) -> bool:
    """The platform admin (系统管理员) manages organisations, people, roles and tokens; a
    superuser counts as one so that a fresh installation can be set up."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.has_role(Role.PLATFORM_ADMIN))
    )
