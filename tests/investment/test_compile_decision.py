"""A plan compilation's decision (R10.1, R27.1, R10.3) read in bulk: its candidates' facts, the
findings it keeps and its replay give what evaluating each candidate alone gives."""

import itertools
from decimal import Decimal

import pytest

from investment import actions
from investment.eligibility import Candidate, candidate_facts, eligibility, reasons_of
from policy.replay import replay_decision
from projects.models import Project, ProjectState

pytestmark = pytest.mark.django_db
S = ProjectState
OM = "重庆市教育管理公共服务平台运维"
GOVERNANCE = "教育数据资源标准体系及数据治理工程"


def test_R10_1_a_compilation_replays_identically_with_labels_as_the_project_shows_them(
    walker, personas
):
    om = walker.walk(walker.create(OM, "150"), S.LISTED)
    governance = walker.walk(walker.create(GOVERNANCE, "600"), S.LISTED)
    result = actions.compile_plan(acting_user=personas.drc, year=om.year)
    decision = result["decision"]
    by_code = {facts[0]: facts for facts in decision.snapshot["candidates"]}
    for project in Project.objects.filter(pk__in=[om.pk, governance.pk]):
        assert by_code[project.code][4] == project.get_state_display()
    # the findings kept are those of the candidates' facts, evaluated one by one
    year = decision.snapshot["year"]
    assert decision.findings == [
        r for facts in decision.snapshot["candidates"] for r in reasons_of(facts, year)
    ]
    replay = replay_decision(decision)
    assert replay.status == "identical" and replay.changed_rules == []


def _candidate(pk, kind, state, name, **values):
    row = dict.fromkeys(Candidate._fields)
    row.update(pk=pk, code=f"C{pk}", name=name, kind=kind, state=state, returned_from="")
    row.update(total_investment=Decimal("1000000.00"), **values)
    return Candidate(**row)


def test_R27_1_candidates_with_the_same_facts_are_judged_alike_whatever_their_names(personas):
    # eligible O&M projects share their facts (only the name and the code differ), a listed
    # construction project without a table is refused: each result is reasons_of's own
    pks = itertools.count(10**9)  # no such projects: no performance tables
    rows = [
        _candidate(next(pks), "om", S.LISTED, "运维甲"),
        _candidate(next(pks), "om", S.LISTED, "运维乙"),
        _candidate(next(pks), "new", S.LISTED, "建设丙"),
        _candidate(next(pks), "om", S.LISTED, "运维丁", suspended_at="2026-01-01"),
        _candidate(next(pks), "om", S.DRAFT, "运维戊"),
    ]
    results = eligibility(rows, 2027)
    assert [e.eligible for e in results] == [True, True, False, False, False]
    for e in results:
        assert e.facts == candidate_facts(e.project, {e.project.pk: e.facts[7]})
        assert e.reasons == reasons_of(e.facts, 2027)
