"""Project to-dos: unit staff submit drafts, revise returned projects, complete listed projects
before DRC acceptance and submit the design of FSR-approved ones; reviewers act on the open
reviews that are theirs; DRC accepts listed projects of the published list.

A fixed, small number of queries per user whatever the number of projects: the workbench is
the page every civil servant opens first."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role
from core.todos import Todo, provider
from documents.models import Chapter, Document

from .models import (
    OPEN_REVIEW_STATES,
    ChapterDeclaration,
    Project,
    ProjectKind,
    ProjectListState,
    ProjectState,
    Review,
    ReviewKind,
    ReviewUrge,
    Stage,
)
from .visibility import authorities_of, consultant_org_ids, unit_ids_of

LIMIT = 20
S = ProjectState
UNIT_STATES = (S.DRAFT, S.RETURNED, S.LISTED, S.FSR_APPROVED)


def _link(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _label(project) -> str:
    return f"{project.code}《{project.name}》"


def _missing_before_acceptance(listed: list[Project]) -> dict[int, list[str]]:
    """What each listed project still lacks for DRC acceptance (R14.1 chapters, R14.1 post-
    evaluation of an expansion, R12.1 civil-works approvals): two queries for all of them."""
    if not listed:
        return {}
    pks = [p.pk for p in listed]
    chapters: dict[int, set[str]] = {pk: set() for pk in pks}
    for project_id, chapter, text in ChapterDeclaration.objects.filter(
        project_id__in=pks, stage=Stage.FSR
    ).values_list("project_id", "chapter", "text"):
        if text.strip():
            chapters[project_id].add(chapter)
    types: dict[int, set[str]] = {pk: set() for pk in pks}
    rows = Document.objects.filter(
        subject_type=ContentType.objects.get_for_model(Project),
        subject_id__in=pks,
        is_withdrawn=False,
    ).values_list("subject_id", "doc_type", "chapter")
    for subject_id, doc_type, chapter in rows:
        types[subject_id].add(doc_type)
        if chapter:
            chapters[subject_id].add(chapter)
    missing: dict[int, list[str]] = {}
    for project in listed:
        lacks = [str(label) for key, label in Chapter.choices if key not in chapters[project.pk]]
        if project.kind == ProjectKind.EXPANSION and "post_evaluation" not in types[project.pk]:
            lacks.append(_("原项目第三方后评价报告"))
        if (project.new_civil_works or project.energy_intensive) and not {
            "energy_assessment",
            "site_selection",
            "land_prereview",
            "env_assessment",
        } <= types[project.pk]:
            lacks.append(_("节能、选址、用地、环评文件"))
        if lacks:
            missing[project.pk] = lacks
    return missing


def _unit_todos(unit_ids, category) -> list[Todo]:
    projects = list(
        Project.objects.filter(unit_id__in=unit_ids, state__in=UNIT_STATES)
        .only(
            "pk", "code", "name", "state", "kind", "new_civil_works", "energy_intensive", "unit_id"
        )
        .order_by("updated_at")[:LIMIT]
    )
    missing = _missing_before_acceptance([p for p in projects if p.state == S.LISTED])
    items = []
    for p in projects:
        if p.state == S.DRAFT:
            title = _("申报项目需求：%(p)s") % {"p": _label(p)}
            detail = _("草稿尚未申报：完善需求说明后报市大数据发展局审核（第八条）。")
        elif p.state == S.RETURNED:
            title = _("修改后重新报送：%(p)s") % {"p": _label(p)}
            detail = _("项目被退回修改，请按审核意见修改后重新报送。")
        elif p.state == S.FSR_APPROVED:
            title = _("报送初步设计及概（预）算：%(p)s") % {"p": _label(p)}
            detail = _("可研报告已批复，请依据批复编制初步设计及概（预）算（第九条）。")
        elif p.pk in missing:
            title = _("补齐受理材料：%(p)s") % {"p": _label(p)}
            detail = _("已列入项目清单，市发展改革委受理前尚缺：%(m)s。") % {
                "m": "、".join(missing[p.pk])
            }
        else:
            continue
        items.append(Todo(title=title, url=_link(p), category=category, detail=detail))
    return items


def _review_todos(user, category) -> list[Todo]:
    authorities = authorities_of(user)
    consultants = consultant_org_ids(user)
    mine = Q(assignee=user)
    if authorities:
        mine |= Q(assignee__isnull=True, authority__in=authorities) & ~Q(kind=ReviewKind.EVALUATION)
    if consultants:
        mine |= Q(assignee__isnull=True, kind=ReviewKind.EVALUATION, consultant_id__in=consultants)
    reviews = (
        Review.objects.filter(state__in=OPEN_REVIEW_STATES)
        .filter(mine)
        .select_related("project__unit")
        .order_by("created_at")[:LIMIT]
    )
    loaded = list(reviews)
    urges = urges_of(loaded)
    items = []
    for review in loaded:
        project = review.project
        step = review.get_kind_display() + (f"（{review.topic}）" if review.topic else "")
        detail = _("%(unit)s的项目等待您办理（%(state)s）。") % {
            "unit": project.unit.display_name,
            "state": review.get_state_display(),
        }
        urged = urges.get(review.pk)
        if urged:  # 催办 shows on the holder's to-do
            detail += _("已被催办 %(n)s 次，最近一次 %(day)s。") % {
                "n": urged["n"],
                "day": f"{urged['last']:%Y-%m-%d}",
            }
        title = _("%(step)s：%(p)s") % {"step": step, "p": _label(project)}
        items.append(
            Todo(
                title=(_("【催办】") + title) if urged else title,
                url=_link(project),
                category=category,
                detail=detail,
            )
        )
    return items


def urges_of(reviews: list[Review]) -> dict[int, dict]:
    """review id -> how often and when last its holder was urged (催办), one query."""
    rows = (
        ReviewUrge.objects.filter(review__in=reviews)
        .values("review")
        .annotate(n=Count("id"), last=Max("urged_on"))
    )
    return {row["review"]: row for row in rows}


def _drc_todos(category) -> list[Todo]:
    projects = (
        Project.objects.filter(
            state=S.LISTED, list_entries__version__state=ProjectListState.PUBLISHED
        )
        .select_related("unit")
        .distinct()
        .order_by("priority", "code")[:LIMIT]
    )
    return [
        Todo(
            title=_("受理项目：%(p)s") % {"p": _label(p)},
            url=_link(p),
            category=category,
            detail=_("%(unit)s的项目已纳入发布的项目清单，待受理并委托第三方评估（第九条）。")
            % {"unit": p.unit.display_name},
        )
        for p in projects
    ]


@provider
def project_todos(user) -> list:
    if not user.is_authenticated:
        return []
    category = _("项目审批")
    items: list[Todo] = []
    unit_ids = unit_ids_of(user)
    if unit_ids:
        items += _unit_todos(unit_ids, category)
    if authorities_of(user) or consultant_org_ids(user):
        items += _review_todos(user, category)
    if user.has_role(Role.DRC_OFFICER):
        items += _drc_todos(category)
    return items
