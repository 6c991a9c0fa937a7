"""Pages of the project lifecycle (Art. 8, 9, 4, 12-14, 19, 20).

Views load through scoping, filter with the chapter's filter sets and show the "您现在可以办理"
card (``core.offers.next_steps``): every action a user may take on the project or on one of
its reviews, with the findings that block it. Every form is an action's contract posted to
the action page (``core.views.act``); the create and edit pages are action pages too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import Organisation
from accounts.scoping import for_user, get_visible_or_404
from core.dates import today
from core.diagram import lifecycle_svg
from core.filters import for_page
from core.listing import paginate_sorted, sort_by
from core.memo import memo_scope, remember, remember_reads_along, with_reads_along
from core.models import LedgerEvent
from core.offers import next_steps, panels_for, prefix_of
from core.xlsx import download, page_export
from documents.models import DocType, Document
from documents.panel import documents_panel_context
from documents.services import visibility_key
from policy.lookup import policy_version
from policy.models import Decision

from . import exports
from .actions import create_project, declare_chapters
from .actions.base import remember_open_reviews
from .actions.drafting import editable_stage
from .filters import ProjectFilter
from .machines import PROJECT
from .models import (
    JOINT_REVIEW_AUTHORITIES,
    JOINT_REVIEW_TOPIC,
    ApprovalPath,
    Chapter,
    ListCriterion,
    Project,
    ProjectState,
    Review,
    ReviewKind,
    ReviewState,
    Stage,
    Verdict,
)
from .services import chapter_declarations, joint_status_of, project_documents_key
from .visibility import reads_all_projects

SORTABLE = {
    "code": "code",
    "name": "name",
    "unit": "unit__name",
    "amount": "total_investment",
    "year": "year",
    "state": "state",
    "updated": "updated_at",
}
DEFAULT_SORT = "-updated"


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = for_user(Project, user)
    filters, qs = for_page(ProjectFilter, request, visible.select_related("unit"))
    _page, ctx = paginate_sorted(request, qs, sortable=SORTABLE, default_sort=DEFAULT_SORT)
    ctx["export_query"] = request.GET.urlencode()
    # the year and unit filters are chosen from what the user sees; for a reader of the
    # whole city, from every project (asking each of 100,000 rows its visibility for two
    # drop-downs took longer than the page: at most a draft-only year or unit is offered)
    scope = Project.objects.all() if reads_all_projects(user) else visible
    years = scope.order_by("-year").values_list("year", flat=True).distinct()
    units = for_user(Organisation, user).filter(
        Exists(scope.filter(unit_id=OuterRef("pk")).order_by())
    )
    _choose(filters, "year", [(y, y) for y in years])
    _choose(filters, "unit", [(u.pk, u.display_name) for u in units.order_by("name")])
    ctx.update(filters=filters, can_create=create_project.permitted(None, user))
    return render(request, "projects/list.html", ctx)


@login_required
def project_list_export(request: HttpRequest) -> HttpResponse:
    """The list page as an xlsx file: the same filter set (applied strictly: an invalid value
    goes back to the page with the reason, nothing is exported), order and columns."""

    def respond(qs: Any) -> HttpResponse:
        rows, _sort = sort_by(request, qs, sortable=SORTABLE, default_sort=DEFAULT_SORT)
        return download(exports.project_list_xlsx(rows), f"项目-{today():%Y%m%d}.xlsx")

    return page_export(
        request, ProjectFilter, for_user(Project, request.user), reverse("projects:list"), respond
    )


def _choose(filters: Any, name: str, options: list[tuple[Any, Any]]) -> None:
    field = filters.form.fields[name]
    field.widget = forms.Select(
        choices=[("", _("全部")), *options], attrs={"class": "form-select form-select-sm"}
    )


# -- the project page ------------------------------------------------------------------------

REVIEW_DOC_TYPES = {
    ReviewKind.EVALUATION: [DocType.EVALUATION_REPORT, DocType.OPINION_ATTACHMENT, DocType.OTHER],
    ReviewKind.DRC_APPROVAL: [DocType.APPROVAL_DOCUMENT, DocType.OPINION_ATTACHMENT, DocType.OTHER],
}


def _all_reviews(project: Project, user: Any) -> list[Any]:
    """Every review of the project, each marked ``seen`` when ``user`` sees it (its model's
    ``for_user``), in one query: the page shows those seen, the card asks about the open
    ones (``remember_open_reviews``) and the joint review's status counts them all."""
    reviews = list(
        Review.objects.filter(project=project)
        .annotate(seen=Exists(for_user(Review, user).filter(pk=OuterRef("pk"))))
        .select_related("assignee", "consultant", "decided_by")
        .prefetch_related("copies__recipient")
        .order_by("created_at", "pk")  # one project: its reviews in their usual order
    )
    remember_open_reviews(project, reviews)
    return reviews


