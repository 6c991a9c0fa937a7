"""Actions: every change of important state is one, and each can be asked before it is done.

    class SubmitProject(ProjectAction):
        \"\"\"Submit the requirement to BDB for the project list (Art. 8).\"\"\"
        label = _("申报")
        transition = "submit"
        gate = "projects.submit"

        def perform(self, project, data, user, decision): ...

    submit_project = SubmitProject()

``check(obj, user)`` returns the findings that would refuse the action now and changes
nothing: pages and the API use it for the "您现在可以办理" card and beside every button.
``execute(obj, data, acting_user=…)`` (or calling the instance) runs, in one transaction:

1. **guard** — load the object for this user and lock it (missing and forbidden look the
   same), validate the input contract once, run the state and rule checks and evaluate the
   gate (stored as a decision); any blocking finding raises ``ActionBlocked``;
2. **mutate** and **record** — ``perform``, which moves the state through the machine (one
   ledger event) or records its own event;
3. **notify** — notifications are rows of the same transaction, so a rolled-back action
   notifies nobody.

When a gate blocks, the transaction rolls back, and then the blocked decision and a ledger
event saying so are stored in a fresh transaction: a refusal must be explainable later too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext

from .contracts import Contract
from .enums import ActionCode, Severity
from .errors import ActionBlocked, ActionForbidden, ActionInvalid
from .findings import Finding, any_blocks, render
from .ledger import record_event
from .machines import Machine

_ACTIONS: dict[str, Action] = {}

#: Sent after an action's transaction commits: ``action``, ``obj`` (what it acted on, None for
#: a creation) and ``result``. For work that follows a change without being part of it
#: (keeping a search index current); never for the change's own rules or records.
action_done = Signal()
Guard = Callable[["Action", Any, Any], Iterable[Finding]]
_GUARDS: list[Guard] = []


def guard(func: Guard) -> Guard:
    """Register a condition that every action is asked about (``check`` and ``execute``):
    ``func(action, obj, user)`` yields findings. Chapters whose decisions constrain others'
    actions use it — a suspended or terminated project, a deferred plan — so that the rule
    lives with the decision and no chapter re-derives it."""
    _GUARDS.append(func)
    return func


def pk_of(value: Any) -> Any:
    return getattr(value, "pk", value)


class Action:
    """Base of every action. Subclasses set the class attributes and implement ``perform``
    (and, where the measures or the platform refuse for a reason of their own, ``refusals``).
    """

    #: templates read an action's attributes; they must not call it
    do_not_call_in_templates = True
    #: unique name, "<app>.<function name>"; set from the instance's module and name
    name: str = ""
    label: Any = ""
    #: the model acted on (None: the action creates its object)
    model: ClassVar[type[models.Model] | None] = None
    machine: ClassVar[Machine | None] = None
    transition: ClassVar[str] = ""
    #: for an action that is not a transition but works only in some states of its machine
    #: (editing a draft): those states
    states: ClassVar[tuple[str, ...]] = ()
    #: the input contract (None: the action takes no input)
    Input: ClassVar[type[Contract] | None] = None
    #: who may take it; defaults to the transition's roles (empty: anyone who sees the object
    #: and passes ``allowed``)
    roles: ClassVar[tuple[str, ...]] = ()
    article: ClassVar[str] = ""
    requirement: ClassVar[str] = ""
    gate: ClassVar[str] = ""
    lock: ClassVar[bool] = True
    #: an edit: a partial input is laid over the current values
    partial: ClassVar[bool] = False
    #: what the button says it does, and what the page says afterwards
    hint: Any = ""
    success: Any = ""
    #: an official act asks for confirmation with this summary (issue 18)
    confirm: Any = ""
    #: not subject to the registered guards (e.g. lifting the very sanction that blocks)
    unguarded: ClassVar[bool] = False
    #: a page form the action refuses comes back with what was typed and the findings, rather
    #: than going back to the object's page with a message (for long forms)
    keep_input_when_blocked: ClassVar[bool] = False
    style: ClassVar[str] = "primary"
    #: long work (an O&M run over the whole catalog): a page hands it to a task worker and
    #: shows its progress (``core.jobs``); the API still does it at once
    background: ClassVar[bool] = False
    #: the pages where it is offered ("<app>.<model>", or several), and how to find the
    #: targets from a page's object (``targets``)
    offered_on: ClassVar[str | tuple[str, ...]] = ""

    def __init__(self) -> None:
        if not self.name:
            module = type(self).__module__.split(".")[0]
            self.name = f"{module}.{_snake(type(self).__name__)}"
        if self.name in _ACTIONS and type(_ACTIONS[self.name]) is not type(self):
            raise ValueError(f"action {self.name} defined twice")
        _ACTIONS[self.name] = self
        functools.update_wrapper(self, type(self), assigned=("__doc__",), updated=())

    # -- metadata ------------------------------------------------------------------------------

    @property
    def step(self) -> Any:
        return self.machine[self.transition] if self.machine and self.transition else None

    @property
    def function_name(self) -> str:
        return self.name.split(".", 1)[1]

    def allowed_roles(self) -> tuple[str, ...]:
        if self.roles:
            return tuple(self.roles)
        step = self.step
        return tuple(step.roles) if step else ()

    def cited_article(self) -> str:
        step = self.step
        return self.article or (step.article if step else "")

    def cited_requirement(self) -> str:
        step = self.step
        return self.requirement or (step.requirement if step else "")

    # -- asking --------------------------------------------------------------------------------

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        """The object as ``user`` may see it (locked for an execution); missing and
        forbidden look the same."""
        if self.model is None:
            return None
        qs = self.model._default_manager.all()
        if not hasattr(qs, "for_user"):
            raise TypeError(f"{self.model.__name__} has no for_user scope")
        qs = qs.for_user(user) if getattr(user, "is_authenticated", False) else qs.none()
        try:
            if lock:
                # The scope may join or be DISTINCT, which PostgreSQL cannot lock: find the row
                # through the scope, then lock it alone.
                pk = qs.values_list("pk", flat=True).get(pk=pk_of(ref))
                return self.model._default_manager.select_for_update().get(pk=pk)
            return qs.get(pk=pk_of(ref))
        # the model's DoesNotExist (django-stubs knows it on concrete models only)
        except (ObjectDoesNotExist, ValueError, TypeError, OverflowError) as exc:
            raise ActionForbidden() from exc

    def permitted(self, obj: Any, user: Any) -> bool:
        """May ``user`` take this action on ``obj`` at all (role and relation)? Not being
        permitted is not a finding: the action is simply not offered (404 when forced)."""
        if not getattr(user, "is_authenticated", False):
            return False
        roles = self.allowed_roles()
        if roles and not user.has_role(*roles):
            return False
        return self.allowed(obj, user)

    def allowed(self, obj: Any, user: Any) -> bool:
        """The relation an actor needs besides the role (its own unit, its review)."""
        return True

    #: ``permitted`` starts from the role check above (it is ``Action.permitted``, or calls it
    #: first); an action whose permission is not a role (one's own account) says False
    role_first: ClassVar[bool] = True

    def may_be_offered_to(self, user: Any) -> bool:
        """Could ``user`` be offered this action on some object? The card asks this before
        reading the action's targets, so a page does not read rows for actions of roles the
        person does not hold (a unit's contracts for BDB)."""
        if not self.role_first:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        roles = self.allowed_roles()
        return not roles or bool(user.has_role(*roles))

    def available(self, obj: Any) -> bool:
        """Does the object's state allow the action at all? (The card offers only these.)"""
        return self.state_refusal(obj) is None

    def state_refusal(self, obj: Any) -> Finding | None:
        if self.machine is None or obj is None:
            return None
        if self.transition:
            return self.machine.state_finding(obj, self.transition)
        if self.states and self.machine.state_of(obj) not in self.states:
            return self.machine.states_finding(
                obj, self.states, self.label, self.cited_article(), self.cited_requirement()
            )
        return None

    def check(self, obj: Any, user: Any, data: Contract | None = None) -> list[Finding]:
        """The findings that refuse (or warn about) the action now; changes nothing.

        With ``data`` None, rules about the input are left out (a page asks before the form is
        filled in)."""
        state = self.state_refusal(obj)
        if state is not None:
            return [state]
        findings = self.guarded(obj, user) + list(self.refusals(obj, user, data))
        if any_blocks(findings):
            return findings
        return findings + list(self.gate_findings(obj, user, data))

    def guarded(self, obj: Any, user: Any) -> list[Finding]:
        """The findings of the registered guards (``guard``) for this action and object."""
        if self.unguarded:
            return []
        return [f for g in _GUARDS for f in g(self, obj, user)]

    def project_of(self, obj: Any) -> Any:
        """The project an action's object belongs to (for guards about projects)."""
        if obj is None:
            return None
        if obj._meta.label_lower == "projects.project":
            return obj
        return getattr(obj, "project", None)

    def refusals(self, obj: Any, user: Any, data: Contract | None) -> Iterable[Finding]:
        """Findings of the action's own conditions (state details, platform rules). Called
        with ``data`` None before the input is read (conditions on the object) and again with
        the validated input (conditions on what was typed)."""
        return ()

    def gate_findings(self, obj: Any, user: Any, data: Contract | None) -> Iterable[Finding]:
        """The gate's findings without storing them (``policy.actions.GatedAction``)."""
        return ()

    def evaluate_gate(self, obj: Any, user: Any, data: Contract | None) -> Any:
        """Evaluate and store the gate's decision; raise when it blocks. None without a gate."""
        return None

    def policy_version(self, obj: Any) -> str:
        return ""

    def refuse(
        self,
        rule_id: str,
        message: str,
        *,
        article: str = "",
        remedy: str = "",
        facts: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        severity: str = Severity.BLOCK,
    ) -> Finding:
        """A finding of this action's own rule: ``rule_id`` is a requirement id with a suffix
        (``R8.1.editable``); ``article`` defaults to the action's. With ``params`` the message
        and remedy are templates kept for translation."""
        return Finding(
            rule_id=rule_id,
            article=article or self.cited_article(),
            severity=severity,
            title=str(self.label),
            message=render(message, params),
            remedy=render(remedy, params) if remedy else "",
            facts=facts or {},
            template=message if params is not None else "",
            remedy_template=remedy if params is not None else "",
            params={k: str(v) for k, v in (params or {}).items()},
        )

    # -- doing ---------------------------------------------------------------------------------

    def __call__(self, *args: Any, acting_user: Any, **values: Any) -> Any:
        """The action as a function: ``submit_project(project, acting_user=u, **input)``."""
        obj = args[0] if args else None
        return self.execute(obj, values or None, acting_user=acting_user)

    def parse(self, data: Any) -> Contract | None:
        if self.Input is None:
            return None
        return self.Input.parse(data)

    #: ``input_problems`` is asked of the raw mapping too when the contract itself found
    #: problems, so that all are shown at once (its checks then read a mapping, not a contract)
    problems_of_invalid_input: ClassVar[bool] = False

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        """Problems of a valid input that depend on the object (a date before the start, a
        number already used, a budget line of another project), by field."""
        return {}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Contract | None:
        """The validated input for ``obj``: the contract's checks, then ``input_problems``."""
        try:
            clean = self.parse_contract_for(obj, user, data)
        except ActionInvalid as exc:
            if not self.problems_of_invalid_input:
                raise
            raw = data.model_dump() if isinstance(data, Contract) else dict(data or {})
            extra = self.input_problems(obj, user, raw)
            raise ActionInvalid(exc.message, {**extra, **exc.errors}) from None
        problems = self.input_problems(obj, user, clean) if clean is not None else {}
        if problems:
            raise ActionInvalid(gettext(Contract.INVALID), problems)
        return clean

    def parse_contract_for(self, obj: Any, user: Any, data: Any) -> Contract | None:
        """The input as the contract validates it. An edit (``partial``) lays the fields given
        over the object's current values (``initial``), so fields not named keep what they hold."""
        if not self.partial or self.Input is None:
            return self.parse(data)
        given = data.model_dump(exclude_unset=True) if isinstance(data, Contract) else data
        return self.Input.parse({**self.initial(obj, user), **dict(given or {})})

    def execute(self, obj: Any = None, data: Any = None, *, acting_user: Any) -> Any:
        try:
            with transaction.atomic():
                return self._execute(obj, data, acting_user)
        except ActionBlocked as exc:
            if exc.decision is not None:
                keep_blocked_decision(exc.decision, acting_user, self)
            raise

    def _execute(self, ref: Any, data: Any, user: Any) -> Any:
        obj = self.load(ref, user, lock=self.lock) if self.model is not None else ref
        if not self.permitted(obj, user):
            raise ActionForbidden()
        # whether it can be done at all comes before whether the input is right
        self.raise_blocking(self.check_for_execution(obj, user, None))
        clean = self.parse_for(obj, user, data)
        if clean is not None:
            self.raise_blocking(self.refusals(obj, user, clean))
        decision = self.evaluate_gate(obj, user, clean)
        result = self.perform(obj, clean, user, decision)
        transaction.on_commit(
            lambda: action_done.send(sender=type(self), action=self, obj=obj, result=result)
        )
        return result

    @staticmethod
    def raise_blocking(findings: Iterable[Finding]) -> None:
        blocking = [f for f in findings if f.blocks]
        if blocking:
            raise ActionBlocked(blocking)

    def check_for_execution(self, obj: Any, user: Any, data: Contract | None) -> list[Finding]:
        """``check`` without the gate (the gate is evaluated and stored separately)."""
        state = self.state_refusal(obj)
        if state is not None:
            return [state]
        return self.guarded(obj, user) + list(self.refusals(obj, user, data))

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> Any:
        raise NotImplementedError

    # -- helpers for perform -------------------------------------------------------------------

    def move(self, obj: Any, *, actor: Any, event: str, decision: Any = None, **kwargs: Any) -> str:
        """Take this action's transition (one ledger event)."""
        assert self.machine is not None and self.transition
        kwargs.setdefault("policy_version", self.policy_version(obj))
        return self.machine.move(
            obj, self.transition, actor=actor, event=event, decision=decision, **kwargs
        )

    # -- offering --------------------------------------------------------------------------------

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        """The objects this action would act on from a page about ``page_obj``."""
        if self.model is not None and isinstance(page_obj, self.model):
            yield page_obj

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        """Options of the contract's reference fields, for this object and user."""
        return {}

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        """Values the page form starts with (an edit form shows the current values)."""
        return {}

    def target_label(self, obj: Any) -> str:
        """How the card names the target when it is not the page's own object."""
        return ""

    def page_url(self, obj: Any) -> str:
        """The chapter page where the action is done, for an input the card cannot show (rows
        of a table): the card then links there instead of showing a form. Empty: the card
        shows the form."""
        return ""

    def job_title(self, obj: Any, data: Any) -> str:
        """The name of the background job doing this action (``background``)."""
        return str(self.label)

    def success_message(self, obj: Any, result: Any) -> str:
        """What the page says after the action succeeded (``success``, or a sentence naming
        what was done to ``result``)."""
        if self.success:
            return str(self.success)
        return gettext("已办理：%(label)s。") % {"label": self.label}

    def next_url(self, obj: Any, result: Any) -> str:
        """Where the user goes after success (the object's page)."""
        for candidate in (result, obj):
            url = getattr(candidate, "get_absolute_url", None)
            if callable(url):
                return str(url())
        return "/"


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def keep_blocked_decision(decision: Any, acting_user: Any, act: Action | str) -> None:
    """Store a blocked gate decision after its action's transaction rolled back."""
    name = act if isinstance(act, str) else str(act.label or act.name)
    with transaction.atomic():
        decision.save(force_insert=True)
        record_event(
            ActionCode.GATE_EVALUATED,
            actor=acting_user,
            object_type=decision.subject_type,
            object_id=decision.subject_id,
            object_repr=decision.subject_repr,
            organisation=decision.organisation_id,
            to_state=decision.outcome,
            reason=f"“{name}”被阻止："
            + "；".join(f["message"] for f in decision.findings if f["severity"] == "block"),
            policy_version=decision.policy.code,
            decision_id=decision.pk,
        )


def action(func: Callable[..., Any]) -> Callable[..., Any]:
    """Legacy: wrap a function action in a transaction (``acting_user`` keyword-only) and
    keep a blocked decision. New actions are ``Action`` classes."""

    @functools.wraps(func)
    def wrapper(*args: Any, acting_user: Any, **kwargs: Any) -> Any:
        try:
            with transaction.atomic():
                return func(*args, acting_user=acting_user, **kwargs)
        except ActionBlocked as exc:
            if exc.decision is not None:
                keep_blocked_decision(exc.decision, acting_user, func.__name__)
            raise

    wrapper.is_action = True  # type: ignore[attr-defined]
    return wrapper


def registered() -> dict[str, Action]:
    return dict(_ACTIONS)


def get(name: str) -> Action:
    return _ACTIONS[name]


def offered_on(label: str) -> list[Action]:
    """The actions offered on pages of model ``label``, in the order they were declared."""
    label = label.lower()
    found = []
    for act in _ACTIONS.values():
        pages = (act.offered_on,) if isinstance(act.offered_on, str) else act.offered_on
        if label in (p.lower() for p in pages if p):
            found.append(act)
    return found
