"""Two people acting on the same step at the same moment (PostgreSQL, real threads with their
own connections): exactly one transition happens, the other person is refused for the state
the winner left (a finding of the machine, ``*.state``), and the ledger holds one transition
event. Actions lock the project row first, then the review (``ReviewAction.load``), so
concurrent reviewers serialise instead of deadlocking.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/govit_rules \
     .venv/bin/pytest tests/projects/test_concurrency.py -p no:randomly
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from accounts.models import Membership, Organisation, User
from accounts.roles import Authority, Role
from core.enums import ActionCode
from core.errors import ActionBlocked
from core.ledger import verify_ledger
from core.models import LedgerEvent
from projects import actions
from projects.models import Project, ProjectState, Review, ReviewKind
from projects.walk import OPINION_TEXT

from .helpers import all_criteria

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
S = ProjectState
NEW = "学生资助精准认定系统"


def race(*calls):
    """Run each call in its own thread and DB connection, released together by a barrier.
    Returns, per call, either its result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def refused_for_state(error) -> bool:
    """The loser of a race is told that the object is no longer in the state it needs."""
    return isinstance(error, ActionBlocked) and all(
        f.rule_id.endswith(".state") for f in error.findings
    )


def one_winner(results):
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1, results
    assert all(refused_for_state(r) for r in losers), losers
    return winners[0]


def transitions(project, code) -> int:
    return LedgerEvent.objects.filter(
        action=code, object_type="projects.project", object_id=str(project.pk)
    ).count()


def second_drc_officer() -> User:
    user = User.objects.create(username="fgw_jingban2", full_name="钱程")
    drc = Organisation.objects.get(authority=Authority.DRC)
    Membership.objects.create(user=user, organisation=drc, role=Role.DRC_OFFICER)
    return user


