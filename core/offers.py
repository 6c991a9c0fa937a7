"""The "您现在可以办理" card: what a user can do now on an object, and why not.

Every action names the page it is offered on (``Action.offered_on``, a model label) and how
to find its targets from that page's object (``Action.targets``). For a page object and a
user, ``next_steps`` asks each such action that the user may take whether it can be done now
(``Action.check``): the card offers those that pass, lists the others with the findings that
block them, and adds the duties the chapters register (deadlines the user's unit must meet).
The screen never re-derives a rule: it shows what the actions say.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from . import actions as registry
from .actions import Action
from .findings import Finding, any_blocks
from .forms import ContractForm, contract_form
from .memo import memo_scope


@dataclass
class Offer:
    """One action the user may take on one target, with what its check found."""

    action: Action
    target: Any
    findings: list[Finding]
    url: str
    form: ContractForm | None = None
    qualifier: str = ""
    #: the chapter page where the action is done (``Action.page_url``), instead of a form
    page: str = ""

    @property
    def enabled(self) -> bool:
        return not any_blocks(self.findings)

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def key(self) -> str:
        return f"{self.action.name}:{getattr(self.target, 'pk', '')}"

    @property
    def testid(self) -> str:
        return f"act-{self.action.function_name.replace('_', '-')}"

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocks]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocks]


@dataclass
class Duty:
    """Something the user's unit must do by a date (from a chapter's deadline engine)."""

    title: str
    url: str = ""
    due: Any = None
    detail: str = ""
    overdue: bool = False


@dataclass
class NextSteps:
    offers: list[Offer] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)

    @property
    def enabled(self) -> list[Offer]:
        return [o for o in self.offers if o.enabled]

    @property
    def blocked(self) -> list[Offer]:
        return [o for o in self.offers if not o.enabled]

    @property
    def empty(self) -> bool:
        return not self.offers and not self.duties

    def names(self) -> set[str]:
        return {o.action.name for o in self.enabled}


@dataclass
class Panel:
    """A section another chapter adds to an object's page (evidence, supervision…)."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


DutyProvider = Callable[[Any, Any], Iterable[Duty]]
PanelProvider = Callable[[Any, Any], Iterable[Panel]]
_DUTIES: dict[str, list[DutyProvider]] = {}
_PANELS: dict[str, list[PanelProvider]] = {}


def panel(label: str) -> Callable[[PanelProvider], PanelProvider]:
    """Register a provider of panels for pages of model ``label``."""

    def decorator(func: PanelProvider) -> PanelProvider:
        _PANELS.setdefault(label.lower(), []).append(func)
        return func

    return decorator


def panels_for(page_obj: Any, user: Any) -> list[Panel]:
    """The panels other chapters add to ``page_obj``'s page for ``user``."""
    found = [
        p for func in _PANELS.get(page_obj._meta.label.lower(), []) for p in func(page_obj, user)
    ]
    return sorted(found, key=lambda p: p.order)


_RELATED: dict[str, list[Callable[[Any], Iterable[Any]]]] = {}


def duties(label: str) -> Callable[[DutyProvider], DutyProvider]:
    """Register a provider of duties for pages of model ``label``."""

    def decorator(func: DutyProvider) -> DutyProvider:
        _DUTIES.setdefault(label.lower(), []).append(func)
        return func

    return decorator


def action_url(act: Action, target: Any = None) -> str:
    if target is None or getattr(target, "pk", None) is None:
        return reverse("core:act_new", args=[act.name])
    return reverse("core:act", args=[act.name, target.pk])


def offer(act: Action, target: Any, user: Any, *, bound: dict[str, Any] | None = None) -> Offer:
    findings = act.check(target, user)
    form = None
    page = act.page_url(target)
    # a blocked action shows why, not its form: its choices are not read
    if act.Input is not None and not page and not any_blocks(findings):
        key = f"{act.name}:{getattr(target, 'pk', '')}"
        form = (bound or {}).get(key) or contract_form(
            act.Input,
            initial=act.initial(target, user),
            choices=act.choices(target, user),
            prefix=prefix_of(act, target),
            parser=lambda data: act.parse_for(target, user, data),
        )
    url = action_url(act, target)
    return Offer(act, target, findings, url, form, act.target_label(target), page)


def prefix_of(act: Action, target: Any) -> str:
    # an unsaved target posts to the address of a new object, whose page reads "new" too
    return f"{act.function_name}-{getattr(target, 'pk', None) or 'new'}"


def next_steps(page_obj: Any, user: Any, *, bound: dict[str, Any] | None = None) -> NextSteps:
    """The card of ``page_obj`` for ``user``."""
    label = page_obj._meta.label.lower()
    steps = NextSteps()
    with memo_scope():  # the actions asked here share their reads (a card writes nothing)
        for act in registry.offered_on(label):
            if not act.may_be_offered_to(user):
                continue
            for target in act.targets(page_obj, user):
                if act.available(target) and act.permitted(target, user):
                    steps.offers.append(offer(act, target, user, bound=bound))
        for provider in _DUTIES.get(label, []):
            steps.duties.extend(provider(page_obj, user))
    return steps
