"""Lifecycles as explicit tables: one ``Machine`` per object that has states.

A machine lists its transitions: the states each leaves, the state it enters, the roles that
may take it, the gate evaluated before it, the action that performs it and the article and
requirement it implements. Actions move objects only through ``Machine.move``, which checks
the transition against the table, sets the state and records the ledger event in the
action's transaction; a model that declares its machine (``StatefulModel``) refuses any other
change of its state field, so the table cannot drift from the code. ``/policy/lifecycles/``
renders every machine, and a test checks that every gate and action named exists.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from .enums import Severity
from .findings import Finding

_local = threading.local()


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1-99 in Chinese numerals as the Measures number their articles: 八, 十, 十一, 二十八."""
    if not 0 < number < 100:
        raise ValueError(f"no article is numbered {number}")
    tens, units = divmod(number, 10)
    return (
        (_DIGITS[tens] if tens > 1 else "")
        + ("十" if tens else "")
        + (_DIGITS[units] if units else "")
    )


def article_of_requirement(requirement: str) -> str:
    """The article a requirement id belongs to: ``R28.1`` → ``第二十八条`` (ids are
    R<article>.<n>, policy/requirements.py)."""
    number = requirement.removeprefix("R").split(".")[0]
    return f"第{chinese_numeral(int(number))}条"


@dataclass(frozen=True)
class Transition:
    """One arrow of a lifecycle. Its article is its requirement's unless it cites others
    (第八条、第九条)."""

    code: str
    label: Any  # a lazy translation
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    gate: str = ""
    action: str = ""  # dotted path of the action that takes it
    article: str = ""
    requirement: str = ""  # the R-id of REQUIREMENTS.md it implements

    def __post_init__(self) -> None:
        if not self.article and self.requirement:
            object.__setattr__(self, "article", article_of_requirement(self.requirement))

    def leaves(self, state: str) -> bool:
        return state in self.sources


def transition(
    code: str,
    label: Any,
    sources: tuple[str, ...],
    target: str,
    roles: tuple[str, ...],
    requirement: str,
    action: str = "",
    *,
    gate: str = "",
    article: str = "",
) -> Transition:
    """A ``Transition`` as one row of a machine's table: what it does and who takes it, then
    the requirement it implements (its article follows), the action that performs it and the
    gate evaluated before it."""
    return Transition(code, label, sources, target, roles, gate, action, article, requirement)


