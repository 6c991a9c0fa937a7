"""The index: the database's ranks as the one the evaluation measures; it is kept current by
the actions (``action_done``) and rebuilt by ``evidence_reindex``; the quality goals hold on
the labelled pairs; systems are scanned for duplicate collection; the finding machine."""

import pytest
from django.core.management import call_command

from core.machines import UndeclaredStateChange
from evidence import actions, check
from evidence.eval import run
from evidence.models import CollectionFinding, FindingState, IndexDoc, IndexStats
from evidence.search import ranking
from evidence.search.store import DbIndex, Entry
from projects import actions as project_actions

pytestmark = pytest.mark.django_db


def test_quality_goals_on_the_labelled_pairs():
    data = run.load()
    assert sum(len(r["targets"]) for r in data["requirements"]) >= 60
    m = run.metrics(run.evaluate(data), ranking.FLAG_AT)
    assert m["recall"] >= 0.9 and m["precision"] >= 0.7 and m["top3"] >= 0.9, m


def test_database_index_ranks_as_the_memory_index():
    data = run.load()
    memory, db = ranking.MemoryIndex(), DbIndex()
    entries = []
    for number, e in enumerate(data["existing"], start=1):
        memory.put(e["kind"], number, {"id": e["id"]}, run.features_of(e))
        entries.append(Entry(e["kind"], number, None, {"id": e["id"]}, run.features_of(e)))
    db.put_many(entries)
    for req in data["requirements"][:12]:
        a = ranking.rank(memory, run.features_of(req), limit=5)
        b = ranking.rank(db, run.features_of(req), limit=5)
        assert [m.meta["id"] for m in a] == [m.meta["id"] for m in b]
        assert [m.similarity for m in a] == pytest.approx([m.similarity for m in b], abs=1e-3)
    db.drop_many([("system", 1), ("system", 2)])
    assert IndexStats.objects.get().docs == len(entries) - 2


def test_submission_indexes_the_project_and_keeps_its_evidence(
    city, drafted, walker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        walker.submit(drafted)
    assert IndexDoc.objects.filter(kind="project", ref_id=drafted.pk).exists()
    match_set = check.current_set(drafted)
    assert match_set is not None and match_set.trigger == "projects.submit_project"
    top = match_set.matches.first()
    assert top.target_name == "电子健康档案共享调阅系统" and top.flagged
    assert "电子健康档案" in top.reasons["terms"] or top.reasons["functions"]
    assert drafted.collection_findings.filter(state=FindingState.OPEN).count() == 1


def test_reindex_command_builds_everything(city, drafted):
    IndexDoc.objects.all().delete()
    call_command("evidence_reindex", verbosity=0)
    assert IndexDoc.objects.filter(kind="system").count() == 2
    assert not IndexDoc.objects.filter(kind="project").exists()  # drafts stay with the unit


def test_system_scan_finds_synonyms_of_authoritative_items_and_resolves(city):
    from catalog.models import InformationItem
    from tests.evidence.conftest import system

    copy = system(city["jw"], "JW-009", "学籍管理系统",
                  [("学籍", "学生学籍信息。", ["学籍号", "居民身份证号码"], False)])  # fmt: skip
    assert check.scan_system(copy) == 1
    finding = CollectionFinding.objects.get(system=copy)
    assert finding.source_code == "WJ-002/1" and "共享" in finding.how_to_share
    InformationItem.objects.filter(system=copy, name="居民身份证号码").delete()
    check.scan_system(copy)
    finding.refresh_from_db()
    assert finding.state == FindingState.RESOLVED


def test_finding_machine_transitions_and_raw_change_refused(city, drafted):
    check.scan_project(drafted)
    finding = drafted.collection_findings.get()
    finding.state = FindingState.CONFIRMED
    with pytest.raises(UndeclaredStateChange):
        finding.save()
    finding.refresh_from_db()
    bdb = city["p"].bdb
    actions.confirm_duplicate_collection(finding, acting_user=bdb, reason="重复。")
    actions.reopen_duplicate_collection(finding, acting_user=bdb, reason="补充材料。")
    actions.dismiss_duplicate_collection(finding, acting_user=bdb, reason="依法采集。")
    finding.refresh_from_db()
    assert finding.state == FindingState.DISMISSED and finding.decided_by == bdb
    actions.describe_requirement(drafted, acting_user=city["p"].jw_officer, functions="调阅")
    check.scan_project(drafted)  # no longer planned: resolved
    finding.refresh_from_db()
    assert finding.state == FindingState.RESOLVED
    actions.describe_requirement(drafted, acting_user=city["p"].jw_officer,
                                 collected_items="身份证号")  # fmt: skip
    check.scan_project(drafted)  # planned again: open again
    finding.refresh_from_db()
    assert finding.state == FindingState.OPEN


def test_unit_cannot_decide_a_finding(city, drafted):
    from core.errors import ActionForbidden

    check.scan_project(drafted)
    finding = drafted.collection_findings.get()
    with pytest.raises(ActionForbidden):
        actions.confirm_duplicate_collection(finding, acting_user=city["p"].jw_officer, reason="x")


def test_refresh_evidence_only_under_review(city, drafted, walker):
    from core.errors import ActionForbidden

    with pytest.raises(ActionForbidden):  # a draft stays with its unit
        actions.refresh_evidence(drafted, acting_user=city["p"].bdb)
    project_actions.submit_project(drafted, acting_user=city["p"].jw_officer)
    actions.refresh_evidence(drafted, acting_user=city["p"].bdb)
    assert check.current_set(drafted).taken_by == city["p"].bdb
    walker.list(drafted)
    found = actions.refresh_evidence.check(drafted, city["p"].bdb)
    assert found[0].blocks and found[0].article == "第八条"


def _r31_2_codes(system):
    from catalog.eligibility import evaluate_systems

    reasons = evaluate_systems([system.pk])[system.pk]["reasons"]
    return sorted(r.get("kind", "") for r in reasons if r["rule_id"] == "R31.2")


def test_R31_2_in_the_om_decision_follows_bdb_on_each_finding(city):
    """The O&M decision's R31.2 reads BDB's determinations: a copy by key counts until BDB
    dismisses every finding about the system; a synonym BDB confirms counts too."""
    from tests.evidence.conftest import system

    bdb = city["p"].bdb
    copy = system(city["jw"], "JW-010", "学生档案系统",
                  [("档案", "学生档案。", ["身份证号"], False)])  # fmt: skip
    check.scan_system(copy)
    assert "duplicates" in _r31_2_codes(copy)
    finding = CollectionFinding.objects.get(system=copy)
    actions.dismiss_duplicate_collection(finding, acting_user=bdb, reason="不同口径，依法采集。")
    assert _r31_2_codes(copy) == []

    synonym = system(city["jw"], "JW-011", "学籍管理系统",
                     [("学籍", "学生学籍信息。", ["居民身份证号码"], False)])  # fmt: skip
    check.scan_system(synonym)
    assert _r31_2_codes(synonym) == []  # a synonym: the key comparison does not see it
    finding = CollectionFinding.objects.get(system=synonym)
    actions.confirm_duplicate_collection(finding, acting_user=bdb, reason="重复采集身份证号。")
    assert _r31_2_codes(synonym) == ["confirmed_collection"]
