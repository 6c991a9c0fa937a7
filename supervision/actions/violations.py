"""The register of violations (Art. 38, R38.1): a supervising authority records a violation
or confirms (or dismisses, with a reason) one the platform proposed from its facts
(``supervision.proposals``); records the responsible persons by name and post; and concludes
the entry with the measure taken — 通报批评 (``criticise_violation``), referral for 处分, and
for funds retained, misappropriated or misused the 《财政违法行为处罚处分条例》 — and the
outcome."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.machines import creating_in
from policy.engine import GateContext

from ..authorities import ORDERERS, ORDERING_AUTHORITIES
from ..contracts import (
    ResponsiblePersonIn,
    UnitViolationEntryIn,
    ViolationDecisionIn,
    ViolationEntryIn,
    ViolationOutcomeIn,
)
from ..machines import VIOLATION
from ..models import (
    ResponsiblePerson,
    SanctionKind,
    SupervisionEvent,
    ViolationEntry,
    ViolationOrigin,
    ViolationState,
)
from ..notices import display
from .base import OnProject, OnUnit, SupervisionAction

E = SupervisionEvent


class RegisterAction(SupervisionAction):
    """An act of a supervising authority on the register (Art. 38: 市级有关监督管理部门)."""

    authorities = ORDERING_AUTHORITIES
    roles = ORDERERS
    article = "第三十八条"
    requirement = "R38.1"

    def allowed(self, obj: Any, user: Any) -> bool:
        return self.desk(user) is not None


class NewViolation(RegisterAction):
    """A supervising authority records a violation it established (confirmed at once)."""

    label = _("登记违规行为")
    Input = ViolationEntryIn
    style = "outline-danger"
    success = _("已登记违规行为；请登记责任人员和处理结果。")

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> ViolationEntry:
        unit, project, system = self.subject_of(obj, data)  # type: ignore[attr-defined]
        now = timezone.now()
        desk = self.desk(user)
        entry = ViolationEntry(
            unit=unit,
            project=project,
            system=system,
            kind=data.kind,
            facts=data.facts,
            occurred_on=data.occurred_on,
            origin=ViolationOrigin.RECORDED,
            state=ViolationState.CONFIRMED,
            authority=desk,
            decision_reason=str(_("监督管理部门登记")),
            decided_by=user,
            decided_at=now,
            recorded_by=user,
        )
        with creating_in(entry):  # established by a person: it starts confirmed
            entry.save()
        self.record(
            E.VIOLATION_RECORDED,
            user,
            entry,
            f"{desk.display_name}登记违规行为（{display(entry, 'kind')}）：{data.facts[:80]}",
        )
        return entry


class RecordViolation(OnProject, NewViolation):
    """Record a violation on a project (Art. 38)."""


class RecordUnitViolation(OnUnit, NewViolation):
    """Record a violation of a unit, naming a project or system if any (Art. 38)."""

    Input = UnitViolationEntryIn


class OnEntry(RegisterAction):
    """An act on an entry of the register, offered on its page."""

    model = ViolationEntry
    machine = VIOLATION
    offered_on = "supervision.violationentry"


class Decide(OnEntry):
    """A person decides on a proposal of the platform, with a reason."""

    Input = ViolationDecisionIn
    verdict = ""

    def perform(self, obj: ViolationEntry, data: Any, user: Any, decision: Any) -> Any:
        obj.decision_reason = data.reason
        obj.decided_by = user
        obj.decided_at = timezone.now()
        obj.authority = self.desk(user)
        self.take(
            VIOLATION,
            obj,
            self.transition,
            user=user,
            event=E.VIOLATION_DECIDED,
            reason=f"{self.verdict}违规线索（{display(obj, 'kind')}）：{data.reason}",
            fields=("decision_reason", "decided_by", "decided_at", "authority"),
        )
        return obj


class ConfirmViolation(Decide):
    """Confirm a proposal: it becomes an entry of the register."""

    label = _("确认违规")
    transition = "confirm"
    verdict = "确认"
    style = "outline-danger"
    success = _("已确认；请登记责任人员和处理结果。")


class DismissViolation(Decide):
    """Dismiss a proposal the facts do not bear out (with the reason)."""

    label = _("排除")
    transition = "dismiss"
    verdict = "排除"
    style = "outline-secondary"
    success = _("已排除。")


class AddResponsiblePerson(OnEntry):
    """Record a person responsible (主管人员 or 其他责任人员) by name and post."""

    label = _("登记责任人员")
    states = (ViolationState.CONFIRMED,)
    Input = ResponsiblePersonIn
    style = "outline-primary"
    success = _("已登记责任人员。")

    def perform(self, obj: ViolationEntry, data: Any, user: Any, decision: Any) -> Any:
        person = ResponsiblePerson.objects.create(
            entry=obj, name=data.name, post=data.post, role=data.role, recorded_by=user
        )
        self.record(
            E.VIOLATION_PERSON,
            user,
            obj,
            f"登记{display(person, 'role')}：{person.name}（{person.post}）",
            data={"name": person.name, "post": person.post, "role": person.role},
        )
        return person

    def next_url(self, obj: Any, result: Any) -> str:
        return str(obj.get_absolute_url())


class RecordViolationOutcome(OnEntry):
    """Conclude the entry with the measure taken and the outcome (R38.1)."""

    label = _("登记处理结果")
    transition = "conclude"
    Input = ViolationOutcomeIn
    gate = "supervision.violation.conclude"
    success = _("已登记处理结果。")

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        ctx = super().context(obj, user, data)
        ctx.facts = {
            "persons": obj.persons.count(),
            "criticised": bool(data and data.criticised),
            "under_funds_regulation": bool(data and data.under_funds_regulation),
            "criticism_issued": obj.sanctions.filter(kind=SanctionKind.CRITICISM).exists(),
        }
        if data is None:
            # before the form is filled in, only what the entry itself lacks is shown
            ctx.facts["under_funds_regulation"] = True
        return ctx

    def perform(self, obj: ViolationEntry, data: Any, user: Any, decision: Any) -> Any:
        for name in (
            "criticised",
            "referred_for_discipline",
            "referred_to",
            "under_funds_regulation",
            "outcome",
        ):
            setattr(obj, name, getattr(data, name))
        obj.concluded_at = timezone.now()
        measures = [
            label
            for flag, label in (
                (data.criticised, "通报批评"),
                (data.referred_for_discipline, f"移送{data.referred_to}依法依规给予处分"),
                (data.under_funds_regulation, "依照《财政违法行为处罚处分条例》查处"),
            )
            if flag
        ]
        self.take(
            VIOLATION,
            obj,
            "conclude",
            user=user,
            event=E.VIOLATION_CONCLUDED,
            decision=decision,
            reason=f"处理结果（{'、'.join(measures) or '无处理措施'}）：{data.outcome[:80]}",
            fields=(
                "criticised",
                "referred_for_discipline",
                "referred_to",
                "under_funds_regulation",
                "outcome",
                "concluded_at",
            ),
        )
        return obj


record_violation = RecordViolation()
record_unit_violation = RecordUnitViolation()
confirm_violation = ConfirmViolation()
dismiss_violation = DismissViolation()
add_responsible_person = AddResponsiblePerson()
record_violation_outcome = RecordViolationOutcome()