@dataclass
class Machine:
    """The lifecycle of one model: its states and the transitions between them."""

    key: str  # "project", "delivery", …
    label: Any
    model: str  # "app_label.ModelName"
    states: type[models.TextChoices]
    transitions: tuple[Transition, ...]
    field: str = "state"
    initial: str = ""
    article: str = ""
    terminal: tuple[str, ...] = ()
    by_code: dict[str, Transition] = dataclasses.field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_code = {}
        for t in self.transitions:
            if t.code in self.by_code:
                raise ValueError(f"machine {self.key}: duplicate transition {t.code}")
            self.by_code[t.code] = t
        valid = set(self.states.values)
        for t in self.transitions:
            unknown = (set(t.sources) | {t.target}) - valid
            if unknown:
                raise ValueError(f"machine {self.key}.{t.code}: unknown states {unknown}")

    # -- reading -----------------------------------------------------------------------------

    def __getitem__(self, code: str) -> Transition:
        return self.by_code[code]

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def state_label(self, state: str) -> str:
        try:
            return str(self.states(state).label)
        except ValueError:
            return state

    def state_of(self, obj: Any) -> str:
        state: str = getattr(obj, self.field)
        return state

    def can_take(self, user: Any, code: str, state: str) -> bool:
        t = self.by_code[code]
        return (
            state in t.sources
            and getattr(user, "is_authenticated", False)
            and user.has_role(*t.roles)
        )

    def state_finding(self, obj: Any, code: str) -> Finding | None:
        """Why ``code`` cannot be taken from the object's current state (None when it can)."""
        t = self.by_code[code]
        if self.state_of(obj) in t.sources:
            return None
        return self.states_finding(obj, t.sources, t.label, t.article, t.requirement, code)

    def states_finding(
        self,
        obj: Any,
        allowed: tuple[str, ...],
        label: Any,
        article: str,
        requirement: str,
        code: str = "",
    ) -> Finding | None:
        """Why an action allowed only in ``allowed`` states cannot be taken now."""
        state = self.state_of(obj)
        if state in allowed:
            return None
        params = {
            "object": str(self.label),
            "state": self.state_label(state),
            "label": str(label),
            "sources": "、".join(self.state_label(s) for s in allowed),
        }
        template = "%(object)s当前为“%(state)s”，不能%(label)s（只能在“%(sources)s”时办理）。"
        remedy = "请刷新页面查看最新状态；如需办理，请先完成前一环节。"
        return Finding(
            rule_id=f"{requirement or 'R0.0'}.state",
            article=article or self.article,
            severity=Severity.BLOCK,
            title=str(label),
            message=template % params,
            remedy=remedy,
            facts={"state": state, "machine": self.key, "transition": code},
            template=template,
            remedy_template=remedy,
            params=params,
        )

    # -- moving ------------------------------------------------------------------------------

    def move(
        self,
        obj: models.Model,
        code: str,
        *,
        actor: Any,
        event: str,
        reason: str = "",
        decision: Any = None,
        data: dict[str, Any] | None = None,
        policy_version: str = "",
        organisation: Any = None,
        update_fields: Iterable[str] = (),
    ) -> str:
        """Take transition ``code``: check it leaves the current state, set the target, save
        and record the ledger event. Returns the state left."""
        from .ledger import record_event

        t = self.by_code[code]
        source = self.state_of(obj)
        if source not in t.sources:
            raise TransitionError(self, code, source)
        with moving(obj):
            setattr(obj, self.field, t.target)
            fields = list(update_fields)
            obj.save(update_fields=[self.field, *fields] if fields else None)
        record_event(
            event,
            actor=actor,
            obj=obj,
            organisation=organisation,
            from_state=source,
            to_state=t.target,
            reason=reason,
            policy_version=policy_version,
            decision_id=getattr(decision, "pk", None),
            data=data or {},
        )
        return source

    def set_many(self, queryset: models.QuerySet[Any], code: str) -> int:
        """Take ``code`` for every row of ``queryset`` that is in one of its source states
        (e.g. superseding the open reviews of a project); returns the number moved. The
        caller records the ledger event that explains why."""
        t = self.by_code[code]
        with moving_bulk(self):
            return queryset.filter(**{f"{self.field}__in": t.sources}).update(
                **{self.field: t.target}
            )


class TransitionError(RuntimeError):
    """A programming error: an action asked for a transition its object cannot take. Actions
    check the state first (``state_finding``), so a user never sees this."""

    def __init__(self, machine: Machine, code: str, state: str):
        super().__init__(f"{machine.key}.{code} cannot leave state {state!r}")


class UndeclaredStateChange(RuntimeError):
    """A state field was changed by a raw save, outside its machine."""


@contextlib.contextmanager
def _marking(marks: str, mark: object) -> Iterator[None]:
    """``mark`` in this thread's set ``marks`` for the duration (nested uses restore the outer
    set), which ``StatefulModel.save`` and ``StatefulQuerySet.update`` read."""
    outer: set[object] = getattr(_local, marks, set())
    setattr(_local, marks, outer | {mark})
    try:
        yield
    finally:
        setattr(_local, marks, outer)


def moving(obj: Any) -> contextlib.AbstractContextManager[None]:
    return _marking("moving", id(obj))


def moving_bulk(machine: Machine) -> contextlib.AbstractContextManager[None]:
    return _marking("bulk", machine.key)


@contextlib.contextmanager
def creating_in(obj: Any) -> Iterator[None]:
    """For code that builds a new object directly in a non-initial state (a copy)."""
    with moving(obj):
        yield


