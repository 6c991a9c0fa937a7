"""Every change of state of the planning chapter (Art. 6, 7).

Each action: guard (load for this user through scoping, lock, check the role, evaluate the gate),
mutate, record one ledger event, notify. Missing and forbidden objects both raise
``ActionForbidden`` with the same message, which pages turn into 404.
"""

from __future__ import annotations

from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Authority, OrgKind, Role
from accounts.scoping import for_user
from core.actions import action
from core.enums import ActionCode
from core.errors import ActionConflict, ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.notify import notify
from core.validate import past_date as _past_date
from core.validate import pk_of as _pk
from core.validate import raise_if as _raise_if
from core.validate import text as _text
from core.validate import year as _year
from policy.engine import enforce, evaluate_gate
from policy.lookup import policy_in_force

from .models import (
    UNIT_STAFF_ROLES,
    CityPlan,
    CityPlanState,
    CityPlanVersion,
    CityPlanVersionKind,
    DataGovernanceRecord,
    ItemKind,
    ItemStatus,
    MasterPlan,
    MasterPlanFiling,
    MasterPlanItem,
    MasterPlanRevision,
    RevisionState,
)
from .services import city_plan_context, filing_context

NOT_FOUND = "未找到该对象，或您无权访问。"
# Art. 6 ¶2: master plans are filed with these three authorities.
FILING_AUTHORITIES = {
    Authority.BDB: Role.BDB_REVIEWER,
    Authority.DRC: Role.DRC_OFFICER,
    Authority.CAC: Role.CAC_REVIEWER,
}


# -- guards --------------------------------------------------------------------------------


def _load(model, user, pk, *, lock=True):
    """The object as ``user`` may see it, row-locked; missing and forbidden look the same."""
    qs = for_user(model, user)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=_pk(pk))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise ActionForbidden(NOT_FOUND) from exc


def _require_role(user, role, message) -> None:
    if not (user.is_authenticated and user.has_role(role)):
        raise ActionForbidden(message)


def unit_ids_of(user) -> set[int]:
    return {m.organisation_id for m in user.active_memberships() if m.role in UNIT_STAFF_ROLES}


def _require_unit_staff(user, unit_id) -> None:
    if unit_id not in unit_ids_of(user):
        raise ActionForbidden(NOT_FOUND)


def users_with_roles(*roles, authorities=None):
    qs = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role__in=roles,
        memberships__organisation__is_active=True,
    )
    if authorities:
        qs = qs.filter(memberships__organisation__authority__in=authorities)
    return list(qs.distinct())


def _unit_staff(unit_id):
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation_id=unit_id,
            memberships__role__in=UNIT_STAFF_ROLES,
        ).distinct()
    )


def _period(start, end, errors):
    start_year = _year(start, "start_year", "起始年度", errors)
    end_year = _year(end, "end_year", "终止年度", errors)
    if start_year and end_year and end_year < start_year:
        errors["end_year"] = "终止年度不能早于起始年度。"
    return start_year, end_year


# -- city plan (R6.1) ---------------------------------------------------------------------


def _city_plan_link(plan_id) -> str:
    return reverse("planning:city_plan_detail", args=[plan_id])


def _municipal_policy_code() -> str:
    return policy_in_force(None).code


@action
def create_city_plan(
    *, acting_user, title, start_year, end_year, summary="", data_orientation=""
) -> CityPlan:
    """BDB drafts the city plan (Art. 6 ¶1); version 1 starts as a draft."""
    _require_role(
        acting_user, Role.BDB_REVIEWER, "只有市大数据发展局可以编制市级政务信息化建设规划。"
    )
    errors: dict = {}
    title = _text(title, "title", "规划名称", errors, max_length=200)
    start, end = _period(start_year, end_year, errors)
    _raise_if(errors)
    plan = CityPlan.objects.create(
        title=title, start_year=start, end_year=end, created_by=acting_user
    )
    version = CityPlanVersion.objects.create(
        plan=plan,
        number=1,
        kind=CityPlanVersionKind.ORIGINAL,
        summary=(summary or "").strip(),
        data_orientation=(data_orientation or "").strip(),
        drafted_by=acting_user,
    )
    record_event(
        ActionCode.CITY_PLAN_CREATED,
        actor=acting_user,
        obj=version,
        to_state=version.state,
        reason=f"编制《{title}》（{plan.period_label}）",
        policy_version=_municipal_policy_code(),
    )
    return plan


