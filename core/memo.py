"""Reads shared within one page's rendering.

Rendering a project's card asks every action offered there whether it may be done; many ask
the same question of the database (the project's open reviews, the sanctions against it, who
may see a review). Inside ``memo_scope()`` such a read is made once and reused; outside, it is
made each time. Only reads go through ``memoised``, and a scope holds no writes, so nothing
can be read stale: a scope opens for a GET page's card and panels and closes with them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("govit_memo", default=None)


@contextmanager
def memo_scope() -> Iterator[None]:
    """Share reads until the block ends (a nested scope shares its parent's)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memoised(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per scope for ``key``; every time when no scope is open."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def remember(key: Hashable, value: Any) -> None:
    """Record what the caller already knows (e.g. rows read through ``for_user`` are
    visible), so that a later ``memoised`` read of ``key`` in this scope costs nothing."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def visibility_key(obj: Any, user: Any) -> tuple[str, str, Any, Any]:
    """The memo key of "``user`` sees ``obj`` through its model's ``for_user``" (the same key as
    ``documents.services.visibility_key``): a page that loaded ``obj`` through scoping
    ``remember``s it, and every later check of that sight in the scope costs nothing."""
    return ("visible", obj._meta.label_lower, obj.pk, getattr(user, "pk", None))


# -- reads along a page's object -------------------------------------------------------------
# A page reads its object in one query; a chapter whose card checks or panels ask a fact of it
# (has the project a baseline, a contract, a supervisor?) can have that fact read in the same
# query: a reverse one-to-one relation selected with the object, or a subquery annotated on
# it. The page remembers each under the chapter's memo key, so the chapter's ``memoised`` read
# of that key costs nothing there (and reads as before everywhere else).


@dataclass(frozen=True)
class Along:
    """One fact read along a page's object, remembered under ``key(obj)``."""

    key: Callable[[Any], Hashable]
    #: a reverse one-to-one relation of the page's model, selected with the object…
    relation: str = ""
    #: …or an annotation on it (an ``Exists``/``Subquery`` of ``OuterRef("pk")``)
    expression: Callable[[], Any] | None = None
    #: the fact from the related row (None when there is none) or the annotation
    value: Callable[[Any], Any] = lambda found: found


_ALONG: dict[str, list[Along]] = {}


def read_along(label: str, along: Along) -> None:
    """Have pages of model ``label`` (``app.model``) read ``along`` with their object."""
    _ALONG.setdefault(label.lower(), []).append(along)


def with_reads_along(qs: QuerySet[Any]) -> QuerySet[Any]:
    """``qs`` (of a page's object) reading along what the chapters registered."""
    for i, along in enumerate(_ALONG.get(qs.model._meta.label_lower, [])):
        if along.relation:
            qs = qs.select_related(along.relation)
        elif along.expression is not None:
            qs = qs.annotate(**{f"along_{i}": along.expression()})
    return qs


def remember_reads_along(obj: Any) -> None:
    """Remember, in this scope, the facts ``obj`` was read with (``with_reads_along``)."""
    for i, along in enumerate(_ALONG.get(obj._meta.label_lower, [])):
        if along.relation:
            try:
                found = getattr(obj, along.relation)
            except ObjectDoesNotExist:
                found = None
        else:
            found = getattr(obj, f"along_{i}")
        remember(along.key(obj), along.value(found))


# -- rows a page's object may have -----------------------------------------------------------
# Most projects have no sanction, request, incident or finding: their panels and checks each
# used to ask, one query apiece, only to find nothing. A chapter registers "has any" for such
# rows (``read_along_any``), the page reads every such flag with its object, and a read of the
# rows (``rows_if_any``) costs nothing when the flag says there are none. Outside a page, or
# when the flag says there are some, the rows are read as before.


def _any_key(name: str, obj: Any) -> tuple[str, str, str, Any]:
    return ("any", name, obj._meta.label_lower, obj.pk)


def read_along_any(label: str, name: str, rows: Callable[[Any], QuerySet[Any]]) -> None:
    """Have pages of ``label`` read whether ``rows(OuterRef)`` (a superset of what the chapter
    shows) holds any row, under ``name``."""
    from django.db.models import Exists, OuterRef

    read_along(
        label,
        Along(key=lambda obj: _any_key(name, obj), expression=lambda: Exists(rows(OuterRef))),
    )


def project_may_have(name: str, model: Any, **lookups: Any) -> None:
    """``read_along_any`` for the project page: its rows of ``model`` (``project`` = the page's
    project, and ``lookups``)."""
    read_along_any(
        "projects.project", name, lambda ref: model.objects.filter(project=ref("pk"), **lookups)
    )


def rows_if_any(name: str, obj: Any, read: Callable[[], list[T]]) -> list[T]:
    """``read()``, or no rows when the page read along ``obj`` that it has no ``name`` rows."""
    if memoised(_any_key(name, obj), lambda: True) is False:
        return []
    return read()


def page_rows(name: str, obj: Any, read: Callable[[], list[T]]) -> list[T]:
    """``obj``'s ``name`` rows, read once per scope and not at all when the page read along
    that there are none (``read_along_any`` registered under the same ``name``)."""
    return memoised((name, obj.pk), lambda: rows_if_any(name, obj, read))