# -- the registry --------------------------------------------------------------------------

_MACHINES: dict[str, Machine] = {}


def register(machine: Machine) -> Machine:
    if machine.key in _MACHINES and _MACHINES[machine.key] is not machine:
        raise ValueError(f"machine {machine.key} registered twice")
    _MACHINES[machine.key] = machine
    return machine


def machines() -> list[Machine]:
    return list(_MACHINES.values())


def machine(key: str) -> Machine:
    return _MACHINES[key]


def machine_of_model(label: str) -> Machine | None:
    for m in _MACHINES.values():
        if m.model.lower() == label.lower():
            return m
    return None


# The words of values a ledger event records as a state that are not a machine's state: the
# outcome of a gate's evaluation (Outcome in policy.models; core names no chapter).
OUTCOME_LABELS: dict[str, Any] = {
    "pass": gettext_lazy("通过"),
    "warn": gettext_lazy("通过（有提醒）"),
    "block": gettext_lazy("阻断"),
}


# Words a chapter gives to values its events record as a state without a machine (a role
# granted, a catalog entry curated): (object type, value) -> words.
_STATE_WORDS: dict[tuple[str, str], Any] = {}


def register_state_words(object_type: str, words: dict[str, Any]) -> None:
    for value, label in words.items():
        _STATE_WORDS[(object_type.lower(), str(value))] = label


def state_label_of(object_type: str, value: str) -> str:
    """A recorded state in words: as its chapter words it, by the machine of ``object_type``,
    by any machine that has it, or as a gate outcome; the code itself only when nothing knows
    it."""
    if not value:
        return ""
    if (words := _STATE_WORDS.get(((object_type or "").lower(), value))) is not None:
        return str(words)
    own = [m for m in _MACHINES.values() if m.model.lower() == (object_type or "").lower()]
    for m in own + [m for m in _MACHINES.values() if m not in own]:
        try:
            return str(m.states(value).label)
        except ValueError:
            continue
    return str(OUTCOME_LABELS.get(value, value))


class StatefulQuerySet(models.QuerySet[Any]):
    """Refuses ``update()`` of the state field outside ``Machine.set_many``."""

    def update(self, **kwargs: Any) -> int:
        spec = _MACHINES.get(getattr(self.model, "MACHINE", ""))
        if (
            spec is not None
            and spec.field in kwargs
            and spec.key not in getattr(_local, "bulk", set())
        ):
            raise UndeclaredStateChange(
                f"bulk update of {spec.model}.{spec.field} outside its machine"
            )
        return super().update(**kwargs)


class StatefulModel(models.Model):
    """A model whose state field changes only through its machine.

    ``MACHINE`` names the machine key. Saving a changed state outside ``Machine.move`` raises
    ``UndeclaredStateChange``; a new object must start in the machine's initial state (or be
    built inside ``creating_in``)."""

    MACHINE: str = ""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        spec = _MACHINES.get(self.MACHINE)
        if spec is not None and id(self) not in getattr(_local, "moving", set()):
            current = getattr(self, spec.field)
            if self._state.adding:
                if spec.initial and current != spec.initial:
                    raise UndeclaredStateChange(
                        f"new {spec.model} must start in {spec.initial!r}, not {current!r}"
                    )
            elif current != getattr(self, "_loaded_state", current):
                raise UndeclaredStateChange(
                    f"{spec.model} state changed outside machine {spec.key}: "
                    f"{getattr(self, '_loaded_state', None)!r} -> {current!r}"
                )
        super().save(*args, **kwargs)
        if spec is not None:
            self._loaded_state = getattr(self, spec.field)

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[no-untyped-def]
        instance = super().from_db(db, field_names, values)
        spec = _MACHINES.get(cls.MACHINE)
        if spec is not None and spec.field in field_names:
            instance._loaded_state = getattr(instance, spec.field)
        return instance
