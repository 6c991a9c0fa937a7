"""Rows typed on a page without JavaScript: estimate items (``item-N-name``,
``item-N-amount``) and performance indicators (``ind-<category>-<N>-<field>``), each page
showing a few blank rows; the problems the action finds are put back on their rows."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..actions.base import wan_text

BLANK_INDICATOR_ROWS = 2  # per second-level indicator category
INDICATOR_FIELDS = ("name", "target_value", "unit", "formula")


def stored_rows(items: list[dict]) -> list[dict[str, Any]]:
    """Stored estimate items [{"name", "amount" (yuan text)}] with Decimal amounts."""
    return [{"name": i["name"], "amount": Decimal(str(i["amount"]))} for i in items]


def _item(n: int, name: str, amount: str, current: dict[str, Decimal] | None) -> dict:
    existing = current is not None and n < len(current)
    return {
        "index": n,
        "name": name,
        "amount": amount,
        "existing": existing,
        "current": current.get(name) if existing and current else None,
        "error": "",
    }


def item_rows(
    post: Any, *, current: dict[str, Decimal] | None = None, blanks: int = 0
) -> list[dict[str, Any]]:
    """The rows of an item table: as typed (``post``), or the current items (a change starts
    from them, each row keeping its name) followed by ``blanks`` empty rows."""
    if post is not None:
        rows, n = [], 0
        while f"item-{n}-name" in post or f"item-{n}-amount" in post:
            name = post.get(f"item-{n}-name", "").strip()
            rows.append(_item(n, name, post.get(f"item-{n}-amount", "").strip(), current))
            n += 1
        return rows
    rows = [
        _item(n, name, wan_text(amount), current)
        for n, (name, amount) in enumerate((current or {}).items())
    ]
    return rows + [_item(len(rows) + n, "", "", None) for n in range(blanks)]


def place_item_errors(
    rows: list[dict], items: list[dict], by_row: dict[int, list[str]]
) -> list[str]:
    """Put the errors of item K (counted from 1 among the items sent) on its row; return those
    of the table as a whole."""
    rest = []
    for k, messages in by_row.items():
        if 0 < k <= len(items):
            items[k - 1]["error"] = "；".join(messages)
        else:
            rest.extend(messages)
    return rest


def _indicator(key: str, category: int, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": key,
        "category": category,
        **{f: values.get(f, "") for f in INDICATOR_FIELDS},
        "is_quantitative": bool(values.get("is_quantitative", True)),
        "errors": [],
    }


def indicator_rows(
    post: Any, tree: list, *, table: Any = None, blanks: bool = False
) -> tuple[list[dict], list[dict]]:
    """Every row of the indicator grid (to show) and the non-blank ones (for the action): as
    typed (``post``), or the table's indicators with blank rows under each category."""
    leaves = [leaf for _root, children in tree for leaf in children]
    rows: list[dict] = []
    if post is not None:
        for leaf in leaves:
            n = 0
            while f"ind-{leaf.pk}-{n}-name" in post:
                key = f"ind-{leaf.pk}-{n}"
                values = {f: post.get(f"{key}-{f}", "").strip() for f in INDICATOR_FIELDS}
                values["is_quantitative"] = bool(post.get(f"{key}-is_quantitative"))
                rows.append(_indicator(key, leaf.pk, values))
                n += 1
        typed = [r for r in rows if any(r[f] for f in INDICATOR_FIELDS)]
        return rows, typed
    by_category: dict[int, list[dict]] = defaultdict(list)
    for i in table.indicators.all() if table is not None else ():
        values = {f: getattr(i, f) for f in INDICATOR_FIELDS}
        values["is_quantitative"] = i.is_quantitative
        by_category[i.category_id].append(values)
    if blanks:
        for leaf in leaves:
            by_category[leaf.pk].extend({} for _ in range(BLANK_INDICATOR_ROWS))
    for category, values_list in by_category.items():
        rows += [
            _indicator(f"ind-{category}-{n}", category, values)
            for n, values in enumerate(values_list)
        ]
    return rows, [r for r in rows if r["name"]]


def indicator_layout(tree: list, rows: list[dict]) -> list[dict[str, Any]]:
    """The grid by first-level category, then second-level category, with its rows."""
    by_category: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_category[row["category"]].append(row)
    return [
        {
            "root": root,
            "leaves": [{"leaf": leaf, "rows": by_category.get(leaf.pk, [])} for leaf in leaves],
        }
        for root, leaves in tree
    ]
