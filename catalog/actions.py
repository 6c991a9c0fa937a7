"""Every change of state of the catalog chapter (Art. 14, 15, 31-33)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from accounts.models import Organisation
from accounts.recipients import is_unit_staff, reviewers_of, unit_ids_of, unit_staff
from accounts.roles import Authority, OrgKind, Role
from accounts.scoping import for_user
from core.actions import action
from core.dates import today
from core.enums import ActionCode
from core.errors import ActionConflict, ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.notify import notify
from core.validate import choice, pk_of, raise_if, text
from core.validate import past_date as valid_past_date
from core.validate import year as valid_year
from policy.lookup import policy_in_force

from . import eligibility
from .models import (
    AssessmentResult,
    DataResource,
    DataType,
    DeliveryMode,
    InformationItem,
    InformationSystem,
    IntegrationStatus,
    Network,
    OpenScope,
    OpenType,
    ResourceAttribute,
    ResourceFormat,
    ShareMethod,
    ShareType,
    SharingFeedback,
    SharingRequest,
    SharingState,
    SystemCategory,
    SystemStatus,
    UpdateCycle,
)

NOT_FOUND = "未找到该对象，或您无权访问。"
RESOURCE_CODE = re.compile(r"^[0-9A-Za-z.\-]+/\d{1,8}$")


def item_key(name: str, data_type: str) -> str:
    """Normalised name + data type: full-width/half-width, spaces and case do not matter."""
    import unicodedata

    norm = unicodedata.normalize("NFKC", name or "")
    norm = re.sub(r"[\s_\-·（）()]+", "", norm).lower()
    return f"{norm}|{data_type}"


# -- master catalog (R15.1) ------------------------------------------------------------------

SYSTEM_TEXT = {
    "name": ("系统名称", True, 200),
    "hosting_justification": ("未部署在数字重庆云的理由", False, None),
    "mlps_filing_number": ("等保备案编号", False, 60),
    "hazard_note": ("安全隐患说明", False, None),
    "isolation_reason": ("不能共享的法律法规依据", False, None),
    "replaceable_by": ("可被替代的系统", False, 200),
}
SYSTEM_CHOICES = {
    "category": ("系统类别", SystemCategory.choices, True),
    "delivery_mode": ("建设方式", DeliveryMode.choices, False),
    "status": ("运行状态", SystemStatus.choices, False),
    "network": ("部署网络", Network.choices, False),
    "hosting": ("部署方式", [("cq_cloud", "数字重庆云"), ("other", "其他")], False),
    "mlps_result": ("等保测评结论", AssessmentResult.choices, False),
    "crypto_result": ("密评结论", AssessmentResult.choices, False),
    "integration_status": ("整合状态", IntegrationStatus.choices, False),
}
SYSTEM_DATES = {
    "mlps_filing_date": "等保备案日期",
    "mlps_evaluated_on": "最近等保测评日期",
    "crypto_assessed_on": "最近密评日期",
    "last_maintained_on": "最近运维日期",
}
SYSTEM_INTS = {
    "mlps_level": ("等保级别", 1, 5),
    "users_count": ("用户数", 0, 10**9),
    "monthly_visits": ("月访问量", 0, 10**10),
}
SYSTEM_BOOLS = ("major_hazard", "detached_from_business")


def clean_system_fields(fields: dict, errors: dict, *, partial: bool) -> dict:
    """Validate master-catalog fields (shared by forms, API and xlsx import)."""
    clean: dict = {}
    for key, (label, required, max_length) in SYSTEM_TEXT.items():
        if not partial or key in fields:
            clean[key] = text(
                fields.get(key), key, label, errors, required=required, max_length=max_length
            )
    for key, (label, choices, required) in SYSTEM_CHOICES.items():
        if not partial or key in fields:
            value = choice(fields.get(key) or "", key, label, choices, errors, required=required)
            if value or key in ("mlps_result", "crypto_result"):
                clean[key] = value
    for key, label in SYSTEM_DATES.items():
        if not partial or key in fields:
            clean[key] = valid_past_date(fields.get(key) or None, key, label, errors)
    for key, (label, low, high) in SYSTEM_INTS.items():
        if not partial or key in fields:
            value = fields.get(key)
            if value in (None, ""):
                clean[key] = None
                continue
            try:
                number = int(value)
                if not low <= number <= high:
                    raise ValueError
                clean[key] = number
            except (TypeError, ValueError):
                errors[key] = f"{label}应为 {low}—{high} 的整数。"
    for key in SYSTEM_BOOLS:
        if not partial or key in fields:
            value = fields.get(key)
            clean[key] = value in (True, "1", "true", "on", "是", 1)
    # setdefault: a date that failed its own check keeps that message, not "须填写"
    if (
        clean.get("hosting") == "other"
        and "hosting_justification" in clean
        and not clean["hosting_justification"]
    ):
        errors.setdefault("hosting_justification", "未部署在数字重庆云的，须说明理由（第二十条）。")
    if clean.get("major_hazard") and "hazard_note" in clean and not clean["hazard_note"]:
        errors.setdefault("hazard_note", "存在重大安全隐患的，请说明隐患情况。")
    if clean.get("mlps_result") and not clean.get("mlps_evaluated_on") and not partial:
        errors.setdefault("mlps_evaluated_on", "登记等保测评结论时须填写测评日期。")
    if clean.get("crypto_result") and not clean.get("crypto_assessed_on") and not partial:
        errors.setdefault("crypto_assessed_on", "登记密评结论时须填写评估日期。")
    return clean


def _load_system(system, user) -> InformationSystem:
    obj = for_user(InformationSystem, user).select_for_update().filter(pk=pk_of(system)).first()
    if obj is None:
        raise ActionForbidden(NOT_FOUND)
    return obj


def _may_edit_system(user, system) -> bool:
    return is_unit_staff(user, system.unit_id) or user.has_role(Role.BDB_REVIEWER)


@action
def register_system(*, acting_user, unit, code, **fields) -> InformationSystem:
    """A unit registers a system in the master catalog (BDB then curates it)."""
    org = Organisation.objects.filter(pk=pk_of(unit), kind=OrgKind.UNIT).first()
    if org is None or not (
        org.pk in unit_ids_of(acting_user) or acting_user.has_role(Role.BDB_REVIEWER)
    ):
        raise ActionForbidden("只能为本单位登记系统。")
    errors: dict = {}
    code = text(code, "code", "系统编码", errors, max_length=40)
    if code and InformationSystem.objects.filter(code=code).exists():
        errors["code"] = f"系统编码 {code} 已存在。"
    clean = clean_system_fields(fields, errors, partial=False)
    check_integration_change(acting_user, IntegrationStatus.NOT_NEEDED, clean, errors)
    raise_if(errors)
    system = InformationSystem.objects.create(unit=org, code=code, **clean)
    record_event(
        ActionCode.SYSTEM_REGISTERED,
        actor=acting_user,
        obj=system,
        organisation=org.pk,
        reason=f"登记政务信息系统 {code}（第十五条）",
    )
    return system


# Fields that need a partner once set: (field, value that needs it or None for "any", partner,
# message). Checked on the values the entry will have after the update, so a partial update
# cannot leave an entry that a full form would refuse.
PAIRS = (
    ("hosting", "other", "hosting_justification", "未部署在数字重庆云的，须说明理由（第二十条）。"),
    ("major_hazard", True, "hazard_note", "存在重大安全隐患的，请说明隐患情况。"),
    ("mlps_result", None, "mlps_evaluated_on", "登记等保测评结论时须填写测评日期。"),
    ("crypto_result", None, "crypto_assessed_on", "登记密评结论时须填写评估日期。"),
)


def check_pairs(system, clean, errors) -> None:
    for field, needs, partner, message in PAIRS:
        value = clean.get(field, getattr(system, field))
        other = clean.get(partner, getattr(system, partner))
        triggered = bool(value) if needs is None else value == needs
        if triggered and not (other.strip() if isinstance(other, str) else other):
            errors.setdefault(partner, message)


INTEGRATION_BY_BDB = (
    "“应整合未整合”由市大数据发展局认定和解除；如系统已整合或无需整合，请联系市大数据发展局"
    "核实后更改（第三十三条）。"
)


def check_integration_change(acting_user, before: str, clean: dict, errors: dict) -> None:
    """Only BDB marks a system as one that should have been integrated, or clears the mark:
    otherwise a unit could lift its own R33.1 block (Art. 33)."""
    after = clean.get("integration_status", before)
    changes_pending = (before == IntegrationStatus.PENDING) != (after == IntegrationStatus.PENDING)
    if changes_pending and not acting_user.has_role(Role.BDB_REVIEWER):
        errors["integration_status"] = INTEGRATION_BY_BDB


def apply_system_fields(system, clean: dict) -> dict:
    """Set the validated fields on ``system`` (not saved); returns {field: [old, new]} of what
    changed. An Art. 31 approval covers the isolated network it was given for: a system that
    becomes isolated (again) needs BDB's review and the city government's approval anew."""
    changed = {
        k: [str(getattr(system, k)), str(v)] for k, v in clean.items() if getattr(system, k) != v
    }
    for key, value in clean.items():
        setattr(system, key, value)
    if "network" in changed and system.network == Network.ISOLATED:
        system.isolation_bdb_reviewed_on = None
        system.isolation_gov_approved_on = None
    return changed


@action
def update_system(system, *, acting_user, **fields) -> InformationSystem:
    """The owning unit (or BDB curating) updates a catalog entry; changed fields are recorded."""
    system = _load_system(system, acting_user)
    if not _may_edit_system(acting_user, system):
        raise ActionForbidden("只有所属单位或市大数据发展局可以修改目录信息。")
    errors: dict = {}
    clean = clean_system_fields(fields, errors, partial=True)
    check_pairs(system, clean, errors)
    check_integration_change(acting_user, system.integration_status, clean, errors)
    raise_if(errors)
    changed = apply_system_fields(system, clean)
    if not changed:
        return system
    system.save()
    record_event(
        ActionCode.SYSTEM_UPDATED,
        actor=acting_user,
        obj=system,
        organisation=system.unit_id,
        reason="修改："
        + "、".join(str(InformationSystem._meta.get_field(k).verbose_name) for k in changed),
        data={"changed": changed},
    )
    return system


@action
def curate_system(system, *, acting_user, catalogued=True, note="") -> InformationSystem:
    """BDB includes a system in (or removes it from) the master catalog."""
    if not acting_user.has_role(Role.BDB_REVIEWER):
        raise ActionForbidden("只有市大数据发展局可以审核纳入总目录。")
    system = _load_system(system, acting_user)
    system.catalogued = bool(catalogued)
    system.curated_by = acting_user
    system.curated_at = timezone.now()
    system.save()
    record_event(
        ActionCode.SYSTEM_CURATED,
        actor=acting_user,
        obj=system,
        organisation=system.unit_id,
        to_state="catalogued" if catalogued else "excluded",
        reason=("纳入总目录" if catalogued else "移出总目录") + (f"：{note}" if note else ""),
    )
    return system


def sync_system_for_project(project, acting_user, *, passed=True) -> InformationSystem:
    """Create or update the catalog entry of a project's system when its acceptance is decided
    (R15.1): called inside the acceptance action's transaction. A passed acceptance puts the
    system into operation; a failed one records a new system as in trial run and leaves an
    existing one (the predecessor of an expansion) as it was."""
    system = InformationSystem.objects.filter(projects=project).first()
    if system is None and project.predecessor_id:
        system = InformationSystem.objects.filter(projects=project.predecessor_id).first()
    created = system is None
    if created:
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


@action
def review_isolation(system, *, acting_user, approve_on=None) -> InformationSystem:
    """Art. 31: BDB's initial review, then the city government's approval, of an isolated
    system. The step is decided by the actor's role."""
    system = _load_system(system, acting_user)
    if system.network != Network.ISOLATED:
        raise ActionConflict("该系统未登记为孤网，无需审批。")
    errors: dict = {}
    on = valid_past_date(approve_on or today(), "approve_on", "日期", errors)
    raise_if(errors)
    if acting_user.has_role(Role.BDB_REVIEWER) and system.isolation_bdb_reviewed_on is not None:
        if not acting_user.has_role(Role.GOV_APPROVER):
            raise ActionConflict("市大数据发展局已完成初审，等待市政府批准。")
    if acting_user.has_role(Role.BDB_REVIEWER) and system.isolation_bdb_reviewed_on is None:
        if not system.isolation_reason.strip():
            raise ActionInvalid(
                "请所属单位先写明不能共享的法律法规依据。", {"isolation_reason": "必填"}
            )
        system.isolation_bdb_reviewed_on = on
        step = "市大数据发展局初审同意"
    elif acting_user.has_role(Role.GOV_APPROVER) and system.isolation_bdb_reviewed_on is not None:
        system.isolation_gov_approved_on = on
        step = "市政府批准保留孤网"
    else:
        raise ActionForbidden("孤网审批须先由市大数据发展局初审，再报市政府批准。")
    system.save()
    record_event(
        ActionCode.ISOLATION_REVIEWED,
        actor=acting_user,
        obj=system,
        organisation=system.unit_id,
        reason=f"{step}（第三十一条）",
    )
    return system


