"""Reading an export back as a spreadsheet program does (``core.xlsx``): every test of an export
checks the same things through these helpers — named sheets with an autofilter and a frozen
header, no formula anywhere, money columns whose ``SUM()`` equals their 合计 cell, dates as date
cells — and LibreOffice, where installed, reads the same values."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TEXTS = ("=1+1", "+SUM(A1:A3)", "-2+3", "@cmd")
needs_libreoffice = pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice is not installed"
)


def read(content: bytes) -> Workbook:
    """The workbook as openpyxl reads it, after checking what every export holds to."""
    check_file(content)
    return load_workbook(io.BytesIO(content))


def check_file(content: bytes) -> None:
    """Every sheet named (not "Sheet"), with an autofilter from A1 and a frozen header; no
    cell anywhere is a formula."""
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        assert not re.fullmatch(r"Sheet\d*", ws.title), ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.freeze_panes == "A2", ws.title
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name), name


def headers(ws: Worksheet) -> list[Any]:
    return [c.value for c in ws[1]]


def column(ws: Worksheet, header: str) -> int:
    """The 1-based number of the column headed ``header``."""
    return headers(ws).index(header) + 1


def filtered_rows(ws: Worksheet) -> range:
    """The data rows inside the autofilter (the 合计 row and those after it are outside)."""
    last = int(re.sub(r"^[A-Z]+", "", ws.auto_filter.ref.split(":")[1]))
    return range(2, last + 1)


def exact(value: Any) -> Decimal:
    """A number cell as Decimal (openpyxl reads floats; their repr is the exact 万元 written)."""
    return Decimal(str(value)) if value is not None else Decimal(0)


def check_money(ws: Worksheet, header: str, total_row: int | None = None) -> Decimal:
    """The money column ``header``: every cell shown with two decimals, and ``SUM()`` of the
    data rows equal to the 合计 cell (``total_row``, by default the row after the data).
    Returns the sum."""
    col = column(ws, header)
    rows = filtered_rows(ws)
    total = sum((exact(ws.cell(r, col).value) for r in rows), Decimal(0))
    for r in rows:
        if ws.cell(r, col).value is not None:
            assert ws.cell(r, col).number_format == "#,##0.00", (header, r)
    at = total_row if total_row is not None else rows.stop
    assert ws.cell(at, col).number_format == "#,##0.00", header
    assert round(exact(ws.cell(at, col).value), 6) == round(total, 6), header
    return total


def check_dates(ws: Worksheet, header: str) -> list[dt.datetime]:
    """Every non-empty cell of the column is a date cell."""
    col = column(ws, header)
    values = []
    for r in filtered_rows(ws):
        cell = ws.cell(r, col)
        if cell.value is not None:
            assert cell.is_date and isinstance(cell.value, dt.datetime), (header, r, cell.value)
            values.append(cell.value)
    return values


def check_text(ws: Worksheet, text: str) -> None:
    """``text`` (formula-like) is somewhere in the sheet as a string cell."""
    found = [c for row in ws.iter_rows() for c in row if c.value == text]
    assert found, text
    assert all(c.data_type == "s" for c in found), text


def libreoffice_values(content: bytes, tmp_path: Path, *, shown: bool = False) -> list[list[str]]:
    """The first sheet as LibreOffice reads it (``soffice --headless`` to CSV): the values it
    holds, or (``shown``) as formatted on screen."""
    src = tmp_path / "export.xlsx"
    src.write_bytes(content)
    options = f"44,34,76,1,,0,false,true,{'true' if shown else 'false'}"
    out = tmp_path / ("shown" if shown else "raw")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{options}",
            "--outdir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    import csv

    with (out / "export.csv").open(encoding="utf-8") as fh:
        return list(csv.reader(fh))


def check_libreoffice(content: bytes, tmp_path: Path, money_header: str) -> list[Decimal]:
    """LibreOffice reads the money column ``money_header`` of the first sheet exactly as
    written: its data rows sum to the 合计 row under them (as openpyxl reads them too)."""
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = libreoffice_values(content, tmp_path)
    col = rows[0].index(money_header)
    data = filtered_rows(ws)
    values = [Decimal(rows[r - 1][col] or "0") for r in data]
    total = Decimal(rows[data.stop - 1][col])
    assert sum(values, Decimal(0)) == total
    assert [exact(ws.cell(r, col + 1).value) for r in data] == values
    return values
