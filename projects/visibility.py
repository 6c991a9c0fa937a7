"""Who sees and who may act on which project and review (permission rules of the projects
chapter). Querysets come through ``ProjectQuerySet.for_user``; actions ask ``holds_review``
and ``on_desk``. Who a user is comes from ``accounts.recipients``."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.recipients import (
    AUTHORITY_ROLE,
    authorities_of,
    consultant_org_ids,
    is_unit_staff,
    supervisor_org_ids,
    unit_ids_of,
)
from accounts.roles import Role
from accounts.scoping import sees_everything

# BDB lists, DRC approves, Finance budgets and the city government oversees every project
# once submitted (Art. 4, 8-10); Audit and the admin read everything.
PROJECT_READER_ROLES = (
    Role.BDB_REVIEWER,
    Role.DRC_OFFICER,
    Role.FINANCE_OFFICER,
    Role.GOV_APPROVER,
)

__all__ = [
    "PROJECT_READER_ROLES",
    "authorities_of",
    "consultant_org_ids",
    "holds_review",
    "is_unit_staff",
    "may_act_on_review",
    "on_desk",
    "reads_all_projects",
    "supervisor_org_ids",
    "unit_ids_of",
    "visible_projects",
    "visible_through",
]


def reads_all_projects(user: Any) -> bool:
    return bool(
        user.is_authenticated and (sees_everything(user) or user.has_role(*PROJECT_READER_ROLES))
    )


QS = TypeVar("QS", bound=QuerySet)


def visible_projects(qs: QS, user: Any) -> QS:
    """The projects ``user`` may see, as one WHERE clause of ORed conditions: plain columns
    first (the unit's own, any submitted project for a reader), then one EXISTS per relation
    that grants sight. EXISTS, not joins: a join through a to-many relation multiplies rows
    and needed ``pk IN (…)`` to undo it, which made every count and page scan the joins (at
    100,000 projects a reader's count took about 130 ms instead of 20)."""
    if not user.is_authenticated:
        return qs.none()
    if sees_everything(user):
        return qs
    return qs.filter(_sight(user))


def visible_through(user: Any, field: str) -> Q:
    """The rows whose project, reached through ``field`` (``"project"``,
    ``"contract__project"``), ``user`` sees. For a reader of every submitted project it is a
    condition on the joined project itself (its state, its unit, the drafts granted), so that
    a list in its own order reads its first rows from its index; ``field IN (visible
    projects)`` made PostgreSQL hash the 95,000 visible projects and sort every row first."""
    from .models import Project

    if user.is_authenticated and not sees_everything(user) and reads_all_projects(user):
        # the drafts a relation grants (a few, if any) are read first and named: as subqueries
        # inside the project's lookup, PostgreSQL costed them again for every row and sorted
        # every row instead of walking the list's index (the budget list: 540 ms -> 11 ms)
        condition = ~Q(**{f"{field}__state": "draft"})
        condition |= Q(**{f"{field}_id__in": _granted_draft_ids(user)})
        units = unit_ids_of(user)
        if units:
            condition |= Q(**{f"{field}__unit_id__in": units})
            condition |= _framework_sight(units, f"{field}__")
        return Q(**{f"{field}__isnull": False}) & condition
    return Q(**{f"{field}__in": Project.objects.for_user(user)})


def _granted_draft_ids(user: Any) -> set[int]:
    """The drafts a relation grants ``user`` sight of, one semi-join from the drafts each."""
    ids: set[int] = set()
    for rows, project_id in _granting_rows(user):
        granted = _drafts().filter(Exists(rows.filter(**{project_id: OuterRef("pk")})))
        ids.update(granted.values_list("pk", flat=True))
    return ids


def _sight(user: Any) -> Q:
    if user.has_role(*PROJECT_READER_ROLES):
        return _reader_sight(user)
    units = unit_ids_of(user)
    condition: Any = Q(unit_id__in=units) | _framework_sight(units)  # Q | Exists
    for rows, project_id in _granting_rows(user):
        condition |= Exists(rows.filter(**{project_id: OuterRef("pk")}))
    return condition


def _reader_sight(user: Any, to_project: str = "") -> Q:
    """A reader sees every submitted project; the relations only add drafts (e.g. one
    withdrawn after a review). Each relation is asked of the drafts (a few thousand, from the
    state index) as its own semi-join, probing the relation's project index; an EXISTS ORed
    into every row's condition was run by PostgreSQL as one hash of all the authority's
    reviews (183,000 at 100,000 projects: 700 ms a count and a page). ``to_project`` prefixes
    the fields when the condition is asked of rows that belong to a project."""
    units = unit_ids_of(user)
    condition = ~Q(**{f"{to_project}state": "draft"})
    if units:
        condition |= Q(**{f"{to_project}unit_id__in": units}) | _framework_sight(units, to_project)
    drafts = _drafts()
    for rows, project_id in _granting_rows(user):
        granted = drafts.filter(Exists(rows.filter(**{project_id: OuterRef("pk")})))
        condition |= Q(**{f"{to_project}pk__in": granted.values("pk")})
    return condition


def _drafts() -> QuerySet[Any]:
    from .models import Project

    return Project.objects.filter(state="draft")


def _framework_sight(units: Any, to_project: str = "") -> Q:
    """The units taking part in a cross-department framework see its projects (Art. 13)."""
    from .models import FrameworkParticipant

    if not units:
        return Q(pk__in=[])
    joined = FrameworkParticipant.objects.filter(unit_id__in=units).values("framework_id")
    return Q(**{f"{to_project}framework_id__in": joined})


def _granting_rows(user: Any) -> list[tuple[QuerySet[Any], str]]:
    """Each relation that grants ``user`` sight of a project: (its rows, the path from a row
    to the project's id)."""
    from delivery.models import PostEvaluation, SupervisorAssignment

    from .models import Review, ReviewCopy

    grants: list[tuple[QuerySet[Any], str]] = [
        (ReviewCopy.objects.filter(recipient_id=user.pk), "review__project_id")
    ]
    authorities = authorities_of(user)
    if authorities:
        grants.append((Review.objects.filter(authority__in=authorities), "project_id"))
    consultants = consultant_org_ids(user)
    if consultants:
        # A consultant sees only the projects assigned to its organisation: DRC's evaluation
        # (Art. 9) or a commissioned post-evaluation (Art. 30).
        evaluations = Review.objects.filter(kind="evaluation", consultant_id__in=consultants)
        grants.append((evaluations, "project_id"))
        commissioned = PostEvaluation.objects.filter(consultant_id__in=consultants)
        grants.append((commissioned, "project_id"))
    supervisors = supervisor_org_ids(user)
    if supervisors:
        # An engineering supervisor sees only the projects it supervises (Art. 22).
        supervised = SupervisorAssignment.objects.filter(
            supervisor_id__in=supervisors, is_active=True
        )
        grants.append((supervised, "project_id"))
    return grants


def on_desk(user: Any, review: Any) -> bool:
    """Is the review on ``user``'s desk: an expert of the assigned consultant, or a reviewer
    (with the authority's reviewing role) of the authority that must act? Whoever holds the
    review now (``holds_review``) is one of them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if review.kind == "evaluation":
        return review.consultant_id in consultant_org_ids(user)
    role = AUTHORITY_ROLE.get(review.authority)
    return role is not None and review.authority in authorities_of(user) and user.has_role(role)


def holds_review(user: Any, review: Any) -> bool:
    """May ``user`` act on ``review``: its assignee while it is open (转办 or an assigned
    expert), otherwise anyone on its desk. A closed review stays with its desk, so that acting
    on it again is refused for its state (a finding), not as someone else's."""
    if review.is_open and review.assignee_id is not None:
        return bool(review.assignee_id == user.pk)
    return on_desk(user, review)


def may_act_on_review(user: Any, review: Any) -> bool:
    """The person who may act on an open review now (to-dos, attachments)."""
    return bool(review.is_open and holds_review(user, review))


class SeenWithProject:
    """Queryset mixin for rows that belong to a project (budgets, contracts, match sets, …) in
    the chapters above this one: visible exactly when the project is (``visible_through``)."""

    project_field = "project"

    def for_user(self: Any, user: Any) -> Any:
        return self.filter(visible_through(user, self.project_field))