# -- data resource catalog ---------------------------------------------------------------------


def clean_resource_fields(fields: dict, errors: dict) -> dict:
    """Validate a data resource entry after the compilation guide, with Chinese messages."""
    clean = {
        "classification": choice(
            fields.get("classification"),
            "classification",
            "资源属性",
            ResourceAttribute.choices,
            errors,
        ),
        "class_code": text(
            fields.get("class_code"), "class_code", "分类代码", errors, max_length=30
        ),
        "resource_code": text(
            fields.get("resource_code"), "resource_code", "资源代码", errors, max_length=60
        ),
        "name": text(fields.get("name"), "name", "资源名称", errors, max_length=200),
        "summary": text(fields.get("summary"), "summary", "资源摘要", errors),
        "format": choice(
            fields.get("format"), "format", "资源格式", ResourceFormat.choices, errors
        ),
        "share_type": choice(
            fields.get("share_type"), "share_type", "共享类型", ShareType.choices, errors
        ),
        "share_conditions": text(
            fields.get("share_conditions"), "share_conditions", "共享条件", errors, required=False
        ),
        "share_basis": text(
            fields.get("share_basis"), "share_basis", "不予共享依据", errors, required=False
        ),
        "share_method": choice(
            fields.get("share_method") or "",
            "share_method",
            "共享方式",
            ShareMethod.choices,
            errors,
            required=False,
        ),
        "open_type": choice(
            fields.get("open_type"), "open_type", "开放类型", OpenType.choices, errors
        ),
        "open_scope": choice(
            fields.get("open_scope") or OpenScope.ALL,
            "open_scope",
            "开放范围",
            OpenScope.choices,
            errors,
        ),
        "named_recipients": text(
            fields.get("named_recipients"),
            "named_recipients",
            "特定开放对象",
            errors,
            required=False,
        ),
        "update_cycle": choice(
            fields.get("update_cycle"), "update_cycle", "更新周期", UpdateCycle.choices, errors
        ),
        "related_codes": text(
            fields.get("related_codes"),
            "related_codes",
            "关联资源代码",
            errors,
            required=False,
            max_length=500,
        ),
        "is_authoritative": fields.get("is_authoritative") in (True, "1", "true", "on", "是", 1),
    }
    release = fields.get("release_date")
    clean["release_date"] = None
    if release not in (None, ""):
        try:
            clean["release_date"] = (
                release
                if isinstance(release, dt.date)
                else dt.date.fromisoformat(str(release)[:10])
            )
        except ValueError:
            errors["release_date"] = "发布日期格式应为 2025-03-18。"
    code, klass = clean["resource_code"], clean["class_code"]
    if code and not RESOURCE_CODE.match(code):
        errors["resource_code"] = "资源代码应为“分类代码/顺序号”，如 A01.02/000123。"
    elif code and klass and not code.startswith(klass + "/"):
        errors["resource_code"] = f"资源代码应以分类代码“{klass}/”开头。"
    if clean["share_type"] == ShareType.CONDITIONAL and not clean["share_conditions"]:
        errors["share_conditions"] = "有条件共享的资源须写明共享条件。"
    if clean["share_type"] == ShareType.NONE and not clean["share_basis"]:
        errors["share_basis"] = "不予共享的资源须写明法律法规依据。"
    if (
        clean["share_type"] in (ShareType.UNCONDITIONAL, ShareType.CONDITIONAL)
        and not clean["share_method"]
    ):
        errors["share_method"] = "请选择共享方式。"
    if clean["open_scope"] == OpenScope.NAMED and not clean["named_recipients"]:
        errors["named_recipients"] = "仅向特定对象开放的，请列明对象。"
    return clean


