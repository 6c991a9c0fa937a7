"""Keeping the index and the duplicate-collection findings current.

Every action, once committed, sends ``core.actions.action_done``; ``on_action_done`` finds the
projects, systems and data resources it touched (its object and its result) and re-indexes
them, rescans their data items, and — after a submission — stores the matches the list review
is decided on. Nothing is rebuilt per check; ``manage.py evidence_reindex`` builds everything
once (a new installation, or after a change of the dictionaries).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction

from catalog.models import DataResource, InformationItem, InformationSystem
from projects.models import Project

from . import check
from .documents import (
    is_indexed_project,
    is_indexed_system,
    project_entry,
    system_entry,
)
from .models import DocKind
from .search.store import DbIndex

log = logging.getLogger(__name__)
#: the actions after which the project's evidence is taken again for its list review
SNAPSHOT_AFTER = {"projects.submit_project", "projects.resubmit_project"}


def reindex_project(project: Project) -> None:
    index = DbIndex()
    if is_indexed_project(project):
        index.put(project_entry(project))
    else:
        index.drop_many([(DocKind.PROJECT, project.pk)])
    check.scan_project(project)
    for system in InformationSystem.objects.filter(projects=project):
        reindex_system(system)


def reindex_system(system: InformationSystem, sources: dict | None = None) -> None:
    index = DbIndex()
    if is_indexed_system(system):
        index.put(system_entry(system))
    else:
        index.drop_many([(DocKind.SYSTEM, system.pk)])
    check.scan_system(system, sources)


def touched(obj: Any) -> Iterator[Any]:
    """The projects and systems an action's object (or result) changes."""
    if obj is None or not hasattr(obj, "_meta"):
        return
    label = obj._meta.label_lower
    if label == "projects.project":
        yield obj
    elif label == "catalog.informationsystem":
        yield obj
    elif label == "catalog.dataresource":
        yield from InformationSystem.objects.filter(resources=obj)
        yield from InformationSystem.objects.filter(
            pk__in=InformationItem.objects.filter(resource=obj).values("system_id")
        )
    elif label == "evidence.requirementprofile":
        yield obj.project
    else:
        project = getattr(obj, "project", None)
        if isinstance(project, Project):
            yield project


def _fresh(objs: Iterable[Any]) -> list[Any]:
    seen, out = set(), []
    for obj in objs:
        key = (obj._meta.label_lower, obj.pk)
        if key not in seen:
            seen.add(key)
            out.append(type(obj)._default_manager.filter(pk=obj.pk).first())
    return [o for o in out if o is not None]


def refresh(objs: Iterable[Any]) -> None:
    """Re-index what ``objs`` are (projects and systems, re-read from the database)."""
    for obj in _fresh(objs):
        if isinstance(obj, Project):
            reindex_project(obj)
        else:
            reindex_system(obj)


def on_action_done(sender: Any, action: Any, obj: Any, result: Any, **kwargs: Any) -> None:
    """After any committed action: re-index what it touched; store a submission's evidence.
    A failure here is logged and never undoes the action (it has committed)."""
    try:
        objs = [*touched(obj), *touched(result)]
        if objs:
            with transaction.atomic():
                refresh(objs)
        if action.name in SNAPSHOT_AFTER and isinstance(obj, Project):
            check.take_snapshot(obj, trigger=action.name)
        if action.name == "catalog.save_resource" or _is_authoritative_change(obj, result):
            rescan_all_systems()
    except Exception:  # an index that lags is repaired by evidence_reindex
        log.exception("evidence: re-indexing after %s failed", getattr(action, "name", "?"))


def _is_authoritative_change(*objs: Any) -> bool:
    return any(isinstance(o, DataResource) and o.is_authoritative for o in objs)


def rescan_all_systems() -> int:
    """A change of an authoritative resource changes what every system duplicates: scan the
    systems holding an item of the same canonical name (found by the items' key index)."""
    sources = check.authoritative_sources()
    prefixes = _key_prefixes(sources)
    system_ids: set[int] = set()
    for prefix in prefixes:
        system_ids.update(
            InformationItem.objects.filter(
                key__startswith=prefix, resource__is_authoritative=False, system__isnull=False
            ).values_list("system_id", flat=True)
        )
    for system in InformationSystem.objects.filter(pk__in=system_ids):
        check.scan_system(system, sources)
    return len(system_ids)


def _key_prefixes(sources: dict[str, list[check.Source]]) -> list[str]:
    """``name|`` for every spelling whose canonical name is an authoritative item."""
    from catalog.actions import item_key

    from .search.segment import synonyms

    names = set(sources)
    names |= {variant for variant, canonical in synonyms().items() if canonical in sources}
    return sorted({item_key(name, "").rstrip("|") + "|" for name in names})
