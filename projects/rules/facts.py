"""The facts the projects chapter's rules read from beyond the project itself (documents,
chapter sections, reviews, the published list), each read through ``ctx.fact`` so that a
stored decision keeps what its rules saw and can be evaluated again from it alone."""

from __future__ import annotations

from typing import Any

from ..models import Review, ReviewKind, Stage
from ..services import (
    declared_chapters,
    document_facts,
    is_on_published_list,
    joint_review_status,
    latest_review,
)


def document_types(ctx: Any) -> set[str]:
    """The types of the project's documents (not withdrawn)."""
    return set(_documents(ctx)["types"])


def chapter_attachments(ctx: Any, stage: str) -> set[str]:
    """The chapters with an attachment for ``stage``."""
    return set(_documents(ctx)["chapters"].get(stage, []))


def _documents(ctx: Any) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        found = document_facts(ctx.subject)
        return {
            "types": sorted(found.types),
            "chapters": {stage: sorted(c) for stage, c in found.chapter_docs.items()},
        }

    return ctx.fact("documents", read)


def declared(ctx: Any, stage: str) -> set[str]:
    """The chapters with a text section for ``stage``."""
    return set(
        ctx.fact(
            f"declared_chapters_{stage}", lambda: sorted(declared_chapters(ctx.subject, stage))
        )
    )


def joint_review(ctx: Any, stage: str = Stage.FSR) -> dict[str, str]:
    """authority -> state of its opinion in the latest round of the joint review."""
    return ctx.fact(f"joint_review_{stage}", lambda: joint_review_status(ctx.subject, stage))


def published_list(ctx: Any) -> str:
    """The published project list of the project's year that holds it ('' when none)."""

    def read() -> str:
        version = is_on_published_list(ctx.subject)
        return str(version) if version is not None else ""

    return ctx.fact("published_list", read)


def design_content_review_state(ctx: Any) -> str:
    """The state of BDB's latest design-content review ('' when there is none)."""

    def read() -> str:
        review = latest_review(ctx.subject, ReviewKind.DESIGN_CONTENT, Stage.DESIGN)
        return str(review.state) if review is not None else ""

    return ctx.fact("design_content_review", read)


def isolation_reviews(ctx: Any) -> dict[str, str]:
    """authority -> state of its latest review of the project's isolated network (Art. 31)."""

    def read() -> dict[str, str]:
        rows = (
            Review.objects.filter(project=ctx.subject, kind=ReviewKind.ISOLATION)
            .order_by("round", "pk")
            .values_list("authority", "state")
        )
        return {str(authority): str(state) for authority, state in rows}

    return ctx.fact("isolation_reviews", read)
