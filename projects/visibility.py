"""Who sees and who may act on which project and review (permission rules of the projects
chapter). Querysets come through ``ProjectQuerySet.for_user``; actions ask ``may_act_on_review``."""

from __future__ import annotations

from django.db.models import Q

from accounts.roles import Role
from accounts.scoping import sees_everything

UNIT_STAFF_ROLES = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
# BDB lists, DRC approves, Finance budgets and the city government oversees every project
# once submitted (Art. 4, 8-10); Audit and the admin read everything.
PROJECT_READER_ROLES = (
    Role.BDB_REVIEWER,
    Role.DRC_OFFICER,
    Role.FINANCE_OFFICER,
    Role.GOV_APPROVER,
)


def unit_ids_of(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.active_memberships() if m.role in UNIT_STAFF_ROLES}


def authorities_of(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {
        m.organisation.authority
        for m in user.active_memberships()
        if m.organisation.authority and m.role != Role.AUDITOR
    }


def consultant_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.active_memberships() if m.role == Role.CONSULTANT}


def supervisor_org_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return {m.organisation_id for m in user.active_memberships() if m.role == Role.SUPERVISOR}


def is_unit_staff(user, unit_id) -> bool:
    return unit_id in unit_ids_of(user)


def reads_all_projects(user) -> bool:
    return bool(
        user.is_authenticated and (sees_everything(user) or user.has_role(*PROJECT_READER_ROLES))
    )


def visible_projects(qs, user):
    if not user.is_authenticated:
        return qs.none()
    if sees_everything(user):
        return qs
    units = unit_ids_of(user)
    condition = Q(unit_id__in=units) | Q(framework__participants__unit_id__in=units)
    if user.has_role(*PROJECT_READER_ROLES):
        condition |= ~Q(state="draft")
    authorities = authorities_of(user)
    if authorities:
        condition |= Q(reviews__authority__in=authorities)
    consultants = consultant_org_ids(user)
    if consultants:
        # A consultant sees only the projects assigned to its organisation: DRC's evaluation
        # (Art. 9) or a commissioned post-evaluation (Art. 30).
        condition |= Q(reviews__kind="evaluation", reviews__consultant_id__in=consultants)
        condition |= Q(post_evaluations__consultant_id__in=consultants)
    supervisors = supervisor_org_ids(user)
    if supervisors:
        # An engineering supervisor sees only the projects it supervises (Art. 22).
        condition |= Q(
            supervisor_assignments__supervisor_id__in=supervisors,
            supervisor_assignments__is_active=True,
        )
    condition |= Q(reviews__copies__recipient=user)
    return qs.filter(pk__in=qs.model.objects.filter(condition).values("pk"))


def may_act_on_review(user, review) -> bool:
    """The assignee, if any, acts; otherwise any reviewer of the review's authority, or for an
    evaluation any expert of the assigned consultant organisation."""
    if not (user.is_authenticated and review.is_open):
        return False
    if review.assignee_id is not None:
        return review.assignee_id == user.pk
    if review.kind == "evaluation":
        return review.consultant_id in consultant_org_ids(user)
    return bool(review.authority) and review.authority in authorities_of(user)
