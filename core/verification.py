"""What the public verification page can confirm: chapters register a verifier that, given a
document number or a digest, says whether the platform issued it and it is unaltered."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Verified:
    """One thing the platform confirms: what it is, who issued it, when, and its digest."""

    kind: str
    number: str
    issued_by: str
    issued_on: Any
    digest: str
    genuine: bool
    facts: dict[str, str] = field(default_factory=dict)


Verifier = Callable[[str], Iterable[Verified]]
_VERIFIERS: list[Verifier] = []


def verifier(func: Verifier) -> Verifier:
    _VERIFIERS.append(func)
    return func


def look_up(query: str) -> list[Verified]:
    found: list[Verified] = []
    for func in _VERIFIERS:
        found.extend(func(query))
    return found
