"""The one export helper (``core.xlsx``; issue 12 point 5, issue 15 point 5, issue 16 point 8):
money exact so SUM() equals 合计, dates as date cells, named sheets with an autofilter,
formula-like text as text; files read back as a spreadsheet program reads them (openpyxl, and
LibreOffice where installed)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.xlsx import Column, ExportError, Sheet, csv_bytes, sheet_title, workbook
from tests.xlsx_check import libreoffice_values, needs_libreoffice

MONEY = [
    Column("项目", width=20),
    Column("金额（万元）", "wan", total=True),
    Column("日期", "date"),
    Column("决定时间", "datetime"),
]


def _read(content: bytes):
    return load_workbook(io.BytesIO(content))


def _three_entries():
    day = dt.date(2026, 3, 5)
    when = dt.datetime(2026, 3, 5, 1, 30, tzinfo=dt.UTC)  # 09:30 in Chongqing
    rows = [[f"项目{i}", Decimal("1234550.00"), day, when] for i in range(3)]
    return workbook(Sheet("年度投资计划", MONEY, rows, total_label="合计", total_note="3 个项目"))


def test_sum_of_the_money_column_equals_the_total_row():
    # given three entries of 1,234,550.00 yuan (123.455 万元 each)
    ws = _read(_three_entries())["年度投资计划"]
    amounts = [ws.cell(row=r, column=2).value for r in range(2, 5)]
    total = ws.cell(row=5, column=2).value
    # then each cell holds the exact amount, the total the exact sum, and both show 2 decimals
    assert amounts == [Decimal("123.455")] * 3 or amounts == [123.455] * 3
    assert ws.cell(row=5, column=1).value == "合计"
    assert (
        round(Decimal(str(sum(amounts))), 3) == round(Decimal(str(total)), 3) == Decimal("370.365")
    )
    assert ws.cell(row=2, column=2).number_format == "#,##0.00"
    assert ws.cell(row=5, column=2).number_format == "#,##0.00"


def test_dates_are_date_cells_in_the_local_time_zone():
    ws = _read(_three_entries())["年度投资计划"]
    day, when = ws.cell(row=2, column=3), ws.cell(row=2, column=4)
    assert day.is_date and day.value.date() == dt.date(2026, 3, 5)
    assert day.number_format == "yyyy-mm-dd"
    assert when.is_date and when.value == dt.datetime(2026, 3, 5, 9, 30)


def test_sheets_are_named_and_have_an_autofilter_over_header_and_data():
    wb = _read(_three_entries())
    assert wb.sheetnames == ["年度投资计划"]
    ws = wb["年度投资计划"]
    assert ws.auto_filter.ref == "A1:D4"  # the 合计 row (5) is not filtered
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("title", ["Sheet", "Sheet1", "", "  "])
def test_a_sheet_without_a_meaningful_name_is_refused(title):
    with pytest.raises(ExportError):
        sheet_title(title)


def test_a_sheet_name_is_cleaned_and_cut_to_31_characters():
    assert sheet_title("2026年预算/计划:对账[草稿]*") == "2026年预算_计划_对账_草稿__"
    assert len(sheet_title("很长" * 40)) == 31


@pytest.mark.parametrize(
    "text", ["=1+1", "+SUM(A1:A3)", "-2+3", "@cmd", '=HYPERLINK("http://x","y")']
)
def test_formula_like_text_is_written_as_text(text):
    content = workbook(Sheet("名单", [Column("名称")], [[text]]))
    cell = _read(content)["名单"]["A2"]
    assert cell.data_type == "s" and cell.value == text
    assert b"<f>" not in _sheet_xml(content)


def _sheet_xml(content: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


def test_csv_prefixes_formula_like_text_and_writes_exact_money():
    rows = [["=cmd()", Decimal("1234550.00"), dt.date(2026, 1, 2), None]]
    text = csv_bytes(MONEY, rows).decode("utf-8-sig").splitlines()
    assert text[0] == "项目,金额（万元）,日期,决定时间"
    assert text[1] == "'=cmd(),123.455,2026-01-02,"


def test_a_row_of_the_wrong_width_is_a_programming_error():
    with pytest.raises(ExportError):
        workbook(Sheet("名单", MONEY, [["只有一列"]]))


def test_only_numbers_can_be_summed():
    with pytest.raises(ExportError):
        Column("日期", "date", total=True)


@needs_libreoffice
def test_libreoffice_reads_the_total_equal_to_the_sum(tmp_path):
    def cells(*, shown: bool) -> list[str]:
        rows = libreoffice_values(_three_entries(), tmp_path, shown=shown)
        return [row[1] for row in rows[1:5]]

    # the values LibreOffice holds: exact, so SUM() of the rows is the 合计 cell
    raw = cells(shown=False)
    assert [Decimal(v) for v in raw] == [Decimal("123.455")] * 3 + [Decimal("370.365")]
    assert sum(Decimal(v) for v in raw[:3]) == Decimal(raw[3])
    # what it shows: each row 123.46, the total 370.37 (the exact sum, rounded once)
    assert cells(shown=True) == ["123.46", "123.46", "123.46", "370.37"]


def test_a_total_label_goes_into_a_number_column_as_text():
    # given a list numbered in its first column (序号), as the plan and the project list are
    columns = [
        Column("序号", "int", 6),
        Column("建设单位"),
        Column("金额（万元）", "wan", total=True),
    ]
    rows = [[1, "市教委", Decimal("1234550.00")], [2, "市卫健委", Decimal("10.01")]]
    content = workbook(Sheet("投资计划", columns, rows, total_label="合计", total_note="2 个项目"))
    ws = _read(content)["投资计划"]
    # then the numbers stay numbers, the label and the note are text, the total is exact
    assert [ws.cell(r, 1).value for r in (2, 3)] == [1, 2]
    assert ws["A4"].value == "合计" and ws["A4"].data_type == "s" and ws["A4"].font.b
    assert ws["B4"].value == "2 个项目"
    assert Decimal(str(ws["C4"].value)) == Decimal("123.456001")
    assert ws.auto_filter.ref == "A1:C3"


def test_footer_rows_are_typed_bold_and_outside_the_autofilter():
    columns = [Column("项目"), Column("计划（万元）", "wan", total=True), Column("日期", "date")]
    rows = [["甲", Decimal("10000"), dt.date(2026, 1, 2)]]
    footer = [["全年合计", Decimal("30000"), "（不含作废）"]]
    ws = _read(workbook(Sheet("对账", columns, rows, total_label="差异合计", footer=footer)))[
        "对账"
    ]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == ["甲", "差异合计", "全年合计"]
    assert ws["B4"].value == 3 and ws["B4"].number_format == "#,##0.00" and ws["B4"].font.b
    assert ws["C4"].value == "（不含作废）" and ws["C4"].data_type == "s"
    assert ws.auto_filter.ref == "A1:C2"


@pytest.mark.parametrize("text", ["=1+1", "@cmd"])
def test_notes_and_total_labels_that_look_like_formulas_are_text(text):
    columns = [Column("名称"), Column("金额", "wan", total=True)]
    content = workbook(Sheet("名单", columns, [["甲", 1]], total_label=text, notes=[text]))
    ws = _read(content)["名单"]
    assert [ws.cell(r, 1).data_type for r in (3, 4)] == ["s", "s"]
    assert ws["A3"].value == ws["A4"].value == text
    assert b"<f>" not in _sheet_xml(content)


def test_control_characters_a_sheet_cannot_hold_are_dropped():
    content = workbook(Sheet("名单", [Column("名称")], [["学籍\x07系统\x1b"]]))
    assert _read(content)["名单"]["A2"].value == "学籍系统"


def test_money_as_a_float_is_a_programming_error():
    with pytest.raises(ExportError):
        workbook(Sheet("名单", [Column("金额", "wan")], [[0.1]]))


def test_strict_filter_refuses_an_invalid_value_instead_of_exporting_everything():
    from core.errors import ActionInvalid
    from core.filters import ChoiceFilter, ListFilter
    from core.models import LedgerEvent
    from core.xlsx import strict_filter

    class EventFilter(ListFilter):
        object_type = ChoiceFilter(choices=[("catalog.import", "导入")])

        class Meta:
            model = LedgerEvent
            fields: list[str] = []

    events = LedgerEvent.objects.all()
    assert "object_type" in str(
        strict_filter(EventFilter, {"object_type": "catalog.import"}, events).query
    )
    with pytest.raises(ActionInvalid) as refused:
        strict_filter(EventFilter, {"object_type": "everything"}, events)
    assert "object_type" in refused.value.errors


def test_reports_imports_the_helper_from_core():
    import core.xlsx
    import reports.xlsx

    assert reports.xlsx.workbook is core.xlsx.workbook and reports.xlsx.Sheet is core.xlsx.Sheet


@pytest.mark.parametrize("text", ["#N/A", "#DIV/0!", "=A1", "-1", "+1", "@A1"])
def test_error_codes_and_formula_like_text_in_any_column_kind_stay_text(text):
    columns = [Column("名称"), Column("说明", "wrap"), Column("数量", "int")]
    content = workbook(Sheet("名单", columns, [[text, text, 3]]))
    ws = _read(content)["名单"]
    assert [(c.value, c.data_type) for c in ws[2]] == [(text, "s"), (text, "s"), (3, "n")]
    assert b"<f>" not in _sheet_xml(content)