def _load_city_version(version, user) -> CityPlanVersion:
    version = _load(CityPlanVersion, user, version)
    CityPlan.objects.select_for_update().filter(pk=version.plan_id).first()
    return version


@action
def update_city_plan(
    version, *, acting_user, summary, data_orientation, reassessment_reason=None
) -> CityPlanVersion:
    """BDB edits a draft or returned version."""
    _require_role(acting_user, Role.BDB_REVIEWER, NOT_FOUND)
    version = _load_city_version(version, acting_user)
    if version.state not in (CityPlanState.DRAFT, CityPlanState.RETURNED):
        raise ActionConflict(f"{version}{version.get_state_display()}，不能修改。")
    version.summary = (summary or "").strip()
    version.data_orientation = (data_orientation or "").strip()
    fields = ["summary", "data_orientation"]
    if reassessment_reason is not None:
        version.reassessment_reason = reassessment_reason.strip()
        fields.append("reassessment_reason")
    version.save(update_fields=fields)
    record_event(
        ActionCode.CITY_PLAN_UPDATED,
        actor=acting_user,
        obj=version,
        from_state=version.state,
        to_state=version.state,
        reason="修改规划内容",
        policy_version=_municipal_policy_code(),
    )
    return version


@action
def submit_city_plan(version, *, acting_user) -> CityPlanVersion:
    """BDB submits a draft (or a returned) version to the city government for approval."""
    _require_role(acting_user, Role.BDB_REVIEWER, NOT_FOUND)
    version = _load_city_version(version, acting_user)
    if version.state not in (CityPlanState.DRAFT, CityPlanState.RETURNED):
        raise ActionConflict(f"{version}{version.get_state_display()}，不能报批。")
    ctx = city_plan_context(version, acting_user)
    decision = enforce(evaluate_gate("planning.city_plan.submit", ctx))
    before = version.state
    version.state = CityPlanState.SUBMITTED
    version.submitted_at = timezone.now()
    version.save(update_fields=["state", "submitted_at"])
    record_event(
        ActionCode.CITY_PLAN_SUBMITTED,
        actor=acting_user,
        obj=version,
        from_state=before,
        to_state=version.state,
        reason="报市政府批准（第六条）",
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
    )
    notify(
        users_with_roles(Role.GOV_APPROVER),
        title=f"待审批：{version}",
        body="市大数据发展局报请批准市级政务信息化建设规划（第六条）。",
        link=_city_plan_link(version.plan_id),
    )
    return version


@action
def approve_city_plan(version, *, acting_user, opinion="") -> CityPlanVersion:
    """The city government approves; the version becomes the one current version and the
    previously approved one is superseded."""
    _require_role(acting_user, Role.GOV_APPROVER, NOT_FOUND)
    version = _load_city_version(version, acting_user)
    if version.state != CityPlanState.SUBMITTED:
        raise ActionConflict(f"{version}{version.get_state_display()}，不在待审批状态。")
    ctx = city_plan_context(version, acting_user)
    decision = enforce(evaluate_gate("planning.city_plan.approve", ctx))
    now = timezone.now()
    previous = (
        CityPlanVersion.objects.select_for_update()
        .filter(plan_id=version.plan_id, is_current=True)
        .first()
    )
    if previous is not None:
        previous.is_current = False
        previous.state = CityPlanState.SUPERSEDED
        previous.save(update_fields=["is_current", "state"])
    version.state = CityPlanState.APPROVED
    version.is_current = True
    version.decided_at = now
    version.decided_by = acting_user
    version.decision_opinion = (opinion or "").strip()
    version.save(
        update_fields=["state", "is_current", "decided_at", "decided_by", "decision_opinion"]
    )
    record_event(
        ActionCode.CITY_PLAN_APPROVED,
        actor=acting_user,
        obj=version,
        from_state=CityPlanState.SUBMITTED,
        to_state=version.state,
        reason=version.decision_opinion or "市政府批准（第六条）",
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
        data={"superseded_version": previous.number if previous else None},
    )
    notify(
        users_with_roles(Role.BDB_REVIEWER),
        title=f"已批准：{version}",
        body=version.decision_opinion,
        link=_city_plan_link(version.plan_id),
    )
    return version


