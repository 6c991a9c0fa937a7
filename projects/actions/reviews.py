"""What every review step shares (Art. 8, 9): 签收 (signing for it), and the two ways a decision
ends the round — 退回修改 (the project goes back for revision and is resubmitted to the same
step) and 不予通过 (final)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from accounts.recipients import unit_staff
from core.enums import ActionCode
from core.findings import Finding
from core.notify import notify
from policy.gates import refusal

from ..machines import PROJECT, REVIEWERS
from ..models import Project, ProjectState, Review, ReviewKind, ReviewState
from ..visibility import holds_review, on_desk
from .base import ReviewAction, close_review, move_project, move_review, project_link

S = ProjectState


def sign_if_pending(project: Project, review: Review, user: Any) -> None:
    """Deciding BDB's list review (list, return or reject) implies 签收: the project leaves
    the unit's hands first, as when BDB signs for it."""
    if review.kind == ReviewKind.LIST and review.state == ReviewState.PENDING:
        move_review(
            review,
            "start",
            actor=user,
            event=ActionCode.REVIEW_STARTED,
            reason="签收（随审核决定）",
            assignee=user,
            started_at=timezone.now(),
        )
        if project.state == S.SUBMITTED:
            move_project(
                project,
                "start_list_review",
                actor=user,
                event=ActionCode.REVIEW_STARTED,
                reason="市大数据发展局签收，开始审核（第八条）",
            )


def return_at(project: Project, review: Review, user: Any, opinion: str) -> Project:
    """退回修改: the review closes, the round's other reviews lapse, the unit is told."""
    sign_if_pending(project, review, user)
    close_review(review, "return", user, opinion=opinion)
    from .base import supersede_open_reviews

    supersede_open_reviews(project, except_pk=review.pk)
    project.returned_from = project.state
    topic = f"（{review.topic}）" if review.topic else ""
    move_project(
        project,
        "return",
        actor=user,
        event=ActionCode.PROJECT_RETURNED,
        reason=f"{review.get_kind_display()}{topic}退回：{opinion}",
        data={"review_id": review.pk, "returned_from": project.returned_from},
        update_fields=("returned_from",),
    )
    notify(
        unit_staff(project.unit_id),
        title=f"退回修改：{project.code}《{project.name}》",
        body=opinion,
        link=project_link(project),
    )
    return project


def reject_at(project: Project, review: Review, user: Any, opinion: str) -> Project:
    """不予通过: final; the reasons are required and the unit is told."""
    sign_if_pending(project, review, user)
    close_review(review, "reject", user, opinion=opinion)
    from .base import supersede_open_reviews

    supersede_open_reviews(project, except_pk=review.pk)
    move_project(
        project,
        "reject",
        actor=user,
        event=ActionCode.PROJECT_REJECTED,
        reason=f"{review.get_kind_display()}不予通过：{opinion}",
        data={"review_id": review.pk},
    )
    notify(
        unit_staff(project.unit_id),
        title=f"不予通过：{project.code}《{project.name}》",
        body=opinion,
        link=project_link(project),
    )
    return project


class StartReview(ReviewAction):
    """签收: the reviewer takes the review; for BDB's list review the project leaves the
    submitter's hands (withdrawal is no longer possible)."""

    label = L("签收")
    roles = REVIEWERS
    states = (ReviewState.PENDING,)
    article = "第八条、第九条"
    requirement = "R9.3"
    style = "outline-secondary"
    hint = L("可选：表明此环节由您承办；不签收直接办理的，视为签收。")
    success = L("已签收，请办理。")

    def allowed(self, obj: Any, user: Any) -> bool:
        # Two colleagues signing at once: the second is told it is signed (a state), not
        # that the review is someone else's.
        return on_desk(user, obj)

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        for review in super().targets(page_obj, user):
            if review.state == ReviewState.PENDING and holds_review(user, review):
                yield review

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterable[Finding]:
        if obj.assignee_id is not None and obj.assignee_id != user.pk:
            yield refusal(
                "R9.3.assigned",
                N_("该审核环节已由%(name)s承办，不能签收。"),
                remedy=N_("请刷新页面；如需协助，请联系承办人转办。"),
                params={"name": obj.assignee.get_full_name() or obj.assignee.username},
            )
        if obj.kind == ReviewKind.LIST:
            finding = PROJECT.state_finding(obj.project, "start_list_review")
            if finding is not None:
                yield finding

    def perform(self, obj: Review, data: Any, user: Any, decision: Any) -> Review:
        move_review(
            obj,
            "start",
            actor=user,
            event=ActionCode.REVIEW_STARTED,
            reason=f"签收{obj.get_kind_display()}",
            assignee=user,
            started_at=timezone.now(),
        )
        if obj.kind == ReviewKind.LIST:
            move_project(
                obj.project,
                "start_list_review",
                actor=user,
                event=ActionCode.REVIEW_STARTED,
                reason="市大数据发展局签收，开始审核（第八条）",
            )
        return obj


start_review = StartReview()
