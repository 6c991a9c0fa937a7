"""What the projects chapter's rules share."""

from __future__ import annotations

from typing import Any

from ..models import Chapter, ListCriterion

CHAPTER_LABELS = dict(Chapter.choices)
CRITERION_LABELS = dict(ListCriterion.choices)


def subject(ctx: Any) -> Any:
    """The project the gate is evaluated for."""
    return ctx.subject
