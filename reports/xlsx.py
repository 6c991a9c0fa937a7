"""The export helper now lives in ``core.xlsx`` (every chapter's exports use it; ``core`` imports
no chapter). This module keeps the reports chapter's imports working."""

from core.xlsx import (
    CSV_TYPE,
    XLSX_TYPE,
    Column,
    ExportError,
    Sheet,
    csv_bytes,
    csv_text,
    download,
    exact_wan,
    page_export,
    sheet_title,
    strict_filter,
    workbook,
    write_sheet,
)

__all__ = [
    "CSV_TYPE",
    "XLSX_TYPE",
    "Column",
    "ExportError",
    "Sheet",
    "csv_bytes",
    "csv_text",
    "download",
    "exact_wan",
    "page_export",
    "sheet_title",
    "strict_filter",
    "workbook",
    "write_sheet",
]
