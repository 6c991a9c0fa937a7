"""What a user may see, for core's own pages and API (the ledger, the acts): every queryset
is narrowed by its model's ``for_user(user)``; missing and forbidden both answer 404.

Core names no chapter: who sees what is each model's queryset method (``accounts.scoping``
re-exports these helpers with the chapters' own rules beside them)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404


def for_user(queryset_or_model: Any, user: Any) -> QuerySet[Any]:
    """Restrict a queryset (or a model's default manager) to what ``user`` may see."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, Model):
        qs = qs._default_manager.all()
    if not hasattr(qs, "for_user"):
        raise TypeError(f"{qs.model.__name__} 未定义 for_user 可见范围，不能直接暴露给用户。")
    if not getattr(user, "is_authenticated", False):
        none: QuerySet[Any] = qs.none()
        return none
    visible: QuerySet[Any] = qs.for_user(user)
    return visible


def get_visible_or_404(queryset_or_model: Any, user: Any, **lookup: Any) -> Any:
    qs = for_user(queryset_or_model, user)
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
