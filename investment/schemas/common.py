"""Resolvers the response schemas share: money as Decimal strings in yuan and in 万元, labels
of choices, names of people and attributes of related objects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.api_schemas import choice_label as label
from core.api_schemas import person
from core.money import wan_str, yuan_str

__all__ = ["amounts", "attr", "label", "money", "person"]


def _read(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def attr(dotted: str) -> staticmethod:
    """A resolver reading ``obj.a.b`` (None when a link is missing)."""
    return staticmethod(lambda obj: _read(obj, dotted))


def money(dotted: str, *, zero: bool = False) -> tuple[staticmethod, staticmethod]:
    """Resolvers of an amount in yuan and in 万元; with ``zero`` a missing sum is "0.00"."""

    def value(obj: Any) -> Decimal | None:
        amount = _read(obj, dotted)
        return Decimal(0) if amount is None and zero else amount

    return (
        staticmethod(lambda obj: yuan_str(value(obj))),
        staticmethod(lambda obj: wan_str(value(obj))),
    )


def amounts(items: Any) -> list[dict[str, Any]]:
    """Stored estimate items [{"name", "amount" (yuan)}] or a {name: yuan} dict -> EstimateItemOut."""
    pairs = items.items() if isinstance(items, dict) else ((i["name"], i["amount"]) for i in items)
    return [
        {"name": name, "amount": yuan_str(Decimal(str(a))), "amount_wan": wan_str(Decimal(str(a)))}
        for name, a in pairs
    ]
