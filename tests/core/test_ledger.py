"""The audit ledger: SM3 chain, append-only, tamper detection (issue 2 point 7)."""

import io
import itertools

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from core.crypto import sm3_hex
from core.enums import ActionCode
from core.ledger import GENESIS_HASH, event_hash, record_event, verify_ledger
from core.models import LedgerEvent, LedgerImmutableError


def test_sm3_standard_vector_abc():
    # GB/T 32905-2016 Appendix A.1
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_standard_vector_64_bytes():
    assert (
        sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


@pytest.fixture
def chain(empty_ledger):
    events = [
        record_event(
            ActionCode.ORG_UPDATED,
            object_repr=f"对象{i}",
            reason=f"理由{i}",
            data={"n": i, "金额": "12.50"},
        )
        for i in range(5)
    ]
    return events


def test_events_are_chained_by_sm3(chain):
    assert chain[0].prev_hash == GENESIS_HASH
    for earlier, later in itertools.pairwise(chain):
        assert later.prev_hash == earlier.hash
        assert later.seq == earlier.seq + 1
    fresh = LedgerEvent.objects.get(pk=chain[2].pk)
    values = {
        f: getattr(fresh, f)
        for f in (
            "seq",
            "occurred_at",
            "actor_id",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "organisation_id",
            "from_state",
            "to_state",
            "reason",
            "policy_version",
            "decision_id",
            "data",
            "prev_hash",
        )
    }
    assert event_hash(values) == fresh.hash


def test_intact_chain_verifies(chain):
    result = verify_ledger()
    assert result.ok and result.checked == 5
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    assert "5 条事件" in out.getvalue()


def test_orm_refuses_update_and_delete(chain):
    event = chain[0]
    event.reason = "篡改"
    with pytest.raises(LedgerImmutableError):
        event.save()
    with pytest.raises(LedgerImmutableError):
        event.delete()
    with pytest.raises(LedgerImmutableError):
        LedgerEvent.objects.filter(pk=event.pk).update(reason="篡改")
    with pytest.raises(LedgerImmutableError):
        LedgerEvent.objects.all().delete()


def _tamper(sql, params):
    """Change the table behind the application's back, as a DBA with SQL access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_ledgerevent DISABLE TRIGGER core_ledgerevent_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_ledgerevent ENABLE TRIGGER core_ledgerevent_append_only"
            )


@pytest.mark.parametrize(
    "column,value", [("reason", "改过的理由"), ("actor_name", "冒名"), ("data", '{"n": 99}')]
)
def test_changed_content_is_detected(chain, column, value):
    _tamper(f"UPDATE core_ledgerevent SET {column} = %s WHERE seq = 3", [value])
    result = verify_ledger()
    assert not result.ok
    assert result.broken_seq == 3
    assert "#3" in result.problem


def test_deleted_event_is_detected(chain):
    _tamper("DELETE FROM core_ledgerevent WHERE seq = %s", [2])
    result = verify_ledger()
    assert not result.ok
    assert result.broken_seq == 2


def test_recomputed_hash_still_breaks_the_seal(chain):
    """An attacker who rewrites an event and recomputes its SM3 hash cannot recompute its
    HMAC-SM3 seal (the key is outside the database)."""
    event = LedgerEvent.objects.get(seq=2)
    values = {f.attname: getattr(event, f.attname) for f in LedgerEvent._meta.concrete_fields}
    values["reason"] = "伪造"
    forged = event_hash(values)
    _tamper("UPDATE core_ledgerevent SET reason = %s, hash = %s WHERE seq = 2", ["伪造", forged])
    result = verify_ledger()
    assert not result.ok and result.broken_seq == 2 and "HMAC-SM3" in result.problem


def test_verify_ledger_cli_exit_codes(chain, capsys, monkeypatch):
    """The real command line: exit 0 when intact, non-zero naming the first broken event."""
    from django.core.management import ManagementUtility, base

    # run_from_argv closes connections when it ends; keep the test's transaction alive.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)

    ManagementUtility(["manage.py", "verify_ledger"]).execute()  # returns normally: exit 0
    _tamper("UPDATE core_ledgerevent SET reason = %s WHERE seq = 4", ["x"])
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "verify_ledger"]).execute()
    assert exit_info.value.code == 1
    assert "#4" in capsys.readouterr().err


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_and_delete(chain):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute("UPDATE core_ledgerevent SET reason = 'x' WHERE seq = 1")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute("DELETE FROM core_ledgerevent WHERE seq = 1")
    assert verify_ledger().ok
