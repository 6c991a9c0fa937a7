"""Who a user is for the chapters, and who is told: one place for the lookups every chapter
uses (a unit's staff, an authority's reviewers, a consultant's experts), so that permissions
and notifications agree everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import User
from .roles import UNIT_ROLES, Authority, Role

UNIT_STAFF_ROLES = (Role.UNIT_OFFICER, Role.UNIT_HEAD)

# The role through which each authority's officers act on its desk.
AUTHORITY_ROLE: dict[str, Role] = {  # by Authority code (TextChoices are str)
    Authority.BDB: Role.BDB_REVIEWER,
    Authority.DRC: Role.DRC_OFFICER,
    Authority.FINANCE: Role.FINANCE_OFFICER,
    Authority.CAC: Role.CAC_REVIEWER,
    Authority.CRYPTO: Role.CRYPTO_REVIEWER,
    Authority.SECRECY: Role.SECRECY_REVIEWER,
    Authority.PSB: Role.PSB_REVIEWER,
    Authority.AUDIT: Role.AUDITOR,
    Authority.GOV: Role.GOV_APPROVER,
}


# -- who the user is ---------------------------------------------------------------------------


def unit_ids_of(user: Any) -> set[int]:
    """The units whose staff (填报人 or 负责人) the user is."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in user.active_memberships() if m.role in UNIT_ROLES}


def is_unit_staff(user: Any, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in unit_ids_of(user)


def authorities_of(user: Any) -> set[str]:
    """The authorities on whose desk the user acts (Audit reads but does not act)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {
        m.organisation.authority
        for m in user.active_memberships()
        if m.organisation.authority and m.role != Role.AUDITOR
    }


def org_ids_with_role(user: Any, role: str) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in user.active_memberships() if m.role == role}


def consultant_org_ids(user: Any) -> set[int]:
    return org_ids_with_role(user, Role.CONSULTANT)


def supervisor_org_ids(user: Any) -> set[int]:
    return org_ids_with_role(user, Role.SUPERVISOR)


# -- who is told ---------------------------------------------------------------------------------


def _active(qs: Any) -> list[User]:
    return list(qs.filter(is_active=True, memberships__is_active=True).distinct())


def users_with_roles(*roles: str, authorities: Iterable[str] | None = None) -> list[User]:
    """Active users holding one of ``roles`` in an active organisation (of ``authorities``)."""
    qs = User.objects.filter(memberships__role__in=roles, memberships__organisation__is_active=True)
    if authorities:
        qs = qs.filter(memberships__organisation__authority__in=list(authorities))
    return _active(qs)


def unit_staff(unit_id: Any) -> list[User]:
    """The 填报人 and 负责人 of a unit."""
    unit_id = getattr(unit_id, "pk", unit_id)
    return _active(
        User.objects.filter(
            memberships__organisation_id=unit_id, memberships__role__in=UNIT_STAFF_ROLES
        )
    )


def reviewers_of(authority: str) -> list[User]:
    """The officers of an authority's desk (BDB reviewers, DRC officers, …)."""
    role = AUTHORITY_ROLE.get(authority)
    if role is None:
        return []
    return _active(
        User.objects.filter(
            memberships__role=role,
            memberships__organisation__authority=authority,
            memberships__organisation__is_active=True,
        )
    )


def members_of(org_id: Any, role: str) -> list[User]:
    """The people of one organisation holding ``role`` (a consultant's experts, a
    supervisor's engineers)."""
    org_id = getattr(org_id, "pk", org_id)
    return _active(User.objects.filter(memberships__organisation_id=org_id, memberships__role=role))


def experts_of(consultant_id: Any) -> list[User]:
    return members_of(consultant_id, Role.CONSULTANT)


def engineers_of(supervisor_id: Any) -> list[User]:
    return members_of(supervisor_id, Role.SUPERVISOR)
