"""Handing a review step on (Art. 8, 9): 转办 to a colleague of the same desk, 抄送 for
read-only sight, and the plain 退回修改 and 不予通过 of DRC's approval step (the other steps
return through their own decision's form)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.models import Membership, User
from accounts.recipients import experts_of, reviewers_of
from accounts.roles import OrgKind, Role
from accounts.scoping import for_user
from core.enums import ActionCode
from core.errors import ActionInvalid
from core.ledger import record_event
from core.memo import memoised, remember
from core.notify import notify

from ..contracts import ReviewCopyIn, ReviewOpinionIn, ReviewTransferIn
from ..machines import BDB, DRC, PROJECT, REVIEWERS
from ..models import Project, Review, ReviewCopy, ReviewKind
from ..visibility import holds_review
from .base import ReviewAction, project_link
from .reviews import reject_at, return_at


def colleagues(review: Review, user: Any) -> list[User]:
    """Who the review may be transferred to: the same desk's other reviewers (the same
    authority's, or the experts of the same consultant organisation)."""
    if review.kind == ReviewKind.EVALUATION:
        desk = experts_of(review.consultant_id)
    else:
        desk = reviewers_of(review.authority)
    pks = [u.pk for u in desk if u.pk != user.pk]
    return list(for_user(User, user).filter(pk__in=pks).order_by("username"))


class TransferReview(ReviewAction):
    """转办: hand a review to a colleague of the same desk."""

    label = L("转办")
    roles = REVIEWERS
    Input = ReviewTransferIn
    article = "第八条、第九条"
    requirement = "R9.3"
    style = "outline-secondary"

    def success_message(self, obj: Any, result: Any) -> str:
        who = result.assignee
        return _("已转办给%(name)s。") % {"name": who.get_full_name() or who.username}

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        for review in super().targets(page_obj, user):
            if holds_review(user, review) and colleagues(review, user):
                yield review

    def choices(self, obj: Any, user: Any) -> dict:
        return {"to_user": [(u.pk, u.get_full_name() or u.username) for u in colleagues(obj, user)]}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = ReviewTransferIn.parse(data)
        if clean.to_user not in {u.pk for u in colleagues(obj, user)}:
            raise ActionInvalid(
                _("只能转办给本单位同一岗位的其他在岗人员。"),
                {"to_user": _("请选择本单位具有相同审核角色的同事。")},
            )
        return clean

    def perform(self, obj: Review, data: ReviewTransferIn, user: Any, decision: Any) -> Review:
        target = User.objects.get(pk=data.to_user)
        previous = obj.assignee
        obj.assignee = target
        obj.save(update_fields=["assignee"])
        project = obj.project
        name = target.get_full_name() or target.username
        record_event(
            ActionCode.REVIEW_TRANSFERRED,
            actor=user,
            obj=obj,
            organisation=project.unit_id,
            reason=f"转办给{name}" + (f"：{data.note}" if data.note else ""),
            data={"from": getattr(previous, "username", user.username), "to": target.username},
        )
        notify(
            [target],
            title=f"转办：{project.code}《{project.name}》{obj.get_kind_display()}",
            body=data.note,
            link=project_link(project),
        )
        return obj


def copy_units(review: Review) -> set[int]:
    """The project's unit and, for a cross-department project, its partner units."""
    project = review.project
    units = {project.unit_id}
    if project.framework is not None:
        units |= set(project.framework.participants.values_list("unit_id", flat=True))
    return units


def copy_groups(user: Any, review: Review) -> list[tuple[str, list[User]]]:
    """Who a review step may be copied to (抄送), the relevant first: the authority that acts
    at this step, the project's unit (and partner units), then the other authorities (such as
    市公安局). Never officers of other units, consultants or supervisors not assigned to the
    project: they have no standing to read it (issue 18 pt 4). Each group by name."""
    units = copy_units(review)
    # the same people for every step of the project: read once per page (core.memo), with
    # all their memberships, which their labels name (``organisations_of``)
    every = memoised(
        ("copy_members", user.pk, frozenset(units)), lambda: _copy_members(user, units)
    )
    members = [
        m for m in every if m.organisation_id in units or m.organisation.kind == OrgKind.AUTHORITY
    ]
    remember(("organisations_of", frozenset(m.user_id for m in members)), every)
    step: dict[int, User] = {}
    own: dict[int, User] = {}
    others: dict[int, User] = {}
    for m in members:
        org = m.organisation
        if org.kind == OrgKind.AUTHORITY and review.authority and org.authority == review.authority:
            bucket = step
        elif org.pk in units:
            bucket = own
        else:
            bucket = others
        bucket.setdefault(m.user_id, m.user)
    taken: set[int] = set()
    groups = []
    for title, bucket in (
        (_("本环节审核机构"), step),
        (_("项目建设单位"), own),
        (_("其他主管部门"), others),
    ):
        people = [u for pk, u in bucket.items() if pk not in taken]
        taken |= {u.pk for u in people}
        if people:
            groups.append((title, sorted(people, key=lambda u: u.username)))
    return groups