def _reviews(
    request: HttpRequest, project: Project, every: list[Any]
) -> tuple[list[Any], dict[Any, list[Document]]]:
    """The reviews the user sees, with their opinions per criterion and chapter and the
    documents of each opinion; and the documents of the project and of those reviews."""
    reviews = [r for r in every if r.seen]
    for review in reviews:  # the user sees each (``for_user``, asked in the same query)
        remember(visibility_key(review, request.user), True)
    documents = _documents_of(project, reviews)  # the project's and every opinion's, at once
    criteria = dict(ListCriterion.choices)
    verdicts = dict(Verdict.choices)
    chapters = dict(Chapter.choices)
    for review in reviews:
        review.criteria_rows = [
            (criteria.get(k, k), verdicts.get(v.get("verdict"), "—"), v.get("opinion", ""))
            for k, v in (review.criteria or {}).items()
        ]
        review.chapter_rows = [
            (chapters.get(k, k), text) for k, text in (review.chapter_opinions or {}).items()
        ]
        panel = documents_panel_context(
            review,
            request.user,
            REVIEW_DOC_TYPES.get(review.kind, [DocType.OPINION_ATTACHMENT, DocType.OTHER]),
            next_url=request.path,
            title=_("审核意见附件"),
            documents=documents[review],
        )
        review.panel = panel if (panel["documents"] or panel["can_upload"]) else None
    return reviews, documents


def _documents_of(project: Project, reviews: list[Review]) -> dict[Any, list[Document]]:
    """The active documents of the project and of the reviews (which the user sees) in one
    query: subject → documents, newest first, versions prefetched."""
    types = ContentType.objects.get_for_models(Project, Review)
    grouped: dict[Any, list[Document]] = {s: [] for s in (project, *reviews)}
    by_key = {(types[type(s)].pk, s.pk): s for s in grouped}
    docs = (
        Document.objects.filter(
            Q(subject_type=types[Project], subject_id=project.pk)
            | Q(subject_type=types[Review], subject_id__in=[r.pk for r in reviews])
        )
        .active()
        .with_versions()
        .select_related("created_by", "withdrawn_by")
    )
    for doc in docs:
        grouped[by_key[(doc.subject_type_id, doc.subject_id)]].append(doc)
    remember(project_documents_key(project), grouped[project])  # for the gates' rules
    return grouped


def _timeline(project: Project, reviews: list[Review], user: Any) -> list[LedgerEvent]:
    """The project's ledger events and those of its reviews, oldest first. The user sees the
    project (loaded through scoping), so they see its history; the link to an event's page is
    shown only where the ledger's own scoping lets them open it."""
    events: list[Any] = list(  # each event gains openable (in the same query), from_label, to_label
        LedgerEvent.objects.filter(
            Q(object_type="projects.project", object_id=str(project.pk))
            | Q(object_type="projects.review", object_id__in=[str(r.pk) for r in reviews])
        )
        .annotate(openable=Exists(for_user(LedgerEvent, user).filter(seq=OuterRef("seq"))))
        .order_by("seq")
    )
    labels = dict(ProjectState.choices) | dict(ReviewState.choices)
    for event in events:
        event.from_label = labels.get(event.from_state, event.from_state)
        event.to_label = labels.get(event.to_state, event.to_state)
    return events