@action
def return_city_plan(version, *, acting_user, opinion) -> CityPlanVersion:
    """The city government returns a submitted version to BDB with its opinion."""
    _require_role(acting_user, Role.GOV_APPROVER, NOT_FOUND)
    opinion = (opinion or "").strip()
    if not opinion:
        raise ActionInvalid("退回须写明意见。", {"opinion": "请填写退回意见，说明需要修改的内容。"})
    version = _load_city_version(version, acting_user)
    if version.state != CityPlanState.SUBMITTED:
        raise ActionConflict(f"{version}{version.get_state_display()}，不在待审批状态。")
    version.state = CityPlanState.RETURNED
    version.decided_at = timezone.now()
    version.decided_by = acting_user
    version.decision_opinion = opinion
    version.save(update_fields=["state", "decided_at", "decided_by", "decision_opinion"])
    record_event(
        ActionCode.CITY_PLAN_RETURNED,
        actor=acting_user,
        obj=version,
        from_state=CityPlanState.SUBMITTED,
        to_state=version.state,
        reason=opinion,
        policy_version=_municipal_policy_code(),
    )
    notify(
        users_with_roles(Role.BDB_REVIEWER),
        title=f"已退回：{version}",
        body=opinion,
        link=_city_plan_link(version.plan_id),
    )
    return version


@action
def reassess_city_plan(
    plan, *, acting_user, reassessment_reason, summary=None, data_orientation=None
) -> CityPlanVersion:
    """Art. 6: when the plan's implementation is affected by major changes, BDB organises a
    re-assessment and proposes adjustments: a new draft version, to be approved again. The
    approved version stays current until then."""
    _require_role(acting_user, Role.BDB_REVIEWER, NOT_FOUND)
    plan = _load(CityPlan, acting_user, plan)
    current = plan.current_version()
    if current is None:
        raise ActionConflict("规划尚无经市政府批准的现行版本，请直接修改草稿并报批。")
    if plan.open_version() is not None:
        raise ActionConflict("已有未完成审批的版本，请先处理该版本。")
    reason = (reassessment_reason or "").strip()
    if not reason:
        raise ActionInvalid(
            "请填写评估论证情况。",
            {"reassessment_reason": "请填写评估论证情况及调整理由（第六条）。"},
        )
    last = plan.versions.order_by("-number").first()
    version = CityPlanVersion.objects.create(
        plan=plan,
        number=last.number + 1,
        kind=CityPlanVersionKind.ADJUSTMENT,
        summary=(summary if summary is not None else current.summary).strip(),
        data_orientation=(
            data_orientation if data_orientation is not None else current.data_orientation
        ).strip(),
        reassessment_reason=reason,
        drafted_by=acting_user,
    )
    record_event(
        ActionCode.CITY_PLAN_REASSESSED,
        actor=acting_user,
        obj=version,
        to_state=version.state,
        reason=reason,
        policy_version=_municipal_policy_code(),
        data={"current_version": current.number},
    )
    return version


# -- master plan (R6.2, R6.3) -------------------------------------------------------------


def _plan_link(plan_id) -> str:
    return reverse("planning:master_plan_detail", args=[plan_id])


def _load_plan(plan, user) -> MasterPlan:
    plan = _load(MasterPlan, user, plan)
    _require_unit_staff(user, plan.unit_id)
    return plan


