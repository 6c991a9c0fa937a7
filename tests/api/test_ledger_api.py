"""/api/ledger: newest first, restricted by for_user."""

import pytest

from core.enums import ActionCode
from core.ledger import record_event


@pytest.fixture
def unit_events(personas):
    jw = personas.jw_officer.primary_organisation
    wj = personas.wj_officer.primary_organisation
    return (
        record_event(ActionCode.ORG_UPDATED, organisation=jw, object_repr="市教委的事件"),
        record_event(ActionCode.ORG_UPDATED, organisation=wj, object_repr="市卫生健康委的事件"),
    )


def _reprs(client, **params):
    body = client.get("/api/ledger", {"action": "org.updated", **params}).json()
    return [e["object_repr"] for e in body["items"]]


def test_unit_officer_sees_only_own_unit(personas, login, unit_events):
    assert _reprs(login(personas.jw_officer)) == ["市教委的事件"]


def test_auditor_sees_every_unit_newest_first(personas, login, unit_events):
    assert _reprs(login(personas.auditor)) == ["市卫生健康委的事件", "市教委的事件"]


def test_event_fields(personas, login, unit_events):
    jw_event = unit_events[0]
    event = login(personas.jw_officer).get("/api/ledger", {"action": "org.updated"}).json()
    item = event["items"][0]
    assert item["seq"] == jw_event.seq and item["hash"] == jw_event.hash
    assert item["prev_hash"] == jw_event.prev_hash
    assert item["action"] == "org.updated" and item["action_label"] == "修改组织"
    assert item["decision_id"] is None
    assert item["occurred_at"].endswith(("Z", "+00:00", "+08:00"))


def test_paginated_newest_first(personas, login, unit_events):
    body = login(personas.auditor).get("/api/ledger", {"page_size": 3}).json()
    seqs = [e["seq"] for e in body["items"]]
    assert len(seqs) == 3 and seqs == sorted(seqs, reverse=True)
    assert body["count"] > 3
