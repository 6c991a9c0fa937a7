"""The audit ledger: append with an SM3 hash chain sealed by HMAC-SM3, and verify it.

Canonical content is JSON with sorted keys, no insignificant whitespace and UTF-8 text, so
the same event always hashes to the same digest on SQLite and PostgreSQL alike. Each event
carries the SM3 hash of its content (which includes the previous event's hash: the chain) and
an HMAC-SM3 of the same bytes under a key kept outside the database (``core.keys``): someone
who can write the table but not read the key can neither change an event nor recompute the
chain after it. Deleting the newest events or the whole table leaves a valid shorter chain;
the signed checkpoints of the head written outside the database (``core.anchors``) catch
that: ``verify_ledger`` compares the chain with the latest checkpoint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import keys
from .crypto import hmac_sm3_hex, same, sm3_hex
from .models import LedgerEvent

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the ledger's advisory lock on PostgreSQL.
LEDGER_LOCK_KEY = 7_311_202_1122

CANONICAL_FIELDS = (
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


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
# The canonical bytes are _ENCODER's output for the fields as one object; they are written
# here field by field in sorted key order (verification encodes every event, and building,
# sorting and encoding a dict per event was most of its cost), and tests/core hold the two
# byte for byte equal.
SORTED_FIELDS = tuple(sorted(CANONICAL_FIELDS))
_TEMPLATE = "{" + ",".join(f'"{name}":%s' for name in SORTED_FIELDS) + "}"
_OCCURRED, _DECISION, _DATA = (
    SORTED_FIELDS.index(n) for n in ("occurred_at", "decision_id", "data")
)
_encode_str = json.encoder.encode_basestring  # what _ENCODER writes a str with


def _data_encoder() -> Callable[[Any], str]:
    """_ENCODER's C encoder made once (``JSONEncoder.encode`` makes one per call), without
    circular-reference markers: the data are parsed JSON."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    encoder = make(None, str, _encode_str, None, ":", ",", True, False, True)
    return lambda value: "".join(encoder(value, 0))


_encode_data = _data_encoder()


def _timestamp(value: dt.datetime) -> str:
    """``isoformat(timespec="microseconds")`` in UTC, without the offset, and "Z"."""
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031 (twice as fast as isoformat)
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def _canonical(content: list[Any]) -> bytes:
    """The canonical bytes of the values of SORTED_FIELDS in that order (occurred_at already a
    timestamp, decision_id text, data what the event holds)."""
    texts = []
    for value in content:
        kind = type(value)
        if kind is str:
            texts.append(_encode_str(value))
        elif kind is int:
            texts.append(int.__repr__(value))
        elif value is None:
            texts.append("null")
        else:
            texts.append(_encode_data(value))
    return (_TEMPLATE % tuple(texts)).encode("utf-8")


def canonical_bytes(values: dict[str, Any]) -> bytes:
    """The exact bytes hashed for one event (``values`` keyed by CANONICAL_FIELDS): JSON with
    sorted keys, no whitespace, UTF-8 text."""
    content: list[Any] = [values.get(name) for name in SORTED_FIELDS]
    content[_OCCURRED] = _timestamp(content[_OCCURRED])
    content[_DECISION] = str(content[_DECISION]) if content[_DECISION] else ""
    content[_DATA] = content[_DATA] or {}
    return _canonical(content)


def _sm3_state() -> Any:
    """An empty SM3 state of hashlib (OpenSSL) to copy per digest, or None when this OpenSSL
    has no SM3: then ``core.crypto`` computes it. Either gives the same digest (checked)."""
    try:
        state = hashlib.new("sm3")
    except ValueError:
        return None
    probe = state.copy()
    probe.update(b"abc")
    return state if probe.hexdigest() == sm3_hex(b"abc") else None


_SM3 = _sm3_state()


def sm3_digest(data: bytes) -> str:
    """SM3 of ``data`` as hex, the same digest as ``core.crypto.sm3_hex`` at a fraction of the
    per-call cost (a copied state instead of a new hash object)."""
    if _SM3 is None:
        return sm3_hex(data)
    state = _SM3.copy()
    state.update(data)
    return str(state.hexdigest())


class _Seal:
    """HMAC-SM3 under one key (RFC 2104: the key's inner and outer pads hashed once, then
    copied per event), the same seal as ``core.crypto.hmac_sm3_hex``."""

    BLOCK = 64  # SM3's block size in bytes

    def __init__(self, key: bytes) -> None:
        self.key = key
        if _SM3 is None:
            return
        if len(key) > self.BLOCK:
            key = bytes.fromhex(sm3_digest(key))
        key = key.ljust(self.BLOCK, b"\0")
        self.inner, self.outer = _SM3.copy(), _SM3.copy()
        self.inner.update(bytes(b ^ 0x36 for b in key))
        self.outer.update(bytes(b ^ 0x5C for b in key))

    def hex(self, data: bytes) -> str:
        if _SM3 is None:
            return hmac_sm3_hex(self.key, data)
        inner = self.inner.copy()
        inner.update(data)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return str(outer.hexdigest())


