"""Ledger verification against raw SM3 of the same bytes (≥ 0.5× its speed).

``verify_ledger`` reads every event, encodes its canonical bytes, recomputes its SM3 hash and
checks its HMAC-SM3 seal; the peer only hashes those same bytes once each, with the same SM3
(``core.ledger.sm3_digest``). A seal is an HMAC: SM3 over the key's inner pad and the bytes,
then over the outer pad and that digest, so verification hashes every event's bytes twice and
can at best approach half the peer's speed; the breakdown printed says where the rest goes.
"""

import datetime as dt
import time

from django.db import connection

from bench.results import SCALE, alternate, speed_vs_peer
from core import keys
from core.enums import ActionCode
from core.ledger import (
    GENESIS_HASH,
    _event_rows,
    _Seal,
    canonical_bytes,
    event_hash,
    event_mac,
    iter_event_values,
    sm3_digest,
    verify_ledger,
)
from core.models import LedgerEvent

BENCH = "ledger"
EVENTS = max(1_000, min(SCALE, 100_000))
BATCH = 5_000


def _build_chain(count: int) -> None:
    """Append a valid, sealed chain of ``count`` events after whatever the ledger holds (the
    benchmarks before this one leave their events: the ledger is append-only)."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    key_id = keys.active_id("ledger_hmac")
    key = keys.read("ledger_hmac", key_id)
    last = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    first, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    rows = []
    for i in range(first, first + count):
        values = {
            "seq": i,
            "occurred_at": start + dt.timedelta(seconds=i, microseconds=i % 7 * 1000),
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
        values["hash"] = prev = event_hash(values)
        values["key_id"], values["mac"] = key_id, event_mac(values, key)
        rows.append(LedgerEvent(**values))
        if len(rows) == BATCH:
            LedgerEvent.objects.bulk_create(rows)
            rows = []
    if rows:
        LedgerEvent.objects.bulk_create(rows)


def _breakdown(payloads: list[bytes], key: bytes, verify_s: float, raw_s: float) -> str:
    """Where verification's time goes per event: reading the rows, the two hashes, and the
    rest (the canonical bytes, the checks) as what remains of the measured time."""
    t0 = time.perf_counter()
    for _ in _event_rows():
        pass
    read = time.perf_counter() - t0
    seal = _Seal(key)
    t0 = time.perf_counter()
    for payload in payloads:
        seal.hex(payload)
    hmac_s = time.perf_counter() - t0
    n = len(payloads)
    rest = max(verify_s - read - hmac_s - raw_s, 0.0)
    return (
        f"read {read / n * 1e6:.1f} µs, SM3 {raw_s / n * 1e6:.1f} µs, "
        f"HMAC-SM3 {hmac_s / n * 1e6:.1f} µs, canonical bytes and checks {rest / n * 1e6:.1f} µs"
    )


def run() -> None:
    before = LedgerEvent.objects.count()
    _build_chain(EVENTS)
    total = before + EVENTS
    payloads = [canonical_bytes(values) for values in iter_event_values()]
    assert len(payloads) == total
    mb = sum(len(p) for p in payloads) / 1e6

    def verify() -> None:
        result = verify_ledger()
        assert result.ok and result.checked == total, result

    def raw() -> None:
        for payload in payloads:
            sm3_digest(payload)

    verify_s, raw_s = alternate(verify, raw, runs=3)
    print(
        f"  database: {connection.vendor}; events: {total:,} ({before:,} from the benchmarks "
        f"before); canonical bytes: {mb:.1f} MB"
    )
    print(f"  verify_ledger: {verify_s:.2f} s = {total / verify_s:,.0f} events/s")
    print(f"  raw SM3 of the same bytes: {raw_s:.2f} s = {total / raw_s:,.0f} events/s")
    parts = _breakdown(payloads, keys.read("ledger_hmac"), verify_s, raw_s)
    print(f"  per event: {parts}")
    speed_vs_peer(
        BENCH,
        "verify_ledger vs raw SM3 of the same bytes",
        verify_s,
        raw_s,
        at_least=0.5,
        detail=f"{total:,} events, verify {verify_s / total * 1e6:.1f} µs each: {parts}",
    )
