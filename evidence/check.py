"""The two checks: a project against what exists (R8.5), and data items against the
authoritative sources of the data resource catalog (R31.2).

``matches(project)`` ranks the catalogued systems and indexed projects closest to the
project's requirement (``search.ranking``) over the database's index. ``authoritative_hits``
finds each data item a project or a system collects that another unit's authoritative
resource provides; ``scan_project`` and ``scan_system`` keep the ``CollectionFinding`` rows of
those hits current for BDB to confirm or dismiss.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from catalog.models import DataResource, InformationItem, InformationSystem
from core.machines import machine
from core.memo import rows_if_any
from projects.models import Project

from .documents import PUBLIC_STATES, own_targets, profile_of, project_features
from .models import CollectionFinding, DocKind, FindingState, Match, MatchSet
from .search import ranking
from .search.segment import item_name
from .search.store import DbIndex

SHOWN = 5


def matches(project: Project, *, public_only: bool = False, limit: int = SHOWN) -> list:
    """The closest systems and projects, best first (``ranking.Match``). ``public_only``
    leaves out other units' projects not yet on the published list (what a unit may see)."""
    found = ranking.rank(
        DbIndex(), project_features(project), limit=limit + 10, exclude=own_targets(project)
    )
    if public_only:
        found = [
            m
            for m in found
            if m.kind == DocKind.SYSTEM
            or m.meta.get("state") in PUBLIC_STATES
            or m.meta.get("unit") == project.unit.display_name
        ]
    return found[:limit]


def open_list_review(project: Project) -> Any:
    from projects.models import OPEN_REVIEW_STATES, Review, ReviewKind

    return (
        Review.objects.filter(project=project, kind=ReviewKind.LIST, state__in=OPEN_REVIEW_STATES)
        .order_by("-round", "-pk")
        .first()
    )


def current_set(project: Project) -> MatchSet | None:
    """The project's latest stored match set (none read when its page knows it has none)."""
    latest = rows_if_any(
        "match_sets", project, lambda: list(MatchSet.objects.filter(project=project)[:1])
    )
    return latest[0] if latest else None


@transaction.atomic
def take_snapshot(project: Project, *, user: Any = None, trigger: str = "") -> MatchSet:
    """Store the closest matches now, linked to the open list review (the evidence the review
    is decided on)."""
    found = matches(project)
    match_set = MatchSet.objects.create(
        project=project,
        review=open_list_review(project),
        taken_by=user if getattr(user, "pk", None) else None,
        trigger=trigger,
        flag_at=Decimal(str(ranking.FLAG_AT)),
    )
    Match.objects.bulk_create(
        [
            Match(
                match_set=match_set,
                project=project,
                rank=rank,
                target_kind=m.kind,
                target_id=m.ref_id,
                target_code=m.meta.get("code", "")[:40],
                target_name=m.meta.get("name", "")[:200],
                target_unit=m.meta.get("unit", "")[:100],
                target_state=m.meta.get("state_label", "")[:40],
                similarity=Decimal(str(m.similarity)).quantize(Decimal("0.001")),
                flagged=m.flagged,
                reasons=m.reasons(),
            )
            for rank, m in enumerate(found, start=1)
        ]
    )
    return match_set


# -- duplicate collection ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """An item of an authoritative resource: what a duplicate names as its source."""

    key: str
    item: str
    resource_id: int
    code: str
    name: str
    unit_id: int
    systems: str
    share_method: str


def authoritative_sources() -> dict[str, list[Source]]:
    """The items of the authoritative resources by canonical name (the city's few base
    resources: 人口, 法人, …, read once per check)."""
    systems: dict[int, list[str]] = {}
    links = DataResource.systems.through.objects.filter(dataresource__is_authoritative=True)
    for resource_id, name in links.values_list("dataresource_id", "informationsystem__name"):
        systems.setdefault(resource_id, []).append(name)
    out: dict[str, list[Source]] = {}
    rows = InformationItem.objects.filter(resource__is_authoritative=True).select_related(
        "resource"
    )
    for row in rows.order_by("resource__resource_code", "id"):
        r = row.resource
        key = item_name(row.name)
        out.setdefault(key, []).append(
            Source(
                key,
                row.name,
                r.pk,
                r.resource_code,
                r.name,
                r.provider_id,
                "、".join(sorted(systems.get(r.pk, [])))[:300],
                str(r.get_share_method_display()) if r.share_method else "",
            )
        )
    return out


def authoritative_hits(
    names: Iterable[str], unit_id: int, sources: dict[str, list[Source]] | None = None
) -> list[tuple[str, Source]]:
    """(item as named, its source) for each item another unit's authoritative resource
    provides; the authoritative unit's own items are not duplicates."""
    sources = authoritative_sources() if sources is None else sources
    hits = []
    for name in dict.fromkeys(names):
        for source in sources.get(item_name(name), []):
            if source.unit_id != unit_id:
                hits.append((name, source))
                break
    return hits


def _finding_values(name: str, source: Source) -> dict[str, Any]:
    return {
        "item_name": name[:100],
        "source_resource_id": source.resource_id,
        "source_name": source.name[:200],
        "source_item": source.item[:100],
        "source_unit_id": source.unit_id,
        "source_systems": source.systems,
        "share_method": source.share_method[:40],
    }


def _sync(existing: Iterable[CollectionFinding], wanted: dict[tuple[str, str], dict]) -> int:
    """Resolve the findings no longer found, reopen resolved ones found again, and return the
    keys still to create (removed from ``wanted`` as they are matched)."""
    findings = machine("collection_finding")
    for finding in existing:
        key = (finding.item_key, finding.source_code)
        if key in wanted:
            wanted.pop(key)
            if finding.state == FindingState.RESOLVED:
                findings.move(finding, "recur", actor=None, event="evidence.finding_recurred")
        elif finding.state != FindingState.RESOLVED:
            findings.move(finding, "resolve", actor=None, event="evidence.finding_resolved")
    return len(wanted)


@transaction.atomic
def scan_project(project: Project, sources: dict | None = None) -> int:
    """Keep the project's findings equal to the authoritative hits of the items it plans to
    collect itself; returns the number of new findings."""
    profile = profile_of(project)
    names = profile.collected if profile else []
    wanted = {
        (item_name(name), s.code): _finding_values(name, s)
        for name, s in authoritative_hits(names, project.unit_id, sources)
    }
    _sync(CollectionFinding.objects.filter(project=project), wanted)
    for (key, code), values in wanted.items():
        CollectionFinding.objects.create(project=project, item_key=key, source_code=code, **values)
    return len(wanted)


@transaction.atomic
def scan_system(system: InformationSystem, sources: dict | None = None) -> int:
    """The same for the items a catalogued system holds in its (non-authoritative)
    resources."""
    items = InformationItem.objects.filter(system=system, resource__is_authoritative=False)
    by_name = {row.name: row for row in items.only("id", "name")}
    wanted = {}
    for name, s in authoritative_hits(by_name, system.unit_id, sources):
        wanted[(item_name(name), s.code)] = {**_finding_values(name, s), "item": by_name[name]}
    _sync(CollectionFinding.objects.filter(system=system), wanted)
    for (key, code), values in wanted.items():
        CollectionFinding.objects.create(system=system, item_key=key, source_code=code, **values)
    return len(wanted)


def project_finding_states(project: Project) -> dict[tuple[str, str], str]:
    """(item key, source code) → state of the project's stored findings."""
    rows = CollectionFinding.objects.filter(project=project).values_list(
        "item_key", "source_code", "state"
    )
    return {(key, code): state for key, code, state in rows}
