"""Findings: what a rule, a gate or a refusal tells a civil servant.

A finding carries the rule (or refusal) id, the article, the severity, a Chinese sentence and
what to do, and the facts it used. The sentence is stored in Chinese, the language of record;
when a finding was made from a translatable template (``template`` and ``params``), pages
render it in the reader's language instead (``text``/``remedy_text``).

``core`` holds the type so that every layer (actions, machines, pages, the API) can speak of
findings without importing the policy chapter; ``policy.registry`` registers the rules that
make them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from .enums import Severity

__all__ = ["Finding", "Severity", "StrOrPromise", "Violation", "render", "violation"]

# A title or label: a plain string or a lazy translation (``gettext_lazy``), turned into the
# reader's language by ``str()`` when it is shown. django-stubs types a lazy string as
# ``_StrPromise``, a name its stubs alone define (as django_stubs_ext does, without needing it
# at run time).
if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    from django.utils.functional import Promise

    StrOrPromise = str | Promise


def render(template: str, params: Mapping[str, Any] | None) -> str:
    """``template`` (a Chinese msgid with ``%(name)s`` placeholders) filled with ``params``."""
    if not params:
        return template
    return template % {k: ("" if v is None else v) for k, v in params.items()}


@dataclass(frozen=True)
class Violation:
    """What a rule yields: the engine stamps it with the rule's id, article and severity."""

    message: str
    remedy: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None  # overrides the rule's severity when set
    template: str = ""
    remedy_template: str = ""
    params: dict[str, Any] = field(default_factory=dict)


def violation(
    message: str,
    *,
    remedy: str = "",
    facts: dict[str, Any] | None = None,
    severity: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> Violation:
    """A violation. With ``params``, ``message`` and ``remedy`` are templates (mark them with
    ``gettext_noop`` so that they reach the catalogue) and are kept for translation."""
    if params is None:
        return Violation(message=message, remedy=remedy, facts=facts or {}, severity=severity)
    return Violation(
        message=render(message, params),
        remedy=render(remedy, params) if remedy else "",
        facts=facts or {},
        severity=severity,
        template=message,
        remedy_template=remedy,
        params=dict(params),
    )


@dataclass(frozen=True)
class Finding:
    """One finding of a rule, a gate or a refusal (REQUIREMENTS.md, "Everything")."""

    rule_id: str
    article: str
    severity: str
    title: str
    message: str
    remedy: str
    facts: dict[str, Any]
    template: str = ""
    remedy_template: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK

    @property
    def requirement_id(self) -> str:
        """``R9.1`` for ``R9.1.positive-amount``."""
        return ".".join(self.rule_id.split(".")[:2])

    @property
    def text(self) -> str:
        """The sentence in the reader's language (the stored Chinese when not a template)."""
        if self.template:
            return render(gettext(self.template), self.params)
        return gettext(self.message) if self.message else ""

    @property
    def remedy_text(self) -> str:
        if self.remedy_template:
            return render(gettext(self.remedy_template), self.params)
        return gettext(self.remedy) if self.remedy else ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        values: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            if name in data:
                values[name] = data[name]
            elif name in ("facts", "params"):
                values[name] = {}
            else:
                values[name] = ""
        return cls(**values)

    @classmethod
    def of(
        cls,
        violation_: Violation,
        *,
        rule_id: str,
        article: str,
        severity: str,
        title: StrOrPromise = "",
    ) -> Finding:
        return cls(
            rule_id=rule_id,
            article=article,
            severity=str(violation_.severity or severity),
            title=str(title),
            message=violation_.message,
            remedy=violation_.remedy,
            facts=violation_.facts,
            template=violation_.template,
            remedy_template=violation_.remedy_template,
            params=violation_.params,
        )


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocks]


def any_blocks(findings: Iterable[Finding]) -> bool:
    return any(f.blocks for f in findings)
