"""The delivery demo: projects in construction, in trial, awaiting acceptance, overdue for
acceptance, accepted, and due for self-evaluation; seeding twice adds nothing."""

import pytest

from core.dates import today
from core.ledger import verify_ledger
from core.models import LedgerEvent
from delivery.demo import (
    ACCEPTED,
    AWAITING,
    CONSTRUCTION,
    OVERDUE,
    SELF_EVALUATION,
    TRIAL,
    month_end,
    seed_delivery,
)
from delivery.models import (
    Acceptance,
    AnnualReport,
    Delivery,
    ExtensionRequest,
    Incident,
    IncidentState,
    Milestone,
    PostEvaluation,
    SupervisionReport,
)
from delivery.services import project_due_items
from documents.models import Document
from projects.models import Project

pytestmark = pytest.mark.django_db

MODELS = (
    Project,
    Delivery,
    Milestone,
    AnnualReport,
    SupervisionReport,
    Incident,
    Acceptance,
    Document,
    PostEvaluation,
    LedgerEvent,
)


def statuses(project, kind):
    return [i.status(today()) for i in project_due_items(project) if i.kind == kind]


def test_demo_shows_each_delivery_situation_and_is_idempotent(planned):
    # given the demo directory and planning; when the delivery demo is seeded twice
    seeded = seed_delivery(planned)
    before = {m.__name__: m.objects.count() for m in MODELS}
    again = seed_delivery(planned)
    # then the second run adds nothing, and the demo shows each situation
    assert {k: p.pk for k, p in again.items()} == {k: p.pk for k, p in seeded.items()}
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    every_phase_is_shown(seeded)
    construction_with_reports_and_a_rectification_order(planned, seeded)
    acceptance_awaited_and_overdue(seeded)
    accepted_on_both_paths(seeded)
    due_for_self_evaluation(seeded)
    assert verify_ledger().ok


def every_phase_is_shown(seeded):
    phases = {k: Delivery.objects.get(project=p).phase for k, p in seeded.items()}
    assert phases == {
        CONSTRUCTION.key: "construction",
        TRIAL.key: "trial",
        AWAITING.key: "completed",
        OVERDUE.key: "completed",
        ACCEPTED.key: "accepted",
        SELF_EVALUATION.key: "accepted",
    }
    assert Delivery.objects.filter(phase="trial").exists()
    # nothing lies in the future
    for d in Delivery.objects.all():
        dates = [d.started_on, d.trial_started_on, d.completed_on, d.accepted_on, d.golive_on]
        assert all(x is None or x <= today() for x in dates)


def construction_with_reports_and_a_rectification_order(planned, seeded):
    project = seeded[CONSTRUCTION.key]
    report = SupervisionReport.objects.get(project=project)
    assert report.submitted_by == planned["jl_gongchengshi"]
    assert AnnualReport.objects.filter(project=project, year=today().year - 1).exists()
    assert Milestone.objects.filter(project=project, done_on__isnull=True).exists()
    incident = Incident.objects.get(project=project)
    assert incident.state == IncidentState.RECTIFYING
    assert incident.ordered_by == planned["fgw_jingban"]
    assert statuses(project, "rectification") in (["open"], ["due_soon"])
    # last year's annual report is in: nothing overdue
    assert "overdue" not in {i.status(today()) for i in project_due_items(project)}


def acceptance_awaited_and_overdue(seeded):
    assert statuses(seeded[AWAITING.key], "acceptance") == ["open"]
    overdue = seeded[OVERDUE.key]
    # completed on the last day of the month eight months ago (31 March, seen from November)
    assert Delivery.objects.get(project=overdue).completed_on == month_end(8)
    assert statuses(overdue, "acceptance") == ["overdue"]
    assert not ExtensionRequest.objects.filter(project=overdue).exists()
    assert not Acceptance.objects.filter(project__in=[seeded[AWAITING.key], overdue]).exists()


def accepted_on_both_paths(seeded):
    bdb = Acceptance.objects.get(project=seeded[ACCEPTED.key])
    assert (bdb.path, bdb.state) == ("bdb", "passed")
    unit = Acceptance.objects.get(project=seeded[SELF_EVALUATION.key])
    assert (unit.path, unit.state) == ("unit", "passed")
    for key in (ACCEPTED.key, SELF_EVALUATION.key):
        delivery = Delivery.objects.get(project=seeded[key])
        assert delivery.archive_accepted_on and delivery.golive_on
    assert statuses(seeded[ACCEPTED.key], "self_evaluation") == ["not_open"]


def due_for_self_evaluation(seeded):
    project = seeded[SELF_EVALUATION.key]
    assert statuses(project, "self_evaluation")[0] in ("open", "due_soon")
    assert PostEvaluation.objects.filter(project=project, state="commissioned").exists()
