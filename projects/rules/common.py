"""What the projects chapter's rules share."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy

from ..models import Chapter, ListCriterion


def _(text: str) -> str:
    """A lazily translated title (the registry keeps it and renders it in the reader's
    language)."""
    return cast(str, gettext_lazy(text))


CHAPTER_LABELS = dict(Chapter.choices)
CRITERION_LABELS = dict(ListCriterion.choices)


def subject(ctx: Any) -> Any:
    """The project the gate is evaluated for."""
    return ctx.subject
