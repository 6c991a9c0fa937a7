"""The statutory clocks (``delivery.deadlines``), with frozen dates on both sides of every
deadline: first the pure engine (``due_items`` on ``ClockFacts``), then through
``services.project_due_items`` on projects carried there by the real actions."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from delivery import actions
from delivery.deadlines import REMIND_DAYS, ClockFacts, due_items
from delivery.services import policy_params, project_due_items

from .helpers import ART19, accepted, approved, carry, delivered, prepare

D = dt.date
PARAMS = {
    "performance_report_due": "12-31",
    "acceptance_window_months": "6",
    "self_eval_start_months": "12",
    "self_eval_end_months": "24",
}


def facts(**kwargs) -> ClockFacts:
    base = {
        "phase": "construction",
        "started_on": D(2025, 3, 1),
        "completed_on": None,
        "accepted_on": None,
        "golive_on": None,
        "report_years": set(),
        "acceptance_done": False,
        "extension_until": None,
        "self_evaluated_on": [],
        "rectifications": [],
    }
    base.update(kwargs)
    return ClockFacts(**base)


def items(f: ClockFacts, on: D, params=PARAMS) -> dict:
    return {i.key: i for i in due_items(f, params, on)}


def status(f: ClockFacts, key: str, on: D) -> str:
    return items(f, on)[key].status(on)


# -- annual performance report (Art. 23) -------------------------------------------------------


def test_annual_report_due_dec_31_overdue_jan_1():
    f = facts()
    item = items(f, D(2025, 12, 31))["annual_report:2025"]
    assert item.due_on == D(2025, 12, 31) and item.article == "第二十三条"
    assert item.label == "2025年度绩效评价报告"
    assert status(f, "annual_report:2025", D(2025, 12, 31)) == "due_soon"
    assert status(f, "annual_report:2025", D(2026, 1, 1)) == "overdue"
    # a month and a day before: still open; 30 days before: due soon
    assert status(f, "annual_report:2025", D(2025, 11, 30)) == "open"
    assert status(f, "annual_report:2025", D(2025, 12, 31) - dt.timedelta(REMIND_DAYS)) == (
        "due_soon"
    )
    # submitted: done, whatever the day
    assert status(facts(report_years={2025}), "annual_report:2025", D(2026, 6, 1)) == "done"


def test_annual_report_one_per_year_of_construction():
    keys = [k for k in items(facts(), D(2027, 2, 1)) if k.startswith("annual_report")]
    assert keys == ["annual_report:2025", "annual_report:2026", "annual_report:2027"]
    # nothing before the start, nothing while preparing
    assert not items(facts(started_on=None, phase="preparing"), D(2026, 1, 1))


def test_project_completed_in_march_reports_only_for_previous_year():
    f = facts(phase="completed", completed_on=D(2026, 3, 15))
    keys = [k for k in items(f, D(2027, 6, 1)) if k.startswith("annual_report")]
    assert keys == ["annual_report:2025"]


def test_project_completed_on_dec_31_still_reports_that_year():
    f = facts(phase="completed", completed_on=D(2025, 12, 31))
    assert "annual_report:2025" in items(f, D(2026, 1, 1))
    f = facts(phase="completed", completed_on=D(2025, 12, 30))
    assert "annual_report:2025" not in items(f, D(2026, 1, 1))


def test_annual_report_date_comes_from_the_policy():
    f = facts()
    item = items(f, D(2025, 12, 1), {**PARAMS, "performance_report_due": "11-30"})[
        "annual_report:2025"
    ]
    assert item.due_on == D(2025, 11, 30) and item.status(D(2025, 12, 1)) == "overdue"


# -- completion acceptance (Art. 28) -----------------------------------------------------------


def test_acceptance_window_clamps_aug_31_to_feb_28():
    f = facts(phase="completed", completed_on=D(2025, 8, 31))
    item = items(f, D(2026, 2, 28))["acceptance"]
    assert item.due_on == D(2026, 2, 28) and item.opens_on == D(2025, 8, 31)
    assert item.status(D(2026, 2, 28)) == "due_soon"
    assert item.status(D(2026, 3, 1)) == "overdue"


def test_acceptance_window_clamps_to_feb_29_in_a_leap_year():
    f = facts(phase="completed", started_on=D(2027, 1, 4), completed_on=D(2027, 8, 31))
    assert items(f, D(2028, 1, 1))["acceptance"].due_on == D(2028, 2, 29)


def test_acceptance_window_six_months_to_the_day_mid_month():
    f = facts(phase="completed", completed_on=D(2025, 10, 15))
    item = items(f, D(2026, 4, 15))["acceptance"]
    assert item.due_on == D(2026, 4, 15)
    assert item.status(D(2026, 4, 15)) == "due_soon"
    assert item.status(D(2026, 4, 16)) == "overdue"
    assert item.status(D(2026, 1, 15)) == "open"


def test_acceptance_extension_moves_the_due_date():
    f = facts(phase="completed", completed_on=D(2025, 8, 31), extension_until=D(2026, 5, 31))
    item = items(f, D(2026, 3, 1))["acceptance"]
    assert item.due_on == D(2026, 5, 31) and "已延期" in item.label
    assert item.status(D(2026, 3, 1)) == "open"
    assert item.status(D(2026, 5, 31)) == "due_soon"
    assert item.status(D(2026, 6, 1)) == "overdue"
    # an "extension" ending inside the window changes nothing
    f = facts(phase="completed", completed_on=D(2025, 8, 31), extension_until=D(2026, 1, 31))
    assert items(f, D(2026, 3, 1))["acceptance"].due_on == D(2026, 2, 28)


def test_acceptance_done_once_applied_or_filed():
    f = facts(phase="completed", completed_on=D(2025, 8, 31), acceptance_done=True)
    assert items(f, D(2026, 6, 1))["acceptance"].status(D(2026, 6, 1)) == "done"


def test_acceptance_window_comes_from_the_policy():
    f = facts(phase="completed", completed_on=D(2025, 8, 31))
    params = {**PARAMS, "acceptance_window_months": "3"}
    assert items(f, D(2025, 12, 1), params)["acceptance"].due_on == D(2025, 11, 30)


# -- self-evaluation (Art. 30) -----------------------------------------------------------------


def _live(**kwargs):
    return facts(
        phase="accepted",
        completed_on=D(2025, 1, 20),
        accepted_on=D(2025, 3, 10),
        golive_on=D(2025, 4, 20),
        acceptance_done=True,
        **kwargs,
    )


def test_self_evaluation_window_12_to_24_months_after_the_later_of_acceptance_and_golive():
    item = items(_live(), D(2026, 1, 1))["self_evaluation"]
    assert item.opens_on == D(2026, 4, 20) and item.due_on == D(2027, 4, 20)
    assert item.article == "第三十条"
    assert item.status(D(2026, 4, 19)) == "not_open"
    assert item.status(D(2026, 4, 20)) == "open"
    assert item.status(D(2027, 4, 20)) == "due_soon"
    assert item.status(D(2027, 4, 21)) == "overdue"


def test_self_evaluation_base_is_acceptance_when_it_comes_later():
    f = _live()
    f.accepted_on, f.golive_on = D(2025, 6, 30), D(2025, 5, 1)
    item = items(f, D(2026, 1, 1))["self_evaluation"]
    assert (item.opens_on, item.due_on) == (D(2026, 6, 30), D(2027, 6, 30))


def test_self_evaluation_done_only_inside_the_window():
    assert status(_live(self_evaluated_on=[D(2026, 5, 1)]), "self_evaluation", D(2028, 1, 1)) == (
        "done"
    )
    early = _live(self_evaluated_on=[D(2026, 4, 19)])
    assert status(early, "self_evaluation", D(2027, 4, 21)) == "overdue"


def test_self_evaluation_needs_both_dates():
    f = _live()
    f.golive_on = None
    assert "self_evaluation" not in items(f, D(2027, 1, 1))


# -- rectification (Art. 24) -------------------------------------------------------------------


def test_rectification_deadline():
    f = facts(rectifications=[(7, D(2026, 3, 31))])
    item = items(f, D(2026, 3, 31))["rectification:7"]
    assert item.article == "第二十四条" and item.kind == "rectification"
    assert item.status(D(2026, 1, 1)) == "open"
    assert item.status(D(2026, 3, 31)) == "due_soon"
    assert item.status(D(2026, 4, 1)) == "overdue"


# -- through the services, on projects built by the actions -------------------------------------


@pytest.mark.django_db
def test_policy_params_of_the_municipal_policy(walker):
    project = approved(walker)
    params = policy_params(project)
    assert tuple(params["performance_report_due"]) == (12, 31)
    assert [int(params[k]) for k in PARAMS if k != "performance_report_due"] == [6, 12, 24]


def _by_key(project, on):
    return {i.key: i.status(on) for i in project_due_items(project, on=on)}


@pytest.mark.django_db
def test_project_annual_report_clock(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer)
    carry(project, walker.officer, "construction", started="2025-03-01")
    assert _by_key(project, D(2025, 12, 31)) == {"annual_report:2025": "due_soon"}
    assert _by_key(project, D(2026, 1, 1)) == {
        "annual_report:2025": "overdue",
        "annual_report:2026": "open",
    }
    actions.submit_annual_report(
        project,
        acting_user=personas.jw_officer,
        year=2025,
        summary="完成主体开发。",
        user_opinions="满足需要。",
        supervisor_opinion="受控。",
    )
    assert _by_key(project, D(2026, 1, 1))["annual_report:2025"] == "done"


@pytest.mark.django_db
def test_project_acceptance_clock_aug_31(walker, personas):
    project = delivered(
        walker, personas, started="2025-03-01", trial="2025-06-01", completed="2025-08-31"
    )
    # completed before year end: no annual report for 2025
    assert _by_key(project, D(2026, 2, 28)) == {"acceptance": "due_soon"}
    assert _by_key(project, D(2026, 3, 1)) == {"acceptance": "overdue"}
    # the default date is today(): patch it on both sides
    with mock.patch("delivery.services.today", return_value=D(2026, 2, 28)):
        [item] = project_due_items(project)
        assert item.status(D(2026, 2, 28)) == "due_soon"


@pytest.mark.django_db
def test_project_acceptance_clock_mid_month_and_after_filing(walker, personas):
    project = delivered(walker, personas, target="archived", completed="2025-10-15")
    assert _by_key(project, D(2026, 4, 15))["acceptance"] == "due_soon"
    assert _by_key(project, D(2026, 4, 16))["acceptance"] == "overdue"
    actions.file_unit_acceptance(
        project,
        acting_user=personas.jw_officer,
        passed=True,
        held_on="2025-11-20",
        conclusion="通过",
        **ART19,
    )
    assert _by_key(project, D(2026, 4, 16))["acceptance"] == "done"


@pytest.mark.django_db
def test_project_self_evaluation_clock(walker, personas):
    project = accepted(walker, personas)  # accepted 2024-07-10, live 2024-08-01
    assert _by_key(project, D(2025, 7, 31))["self_evaluation"] == "not_open"
    assert _by_key(project, D(2025, 8, 1))["self_evaluation"] == "open"
    assert _by_key(project, D(2026, 8, 1))["self_evaluation"] == "due_soon"
    assert _by_key(project, D(2026, 8, 2))["self_evaluation"] == "overdue"
    actions.submit_self_evaluation(
        project,
        acting_user=personas.jw_officer,
        completed_on="2025-09-01",
        grade="良",
        conclusion="目标基本实现。",
    )
    assert _by_key(project, D(2026, 8, 2))["self_evaluation"] == "done"


@pytest.mark.django_db
def test_project_rectification_clock_with_travelled_time(walker, personas):
    project = approved(walker)
    prepare(project, walker.officer)
    carry(project, walker.officer, "construction")
    incident = actions.report_incident(
        project, acting_user=personas.jw_officer, kind="delay", description="滞后。"
    )
    # frozen at 2026-03-01 in Chongqing: a deadline at the end of the month is accepted
    shanghai = timezone.get_default_timezone()
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=shanghai), tick=False):
        actions.order_rectification(
            incident, acting_user=personas.drc, deadline="2026-03-31", order_text="限期整改。"
        )
        assert _by_key(project, D(2026, 3, 31))[f"rectification:{incident.pk}"] == "due_soon"
    assert _by_key(project, D(2026, 4, 1))[f"rectification:{incident.pk}"] == "overdue"
