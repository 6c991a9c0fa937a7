"""Ledger verification throughput vs raw SM3 hashing of the same bytes (100,000 events)."""

import datetime as dt
import time

from django.db import connection

from core.crypto import sm3_hex
from core.enums import ActionCode
from core.ledger import GENESIS_HASH, canonical_bytes, event_hash, verify_ledger
from core.models import LedgerEvent

EVENTS = 100_000
BATCH = 5_000


def _build_chain(count: int) -> list[bytes]:
    """Append a valid chain of ``count`` events after whatever the ledger holds (the
    benchmarks before this one leave their events: the ledger is append-only); return the
    canonical bytes of each."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    last = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    first, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    rows, payloads = [], []
    for i in range(first, first + count):
        values = {
            "seq": i,
            "occurred_at": start + dt.timedelta(seconds=i),
            "actor_id": None,
            "actor_name": "基准测试",
            "action": str(ActionCode.ORG_UPDATED),
            "object_type": "accounts.organisation",
            "object_id": str(i % 500),
            "object_repr": f"重庆市某单位{i % 500}",
            "organisation_id": None,
            "from_state": "draft",
            "to_state": "submitted",
            "reason": "基准测试事件",
            "policy_version": "cq-municipal-2021",
            "decision_id": None,
            "data": {"n": i, "amount": "35000000.00"},
            "prev_hash": prev,
        }
        payloads.append(canonical_bytes(values))
        values["hash"] = prev = event_hash(values)
        rows.append(LedgerEvent(**values))
        if len(rows) == BATCH:
            LedgerEvent.objects.bulk_create(rows)
            rows = []
    if rows:
        LedgerEvent.objects.bulk_create(rows)
    return payloads


def run() -> None:
    before = LedgerEvent.objects.count()
    payloads = _build_chain(EVENTS)

    t0 = time.perf_counter()
    result = verify_ledger()
    verify_s = time.perf_counter() - t0
    assert result.ok and result.checked == before + EVENTS, result

    t0 = time.perf_counter()
    for payload in payloads:
        sm3_hex(payload)
    raw_s = time.perf_counter() - t0

    mb = sum(len(p) for p in payloads) / 1e6
    verify_rate, raw_rate = result.checked / verify_s, EVENTS / raw_s
    print(
        f"  database: {connection.vendor}; events: {EVENTS:,} (+{before:,} already in the "
        f"ledger); canonical bytes: {mb:.1f} MB"
    )
    print(f"  verify_ledger: {verify_s:.2f} s = {verify_rate:,.0f} events/s")
    print(
        f"  raw SM3 of the same bytes: {raw_s:.2f} s = {raw_rate:,.0f} events/s ({mb / raw_s:.1f} MB/s)"
    )
    print(
        f"  ratio verify/raw: {verify_rate / raw_rate:.2f} (raw SM3 is {raw_rate / verify_rate:.1f}x faster)"
    )
