"""The approval lifecycle as a machine (projects/machines.py): the table is consistent with the
registry and the actions, every state is reachable with the real actions, every transition
is recorded and tells the next actor; withdraw, 转办 and 抄送 behave."""

import pytest

from core import actions as action_registry
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent, Notification
from policy.registry import registry
from projects import actions
from projects.machines import PROJECT, RESUBMIT_CODE, RESUBMIT_TARGET
from projects.models import Project, ProjectState, Review, ReviewKind

from .helpers import decide_list

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"
FIVE = {"wxb_shencha", "czj_jingban", "dsj_shenhe", "mmj_shencha", "bmj_shencha"}
UNIT = {"jw_tianbao", "jw_fuze"}
BDB = {"dsj_shenhe", "dsj_shenhe2"}


# -- the table ---------------------------------------------------------------------------


@pytest.mark.parametrize("t", PROJECT.transitions, ids=lambda t: t.code)
def test_transition_gate_and_action_exist(t):
    act = action_registry.registered()[t.action]
    assert callable(act) and act.name == t.action
    if t.gate:
        assert t.gate in registry.gates, t.gate
        _title, gate_action, rules = registry.gates[t.gate]
        assert rules and all(r in registry.rules for r in rules)
        # The gate names an action of the same transition (approvals share one action).
        assert gate_action in {t.action, *(x.action for x in PROJECT.transitions)}
    assert t.article.startswith("第") and t.roles and t.requirement
    assert t.target in S.values and all(s in S.values for s in t.sources)


def test_every_state_is_entered_by_some_transition():
    targets = {t.target for t in PROJECT.transitions}
    assert set(S.values) - targets == set()  # DRAFT is entered by withdraw


def test_every_non_terminal_state_can_be_left():
    for state in S.values:
        if state in PROJECT.terminal:
            assert PROJECT.transitions_from(state) == []
        else:
            assert PROJECT.transitions_from(state), state


def test_resubmit_targets_are_states_the_review_can_return_from():
    returnable = set(PROJECT["return"].sources)
    assert set(RESUBMIT_TARGET) == returnable
    # each way back is a transition of its own, from 退回修改 to the step that returned it
    for target in set(RESUBMIT_TARGET.values()):
        t = PROJECT[RESUBMIT_CODE[target]]
        assert (t.sources, t.target) == ((S.RETURNED,), target)


def test_can_take_follows_the_roles(personas):
    assert PROJECT.can_take(personas.drc, "accept", S.LISTED)
    assert not PROJECT.can_take(personas.consultant, "accept", S.LISTED)
    assert not PROJECT.can_take(personas.drc, "accept", S.SUBMITTED)
    assert PROJECT.can_take(personas.jw_officer, "submit", S.DRAFT)
    assert not PROJECT.can_take(personas.bdb, "submit", S.DRAFT)


# -- every state is reachable ------------------------------------------------------------


def _to(walker, personas, state):
    wan = "3500" if state in (S.FSR_APPROVED, S.DESIGN_REVIEW, S.DESIGN_DRC_REVIEW) else "800"
    project = walker.create(NEW, wan)
    if state == S.LIST_REVIEW:
        project = walker.submit(project)
        review = Review.objects.open().get(project=project, kind=ReviewKind.LIST)
        actions.start_review(review, acting_user=personas.bdb)
        project.refresh_from_db()
        return project
    if state in (S.RETURNED, S.REJECTED):
        project = walker.submit(project)
        decision = "return" if state == S.RETURNED else "reject"
        return decide_list(project, personas.bdb, decision, opinion="理由。")
    return walker.walk(project, state)


@pytest.mark.parametrize("state", S.values)
def test_walk_reaches_every_state(walker, personas, state):
    project = _to(walker, personas, state)
    project.refresh_from_db()
    assert project.state == state
    # Exactly the reviews of the state are open (the "one open review per step" invariant).
    open_kinds = sorted(
        Review.objects.open().filter(project=project).values_list("kind", flat=True)
    )
    expected = {
        S.SUBMITTED: ["list"],
        S.LIST_REVIEW: ["list"],
        S.EVALUATION: ["evaluation"],
        S.JOINT_REVIEW: ["joint"] * 5,
        S.DRC_REVIEW: ["drc_approval"],
        S.DESIGN_REVIEW: ["design_content"],
        S.DESIGN_DRC_REVIEW: ["drc_approval"],
    }.get(state, [])
    assert open_kinds == expected


# -- withdraw -----------------------------------------------------------------------------


