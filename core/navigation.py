"""Navigation by role: each app registers its menu entries with the roles that see them."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset | None = None  # None: every signed-in user
    order: int = 100


_ITEMS: list[NavItem] = []


def register(label, url_name, roles=None, order=100) -> None:
    _ITEMS.append(NavItem(label, url_name, frozenset(roles) if roles else None, order))


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    codes = user.role_codes()
    if user.is_superuser:
        codes = codes | {Role.PLATFORM_ADMIN}
    result = []
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if item.roles is None or item.roles & codes:
            try:
                result.append(
                    {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
                )
            except NoReverseMatch:
                continue
    return result
