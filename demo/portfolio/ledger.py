"""A valid, sealed chain of ledger events for the generated projects, in one pass.

Each event is what ``core.ledger.record_event`` would have written: its canonical bytes
hashed with SM3 (the chain: they include the previous event's hash) and sealed with HMAC-SM3
under the ledger's active key, appended after whatever the ledger holds, so that
``verify_ledger()`` passes on the result. The events tell each project's story up to its
state (created, submitted, list review, evaluation, joint review, approval, budget, contract,
payment); once a project's story is told, further events are document uploads and edits.
Event ``k`` concerns project ``k mod P``, so a project's events keep their order in time.

The ledger is append-only (a trigger forbids DELETE on PostgreSQL, checkpoints outside the
database record its head): ``--replace`` never removes these events, it appends new ones.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from core import keys, ledger
from core.crypto import hmac_sm3_hex, sm3_hex
from core.enums import ActionCode as A
from core.models import LedgerEvent

from . import MARK

_JSON = json.JSONEncoder(ensure_ascii=False)
START = dt.datetime(2021, 1, 4, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Subject:
    """A generated project as its events name it."""

    pk: int
    code: str
    name: str
    unit_id: int
    state: str
    path: str


# (action, from state, to state, who acts) of each step of a project's story
_BEFORE_LIST = [
    (A.PROJECT_CREATED, "", "draft", "unit"),
    (A.PROJECT_SUBMITTED, "draft", "submitted", "unit"),
    (A.REVIEW_STARTED, "submitted", "list_review", "bdb"),
]
_DECISION = {
    "returned": (A.PROJECT_RETURNED, "list_review", "returned", "bdb"),
    "rejected": (A.PROJECT_REJECTED, "list_review", "rejected", "bdb"),
}
_AFTER_LIST = [
    ("listed", (A.PROJECT_LISTED, "list_review", "listed", "bdb")),
    ("evaluation", (A.PROJECT_ACCEPTED, "listed", "evaluation", "drc")),
    ("joint_review", (A.EVALUATION_REPORTED, "evaluation", "joint_review", "consultant")),
    ("joint_review", (A.REVIEW_OPINION, "", "", "cac")),
    ("joint_review", (A.REVIEW_OPINION, "", "", "finance")),
    ("drc_review", (A.REVIEW_OPINION, "", "", "crypto")),
    ("drc_review", (A.REVIEW_OPINION, "", "", "secrecy")),
    ("drc_review", (A.JOINT_REVIEW_COMPLETED, "joint_review", "drc_review", "bdb")),
]
_TWO_STAGE = [
    ("fsr_approved", (A.FSR_APPROVED, "drc_review", "fsr_approved", "drc")),
    ("design_review", (A.DESIGN_SUBMITTED, "fsr_approved", "design_review", "unit")),
    ("design_drc_review", (A.DESIGN_CONTENT_REVIEWED, "design_review", "design_drc_review", "bdb")),
    ("approved", (A.PROJECT_APPROVED, "design_drc_review", "approved", "drc")),
]
_SINGLE = [("approved", (A.PROJECT_APPROVED, "drc_review", "approved", "drc"))]
_MONEY = [
    (A.PLAN_ENTRY_ADDED, "", "", "drc"),
    (A.BUDGET_LINE_ADDED, "", "", "finance"),
    (A.CONTRACT_RECORDED, "", "", "unit"),
    (A.PAYMENT_RECORDED, "", "", "finance"),
]
_AFTER = [(A.DOCUMENT_UPLOADED, "", "", "unit"), (A.PROJECT_UPDATED, "", "", "unit")]
ORDER = [
    "listed",
    "evaluation",
    "joint_review",
    "drc_review",
    "fsr_approved",
    "design_review",
    "design_drc_review",
    "approved",
]


def _insert(rows: list[dict[str, Any]]) -> None:
    """Write many events at once, without building model instances (which took most of the
    time): COPY on PostgreSQL, one executemany on SQLite with the values prepared by the
    model's own fields (the time and the JSON are the only ones that need it)."""
    fields = [f for f in LedgerEvent._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    table = qn(LedgerEvent._meta.db_table)
    columns = ", ".join(qn(f.column) for f in fields)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            _JSON.encode(row["data"]) if f.attname == "data" else row[f.attname]
                            for f in fields
                        ]
                    )
        return
    prepare = {"occurred_at", "data"}
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    params = [
        [
            f.get_db_prep_save(row[f.attname], connection)
            if f.attname in prepare
            else row[f.attname]
            for f in fields
        ]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def story(state: str, path: str) -> list[tuple[A, str, str, str]]:
    """The events a project in ``state`` has behind it, in order."""
    if state == "draft":
        return _BEFORE_LIST[:1]
    if state in ("submitted", "list_review"):
        return _BEFORE_LIST[: 2 if state == "submitted" else 3]
    if state in _DECISION:
        return [*_BEFORE_LIST, _DECISION[state]]
    at = ORDER.index(state)
    steps = _AFTER_LIST + (_TWO_STAGE if path == "two" else _SINGLE)
    events = [*_BEFORE_LIST, *(step for reached, step in steps if ORDER.index(reached) <= at)]
    return events + (_MONEY if state == "approved" else [])


def append(
    count: int,
    subjects: Sequence[Subject],
    actors: dict[str, Any],
    *,
    batch: int = 5_000,
    end: dt.datetime | None = None,
) -> dict[str, int]:
    """Append ``count`` sealed events about ``subjects`` after the ledger's head, holding
    the ledger's lock throughout (no other append can interleave); returns first/last seq.
    ``actors`` maps "unit", "bdb", "drc", "finance", "consultant", "cac", "crypto",
    "secrecy" to users."""
    key_id = keys.active_id("ledger_hmac")
    key = keys.read("ledger_hmac", key_id)
    stories = {
        (s.state, s.path): story(s.state, s.path) for s in subjects
    }  # a handful of distinct ones
    names = {
        role: (getattr(u, "pk", None), (u.get_full_name() or u.get_username())[:150])
        for role, u in actors.items()
    }
    in_force = ledger.policy_version_in_force
    policy = in_force(None) if in_force is not None else ""
    end = end or timezone.now() - dt.timedelta(minutes=1)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ledger.LEDGER_LOCK_KEY])
        last = LedgerEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        first, prev = (last[0] + 1, last[1]) if last else (1, ledger.GENESIS_HASH)
        step_s = (end - START).total_seconds() / max(count, 1)
        rows = []
        for k in range(count):
            seq = first + k
            subject = subjects[k % len(subjects)]
            told = stories[(subject.state, subject.path)]
            n = k // len(subjects)
            action, from_state, to_state, who = told[n] if n < len(told) else _AFTER[n % 2]
            actor_id, actor_name = names[who]
            values = {
                "seq": seq,
                "occurred_at": START + dt.timedelta(seconds=round(k * step_s, 6)),
                "actor_id": actor_id,
                "actor_name": actor_name,
                "action": str(action),
                "object_type": "projects.project",
                "object_id": str(subject.pk),
                "object_repr": f"{subject.code} {subject.name}"[:255],
                "organisation_id": subject.unit_id,
                "from_state": from_state,
                "to_state": to_state,
                "reason": "",
                "policy_version": policy if (from_state or to_state) else "",
                "decision_id": None,
                "data": {"generated": MARK},
                "prev_hash": prev,
            }
            payload = ledger.canonical_bytes(values)
            values["hash"] = prev = sm3_hex(payload)
            values["key_id"] = key_id
            values["mac"] = hmac_sm3_hex(key, payload)
            rows.append(values)
            if len(rows) == batch:
                _insert(rows)
                rows = []
        if rows:
            _insert(rows)
    return {"events": count, "first_seq": first, "last_seq": first + count - 1}
