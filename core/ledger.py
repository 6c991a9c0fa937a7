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
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, connections, transaction
from django.utils import timezone

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


def _timestamp(value: dt.datetime) -> str:
    if value.utcoffset():
        value = value.astimezone(dt.UTC)
    return value.isoformat(timespec="microseconds")[:26] + "Z"


def canonical_bytes(values: dict[str, Any]) -> bytes:
    """The exact bytes hashed for one event (``values`` keyed by CANONICAL_FIELDS)."""
    content: dict[str, Any] = {name: values.get(name) for name in CANONICAL_FIELDS}
    content["occurred_at"] = _timestamp(content["occurred_at"])
    content["decision_id"] = str(content["decision_id"]) if content["decision_id"] else ""
    content["data"] = content["data"] or {}
    return _ENCODER.encode(content).encode("utf-8")


def event_hash(values: dict[str, Any]) -> str:
    return sm3_hex(canonical_bytes(values))


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


class _Keys(dict[str, bytes]):
    """The ledger's HMAC keys by id, read once each."""

    def __missing__(self, key_id: str) -> bytes:
        value = keys.read("ledger_hmac", key_id)
        self[key_id] = value
        return value


def verify_chain(events: Iterable[dict[str, Any]], *, keyed: bool = True) -> VerifyResult:
    """Walk events in seq order; report the first whose position, link, content or seal is
    wrong."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    ring = _Keys()
    for values in events:
        seq = values["seq"]
        if seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"缺少事件 #{expected_seq}（序号不连续，事件被删除）"
            )
        if values["prev_hash"] != expected_prev:
            return VerifyResult(
                False, checked, seq, f"事件 #{seq} 的前序哈希与链不符（前一事件被改动或删除）"
            )
        if event_hash(values) != values["hash"]:
            return VerifyResult(
                False, checked, seq, f"事件 #{seq} 的内容与其 SM3 哈希不符（内容被改动）"
            )
        if keyed:
            mac = values.get("mac") or ""
            if not mac or not same(event_mac(values, ring[values["key_id"]]), mac):
                return VerifyResult(
                    False,
                    checked,
                    seq,
                    f"事件 #{seq} 的 HMAC-SM3 密封不符（内容被改动后重算了哈希链，或未经平台写入）",
                )
        expected_prev = values["hash"]
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked)


def verify_ledger() -> VerifyResult:
    """The chain and its seals, then the chain against every signed checkpoint."""
    from .anchors import verify_against_checkpoints

    result = verify_chain(iter_event_values())
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
