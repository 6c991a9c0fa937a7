"""The one export helper every spreadsheet of the platform uses (xlsx, and CSV for open data).

One rule for money, whatever the file: **a money cell holds the exact amount** — Decimal yuan
divided by 10,000, i.e. 万元 with up to six decimals, never rounded before it is written —
and the number format ``#,##0.00`` shows it with two. A 合计 (total) row is the exact sum of
the exact amounts, written the same way. So ``SUM()`` over a column in Excel, WPS or
LibreOffice equals the 合计 cell (both are exact; only the display rounds, once), and every
row-sum and total of every export follows that single rule. The alternative — rounding each
row to 0.01 万元 and summing the rounded rows — makes 合计 differ from the exact yuan total
(three entries of 1,234,550.00 yuan: 370.38 against 370.365 → 370.37); rounding the total
alone makes ``SUM()`` differ from 合计. Only writing exact values keeps all three equal.

Besides:

- **dates are date cells** (``yyyy-mm-dd``; aware datetimes become the Asia/Shanghai calendar
  date, or a ``yyyy-mm-dd hh:mm`` cell for a ``datetime`` column), never text;
- **every sheet is named** (``Sheet`` is refused) and **has an autofilter** over its header
  and data rows (not the 合计 row nor the rows after it), and a frozen header;
- **text is text**: a value beginning with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
  return) is written as a string cell, never a formula (CSV/formula injection, OWASP); in CSV,
  where there are no cell types, such a value is prefixed with ``'``. Control characters a
  worksheet cannot hold are dropped rather than failing the whole file;
- workbooks are streamed (openpyxl's write-only mode, one styled cell per column reused row
  after row), so 100,000 rows stay within seconds.

Callers describe columns (``Column``) and give rows of Python values; ``workbook`` returns the
file's bytes and ``download`` the attachment. A filtered export applies its list's filter set
strictly (``strict_filter``; ``page_export`` for a page): an invalid value such as
``?eligible=maybe`` is refused with the reason (422 in the API, the list page with the message
on a page), never "export everything".

The helper has no domain logic and imports nothing from the chapters: every chapter's exports
(investment, catalog, projects, reports) use it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .errors import ActionInvalid
from .filters import ListFilter, apply
from .money import YUAN_PER_WAN

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
#: ``openapi_extra`` of an API endpoint that answers an xlsx file
XLSX_OPENAPI: dict[str, Any] = {
    "responses": {
        200: {
            "description": "Excel 文件（.xlsx）",
            "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
TOTAL_LABEL = "合计"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")

#: column kinds: how a value is written
KINDS = ("text", "wrap", "int", "number", "wan", "yuan", "date", "datetime", "percent")
SUMMABLE = ("int", "number", "wan", "yuan")
_FORMATS = {
    "wan": MONEY_FORMAT,
    "yuan": MONEY_FORMAT,
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "percent": PERCENT_FORMAT,
}


class ExportError(ValueError):
    """A sheet described wrongly (a programming error, not a user's)."""


@dataclass(frozen=True)
class Column:
    """One column: its header, how its values are written, its width, and whether the 合计
    row sums it (money and numbers only)."""

    header: str
    kind: str = "text"
    width: int = 16
    total: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ExportError(f"unknown column kind {self.kind!r}")
        if self.total and self.kind not in SUMMABLE:
            raise ExportError(f"column {self.header!r} of kind {self.kind} cannot be summed")


@dataclass
class Sheet:
    """A named sheet: columns, rows of values, and optionally a 合计 row that sums the
    ``total`` columns exactly (``total_label`` in the first column, ``total_note`` in the
    second when it is a text column). ``footer`` rows (other totals, e.g. the whole year's
    beside the 合计 of the rows listed) follow in bold, typed like the data; ``notes`` are
    lines of text at the end. Neither is inside the autofilter."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    total_label: str = ""
    total_note: str = ""
    footer: Sequence[Sequence[Any]] = field(default_factory=tuple)
    notes: Sequence[str] = field(default_factory=tuple)


def sheet_title(title: str) -> str:
    """A valid, meaningful sheet name: Excel's forbidden characters replaced, 31 characters at
    most; a sheet is never left called "Sheet"."""
    clean = _BAD_TITLE.sub("_", str(title)).strip().strip("'")[:31]
    if not clean or re.fullmatch(r"Sheet\d*", clean):
        raise ExportError("a sheet must have a name that says what it holds")
    return clean


def exact_wan(yuan: Any) -> Decimal | None:
    """Decimal yuan → exact 万元 (up to six decimals), never rounded."""
    if yuan is None or yuan == "":
        return None
    if isinstance(yuan, float):
        raise ExportError("money is Decimal, never a float")
    return Decimal(yuan) / YUAN_PER_WAN


def local_date(value: Any) -> dt.date | None:
    """Excel has no time zones: an aware datetime becomes its Asia/Shanghai calendar date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    raise ExportError(f"not a date: {value!r}")


def local_datetime(value: Any) -> dt.datetime | None:
    """An aware datetime as the naive Asia/Shanghai wall-clock time a spreadsheet shows."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    raise ExportError(f"not a datetime: {value!r}")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet program take this text for a formula (or a DDE command)?"""
    return text.startswith(FORMULA_PREFIXES)


def cell_value(kind: str, value: Any) -> Any:
    """The value a cell of ``kind`` stores (None leaves the cell empty)."""
    if value is None or value == "":
        return None
    if kind == "wan":
        return exact_wan(value)
    if kind == "yuan":
        return Decimal(value)
    if kind == "date":
        return local_date(value)
    if kind == "datetime":
        return local_datetime(value)
    if kind in ("int", "number", "percent"):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _plain_safe(stored: Any) -> bool:
    """Would openpyxl write this bare value as what it is? A string beginning with ``=`` it
    would take for a formula, and ``#N/A`` and the like for an error."""
    return not isinstance(stored, str) or not (stored.startswith("=") or stored in ERROR_CODES)


class _Writer:
    """One write-only worksheet: bold frozen header, widths, typed cells, autofilter."""

    def __init__(self, wb: Workbook, sheet: Sheet) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(title=sheet_title(sheet.title))
        self.columns = list(sheet.columns)
        self.ws.freeze_panes = "A2"
        for n, column in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(n)].width = column.width
        self.ws.append([self._header(column) for column in self.columns])
        # One styled cell per column, reused row after row: a write-only row is written out
        # as soon as it is appended, and creating and styling a cell for every value is what
        # makes 20,000-row sheets slow. Unstyled columns take bare values (faster still)
        # unless openpyxl would read the value as a formula or an error code.
        self.templates = [self._styled(column) for column in self.columns]
        self.plain = [column.kind in ("text", "int", "number") for column in self.columns]
        self.data_rows = 0

    def _header(self, column: Column) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=None)
        cell.value = str(column.header)
        cell.data_type = "s"
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        return cell

    def _styled(self, column: Column, *, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        if column.kind in _FORMATS:
            cell.number_format = _FORMATS[column.kind]
        elif column.kind == "wrap":
            cell.alignment = WRAP
        if bold:
            cell.font = BOLD
        return cell

    @staticmethod
    def _fill(cell: WriteOnlyCell, stored: Any) -> WriteOnlyCell:
        cell.value = stored
        if isinstance(stored, str):
            cell.data_type = "s"  # never a formula, whatever it begins with
        return cell

    def row(self, values: Sequence[Any]) -> None:
        """Append a row of values typed by their columns; None and "" leave the cell empty."""
        if len(values) != len(self.columns):
            raise ExportError(
                f"row has {len(values)} values for {len(self.columns)} columns: {values!r}"
            )
        out: list[Any] = []
        for n, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            stored = cell_value(column.kind, value)
            if stored is None or (self.plain[n] and _plain_safe(stored)):
                out.append(stored)  # a bare value: openpyxl types it, and fast
            else:
                out.append(self._fill(self.templates[n], stored))
        self.ws.append(out)

    def label_row(self, values: Sequence[Any]) -> None:
        """A bold row whose text values are labels (合计, a count) whatever their column: a
        label in a money or date column is written as text rather than refused."""
        if len(values) != len(self.columns):
            raise ExportError(f"row has {len(values)} values for {len(self.columns)} columns")
        out: list[Any] = []
        for column, value in zip(self.columns, values, strict=True):
            if isinstance(value, str) and column.kind not in ("text", "wrap"):
                cell = self._styled(Column(column.header), bold=True)
                out.append(self._fill(cell, cell_value("text", value)))
                continue
            stored = cell_value(column.kind, value)
            out.append(
                None if stored is None else self._fill(self._styled(column, bold=True), stored)
            )
        self.ws.append(out)

    def finish(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.data_rows + 1}"


def _sum_into(sums: list[Any], columns: Sequence[Column], values: Sequence[Any]) -> None:
    for i, column in enumerate(columns):
        if column.total and values[i] not in (None, ""):
            sums[i] += Decimal(values[i])


def write_sheet(wb: Workbook, sheet: Sheet) -> int:
    """Append ``sheet`` to ``wb``; returns the number of data rows."""
    writer = _Writer(wb, sheet)
    wanted = bool(sheet.total_label) and any(c.total for c in writer.columns)
    sums: list[Any] = [Decimal(0) if c.total else None for c in writer.columns]
    for values in sheet.rows:
        writer.row(values)
        writer.data_rows += 1
        if wanted:
            _sum_into(sums, writer.columns, values)
    if sheet.total_label:
        total_row: list[Any] = list(sums)
        total_row[0] = sheet.total_label
        if sheet.total_note and len(total_row) > 1 and total_row[1] is None:
            total_row[1] = sheet.total_note
        writer.label_row(total_row)
    for values in sheet.footer:
        writer.label_row(values)
    for note in sheet.notes:
        writer.ws.append([_Writer._fill(WriteOnlyCell(writer.ws), cell_value("text", note))])
    writer.finish()
    return writer.data_rows


def workbook(*sheets: Sheet) -> bytes:
    """The xlsx file of ``sheets``."""
    if not sheets:
        raise ExportError("a workbook needs at least one sheet")
    wb = Workbook(write_only=True)
    try:
        for sheet in sheets:
            write_sheet(wb, sheet)
    except Exception:
        # a streamed sheet left half-written keeps its temporary file open: saving the
        # abandoned workbook nowhere closes and removes them
        wb.save(io.BytesIO())
        raise
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_text(value: Any, kind: str = "text") -> str:
    """A CSV field: money as exact 万元 text, dates ISO, formula-like text prefixed with '."""
    stored = cell_value(kind, value)
    if stored is None:
        return ""
    if isinstance(stored, Decimal):
        return (
            format(stored.normalize(), "f") if stored != stored.to_integral() else f"{stored:.0f}"
        )
    if isinstance(stored, dt.datetime):
        return stored.strftime("%Y-%m-%d %H:%M")
    if isinstance(stored, dt.date):
        return stored.isoformat()
    text = str(stored)
    return "'" + text if is_formula_like(text) else text


def csv_bytes(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel and WPS open Chinese text correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(c.header) for c in columns])
    for row in rows:
        writer.writerow([csv_text(v, c.kind) for c, v in zip(columns, row, strict=True)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def strict_filter(
    filterset_class: type[ListFilter], params: Mapping[str, Any], queryset: QuerySet[Any]
) -> QuerySet[Any]:
    """The queryset an export covers: the list's filter set applied to ``params``; an invalid
    value raises ``core.errors.ActionInvalid`` (422 with the field's message) instead of being
    ignored (``core.filters.apply``)."""
    rows: QuerySet[Any] = apply(filterset_class, params, queryset).qs
    return rows


def page_export(
    request: HttpRequest,
    filterset_class: type[ListFilter],
    queryset: QuerySet[Any],
    list_url: str,
    respond: Callable[[QuerySet[Any]], HttpResponse],
) -> HttpResponse:
    """A page's export of its filtered list: ``respond(rows)`` with the list's filter set
    applied strictly; a filter value that is not valid sends the user back to the list
    (``list_url``, same query), which shows what is wrong — nothing is exported as if the
    filter were absent. More rows than ``GOVIT_EXPORT_BACKGROUND_ROWS`` are exported by a
    background job (``core.jobs``), whose page the user is sent to."""
    try:
        rows = strict_filter(filterset_class, request.GET, queryset)
    except ActionInvalid as exc:
        messages.error(request, " ".join([exc.message, *map(str, exc.errors.values())]))
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"{list_url}?{query}" if query else list_url)
    from .jobs import IN_JOB, job_url, start_export_job

    if not request.META.get(IN_JOB):
        count = rows.count()
        if count > settings.GOVIT_EXPORT_BACKGROUND_ROWS:
            # too many rows to make while the person waits: a worker makes the file
            return HttpResponseRedirect(job_url(start_export_job(request, count)))
    return respond(rows)


def download(content: bytes, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    """An attachment response with a UTF-8 file name (RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
