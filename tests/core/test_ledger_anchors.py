"""The ledger's tamper evidence (issue 16 point 1): a keyed chain (HMAC-SM3, key outside the
database) anchored by SM2-signed checkpoints outside the database. One test per tampering
mode; each names the first missing or altered event."""

import json

import pytest
from django.db import DatabaseError, connection, transaction

from core import keys
from core.anchors import anchor_file, latest_checkpoint, read_checkpoints, write_checkpoint
from core.crypto import sm3_hex
from core.enums import ActionCode
from core.ledger import GENESIS_HASH, event_hash, record_event, seal_unsealed, verify_ledger
from core.models import LedgerEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(empty_ledger):
    """Twelve events and a signed checkpoint of their head."""
    for i in range(12):
        record_event(
            ActionCode.ORG_UPDATED, object_repr=f"对象{i}", reason=f"理由{i}", data={"n": i}
        )
    checkpoint = write_checkpoint()
    assert checkpoint is not None and checkpoint.seq == 12
    return checkpoint


def _raw(sql, params=()):
    """What someone with write access to the table (not to the key store) could do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_ledgerevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_ledgerevent ENABLE TRIGGER USER")


def test_intact_ledger_verifies_against_its_checkpoint(ledger):
    result = verify_ledger()
    assert result.ok and result.checked == 12 and result.checkpoint_seq == 12
    event = LedgerEvent.objects.get(seq=5)
    assert len(event.mac) == 64 and event.key_id == keys.active_id("ledger_hmac")
    assert ledger.signature_ok()


def test_edited_event_is_named(ledger):
    _raw("UPDATE core_ledgerevent SET reason = %s WHERE seq = 7", ["改过的理由"])
    result = verify_ledger()
    assert not result.ok and result.broken_seq == 7 and "内容被改动" in result.problem


def test_deleted_middle_event_is_named(ledger):
    _raw("DELETE FROM core_ledgerevent WHERE seq = 4")
    result = verify_ledger()
    assert not result.ok and result.broken_seq == 4 and "缺少事件 #4" in result.problem


def test_deleted_last_event_is_named(ledger):
    _raw("DELETE FROM core_ledgerevent WHERE seq = 12")
    result = verify_ledger()
    assert not result.ok and result.broken_seq == 12
    assert "只到 #11" in result.problem and "#12 起被删除" in result.problem


def test_deleted_tail_is_named(ledger):
    for i in range(50):
        record_event(ActionCode.ORG_UPDATED, object_repr=f"后续{i}")
    write_checkpoint()
    _raw("DELETE FROM core_ledgerevent WHERE seq > 12")
    result = verify_ledger()
    assert not result.ok and result.broken_seq == 13 and "只到 #12" in result.problem


def test_recomputed_chain_is_caught_by_the_seal(ledger):
    """Change event 6 and recompute every later SM3 hash, as someone without the key would."""
    fields = [f.attname for f in LedgerEvent._meta.concrete_fields]
    prev = LedgerEvent.objects.get(seq=5).hash
    for event in LedgerEvent.objects.filter(seq__gte=6).order_by("seq"):
        values = {f: getattr(event, f) for f in fields}
        if event.seq == 6:
            values["reason"] = "伪造"
        values["prev_hash"] = prev
        forged = event_hash(values)
        _raw(
            "UPDATE core_ledgerevent SET reason = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [values["reason"], prev, forged, event.seq],
        )
        prev = forged
    result = verify_ledger()
    assert not result.ok and result.broken_seq == 6 and "HMAC-SM3" in result.problem


def test_truncate_is_refused_or_found(ledger):
    if connection.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="TRUNCATE"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("TRUNCATE core_ledgerevent")
        assert verify_ledger().ok
        _raw("TRUNCATE core_ledgerevent")  # as the owner with the trigger lifted
    else:
        _raw("DELETE FROM core_ledgerevent")
    result = verify_ledger()
    assert not result.ok and result.broken_seq == 1 and "#1 起被删除" in result.problem


def test_altered_checkpoint_file_is_found(ledger):
    lines = anchor_file().read_text().splitlines()
    data = json.loads(lines[-1])
    data["seq"] = 3
    anchor_file().write_text("\n".join([*lines[:-1], json.dumps(data)]) + "\n")
    result = verify_ledger()
    assert not result.ok and "签名无效" in result.problem


def test_checkpoint_is_appended_not_rewritten(ledger):
    record_event(ActionCode.ORG_UPDATED, object_repr="又一条")
    write_checkpoint()
    write_checkpoint()  # the head did not move: nothing new
    assert [c.seq for c in read_checkpoints()] == [12, 13]
    assert latest_checkpoint().seq == 13
    assert oct(anchor_file().stat().st_mode & 0o777) == "0o600"


def test_events_written_before_the_seal_are_sealed_once(ledger):
    _raw("UPDATE core_ledgerevent SET mac = '', key_id = '' WHERE seq > 10")
    assert not verify_ledger().ok
    assert seal_unsealed() == 2
    assert verify_ledger().ok
    assert seal_unsealed() == 0


def test_key_files_are_private(ledger):
    path = keys.key_dir()
    assert oct(path.stat().st_mode & 0o777) == "0o700"
    for key_file in path.glob("*.key"):
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_genesis_and_hash_are_unchanged_by_the_seal(ledger):
    first = LedgerEvent.objects.get(seq=1)
    assert first.prev_hash == GENESIS_HASH and len(sm3_hex(b"x")) == 64


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_application_role_owns_nothing_and_cannot_lift_the_ledger_triggers(ledger):
    """The documented production roles: migrations as the owner, the application as a role
    that owns nothing and may only read and append the ledger."""
    import psycopg
    from django.core.management import call_command

    role = "govit_app_test"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    call_command("grant_app_role", role, stdout=None)
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], dbname=settings["NAME"], user=role,
        autocommit=True,
    )  # fmt: skip
    try:
        for statement, expected in (
            ("TRUNCATE core_ledgerevent", "permission denied|TRUNCATE"),
            (
                "ALTER TABLE core_ledgerevent DISABLE TRIGGER USER",
                "must be owner|permission denied",
            ),
            ("DROP TABLE core_ledgerevent", "must be owner|permission denied"),
            ("DELETE FROM core_ledgerevent", "permission denied|append-only"),
        ):
            with pytest.raises(psycopg.Error, match=expected):
                conn.execute(statement)
    finally:
        conn.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def test_the_public_verification_page_publishes_the_checkpoints(ledger, client):
    """Without signing in, anyone reads the signed head of the ledger and the public key."""
    html = client.get("/verify/").content.decode()
    assert 'data-testid="checkpoints"' in html and f"#{ledger.seq}" in html and ledger.hash in html
    assert "BEGIN PUBLIC KEY" in html
    unknown = client.get("/verify/", {"q": "渝发改投〔2099〕1号"}).content.decode()
    assert 'data-testid="verify-none"' in unknown