def clean_items(items, errors, systems=None) -> list[tuple[str, str, int | None, int | None]]:
    """(name, data type, length, owning system id) of each item. ``systems`` are the resource's
    providing systems: an item names its own by code (``system_code``); left blank, it is the
    only providing system when there is one (STANDARDS: each item has its owning system)."""
    by_code = {s.code: s.pk for s in systems or []}
    only = next(iter(by_code.values())) if len(by_code) == 1 else None
    clean = []
    for n, row in enumerate(items or [], start=1):
        name = (row.get("name") or "").strip()
        if not name:
            errors[f"items.{n}.name"] = f"第 {n} 个信息项：请填写名称。"
            continue
        dtype = row.get("data_type") or ""
        if dtype not in DataType.values:
            errors[f"items.{n}.data_type"] = (
                f"第 {n} 个信息项“{name}”：数据类型无效，可选：{'、'.join(str(lbl) for _v, lbl in DataType.choices)}。"
            )
            continue
        length = row.get("length")
        try:
            length = int(length) if length not in (None, "") else None
        except (TypeError, ValueError):
            errors[f"items.{n}.length"] = f"第 {n} 个信息项“{name}”：数据长度应为整数。"
            length = None
        code = (row.get("system_code") or "").strip()
        if code and code not in by_code:
            errors[f"items.{n}.system_code"] = (
                f"第 {n} 个信息项“{name}”：所属系统须为该资源的提供系统"
                f"（{'、'.join(by_code) if by_code else '请先选择提供系统'}）。"
            )
        clean.append((name, dtype, length, by_code.get(code) if code else only))
    if not clean and not errors:
        errors["items"] = "请至少填写一个信息项。"
    return clean