def _revision_fields(fields: dict, errors: dict) -> dict:
    clean = {}
    if "start_year" in fields or "end_year" in fields:
        clean["start_year"], clean["end_year"] = _period(
            fields.get("start_year"), fields.get("end_year"), errors
        )
    if "data_plan" in fields:
        clean["data_plan"] = (fields["data_plan"] or "").strip()
    if "collective_review_ref" in fields:
        clean["collective_review_ref"] = _text(
            fields["collective_review_ref"],
            "collective_review_ref",
            "集体审议纪要文号",
            errors,
            required=False,
            max_length=100,
        )
    if "collective_review_date" in fields:
        clean["collective_review_date"] = _past_date(
            fields["collective_review_date"], "collective_review_date", "集体审议日期", errors
        )
    if "change_note" in fields:
        clean["change_note"] = (fields["change_note"] or "").strip()
    return clean


def _record_plan_event(code, *, actor, revision, reason="", from_state="", to_state="", **extra):
    return record_event(
        code,
        actor=actor,
        obj=revision,
        organisation=revision.unit_id,
        from_state=from_state,
        to_state=to_state or revision.state,
        reason=reason,
        policy_version=extra.pop("policy_version", None) or policy_in_force(revision.unit).code,
        **extra,
    )


@action
def create_master_plan(
    *,
    acting_user,
    unit,
    title,
    start_year,
    end_year,
    data_plan="",
    collective_review_date=None,
    collective_review_ref="",
) -> MasterPlan:
    """A unit drafts its 整合建设总体方案 (Art. 6 ¶2); revision 1 starts as a draft."""
    unit_id = _pk(unit)
    _require_unit_staff(acting_user, unit_id)
    unit = Organisation.objects.get(pk=unit_id, kind=OrgKind.UNIT)
    errors: dict = {}
    title = _text(title, "title", "方案名称", errors, max_length=200)
    fields = _revision_fields(
        {
            "start_year": start_year,
            "end_year": end_year,
            "data_plan": data_plan,
            "collective_review_date": collective_review_date,
            "collective_review_ref": collective_review_ref,
        },
        errors,
    )
    _raise_if(errors)
    plan = MasterPlan.objects.create(unit=unit, title=title, created_by=acting_user)
    revision = MasterPlanRevision.objects.create(
        plan=plan, unit=unit, number=1, created_by=acting_user, **fields
    )
    _record_plan_event(
        ActionCode.MASTER_PLAN_CREATED,
        actor=acting_user,
        revision=revision,
        reason=f"编制《{title}》（{revision.period_label}）",
    )
    return plan


def _editable_revision(plan: MasterPlan, user, reason: str) -> MasterPlanRevision:
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
            MasterPlanItem(
                revision=draft,
                key=item.key,
                seq=item.seq,
                name=item.name,
                kind=item.kind,
                status=item.status,
                planned_year=item.planned_year,
                is_data_governance=item.is_data_governance,
                description=item.description,
            )
            for item in base.items.all()
        ]
    )
    _record_plan_event(
        ActionCode.MASTER_PLAN_REVISION_CREATED,
        actor=user,
        revision=draft,
        reason=f"在第{base.number}版（{base.get_state_display()}）基础上修订：{reason}",
        data={"based_on": base.number},
    )
    return draft


@action
def update_master_plan(plan, *, acting_user, title=None, **fields) -> MasterPlanRevision:
    """Change the period, data plan or collective review of the plan's draft revision (a new
    draft revision when the latest one is filed)."""
    plan = _load_plan(plan, acting_user)
    errors: dict = {}
    unknown = set(fields) - {
        "start_year",
        "end_year",
        "data_plan",
        "collective_review_date",
        "collective_review_ref",
        "change_note",
    }
    if unknown:
        raise ActionInvalid(f"不能修改的字段：{', '.join(sorted(unknown))}")
    clean = _revision_fields(fields, errors)
    if title is not None:
        title = _text(title, "title", "方案名称", errors, max_length=200)
    _raise_if(errors)
    revision = _editable_revision(plan, acting_user, "修改方案基本信息")
    for name, value in clean.items():
        setattr(revision, name, value)
    revision.save(update_fields=list(clean) or None)
    if title is not None and title != plan.title:
        plan.title = title
        plan.save(update_fields=["title"])
    _record_plan_event(
        ActionCode.MASTER_PLAN_UPDATED,
        actor=acting_user,
        revision=revision,
        reason="修改方案基本信息",
        data={k: v for k, v in clean.items()},
    )
    return revision