def event_hash(values: dict[str, Any]) -> str:
    return sm3_digest(canonical_bytes(values))


def event_mac(values: dict[str, Any], key: bytes) -> str:
    """HMAC-SM3 of the event's canonical bytes (they include the previous hash)."""
    return hmac_sm3_hex(key, canonical_bytes(values))


def _json_safe(data: dict[str, Any] | None) -> dict[str, Any]:
    # Decimals, dates and UUIDs become strings now, so that what is stored is what is hashed.
    safe: dict[str, Any] = json.loads(
        json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False)
    )
    return safe


def _lock_ledger() -> None:
    """Serialise appends. SQLite already holds the write lock (IMMEDIATE transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK_KEY])


# The policy version in force for an organisation, as its code: set by the policy app when it
# is ready (core names no chapter). A state change recorded without a version gets this one.
policy_version_in_force: Callable[[Any], str] | None = None


def _version_in_force(obj: Any, organisation: Any) -> str:
    if policy_version_in_force is None:
        return ""
    if organisation is None and obj is not None:
        organisation = getattr(obj, "unit", None) or getattr(obj, "organisation", None)
    return policy_version_in_force(organisation)


def record_event(
    action: str,  # an ActionCode, or a chapter's own event choices (TextChoices)
    *,
    actor: Any = None,
    obj: Any = None,
    organisation: Any = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    policy_version: str = "",
    decision_id: Any = None,
    data: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> LedgerEvent:
    """Append one event to the ledger inside the caller's transaction. A change of state
    always names the policy version in force (the caller's, or the one in force for the
    organisation today)."""
    if not policy_version and (from_state or to_state):
        policy_version = _version_in_force(obj, organisation)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    actor_id = getattr(actor, "pk", None)
    actor_name = ""
    if actor is not None and actor_id is not None:
        actor_name = (actor.get_full_name() or actor.get_username())[:150]
    with transaction.atomic():
        _lock_ledger()
        last = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        values = {
            "seq": seq,
            "occurred_at": timezone.now(),
            "actor_id": actor_id,
            "actor_name": actor_name,
            "action": str(action),
            "object_type": object_type,
            "object_id": str(object_id),
            "object_repr": object_repr[:255],
            "organisation_id": getattr(organisation, "pk", organisation),
            "from_state": str(from_state or ""),
            "to_state": str(to_state or ""),
            "reason": reason or "",
            "policy_version": policy_version or "",
            "decision_id": decision_id,
            "data": _json_safe(data),
            "prev_hash": prev_hash,
        }
        values["hash"] = event_hash(values)
        values["key_id"] = keys.active_id("ledger_hmac")
        values["mac"] = event_mac(values, keys.read("ledger_hmac", values["key_id"]))
        return LedgerEvent.objects.create(**values)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""
    checkpoint_seq: int | None = None


VALUE_FIELDS = (*CANONICAL_FIELDS, "hash", "mac", "key_id")


def iter_event_values(
    chunk_size: int = 5000, model: Any = None, using: str = "default"
) -> Iterator[dict[str, Any]]:
    source: Any = model or LedgerEvent  # a migration passes its historical model
    rows = source.objects.using(using).order_by("seq").values_list(*VALUE_FIELDS)
    for row in rows.iterator(chunk_size=chunk_size):
        yield dict(zip(VALUE_FIELDS, row, strict=True))


class _Keys(dict[str, _Seal]):
    """The ledger's HMAC keys by id, each read once and ready to seal."""

    def __missing__(self, key_id: str) -> _Seal:
        value = _Seal(keys.read("ledger_hmac", key_id))
        self[key_id] = value
        return value


ROW_FIELDS = (*SORTED_FIELDS, "hash", "mac", "key_id")
_SEQ, _PREV = SORTED_FIELDS.index("seq"), SORTED_FIELDS.index("prev_hash")
_HASH, _MAC, _KEY_ID = (ROW_FIELDS.index(n) for n in ("hash", "mac", "key_id"))
_CONTENT = len(SORTED_FIELDS)


def verify_chain(events: Iterable[dict[str, Any]], *, keyed: bool = True) -> VerifyResult:
    """Walk events in seq order; report the first whose position, link, content or seal is
    wrong."""
    rows = (tuple(v.get(f) for f in ROW_FIELDS) for v in events)
    return _verify_rows(rows, keyed=keyed, from_db=False)


