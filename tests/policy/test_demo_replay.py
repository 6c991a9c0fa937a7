"""Every decision of the demo city (``make run``'s data) evaluates again, from its snapshot
alone, to what it decided (issue 13: "replay_decisions reports every demo decision
identical"); and the demo shows the unit-wide reading of Art. 31 and 32."""

import pytest
from django.core.management import call_command

from policy.models import Decision
from tests.conftest import demo_city


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory, _key_dir):
    yield from demo_city(django_db_blocker, tmp_path_factory, _key_dir)


def test_every_demo_decision_replays_identically(city, db, capsys):
    count = Decision.objects.count()
    assert count > 100
    call_command("replay_decisions")  # raises CommandError on any difference or failure
    assert f"重放 {count} 个决定：一致 {count}，不同 0，失败 0" in capsys.readouterr().out


def test_the_demo_blocks_one_unit_under_art_31_and_32(city, db):
    """市卫生健康委 owns systems failing R31.2 and R32.1: its new project is refused at
    submission, naming each system; 市教委's projects flow."""
    refused = Decision.objects.get(
        gate="projects.submit", subject_repr__contains="医疗健康大数据分析平台"
    )
    blocking = {(f["rule_id"], f["facts"]["system"]) for f in refused.blocking_findings}
    assert blocking == {
        ("R31.4", "WJ-SYS-003"),
        ("R31.4", "WJ-SYS-004"),
        ("R32.1.new-project", "WJ-SYS-005"),
    }
    assert refused.inputs["art31_block_scope"] == "unit"
    jw_submissions = Decision.objects.filter(
        gate="projects.submit", organisation__name__contains="教育"
    )
    assert jw_submissions.exists()
    assert not jw_submissions.filter(outcome="block").exists()


def test_every_event_the_demo_records_reaches_a_person_by_its_name(city, db):
    """Issue 18 pt 3: no ledger code (``supervision.rectification_verified``…) on a page."""
    from core.enums import event_label
    from core.models import LedgerEvent

    codes = set(LedgerEvent.objects.values_list("action", flat=True).distinct())
    assert {"supervision.rectification_verified", "evidence.collection_confirmed"} <= codes
    unnamed = sorted(code for code in codes if event_label(code) == code)
    assert unnamed == []
    assert event_label("supervision.rectification_verified") == "核查整改情况"
    assert event_label("evidence.collection_confirmed") == "认定为重复采集"
