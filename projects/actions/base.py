"""What the projects chapter's actions share: the project they answer to (its unit, its policy,
its gate context), the machines they move, and the reviews they open and close.

Every action on a project or a review locks the project row first (then the review): two
reviewers acting at once serialise, and the second finds the state changed, which the
machine's state check reports as a finding citing the transition's article.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.recipients import experts_of, is_unit_staff, reviewers_of, unit_ids_of
from accounts.roles import Authority, OrgKind
from core.enums import ActionCode
from core.errors import ActionForbidden, ActionInvalid
from core.findings import Finding
from core.memo import memoised, remember
from core.notify import notify
from policy.engine import GateContext
from policy.gates import GatedAction
from policy.lookup import NoPolicyInForce, policy_in_force

from ..machines import OPEN, PROJECT, REVIEW, UNIT
from ..models import (
    JOINT_REVIEW_AUTHORITIES,
    JOINT_REVIEW_TOPIC,
    Project,
    ProjectState,
    Review,
    ReviewKind,
    Stage,
)
from ..services import latest_round, project_context
from ..visibility import holds_review

S = ProjectState


def project_link(project: Project | int) -> str:
    return reverse("projects:detail", args=[getattr(project, "pk", project)])


def own_units(user: Any) -> list[Organisation]:
    return list(
        Organisation.objects.filter(pk__in=unit_ids_of(user), kind=OrgKind.UNIT).order_by("name")
    )


def policy_code(project: Project, decision: Any = None) -> str:
    """The policy a ledger event answers to: the decision's, else the project's (fixed at
    acceptance), else the one in force for its unit."""
    if decision is not None:
        return str(decision.policy.code)
    if project.policy_id:
        return str(getattr(project.policy, "code", ""))
    try:
        return str(policy_in_force(project.unit).code)
    except NoPolicyInForce:
        return ""


class ProjectAction(GatedAction):
    """An action on a project (or on something of it): its gate reads the project's context
    and its events go to the project's unit."""

    model: ClassVar[Any] = Project
    machine = PROJECT
    offered_on = "projects.project"

    def project_of(self, obj: Any) -> Project:
        return obj

    def facts(self, obj: Any, data: Any) -> dict[str, Any]:
        """What the action adds to the gate's context (the typed input, when there is one)."""
        return {}

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        return project_context(self.project_of(obj), user, **self.facts(obj, data))

    def policy_for(self, obj: Any) -> Any:
        project = self.project_of(obj)
        return project.policy or policy_in_force(project.unit)

    def organisation_of(self, obj: Any) -> Any:
        return self.project_of(obj).unit

    def next_url(self, obj: Any, result: Any) -> str:
        if obj is None:
            return super().next_url(obj, result)
        return project_link(self.project_of(obj))


class UnitAction(ProjectAction):
    """An action the project's own unit takes (its 填报人 or 负责人)."""

    roles: ClassVar[tuple[str, ...]] = UNIT

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, obj.unit_id)


def move_project(
    project: Project,
    code: str,
    *,
    actor: Any,
    event: str,
    decision: Any = None,
    reason: str = "",
    data: dict | None = None,
    update_fields: tuple[str, ...] = (),
) -> str:
    """Take the project's transition ``code`` (one ledger event under its unit and policy)."""
    return PROJECT.move(
        project,
        code,
        actor=actor,
        event=event,
        decision=decision,
        reason=reason,
        data=data,
        policy_version=policy_code(project, decision),
        organisation=project.unit_id,
        update_fields=update_fields,
    )


# -- reviews ---------------------------------------------------------------------------------


class ReviewAction(ProjectAction):
    """An action on one review of a project, offered on the project's page for whoever holds
    the review; ``kinds`` are the reviews it applies to, ``card_kinds`` those the card offers
    it for (the same unless a review kind has its own combined form)."""

    model = Review
    machine = REVIEW
    states: ClassVar[tuple[str, ...]] = OPEN
    kinds: ClassVar[tuple[str, ...]] = ()
    card_kinds: ClassVar[tuple[str, ...] | None] = None

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        review = super().load(ref, user, lock=False)
        if lock:  # the project row first, then the review: concurrent reviewers serialise
            project = Project.objects.select_for_update().get(pk=review.project_id)
            review = Review.objects.select_for_update().get(pk=review.pk)
            review.project = project
        return review

    #: the project's transition the review's decision takes: the project must stand in one
    #: of its sources (``leaving``); ``project_transition_for`` may choose it by the input
    project_transition: ClassVar[str] = ""

    def project_of(self, obj: Any) -> Project:
        return obj.project

    def allowed(self, obj: Any, user: Any) -> bool:
        return (not self.kinds or obj.kind in self.kinds) and holds_review(user, obj)

    def project_transition_for(self, obj: Any, data: Any) -> str:
        return self.project_transition

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterable[Finding]:
        code = self.project_transition_for(obj, data)
        finding = leaving(obj, code) if code else None
        if finding is not None:
            yield finding

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        kinds = self.kinds if self.card_kinds is None else self.card_kinds
        for review in open_reviews_of(page_obj):
            if not kinds or review.kind in kinds:
                yield review

    def target_label(self, obj: Any) -> str:
        return _("%(step)s · 第%(n)s轮") % {"step": obj.label, "n": obj.round}

    def project_state(self, review: Review, *codes: str) -> Finding | None:
        """Why the project is not in a state its transition(s) ``codes`` leave (None if it
        is): a review that is open while its project moved on is refused for the project."""
        project = review.project
        sources = tuple(dict.fromkeys(s for c in codes for s in PROJECT[c].sources))
        first = PROJECT[codes[0]]
        return PROJECT.states_finding(
            project, sources, first.label, first.article, first.requirement, codes[0]
        )


