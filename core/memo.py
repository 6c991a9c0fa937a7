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
from typing import Any, TypeVar

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
