"""Read helpers of the projects chapter: the facts a gate looks at, loaded in a fixed number of
queries whatever the number of projects (so gate evaluation cost does not grow with the
platform), and the project-code sequence. No state changes here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef

from core.dates import today
from core.memo import memoised
from policy.engine import GateContext
from policy.lookup import policy_in_force, policy_version

from .models import (
    JOINT_REVIEW_AUTHORITIES,
    ChapterDeclaration,
    Project,
    ProjectListEntry,
    ProjectListState,
    ProjectListVersion,
    Review,
    ReviewKind,
    ReviewState,
    Stage,
)


@dataclass
class DocumentFacts:
    """Which documents a project has: types, and chapter attachments per stage."""

    types: set[str] = field(default_factory=set)
    chapter_docs: dict[str, set[str]] = field(default_factory=dict)  # stage -> chapters


def project_documents(project: Project) -> list[Any]:
    """The project's documents (not withdrawn): read once per scope (``core.memo``); the
    project page reads them for its documents panel and ``remember``s them."""
    from documents.models import Document

    return memoised(
        project_documents_key(project),
        lambda: list(
            Document.objects.filter(
                subject_type=ContentType.objects.get_for_model(Project),
                subject_id=project.pk,
                is_withdrawn=False,
            )
        ),
    )


def project_documents_key(project: Project) -> tuple[str, int]:
    return ("project_documents", project.pk)


def document_facts(project: Project) -> DocumentFacts:
    facts = DocumentFacts()
    rows = [(d.doc_type, d.chapter, d.created_at) for d in project_documents(project)]
    for doc_type, chapter, created_at in rows:
        facts.types.add(doc_type)
        if chapter:
            stage = (
                Stage.DESIGN
                if project.fsr_approved_at and created_at >= project.fsr_approved_at
                else Stage.FSR
            )
            facts.chapter_docs.setdefault(stage, set()).add(chapter)
    return facts


def chapter_declarations(project: Project) -> list[ChapterDeclaration]:
    """The project's chapter sections of every stage, with who wrote each last: read once per
    scope (``core.memo``), where the page's chapters and the gates' rules each ask."""
    return memoised(
        ("chapter_declarations", project.pk),
        lambda: list(
            ChapterDeclaration.objects.filter(project=project)
            .select_related("updated_by")
            # the model's ordering would join the project table for nothing
            .order_by("stage", "chapter")
        ),
    )


def declared_chapters(project: Project, stage: str) -> set[str]:
    """Chapters with a text section for ``stage`` (attachments are in ``document_facts``)."""
    return {c.chapter for c in chapter_declarations(project) if c.stage == stage and c.text.strip()}


def current_stage(project: Project) -> str:
    return Stage.DESIGN if project.design_stage else Stage.FSR


def open_reviews(project: Project, kind: str | None = None):
    qs = Review.objects.filter(project=project, state__in=["pending", "in_progress"])
    return qs.filter(kind=kind) if kind else qs


def latest_round(project: Project, kind: str, stage: str) -> int:
    last = (
        Review.objects.filter(project=project, kind=kind, stage=stage)
        .order_by("-round")
        .values_list("round", flat=True)
        .first()
    )
    return last or 0


def joint_review_status(project: Project, stage: str = Stage.FSR) -> dict[str, str]:
    """authority -> state of its opinion in the latest round of the joint review (one query:
    a project has a handful of joint-review rows, five per round)."""
    rows = list(
        Review.objects.filter(project=project, kind=ReviewKind.JOINT, stage=stage)
        .order_by()
        .values_list("round", "authority", "state")
    )
    return joint_status_of(rows)


def joint_status_of(rows: list[tuple[int, str, str]]) -> dict[str, str]:
    """``joint_review_status`` from the (round, authority, state) of the joint-review rows of
    one stage, for a page that read the project's reviews already."""
    rnd = max((r for r, _a, _s in rows), default=0)
    status: dict[str, str] = {a: "missing" for a in JOINT_REVIEW_AUTHORITIES}
    status.update({a: s for r, a, s in rows if r == rnd})
    return status


def latest_review(project: Project, kind: str, stage: str | None = None) -> Review | None:
    qs = Review.objects.filter(project=project, kind=kind).exclude(state=ReviewState.SUPERSEDED)
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("-round", "-created_at", "-pk").first()


def current_project_list(year: int | None = None) -> ProjectListVersion | None:
    qs = ProjectListVersion.objects.filter(state=ProjectListState.PUBLISHED)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-number").first()


def is_on_published_list(project: Project) -> ProjectListVersion | None:
    """The current published list of the project's year when it holds the project (one
    query: the version with whether it holds it)."""
    version = (
        ProjectListVersion.objects.filter(state=ProjectListState.PUBLISHED, year=project.year)
        .order_by("-year", "-number")
        .annotate(
            holds=Exists(ProjectListEntry.objects.filter(version=OuterRef("pk"), project=project))
        )
        .first()
    )
    return version if version is not None and version.holds else None


def project_context(project: Project, actor=None, **facts) -> GateContext:
    """The gate context of a project: the policy in force for its unit today. Its master
    plan item is read by the rule that needs it (``planning.rules``: R6.3), not here."""
    on = today()
    # a pinned version with its parameters in one query (``policy.lookup``)
    policy = policy_version(project.policy_id) if project.policy_id else None
    policy = policy or policy_in_force(project.unit, on)
    base = {
        "unit_id": project.unit_id,
        "project_id": project.pk,
        "project_code": project.code,
        "project_name": project.name,
        "project_kind": project.kind,
        "total_investment": project.total_investment,
        "state": project.state,
        "today": on.isoformat(),
    }
    base.update(facts)
    return GateContext(subject=project, policy=policy, actor=actor, facts=base)


def next_project_code(year: int) -> str:
    """XM-<year>-<4-digit sequence>; called inside the creating transaction."""
    prefix = f"XM-{year}-"
    last = (
        Project.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"