def _verify_rows(
    rows: Iterable[Sequence[Any]],
    *,
    keyed: bool = True,
    from_db: bool = True,
    naive_zone: Any = None,
) -> VerifyResult:
    """``verify_chain`` over rows in ROW_FIELDS order, as the model gives them or, ``from_db``,
    as the database does (``_event_rows``: a naive time is in ``naive_zone``, or UTC; the data
    JSON text; a UUID its text). Each event's canonical bytes are encoded once for its hash and
    its seal."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    ring = _Keys()
    for row in rows:
        seq = row[_SEQ]
        if seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"缺少事件 #{expected_seq}（序号不连续，事件被删除）"
            )
        if row[_PREV] != expected_prev:
            return VerifyResult(
                False, checked, seq, f"事件 #{seq} 的前序哈希与链不符（前一事件被改动或删除）"
            )
        content = list(row[:_CONTENT])
        occurred, decision, data = content[_OCCURRED], content[_DECISION], content[_DATA]
        if from_db:
            occurred = _aware(occurred, naive_zone)
            decision = _uuid_text(decision) if decision else ""
            data = _parsed(data) if type(data) is str else data
        else:
            decision = str(decision) if decision else ""
        content[_OCCURRED], content[_DECISION], content[_DATA] = (
            _timestamp(occurred),
            decision,
            data or {},
        )
        payload = _canonical(content)
        if sm3_digest(payload) != row[_HASH]:
            return VerifyResult(
                False, checked, seq, f"事件 #{seq} 的内容与其 SM3 哈希不符（内容被改动）"
            )
        if keyed:
            mac = row[_MAC] or ""
            if not mac or not same(ring[row[_KEY_ID]].hex(payload), mac):
                return VerifyResult(
                    False,
                    checked,
                    seq,
                    f"事件 #{seq} 的 HMAC-SM3 密封不符（内容被改动后重算了哈希链，或未经平台写入）",
                )
        expected_prev = row[_HASH]
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked)


# What the model's fields make of the database's values, for rows read without the ORM: the
# same conversions as Django's (DateTimeField, UUIDField, JSONField), only those that change
# the canonical bytes.


def _aware(value: Any, zone: Any) -> Any:
    if type(value) is str:  # a backend that returns the text
        value = parse_datetime(value)
    if zone is not None and value.tzinfo is None:
        value = timezone.make_aware(value, zone)
    return value


def _uuid_text(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:  # JSONField keeps text that is not JSON as text
        return text


def _event_rows(chunk_size: int = 5000, using: str = "default") -> Iterator[Sequence[Any]]:
    """Every event's ROW_FIELDS in seq order, straight from the database cursor (server-side
    on PostgreSQL, as ``QuerySet.iterator`` reads): the ORM's per-row conversions cost more
    than the hashing."""
    conn = connections[using]
    quote = conn.ops.quote_name
    meta = LedgerEvent._meta
    column = {field.attname: field.column for field in meta.concrete_fields}
    columns = ", ".join(quote(column[name]) for name in ROW_FIELDS)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote('seq')}"
    server_side = not conn.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with conn.chunked_cursor() if server_side else conn.cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


def verify_ledger() -> VerifyResult:
    """The chain and its seals, then the chain against every signed checkpoint."""
    from .anchors import verify_against_checkpoints

    zone = connection.timezone if settings.USE_TZ else None
    naive_zone = None if zone in (None, dt.UTC) else zone  # naive UTC encodes as UTC
    result = _verify_rows(_event_rows(), naive_zone=naive_zone)
    if not result.ok:
        return result
    return verify_against_checkpoints(result)


def seal_unsealed(using: str = "default", model: Any = None) -> int:
    """Seal events written before the ledger was keyed (a migration, or ``ledger seal``).

    The append-only trigger is lifted for this one update on PostgreSQL (the caller is the
    table's owner); the chain itself is checked first, so nothing already altered is sealed."""
    model = model or LedgerEvent
    rows = model.objects.using(using).filter(mac="").order_by("seq").values_list(*VALUE_FIELDS)
    pending = [dict(zip(VALUE_FIELDS, row, strict=True)) for row in rows]
    if not pending:
        return 0
    check = verify_chain(iter_event_values(model=model, using=using), keyed=False)
    if not check.ok:
        raise RuntimeError(f"审计日志已被破坏，不能密封：{check.problem}")
    key_id = keys.active_id("ledger_hmac")
    key = keys.read("ledger_hmac", key_id)
    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_ledgerevent DISABLE TRIGGER core_ledgerevent_append_only"
            )
        for values in pending:
            cursor.execute(
                "UPDATE core_ledgerevent SET mac = %s, key_id = %s WHERE seq = %s",
                [event_mac(values, key), key_id, values["seq"]],
            )
        if conn.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE core_ledgerevent ENABLE TRIGGER core_ledgerevent_append_only"
            )
    return len(pending)
