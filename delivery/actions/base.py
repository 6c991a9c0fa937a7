"""What every delivery action shares: the project it concerns, its unit's policy, the gate
context, the ledger event and the pages it is offered on.

- ``ProjectAction`` acts on an approved project (loaded as ``projects.Project``); its states
  are those of the project's delivery record (``machines.DELIVERY``).
- ``RowAction`` acts on a row of a project (a milestone, an incident, an acceptance …); the
  project is locked first, then the row.

Both are offered on the project page (``projects.project``) and on the delivery page
(``delivery.delivery``): ``targets`` finds what they act on from either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_noop as N_

from accounts.recipients import is_unit_staff, reviewers_of
from core.contracts import Contract
from core.findings import Finding
from core.ledger import record_event
from core.machines import Machine
from core.notify import notify
from policy.engine import GateContext
from policy.gates import GatedAction, refusal
from projects.models import Project, ProjectState

from ..machines import DELIVERY, UNIT
from ..models import Delivery
from ..services import delivery_context, delivery_for

PAGES = ("projects.project", "delivery.delivery")


def project_link(project: Project | int, anchor: str = "") -> str:
    """The delivery page of a project (at ``anchor``)."""
    url = reverse("delivery:project", args=[getattr(project, "pk", project)])
    return f"{url}#{anchor}" if anchor else url


def page_project(page_obj: Any) -> Project | None:
    """The project a page is about (the project page, or a delivery page)."""
    if isinstance(page_obj, Project):
        return page_obj
    if isinstance(page_obj, Delivery):
        return page_obj.project
    return None


def desks(*authorities: str) -> list[Any]:
    """The officers of the authorities' desks (``reviewers_of``), e.g. DRC, Finance and BDB,
    who receive a report of Art. 23 or 30."""
    return [user for authority in authorities for user in reviewers_of(authority)]


def is_active(project: Project) -> bool:
    """Approved and not terminated: the delivery chapter acts on it."""
    return project.state == ProjectState.APPROVED and not project.terminated_at


class DeliveryAction(GatedAction):
    """Base of the delivery chapter's actions."""

    offered_on = PAGES
    #: where on the delivery page the action's subject is shown
    anchor = ""

    # -- the project and its policy ----------------------------------------------------------

    def project_of(self, obj: Any) -> Any:
        """The project ``obj`` belongs to (the project itself for a project action)."""
        return obj if isinstance(obj, Project) or obj is None else obj.project

    def organisation_of(self, obj: Any) -> Any:
        return self.project_of(obj).unit

    def facts(self, obj: Any, data: Contract | None) -> dict[str, Any]:
        """What the gate's rules read besides the project (the input, the path …)."""
        return {}

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        return delivery_context(self.project_of(obj), user, **self.facts(obj, data))

    # -- recording -----------------------------------------------------------------------------

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
        """One ledger event about ``obj`` (or its project) under the unit's policy in force."""
        project = self.project_of(obj)
        record_event(
            code,
            actor=user,
            obj=obj,
            organisation=project.unit_id,
            from_state=source,
            to_state=target,
            reason=reason,
            policy_version=self.policy_version(project),
            decision_id=getattr(decision, "pk", None),
            data=data or {},
        )

    def tell(self, recipients: Iterable[Any], project: Project, title: str, body: str = "") -> None:
        """Notify ``recipients`` about ``project``, linking its delivery page where the action's
        subject is shown. (Notifications are rows of the action's transaction.)"""
        notify(recipients, title=title, body=body, link=project_link(project, self.anchor))

    def take(
        self,
        machine: Machine,
        obj: Model,
        code: str,
        *,
        user: Any,
        event: str,
        reason: str,
        decision: Any = None,
        data: dict[str, Any] | None = None,
    ) -> str:
        """Move ``obj`` through ``machine`` (one ledger event); returns the state left."""
        project = self.project_of(obj)
        return machine.move(
            obj,
            code,
            actor=user,
            event=event,
            reason=reason,
            decision=decision,
            data=data,
            policy_version=self.policy_version(project),
            organisation=project.unit_id,
        )

    # -- offering ------------------------------------------------------------------------------

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        project = page_project(page_obj)
        if project is not None and is_active(project):
            yield from self.targets_of(project, user)

    def targets_of(self, project: Project, user: Any) -> Iterable[Any]:
        return ()

    def next_url(self, obj: Any, result: Any) -> str:
        return project_link(self.project_of(obj), self.anchor)


class ProjectAction(DeliveryAction):
    """An action on an approved project; by default the unit's own (Art. 16)."""

    model = Project
    machine = DELIVERY
    roles: ClassVar[tuple[str, ...]] = UNIT

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        project = super().load(ref, user, lock=lock)
        if lock:  # the delivery record, created on the first action, locked with the project
            delivery_for(project, lock=True)
        return project

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, obj.unit_id)

    def delivery(self, project: Project) -> Delivery:
        return delivery_for(project)

    def take_dated(
        self,
        project: Project,
        field: str,
        data: Any,
        *,
        user: Any,
        event: str,
        what: str,
        decision: Any,
    ) -> Delivery:
        """Set the delivery record's date ``field`` from the same field of ``data`` and move the
        record by the action's transition; the ledger reads "<date> <what>"."""
        delivery = self.delivery(project)
        day = getattr(data, field)
        setattr(delivery, field, day)
        self.take(
            DELIVERY,
            delivery,
            self.transition,
            user=user,
            event=event,
            reason=f"{day:%Y-%m-%d} {what}",
            decision=decision,
        )
        return delivery

    def state_refusal(self, obj: Any) -> Finding | None:
        # the states are the delivery record's: an approved project starts in 开工准备
        return super().state_refusal(delivery_for(obj) if obj is not None else None)

    def refusals(self, obj: Any, user: Any, data: Contract | None) -> Iterator[Finding]:
        if obj.state != ProjectState.APPROVED:
            yield refusal(
                "R16.1.approved",
                N_("项目尚未批复，批复后才能进入建设实施阶段（第十六条）。"),
                remedy=N_("请先完成项目审批。"),
                facts={"state": obj.state},
                params={},
            )
            return
        yield from self.conditions(obj, user, data)

    def conditions(self, obj: Any, user: Any, data: Contract | None) -> Iterable[Finding]:
        """The action's own conditions on an approved project, cited."""
        return ()

    def relevant(self, project: Project) -> bool:
        """Should the card offer the action on this project at all (the right acceptance
        path, a date not yet recorded …)? Executing it is still checked in full."""
        return True

    def targets_of(self, project: Project, user: Any) -> Iterable[Any]:
        if self.relevant(project):
            yield project


class AuthorityProjectAction(ProjectAction):
    """An action of an authority (BDB, DRC …) on a project: its role is enough, on any project
    it sees."""

    def allowed(self, obj: Any, user: Any) -> bool:
        return True


class RowAction(DeliveryAction):
    """An action on one row of a project; the project row is locked before it."""

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        row = super().load(ref, user, lock=False)
        if lock:
            Project.objects.select_for_update().filter(pk=row.project_id).first()
            row = type(row)._default_manager.select_for_update().get(pk=row.pk)
        return row

    def rows(self, project: Project) -> Iterable[Any]:
        """The rows of ``project`` the card offers the action on."""
        return ()

    def targets_of(self, project: Project, user: Any) -> Iterable[Any]:
        return self.rows(project)
