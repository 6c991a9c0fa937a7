"""The master catalog of government information systems (Art. 15, with the facts Art. 17, 18,
20, 31-33 read): a unit registers and updates its systems, BDB curates them into the catalog,
and accepted projects bring their systems in (``sync_system_for_project``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.recipients import reviewers_of
from accounts.roles import Authority
from core.contracts import initial_of
from core.enums import ActionCode
from core.errors import ActionConflict, ActionInvalid
from core.findings import Finding
from core.ledger import record_event
from core.notify import notify

from ..contracts import CatalogCurateIn, CatalogSystemPatchIn, CatalogSystemRegisterIn
from ..machines import SYSTEM_ISOLATION
from ..models import (
    InformationSystem,
    IntegrationStatus,
    IsolationState,
    Network,
    OMDecision,
    SystemCategory,
    SystemStatus,
)
from .base import BDB, EDITORS, CatalogAction, ForOwnUnit, integration_refusals, may_edit

SYSTEM_PAGES = ("catalog.informationsystem", "catalog.omdecision")


class SystemAction(CatalogAction):
    """An action on a catalog entry, offered on its page and on its O&M decisions' pages."""

    model = InformationSystem
    article = "第十五条"
    requirement = "R15.1"
    offered_on = SYSTEM_PAGES

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        yield page_obj.system if isinstance(page_obj, OMDecision) else page_obj


def changes(system: InformationSystem, values: dict[str, Any]) -> dict[str, list[str]]:
    """Set ``values`` on ``system`` (not saved); returns {field: [old, new]} of what changed."""
    changed = {
        k: [str(getattr(system, k)), str(v)] for k, v in values.items() if getattr(system, k) != v
    }
    for key in changed:
        setattr(system, key, values[key])
    return changed


def isolation_step(system: InformationSystem) -> str:
    """The transition of the Art. 31 approval that the system's network now calls for: an
    isolated network needs BDB's review and the city government's approval anew (an approval
    covers the network it was given for); a networked system needs none."""
    state = SYSTEM_ISOLATION.state_of(system)
    isolated = system.network == Network.ISOLATED
    if isolated and state == IsolationState.NOT_NEEDED:
        return "isolate"
    if not isolated and state != IsolationState.NOT_NEEDED:
        return "rejoin"
    return ""


def _labels(changed: dict) -> str:
    fields = {f.name: f.verbose_name for f in InformationSystem._meta.fields}
    return "、".join(str(fields[k]) for k in changed)


