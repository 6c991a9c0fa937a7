"""The audit ledger: append with an SM3 hash chain, and verify the chain.

Canonical content is JSON with sorted keys, no insignificant whitespace and UTF-8 text, so
the same event always hashes to the same digest on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .crypto import sm3_hex
from .enums import ActionCode
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


def canonical_bytes(values: dict) -> bytes:
    """The exact bytes hashed for one event (``values`` keyed by CANONICAL_FIELDS)."""
    content = {name: values.get(name) for name in CANONICAL_FIELDS}
    content["occurred_at"] = _timestamp(content["occurred_at"])
    content["decision_id"] = str(content["decision_id"]) if content["decision_id"] else ""
    content["data"] = content["data"] or {}
    return _ENCODER.encode(content).encode("utf-8")


def event_hash(values: dict) -> str:
    return sm3_hex(canonical_bytes(values))


def _json_safe(data: dict | None) -> dict:
    # Decimals, dates and UUIDs become strings now, so that what is stored is what is hashed.
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def _lock_ledger() -> None:
    """Serialise appends. SQLite already holds the write lock (IMMEDIATE transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LEDGER_LOCK_KEY])


def record_event(
    action: ActionCode,
    *,
    actor=None,
    obj=None,
    organisation=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    policy_version: str = "",
    decision_id=None,
    data: dict | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> LedgerEvent:
    """Append one event to the ledger inside the caller's transaction."""
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
        return LedgerEvent.objects.create(**values)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    problem: str = ""


VALUE_FIELDS = (*CANONICAL_FIELDS, "hash")


def iter_event_values(chunk_size: int = 5000) -> Iterator[dict]:
    rows = LedgerEvent.objects.order_by("seq").values_list(*VALUE_FIELDS)
    for row in rows.iterator(chunk_size=chunk_size):
        yield dict(zip(VALUE_FIELDS, row, strict=True))


def verify_chain(events: Iterable[dict]) -> VerifyResult:
    """Walk events in seq order; report the first whose content, link or position is wrong."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for values in events:
        seq = values["seq"]
        if seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"缺少事件 #{expected_seq}（序号不连续）"
            )
        if values["prev_hash"] != expected_prev:
            return VerifyResult(
                False, checked, seq, f"事件 #{seq} 的前序哈希与链不符（前一事件被改动或删除）"
            )
        if event_hash(values) != values["hash"]:
            return VerifyResult(
                False, checked, seq, f"事件 #{seq} 的内容与其 SM3 哈希不符（内容被改动）"
            )
        expected_prev = values["hash"]
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked)


def verify_ledger() -> VerifyResult:
    return verify_chain(iter_event_values())
