"""Build the index and the findings from scratch, in batches (``evidence_reindex``)."""

from __future__ import annotations

from django.db import transaction

from catalog.models import InformationSystem
from projects.models import Project

from . import check
from .documents import GONE, INDEXED_STATES, project_entry, system_entry
from .search.store import BATCH, DbIndex


def rebuild(batch: int = BATCH // 4) -> dict[str, int]:
    """Every system not gone and every project from submission on; then every system's and
    project's data items against the authoritative sources."""
    index = DbIndex()
    index.clear()
    systems = InformationSystem.objects.exclude(status__in=GONE).select_related("unit")
    projects = Project.objects.filter(state__in=INDEXED_STATES).select_related("unit")
    counts = {"systems": 0, "projects": 0, "scanned": 0}
    for queryset, entry_of, key in ((systems, system_entry, "systems"),
                                    (projects, project_entry, "projects")):  # fmt: skip
        chunk = []
        for obj in queryset.iterator(chunk_size=batch):
            chunk.append(entry_of(obj))
            if len(chunk) >= batch:
                index.put_many(chunk)
                counts[key] += len(chunk)
                chunk = []
        index.put_many(chunk)
        counts[key] += len(chunk)
    sources = check.authoritative_sources()
    with transaction.atomic():
        for system in InformationSystem.objects.filter(items__isnull=False).distinct():
            check.scan_system(system, sources)
            counts["scanned"] += 1
        for project in Project.objects.filter(evidence_profile__isnull=False):
            check.scan_project(project, sources)
            counts["scanned"] += 1
    return counts