def test_withdraw_before_signing_returns_to_draft(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    project = actions.withdraw_project(project, acting_user=walker.officer, reason="补充材料")
    assert project.state == S.DRAFT
    assert not Review.objects.open().filter(project=project).exists()
    event = LedgerEvent.objects.get(action=ActionCode.PROJECT_WITHDRAWN)
    assert (event.from_state, event.to_state, event.reason) == (S.SUBMITTED, S.DRAFT, "补充材料")
    # Submitted again: a fresh list review (round 2).
    project = walker.submit(project)
    assert Review.objects.open().get(project=project, kind="list").round == 2


def test_withdraw_after_signing_refused(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.open().get(project=project, kind="list")
    actions.start_review(review, acting_user=personas.bdb)
    with pytest.raises(ActionBlocked) as info:
        actions.withdraw_project(project, acting_user=walker.officer)
    [finding] = info.value.findings
    assert (finding.rule_id, finding.article) == ("R8.1.state", "第八条")
    assert "不能撤回" in finding.message
    project.refresh_from_db()
    assert project.state == S.LIST_REVIEW
    assert not LedgerEvent.objects.filter(action=ActionCode.PROJECT_WITHDRAWN).exists()


def test_withdraw_by_another_unit_looks_missing(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    with pytest.raises(ActionForbidden):
        actions.withdraw_project(project, acting_user=personas.wj_officer)


# -- 签收, 转办 and 抄送 ------------------------------------------------------------------------


def test_second_reviewer_signing_a_taken_review_is_told_it_is_signed(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.open().get(project=project, kind="list")
    actions.start_review(review, acting_user=personas.bdb)
    # not "someone else's review" (404), but "already signed": the review's state
    with pytest.raises(ActionBlocked) as info:
        actions.start_review(review, acting_user=personas.bdb2)
    [finding] = info.value.findings
    assert finding.rule_id == "R9.3.state" and "办理中" in finding.message


def test_transfer_to_colleague(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.open().get(project=project, kind="list")
    actions.start_review(review, acting_user=personas.bdb)
    review = actions.transfer_review(
        review, acting_user=personas.bdb, to_user=personas.bdb2.pk, note="请吴婷办理"
    )
    assert review.assignee == personas.bdb2
    assert LedgerEvent.objects.filter(action=ActionCode.REVIEW_TRANSFERRED).get().data == {
        "from": "dsj_shenhe",
        "to": "dsj_shenhe2",
    }
    assert Notification.objects.filter(recipient=personas.bdb2, title__startswith="转办").exists()
    # Only the new assignee acts now.
    with pytest.raises(ActionForbidden):
        decide_list(project, personas.bdb)
    assert decide_list(project, personas.bdb2).state == S.LISTED
    assert Review.objects.get(pk=review.pk).decided_by == personas.bdb2


@pytest.mark.parametrize("to", ["drc", "cac", "jw_officer", "bdb"])
def test_transfer_across_authorities_refused(walker, personas, to):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.open().get(project=project, kind="list")
    with pytest.raises(ActionInvalid):
        actions.transfer_review(review, acting_user=personas.bdb, to_user=getattr(personas, to))
    review.refresh_from_db()
    assert review.assignee_id is None


def test_transfer_of_joint_opinion_refused_to_other_authority(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.JOINT_REVIEW)
    review = Review.objects.open().get(project=project, kind="joint", authority="cac")
    with pytest.raises(ActionInvalid):
        actions.transfer_review(review, acting_user=personas.cac, to_user=personas.psb)


def test_copy_gives_read_only_visibility(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.open().get(project=project, kind="list")
    assert not Project.objects.for_user(personas.psb).filter(pk=project.pk).exists()
    actions.copy_review(
        review, acting_user=personas.bdb, recipients=[personas.psb.pk], note="请知悉"
    )
    assert Project.objects.for_user(personas.psb).filter(pk=project.pk).exists()
    assert Review.objects.for_user(personas.psb).filter(pk=review.pk).exists()
    assert Notification.objects.filter(recipient=personas.psb, title__startswith="抄送").exists()
    with pytest.raises(ActionForbidden):
        decide_list(project, personas.psb)
    with pytest.raises(ActionForbidden):
        actions.transfer_review(review, acting_user=personas.psb, to_user=personas.bdb2)
    # Other projects stay hidden.
    other = walker.submit(walker.create(NEW, "300"))
    assert not Project.objects.for_user(personas.psb).filter(pk=other.pk).exists()


def test_copy_refused_to_someone_not_acting(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.open().get(project=project, kind="list")
    with pytest.raises(ActionForbidden):
        actions.copy_review(review, acting_user=personas.finance, recipients=[personas.psb.pk])


# -- every transition is recorded and tells the next actor --------------------------------


def _step(project, call, *, code, source, target, notified):
    last_event = LedgerEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    last_note = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    call()
    project.refresh_from_db()
    assert project.state == target
    moves = LedgerEvent.objects.filter(
        seq__gt=last_event, object_type="projects.project", object_id=str(project.pk)
    ).exclude(to_state="")
    [event] = [e for e in moves if e.from_state]
    assert (event.action, event.from_state, event.to_state) == (code, source, target)
    assert event.actor_id is not None and event.reason
    got = set(
        Notification.objects.filter(id__gt=last_note, link__contains=f"/{project.pk}/").values_list(
            "recipient__username", flat=True
        )
    )
    assert notified <= got, (code, notified - got)


def test_every_transition_records_one_event_and_notifies_next_actor(walker, personas):
    project = walker.create(NEW, "3500")
    walker.chapters(project)
    walker.ready_for_approval_docs(project)
    steps = [
        (lambda: walker.submit(project), ActionCode.PROJECT_SUBMITTED, S.DRAFT, S.SUBMITTED, BDB),
        (
            lambda: actions.start_review(
                Review.objects.open().get(project=project), acting_user=personas.bdb
            ),
            ActionCode.REVIEW_STARTED,
            S.SUBMITTED,
            S.LIST_REVIEW,
            set(),
        ),
        (lambda: walker.list(project), ActionCode.PROJECT_LISTED, S.LIST_REVIEW, S.LISTED, UNIT),
        (
            lambda: walker.accept(project),
            ActionCode.PROJECT_ACCEPTED,
            S.LISTED,
            S.EVALUATION,
            {"zx_pinggu", *UNIT},
        ),
        (
            lambda: walker.evaluate(project),
            ActionCode.EVALUATION_REPORTED,
            S.EVALUATION,
            S.JOINT_REVIEW,
            FIVE,
        ),
        (
            lambda: walker.joint(project),
            ActionCode.JOINT_REVIEW_COMPLETED,
            S.JOINT_REVIEW,
            S.DRC_REVIEW,
            {"fgw_jingban"},
        ),
        (
            lambda: walker.approve(project),
            ActionCode.FSR_APPROVED,
            S.DRC_REVIEW,
            S.FSR_APPROVED,
            UNIT,
        ),
        (
            lambda: walker.submit_design(project),
            ActionCode.DESIGN_SUBMITTED,
            S.FSR_APPROVED,
            S.DESIGN_REVIEW,
            BDB,
        ),
        (
            lambda: walker.design_content(project),
            ActionCode.DESIGN_CONTENT_REVIEWED,
            S.DESIGN_REVIEW,
            S.DESIGN_DRC_REVIEW,
            {"fgw_jingban"},
        ),
        (
            lambda: walker.approve(project),
            ActionCode.PROJECT_APPROVED,
            S.DESIGN_DRC_REVIEW,
            S.APPROVED,
            UNIT,
        ),
    ]
    for call, code, source, target, notified in steps:
        _step(project, call, code=code, source=source, target=target, notified=notified)
    # Publishing the list told DRC that it may accept.
    assert Notification.objects.filter(recipient=personas.drc, title__contains="项目清单").exists()


def test_return_resubmit_and_reject_are_recorded_and_notified(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.DRC_REVIEW)
    review = Review.objects.open().get(project=project, kind="drc_approval")
    _step(
        project,
        lambda: actions.return_project(review, acting_user=personas.drc, opinion="请修改概算。"),
        code=ActionCode.PROJECT_RETURNED,
        source=S.DRC_REVIEW,
        target=S.RETURNED,
        notified=UNIT,
    )
    assert project.returned_from == S.DRC_REVIEW
    _step(
        project,
        lambda: actions.resubmit_project(project, acting_user=walker.officer),
        code=ActionCode.PROJECT_RESUBMITTED,
        source=S.RETURNED,
        target=S.JOINT_REVIEW,
        notified=FIVE,
    )
    walker.joint(project)
    project.refresh_from_db()
    review = Review.objects.open().get(project=project, kind="drc_approval")
    assert review.round == 2
    _step(
        project,
        lambda: actions.reject_project(review, acting_user=personas.drc, opinion="不符合规划。"),
        code=ActionCode.PROJECT_REJECTED,
        source=S.DRC_REVIEW,
        target=S.REJECTED,
        notified=UNIT,
    )
    assert not Review.objects.open().filter(project=project).exists()


def test_list_review_can_be_returned_without_signing_first(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.open().get(project=project, kind="list")
    project = actions.return_project(review, acting_user=personas.bdb, opinion="请补充依据。")
    assert project.state == S.RETURNED and project.returned_from == S.LIST_REVIEW
    project = actions.resubmit_project(project, acting_user=walker.officer)
    assert project.state == S.SUBMITTED
    assert Review.objects.open().get(project=project, kind="list").round == 2
