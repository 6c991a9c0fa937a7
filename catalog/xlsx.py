"""xlsx import and export of the master catalog and the data resource catalog (openpyxl).

Import rules: every row is validated with the same functions as the forms; a bad row is
rejected with a reason per cell (row number, column header, message) and the good rows are
kept; a row whose code exists updates that entry only when something differs, so importing
the same file twice changes nothing. Each good row is saved in its own savepoint so one bad
row never loses the others; the whole import is one ledger event.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from accounts.models import Organisation
from accounts.recipients import unit_ids_of
from accounts.roles import OrgKind, Role
from core.enums import ActionCode
from core.errors import ActionForbidden, ActionInvalid
from core.ledger import record_event

from .actions import (
    apply_system_fields,
    check_authoritative_change,
    check_integration_change,
    check_pairs,
    clean_items,
    clean_resource_fields,
    clean_system_fields,
    item_key,
)
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
    SystemCategory,
    SystemStatus,
    UpdateCycle,
)

MAX_ROWS = 20000
YES = ("是", "1", "true", "TRUE", "True")
HOSTING = [("cq_cloud", "数字重庆云"), ("other", "其他")]

# (header, field, choices or None)
SYSTEM_COLUMNS = [
    ("系统编码", "code", None),
    ("系统名称", "name", None),
    ("所属单位", "unit", None),
    ("系统类别", "category", SystemCategory.choices),
    ("建设方式", "delivery_mode", DeliveryMode.choices),
    ("运行状态", "status", SystemStatus.choices),
    ("部署网络", "network", Network.choices),
    ("部署方式", "hosting", HOSTING),
    ("未部署在数字重庆云的理由", "hosting_justification", None),
    ("等保级别", "mlps_level", None),
    ("等保备案编号", "mlps_filing_number", None),
    ("等保备案日期", "mlps_filing_date", None),
    ("最近等保测评日期", "mlps_evaluated_on", None),
    ("等保测评结论", "mlps_result", AssessmentResult.choices),
    ("最近密评日期", "crypto_assessed_on", None),
    ("密评结论", "crypto_result", AssessmentResult.choices),
    ("存在重大安全隐患", "major_hazard", None),
    ("安全隐患说明", "hazard_note", None),
    ("整合状态", "integration_status", IntegrationStatus.choices),
    ("用户数", "users_count", None),
    ("月访问量", "monthly_visits", None),
    ("最近运维日期", "last_maintained_on", None),
    ("与业务脱节", "detached_from_business", None),
    ("可被替代的系统", "replaceable_by", None),
    ("不能共享的法律法规依据", "isolation_reason", None),
    # exported for reference, never imported: set by the actions of BDB and the city government
    ("已纳入总目录", "catalogued", None),
    ("孤网大数据局初审日期", "isolation_bdb_reviewed_on", None),
    ("孤网市政府批准日期", "isolation_gov_approved_on", None),
    ("建设或改造项目", "project_codes", None),
]
SYSTEM_READ_ONLY = {
    "catalogued",
    "isolation_bdb_reviewed_on",
    "isolation_gov_approved_on",
    "project_codes",  # linked by acceptance (Art. 15), not typed in
}
RESOURCE_COLUMNS = [
    ("资源代码", "resource_code", None),
    ("分类代码", "class_code", None),
    ("资源属性", "classification", ResourceAttribute.choices),
    ("资源名称", "name", None),
    ("资源提供方", "provider", None),
    ("提供方统一社会信用代码", "provider_credit_code", None),  # exported only
    ("资源摘要", "summary", None),
    ("资源格式", "format", ResourceFormat.choices),
    ("信息项", "items", None),  # 名称:类型[:长度[:所属系统编码]]; 分号分隔
    ("共享类型", "share_type", ShareType.choices),
    ("共享条件", "share_conditions", None),
    ("不予共享依据", "share_basis", None),
    ("共享方式", "share_method", ShareMethod.choices),
    ("开放类型", "open_type", OpenType.choices),
    ("开放范围", "open_scope", OpenScope.choices),
    ("特定开放对象", "named_recipients", None),
    ("更新周期", "update_cycle", UpdateCycle.choices),
    ("发布日期", "release_date", None),
    ("关联资源代码", "related_codes", None),
    ("权威数据源", "is_authoritative", None),
    ("提供系统编码", "systems", None),
]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {row, column, message}

    @property
    def rejected_rows(self) -> int:
        return len({e["row"] for e in self.errors})


def _label_to_value(choices):
    """Label, label without its note in full-width brackets (“孤网” for “孤网（须经…）”), or
    the stored value."""
    short = {str(label).split("（")[0]: value for value, label in choices}
    full = {str(label): value for value, label in choices}
    return short | full | {value: value for value, _ in choices}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read(file, columns) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Rows as (excel row number, {field: text}); header problems as errors."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        raise ActionInvalid(
            "无法读取该文件，请上传 .xlsx 格式的 Excel 文件。", {"file": "文件格式无效"}
        ) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_cell(h) for h in next(rows, ())]
    wanted = {h: f for h, f, _c in columns}
    missing = [h for h, _f, _c in columns[:2] if h not in header]
    if missing:
        raise ActionInvalid(
            f"表头缺少必需的列：{'、'.join(missing)}。请使用导出的模板。", {"file": "表头不符"}
        )
    index = {wanted[h]: i for i, h in enumerate(header) if h in wanted}
    out = []
    for n, row in enumerate(rows, start=2):
        values = {f: _cell(row[i]) if i < len(row) else "" for f, i in index.items()}
        if not any(values.values()):
            continue
        if len(out) >= MAX_ROWS:
            raise ActionInvalid(f"一次最多导入 {MAX_ROWS} 行。", {"file": "行数过多"})
        out.append((n, values))
    wb.close()
    return out, []


def _map_choices(values, columns, errors_out, row, header_of):
    for header, fname, choices in columns:
        if choices and values.get(fname):
            mapping = _label_to_value(choices)
            if values[fname] in mapping:
                values[fname] = mapping[values[fname]]
            else:
                allowed = "、".join(str(lbl) for _v, lbl in choices)
                errors_out.append(
                    {
                        "row": row,
                        "column": header,
                        "message": f"“{values[fname]}”无效，可选：{allowed}",
                    }
                )
                values[fname] = None


def _org_by_name(name, kind=OrgKind.UNIT):
    return (
        Organisation.objects.filter(kind=kind).filter(name=name).first()
        or Organisation.objects.filter(kind=kind, short_name=name).first()
    )


def _allowed_units(user):
    if user.has_role(Role.BDB_REVIEWER) or user.is_superuser:
        return None  # BDB curates every unit's entries
    return unit_ids_of(user)


def _headers(columns):
    return {f: h for h, f, _c in columns}


def import_systems(file, *, acting_user) -> ImportResult:
    """Import master-catalog rows; see the module docstring for the rules."""
    allowed = _allowed_units(acting_user)
    if allowed is not None and not allowed:
        raise ActionForbidden("只有项目建设单位或市大数据发展局可以导入系统目录。")
    rows, _ = _read(file, SYSTEM_COLUMNS)
    header_of = _headers(SYSTEM_COLUMNS)
    result = ImportResult()
    for row, values in rows:
        row_errors: list[dict] = []
        _map_choices(values, SYSTEM_COLUMNS, row_errors, row, header_of)
        unit = _org_by_name(values.pop("unit", ""))
        if unit is None:
            row_errors.append(
                {"row": row, "column": "所属单位", "message": "单位不存在，请填写单位全称或简称"}
            )
        elif allowed is not None and unit.pk not in allowed:
            row_errors.append({"row": row, "column": "所属单位", "message": "只能导入本单位的系统"})
        code = values.pop("code", "")
        if not code:
            row_errors.append({"row": row, "column": "系统编码", "message": "请填写系统编码"})
        for key in SYSTEM_READ_ONLY:
            values.pop(key, None)
        existing = InformationSystem.objects.filter(code=code).first() if code else None
        errors: dict = {}
        # an existing entry changes only in the columns the file has (an older template
        # without a column leaves that field alone); a new one needs every required field
        clean = clean_system_fields(
            {k: v for k, v in values.items() if v is not None},
            errors,
            partial=existing is not None,
        )
        if existing is not None:
            check_pairs(existing, clean, errors)
        check_integration_change(
            acting_user,
            existing.integration_status if existing else IntegrationStatus.NOT_NEEDED,
            clean,
            errors,
        )
        row_errors += [
            {"row": row, "column": header_of.get(k.split(".")[0], k), "message": m}
            for k, m in errors.items()
        ]
        if existing is not None and unit is not None and existing.unit_id != unit.pk:
            row_errors.append(
                {"row": row, "column": "系统编码", "message": f"编码 {code} 已属于其他单位"}
            )
        if row_errors:
            result.errors += row_errors
            continue
        with transaction.atomic():
            if existing is None:
                InformationSystem.objects.create(code=code, unit=unit, **clean)
                result.created += 1
            elif apply_system_fields(existing, clean):
                existing.save()
                result.updated += 1
            else:
                result.unchanged += 1
    _record_import(ActionCode.SYSTEMS_IMPORTED, acting_user, "系统目录", result)
    return result


def import_resources(file, *, acting_user) -> ImportResult:
    allowed = _allowed_units(acting_user)
    if allowed is not None and not allowed:
        raise ActionForbidden("只有项目建设单位或市大数据发展局可以导入数据资源目录。")
    rows, _ = _read(file, RESOURCE_COLUMNS)
    header_of = _headers(RESOURCE_COLUMNS)
    result = ImportResult()
    types = _label_to_value(DataType.choices)
    for row, values in rows:
        row_errors: list[dict] = []
        _map_choices(values, RESOURCE_COLUMNS, row_errors, row, header_of)
        provider = _org_by_name(values.pop("provider", ""))
        values.pop("provider_credit_code", None)  # exported for reference
        if provider is None:
            row_errors.append({"row": row, "column": "资源提供方", "message": "单位不存在"})
        elif allowed is not None and provider.pk not in allowed:
            row_errors.append(
                {"row": row, "column": "资源提供方", "message": "只能导入本单位的资源"}
            )
        items = []
        for part in [
            p for p in (values.pop("items", "") or "").replace("；", ";").split(";") if p.strip()
        ]:
            bits = [b.strip() for b in part.replace("：", ":").split(":")]
            items.append(
                {
                    "name": bits[0],
                    "data_type": types.get(bits[1], bits[1]) if len(bits) > 1 else "",
                    "length": bits[2] if len(bits) > 2 else None,
                    "system_code": bits[3] if len(bits) > 3 else "",
                }
            )
        system_codes = [
            c.strip()
            for c in (values.pop("systems", "") or "").replace("，", ",").split(",")
            if c.strip()
        ]
        systems = (
            list(InformationSystem.objects.filter(code__in=system_codes, unit=provider))
            if provider
            else []
        )
        if len(systems) != len(system_codes):
            row_errors.append(
                {
                    "row": row,
                    "column": "提供系统编码",
                    "message": "系统编码不存在或不属于资源提供方",
                }
            )
        errors: dict = {}
        existing = DataResource.objects.filter(resource_code=values.get("resource_code")).first()
        if "is_authoritative" in values:
            values["is_authoritative"] = values["is_authoritative"] in YES
        else:  # a file without the column keeps the entry's flag
            values["is_authoritative"] = bool(existing and existing.is_authoritative)
        clean = clean_resource_fields({k: v for k, v in values.items() if v is not None}, errors)
        check_authoritative_change(
            acting_user, bool(existing and existing.is_authoritative), clean, errors
        )
        rows_items = clean_items(items, errors, systems)
        row_errors += [
            {
                "row": row,
                "column": header_of.get(k.split(".")[0], "信息项" if k.startswith("items") else k),
                "message": m,
            }
            for k, m in errors.items()
        ]
        if existing is not None and provider is not None and existing.provider_id != provider.pk:
            row_errors.append(
                {"row": row, "column": "资源代码", "message": "资源代码已属于其他单位"}
            )
        if row_errors:
            result.errors += row_errors
            continue
        with transaction.atomic():
            new_items = list(rows_items)
            if existing is None:
                res = DataResource.objects.create(provider=provider, **clean)
                _set_items(res, new_items)
                res.systems.set(systems)
                result.created += 1
                continue
            old_items = list(
                existing.items.order_by("id").values_list(
                    "name", "data_type", "length", "system_id"
                )
            )
            same = all(getattr(existing, k) == v for k, v in clean.items())
            same = same and old_items == new_items
            same = same and set(existing.systems.values_list("pk", flat=True)) == {
                s.pk for s in systems
            }
            if same:
                result.unchanged += 1
                continue
            for k, v in clean.items():
                setattr(existing, k, v)
            existing.save()
            existing.items.all().delete()
            _set_items(existing, new_items)
            existing.systems.set(systems)
            result.updated += 1
    _record_import(ActionCode.RESOURCES_IMPORTED, acting_user, "数据资源目录", result)
    return result


def _set_items(resource, items):
    InformationItem.objects.bulk_create(
        [
            InformationItem(
                resource=resource, name=n, data_type=t, length=ln, system_id=sid, key=item_key(n, t)
            )
            for n, t, ln, sid in items
        ]
    )


def _record_import(code, user, what, result: ImportResult):
    record_event(
        code,
        actor=user,
        object_type="catalog.import",
        object_repr=f"导入{what}",
        reason=f"导入{what}：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}，"
        f"拒绝 {result.rejected_rows} 行",
        data={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": result.errors[:200],
        },
    )


# -- export ----------------------------------------------------------------------------------


def _label(choices, value):
    return str(dict(choices).get(value, value or ""))


def _book(columns, rows) -> bytes:
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.append([h for h, _f, _c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append(row)
    for i, (header, _f, _c) in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(header) * 2 + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_systems(queryset) -> bytes:
    rows = []
    for s in queryset.select_related("unit").prefetch_related("projects").order_by("code"):
        row = []
        for _h, fname, choices in SYSTEM_COLUMNS:
            if fname == "unit":
                value = s.unit.name
            elif fname == "project_codes":
                value = ",".join(sorted(p.code for p in s.projects.all()))
            else:
                value = getattr(s, fname)
            if choices:
                value = _label(choices, value)
            elif isinstance(value, bool):
                value = "是" if value else "否"
            elif isinstance(value, dt.date):
                value = value.isoformat()
            row.append("" if value is None else value)
        rows.append(row)
    return _book(SYSTEM_COLUMNS, rows)


def _item_text(item, types) -> str:
    """名称:类型[:长度[:所属系统编码]], as the import reads it."""
    parts = [item.name, str(types[item.data_type])]
    if item.length or item.system_id:
        parts.append(str(item.length or ""))
    if item.system_id:
        parts.append(item.system.code)
    return ":".join(parts)


def export_resources(queryset) -> bytes:
    types = dict(DataType.choices)
    rows = []
    for r in (
        queryset.select_related("provider")
        .prefetch_related("items__system", "systems")
        .order_by("resource_code")
    ):
        row = []
        for _h, fname, choices in RESOURCE_COLUMNS:
            if fname == "provider":
                value = r.provider.name
            elif fname == "provider_credit_code":
                value = r.provider.credit_code
            elif fname == "items":
                value = "；".join(_item_text(i, types) for i in r.items.all())
            elif fname == "systems":
                value = ",".join(s.code for s in r.systems.all())
            else:
                value = getattr(r, fname)
            if choices:
                value = _label(choices, value)
            elif isinstance(value, bool):
                value = "是" if value else "否"
            elif isinstance(value, dt.date):
                value = value.isoformat()
            row.append("" if value is None else value)
        rows.append(row)
    return _book(RESOURCE_COLUMNS, rows)
