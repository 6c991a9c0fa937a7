"""One place that decides what a user may see. Every list, detail, API endpoint and export
goes through ``for_user``/``get_visible_or_404``; missing and forbidden both answer 404.

Who sees everything and which organisations a user belongs to live in
``accounts.visibility``, which the models use too: this module depends on the models, never
the other way round."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

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


def for_user(queryset_or_model: Any, user: Any) -> QuerySet[Any]:
    """Restrict a queryset (or a model's default manager) to what ``user`` may see."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, Model):
        qs = qs._default_manager.all()
    if not hasattr(qs, "for_user"):
        raise TypeError(f"{qs.model.__name__} 未定义 for_user 可见范围，不能直接暴露给用户。")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.for_user(user)


def get_visible_or_404(queryset_or_model: Any, user: Any, **lookup: Any) -> Any:
    qs = for_user(queryset_or_model, user)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


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