def remember_open_reviews(project: Project, reviews: list[Review]) -> None:
    """Record, for the card of a page that read every review of ``project``, its open ones
    (``open_reviews_of`` then reads nothing)."""
    for review in reviews:
        review.project = project  # the page's project, with its unit
    remember(
        ("open_reviews", project.pk),
        sorted((r for r in reviews if r.state in OPEN), key=lambda r: (r.created_at, r.pk)),
    )


def open_reviews_of(project: Project) -> list[Review]:
    """The open reviews of a project, oldest first (read once per card: ``core.memo``)."""
    return memoised(
        ("open_reviews", project.pk),
        lambda: list(
            Review.objects.filter(project=project, state__in=OPEN)
            .select_related("project__unit", "assignee")
            .order_by("created_at", "pk")
        ),
    )


def move_review(
    review: Review, code: str, *, actor: Any, event: str, reason: str = "", **fields: Any
) -> str:
    """Take the review's transition ``code``, saving ``fields`` with it."""
    for name, value in fields.items():
        setattr(review, name, value)
    project = review.project
    return REVIEW.move(
        review,
        code,
        actor=actor,
        event=event,
        reason=reason,
        policy_version=policy_code(project),
        organisation=project.unit_id,
        update_fields=tuple(fields),
    )


def close_review(review: Review, code: str, user: Any, *, opinion: str = "", **fields: Any) -> None:
    """Decide the review (agree, return, reject) with its opinion: one event on the review."""
    from django.utils import timezone

    fields.update(opinion=opinion, decided_at=timezone.now(), decided_by=user)
    if review.assignee_id is None:
        fields["assignee"] = user
    reason = f"{review.label}：{REVIEW[code].label}" + (f"：{opinion}" if opinion else "")
    move_review(review, code, actor=user, event=ActionCode.REVIEW_OPINION, reason=reason, **fields)


def supersede_open_reviews(project: Project, except_pk: int | None = None) -> int:
    """The round closes: the project's other open reviews lapse together. The project's own
    event (returned, rejected, withdrawn) says why."""
    qs: QuerySet = Review.objects.filter(project=project).exclude(pk=except_pk)
    return REVIEW.set_many(qs, "supersede")


def review_recipients(review: Review) -> list[User]:
    if review.assignee is not None:
        return [review.assignee]
    if review.kind == ReviewKind.EVALUATION:
        return experts_of(review.consultant_id)
    return reviewers_of(review.authority)


def open_review(
    project: Project,
    kind: str,
    *,
    authority: str = "",
    stage: str = Stage.FSR,
    consultant: Any = None,
    assignee: Any = None,
) -> Review:
    """A new review of the next round, and a to-do notification for whoever must act."""
    review = Review.objects.create(
        project=project,
        kind=kind,
        stage=stage,
        round=latest_round(project, kind, stage) + 1,
        authority=authority,
        consultant=consultant,
        assignee=assignee,
    )
    notify(
        review_recipients(review),
        title=f"待办：{project.code}《{project.name}》{review.get_kind_display()}",
        body=f"{project.unit.display_name}的项目等待您办理（{review.get_kind_display()}）。",
        link=project_link(project),
    )
    return review


def open_joint_review(project: Project) -> None:
    """One review per authority of the joint technical review (Art. 9), a new round."""
    rnd = latest_round(project, ReviewKind.JOINT, Stage.FSR) + 1
    for authority in JOINT_REVIEW_AUTHORITIES:
        Review.objects.create(
            project=project, kind=ReviewKind.JOINT, stage=Stage.FSR, round=rnd, authority=authority
        )
        notify(
            reviewers_of(authority),
            title=f"待办：{project.code}《{project.name}》联合技术审查（{JOINT_REVIEW_TOPIC[authority]}）",
            link=project_link(project),
        )


def open_reviews_for(project: Project, state: str) -> None:
    """The reviews a project entering ``state`` by (re)submission waits for."""
    if state == S.SUBMITTED:
        open_review(project, ReviewKind.LIST, authority=Authority.BDB)
        open_isolation_review(project)
    elif state == S.JOINT_REVIEW:
        open_joint_review(project)
    elif state == S.DESIGN_REVIEW:
        open_review(project, ReviewKind.DESIGN_CONTENT, authority=Authority.BDB, stage=Stage.DESIGN)


def open_isolation_review(project: Project) -> None:
    """At submission, BDB's initial review of a project declaring an isolated network, unless
    one is open or the city government has already approved it (Art. 31)."""
    if not project.isolated_network:
        return
    reviews = Review.objects.filter(project=project, kind=ReviewKind.ISOLATION)
    if (
        reviews.filter(state__in=OPEN).exists()
        or reviews.filter(authority=Authority.GOV, state="agreed").exists()
    ):
        return
    open_review(project, ReviewKind.ISOLATION, authority=Authority.BDB)


def unit_of(user: Any, unit: Any, field: str = "unit") -> Organisation:
    """The unit an action creates for: one of the user's own units (missing and others' look
    the same)."""
    pk = getattr(unit, "pk", unit)
    if pk in (None, ""):
        raise ActionInvalid(_("请选择建设单位。"), {field: _("请选择建设单位。")})
    found = next((u for u in own_units(user) if u.pk == pk), None)
    if found is None:
        raise ActionForbidden()
    return found


def leaving(review: Review, code: str) -> Finding | None:
    """Why the project cannot take ``code`` now. A pending list review may still be decided
    while the project is submitted (the decision implies 签收)."""
    project = review.project
    if review.kind == ReviewKind.LIST and project.state == S.SUBMITTED:
        return None
    t = PROJECT[code]
    return PROJECT.states_finding(project, t.sources, t.label, t.article, t.requirement, code)
