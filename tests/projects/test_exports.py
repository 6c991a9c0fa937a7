"""The project list page as an xlsx file (issue 15 point 5): the page's filter set applied
strictly, its order and its columns, read back as a spreadsheet program reads it (openpyxl, and
LibreOffice where installed): ``SUM()`` of the amounts equals the 合计 row, dates are date
cells, the sheet is named with an autofilter, a name that looks like a formula is text."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.dates import today
from projects.exports import PROJECT_COLUMNS
from projects.models import Project
from tests import xlsx_check

LIST = "/projects/"
EXPORT = "/projects/export/"
PAGE_HEADERS = [
    "项目编号",
    "项目名称",
    "建设单位",
    "类型",
    "年度",
    "总投资（万元）",
    "状态",
    "审批路径",
    "更新",
]


@pytest.fixture
def two(walker):
    """An 800万 draft and a 3,500万 expansion project submitted, both of 市教委."""
    small = walker.create("学生资助精准认定系统", "800")
    big = walker.create("智慧教育综合服务平台（二期）", "3500")
    walker.submit(big)
    return small, big


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    wb = xlsx_check.read(response.content)
    assert wb.sheetnames == ["项目"]
    ws = wb["项目"]
    return ws, [list(r) for r in ws.iter_rows(values_only=True)]


def test_the_export_has_the_columns_and_order_of_the_page(two, personas, client):
    small, big = two
    client.force_login(personas.jw_officer)
    # the page links to the export with its query
    html = client.get(f"{LIST}?sort=-amount&kind=").content.decode()
    assert f'href="{EXPORT}?sort=-amount&amp;kind="' in html
    ws, rows = _sheet(client.get(f"{EXPORT}?sort=-amount"))
    assert rows[0] == PAGE_HEADERS == [c.header for c in PROJECT_COLUMNS]
    assert [r[0] for r in rows[1:-1]] == [big.code, small.code]
    big.refresh_from_db()
    page = client.get(f"{LIST}?sort=-amount").content.decode()
    kind, state = str(big.get_kind_display()), str(big.get_state_display())
    path = {"two": "两阶段", "single": "一次审批"}.get(big.approval_path, "—")
    assert rows[1][1:8] == [big.name, "市教委", kind, big.year, 3500, state, path]
    for shown in (big.name, kind, state, "3,500.00", path):
        assert shown in page
    assert rows[-1][:2] == ["合计", "2 个项目"]
    # the figures of the page: 3,500.00 and 800.00, together 4,300.00
    assert xlsx_check.check_money(ws, "总投资（万元）") == Decimal("4300")
    updated = xlsx_check.check_dates(ws, "更新")
    assert [d.date() for d in updated] == [today(), today()]
    assert ws.auto_filter.ref == "A1:I3"


def test_the_export_applies_the_page_filters(two, personas, client):
    small, big = two
    client.force_login(personas.jw_officer)
    _ws, rows = _sheet(client.get(f"{EXPORT}?q=资助"))
    assert [r[0] for r in rows[1:-1]] == [small.code]
    _ws, rows = _sheet(client.get(f"{EXPORT}?state=submitted"))
    assert [r[0] for r in rows[1:-1]] == [big.code]
    # what the user does not see is not exported (BDB reads no drafts)
    client.force_login(personas.bdb)
    _ws, rows = _sheet(client.get(EXPORT))
    assert small.code not in [r[0] for r in rows]


def test_an_invalid_filter_value_goes_back_to_the_page_and_exports_nothing(two, personas, client):
    client.force_login(personas.jw_officer)
    response = client.get(f"{EXPORT}?state=bogus", follow=True)
    assert response.redirect_chain == [(f"{reverse('projects:list')}?state=bogus", 302)]
    html = response.content.decode()
    assert "筛选条件无效" in html and 'data-testid="filter-error"' in html
    assert 'data-testid="project-row"' not in html


def test_amounts_are_exact_so_the_column_sums_to_the_total(two, personas, client):
    # given two projects of 1,234,550.00 yuan (123.455 万元: each shown 123.46, 246.91 together)
    Project.objects.filter(pk__in=[p.pk for p in two]).update(
        total_investment=Decimal("1234550.00")
    )
    client.force_login(personas.jw_officer)
    ws, rows = _sheet(client.get(EXPORT))
    assert [xlsx_check.exact(r[5]) for r in rows[1:-1]] == [Decimal("123.455")] * 2
    assert xlsx_check.check_money(ws, "总投资（万元）") == Decimal("246.91")


def test_a_name_that_looks_like_a_formula_is_text(two, personas, client):
    small, _big = two
    client.force_login(personas.jw_officer)
    for text in xlsx_check.FORMULA_TEXTS:
        Project.objects.filter(pk=small.pk).update(name=text)
        ws, _rows = _sheet(client.get(EXPORT))
        xlsx_check.check_text(ws, text)


@xlsx_check.needs_libreoffice
def test_libreoffice_reads_the_project_list_with_its_total(two, personas, client, tmp_path):
    Project.objects.filter(pk__in=[p.pk for p in two]).update(
        total_investment=Decimal("1234550.00")
    )
    Project.objects.filter(pk=two[0].pk).update(name="=1+1")
    client.force_login(personas.jw_officer)
    content = client.get(EXPORT).content
    values = xlsx_check.check_libreoffice(content, tmp_path, "总投资（万元）")
    assert values == [Decimal("123.455")] * 2
    shown = xlsx_check.libreoffice_values(content, tmp_path, shown=True)
    assert [r[5] for r in shown[1:]] == ["123.46", "123.46", "246.91"]
    assert "=1+1" in [r[1] for r in shown]  # the name as written, not 2
    assert shown[1][8] == f"{today():%Y-%m-%d}"


def test_the_api_exports_the_filtered_list_and_refuses_an_invalid_value(two, personas, client):
    small, _big = two
    client.force_login(personas.jw_officer)
    _ws, rows = _sheet(client.get("/api/projects/export?state=draft"))
    assert [r[0] for r in rows[1:-1]] == [small.code]
    response = client.get("/api/projects/export?state=bogus")
    assert response.status_code == 422 and "state" in response.json()["errors"]
