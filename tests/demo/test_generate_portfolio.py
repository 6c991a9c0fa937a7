"""`manage.py generate_portfolio` at a small scale: what it makes, a valid ledger, the pages
that read it, and the refusal of a second run unless --replace."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.models import DataResource, InformationItem, InformationSystem
from core.ledger import verify_ledger
from core.models import LedgerEvent
from delivery.models import Delivery
from demo.portfolio import MARK, directory
from demo.portfolio.generate import PROJECT_PREFIX, SYSTEM_PREFIX, YEARS
from demo.portfolio.projects import reviews_for
from investment.models import Contract, Payment, PlanEntry
from projects.models import Project, ProjectListEntry, ProjectState, Review

SIZE = {"projects": 300, "systems": 300, "events": 3_000, "units": 60}


def _generate(**extra) -> str:
    out = StringIO()
    call_command("generate_portfolio", **SIZE, **extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated(personas):
    before = LedgerEvent.objects.count()
    output = _generate()
    return before, output


def test_the_city_has_every_state_and_year_with_what_it_implies(generated):
    before, output = generated
    made = Project.objects.filter(code__startswith=PROJECT_PREFIX)
    assert made.count() == 300
    assert set(made.values_list("state", flat=True)) == set(ProjectState.values)
    assert set(made.values_list("year", flat=True)) == set(YEARS)
    approved = made.filter(state="approved")
    assert Delivery.objects.filter(project__in=approved).count() == approved.count()
    assert Contract.objects.filter(project__in=approved).count() == approved.count()
    assert PlanEntry.objects.filter(project__in=approved).count() == approved.count()
    assert Payment.objects.filter(contract__project__in=approved).count() > 0
    assert not Delivery.objects.filter(project__in=made.exclude(state="approved")).exists()
    assert not Review.objects.filter(project__in=made.filter(state="draft")).exists()
    assert not ProjectListEntry.objects.filter(
        project__in=made.filter(state__in=["draft", "submitted", "returned", "rejected"])
    ).exists()
    assert ProjectListEntry.objects.filter(project__in=made.filter(state="listed")).exists()
    # the reviews follow from the state: one open joint review has five opinions, two given
    joint = made.filter(state="joint_review").first()
    assert sorted(joint.reviews.filter(kind="joint").values_list("state", flat=True)) == [
        "agreed",
        "agreed",
        "pending",
        "pending",
        "pending",
    ]
    assert Review.objects.filter(project__in=made).count() == sum(
        len(reviews_for(p.state, p.approval_path)) for p in made
    )
    # the city: its 38 districts and counties, and the units asked for
    assert all(
        directory.Organisation.objects.filter(division_code=code, kind="district").exists()
        for _name, code in directory.DISTRICTS
    )
    systems = InformationSystem.objects.filter(code__startswith=SYSTEM_PREFIX)
    assert systems.count() == 300
    assert systems.values("unit").distinct().count() == 60
    resources = DataResource.objects.filter(resource_code__startswith="GEN-")
    assert resources.count() == 300 + 20  # one per system, and the authoritative ones
    assert InformationItem.objects.filter(resource__in=resources).count() >= 900
    assert InformationSystem.projects.through.objects.filter(informationsystem__in=systems).exists()
    # the ledger: 3,000 more events, sealed, the chain valid from the first event
    assert LedgerEvent.objects.count() == before + 3_000
    assert LedgerEvent.objects.filter(data__generated=MARK).count() == 3_000
    result = verify_ledger()
    assert result.ok, result
    for part in ("directory", "projects", "systems", "ledger"):
        assert part in output


def test_a_second_run_is_refused_unless_replace(generated):
    before, _ = generated
    with pytest.raises(CommandError, match="--replace"):
        _generate()
    output = _generate(replace=True)
    assert "removed" in output
    assert Project.objects.filter(code__startswith=PROJECT_PREFIX).count() == 300
    assert InformationSystem.objects.filter(code__startswith=SYSTEM_PREFIX).count() == 300
    # the ledger is append-only: the first run's events stay, the second's follow them
    assert LedgerEvent.objects.count() == before + 6_000
    assert verify_ledger().ok


def test_the_lists_answer_with_generated_data(generated, personas, client):
    from accounts.actions import create_api_token

    client.force_login(personas.bdb)
    page = client.get(reverse("projects:list"))
    assert page.status_code == 200
    assert PROJECT_PREFIX in page.content.decode()
    _token, raw = create_api_token(personas.bdb, acting_user=personas.bdb, name="测试")
    client.logout()
    answer = client.get("/api/projects/", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200
    assert any(p["code"].startswith(PROJECT_PREFIX) for p in answer.json()["items"])