def _item_fields(fields: dict, revision: MasterPlanRevision, errors: dict, *, partial=False):
    clean = {}
    if "name" in fields or not partial:
        clean["name"] = _text(fields.get("name"), "name", "项目名称", errors, max_length=200)
    if "kind" in fields or not partial:
        if fields.get("kind") not in ItemKind.values:
            errors["kind"] = "请选择项目类型（新建、改扩建、续建或运维）。"
        clean["kind"] = fields.get("kind")
    if "status" in fields or not partial:
        if fields.get("status") not in ItemStatus.values:
            errors["status"] = "请选择项目状态（在建、计划或运维）。"
        clean["status"] = fields.get("status")
    if "planned_year" in fields or not partial:
        year = _year(fields.get("planned_year"), "planned_year", "申报年度", errors)
        if year and not revision.start_year <= year <= revision.end_year:
            errors["planned_year"] = (
                f"申报年度须在方案期限 {revision.start_year}—{revision.end_year} 年内。"
            )
        clean["planned_year"] = year
    if fields.get("seq") not in (None, ""):
        try:
            seq = int(fields["seq"])
            if seq < 1:
                raise ValueError
            clean["seq"] = seq
        except (TypeError, ValueError):
            errors["seq"] = "建设时序号须为正整数。"
    if "is_data_governance" in fields:
        clean["is_data_governance"] = bool(fields["is_data_governance"])
    if "description" in fields:
        clean["description"] = (fields["description"] or "").strip()
    return clean


def _check_item_unique(revision, clean, errors, exclude_pk=None):
    others = revision.items.exclude(pk=exclude_pk)
    if "seq" in clean and others.filter(seq=clean["seq"]).exists():
        errors["seq"] = f"时序号 {clean['seq']} 已被本方案的其他项目使用。"
    if clean.get("name") and others.filter(name=clean["name"]).exists():
        errors["name"] = "本方案已有同名项目。"


@action
def add_master_plan_item(plan, *, acting_user, **fields) -> MasterPlanItem:
    """Add a project to the plan (R6.3: to a new draft revision when the plan is filed)."""
    plan = _load_plan(plan, acting_user)
    revision = _editable_revision(
        plan, acting_user, f"增加项目“{(fields.get('name') or '').strip()}”"
    )
    errors: dict = {}
    clean = _item_fields(fields, revision, errors)
    if "seq" not in clean and not errors.get("seq"):
        last = revision.items.order_by("-seq").values_list("seq", flat=True).first()
        clean["seq"] = (last or 0) + 1
    _check_item_unique(revision, clean, errors)
    _raise_if(errors, "项目信息有误，请按提示修改。")
    try:
        item = MasterPlanItem.objects.create(revision=revision, **clean)
    except IntegrityError as exc:  # a concurrent edit took the same number or name
        raise ActionConflict("该时序号或项目名称刚被占用，请刷新后重试。") from exc
    _record_plan_event(
        ActionCode.MASTER_PLAN_ITEM_ADDED,
        actor=acting_user,
        revision=revision,
        reason=f"增加项目“{item.name}”",
        data={"key": str(item.key), **item.content()},
    )
    return item


def _item_in_draft(item_id, user):
    """Load an item the user may edit and its plan (locked). The caller applies the change to
    the plan's draft revision, never to a filed one."""
    item = _load(MasterPlanItem, user, item_id, lock=False)
    revision = MasterPlanRevision.objects.get(pk=item.revision_id)
    plan = _load_plan(revision.plan_id, user)
    return plan, item


