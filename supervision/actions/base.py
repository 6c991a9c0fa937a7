"""What every supervision action shares: the unit's policy, the ledger event, the notices'
numbers, who is told, and the three kinds of subject a record can be raised on (a project,
an information system, a unit) from their pages.

``OnProject``, ``OnSystem`` and ``OnUnit`` are mixed into the creating actions: each names
the model the action is taken on, the pages it is offered on and how the record's unit,
project and system follow from the page's object (a unit's record may name one of its
projects or systems)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.db import IntegrityError, models
from django.utils.translation import gettext as _

from accounts.models import Organisation
from accounts.recipients import is_unit_staff, reviewers_of, unit_staff
from accounts.roles import OrgKind
from catalog.models import InformationSystem
from core.contracts import Contract
from core.dates import today
from core.errors import ActionConflict
from core.findings import Finding
from core.ledger import record_event
from core.machines import Machine
from core.memo import memoised, visibility_key
from core.notify import notify
from policy.gates import GatedAction, refusal
from policy.lookup import NoPolicyInForce, policy_in_force
from projects.models import Project, ProjectState

from ..authorities import UNIT, desk_of, is_desk_of
from ..contracts import SupervisionWithdrawIn
from ..notices import next_number


def page_project(page_obj: Any) -> Project | None:
    """The project a page is about: the project page, or the delivery page of a project."""
    if isinstance(page_obj, Project):
        return page_obj
    project = getattr(page_obj, "project", None)
    if page_obj._meta.label_lower == "delivery.delivery" and isinstance(project, Project):
        return project
    return None


def sees(obj: Any, user: Any) -> bool:
    """Does ``user`` see ``obj`` through its model's scope?"""
    if obj is None:
        return True
    qs = type(obj)._default_manager.all()
    return memoised(  # asked by each action of a page's card: once per page (core.memo)
        visibility_key(obj, user), lambda: bool(qs.for_user(user).filter(pk=obj.pk).exists())
    )


class SupervisionAction(GatedAction):
    """Base of the supervision chapter's actions."""

    #: the authorities whose desk may take it (for actions of an authority)
    authorities: tuple[str, ...] = ()

    def organisation_of(self, obj: Any) -> Any:
        """The unit whose policy is in force for the act."""
        if obj is None:
            return None
        if isinstance(obj, Organisation):
            return obj
        for path in ("unit", "project", "system"):
            value = getattr(obj, path, None)
            if isinstance(value, Organisation):
                return value
            if value is not None and getattr(value, "unit", None) is not None:
                return value.unit
        return None

    def desk(self, user: Any) -> Any:
        return desk_of(user, self.authorities)

    def permitted(self, obj: Any, user: Any) -> bool:
        """The role and relation, on an object the user sees: a record reached from a page
        (an order's sanctions, a request raised on) is never offered to someone who could not
        open it (missing and forbidden look the same)."""
        return super().permitted(obj, user) and sees(obj, user)

    # -- recording ---------------------------------------------------------------------------

    def record(
        self,
        code: str,
        user: Any,
        obj: Any,
        reason: str,
        *,
        source: str = "",
        target: str = "",
        decision: Any = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        """One ledger event about ``obj`` under the unit's policy in force."""
        record_event(
            code,
            actor=user,
            obj=obj,
            organisation=self.organisation_of(obj),
            from_state=source,
            to_state=target or getattr(obj, "state", ""),
            reason=reason,
            policy_version=self.policy_version(obj),
            decision_id=getattr(decision, "pk", None),
            data=data or {},
        )

    def take(
        self,
        machine: Machine,
        obj: models.Model,
        code: str,
        *,
        user: Any,
        event: str,
        reason: str,
        decision: Any = None,
        data: dict[str, Any] | None = None,
        fields: Iterable[str] = (),
    ) -> str:
        """Move ``obj`` through ``machine`` (one ledger event), saving ``fields`` with it."""
        return machine.move(
            obj,
            code,
            actor=user,
            event=event,
            reason=reason,
            decision=decision,
            data=data,
            policy_version=self.policy_version(obj),
            organisation=self.organisation_of(obj),
            update_fields=fields,
        )

    # -- telling -----------------------------------------------------------------------------

    def tell_unit(self, record: Any, title: str, body: str = "") -> None:
        notify(unit_staff(record.unit_id), title=title, body=body, link=record.get_absolute_url())

    def tell_authority(
        self, record: Any, title: str, body: str = "", *, also: Iterable[str] = ()
    ) -> None:
        """The officers of the record's authority (and of ``also``)."""
        people = reviewers_of(record.authority.authority)
        for code in also:
            people += reviewers_of(code)
        notify(people, title=title, body=body, link=record.get_absolute_url())

    def next_url(self, obj: Any, result: Any) -> str:
        for candidate in (result, obj):
            url = getattr(candidate, "get_absolute_url", None)
            if callable(url) and candidate._meta.app_label == "supervision":
                return str(url())
        return super().next_url(obj, result)


class ByIssuer(SupervisionAction):
    """An act of the authority that issued the record (its desk)."""

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_desk_of(user, obj.authority_id)


class Withdraw(ByIssuer):
    """The issuing authority withdraws a notice issued in error, before the unit acts on it
    (the machine's ``withdraw``); the unit is told why."""

    transition = "withdraw"
    Input = SupervisionWithdrawIn
    style = "outline-secondary"
    #: the ledger event, and the verb of the record (Chinese, the language of record)
    event: str = ""
    verb = "撤回"

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> Any:
        assert self.machine is not None
        self.take(
            self.machine,
            obj,
            "withdraw",
            user=user,
            event=self.event,
            reason=f"{self.verb}{obj.number}：{data.reason}",
        )
        self.tell_unit(obj, f"已{self.verb}：{obj.number}", data.reason)
        return obj


class RecordOverdue(ByIssuer):
    """The issuing authority records that a deadline passed without the unit acting (the
    machine's ``lapse``; the sweep does the same each day). Refused before the deadline, with
    the requirement's ``not_due`` finding."""

    transition = "lapse"
    style = "outline-warning"
    #: the finding before the deadline: (rule id, message, remedy), messages marked N_
    not_due: tuple[str, str, str] = ("", "", "")

    def lapse(self, obj: Any, user: Any) -> None:
        raise NotImplementedError

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        if today() <= obj.deadline:
            rule_id, message, remedy = self.not_due
            yield refusal(
                rule_id, message, remedy=remedy, params={"deadline": f"{obj.deadline:%Y-%m-%d}"}
            )

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> Any:
        self.lapse(obj, user)
        return obj


def lapse_record(machine: Machine, record: Any, user: Any, *, event: str, reason: str) -> None:
    """A request's or order's deadline passed with nothing from the unit: it is marked overdue
    for good and moved by ``lapse`` under the unit's policy in force (the sweep, or the
    authority; ``user`` is None for the sweep)."""
    record.was_overdue = True
    machine.move(
        record,
        "lapse",
        actor=user,
        event=event,
        reason=reason,
        organisation=record.unit_id,
        policy_version=policy_code(record.unit),
        update_fields=("was_overdue",),
    )


class ByUnit(SupervisionAction):
    """An act of the unit the record concerns."""

    roles = UNIT

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, obj.unit_id)


