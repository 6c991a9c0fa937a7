"""催办 (issue 18 pt 11): the unit that submitted a project, or an authority overseeing its
approval (DRC, the city government), urges whoever holds an open review step. At most once a
day per step; the holder is told and sees the urge on the step's to-do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from accounts.models import User
from accounts.recipients import experts_of, is_unit_staff, reviewers_of
from accounts.roles import Role
from core.dates import today
from core.enums import register_event_words
from core.errors import ActionConflict
from core.findings import Finding
from core.ledger import record_event
from core.memo import page_rows, read_along_any
from core.notify import notify

from ..contracts import ReviewUrgeIn
from ..machines import UNIT
from ..models import Review, ReviewKind, ReviewUrge
from ..visibility import holds_review
from .base import ReviewAction, project_link

URGED = "projects.review_urged"
register_event_words({URGED: L("催办")})

OVERSEERS = (Role.DRC_OFFICER, Role.GOV_APPROVER)


def holders(review: Review) -> list[User]:
    """Who holds the step now: its assignee, or everyone on its desk."""
    if review.assignee is not None:
        return [review.assignee]
    if review.kind == ReviewKind.EVALUATION:
        return list(experts_of(review.consultant_id))
    return list(reviewers_of(review.authority))


def urged_today(project: Any) -> dict[Any, ReviewUrge]:
    """Review pk -> today's urge of the project's steps, one read for all of them (the card
    asks each open step; core.memo shares the read within a page), none when its page read
    along that no step of it was ever urged."""

    def read() -> list[ReviewUrge]:
        urges = ReviewUrge.objects.filter(review__project_id=project.pk, urged_on=today())
        return list(urges.order_by("pk"))

    found: dict[Any, ReviewUrge] = {}
    for urge in page_rows("review_urges", project, read):
        found.setdefault(urge.review_id, urge)
    return found


# the project page reads with its project whether any of its steps was ever urged (core.memo)
read_along_any(
    "projects.project",
    "review_urges",
    lambda ref: ReviewUrge.objects.filter(review__project_id=ref("pk")),
)


class UrgeReview(ReviewAction):
    """催办: ask the holder of an open step to act. Not the holder itself; once a day."""

    label = L("催办")
    roles = UNIT + OVERSEERS
    Input = ReviewUrgeIn
    article = "第八条、第九条"
    requirement = "R9.3"
    style = "outline-secondary"
    hint = L("提醒本环节的办理人尽快办理，每个环节每天可催办一次。")

    def allowed(self, obj: Any, user: Any) -> bool:
        if holds_review(user, obj):
            return False
        return is_unit_staff(user, obj.project.unit_id) or user.has_role(*OVERSEERS)

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterable[Finding]:
        urged = urged_today(obj.project).get(obj.pk)
        if urged is not None:
            yield self.refuse(
                "R9.3.urge-daily",
                N_("本环节今天已于%(time)s催办过，每个环节每天只能催办一次。"),
                remedy=N_("请明天再催办，或直接联系办理人。"),
                params={"time": timezone.localtime(urged.urged_at).strftime("%H:%M")},
            )

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已催办，办理人将在待办和通知中看到。")

    def perform(self, obj: Review, data: ReviewUrgeIn, user: Any, decision: Any) -> ReviewUrge:
        try:
            with transaction.atomic():  # two urges in the same instant: the second is refused
                urge = ReviewUrge.objects.create(
                    review=obj, urged_by=user, urged_on=today(), note=data.note[:200]
                )
        except IntegrityError:
            raise ActionConflict(_("本环节今天已催办过。"), technical="stale") from None
        project = obj.project
        record_event(
            URGED,
            actor=user,
            obj=obj,
            organisation=project.unit_id,
            reason="催办" + (f"：{data.note}" if data.note else ""),
            data={"review": obj.pk, "on": urge.urged_on.isoformat()},
        )
        notify(
            holders(obj),
            title=f"催办：{project.code}《{project.name}》{obj.get_kind_display()}",
            body=data.note,
            link=project_link(project),
        )
        return urge


urge_review = UrgeReview()
