"""Department master plans (整合建设总体方案, Art. 6 ¶2-3, R6.2, R6.3).

A unit drafts its plan and files (报备) it with BDB, DRC and 市委网信办 after its collective
review. A filed revision never changes: adding, removing or changing a project goes into a
new draft revision that must be filed again, and the filed one stays current until then.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.models import Organisation
from accounts.recipients import unit_staff, users_with_roles
from accounts.roles import Authority, OrgKind, Role
from core.enums import ActionCode
from core.errors import ActionConflict, ActionInvalid
from core.notify import notify
from policy.engine import GateContext
from policy.gates import refusal

from ..contracts import MasterPlanIn, MasterPlanItemIn, MasterPlanUpdateIn
from ..machines import MASTER_PLAN
from ..models import (
    MasterPlan,
    MasterPlanFiling,
    MasterPlanItem,
    MasterPlanRevision,
    RevisionState,
)
from ..services import filing_context
from .base import ForOwnUnit, PlanningAction, is_unit_of, record_plan_event

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
# Art. 6 ¶2: master plans are filed with these three authorities.
FILING_AUTHORITIES = {
    Authority.BDB: Role.BDB_REVIEWER,
    Authority.DRC: Role.DRC_OFFICER,
    Authority.CAC: Role.CAC_REVIEWER,
}
ITEM_INVALID = N_("项目信息有误，请按提示修改。")


def _link(plan_id: int) -> str:
    return reverse("planning:master_plan_detail", args=[plan_id])


class MasterPlanAction(PlanningAction):
    """An action of the unit on its own plan (missing and other units' plans look the same)."""

    model = MasterPlan
    roles = UNIT
    article = "第六条"
    requirement = "R6.2"
    offered_on = "planning.masterplan"

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_of(user, obj.unit_id)

    def next_url(self, obj: Any, result: Any) -> str:
        return _link(obj.pk)


def editable_revision(plan: MasterPlan, user: Any, reason: str) -> MasterPlanRevision:
    """The plan's draft revision; when the plan has none, a new one copied from the latest
    revision (R6.3: a filed revision is never changed, the change goes into a new draft)."""
    draft = (
        MasterPlanRevision.objects.select_for_update()
        .filter(plan=plan, state=RevisionState.DRAFT)
        .first()
    )
    if draft is not None:
        return draft
    base = plan.revisions.order_by("-number").first()
    assert base is not None  # a plan is created with its first revision
    draft = MasterPlanRevision.objects.create(
        plan=plan,
        unit_id=plan.unit_id,
        number=base.number + 1,
        start_year=base.start_year,
        end_year=base.end_year,
        data_plan=base.data_plan,
        # a new revision needs a new collective review (Art. 6 ¶3: 重新履行有关程序)
        collective_review_date=None,
        collective_review_ref="",
        change_note=reason,
        created_by=user,
    )
    MasterPlanItem.objects.bulk_create(
        [
            MasterPlanItem(revision=draft, key=item.key, **item.content())
            for item in base.items.all()
        ]
    )
    record_plan_event(
        ActionCode.MASTER_PLAN_REVISION_CREATED,
        actor=user,
        revision=draft,
        reason=f"在第{base.number}版（{base.get_state_display()}）基础上修订：{reason}",
        data={"based_on": base.number},
    )
    return draft


def _item_problems(
    data: MasterPlanItemIn, revision: MasterPlanRevision, exclude_pk: Any = None
) -> dict:
    """The item's year lies in the plan's period; its number and name are unique in it."""
    errors: dict[str, str] = {}
    if data.planned_year and not revision.start_year <= data.planned_year <= revision.end_year:
        errors["planned_year"] = str(
            _("申报年度须在方案期限 %(a)s—%(b)s 年内。")
            % {"a": revision.start_year, "b": revision.end_year}
        )
    others = revision.items.exclude(pk=exclude_pk)
    if data.seq is not None and others.filter(seq=data.seq).exists():
        errors["seq"] = str(_("时序号 %(n)s 已被本方案的其他项目使用。") % {"n": data.seq})
    if data.name and others.filter(name=data.name).exists():
        errors["name"] = str(_("本方案已有同名项目。"))
    return errors


def _raise(errors: dict) -> None:
    if errors:
        raise ActionInvalid(str(_(ITEM_INVALID)), errors)


class CreateMasterPlan(ForOwnUnit):
    """A unit drafts its 整合建设总体方案 (Art. 6 ¶2); revision 1 starts as a draft."""

    label = _("新建总体方案")
    roles = UNIT
    Input = MasterPlanIn
    article = "第六条"
    requirement = "R6.2"
    success = _("已新建总体方案草稿，请添加项目后报备。")

    def perform(self, obj: Any, data: MasterPlanIn, user: Any, decision: Any) -> MasterPlan:
        # required by the contract (Ref, Year), so given once it has been parsed
        assert data.unit is not None and data.start_year is not None and data.end_year is not None
        unit = Organisation.objects.get(pk=data.unit, kind=OrgKind.UNIT)
        plan = MasterPlan.objects.create(unit=unit, title=data.title, created_by=user)
        revision = MasterPlanRevision.objects.create(
            plan=plan,
            unit=unit,
            number=1,
            created_by=user,
            start_year=data.start_year,
            end_year=data.end_year,
            data_plan=data.data_plan,
            collective_review_date=data.collective_review_date,
            collective_review_ref=data.collective_review_ref,
        )
        record_plan_event(
            ActionCode.MASTER_PLAN_CREATED,
            actor=user,
            revision=revision,
            reason=f"编制《{data.title}》（{revision.period_label}）",
        )
        return plan

    def next_url(self, obj: Any, result: Any) -> str:
        return _link(result.pk) if result is not None else reverse("planning:master_plans")


REVISION_FIELDS = (
    "start_year",
    "end_year",
    "data_plan",
    "collective_review_date",
    "collective_review_ref",
    "change_note",
)


class UpdateMasterPlan(MasterPlanAction):
    """Change the period, data plan or collective review of the plan's draft revision (a new
    draft revision when the latest one is filed)."""

    label = _("修改基本信息")
    Input = MasterPlanUpdateIn
    partial = True
    success = _("已保存到修订稿。")
    style = "outline-primary"

    def initial(self, obj: Any, user: Any) -> dict:
        base = obj.draft_revision() or obj.latest_revision()
        values: dict[str, Any] = {
            "title": obj.title,
            "start_year": base.start_year,
            "end_year": base.end_year,
            "data_plan": base.data_plan,
        }
        if base.is_draft:  # a new revision needs its own collective review
            values.update(
                collective_review_date=base.collective_review_date,
                collective_review_ref=base.collective_review_ref,
                change_note=base.change_note,
            )
        return values

    def perform(self, obj: Any, data: MasterPlanUpdateIn, user: Any, decision: Any) -> Any:
        revision = editable_revision(obj, user, "修改方案基本信息")
        changed = {
            name: getattr(data, name)
            for name in REVISION_FIELDS
            if getattr(revision, name) != getattr(data, name)
        }
        for name, value in changed.items():
            setattr(revision, name, value)
        if changed:
            revision.save(update_fields=list(changed))
        if data.title != obj.title:
            obj.title = data.title
            obj.save(update_fields=["title"])
        record_plan_event(
            ActionCode.MASTER_PLAN_UPDATED,
            actor=user,
            revision=revision,
            reason="修改方案基本信息",
            data=changed,
        )
        return revision


class AddMasterPlanItem(MasterPlanAction):
    """Add a project to the plan (R6.3: to a new draft revision when the plan is filed)."""

    label = _("增加项目")
    Input = MasterPlanItemIn
    requirement = "R6.3"
    success = _("已增加项目。已报备的方案将在新修订稿中调整，须重新报备。")
    style = "outline-primary"

    def perform(self, obj: Any, data: MasterPlanItemIn, user: Any, decision: Any) -> MasterPlanItem:
        revision = editable_revision(obj, user, f"增加项目“{data.name}”")
        _raise(_item_problems(data, revision))
        fields = data.model_dump()
        if fields["seq"] is None:
            last = revision.items.order_by("-seq").values_list("seq", flat=True).first()
            fields["seq"] = (last or 0) + 1
        try:
            item = MasterPlanItem.objects.create(revision=revision, **fields)
        except IntegrityError as exc:  # a concurrent edit took the same number or name
            raise ActionConflict(technical="taken") from exc
        record_plan_event(
            ActionCode.MASTER_PLAN_ITEM_ADDED,
            actor=user,
            revision=revision,
            reason=f"增加项目“{item.name}”",
            data={"key": str(item.key), **item.content()},
        )
        return item


class ItemAction(PlanningAction):
    """An action on a project of a plan; the change goes to the plan's draft revision."""

    model = MasterPlanItem
    roles = UNIT
    article = "第六条"
    requirement = "R6.3"
    lock = False  # the plan row is locked instead (``plan_of``)

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_of(user, obj.revision.unit_id)

    def plan_of(self, item: MasterPlanItem, user: Any) -> MasterPlan:
        return MasterPlan.objects.select_for_update().get(pk=item.revision.plan_id)

    def in_draft(self, item: MasterPlanItem, revision: MasterPlanRevision) -> MasterPlanItem:
        target = revision.items.select_for_update().filter(key=item.key).first()
        if target is None:
            raise ActionConflict(technical="stale")
        return target

    def next_url(self, obj: Any, result: Any) -> str:
        return _link(obj.revision.plan_id)


class ChangeMasterPlanItem(ItemAction):
    """Change a project of the plan; on a filed plan this creates a new draft revision that
    must be filed again (R6.3), and the filed revision stays current until then."""

    label = _("调整项目")
    Input = MasterPlanItemIn
    partial = True
    success = _("已调整项目。")

    def initial(self, obj: Any, user: Any) -> dict:
        return obj.content()

    def perform(self, obj: Any, data: MasterPlanItemIn, user: Any, decision: Any) -> MasterPlanItem:
        plan = self.plan_of(obj, user)
        revision = editable_revision(plan, user, f"调整项目“{obj.name}”")
        target = self.in_draft(obj, revision)
        _raise(_item_problems(data, revision, exclude_pk=target.pk))
        before = target.content()
        for name, value in data.model_dump().items():
            if value is not None or name != "seq":
                setattr(target, name, value)
        try:
            target.save()
        except IntegrityError as exc:
            raise ActionConflict(technical="taken") from exc
        after = target.content()
        record_plan_event(
            ActionCode.MASTER_PLAN_ITEM_CHANGED,
            actor=user,
            revision=revision,
            reason=f"调整项目“{target.name}”",
            data={
                "key": str(target.key),
                "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
            },
        )
        return target


class RemoveMasterPlanItem(ItemAction):
    """Remove a project from the plan (on a filed plan: from a new draft revision, R6.3)."""

    label = _("删减项目")
    style = "outline-danger"
    success = _("已删减项目。")

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> MasterPlanRevision:
        plan = self.plan_of(obj, user)
        revision = editable_revision(plan, user, f"删减项目“{obj.name}”")
        target = self.in_draft(obj, revision)
        content = target.content()
        target.delete()
        record_plan_event(
            ActionCode.MASTER_PLAN_ITEM_REMOVED,
            actor=user,
            revision=revision,
            reason=f"删减项目“{content['name']}”",
            data={"key": str(obj.key), **content},
        )
        return revision


def _filing_authorities() -> list[Organisation]:
    return list(
        Organisation.objects.filter(
            kind=OrgKind.AUTHORITY, authority__in=list(FILING_AUTHORITIES), is_active=True
        ).order_by("name")
    )


class FileMasterPlan(MasterPlanAction):
    """File (报备) the plan's draft revision with BDB, DRC and 市委网信办 after the unit's
    collective review (Art. 6 ¶2). The filed revision becomes the unit's current one and is
    immutable; the previously filed revision is superseded."""

    label = _("向市大数据发展局、市发展改革委、市委网信办报备")
    gate = "planning.master_plan.file"
    success = _("已向市大数据发展局、市发展改革委、市委网信办报备。")
    confirm = _(
        "报备后本修订版成为本单位现行总体方案且不能再修改，原报备版本被取代；"
        "市大数据发展局、市发展改革委、市委网信办将收到报备（第六条）。"
    )

    def draft_of(self, obj: MasterPlan) -> MasterPlanRevision | None:
        return obj.revisions.filter(state=RevisionState.DRAFT).first()

    def refusals(self, obj: Any, user: Any, data: Any):
        if self.draft_of(obj) is None:
            yield refusal(
                "R6.3.nothing-to-file",
                N_("该方案没有待报备的修订稿：现行版本已报备（第六条）。"),
                remedy=N_("增加、删减或调整项目后会生成新的修订稿，再经集体审议后报备。"),
                params={},
            )

    def gate_code(self, obj: Any, data: Any) -> str:
        return self.gate if self.draft_of(obj) is not None else ""

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        draft = self.draft_of(obj)
        assert draft is not None  # the gate runs only on a draft (gate_code)
        return filing_context(draft, user)

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> MasterPlanRevision:
        revision = MasterPlanRevision.objects.select_for_update().get(
            plan=obj, state=RevisionState.DRAFT
        )
        now = timezone.now()
        previous = (
            MasterPlanRevision.objects.select_for_update()
            .filter(unit_id=obj.unit_id, is_current_filed=True)
            .first()
        )
        if previous is not None:
            previous.is_current_filed = False
            previous.superseded_at = now
            MASTER_PLAN.move(
                previous,
                "supersede",
                actor=user,
                event=ActionCode.MASTER_PLAN_FILED,
                organisation=previous.unit_id,
                reason=f"被第{revision.number}版取代（第六条）",
                policy_version=decision.policy.code,
                update_fields=["is_current_filed", "superseded_at"],
            )
        revision.is_current_filed = True
        revision.filed_at = now
        revision.filed_by = user
        authorities = _filing_authorities()
        MASTER_PLAN.move(
            revision,
            "file",
            actor=user,
            event=ActionCode.MASTER_PLAN_FILED,
            organisation=revision.unit_id,
            decision=decision,
            policy_version=decision.policy.code,
            reason=(
                f"经 {revision.collective_review_date:%Y-%m-%d} 集体审议，向"
                + "、".join(o.display_name for o in authorities)
                + "报备（第六条）"
            ),
            data={
                "revision": revision.number,
                "superseded_revision": previous.number if previous else None,
                "superseded_revision_id": previous.pk if previous else None,
                "authorities": [o.name for o in authorities],
            },
            update_fields=["is_current_filed", "filed_at", "filed_by"],
        )
        MasterPlanFiling.objects.bulk_create(
            [
                MasterPlanFiling(revision=revision, authority=org, filed_at=now)
                for org in authorities
            ]
        )
        notify(
            users_with_roles(*FILING_AUTHORITIES.values(), authorities=list(FILING_AUTHORITIES)),
            title=f"总体方案报备：{obj.unit.display_name}《{obj.title}》第{revision.number}版",
            body=f"{obj.unit.name} 报备整合建设总体方案（{revision.period_label}），请查收（第六条）。",
            link=_link(obj.pk),
        )
        return revision


class ConfirmMasterPlanFiling(PlanningAction):
    """An authority (BDB, DRC, 市委网信办) confirms it received a filing."""

    label = _("确认收到报备")
    model = MasterPlanFiling
    roles = tuple(FILING_AUTHORITIES.values())
    article = "第六条"
    requirement = "R6.2"
    offered_on = "planning.masterplan"
    success = _("已确认收到报备。")
    style = "outline-success"

    def targets(self, page_obj: Any, user: Any):
        revision = page_obj.filed_revision()
        if revision is not None:
            yield from revision.filings.filter(received_at__isnull=True)

    def target_label(self, obj: Any) -> str:
        return str(obj.authority.display_name)

    def allowed(self, obj: Any, user: Any) -> bool:
        role = FILING_AUTHORITIES.get(obj.authority.authority)
        return any(
            m.organisation_id == obj.authority_id and m.role == role
            for m in user.active_memberships()
        )

    def refusals(self, obj: Any, user: Any, data: Any):
        if obj.received_at is not None:
            yield refusal(
                "R6.2.received",
                N_("已于 %(when)s 确认收到该报备。"),
                params={"when": timezone.localtime(obj.received_at).strftime("%Y-%m-%d")},
            )

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> MasterPlanFiling:
        obj.received_at = timezone.now()
        obj.received_by = user
        obj.save(update_fields=["received_at", "received_by"])
        revision = MasterPlanRevision.objects.get(pk=obj.revision_id)
        authority = obj.authority
        record_plan_event(
            ActionCode.MASTER_PLAN_FILING_RECEIVED,
            actor=user,
            revision=revision,
            from_state="filed",
            to_state="received",
            reason=f"{authority.display_name}确认收到报备",
        )
        notify(
            unit_staff(revision.unit_id),
            title=f"{authority.display_name}已收到总体方案报备（第{revision.number}版）",
            link=_link(revision.plan_id),
        )
        return obj

    def next_url(self, obj: Any, result: Any) -> str:
        return _link(obj.revision.plan_id) + f"?rev={obj.revision.number}"


create_master_plan = CreateMasterPlan()
update_master_plan = UpdateMasterPlan()
add_master_plan_item = AddMasterPlanItem()
change_master_plan_item = ChangeMasterPlanItem()
remove_master_plan_item = RemoveMasterPlanItem()
file_master_plan = FileMasterPlan()
confirm_master_plan_filing = ConfirmMasterPlanFiling()
