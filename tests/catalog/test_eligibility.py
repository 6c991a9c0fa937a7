"""O&M decisions as records (Art. 28, 31-33): each is stored with the policy version, every run
is kept (a system's history), facts load in a fixed number of queries, and only Finance or BDB
decide."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import actions, eligibility
from catalog.demo import ask, make_overdue, publish_resource, register
from catalog.models import OMDecision, OMRun, OMRunState
from core.enums import ActionCode
from core.errors import ActionForbidden, ActionInvalid
from core.models import LedgerEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(personas):
    ok = register(personas.jw_officer, "JW-OK", "教育管理公共服务平台", curate_by=personas.bdb)
    bad = register(personas.jw_officer, "JW-BAD", "教育统计分析系统")  # not curated
    return ok, bad


def test_R31_3_decision_is_stored_with_policy_version_and_ledger_event(personas, two):
    result = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    assert result["systems"] == 2 and result["eligible"] == 1
    assert result["policy"] == "cq-municipal-2021"
    rows = OMDecision.objects.filter(run__code=result["run"])
    assert {d.policy.code for d in rows} == {"cq-municipal-2021"}
    assert {d.budget_year for d in rows} == {2027}
    # what the run shares is stored once, with who ran it and its counts
    run = OMRun.objects.get(code=result["run"])
    assert (run.budget_year, run.policy.code) == (2027, "cq-municipal-2021")
    assert (run.systems, run.eligible, run.decided_by) == (2, 1, personas.finance)
    assert {d.run_id for d in rows} == {run.pk}
    # the run entered "decided" through its machine: one ledger event, on the run
    assert run.state == OMRunState.DECIDED
    event = LedgerEvent.objects.get(action=ActionCode.OM_DECIDED)
    assert event.policy_version == "cq-municipal-2021" and event.object_id == str(run.pk)
    assert (event.object_type, event.from_state, event.to_state) == (
        "catalog.omrun",
        "running",
        "decided",
    )
    assert event.actor_id == personas.finance.pk and result["run"] in event.object_repr


def test_R31_3_deciding_twice_keeps_both_runs_as_history(personas, two):
    _ok, bad = two
    first = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    actions.curate_system(bad, acting_user=personas.bdb)
    second = actions.decide_om_funding(acting_user=personas.bdb, budget_year=2027)
    assert first["run"] != second["run"]
    assert OMDecision.objects.count() == 4
    # the system's history, newest first: refused then eligible after curation
    history = list(OMDecision.objects.filter(system=bad).order_by("-run__decided_at", "-id"))
    assert [h.run.code for h in history] == [second["run"], first["run"]]
    assert [h.eligible for h in history] == [True, False]
    assert history[1].reasons[0]["rule_id"] == "R31.3"


def test_R31_3_system_history_is_scoped_to_its_unit(personas, two):
    actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    assert OMDecision.objects.for_user(personas.jw_officer).count() == 2
    assert OMDecision.objects.for_user(personas.wj_officer).count() == 0
    assert OMDecision.objects.for_user(personas.finance).count() == 2


def test_R31_3_only_finance_or_bdb_decide(personas, two):
    with pytest.raises(ActionForbidden):
        actions.decide_om_funding(acting_user=personas.jw_officer, budget_year=2027)
    with pytest.raises(ActionInvalid):
        actions.decide_om_funding(acting_user=personas.finance, budget_year="明年")
    assert not OMDecision.objects.exists()


def test_R31_3_decide_for_some_systems_only(personas, two):
    ok, _bad = two
    result = actions.decide_om_funding(
        acting_user=personas.finance, budget_year=2027, system_ids=[ok.pk]
    )
    assert result["systems"] == 1 and result["eligible"] == 1


def test_R31_2_one_query_evaluates_one_system_or_all(personas):
    # given systems with every kind of fact, evaluating all costs as many queries as one
    source = register(personas.wj_officer, "WJ-1", "全员人口平台", curate_by=personas.bdb)
    population = publish_resource(
        personas.wj_officer,
        "A01.01/000001",
        "全员人口基础信息",
        ["身份证号:char:18"],
        systems=[source],
        is_authoritative=True,
    )
    make_overdue(ask(personas.jw_officer, population, "核验"))
    for n in range(6):
        system = register(personas.jw_officer, f"JW-{n}", f"系统{n}", curate_by=personas.bdb)
        publish_resource(
            personas.jw_officer,
            f"A02.01/00000{n}",
            f"资源{n}",
            ["身份证号:char:18"],
            systems=[system],
            open_scope="named",
            open_type="conditional",
            named_recipients="某公司",
        )
    with CaptureQueriesContext(connection) as one:
        eligibility.evaluate_systems([source.pk])
    with CaptureQueriesContext(connection) as every:
        found = eligibility.evaluate_systems()
    assert len(every) == len(one) <= 6
    facts = {r["kind"]: r["facts"] for r in found[source.pk]["reasons"]}
    assert facts["overdue_requests"] == {"overdue_requests": 1}
    for n in range(6):
        jw = next(v for v in found.values() if f"系统{n}" in v["reasons"][0]["message"])
        facts = {r["kind"]: r["facts"] for r in jw["reasons"]}
        assert facts["private_only"] == {"resources": [f"A02.01/00000{n}"]}
        assert [d["source"] for d in facts["duplicates"]["duplicates"]] == ["A01.01/000001"]


def test_R31_2_one_system_is_judged_as_in_a_run_of_all(personas):
    source = register(personas.wj_officer, "WJ-1", "全员人口平台", curate_by=personas.bdb)
    publish_resource(
        personas.wj_officer,
        "A01.01/000001",
        "全员人口基础信息",
        ["身份证号:char:18"],
        systems=[source],
        is_authoritative=True,
    )
    copy = register(personas.jw_officer, "JW-1", "资助系统", curate_by=personas.bdb)
    publish_resource(
        personas.jw_officer, "A02.01/000001", "资助", ["身份证号:char:18"], systems=[copy]
    )
    alone = eligibility.evaluate_systems([copy.pk])[copy.pk]
    assert alone == eligibility.evaluate_systems()[copy.pk]
    assert not alone["eligible"] and alone["reasons"][0]["kind"] == "duplicates"
    run = actions.decide_om_funding(acting_user=personas.finance, budget_year=2027)
    stored = OMDecision.objects.get(run__code=run["run"], system=copy)
    assert stored.explained_reasons == alone["reasons"]


@pytest.mark.parametrize("months", [1, 6, 12, 24])
def test_R17_1_period_cut_off_is_the_last_day_whose_period_has_run_out(months):
    # month ends clamp (Aug 31 + 6 months = Feb 28), so the cut-off is found, not computed
    import datetime as dt

    from core.dates import add_months

    start = dt.date(2027, 1, 1)
    for offset in range(0, 800, 7):
        on = start + dt.timedelta(days=offset)
        params = eligibility.Params(
            today=on,
            policy=None,
            mlps_months=months,
            crypto_months=months,
            min_visits=0,
            idle_months=0,
            sources={},
        )
        cut = params.overdue_by(months)
        assert add_months(cut, months) < on
        assert add_months(cut + dt.timedelta(days=1), months) >= on


def test_R31_3_a_run_costs_the_same_queries_for_two_systems_as_for_twelve(personas, two):
    # the whole run is one INSERT … SELECT: no query per system
    with CaptureQueriesContext(connection) as few:
        eligibility.decide(2027)
    for n in range(10):
        register(personas.jw_officer, f"JW-N{n}", f"新系统{n}", curate_by=personas.bdb)
    with CaptureQueriesContext(connection) as many:
        result = eligibility.decide(2027)
    assert result["systems"] == 12 and result["eligible"] == 11
    assert len(many) <= len(few)  # the first may read the policy, which the process then keeps


def test_R31_3_registered_rules_explain_one_system_as_the_run_does(personas, two):
    # the rules page's gate evaluates the same conditions for one system, in Chinese with the article
    from core.dates import today
    from policy.engine import GateContext, preview_gate
    from policy.lookup import policy_in_force

    ok, bad = two
    policy = policy_in_force(None, today())
    (finding,) = [
        f
        for f in preview_gate("catalog.om_funding", GateContext(subject=bad, policy=policy))
        if f.severity == "block"
    ]
    assert finding.rule_id == "R31.3" and finding.article == "第三十一条"
    assert "总目录" in finding.message and finding.remedy
    ok_findings = preview_gate("catalog.om_funding", GateContext(subject=ok, policy=policy))
    assert all(f.severity != "block" for f in ok_findings)
