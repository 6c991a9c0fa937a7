"""What people see: the evidence panel of a project, the card's offers for the right role,
the finding page with its card, and the 3-year rolling list with its spreadsheet."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from core.dates import today
from core.offers import next_steps, panels_for
from evidence import check, rolling
from evidence.models import Match
from projects.models import ProjectListVersion

pytestmark = pytest.mark.django_db


def test_unit_sees_live_evidence_and_may_describe_its_draft(city, drafted):
    officer = city["p"].jw_officer
    [panel] = [p for p in panels_for(drafted, officer) if p.template.startswith("evidence/")]
    names = [m.name for m in panel.context["matches"]]
    assert names[0] == "电子健康档案共享调阅系统" and panel.context["matches"][0].flagged
    assert "evidence.describe_requirement" in next_steps(drafted, officer).names()


def test_reviewer_card_offers_a_conclusion_per_stored_match(city, drafted, walker):
    walker.submit(drafted)
    drafted.refresh_from_db()
    match_set = check.take_snapshot(drafted, trigger="test")
    bdb = city["p"].bdb
    steps = next_steps(drafted, bdb)
    offers = [o for o in steps.offers if o.action.name == "evidence.record_match_conclusion"]
    assert {o.target.pk for o in offers} == set(match_set.matches.values_list("pk", flat=True))
    assert "电子健康档案共享调阅系统" in offers[0].qualifier
    assert offers[0].testid == "act-record-match-conclusion"
    [panel] = [p for p in panels_for(drafted, bdb) if p.template.startswith("evidence/")]
    assert panel.context["match_set"] == match_set
    # the unit is not offered the reviewer's action
    assert (
        "evidence.record_match_conclusion" not in next_steps(drafted, city["p"].jw_officer).names()
    )


def test_conclusion_posted_from_the_card(city, drafted, walker, login):
    walker.submit(drafted)
    check.take_snapshot(drafted, trigger="test")
    match = Match.objects.filter(project=drafted).first()
    client = login(city["p"].bdb)
    prefix = f"record_match_conclusion-{match.pk}"
    url = reverse("core:act", args=["evidence.record_match_conclusion", match.pk])
    response = client.post(url, {f"{prefix}-conclusion": "reuse", f"{prefix}-note": ""})
    assert response.status_code == 422 and "请说明" in response.content.decode()
    response = client.post(url, {f"{prefix}-conclusion": "reuse", f"{prefix}-note": "复用卫健系统"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.conclusion == "reuse"


def test_project_page_shows_the_evidence_beside_the_card(city, drafted, walker, login):
    walker.submit(drafted)
    check.take_snapshot(drafted, trigger="test")
    page = login(city["p"].bdb).get(drafted.get_absolute_url()).content.decode()
    assert 'data-testid="evidence-panel"' in page and "电子健康档案共享调阅系统" in page
    assert 'data-testid="act-record-match-conclusion-open"' in page
    unit_page = login(city["p"].jw_officer).get(drafted.get_absolute_url()).content.decode()
    assert 'data-testid="evidence-panel"' in unit_page
    assert "act-record-match-conclusion" not in unit_page


def test_finding_page_offers_bdb_the_determination(city, drafted, login):
    check.scan_project(drafted)
    finding = drafted.collection_findings.get()
    page = login(city["p"].bdb).get(finding.get_absolute_url()).content.decode()
    assert 'data-testid="act-confirm-duplicate-collection-open"' in page
    assert "全员" not in page and "人口基础信息" in page
    unit_page = login(city["p"].jw_officer).get(finding.get_absolute_url()).content.decode()
    assert "act-confirm-duplicate-collection" not in unit_page
    listing = login(city["p"].bdb).get(reverse("evidence:findings") + "?state=open")
    assert "公民身份号码" in listing.content.decode()
    bad = login(city["p"].bdb).get(reverse("evidence:findings") + "?state=nonsense")
    assert "公民身份号码" not in bad.content.decode()


def _listed(walker, name, year, wan):
    from projects.models import ProjectState

    project = walker.create(name, wan, item_name="学生资助精准认定系统", year=year)
    project = walker.walk(project, ProjectState.LISTED)
    walker.publish(year)
    return project


def test_rolling_list_shows_three_years_with_totals(city, walker, login):
    year = today().year
    _listed(walker, "教育统计分析系统", year, "100")
    _listed(walker, "教育装备资产管理系统", year + 1, "200")
    _listed(walker, "校园安全预警系统", year + 2, "300")
    _listed(walker, "远期项目", year + 3, "400")
    walker.publish(year)  # the list of N holds N, N+1 and N+2 (Art. 8: 3年滚动)
    version = ProjectListVersion.objects.get(year=year, state="published")
    planned = {e.project_name: e.planned_year for e in version.entries.all()}
    assert planned == {"教育统计分析系统": year, "教育装备资产管理系统": year + 1,
                       "校园安全预警系统": year + 2}  # fmt: skip
    table = rolling.three_year_table(version)
    assert table.years == [year, year + 1, year + 2]
    assert list(table.totals.values()) == [Decimal(1000000), Decimal(2000000), Decimal(3000000)]
    [row] = table.rows
    wan = Decimal(10000)
    assert row.by_year == {year: 100 * wan, year + 1: 200 * wan, year + 2: 300 * wan}
    assert row.total == 600 * wan and table.total == 600 * wan
    # the page shows 万元 with two decimals (core.money.format_wan)
    assert row.cells == ["100.00", "200.00", "300.00"] == table.total_cells
    carried = {e.project_name for e in rolling.carry_forward(year + 1)}
    assert carried == {"教育装备资产管理系统", "校园安全预警系统"}
    walker.publish(year + 1)  # carries them forward and adds N+3
    later = ProjectListVersion.objects.get(year=year + 1, state="published")
    assert {e.project_name for e in later.entries.all()} == carried | {"远期项目"}
    response = login(city["p"].bdb).get(reverse("evidence:rolling_version", args=[version.pk]))
    assert 'data-testid="rolling-total"' in response.content.decode()
    list_page = login(city["p"].bdb).get(reverse("projects:list_version", args=[version.pk]))
    assert 'data-testid="rolling-link"' in list_page.content.decode()
    content = login(city["p"].bdb).get(reverse("evidence:rolling_xlsx", args=[version.pk]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert sheet.title == f"{year}—{year + 2}年滚动项目清单"
    assert [r[2] for r in rows[1:4]] == [
        "教育统计分析系统",
        "教育装备资产管理系统",
        "校园安全预警系统",
    ]
    # exact 万元 (core.xlsx): the 合计 row per year, then each unit's 小计
    [total] = [r for r in rows if r[0] == "合计"]
    assert total[4:] == [100, 200, 300, 600]
    [subtotal] = [r for r in rows if r[2] == "小计"]
    assert subtotal[0] == "重庆市教育委员会" and subtotal[4:] == [100, 200, 300, 600]


def test_carry_forward_reads_planned_years(city, walker):
    year = today().year
    _listed(walker, "教育统计分析系统", year, "100")
    version = ProjectListVersion.objects.get(year=year)
    entry = version.entries.get()
    entry.planned_year = year + 1  # as the projects chapter will store it
    table = rolling.three_year_table(version, [entry])
    assert table.rows[0].by_year == {year + 1: entry.amount}


def test_rolling_page_sums_by_unit_in_the_database_and_pages_the_entries(
    city, walker, login, settings, django_assert_max_num_queries
):
    """The page shows each unit's totals (summed by the database, equal to the spreadsheet's)
    and the entries a page at a time, by unit or searched; a project listed for N+1 after the
    list of N was published joins the rolling view of N."""
    year = today().year
    _listed(walker, "教育统计分析系统", year, "100")
    _listed(walker, "教育装备资产管理系统", year + 1, "200")
    version = ProjectListVersion.objects.get(year=year, state="published")
    _listed(walker, "智慧校园一卡通系统", year + 1, "50")  # listed in N+1's list only
    full, summed = rolling.three_year_table(version), rolling.unit_table(version)
    assert [(r.unit, r.by_year) for r in summed.rows] == [(r.unit, r.by_year) for r in full.rows]
    assert summed.total_cells == full.total_cells == ["100.00", "250.00", "0.00"]
    assert {e.project_name for e in rolling.window(version)} == {
        "教育统计分析系统", "教育装备资产管理系统", "智慧校园一卡通系统"}  # fmt: skip
    settings.GOVIT_PAGE_SIZE = 2
    client = login(city["p"].bdb)
    url = reverse("evidence:rolling_version", args=[version.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="rolling-unit-total"' in page and "250.00" in page
    assert "共 3 条，第 1/2 页" in page
    searched = client.get(url + "?q=一卡通").content.decode()
    assert "智慧校园一卡通系统" in searched and "教育统计分析系统" not in searched
    other = client.get(url + "?unit=重庆市卫生健康委员会").content.decode()
    assert "没有符合条件的项目" in other
    with django_assert_max_num_queries(15):
        client.get(url + "?unit=重庆市教育委员会")
