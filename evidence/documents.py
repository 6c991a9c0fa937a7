"""What of a project and of a catalogued system is indexed and compared.

A project: its name, the requirement description, the report chapters' text, and its
requirement profile (goals, functions, the data items it collects or obtains by sharing, the
systems it changes). A system: its name and category, its data resources (names, summaries),
the items it holds, and the names and functions of the projects that built or changed it.
Only what exists or is on its way is a target: systems not integrated or taken offline, and
projects from submission to approval (drafts stay with their unit).
"""

from __future__ import annotations

from typing import Any

from catalog.models import DataResource, InformationItem, InformationSystem, SystemStatus
from core.memo import memoised, read_along_any, rows_if_any
from projects.models import Chapter, Project, ProjectState
from projects.services import chapter_declarations

from .models import DocKind, RequirementProfile
from .search.features import Features, build
from .search.store import Entry

S = ProjectState
#: the projects a requirement is compared with: submitted, under review, listed or later
INDEXED_STATES = (
    S.SUBMITTED,
    S.LIST_REVIEW,
    S.LISTED,
    S.EVALUATION,
    S.JOINT_REVIEW,
    S.DRC_REVIEW,
    S.FSR_APPROVED,
    S.DESIGN_REVIEW,
    S.DESIGN_DRC_REVIEW,
    S.APPROVED,
)
#: listed or later: on the published list, so any unit may be shown them
PUBLIC_STATES = tuple(s for s in INDEXED_STATES if s not in (S.SUBMITTED, S.LIST_REVIEW))
GONE = (SystemStatus.INTEGRATED, SystemStatus.OFFLINE)
#: the report chapters that say what the project does with which data; the security, crypto
#: and intensive-construction chapters are compliance text much alike in every report
COMPARED_CHAPTERS = (Chapter.DATA_GOVERNANCE, Chapter.DATA_SHARING)


def profile_of(project: Project) -> RequirementProfile | None:
    """The project's requirement profile; read once per scope (``core.memo``: a gate's rules
    and the features they compare all ask for it)."""
    return memoised(
        ("requirement_profile", project.pk),
        lambda: RequirementProfile.objects.filter(project=project).first(),
    )


def _changed_systems(profile: RequirementProfile | None) -> list[tuple[int, str]]:
    """(pk, name) of the systems the profile declares it changes, in the catalog's order; read
    once per scope (the compared features and the project's own targets both need them)."""
    if profile is None:
        return []
    return memoised(
        ("profile_systems", profile.pk),
        lambda: list(profile.systems.values_list("pk", "name")),
    )


def project_features(project: Project) -> Features:
    """The features of a project (the query of a check, or a document of the index)."""
    profile = profile_of(project)
    # the sections the project page reads once for its chapters too (core.memo)
    chapters = [c.text for c in chapter_declarations(project) if c.chapter in COMPARED_CHAPTERS]
    systems = [name for _pk, name in _changed_systems(profile)]
    return build(
        name=project.name,
        body=[project.requirement, profile.goals if profile else "", *chapters],
        functions=profile.function_lines if profile else [],
        items=[*(profile.collected if profile else []), *(profile.shared if profile else [])],
        systems=systems,
    )


def _entry(kind: str, obj: Any, state: str, state_label: Any, features: Features) -> Entry:
    """An index entry with the ``meta`` a match shows without reading its source."""
    meta = {
        "code": obj.code,
        "name": obj.name,
        "unit": obj.unit.display_name,
        "state": state,
        "state_label": str(state_label),
        "functions": features.functions[:12],
        "items": features.items[:20],
    }
    return Entry(kind, obj.pk, obj.unit_id, meta, features)


def project_entry(project: Project) -> Entry:
    return _entry(DocKind.PROJECT, project, project.state, project.get_state_display(),
                  project_features(project))  # fmt: skip


def system_features(system: InformationSystem) -> Features:
    resources = list(DataResource.objects.filter(systems=system).values_list("name", "summary"))
    items = InformationItem.objects.filter(system=system).values_list("name", flat=True)
    projects = Project.objects.filter(systems=system)
    functions: list[str] = []
    for profile in RequirementProfile.objects.filter(project__in=projects):
        functions.extend(profile.function_lines)
    return build(
        name=system.name,
        body=[
            str(system.get_category_display()),
            *(f"{name} {summary}" for name, summary in resources),
            *projects.values_list("name", flat=True),
        ],
        functions=functions,
        items=list(dict.fromkeys(items)),
    )


def system_entry(system: InformationSystem) -> Entry:
    return _entry(DocKind.SYSTEM, system, system.status, system.get_status_display(),
                  system_features(system))  # fmt: skip


def is_indexed_project(project: Project) -> bool:
    return project.state in INDEXED_STATES


def is_indexed_system(system: InformationSystem) -> bool:
    return system.status not in GONE


# the project page reads with its project whether it built any system (core.memo)
read_along_any(
    "projects.project",
    "built_systems",
    lambda ref: InformationSystem.projects.through.objects.filter(project_id=ref("pk")),
)


def own_targets(project: Project) -> set[tuple[str, int]]:
    """What a project may resemble without duplicating: itself, the project it expands and
    the systems it declares it changes or that it built."""
    own = {(DocKind.PROJECT.value, project.pk)}
    if project.predecessor_id:
        own.add((DocKind.PROJECT.value, project.predecessor_id))
    profile = profile_of(project)
    changed: list[Any] = [pk for pk, _name in _changed_systems(profile)]
    changed += rows_if_any(
        "built_systems",
        project,
        lambda: list(
            InformationSystem.objects.filter(projects=project)
            .order_by()
            .values_list("pk", flat=True)
        ),
    )
    own.update((DocKind.SYSTEM.value, pk) for pk in changed)
    return own