@action
def change_master_plan_item(item, *, acting_user, **fields) -> MasterPlanItem:
    """Change a project of the plan; on a filed plan this creates a new draft revision that
    must be filed again (R6.3), and the filed revision stays current until then."""
    plan, original = _item_in_draft(item, acting_user)
    revision = _editable_revision(plan, acting_user, f"调整项目“{original.name}”")
    target = revision.items.select_for_update().filter(key=original.key).first()
    if target is None:
        raise ActionConflict(f"项目“{original.name}”已从第{revision.number}版修订稿中删减。")
    errors: dict = {}
    clean = _item_fields(fields, revision, errors, partial=True)
    _check_item_unique(revision, clean, errors, exclude_pk=target.pk)
    _raise_if(errors, "项目信息有误，请按提示修改。")
    before = target.content()
    for name, value in clean.items():
        setattr(target, name, value)
    try:
        target.save()
    except IntegrityError as exc:
        raise ActionConflict("该时序号或项目名称刚被占用，请刷新后重试。") from exc
    after = target.content()
    _record_plan_event(
        ActionCode.MASTER_PLAN_ITEM_CHANGED,
        actor=acting_user,
        revision=revision,
        reason=f"调整项目“{target.name}”",
        data={
            "key": str(target.key),
            "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
        },
    )
    return target


@action
def remove_master_plan_item(item, *, acting_user) -> MasterPlanRevision:
    """Remove a project from the plan (on a filed plan: from a new draft revision, R6.3)."""
    plan, original = _item_in_draft(item, acting_user)
    revision = _editable_revision(plan, acting_user, f"删减项目“{original.name}”")
    target = revision.items.filter(key=original.key).first()
    if target is None:
        raise ActionConflict(f"项目“{original.name}”已从第{revision.number}版修订稿中删减。")
    content = target.content()
    target.delete()
    _record_plan_event(
        ActionCode.MASTER_PLAN_ITEM_REMOVED,
        actor=acting_user,
        revision=revision,
        reason=f"删减项目“{content['name']}”",
        data={"key": str(original.key), **content},
    )
    return revision


def _filing_authorities():
    return list(
        Organisation.objects.filter(
            kind=OrgKind.AUTHORITY, authority__in=list(FILING_AUTHORITIES), is_active=True
        ).order_by("name")
    )


@action
def file_master_plan(plan, *, acting_user) -> MasterPlanRevision:
    """File (报备) the plan's draft revision with BDB, DRC and 市委网信办 after the unit's
    collective review (Art. 6 ¶2). The filed revision becomes the unit's current one and is
    immutable; the previously filed revision is superseded."""
    plan = _load_plan(plan, acting_user)
    revision = (
        MasterPlanRevision.objects.select_for_update()
        .filter(plan=plan, state=RevisionState.DRAFT)
        .first()
    )
    if revision is None:
        raise ActionConflict("该方案没有待报备的修订稿：现行版本已报备。")
    ctx = filing_context(revision, acting_user)
    decision = enforce(evaluate_gate("planning.master_plan.file", ctx, organisation=plan.unit))
    now = timezone.now()
    previous = (
        MasterPlanRevision.objects.select_for_update()
        .filter(unit_id=plan.unit_id, is_current_filed=True)
        .first()
    )
    if previous is not None:
        previous.state = RevisionState.SUPERSEDED
        previous.is_current_filed = False
        previous.superseded_at = now
        previous.save(update_fields=["state", "is_current_filed", "superseded_at"])
    revision.state = RevisionState.FILED
    revision.is_current_filed = True
    revision.filed_at = now
    revision.filed_by = acting_user
    revision.save(update_fields=["state", "is_current_filed", "filed_at", "filed_by"])
    authorities = _filing_authorities()
    MasterPlanFiling.objects.bulk_create(
        [MasterPlanFiling(revision=revision, authority=org, filed_at=now) for org in authorities]
    )
    _record_plan_event(
        ActionCode.MASTER_PLAN_FILED,
        actor=acting_user,
        revision=revision,
        from_state=RevisionState.DRAFT,
        to_state=RevisionState.FILED,
        reason=(
            f"经 {revision.collective_review_date:%Y-%m-%d} 集体审议，向"
            + "、".join(o.display_name for o in authorities)
            + "报备（第六条）"
        ),
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
        data={
            "revision": revision.number,
            "superseded_revision": previous.number if previous else None,
            "superseded_revision_id": previous.pk if previous else None,
            "authorities": [o.name for o in authorities],
        },
    )
    recipients = users_with_roles(
        *FILING_AUTHORITIES.values(), authorities=list(FILING_AUTHORITIES)
    )
    notify(
        recipients,
        title=f"总体方案报备：{plan.unit.display_name}《{plan.title}》第{revision.number}版",
        body=f"{plan.unit.name} 报备整合建设总体方案（{revision.period_label}），请查收（第六条）。",
        link=_plan_link(plan.pk),
    )
    return revision


