"""Deadlines other chapters add to the deadline calendar.

The delivery chapter owns the calendar page and its own clocks (Art. 23, 24, 28, 30); a later
chapter (supervision: requests for materials, rectification orders) registers a source here
instead of the calendar importing it. A source takes the user and the projects the page
shows and returns items with ``due_on``, ``status(on)``, ``text``, ``url``, ``article``,
``project`` and ``unit``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Source = Callable[..., Iterable[Any]]

_SOURCES: list[Source] = []


def register(source: Source) -> Source:
    """Add a source of deadlines (usable as a decorator)."""
    _SOURCES.append(source)
    return source


def other_items(user: Any, *, projects: Iterable[Any] | None = None) -> list[Any]:
    """Every registered source's items for ``user`` (within ``projects`` when given),
    soonest first."""
    items = [item for source in _SOURCES for item in source(user, projects=projects)]
    return sorted(items, key=lambda item: item.due_on)
