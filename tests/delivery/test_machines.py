"""The delivery chapter's lifecycles (``delivery/machines.py``): a state changes only through
its machine, and every transition of every machine is taken by the action that names it."""

import datetime as dt

import pytest

from core.dates import today
from core.machines import Machine, UndeclaredStateChange
from delivery import actions
from delivery.machines import ACCEPTANCE, DELIVERY, EXTENSION, INCIDENT, POST_EVALUATION
from delivery.models import (
    Acceptance,
    AcceptancePath,
    AcceptanceState,
    Delivery,
    ExtensionRequest,
    ExtensionState,
    Incident,
    IncidentState,
    Phase,
    PostEvaluation,
    PostEvaluationState,
)
from policy.checks import check_machines

from .helpers import ART19, BIG, accepted, consultant_org, delivered

pytestmark = pytest.mark.django_db

MACHINES = (DELIVERY, ACCEPTANCE, EXTENSION, INCIDENT, POST_EVALUATION)
HELD = "2025-11-20"


@pytest.fixture
def taken(monkeypatch):
    """The (machine, transition) pairs moved through during the test."""
    seen: set[tuple[str, str]] = set()
    real = Machine.move

    def move(self, obj, code, **kwargs):
        seen.add((self.key, code))
        return real(self, obj, code, **kwargs)

    monkeypatch.setattr(Machine, "move", move)
    return seen


def test_the_machines_name_gates_and_actions_that_exist():
    assert not [e for e in check_machines() if "delivery" in e.msg]
    for machine in MACHINES:
        for t in machine.transitions:
            assert t.action.startswith("delivery.") and t.article and t.requirement, t


def test_a_raw_state_change_is_refused(walker, personas):
    project = delivered(walker, personas, target="archived")
    delivery = Delivery.objects.get(project=project)
    delivery.phase = Phase.ACCEPTED
    with pytest.raises(UndeclaredStateChange):
        delivery.save()
    with pytest.raises(UndeclaredStateChange):
        Delivery.objects.filter(pk=delivery.pk).update(phase=Phase.ACCEPTED)
    incident = actions.report_incident(
        project, acting_user=personas.jw_officer, kind="delay", description="滞后。"
    )
    incident.state = IncidentState.CLOSED
    with pytest.raises(UndeclaredStateChange):
        incident.save()
    with pytest.raises(UndeclaredStateChange):
        Incident.objects.filter(pk=incident.pk).update(state=IncidentState.SUSPENDED)
    request = actions.request_extension(
        project,
        acting_user=personas.jw_officer,
        requested_until=today() + dt.timedelta(days=30),
        reason="测评排期。",
    )
    with pytest.raises(UndeclaredStateChange):
        ExtensionRequest.objects.filter(pk=request.pk).update(state=ExtensionState.GRANTED)
    # a new acceptance starts as applied; a result is recorded only by its machine
    with pytest.raises(UndeclaredStateChange):
        Acceptance.objects.create(
            project=project,
            path=AcceptancePath.UNIT,
            state=AcceptanceState.PASSED,
            applied_by=personas.jw_officer,
        )
    delivery.refresh_from_db()
    assert delivery.phase == Phase.COMPLETED


def test_a_raw_post_evaluation_change_is_refused(walker, personas):
    live = accepted(walker, personas)
    post = actions.commission_post_evaluation(
        live, acting_user=personas.drc, consultant=consultant_org().pk
    )
    post.state = PostEvaluationState.DONE
    with pytest.raises(UndeclaredStateChange):
        post.save()
    with pytest.raises(UndeclaredStateChange):
        PostEvaluation.objects.filter(pk=post.pk).update(state=PostEvaluationState.DONE)


def _file(project, user, passed):
    return actions.file_unit_acceptance(
        project, acting_user=user, passed=passed, held_on=HELD, conclusion="验收结论。", **ART19
    )


def _decide(project, personas, passed):
    acceptance = actions.apply_acceptance(project, acting_user=personas.jw_officer)
    return actions.decide_acceptance(
        acceptance,
        acting_user=personas.bdb,
        passed=passed,
        held_on=HELD,
        conclusion="结论。",
        **ART19,
    )


def _incidents(project, personas):
    """An incident rectified and closed, another suspended and lifted (Art. 24)."""
    unit, drc = personas.jw_officer, personas.drc
    first = actions.report_incident(project, acting_user=unit, kind="delay", description="滞后。")
    actions.order_rectification(
        first,
        acting_user=drc,
        deadline=(today() + dt.timedelta(days=30)).isoformat(),
        order_text="限期整改。",
    )
    actions.close_incident(first, acting_user=personas.finance, opinion="已整改。")
    second = actions.report_incident(project, acting_user=unit, kind="loss", description="损失。")
    actions.suspend_project(second, acting_user=drc, order_text="暂停。")
    actions.lift_suspension(second, acting_user=drc, opinion="已整改。")


def _extensions(project, personas):
    """One extension granted, the next refused (Art. 28 ¶2)."""
    for grant in (True, False):
        request = actions.request_extension(
            project,
            acting_user=personas.jw_officer,
            requested_until=today() + dt.timedelta(days=60),
            reason="测评排期。",
        )
        actions.decide_extension(request, acting_user=personas.bdb, grant=grant, opinion="意见。")


def test_every_transition_is_taken_by_its_action(taken, walker, personas):
    # below the threshold: one project passes its unit's acceptance, another fails it
    small = delivered(walker, personas, target="archived")
    _incidents(small, personas)
    _extensions(small, personas)
    _file(small, personas.jw_officer, passed=True)
    _file(delivered(walker, personas, target="archived"), personas.jw_officer, passed=False)
    # at the threshold: BDB passes one and fails another
    _decide(delivered(walker, personas, name=BIG, wan="3500", target="archived"), personas, True)
    _decide(delivered(walker, personas, name=BIG, wan="3500", target="archived"), personas, False)
    # a post-evaluation is done by its consultant
    post = actions.commission_post_evaluation(
        small, acting_user=personas.drc, consultant=consultant_org().pk
    )
    actions.submit_post_evaluation(
        post,
        acting_user=personas.consultant,
        completed_on="2026-03-01",
        grade="优",
        conclusion="效益显著。",
    )
    declared = {(m.key, t.code) for m in MACHINES for t in m.transitions}
    assert declared - taken == set()
