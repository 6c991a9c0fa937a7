"""What a gate's rules saw, kept so that a stored decision can be evaluated again (Art. 3's
"规范、透明": a decision explains itself, and anyone may re-run it and get the same answer).

A decision keeps a *snapshot*: the subject and the actor as they were (their field values and
the related objects loaded while the rules ran), the facts (``ctx.facts``, including every
``ctx.fact`` a rule read from live state) and a digest of each rule's source. Values are
typed JSON (``encode``/``decode``): a Decimal comes back a Decimal and a date a date, so that
a rule reads in a replay exactly what it read then.

``replay`` rebuilds the context from the snapshot alone and runs the decision's rules with the
database shut (``no_live_reads``): a rule that reads anything the snapshot does not hold fails
the replay instead of quietly reading today's data.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.models import Model

TAG = "__t"
RELATED_DEPTH = 3
# never copied into a decision: a rule has no business reading them
SECRET_FIELDS = frozenset({"password"})


# -- typed JSON ----------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """``value`` as JSON that ``decode`` turns back into the same Python value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {TAG: "float", "v": repr(value)}
    if isinstance(value, Decimal):
        return {TAG: "decimal", "v": str(value)}
    if isinstance(value, dt.datetime):
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {TAG: "uuid", "v": str(value)}
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {TAG: "set", "v": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        encoded = {str(k): encode(v) for k, v in value.items()}
        return {TAG: "dict", "v": encoded} if TAG in encoded else encoded
    if isinstance(value, Model):
        return {TAG: "model", "v": snapshot_instance(value)}
    if hasattr(value, "__html__") or isinstance(value, str):
        return str(value)
    # a lazy translation or an enum member: its text
    return str(value)


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "float": float,
    "decimal": Decimal,
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "uuid": uuid.UUID,
    "tuple": lambda v: tuple(decode(x) for x in v),
    "set": lambda v: {decode(x) for x in v},
    "dict": lambda v: {k: decode(x) for k, x in v.items()},
    "model": lambda v: rebuild_instance(v),
}


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if TAG in value and set(value) == {TAG, "v"}:
            return _DECODERS[value[TAG]](value["v"])
        return {k: decode(v) for k, v in value.items()}
    return value


# -- model instances -----------------------------------------------------------------------------


def snapshot_instance(obj: Model, depth: int = RELATED_DEPTH) -> dict[str, Any]:
    """The instance's concrete field values and, to ``depth``, the related objects loaded on
    it (what ``obj.unit`` or ``obj.predecessor`` answered while the rules ran)."""
    snap: dict[str, Any] = {
        "model": obj._meta.label_lower,
        "fields": {
            f.attname: encode(getattr(obj, f.attname))
            for f in obj._meta.concrete_fields
            # a deferred field was never read
            if f.attname in obj.__dict__ and f.attname not in SECRET_FIELDS
        },
    }
    if depth > 0:
        related = {}
        for name, value in obj._state.fields_cache.items():
            if value is None or isinstance(value, Model):
                related[name] = None if value is None else snapshot_instance(value, depth - 1)
        if related:
            snap["related"] = related
    return snap


def rebuild_instance(snap: dict[str, Any]) -> Model:
    """An instance with the snapshot's values and related objects, detached from the
    database's present state."""
    model = apps.get_model(snap["model"])
    obj: Model = model()
    for attname, value in snap["fields"].items():
        obj.__dict__[attname] = decode(value)
    obj._state.adding = False
    obj._state.db = "default"
    for name, related in (snap.get("related") or {}).items():
        obj._state.fields_cache[name] = None if related is None else rebuild_instance(related)
    return obj


def snapshot_of(value: Any) -> Any:
    """The subject or the actor as kept: an instance, nothing, or a plain value."""
    if value is None:
        return None
    if isinstance(value, Model):
        return {"instance": snapshot_instance(value)}
    return {"value": encode(value)}


def rebuild(snap: Any) -> Any:
    if snap is None:
        return None
    if "instance" in snap:
        return rebuild_instance(snap["instance"])
    return decode(snap["value"])


# -- rule logic ----------------------------------------------------------------------------------


@functools.cache
def rule_digest(func: Any) -> str:
    """A digest of the rule's source: the version of its logic kept with each decision (read
    once per process: the source does not change under a running process)."""
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        source = getattr(func, "__qualname__", repr(func))
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


# -- replaying -----------------------------------------------------------------------------------


class LiveRead(RuntimeError):
    """A rule read the database while being replayed: its fact is not in the snapshot."""


@contextmanager
def no_live_reads() -> Iterator[None]:
    """Refuse every query on every connection while the block runs."""

    def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        raise LiveRead(f"规则在重放时读取了数据库（快照中没有这一事实）：{sql[:200]}")

    with _wrapped(list(connections.all()), refuse):
        yield


@contextmanager
def _wrapped(conns: list[Any], wrapper: Any) -> Iterator[None]:
    if not conns:
        yield
        return
    with conns[0].execute_wrapper(wrapper), _wrapped(conns[1:], wrapper):
        yield


@dataclass
class Replay:
    """The outcome of evaluating one stored decision again from its snapshot."""

    decision_id: str
    gate: str
    status: str  # identical | different | failed
    detail: str = ""
    changed_rules: list[str] = field(default_factory=list)


COMPARED = ("rule_id", "severity", "template", "message", "remedy", "facts", "params")


def comparable(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The part of each finding that a rule decides (its title is the rule's own name)."""
    return [{k: f.get(k) for k in COMPARED} for f in findings]
