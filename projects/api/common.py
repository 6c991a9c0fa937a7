"""What the projects API's endpoints share: error responses, pagination, the objects as the
responses show them, and the payload of a partial update."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from core.contracts import Contract

from ..models import Framework, Project, Review


def projects() -> Any:
    return Project.objects.select_related("unit", "policy", "plan_item")


def project_out(result: Any) -> Project:
    """The project an action acted on, as it is now (the actor has just acted on it, so it is
    visible to them)."""
    pk = getattr(result, "project_id", None) or getattr(result, "pk", result)
    return projects().get(pk=pk)


def review_out(review: Any) -> Review:
    return Review.objects.select_related("consultant", "assignee", "decided_by").get(
        pk=getattr(review, "pk", review)
    )


def framework_out(framework: Any) -> Framework:
    pk = getattr(framework, "framework_id", None) or getattr(framework, "pk", framework)
    return Framework.objects.select_related("lead_unit").get(pk=pk)


def partial(contract: type[Contract]) -> type[Schema]:
    """The payload of a partial update (PATCH); see ``Contract.patch_schema``."""
    return contract.patch_schema()