def _lifecycle(project: Project, timeline: list[LedgerEvent]) -> Any:
    """The project's lifecycle diagram: where it stands and the way it came (issue 18 pt 11)."""
    moves = [
        (e.from_state, e.to_state)
        for e in timeline
        if e.object_type == "projects.project" and e.to_state
    ]
    return lifecycle_svg(PROJECT, project.state, moves)


def _chapters(project: Project, user: Any) -> list[dict]:
    """The five chapters of each stage; those of the stage the unit writes now in one editor
    (posted to the action ``declare_chapters``, all five together)."""
    stages = [Stage.FSR]
    if project.approval_path == ApprovalPath.TWO and project.fsr_approved_at:
        stages.append(Stage.DESIGN)
    rows = {(c.stage, c.chapter): c for c in chapter_declarations(project)}
    editable = declare_chapters.available(project) and declare_chapters.permitted(project, user)
    edit_stage = editable_stage(project)
    result = []
    for stage in stages:
        chapters: list[dict[str, Any]] = [
            {
                "key": key,
                "label": label,
                "declared": rows.get((stage, key)),
                "editable": editable and stage == edit_stage,
            }
            for key, label in Chapter.choices
        ]
        missing = [
            c["label"] for c in chapters if not (c["declared"] and c["declared"].text.strip())
        ]
        result.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "chapters": chapters,
                "missing": missing,
                "editable": editable and stage == edit_stage,
            }
        )
    return result


def _joint_status(project: Project, reviews: list[Review], every: list[Any]) -> list | None:
    if project.state != ProjectState.JOINT_REVIEW and not any(
        r.kind == ReviewKind.JOINT for r in reviews
    ):
        return None
    status = joint_status_of(  # joint_review_status, from the reviews read for the page
        [
            (r.round, r.authority, r.state)
            for r in every
            if r.kind == ReviewKind.JOINT and r.stage == Stage.FSR
        ]
    )
    labels = dict(ReviewState.choices)
    return [
        (JOINT_REVIEW_TOPIC[a], labels.get(status[a], _("未开始")), status[a])
        for a in JOINT_REVIEW_AUTHORITIES
    ]


@login_required
@require_safe
@memo_scope()  # the card, the panels and the reviews' documents share their reads
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    project = get_visible_or_404(
        with_reads_along(  # with the facts the chapters' checks and panels ask of it
            Project.objects.select_related(
                "unit", "plan_item", "predecessor", "framework", "created_by"
            )
        ),
        user,
        pk=pk,
    )
    remember(visibility_key(project, user), True)  # read through scoping: the user sees it
    remember_reads_along(project)
    if project.policy_id is not None:  # its pinned version, with its parameters, as kept
        project.policy = policy_version(project.policy_id)
    every = _all_reviews(project, user)
    reviews, documents = _reviews(request, project, every)
    decisions = (
        for_user(Decision, user)
        .filter(subject_type="projects.project", subject_id=str(project.pk))
        .select_related("policy")
        .order_by("-created_at")
    )
    timeline = _timeline(project, reviews, user)
    ctx = {
        "project": project,
        "lifecycle": _lifecycle(project, timeline),
        "steps": next_steps(project, user),
        "panels": panels_for(project, user),
        "reviews": reviews,
        "timeline": timeline,
        "decisions": list(decisions),
        "chapters": _chapters(project, user),
        "chapter_prefix": prefix_of(declare_chapters, project),
        "joint_status": _joint_status(project, reviews, every),
        "documents_panel": documents_panel_context(
            project, user, next_url=request.get_full_path(), documents=documents[project]
        ),
    }
    return render(request, "projects/detail.html", ctx)
