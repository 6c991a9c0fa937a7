"""xlsx import and export of the master catalog and the data resource catalog (openpyxl to
read; the platform's export helper ``core.xlsx`` to write).

A spreadsheet row is the contract of the action it feeds: each column is a contract field,
named by the field's label (``SYSTEM_COLUMNS``, ``RESOURCE_COLUMNS``), and a row is imported by
calling the action — ``register_system`` or ``update_system``, ``create_resource`` or
``update_resource`` — so a row is checked exactly as a page form or an API call is, and each
created or changed object gets its own ledger event. The whole import is one transaction with
a savepoint per row: a failing row changes nothing and is reported cell by cell (row number,
column header, message), the good rows are kept, and the import's summary is one more event.
A row whose code exists changes only the columns the file has and only when something
differs, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import Organisation
from accounts.recipients import unit_ids_of
from accounts.roles import OrgKind, Role
from core.actions import Action
from core.contracts import Contract, ui_of
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionError, ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.xlsx import Column as SheetColumn
from core.xlsx import Sheet, workbook

from . import actions
from .contracts import CatalogResourceCreateIn, CatalogSystemRegisterIn, items_text
from .models import DataResource, DataType, InformationSystem, IsolationState

MAX_ROWS = 20000


class Column(NamedTuple):
    """One column of a spreadsheet: its header, the contract field (or the attribute it
    exports) and whether it is exported for reference only."""

    header: str
    field: str
    export_only: bool = False


def _label(contract: type[Contract], name: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the template's headers are Chinese
        return str(contract.model_fields[name].title)


def columns_of(
    contract: type[Contract],
    order: Iterable[str],
    headers: dict[str, str] | None = None,
    reference: Iterable[tuple[str, str, int]] = (),
) -> list[Column]:
    """The contract's fields as columns in ``order`` then the rest, each headed by its label
    (or ``headers``), with the export-only ``reference`` columns (header, attribute, place)."""
    headers = headers or {}
    names = list(dict.fromkeys([*order, *contract.model_fields]))
    out = [Column(headers.get(n) or _label(contract, n), n) for n in names]
    for header, attribute, place in reference:
        out.insert(place, Column(header, attribute, True))
    return out


SYSTEM_COLUMNS = columns_of(
    CatalogSystemRegisterIn,
    ("code", "name", "unit"),
    reference=[
        ("已纳入总目录", "catalogued", 99),
        ("孤网审批状态", "isolation_state", 99),
        ("孤网大数据局初审日期", "isolation_bdb_reviewed_on", 99),
        ("孤网市政府批准日期", "isolation_gov_approved_on", 99),
        ("建设或改造项目", "project_codes", 99),  # linked by acceptance (Art. 15)
    ],
)
RESOURCE_COLUMNS = columns_of(
    CatalogResourceCreateIn,
    ("resource_code", "class_code", "classification", "name", "provider"),
    headers={"systems": "提供系统编码"},
    reference=[("提供方统一社会信用代码", "provider_credit_code", 5)],
)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {row, column, message}

    @property
    def rejected_rows(self) -> int:
        return len({e["row"] for e in self.errors})


# -- reading -----------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def check_readable(file: Any, kind: str) -> None:
    """Refuse at once a file the import of ``kind`` (systems | resources) could not read, before
    it is queued (``ActionInvalid`` on the file field)."""
    _read(file, SYSTEM_COLUMNS if kind == "systems" else RESOURCE_COLUMNS)
    file.seek(0)


def _read(file: Any, columns: list[Column]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (excel row number, {field: text}) of the columns the file has."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        raise ActionInvalid(
            _("无法读取该文件，请上传 .xlsx 格式的 Excel 文件。"), {"file": _("文件格式无效")}
        ) from exc
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = [_cell(h) for h in next(rows, ())]
    missing = [c.header for c in columns[:2] if c.header not in header]
    if missing:
        raise ActionInvalid(
            _("表头缺少必需的列：%(columns)s。请使用导出的模板。")
            % {"columns": "、".join(missing)},
            {"file": _("表头不符")},
        )
    wanted = {c.header: c.field for c in columns if not c.export_only}
    index = {wanted[h]: i for i, h in enumerate(header) if h in wanted}
    out: list[tuple[int, dict[str, str]]] = []
    for n, row in enumerate(rows, start=2):
        values = {f: _cell(row[i]) if i < len(row) else "" for f, i in index.items()}
        if not any(values.values()):
            continue
        if len(out) >= MAX_ROWS:
            raise ActionInvalid(
                _("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS}, {"file": _("行数过多")}
            )
        out.append((n, values))
    wb.close()
    return out


def _org_by_name(name: str) -> Organisation | None:
    units = Organisation.objects.filter(kind=OrgKind.UNIT)
    return units.filter(name=name).first() or units.filter(short_name=name).first()


def _defaults_blank(contract: type[Contract], values: dict[str, str]) -> dict[str, str]:
    """Leave out blank cells of fields with a default (建设方式, 运行状态, …): blank means the
    default for a new entry and the current value for an existing one."""
    kept = {}
    for name, value in values.items():
        info = contract.model_fields.get(name)
        if value == "" and info is not None and info.default not in (None, "", False, []):
            continue
        kept[name] = value
    return kept


# -- one row through its action --------------------------------------------------------------------


class RowImport:
    """Imports the rows of one sheet through the actions and reports every refused cell."""

    def __init__(self, columns: list[Column], user: Any):
        self.headers = {c.field: c.header for c in columns}
        self.user = user
        self.allowed = _allowed_units(user)
        self.result = ImportResult()

    def refuse(self, row: int, field: str, message: str) -> None:
        column = self.headers.get(field.split(".")[0], field)
        self.result.errors.append({"row": row, "column": column, "message": message})

    def unit(self, row: int, field: str, name: str) -> Organisation | None:
        """The unit a row names, if the user may import for it."""
        unit = _org_by_name(name)
        if unit is None:
            self.refuse(row, field, _("单位不存在，请填写单位全称或简称"))
        elif self.allowed is not None and unit.pk not in self.allowed:
            self.refuse(row, field, _("只能导入本单位的目录"))
            return None
        return unit

    def failed(self, row: int) -> bool:
        return any(e["row"] == row for e in self.result.errors)

    def save(
        self,
        row: int,
        key_field: str,
        existing: Any,
        create: tuple[Action, dict[str, Any]],
        update: Action,
        changes: dict[str, Any],
    ) -> None:
        """Create the row's object, or change the existing one, through the actions, in a
        savepoint of its own: a refusal is reported on its cells and changes nothing."""
        try:
            with transaction.atomic():
                if existing is None:
                    act, values = create
                    act.execute(None, values, acting_user=self.user)
                    self.result.created += 1
                elif getattr(
                    update.execute(existing.pk, changes, acting_user=self.user),
                    "changed_fields",
                    None,
                ):
                    self.result.updated += 1
                else:
                    self.result.unchanged += 1
        except ActionInvalid as exc:
            for name, message in exc.errors.items():
                self.refuse(row, name, str(message))
        except ActionBlocked as exc:
            for f in exc.findings:
                if f.blocks:
                    self.refuse(row, f.facts.get("field", key_field), f.text)
        except ActionForbidden:
            self.refuse(row, key_field, _("无权修改该条目"))
        except ActionError as exc:
            self.refuse(row, key_field, exc.message)


def _allowed_units(user: Any) -> set[int] | None:
    if user.has_role(Role.BDB_REVIEWER) or user.is_superuser:
        return None  # BDB curates every unit's entries
    return unit_ids_of(user)


def _import(
    file: Any,
    user: Any,
    what: str,
    event: ActionCode,
    columns: list[Column],
    contract: type[Contract],
    each: Callable[[RowImport, int, dict[str, Any]], None],
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read the sheet, then import its rows (``each``) and record the summary event, in one
    transaction; ``progress(done, total)`` is told after each row."""
    allowed = _allowed_units(user)
    if allowed is not None and not allowed:
        raise ActionForbidden(_("只有项目建设单位或市大数据发展局可以导入目录。"))
    rows = _read(file, columns)
    importer = RowImport(columns, user)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        for done, (row, cells) in enumerate(rows, start=1):
            each(importer, row, _defaults_blank(contract, cells))
            if progress is not None:
                progress(done, len(rows))
        _record_import(event, user, what, importer.result)
    return importer.result