def _copy_members(user: Any, units: set[int]) -> list[Membership]:
    """The active memberships of everyone but ``user`` who belongs to one of ``units`` or to
    an authority."""
    standing = Membership.objects.filter(is_active=True).filter(
        Q(organisation_id__in=units) | Q(organisation__kind=OrgKind.AUTHORITY)
    )
    return list(
        Membership.objects.filter(is_active=True, user__is_active=True)
        .filter(user_id__in=standing.values("user_id"))
        .exclude(user_id=user.pk)
        .select_related("organisation", "user")
    )


def copy_candidates(user: Any, review: Review) -> list[User]:
    return [u for _title, people in copy_groups(user, review) for u in people]


def organisations_of(users: list[User]) -> dict[int, str]:
    """user id -> the names of the user's organisations (one query for all)."""
    names: dict[int, list[str]] = {}
    memberships = memoised(  # the same people for every step of a page's card
        ("organisations_of", frozenset(u.pk for u in users)),
        lambda: list(
            Membership.objects.filter(user__in=users, is_active=True).select_related("organisation")
        ),
    )
    for m in memberships:
        names.setdefault(m.user_id, []).append(m.organisation.display_name)
    return {pk: "、".join(dict.fromkeys(orgs)) for pk, orgs in names.items()}


def user_label(user: User, organisations: dict[int, str]) -> str:
    orgs = organisations.get(user.pk, "")
    name = user.get_full_name() or user.username
    return f"{name}（{orgs}）" if orgs else name


class CopyReview(ReviewAction):
    """抄送: give others read-only sight of a review step (and its project). The holder of the
    step may copy it; DRC, which organises the whole approval, may copy any step."""

    label = L("抄送")
    roles = REVIEWERS
    Input = ReviewCopyIn
    article = "第八条、第九条"
    requirement = "R9.3"
    style = "outline-secondary"
    hint = L("抄送对象可查看本项目及该环节意见。")

    def success_message(self, obj: Any, result: Any) -> str:
        names = "、".join(c.recipient.get_full_name() or c.recipient.username for c in result)
        return _("已抄送：%(names)s。") % {"names": names} if names else _("已抄送。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return holds_review(user, obj) or user.has_role(Role.DRC_OFFICER)

    def choices(self, obj: Any, user: Any) -> dict:
        groups = copy_groups(user, obj)
        labels = organisations_of([u for _title, people in groups for u in people])
        return {
            "recipients": [
                (title, [(u.pk, user_label(u, labels)) for u in people]) for title, people in groups
            ]
        }

    def perform(
        self, obj: Review, data: ReviewCopyIn, user: Any, decision: Any
    ) -> list[ReviewCopy]:
        users = list(User.objects.filter(pk__in=data.recipients, is_active=True))
        if not users:
            raise ActionInvalid(
                _("请选择抄送对象。"), {"recipients": _("请至少选择一位抄送对象。")}
            )
        allowed = {u.pk for u in copy_candidates(user, obj)}
        if any(u.pk not in allowed for u in users):
            # other units' officers have no standing to read the project (Art. 8, 9)
            raise ActionInvalid(
                _("抄送对象不在可选范围内。"),
                {"recipients": _("只能抄送给本环节审核机构、项目建设单位或其他主管部门的人员。")},
            )
        copies = []
        for recipient in users:
            copy, created = ReviewCopy.objects.get_or_create(
                review=obj,
                recipient=recipient,
                defaults={"copied_by": user, "note": data.note[:200]},
            )
            if created:
                copies.append(copy)
        project = obj.project
        record_event(
            ActionCode.REVIEW_COPIED,
            actor=user,
            obj=obj,
            organisation=project.unit_id,
            reason="抄送：" + "、".join(u.get_full_name() or u.username for u in users),
            data={"recipients": [u.username for u in users]},
        )
        notify(
            [c.recipient for c in copies],
            title=f"抄送：{project.code}《{project.name}》{obj.get_kind_display()}",
            body=data.note,
            link=project_link(project),
        )
        return copies


class ReturnProject(ReviewAction):
    """退回修改 at any review: the unit revises and resubmits to the same step (Art. 8, 9)."""

    label = L("退回修改")
    roles = PROJECT["return"].roles
    Input = ReviewOpinionIn
    card_kinds = (ReviewKind.DRC_APPROVAL,)  # the other steps return through their own form
    article = "第八条、第九条"
    requirement = "R8.2"
    style = "outline-warning"
    success = L("已退回项目建设单位修改。")

    project_transition = "return"

    def perform(self, obj: Review, data: ReviewOpinionIn, user: Any, decision: Any) -> Project:
        return return_at(obj.project, obj, user, data.opinion)


class RejectProject(ReviewAction):
    """不予通过: BDB does not list, or DRC does not approve. Final; reasons required."""

    label = L("不予通过")
    roles = BDB + DRC
    Input = ReviewOpinionIn
    kinds = (ReviewKind.LIST, ReviewKind.DRC_APPROVAL)
    card_kinds = (ReviewKind.DRC_APPROVAL,)
    article = "第八条、第九条"
    requirement = "R8.2"
    style = "outline-danger"
    success = L("已作出不予通过的决定。")
    confirm = L("不予通过是最终决定，项目审批终止（第八条、第九条）。")

    project_transition = "reject"

    def perform(self, obj: Review, data: ReviewOpinionIn, user: Any, decision: Any) -> Project:
        return reject_at(obj.project, obj, user, data.opinion)


transfer_review = TransferReview()
copy_review = CopyReview()
return_project = ReturnProject()
reject_project = RejectProject()
