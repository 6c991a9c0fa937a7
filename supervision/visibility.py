"""Who sees which supervision record (Art. 34-38).

- DRC, Finance, BDB, Audit and the platform admin see everything: they supervise every unit;
- another authority sees what it issued (its requests and orders) and what was referred to it;
- a unit sees what concerns it — of the register only the entries a person confirmed (a
  proposal the platform made is not a finding until someone confirms it);
- every signed-in user sees the public criticisms (通报批评 are public notices).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.recipients import unit_ids_of
from accounts.scoping import sees_everything

from .authorities import READ_ALL_ROLES, desk_ids


def reads_all(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (sees_everything(user) or user.has_role(*READ_ALL_ROLES))
    )


def visible(qs: QuerySet, user: Any) -> QuerySet:
    """``qs`` restricted to what ``user`` may see."""
    from .models import (
        AuditFinding,
        Sanction,
        SanctionKind,
        SanctionState,
        ViolationEntry,
        ViolationState,
    )

    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if reads_all(user):
        return qs
    model = qs.model
    units = unit_ids_of(user)
    desks = desk_ids(user)
    unit_q = Q(unit_id__in=units)
    if model is ViolationEntry:
        unit_q &= Q(state__in=(ViolationState.CONFIRMED, ViolationState.CONCLUDED))
    condition = unit_q
    if desks and hasattr(model, "authority"):
        condition |= Q(authority_id__in=desks)
    if desks and model is AuditFinding:
        condition |= Q(referred_to_id__in=desks)
    if model is Sanction:
        condition |= Q(kind=SanctionKind.CRITICISM, state=SanctionState.IN_FORCE) & ~Q(
            project__is_classified=True
        )
    return qs.filter(condition)
