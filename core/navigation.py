"""Navigation by role: each app registers its menu entries with the roles that see them.

Entries with a ``group`` are shown together under one dropdown, so that the bar stays on one
line however many chapters the platform grows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from .findings import StrOrPromise


@dataclass(frozen=True)
class NavItem:
    label: StrOrPromise  # a lazy translation, shown in the reader's language
    url_name: str
    roles: frozenset[str] | None = None  # None: every signed-in user
    order: int = 100
    group: StrOrPromise = ""


_ITEMS: list[NavItem] = []


def register(
    label: StrOrPromise,
    url_name: str,
    roles: Iterable[str] | None = None,
    order: int = 100,
    group: StrOrPromise = "",
) -> None:
    _ITEMS.append(NavItem(label, url_name, frozenset(roles) if roles else None, order, group))


def _visible_links(user: Any) -> list[tuple[NavItem, str]]:
    codes = user.menu_roles()  # the user model knows its roles; core names none
    links = []
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if item.roles is None or item.roles & codes:
            try:
                links.append((item, reverse(item.url_name)))
            except NoReverseMatch:
                continue
    return links


def items_for(user: Any) -> list[dict[str, Any]]:
    """Top-level entries in order: a link ``{label, url}`` or a group ``{label, children}``."""
    if not user.is_authenticated:
        return []
    entries: list[dict[str, Any]] = []
    groups: dict[StrOrPromise, dict[str, Any]] = {}
    for item, url in _visible_links(user):
        link = {"label": item.label, "url": url, "url_name": item.url_name}
        if not item.group:
            entries.append(link)
            continue
        if item.group not in groups:
            groups[item.group] = {"label": item.group, "children": []}
            entries.append(groups[item.group])
        groups[item.group]["children"].append(link)
    return entries
