"""The rule registry: rules are small functions with citations; gates are named sets of rules.

    @rule(id="R9.1", article="第九条", title="...", severity=Severity.BLOCK)
    def approval_stages(ctx):
        if ...:
            yield violation("中文说明", remedy="怎么办", facts={...})

A rule yields ``Violation``s (or nothing when satisfied); the engine stamps each with the rule's
id, article and severity to make a ``Finding``. Rules never return bare booleans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from core.enums import Severity
from core.findings import Finding, StrOrPromise, Violation, violation

__all__ = ["Finding", "Registry", "Rule", "Violation", "gate", "registry", "rule", "violation"]

RULE_ID_PATTERN = re.compile(r"^R\d+\.\d+(\.[a-z0-9-]+)?$")
ARTICLE_PATTERN = re.compile(r"^第[一二三四五六七八九十百]+条$")

RuleFunc = Callable[..., Iterable[Violation] | None]
F = TypeVar("F", bound=RuleFunc)


@dataclass(frozen=True)
class Rule:
    id: str
    article: str
    title: StrOrPromise  # a lazy translation: shown in the reader's language
    severity: str
    func: RuleFunc
    module: str = ""

    @property
    def requirement_id(self) -> str:
        return ".".join(self.id.split(".")[:2])

    def evaluate(self, ctx: Any) -> list[Finding]:
        return [
            Finding.of(
                v, rule_id=self.id, article=self.article, severity=self.severity, title=self.title
            )
            for v in self.func(ctx) or ()
        ]


class Registry:
    """Holds rules and gates. Duplicates are remembered, not raised, so that the system check
    can report every problem at once."""

    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}
        self.duplicates: list[str] = []
        self.gates: dict[str, tuple[str, str, list[str]]] = {}

    def add_rule(self, rule_: Rule) -> None:
        if rule_.id in self.rules:
            self.duplicates.append(rule_.id)
            return
        self.rules[rule_.id] = rule_

    def rule(
        self, *, id: str, article: str, title: StrOrPromise, severity: str = Severity.BLOCK
    ) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            self.add_rule(
                Rule(
                    id=id,
                    article=article,
                    title=title,
                    severity=str(severity),
                    func=func,
                    module=func.__module__,
                )
            )
            return func

        return decorator

    def gate(self, code: str, *, title: StrOrPromise, rules: list[str], action: str = "") -> None:
        """Declare the rules evaluated before an action (a transition)."""
        self.gates[code] = (str(title), action, list(rules))

    def extend_gate(self, code: str, rule_ids: list[str]) -> None:
        """Add rules of another chapter to a declared gate (after its own, each once): a
        chapter whose evidence bears on another's action joins its gate without editing it."""
        title, action, rules = self.gates[code]
        self.gates[code] = (title, action, rules + [r for r in rule_ids if r not in rules])

    def rules_of_gate(self, code: str) -> list[Rule]:
        return [self.rules[rid] for rid in self.gates[code][2]]


registry = Registry()
rule = registry.rule
gate = registry.gate
