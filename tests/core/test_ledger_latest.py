"""The workbench's latest events: a person who does not read the whole ledger sees the latest
of their organisations' events and of their own actions, merged newest first, read as two
index walks instead of one ORed walk of the whole ledger (issue 17)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.enums import ActionCode
from core.ledger import record_event
from core.models import LedgerEvent

pytestmark = pytest.mark.django_db


def test_latest_for_merges_the_organisations_and_the_persons_own_events(personas):
    officer, other = personas.jw_officer, personas.wj_officer
    unit = officer.memberships.first().organisation
    stranger = other.memberships.first().organisation
    mine = [record_event(ActionCode.PROJECT_CREATED, actor=officer, organisation=stranger,
                         object_repr=f"本人 {i}") for i in range(3)]  # fmt: skip
    units = [record_event(ActionCode.PROJECT_CREATED, actor=other, organisation=unit,
                          object_repr=f"本单位 {i}") for i in range(3)]  # fmt: skip
    record_event(ActionCode.PROJECT_CREATED, actor=other, organisation=stranger)
    latest = LedgerEvent.objects.latest_for(officer, 4)
    expected = sorted(mine + units, key=lambda e: -e.seq)[:4]
    assert [e.pk for e in latest] == [e.pk for e in expected]
    everything = set(LedgerEvent.objects.for_user(officer).values_list("pk", flat=True))
    assert {e.pk for e in LedgerEvent.objects.latest_for(officer, 50)} == everything
    with CaptureQueriesContext(connection) as capture:
        LedgerEvent.objects.latest_for(officer, 4)
    assert all(" OR " not in q["sql"] for q in capture.captured_queries)
    # Audit reads the whole ledger: its latest are the ledger's latest
    assert (
        LedgerEvent.objects.latest_for(personas.auditor, 1)[0].pk == LedgerEvent.objects.first().pk
    )