AUTHORITATIVE_BY_BDB = (
    "权威数据源由市大数据发展局认定；如需认定或取消，请联系市大数据发展局（第三十一条）。"
)


def check_authoritative_change(acting_user, before: bool, clean: dict, errors: dict) -> None:
    """Only BDB names a resource the authoritative source of its items, or withdraws it: the
    flag decides whose copies are duplicate collection (Art. 31)."""
    after = clean.get("is_authoritative", before)
    if after != before and not acting_user.has_role(Role.BDB_REVIEWER):
        errors["is_authoritative"] = AUTHORITATIVE_BY_BDB


@action
def save_resource(
    *, acting_user, provider, items, systems=None, resource=None, **fields
) -> DataResource:
    """Create or replace a data resource entry of the provider unit with its items.
    ``systems`` (providing systems) is replaced only when given; None keeps them."""
    org = Organisation.objects.filter(pk=pk_of(provider), kind=OrgKind.UNIT).first()
    if org is None or not (
        org.pk in unit_ids_of(acting_user) or acting_user.has_role(Role.BDB_REVIEWER)
    ):
        raise ActionForbidden("只能编制本单位的数据资源目录。")
    errors: dict = {}
    clean = clean_resource_fields(fields, errors)
    existing = None
    if resource is not None:
        existing = (
            DataResource.objects.select_for_update()
            .filter(pk=pk_of(resource), provider=org)
            .first()
        )
        if existing is None:
            raise ActionForbidden(NOT_FOUND)
    providing = (
        list(InformationSystem.objects.filter(pk__in=[pk_of(s) for s in systems], unit=org))
        if systems is not None
        else list(existing.systems.all())
        if existing is not None
        else []
    )
    rows = clean_items(items, errors, providing)
    if (
        clean.get("resource_code")
        and DataResource.objects.filter(resource_code=clean["resource_code"])
        .exclude(pk=getattr(existing, "pk", None))
        .exists()
    ):
        errors["resource_code"] = f"资源代码 {clean['resource_code']} 已存在。"
    check_authoritative_change(
        acting_user, existing.is_authoritative if existing else False, clean, errors
    )
    system_ids = [pk_of(s) for s in systems or []]
    if (
        system_ids
        and InformationSystem.objects.filter(pk__in=system_ids).exclude(unit=org).exists()
    ):
        errors["systems"] = "提供系统须为资源提供方单位的系统。"
    raise_if(errors)
    if existing is None:
        res = DataResource.objects.create(provider=org, **clean)
    else:
        for key, value in clean.items():
            setattr(existing, key, value)
        existing.save()
        existing.items.all().delete()
        res = existing
    InformationItem.objects.bulk_create(
        [
            InformationItem(
                resource=res, name=n, data_type=t, length=ln, system_id=sid, key=item_key(n, t)
            )
            for n, t, ln, sid in rows
        ]
    )
    if systems is not None:
        res.systems.set(system_ids)
    record_event(
        ActionCode.RESOURCE_SAVED,
        actor=acting_user,
        obj=res,
        organisation=org.pk,
        reason=f"{'新增' if existing is None else '修改'}数据资源 {res.resource_code}，{len(rows)} 个信息项",
    )
    return res


