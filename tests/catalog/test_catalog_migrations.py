"""Catalog data migrations keep every record.

- 0003 (decisions share one run record): no decision is lost, each former run becomes an
  OMRun with its year, policy, time, counts and who ran it (from the audit ledger), and the
  way back restores the rows.
- 0005 (items name their owning system): items of a resource with one providing system get it.
- 0006 (explicit states): an isolated system's Art. 31 state comes from its approval dates.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.demo import seed_directory
from catalog.demo import register
from core.enums import ActionCode
from core.ledger import record_event
from tests.conftest import ensure_reference_data

BEFORE = [("catalog", "0002_om_decision_indexes")]
AFTER = [("catalog", "0003_om_runs")]
AT = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test
def test_R28_4_runs_migration_keeps_every_decision_and_goes_back():
    ensure_reference_data()
    people = seed_directory()
    a = register(people["jw_tianbao"], "MIG-A", "迁移测试系统甲")
    b = register(people["jw_tianbao"], "MIG-B", "迁移测试系统乙")
    leaf = _leaf()
    try:
        old = _migrate(BEFORE)
        Decision = old.get_model("catalog", "OMDecision")
        policy = old.get_model("policy", "PolicyVersion").objects.get(code="cq-municipal-2021")
        reason = [{"rule_id": "R31.3", "article": "第三十一条", "kind": "not_catalogued"}]
        for run, year, minutes, rows in (
            ("2026-aaa", 2026, 0, [(a.pk, True, []), (b.pk, False, reason)]),
            ("2027-bbb", 2027, 5, [(a.pk, True, []), (b.pk, True, [])]),
        ):
            for system_id, eligible, reasons in rows:
                Decision.objects.create(
                    system_id=system_id,
                    budget_year=year,
                    eligible=eligible,
                    reasons=reasons,
                    warnings=[],
                    policy=policy,
                    run=run,
                    decided_at=AT + dt.timedelta(minutes=minutes, seconds=system_id % 7),
                )

        # who ran the first run is in the audit ledger
        record_event(
            ActionCode.OM_DECIDED,
            actor=people["czj_jingban"],
            object_type="catalog.omdecision",
            object_id="2026-aaa",
        )

        new = _migrate(AFTER)
        Run = new.get_model("catalog", "OMRun")
        Decision = new.get_model("catalog", "OMDecision")
        runs = {r.code: r for r in Run.objects.all()}
        assert set(runs) == {"2026-aaa", "2027-bbb"}
        first = runs["2026-aaa"]
        assert (first.budget_year, first.policy_id, first.systems, first.eligible) == (
            2026,
            policy.pk,
            2,
            1,
        )
        assert first.decided_at == AT + dt.timedelta(seconds=min(a.pk % 7, b.pk % 7))
        assert first.decided_by_id == people["czj_jingban"].pk
        assert (runs["2027-bbb"].systems, runs["2027-bbb"].eligible) == (2, 2)
        assert runs["2027-bbb"].decided_by_id is None  # no event: not guessed
        refused = Decision.objects.get(run__code="2026-aaa", system_id=b.pk)
        assert not refused.eligible and refused.reasons == reason
        assert Decision.objects.count() == 4

        old = _migrate(BEFORE)
        Decision = old.get_model("catalog", "OMDecision")
        back = Decision.objects.get(run="2026-aaa", system_id=b.pk)
        assert (back.budget_year, back.policy_id, back.reasons) == (2026, policy.pk, reason)
        assert Decision.objects.filter(run="2027-bbb", budget_year=2027).count() == 2
    finally:
        _migrate(leaf)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test
def test_R15_1_items_migration_names_the_only_providing_system():
    from catalog.demo import publish_resource

    ensure_reference_data()
    people = seed_directory()
    officer = people["jw_tianbao"]
    one = register(officer, "MIG-ONE", "单一提供系统")
    two = register(officer, "MIG-TWO", "另一系统")
    single = publish_resource(officer, "A09/000001", "单系统资源", ["学号:char"], systems=[one])
    shared = publish_resource(
        officer, "A09/000002", "双系统资源", ["学号:char"], systems=[one, two]
    )
    leaf = _leaf()
    try:
        _migrate([("catalog", "0004_authoritative_index")])
        new = _migrate([("catalog", "0005_item_owning_system")])
        Item = new.get_model("catalog", "InformationItem")
        assert {i.system_id for i in Item.objects.filter(resource_id=single.pk)} == {one.pk}
        assert {i.system_id for i in Item.objects.filter(resource_id=shared.pk)} == {None}
    finally:
        _migrate(leaf)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every transactional test
def test_R31_1_isolation_states_migration_reads_the_approval_dates():
    ensure_reference_data()
    people = seed_directory()
    officer = people["jw_tianbao"]
    codes = ("MIG-NONE", "MIG-BDB", "MIG-BOTH", "MIG-NET")
    for code in codes:
        register(officer, code, code, network="extranet" if code == "MIG-NET" else "isolated",
                 isolation_reason="依法隔离")  # fmt: skip
    leaf = _leaf()
    try:
        old = _migrate([("catalog", "0005_item_owning_system")])
        System = old.get_model("catalog", "InformationSystem")
        day = dt.date(2026, 3, 1)
        System.objects.filter(code="MIG-BDB").update(isolation_bdb_reviewed_on=day)
        System.objects.filter(code="MIG-BOTH").update(
            isolation_bdb_reviewed_on=day, isolation_gov_approved_on=day
        )
        new = _migrate([("catalog", "0006_isolation_state_and_run_state")])
        System = new.get_model("catalog", "InformationSystem")
        states = dict(System.objects.filter(code__in=codes).values_list("code", "isolation_state"))
        assert states == {
            "MIG-NONE": "awaiting_bdb",
            "MIG-BDB": "awaiting_gov",
            "MIG-BOTH": "approved",
            "MIG-NET": "not_needed",
        }
    finally:
        _migrate(leaf)
