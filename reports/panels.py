"""What the reports chapter adds to the project page (``core.offers.panel``): the project's
health — computed now from its records, each factor with its facts and articles, and the line
of its monthly snapshots — and the official documents issued about it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from core.offers import Panel, panel
from projects.models import Project

from . import health
from .models import Dimension, HealthLevel, OfficialDocument


def health_context(project: Project) -> dict[str, Any] | None:
    """The live rating of one project (one query), its explanation and its history."""
    ctx = health.context()
    ratings = health.rate(Project.objects.filter(pk=project.pk), ctx)
    if not ratings:
        return None
    rating = ratings[0]
    stored = rating.stored()
    history = health.history(project)
    return {
        "project": project,
        "level": rating.level,
        "level_label": HealthLevel(rating.level).label,
        "dimensions": [
            (d, Dimension(d).label, HealthLevel(stored[d]).label, stored[d])
            for d in health.DIMENSIONS
        ],
        "factors": health.explained(stored["factors"], ctx),
        "policy": ctx.policy_name or ctx.policy_code,
        "json_id": f"health-history-{project.pk}",
        "history": {
            "months": [m.strftime("%Y-%m") for m, _level in history],
            "levels": [level for _m, level in history],
            "labels": [str(label) for _v, label in HealthLevel.choices],
        },
    }


@panel("projects.project")
def health_panel(project: Project, user: Any) -> Iterator[Panel]:
    context = health_context(project)
    if context is not None:
        yield Panel(_("项目健康度"), "reports/_health_panel.html", context, order=20)


@panel("projects.project")
def documents_panel(project: Project, user: Any) -> Iterator[Panel]:
    documents = list(
        OfficialDocument.objects.for_user(user).filter(project=project).order_by("issued_on", "pk")
    )
    if documents:
        yield Panel(
            _("正式文书"), "reports/_documents_panel.html", {"documents": documents}, order=30
        )
