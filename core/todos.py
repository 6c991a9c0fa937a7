"""“我的待办”: each app registers a provider that returns what a user must act on."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    category: str
    due: date | None = None
    detail: str = ""


Provider = Callable[[Any], Iterable[Todo]]
_PROVIDERS: list[Provider] = []


def provider(func: Provider) -> Provider:
    _PROVIDERS.append(func)
    return func


def todos_for(user: Any) -> list[Todo]:
    items: list[Todo] = []
    for func in _PROVIDERS:
        items.extend(func(user))
    return sorted(items, key=lambda t: (t.due is None, t.due or date.max, t.category, t.title))