@action
def confirm_master_plan_filing(filing, *, acting_user) -> MasterPlanFiling:
    """An authority (BDB, DRC, 市委网信办) confirms it received a filing."""
    filing = _load(MasterPlanFiling, acting_user, filing)
    authority = Organisation.objects.get(pk=filing.authority_id)
    role = FILING_AUTHORITIES.get(authority.authority)
    member = any(
        m.organisation_id == authority.pk and m.role == role
        for m in acting_user.active_memberships()
    )
    if not member:
        raise ActionForbidden(NOT_FOUND)
    if filing.received_at is not None:
        raise ActionConflict("已确认收到该报备。")
    filing.received_at = timezone.now()
    filing.received_by = acting_user
    filing.save(update_fields=["received_at", "received_by"])
    revision = MasterPlanRevision.objects.get(pk=filing.revision_id)
    _record_plan_event(
        ActionCode.MASTER_PLAN_FILING_RECEIVED,
        actor=acting_user,
        revision=revision,
        from_state="filed",
        to_state="received",
        reason=f"{authority.display_name}确认收到报备",
    )
    notify(
        _unit_staff(revision.unit_id),
        title=f"{authority.display_name}已收到总体方案报备（第{revision.number}版）",
        link=_plan_link(revision.plan_id),
    )
    return filing


# -- data governance (R7.1) ---------------------------------------------------------------


@action
def record_data_governance(
    *, acting_user, unit, standards_set_on=None, data_aggregated=False, governance_summary=""
) -> DataGovernanceRecord:
    """A unit records that its data standards are set and its existing data aggregated and
    governed (Art. 7). Construction projects are blocked until the record is complete."""
    unit_id = _pk(unit)
    _require_unit_staff(acting_user, unit_id)
    errors: dict = {}
    standards_set_on = _past_date(
        standards_set_on, "standards_set_on", "数据标准制定完成日期", errors
    )
    summary = _text(
        governance_summary, "governance_summary", "数据汇聚治理情况", errors, required=False
    )
    if data_aggregated and not summary:
        errors["governance_summary"] = "已完成汇聚治理的，请说明汇聚治理的数据范围和成果。"
    _raise_if(errors)
    record = DataGovernanceRecord.objects.create(
        unit_id=unit_id,
        standards_set_on=standards_set_on or None,
        data_aggregated=bool(data_aggregated),
        governance_summary=summary,
        recorded_by=acting_user,
    )
    record_event(
        ActionCode.DATA_GOVERNANCE_RECORDED,
        actor=acting_user,
        obj=record,
        organisation=unit_id,
        to_state="complete" if record.is_complete else "incomplete",
        reason="登记数据标准制定和已有数据汇聚治理情况（第七条）",
        policy_version=policy_in_force(record.unit).code,
        data={
            "standards_set_on": record.standards_set_on,
            "data_aggregated": record.data_aggregated,
        },
    )
    return record
