"""The reports chapter's files through the one export helper (``core.xlsx``), read back as a
spreadsheet program reads them: the project list of the portfolio and a dashboard's figures
(named sheets with an autofilter, no formula, ``SUM()`` equal to 合计; LibreOffice where
installed)."""

from decimal import Decimal

import pytest

from projects.models import Project
from tests import xlsx_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(walker):
    """Two projects of 市教委 submitted, each of 1,234,550.00 yuan (123.455 万元)."""
    projects = [
        walker.create(name, "800")
        for name in ("学生资助精准认定系统", "智慧教育综合服务平台（二期）")
    ]
    for project in projects:
        walker.submit(project)
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(
        total_investment=Decimal("1234550.00")
    )
    return projects


def test_the_portfolio_list_sums_exact_amounts(submitted, personas, client):
    client.force_login(personas.gov)
    ws = xlsx_check.read(client.get("/reports/projects.xlsx").content)["项目清单"]
    assert xlsx_check.check_money(ws, "申报总投资（万元）") == Decimal("246.91")
    assert ws.cell(ws.max_row, 1).value == "合计"


def test_every_sheet_of_a_dashboard_download_is_named_and_filtered(submitted, personas, client):
    client.force_login(personas.gov)
    wb = xlsx_check.read(client.get("/reports/leadership.xlsx").content)
    assert len(wb.sheetnames) > 1


@xlsx_check.needs_libreoffice
def test_libreoffice_reads_the_portfolio_list_with_its_total(submitted, personas, client, tmp_path):
    client.force_login(personas.gov)
    content = client.get("/reports/projects.xlsx").content
    values = xlsx_check.check_libreoffice(content, tmp_path, "申报总投资（万元）")
    assert values == [Decimal("123.455")] * 2