def import_systems(
    file: Any, *, acting_user: Any, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import master-catalog rows through ``register_system`` and ``update_system``."""
    return _import(
        file,
        acting_user,
        "系统目录",
        ActionCode.SYSTEMS_IMPORTED,
        SYSTEM_COLUMNS,
        CatalogSystemRegisterIn,
        _system_row,
        progress,
    )


def _system_row(importer: RowImport, row: int, values: dict[str, Any]) -> None:
    code, unit_name = values.pop("code", ""), values.pop("unit", "")
    unit = importer.unit(row, "unit", unit_name)
    if not code:
        importer.refuse(row, "code", _("请填写系统编码"))
    existing = InformationSystem.objects.filter(code=code).first() if code else None
    if existing is not None and unit is not None and existing.unit_id != unit.pk:
        importer.refuse(row, "code", _("编码 %(code)s 已属于其他单位") % {"code": code})
    if unit is not None and code and not importer.failed(row):
        new = {**values, "unit": unit.pk, "code": code}
        importer.save(
            row, "code", existing, (actions.register_system, new), actions.update_system, values
        )


def import_resources(
    file: Any, *, acting_user: Any, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    """Import data-resource rows through ``create_resource`` and ``update_resource``."""
    return _import(
        file,
        acting_user,
        "数据资源目录",
        ActionCode.RESOURCES_IMPORTED,
        RESOURCE_COLUMNS,
        CatalogResourceCreateIn,
        _resource_row,
        progress,
    )


def _resource_row(importer: RowImport, row: int, values: dict[str, Any]) -> None:
    provider = importer.unit(row, "provider", values.pop("provider", ""))
    if "systems" in values:
        codes = [c.strip() for c in values["systems"].replace("，", ",").split(",") if c.strip()]
        found = dict(InformationSystem.objects.filter(code__in=codes).values_list("code", "pk"))
        if len(found) != len(set(codes)):
            importer.refuse(row, "systems", _("系统编码不存在或不属于资源提供方"))
        values["systems"] = list(found.values())
    code = values.get("resource_code", "")
    existing = DataResource.objects.filter(resource_code=code).first() if code else None
    if existing is not None and provider is not None and existing.provider_id != provider.pk:
        importer.refuse(row, "resource_code", _("资源代码已属于其他单位"))
    if provider is not None and not importer.failed(row):
        new = {**values, "provider": provider.pk}
        importer.save(
            row,
            "resource_code",
            existing,
            (actions.create_resource, new),
            actions.update_resource,
            values,
        )


def _record_import(code: ActionCode, user: Any, what: str, result: ImportResult) -> None:
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
#
# Written by the platform's export helper (``core.xlsx``): named sheets with an autofilter,
# dates as date cells, numbers as numbers, text never a formula. A cell holds what the import
# reads back (a choice by its label, yes/no, the date), so a re-imported export changes nothing.

#: the kind of cell of each contract field's input (``core.contracts.UI.kind``)
CELL_KINDS = {"date": "date", "int": "int", "textarea": "wrap"}
#: the kind of cell of the export-only columns
REFERENCE_KINDS = {"isolation_bdb_reviewed_on": "date", "isolation_gov_approved_on": "date"}


def _kind(contract: type[Contract], column: Column) -> str:
    if column.field in REFERENCE_KINDS:
        return REFERENCE_KINDS[column.field]
    info = contract.model_fields.get(column.field)
    ui = ui_of(info) if info is not None else None
    return CELL_KINDS.get(ui.kind, "text") if ui is not None else "text"


def _sheet(
    title: str, contract: type[Contract], columns: list[Column], rows: Iterable[list[Any]]
) -> bytes:
    """The workbook of one named sheet whose columns are typed by the contract's fields."""
    sheet_columns = [
        SheetColumn(c.header, _kind(contract, c), max(10, len(c.header) * 2 + 2)) for c in columns
    ]
    return workbook(Sheet(title, sheet_columns, rows))


def _text(contract: type[Contract], name: str, value: Any) -> Any:
    """A value as the import reads it back: a choice by its label, yes/no; dates and numbers
    stay what they are (date and number cells)."""
    info = contract.model_fields.get(name)
    ui = ui_of(info) if info is not None else None
    if ui is not None and ui.kind == "choice" and ui.choices:
        return str(dict(ui.choices).get(value, value or ""))
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _row(
    contract: type[Contract],
    columns: list[Column],
    exports: dict[str, Callable[[Any], Any]],
    obj: Any,
) -> list[Any]:
    return [
        _text(
            contract,
            c.field,
            exports[c.field](obj) if c.field in exports else getattr(obj, c.field),
        )
        for c in columns
    ]


SYSTEM_EXPORTS: dict[str, Callable[[InformationSystem], Any]] = {
    "unit": lambda s: s.unit.name,
    "project_codes": lambda s: ",".join(sorted(p.code for p in s.projects.all())),
    "isolation_state": lambda s: str(IsolationState(s.isolation_state).label),
}


def export_systems(queryset: Any) -> bytes:
    """The master catalog as the import template: one row per system, by code."""
    systems = queryset.select_related("unit").prefetch_related("projects").order_by("code")
    with translation.override(settings.LANGUAGE_CODE):
        rows = (
            _row(CatalogSystemRegisterIn, SYSTEM_COLUMNS, SYSTEM_EXPORTS, s)
            for s in systems.iterator(chunk_size=2000)
        )
        return _sheet("政务信息系统总目录", CatalogSystemRegisterIn, SYSTEM_COLUMNS, rows)


RESOURCE_EXPORTS: dict[str, Callable[[DataResource], Any]] = {
    "provider": lambda r: r.provider.name,
    "provider_credit_code": lambda r: r.provider.credit_code,
    "items": lambda r: items_text(r.items.all(), dict(DataType.choices)),
    "systems": lambda r: ",".join(s.code for s in r.systems.all()),
}


def export_resources(queryset: Any) -> bytes:
    """The data resource catalog as the import template: one row per resource, by code."""
    resources = (
        queryset.select_related("provider")
        .prefetch_related("items__system", "systems")
        .order_by("resource_code")
    )
    with translation.override(settings.LANGUAGE_CODE):
        rows = (
            _row(CatalogResourceCreateIn, RESOURCE_COLUMNS, RESOURCE_EXPORTS, r)
            for r in resources.iterator(chunk_size=2000)
        )
        return _sheet("数据资源目录", CatalogResourceCreateIn, RESOURCE_COLUMNS, rows)
