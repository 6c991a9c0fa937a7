"""The faster ledger verification computes the same thing (issue 17): the canonical bytes
written field by field equal the sorted-keys JSON of the event, the SM3 and HMAC-SM3 with
copied states equal ``core.crypto``'s, and the rows read straight from the database verify as
the model's values do, finding the same tampering (times, decision ids, data)."""

import datetime as dt
import json
import random
import uuid
from decimal import Decimal

import pytest
from django.db import connection

from core import ledger
from core.crypto import hmac_sm3_hex, sm3_hex
from core.enums import ActionCode
from core.ledger import CANONICAL_FIELDS, canonical_bytes, record_event, verify_chain, verify_ledger
from core.models import LedgerEvent

REFERENCE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
TEXTS = ["", "普通文本", 'quote"back\\slash\n\t\x00\u2028', "emoji😀", "a" * 300]


def reference_bytes(values):
    """The canonical bytes as first defined: one dict, sorted keys, UTF-8."""
    content = {name: values.get(name) for name in CANONICAL_FIELDS}
    when = content["occurred_at"]
    if when.utcoffset():
        when = when.astimezone(dt.UTC)
    content["occurred_at"] = when.isoformat(timespec="microseconds")[:26] + "Z"
    content["decision_id"] = str(content["decision_id"]) if content["decision_id"] else ""
    content["data"] = content["data"] or {}
    return REFERENCE.encode(content).encode("utf-8")


def test_canonical_bytes_are_the_sorted_json_of_the_event():
    rng = random.Random(17)
    zones = [dt.UTC, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5))]
    datas = [None, {}, {"n": 1, "金额": "12.50"}, {"b": [1.5, "x", None, True], "a": {"z": "é"}}]
    for i in range(2000):
        values = {name: rng.choice(TEXTS) for name in CANONICAL_FIELDS}
        values.update(
            seq=rng.choice([1, 10**12, True]),
            occurred_at=dt.datetime(1999, 1, 1, tzinfo=rng.choice(zones))
            + dt.timedelta(microseconds=rng.randrange(10**15)),
            actor_id=rng.choice([None, 7, Decimal("1.5")]),
            organisation_id=rng.choice([None, 3]),
            decision_id=rng.choice([None, "", uuid.uuid4()]),
            data=rng.choice(datas),
        )
        if i % 5 == 0:
            values["occurred_at"] = values["occurred_at"].replace(microsecond=0)
        assert canonical_bytes(values) == reference_bytes(values), values


@pytest.mark.parametrize("size", [0, 1, 32, 64, 65, 200])
def test_hashes_with_copied_states_are_core_cryptos(size):
    key = bytes(range(256))[:size]
    for data in (b"", b"abc", bytes(range(256)) * 5):
        assert ledger.sm3_digest(data) == sm3_hex(data)
        assert ledger._Seal(key).hex(data) == hmac_sm3_hex(key, data)


@pytest.fixture
def varied(empty_ledger):
    """Events with a decision id, nested Chinese data, and none at all."""
    return [
        record_event(
            ActionCode.ORG_UPDATED,
            reason=f"理由{i}",
            decision_id=uuid.uuid4() if i % 2 else None,
            data={"金额": Decimal("12.50"), "列表": [i, {"b": 1, "a": 2}]} if i % 3 else None,
        )
        for i in range(6)
    ]


def test_database_rows_verify_as_the_models_values_do(varied):
    result = verify_ledger()
    assert result.ok and result.checked == 6
    assert verify_chain(ledger.iter_event_values()) == ledger._verify_rows(ledger._event_rows())


def _tamper(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_ledgerevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_ledgerevent ENABLE TRIGGER USER")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("occurred_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        ("decision_id", uuid.UUID(int=5)),
        ("data", json.dumps({"金额": "99.99"})),
        ("mac", "0" * 64),
    ],
)
def test_changed_time_decision_data_or_seal_is_found(varied, column, value):
    if column in ("occurred_at", "decision_id"):  # as the backend stores them
        value = LedgerEvent._meta.get_field(column).get_db_prep_value(value, connection)
    _tamper(f"UPDATE core_ledgerevent SET {column} = %s WHERE seq = 4", [value])
    result = verify_ledger()
    assert not result.ok and result.broken_seq == 4
    assert verify_chain(ledger.iter_event_values()) == result