def test_two_bdb_reviewers_decide_the_same_list_review(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review_pk = Review.objects.open().get(project=project, kind=ReviewKind.LIST).pk

    def decide(user):
        return lambda: actions.decide_list_review(
            review_pk, acting_user=user, decision="list", criteria=all_criteria(), priority=1
        )

    winner = one_winner(race(decide(personas.bdb), decide(personas.bdb2)))
    project.refresh_from_db()
    assert project.state == S.LISTED == winner.state
    assert transitions(project, ActionCode.PROJECT_LISTED) == 1
    assert Review.objects.get(pk=review_pk).state == "agreed"
    assert verify_ledger().ok


def test_two_bdb_reviewers_sign_the_same_review(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review_pk = Review.objects.open().get(project=project, kind=ReviewKind.LIST).pk
    one_winner(
        race(
            lambda: actions.start_review(review_pk, acting_user=personas.bdb),
            lambda: actions.start_review(review_pk, acting_user=personas.bdb2),
        )
    )
    project.refresh_from_db()
    assert project.state == S.LIST_REVIEW
    assert transitions(project, ActionCode.REVIEW_STARTED) == 1


def test_unit_withdraws_while_bdb_signs(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review_pk = Review.objects.open().get(project=project, kind=ReviewKind.LIST).pk
    winner = one_winner(
        race(
            lambda: actions.withdraw_project(project.pk, acting_user=walker.officer),
            lambda: actions.start_review(review_pk, acting_user=personas.bdb),
        )
    )
    project.refresh_from_db()
    assert project.state == (S.DRAFT if isinstance(winner, Project) else S.LIST_REVIEW)
    moved = transitions(project, ActionCode.PROJECT_WITHDRAWN) + transitions(
        project, ActionCode.REVIEW_STARTED
    )
    assert moved == 1


def test_two_drc_officers_approve_the_same_review(walker, personas):
    other = second_drc_officer()
    project = walker.walk(walker.create(NEW, "800"), S.DRC_REVIEW)
    review_pk = Review.objects.open().get(project=project, kind=ReviewKind.DRC_APPROVAL).pk

    def approve(user, number):
        return lambda: actions.approve_project(
            review_pk,
            acting_user=user,
            chapter_opinions=OPINION_TEXT,
            document_number=number,
            opinion="同意。",
        )

    one_winner(
        race(approve(personas.drc, "渝发改数〔2026〕1号"), approve(other, "渝发改数〔2026〕2号"))
    )
    project.refresh_from_db()
    assert project.state == S.APPROVED
    assert transitions(project, ActionCode.PROJECT_APPROVED) == 1
    review = Review.objects.get(pk=review_pk)
    event = LedgerEvent.objects.get(action=ActionCode.PROJECT_APPROVED)
    # The stored review and the ledger tell the same story: the winner's document number.
    assert event.data["document_number"] == review.document_number
    assert event.actor_id == review.decided_by_id


def test_approve_and_return_at_the_same_moment(walker, personas):
    other = second_drc_officer()
    project = walker.walk(walker.create(NEW, "800"), S.DRC_REVIEW)
    review_pk = Review.objects.open().get(project=project, kind=ReviewKind.DRC_APPROVAL).pk
    one_winner(
        race(
            lambda: actions.approve_project(
                review_pk,
                acting_user=personas.drc,
                chapter_opinions=OPINION_TEXT,
                document_number="渝发改数〔2026〕1号",
            ),
            lambda: actions.return_project(review_pk, acting_user=other, opinion="请修改。"),
        )
    )
    project.refresh_from_db()
    assert project.state in (S.APPROVED, S.RETURNED)
    assert (
        transitions(project, ActionCode.PROJECT_APPROVED)
        + transitions(project, ActionCode.PROJECT_RETURNED)
        == 1
    )


@pytest.mark.parametrize("attempt", range(3))
def test_last_two_joint_opinions_at_once_complete_the_review_once(walker, personas, attempt):
    project = walker.walk(walker.create(NEW, "800"), S.JOINT_REVIEW)
    project = walker.joint(project, skip=("crypto", "secrecy"))
    assert project.state == S.JOINT_REVIEW
    crypto = Review.objects.open().get(project=project, kind=ReviewKind.JOINT, authority="crypto")
    secrecy = Review.objects.open().get(project=project, kind=ReviewKind.JOINT, authority="secrecy")

    def agree(review, user):
        return lambda: actions.give_joint_opinion(
            review.pk, acting_user=user, agree=True, opinion="同意。"
        )

    results = race(agree(crypto, personas.crypto), agree(secrecy, personas.secrecy))
    assert not any(isinstance(r, BaseException) for r in results), results
    project.refresh_from_db()
    assert project.state == S.DRC_REVIEW
    assert transitions(project, ActionCode.JOINT_REVIEW_COMPLETED) == 1
    assert Review.objects.filter(project=project, kind=ReviewKind.DRC_APPROVAL).count() == 1
    joint = Review.objects.filter(project=project, kind=ReviewKind.JOINT).values("pk")
    assert (
        LedgerEvent.objects.filter(
            action=ActionCode.REVIEW_OPINION,
            object_type="projects.review",
            object_id__in=[str(r["pk"]) for r in joint],
        ).count()
        == 5
    )


def test_one_returns_while_the_last_agrees(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.JOINT_REVIEW)
    project = walker.joint(project, skip=("crypto", "secrecy"))
    crypto = Review.objects.open().get(project=project, kind=ReviewKind.JOINT, authority="crypto")
    secrecy = Review.objects.open().get(project=project, kind=ReviewKind.JOINT, authority="secrecy")
    results = race(
        lambda: actions.give_joint_opinion(
            crypto.pk, acting_user=personas.crypto, agree=False, opinion="密码方案不足。"
        ),
        lambda: actions.give_joint_opinion(secrecy.pk, acting_user=personas.secrecy, agree=True),
    )
    project.refresh_from_db()
    # Either the return came first (the agreement then finds the review superseded) or the
    # agreement came first (then the return sends the project back): never DRC review.
    assert project.state == S.RETURNED
    assert transitions(project, ActionCode.JOINT_REVIEW_COMPLETED) == 0
    assert transitions(project, ActionCode.PROJECT_RETURNED) == 1
    losers = [r for r in results if isinstance(r, BaseException)]
    assert all(refused_for_state(r) for r in losers)
