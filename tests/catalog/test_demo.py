"""The catalog demo: every O&M reason appears, and seeding twice changes nothing."""

import pytest

from catalog import eligibility
from catalog.demo import seed_catalog
from catalog.models import (
    DataResource,
    InformationSystem,
    OMDecision,
    SharingFeedback,
    SharingRequest,
    SharingState,
)
from core.dates import today

pytestmark = pytest.mark.django_db

REASONS = {"R28.4", "R31.1", "R31.2", "R31.3", "R32.1", "R33.1"}


def test_demo_has_each_reason_and_is_idempotent(planned):
    # given the demo directory and planning; when the catalog demo is seeded twice
    first = seed_catalog(planned)
    counts = (
        InformationSystem.objects.count(),
        DataResource.objects.count(),
        SharingRequest.objects.count(),
        SharingFeedback.objects.count(),
        OMDecision.objects.count(),
    )
    second = seed_catalog(planned)
    # then the second run adds nothing and returns the same decision run
    assert second["run"] == first["run"]
    assert counts == (
        InformationSystem.objects.count(),
        DataResource.objects.count(),
        SharingRequest.objects.count(),
        SharingFeedback.objects.count(),
        OMDecision.objects.count(),
    )
    decisions = {d.system.code: d for d in OMDecision.objects.filter(run__code=first["run"])}
    assert first["budget_year"] == today().year + 1
    # eligible systems exist, including the approved isolated network
    assert decisions["WJ-SYS-001"].eligible and decisions["JW-SYS-001"].eligible
    assert decisions["JW-SYS-006"].eligible
    assert decisions["WJ-SYS-002"].eligible  # the authoritative unit's own copy is no duplicate
    # each reason of refusal appears
    found = {r["rule_id"] for d in decisions.values() for r in d.reasons}
    assert found >= REASONS
    # and each showcase system is refused for its one reason
    only = {
        code: {r["rule_id"] for r in d.reasons} for code, d in decisions.items() if not d.eligible
    }
    assert only["FY-SYS-006"] == {"R31.2"}  # duplicate collection
    assert "身份证" in decisions["FY-SYS-006"].explained_reasons[0]["message"]
    assert only["JW-SYS-005"] == {"R31.1"}
    assert only["JW-SYS-007"] == {"R31.3"}
    assert only["FY-SYS-007"] == {"R32.1"}
    assert [r["kind"] for r in decisions["FY-SYS-008"].reasons] == ["major_hazard"]
    # Art. 31, 32 read unit-wide: 市教委 owns no system failing R31.2 or R32.1 (its new
    # projects flow); 市卫生健康委 and 市高法院 do
    failing = {code[:2] for code, rules in only.items() if rules & {"R31.2", "R32.1"}}
    assert failing == {"WJ", "FY"}
    assert only["WJ-SYS-003"] == {"R31.2"}  # private-only
    assert only["WJ-SYS-004"] == {"R31.2"}  # overdue request
    assert only["JT-SYS-002"] == {"R33.1"}
    # and every way of failing a condition, each on a system of its own
    kinds = {r["kind"] for d in decisions.values() for r in d.reasons}
    # (a duplicate collection BDB confirmed from the evidence chapter's scan needs that
    # chapter: tests/evidence/test_index_and_scan.py shows it in a decision)
    assert kinds >= {c.kind for c in eligibility.BLOCKING} - {"confirmed_collection"}
    assert [r["kind"] for r in decisions["FY-SYS-002"].reasons] == ["crypto_missing"]
    assert [r["kind"] for r in decisions["FY-SYS-003"].reasons] == ["mlps_failed"]
    assert [r["kind"] for r in decisions["FY-SYS-004"].reasons] == ["mlps_missing"]
    assert [r["kind"] for r in decisions["FY-SYS-005"].reasons] == ["isolated_refused"]
    failed = InformationSystem.objects.get(projects__name="教育收费监管系统")
    assert only[failed.code] == {"R28.4"}
    # warnings for the stale assessments and the zombie indicators
    warned = {w["rule_id"] for w in decisions["WJ-SYS-006"].warnings}
    assert {"R17.1", "R18.1"} <= warned and decisions["WJ-SYS-006"].eligible
    assert {w["rule_id"] for w in decisions["FY-SYS-001"].warnings} == {"R33.1.zombie"}
    # sharing requests in all three states
    states = {(r.state, r.due_on < today()) for r in SharingRequest.objects.all()}
    assert {(SharingState.GRANTED, False), (SharingState.PENDING, True)} <= states
    assert (SharingState.PENDING, False) in states
    assert SharingFeedback.objects.count() == 1