# -- data sharing (Art. 14) --------------------------------------------------------------------


@action
def request_sharing(*, acting_user, resource, requester, purpose) -> SharingRequest:
    org = Organisation.objects.filter(pk=pk_of(requester), kind=OrgKind.UNIT).first()
    if org is None or org.pk not in unit_ids_of(acting_user):
        raise ActionForbidden("只能以本单位名义申请共享。")
    res = DataResource.objects.filter(pk=pk_of(resource)).first()
    if res is None:
        raise ActionForbidden(NOT_FOUND)
    if res.provider_id == org.pk:
        raise ActionConflict("不能申请本单位自己的数据资源。")
    if res.share_type == ShareType.NONE:
        raise ActionConflict(f"该资源为不予共享（依据：{res.share_basis}），不能申请。")
    errors: dict = {}
    purpose = text(purpose, "purpose", "用途", errors)
    raise_if(errors)
    days = int(policy_in_force(res.provider).param("sharing_response_days"))
    on = today()
    req = SharingRequest.objects.create(
        resource=res,
        requester=org,
        purpose=purpose,
        requested_on=on,
        due_on=on + dt.timedelta(days=days),
        requested_by=acting_user,
    )
    record_event(
        ActionCode.SHARING_REQUESTED,
        actor=acting_user,
        obj=req,
        organisation=org.pk,
        reason=f"申请共享 {res.resource_code}，答复期限 {req.due_on:%Y-%m-%d}（{days} 日，第十四条）",
    )
    notify(
        unit_staff(res.provider_id),
        title=f"共享申请待答复：{res.name}（{org.display_name}）",
        body=purpose,
    )
    return req