class RegisterSystem(ForOwnUnit):
    """A unit registers a system of its own in the master catalog (BDB may register for any
    unit); BDB then curates it (Art. 15). An isolated one waits for its Art. 31 approvals."""

    label = _("登记政务信息系统")
    roles = EDITORS
    Input = CatalogSystemRegisterIn
    article = "第十五条"
    requirement = "R15.1"
    success = _("已登记，待市大数据发展局审核纳入总目录（第十五条）。")

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = super().parse_for(obj, user, data)
        if InformationSystem.objects.filter(code=clean.code).exists():
            message = gettext("系统编码 %(code)s 已存在。") % {"code": clean.code}
            raise ActionInvalid(gettext(clean.INVALID), {"code": message})
        return clean

    def refusals(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        if data is None:
            return []
        return integration_refusals(user, IntegrationStatus.NOT_NEEDED, data.integration_status)

    def perform(
        self, obj: Any, data: CatalogSystemRegisterIn, user: Any, decision: Any
    ) -> InformationSystem:
        assert data.unit is not None  # ForOwnUnit filled it in
        system = InformationSystem(
            unit_id=data.unit, code=data.code, **data.model_dump(exclude={"unit", "code"})
        )
        try:
            with transaction.atomic():
                system.save()
        except IntegrityError as exc:  # the code was taken meanwhile
            raise ActionConflict(technical="taken") from exc
        reason = f"登记政务信息系统 {system.code}（第十五条）"
        if system.network == Network.ISOLATED:  # it waits for BDB's review (Art. 31)
            SYSTEM_ISOLATION.move(
                system,
                "declare",
                actor=user,
                event=ActionCode.SYSTEM_REGISTERED,
                organisation=system.unit_id,
                reason=reason + "，部署为孤网，待市大数据发展局初审（第三十一条）",
            )
        else:
            record_event(
                ActionCode.SYSTEM_REGISTERED,
                actor=user,
                obj=system,
                organisation=system.unit_id,
                reason=reason,
            )
        return system


class UpdateSystem(SystemAction):
    """The owning unit (or BDB curating) updates a catalog entry; only the fields given change,
    and the changed ones are recorded. Becoming isolated needs the Art. 31 approvals anew."""

    label = _("修改目录信息")
    roles = EDITORS
    Input = CatalogSystemPatchIn
    partial = True
    success = _("已保存目录信息。")
    style = "outline-primary"

    def allowed(self, obj: Any, user: Any) -> bool:
        return may_edit(user, obj.unit_id)

    def initial(self, obj: Any, user: Any) -> dict:
        return initial_of(CatalogSystemPatchIn, obj)

    def refusals(self, obj: Any, user: Any, data: Any) -> list[Finding]:
        if data is None:
            return []
        return integration_refusals(user, obj.integration_status, data.integration_status)

    def perform(
        self, obj: Any, data: CatalogSystemPatchIn, user: Any, decision: Any
    ) -> InformationSystem:
        changed = changes(obj, data.model_dump())
        obj.changed_fields = changed  # what the import counts
        if not changed:
            return obj
        step = isolation_step(obj)
        if step == "isolate":
            obj.isolation_bdb_reviewed_on = obj.isolation_gov_approved_on = None
        reason = "修改：" + _labels(changed)
        if step:
            SYSTEM_ISOLATION.move(
                obj,
                step,
                actor=user,
                event=ActionCode.SYSTEM_UPDATED,
                organisation=obj.unit_id,
                reason=reason
                + ("，部署为孤网，须重新审批（第三十一条）" if step == "isolate" else ""),
                data={"changed": changed},
            )
            return obj
        obj.save()
        record_event(
            ActionCode.SYSTEM_UPDATED,
            actor=user,
            obj=obj,
            organisation=obj.unit_id,
            reason=reason,
            data={"changed": changed},
        )
        return obj


class CurateSystem(SystemAction):
    """BDB includes a system in (or removes it from) the master catalog: a system outside it
    gets no O&M funding (Art. 15, 31)."""

    label = _("审核纳入总目录")
    roles = BDB
    Input = CatalogCurateIn
    requirement = "R31.3"
    article = "第三十一条"
    confirm = _("纳入总目录的系统方可安排运行维护经费；移出后不予安排（第三十一条）。")
    style = "success"

    def initial(self, obj: Any, user: Any) -> dict:
        return {"catalogued": not obj.catalogued}

    def perform(self, obj: Any, data: CatalogCurateIn, user: Any, decision: Any) -> Any:
        obj.catalogued = data.catalogued
        obj.curated_by = user
        obj.curated_at = timezone.now()
        obj.save(update_fields=["catalogued", "curated_by", "curated_at", "updated_at"])
        verb = "纳入总目录" if data.catalogued else "移出总目录"
        record_event(
            ActionCode.SYSTEM_CURATED,
            actor=user,
            obj=obj,
            organisation=obj.unit_id,
            to_state="catalogued" if data.catalogued else "excluded",
            reason=verb + (f"：{data.note}" if data.note else ""),
        )
        return obj

    def success_message(self, obj: Any, result: Any) -> str:
        return gettext("已纳入总目录。") if result.catalogued else gettext("已移出总目录。")


def sync_system_for_project(project: Any, acting_user: Any, *, passed: bool = True) -> Any:
    """Create or update the catalog entry of a project's system when its acceptance is decided
    (R15.1): called inside the acceptance action's transaction. A passed acceptance puts the
    system into operation; a failed one records a new system as in trial run and leaves an
    existing one (the predecessor of an expansion) as it was."""
    system = InformationSystem.objects.filter(projects=project).first()
    if system is None and project.predecessor_id:
        system = InformationSystem.objects.filter(projects=project.predecessor_id).first()
    created = system is None
    if system is None:
        system = InformationSystem.objects.create(
            unit_id=project.unit_id,
            code=f"SYS-{project.code}",
            name=project.name,
            category=SystemCategory.BUSINESS,
            status=SystemStatus.RUNNING if passed else SystemStatus.TRIAL,
            mlps_level=project.mlps_level,
            hosting="other" if project.hosting == "other" else "cq_cloud",
            hosting_justification=project.hosting_justification,
        )
    elif passed:
        system.status = SystemStatus.RUNNING
        system.save(update_fields=["status", "updated_at"])
    system.projects.add(project)
    record_event(
        ActionCode.SYSTEM_SYNCED,
        actor=acting_user,
        obj=system,
        organisation=project.unit_id,
        reason=f"由项目 {project.code} 验收{'通过' if passed else '不通过'}"
        f"{'新增' if created else '更新'}目录条目（第十五条）",
    )
    notify(reviewers_of(Authority.BDB), title=f"待纳入总目录：{system.code} {system.name}")
    return system


register_system = RegisterSystem()
update_system = UpdateSystem()
curate_system = CurateSystem()
