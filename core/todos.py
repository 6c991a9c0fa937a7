"""“我的待办”: each app registers a provider that returns what a user must act on."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    category: str
    due: date | None = None
    detail: str = ""


_PROVIDERS: list[Callable] = []


def provider(func: Callable) -> Callable:
    _PROVIDERS.append(func)
    return func


def todos_for(user) -> list[Todo]:
    items: list[Todo] = []
    for func in _PROVIDERS:
        items.extend(func(user))
    return sorted(items, key=lambda t: (t.due is None, t.due or date.max, t.category, t.title))
