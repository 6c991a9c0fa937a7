"""What is compared: the weighted words of a requirement, a project or a catalogued system.

A text is not one bag of words: its name says most about what it is, its functions more than
its background, and the data items it collects are compared as whole items (``i:身份证号``),
not as words. Each part adds its words with a weight (``WEIGHTS``); the weighted counts are
the term frequencies of BM25 (a BM25F of one field with weighted parts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .segment import item_name, tokens

#: how much one occurrence of a word counts, by the part of the text it is in
WEIGHTS = {"name": 3, "function": 2, "body": 1, "item": 2, "system": 1}
ITEM_PREFIX = "i:"


@dataclass
class Features:
    """The weighted terms of one text, and what a reviewer reads as the reasons of a match:
    its function lines and data items."""

    terms: Counter = field(default_factory=Counter)
    functions: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)

    @property
    def length(self) -> int:
        return sum(self.terms.values())

    def add(self, text: str, part: str) -> None:
        weight = WEIGHTS[part]
        for word in tokens(text):
            self.terms[word] += weight

    def add_item(self, name: str) -> None:
        canonical = item_name(name)
        if not canonical:
            return
        if canonical not in self.items:
            self.items.append(canonical)
        self.terms[ITEM_PREFIX + canonical] += WEIGHTS["item"]


def lines(text: str) -> list[str]:
    """One entry per line (or per 、；; in one line), without numbering."""
    out = []
    for raw in (text or "").replace("；", "\n").replace(";", "\n").splitlines():
        for part in raw.split("、") if len(raw) < 60 else [raw]:
            part = part.strip().lstrip("0123456789.、）)- ").strip("。，, ")
            if part:
                out.append(part)
    return out


def build(
    *,
    name: str,
    body: Iterable[str] = (),
    functions: Iterable[str] = (),
    items: Iterable[str] = (),
    systems: Iterable[str] = (),
) -> Features:
    """The features of one text from its parts."""
    features = Features()
    features.add(name, "name")
    for function in functions:
        if function:
            features.functions.append(function)
            features.add(function, "function")
    for text in body:
        if text:
            features.add(text, "body")
    for system in systems:
        features.add(system, "system")
    for item in items:
        features.add_item(item)
    return features