# -- creating a notice -----------------------------------------------------------------------


def policy_code(unit: Any) -> str:
    """The code of the policy in force for ``unit`` (empty when none is)."""
    try:
        return policy_in_force(unit).code
    except NoPolicyInForce:
        return ""


def save_notice(record: models.Model) -> None:
    """Save a new notice; a 文号 taken in the meantime is a technical conflict."""
    try:
        record.save()
    except IntegrityError as exc:
        raise ActionConflict(technical="taken") from exc


def numbered(record: Any, data: Any, authority: Any, word: str) -> None:
    """Set the notice's date, authority and 文号 (the typed one, or the next of the year)."""
    record.issued_on = data.issued_on or today()
    record.authority = authority
    record.number = data.number or next_number(type(record), authority, word, record.issued_on)


def number_problems(model: type[models.Model], data: Any) -> dict[str, str]:
    if data.number and model._default_manager.filter(number=data.number).exists():
        return {"number": _("文号“%(n)s”已被使用。") % {"n": data.number}}
    return {}


# -- the subjects a record is raised on -------------------------------------------------------


class RaisedOn:
    """How a creating action finds the unit, project and system of its record."""

    def subject_of(self, obj: Any, data: Any) -> tuple[Any, Any, Any]:
        raise NotImplementedError


class OnProject(RaisedOn):
    """Raised on a project (not a draft), from its page or its delivery page."""

    model: ClassVar[type[models.Model] | None] = Project
    offered_on: Any = ("projects.project", "delivery.delivery")

    def allowed(self, obj: Any, user: Any) -> bool:
        return obj.state != ProjectState.DRAFT and super().allowed(obj, user)  # type: ignore[misc]

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        project = page_project(page_obj)
        if project is not None:
            yield project

    def subject_of(self, obj: Any, data: Any) -> tuple[Any, Any, Any]:
        return obj.unit, obj, None


class OnSystem(RaisedOn):
    """Raised on an information system of the master catalog, from its page."""

    model: ClassVar[type[models.Model] | None] = InformationSystem
    offered_on: Any = "catalog.informationsystem"

    def subject_of(self, obj: Any, data: Any) -> tuple[Any, Any, Any]:
        return obj.unit, None, obj


class OnUnit(RaisedOn):
    """Raised on a unit, from its compliance page; it may name one of the unit's projects
    (not drafts) or systems, so that an authority that does not see them elsewhere can name
    what it supervises (Art. 35)."""

    model: ClassVar[type[models.Model] | None] = Organisation
    offered_on: Any = "accounts.organisation"

    def allowed(self, obj: Any, user: Any) -> bool:
        return obj.kind == OrgKind.UNIT and super().allowed(obj, user)  # type: ignore[misc]

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        projects = Project.objects.filter(unit=obj).exclude(state=ProjectState.DRAFT)
        systems = InformationSystem.objects.filter(unit=obj)
        return {
            "project": [(p.pk, str(p)) for p in projects.order_by("code")],
            "system": [(s.pk, str(s)) for s in systems.order_by("code")],
        }

    def subject_of(self, obj: Any, data: Any) -> tuple[Any, Any, Any]:
        project = Project.objects.get(pk=data.project) if data.project else None
        system = InformationSystem.objects.get(pk=data.system) if data.system else None
        return obj, project, system

    def input_problems(self, obj: Any, user: Any, data: Contract) -> dict[str, str]:
        options = self.choices(obj, None)
        errors = dict(super().input_problems(obj, user, data))  # type: ignore[misc]
        for name in ("project", "system"):
            value = getattr(data, name, None)
            if value and value not in {pk for pk, _label in options[name]}:
                errors[name] = _("请选择本单位的项目或系统。")
        return errors
