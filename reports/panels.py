"""What the reports chapter adds to the project page (``core.offers.panel``): the project's
health — computed now from its records, each factor with its facts and articles, and the line
of its monthly snapshots — and the official documents issued about it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from core.memo import project_may_have, rows_if_any
from core.offers import Panel, panel
from documents.models import Document
from documents.services import subject_visible
from projects.models import Project, ProjectState

from . import health
from .models import Dimension, HealthLevel, HealthSnapshot, OfficialDocument

# the project page reads with its project whether it has any monthly snapshot or official
# document (core.memo): a project not yet approved has neither
project_may_have("health_snapshots", HealthSnapshot)
project_may_have("official_documents", OfficialDocument)


def health_context(project: Project) -> dict[str, Any] | None:
    """The live rating of one project (one query), its explanation and its history."""
    if project.state != ProjectState.APPROVED:  # only approved projects are rated (``rate``)
        return None
    ctx = health.context()
    ratings = health.rate(Project.objects.filter(pk=project.pk), ctx, probe=False)
    if not ratings:
        return None
    rating = ratings[0]
    stored = rating.stored()
    history = rows_if_any("health_snapshots", project, lambda: health.history(project))
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


def official_documents(project: Project, user: Any) -> list[OfficialDocument]:
    """The official documents about ``project`` that ``user`` sees (as
    ``OfficialDocument.objects.for_user`` decides: whoever sees the stored file's subject).
    A file kept on the project itself is seen by whoever sees the project (asked once per
    page, ``documents.services.subject_visible``); only the files of other subjects have
    their sight asked, of their own models (not of every type the documents table holds)."""
    rows = rows_if_any(
        "official_documents",
        project,
        lambda: list(
            OfficialDocument.objects.filter(project=project, document__isnull=False)
            .select_related("document")
            .order_by("issued_on", "pk")
        ),
    )
    own_type = ContentType.objects.get_for_model(project).pk

    def own(row: OfficialDocument) -> bool:
        return (row.document.subject_type_id, row.document.subject_id) == (own_type, project.pk)

    if any(own(r) for r in rows) and not subject_visible(project, user):
        rows = [r for r in rows if not own(r)]
    others = [r.document_id for r in rows if not own(r)]
    if others:
        seen = set(
            Document.objects.filter(pk__in=others)
            .for_user(user, subject_types={r.document.subject_type_id for r in rows})
            .values_list("pk", flat=True)
        )
        rows = [r for r in rows if own(r) or r.document_id in seen]
    return rows


@panel("projects.project")
def documents_panel(project: Project, user: Any) -> Iterator[Panel]:
    documents = official_documents(project, user)
    if documents:
        yield Panel(
            _("正式文书"), "reports/_documents_panel.html", {"documents": documents}, order=30
        )
