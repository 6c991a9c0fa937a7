"""What every investment action shares: the legacy keyword calls, input problems that depend
on the object, the gate context of a project and the ledger record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import models
from django.urls import reverse

from accounts.recipients import is_unit_staff
from accounts.roles import Role
from core.actions import pk_of
from core.contracts import Contract
from core.enums import ActionCode
from core.ledger import record_event
from core.money import YUAN_PER_WAN
from policy.engine import GateContext
from policy.gates import GatedAction
from projects.models import Project, ProjectState

from ..services import plan_context

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
DRC = (Role.DRC_OFFICER,)
FINANCE = (Role.FINANCE_OFFICER,)
BDB = (Role.BDB_REVIEWER,)
NOT_STARTED = (ProjectState.DRAFT, ProjectState.REJECTED)


def value_of(data: Contract | Mapping[str, Any] | None, name: str) -> Any:
    """A value of the input, validated (a contract) or as typed (a mapping)."""
    if data is None:
        return None
    if isinstance(data, Contract):
        return getattr(data, name, None)
    return data.get(name)


def text_of(data: Contract | Mapping[str, Any] | None, name: str) -> str:
    value = value_of(data, name)
    return value.strip() if isinstance(value, str) else ""


def int_of(data: Contract | Mapping[str, Any] | None, name: str) -> int | None:
    try:
        return int(pk_of(value_of(data, name)))
    except (TypeError, ValueError):
        return None


def wan_text(yuan: Any) -> str:
    """Yuan -> 万元 as a form shows it ("600", "812.5")."""
    if yuan is None:
        return ""
    return format((yuan / YUAN_PER_WAN).normalize(), "f")


def money_link(project_id: int) -> str:
    return reverse("investment:project", args=[project_id])


class InvestmentAction(GatedAction):
    """Base of the investment chapter's actions.

    The actions were functions called with keywords (``add_plan_entry(project=p, year=…)``,
    ``record_payment(contract=c, budget_line=l, …)``); ``object_keyword`` and ``aliases`` keep
    those calls working."""

    #: the keyword that names the object in a function-style call
    object_keyword: ClassVar[str] = ""
    #: keywords of a function-style call -> contract fields
    aliases: ClassVar[dict[str, str]] = {}

    def __call__(self, *args: Any, acting_user: Any, **values: Any) -> Any:
        if not args and self.object_keyword in values:
            args = (values.pop(self.object_keyword),)
        for old, new in self.aliases.items():
            if old in values:
                values[new] = pk_of(values.pop(old))
        return super().__call__(*args, acting_user=acting_user, **values)

    # the contract's problems and the object's are shown at once
    problems_of_invalid_input = True

    def facts(self, obj: Any, user: Any, data: Any) -> dict[str, Any]:
        """The facts of the gate's rules (besides the project's own)."""
        return {}

    def project_of(self, obj: Any) -> Any:
        """The project acted on: the object, its project, or (a payment) its contract's."""
        if isinstance(obj, Project) or obj is None:
            return obj
        contract = getattr(obj, "contract", None)
        return getattr(contract or obj, "project", None)

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        return plan_context(self.project_of(obj), user, **self.facts(obj, user, data))

    def organisation_of(self, obj: Any) -> Any:
        project = self.project_of(obj)
        return project.unit if project is not None else None

    def record(
        self,
        code: ActionCode,
        *,
        actor: Any,
        obj: Any,
        reason: str,
        project: Project | None = None,
        **extra: Any,
    ) -> Any:
        """A ledger event about ``obj`` (of ``project``, by default its own), under the
        project's unit and the policy in force there."""
        project = project or self.project_of(obj)
        extra.setdefault("policy_version", self.policy_version(project))
        return record_event(
            code, actor=actor, obj=obj, organisation=project.unit_id, reason=reason, **extra
        )


class ProjectAction(InvestmentAction):
    """An action on one project (its row is locked while the action runs), offered on the
    project's pages; missing and invisible projects look the same."""

    model: ClassVar[type[models.Model] | None] = Project
    object_keyword = "project"
    offered_on: ClassVar[str | tuple[str, ...]] = ("projects.project",)

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, Project) and self.makes_sense(page_obj):
            yield page_obj

    def makes_sense(self, project: Project) -> bool:
        """Whether the project's pages offer the action at all (its check says why not)."""
        return project.state not in NOT_STARTED

    def next_url(self, obj: Any, result: Any) -> str:
        return money_link(obj.pk)


class UnitProjectAction(ProjectAction):
    """An action the project's own unit takes."""

    roles = UNIT

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, self.project_of(obj).unit_id)
