"""One place that decides what a user may see. Every list, detail, API endpoint and export
goes through ``for_user``/``get_visible_or_404``; missing and forbidden both answer 404.

Who sees everything and which organisations a user belongs to live in
``accounts.visibility``, which the models use too: this module depends on the models, never
the other way round."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.scoping import for_user, get_visible_or_404

from .models import Organisation
from .roles import Role
from .visibility import EVERYTHING_READERS, sees_everything, visible_organisation_ids

__all__ = [
    "ACT_FOR_ANY_UNIT",
    "EVERYTHING_READERS",
    "for_user",
    "get_visible_or_404",
    "sees_everything",
    "units_user_may_act_for",
    "visible_organisation_ids",
]


# Authorities whose officers work on behalf of any unit (e.g. estimating an approval path).
ACT_FOR_ANY_UNIT = (Role.BDB_REVIEWER, Role.DRC_OFFICER, Role.FINANCE_OFFICER, Role.PLATFORM_ADMIN)


def units_user_may_act_for(user: Any) -> QuerySet[Organisation]:
    """Active 项目建设单位 for which ``user`` may act: their own, or any for the authorities
    above. Audit reads everything but acts for nobody (Art. 36)."""
    units = Organisation.objects.for_user(user).units().filter(is_active=True)
    if not getattr(user, "is_authenticated", False):
        return units.none()
    if user.is_superuser or user.has_role(*ACT_FOR_ANY_UNIT):
        return units
    return units.filter(pk__in=visible_organisation_ids(user))