@action
def answer_sharing(request, *, acting_user, grant, answer) -> SharingRequest:
    req = (
        for_user(SharingRequest, acting_user).select_for_update().filter(pk=pk_of(request)).first()
    )
    if req is None:
        raise ActionForbidden(NOT_FOUND)
    if req.resource.provider_id not in unit_ids_of(acting_user):
        raise ActionForbidden("只有资源提供方可以答复。")
    if req.state != SharingState.PENDING:
        raise ActionConflict("该申请已答复。")
    errors: dict = {}
    answer = text(answer, "answer", "答复意见", errors, required=not grant)
    raise_if(errors)
    req.state = SharingState.GRANTED if grant else SharingState.REFUSED
    req.answer = answer
    req.answered_on = today()
    req.answered_by = acting_user
    req.save()
    late = req.answered_on > req.due_on
    record_event(
        ActionCode.SHARING_ANSWERED,
        actor=acting_user,
        obj=req,
        organisation=req.resource.provider_id,
        from_state=SharingState.PENDING,
        to_state=req.state,
        reason=f"{req.get_state_display()}" + ("（逾期答复）" if late else ""),
    )
    notify(
        unit_staff(req.requester_id),
        title=f"共享申请{req.get_state_display()}：{req.resource.name}",
        body=answer,
    )
    return req


@action
def report_sharing_usage(request, *, acting_user, usage, satisfied=True) -> SharingFeedback:
    req = for_user(SharingRequest, acting_user).filter(pk=pk_of(request)).first()
    if req is None or req.requester_id not in unit_ids_of(acting_user):
        raise ActionForbidden(NOT_FOUND)
    if req.state != SharingState.GRANTED:
        raise ActionConflict("获准共享后才能反馈使用情况。")
    errors: dict = {}
    usage = text(usage, "usage", "使用情况", errors)
    raise_if(errors)
    fb = SharingFeedback.objects.create(
        request=req,
        usage=usage,
        satisfied=bool(satisfied),
        reported_by=acting_user,
        reported_on=today(),
    )
    record_event(
        ActionCode.SHARING_FEEDBACK,
        actor=acting_user,
        obj=req,
        organisation=req.requester_id,
        reason=f"反馈使用情况（{'满足' if satisfied else '不满足'}需要）",
    )
    notify(
        unit_staff(req.resource.provider_id), title=f"共享使用反馈：{req.resource.name}", body=usage
    )
    return fb


# -- O&M funding decisions (Art. 28, 31-33) ------------------------------------------------------


@action
def decide_om_funding(*, acting_user, budget_year, system_ids=None) -> dict:
    """Finance (or BDB) decides O&M eligibility of every system for a budget year; each system
    gets a stored decision with its failed conditions, articles and facts."""
    if not acting_user.has_role(Role.FINANCE_OFFICER, Role.BDB_REVIEWER):
        raise ActionForbidden("只有市财政局或市大数据发展局可以生成运维经费决定。")
    errors: dict = {}
    year = valid_year(budget_year, "budget_year", "预算年度", errors)
    raise_if(errors)
    result = eligibility.decide(year, system_ids=system_ids, decided_by=acting_user)
    record_event(
        ActionCode.OM_DECIDED,
        actor=acting_user,
        object_type="catalog.omrun",
        object_id=result["run"],
        object_repr=f"{year} 年运维经费决定",
        policy_version=result["policy"],
        reason=f"{year} 年运维经费决定：{result['systems']} 个系统，{result['eligible']} 个可安排",
        data=result,
    )
    return result
