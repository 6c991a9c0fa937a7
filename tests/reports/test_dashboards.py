"""The dashboards over the demo city (issue 12, point 1): the figures counted by hand, the same
figures computed another way, and — for every bar of every chart — the list it drills into
showing the same number; downloads read back equal to the page; who may open which dashboard."""

import io
from collections import Counter
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import resolve
from openpyxl import load_workbook

from accounts.scoping import for_user
from catalog.filters import OMDecisionFilter
from catalog.services import latest_decisions
from core.filters import apply
from delivery.clocks import calendar_rows
from projects.models import Project, ProjectState
from reports import clocks, dashboards, portfolio
from reports.filters import PortfolioFilter, ReviewStepFilter
from reports.health import context

GOV, AUDITOR, UNIT = "szf_shenpi", "sjj_shenji", "jw_tianbao"


def charts(user, family="leadership", **params):
    fam = dashboards.FAMILIES[family]
    scope = dashboards.scope_for(user, params, unit_only=fam.unit_only)
    return {c.key: c for c in dashboards.compute(fam, scope)}


def values(chart, series=0):
    return dict(zip(chart.category_keys, chart.series[series].values, strict=True))


def test_figures_of_the_demo_city_counted_by_hand(city, db):
    got = charts(city[GOV])
    # 23 projects submitted (drafts are the units' own; one awaits BDB's list review), 18
    # listed, 11 approved, of which 7 started construction, 5 completed and 2 passed acceptance
    assert values(got["stages"]) == {
        "submitted": 23,
        "listed": 18,
        "evaluation": 17,
        "joint_review": 16,
        "drc_review": 15,
        "approved": 11,
        "building": 7,
        "completed": 5,
        "accepted": 2,
    }
    assert Project.objects.filter(state=ProjectState.APPROVED).count() == 11
    assert sum(values(got["health"]).values()) == 11  # every approved project is rated
    requested = values(got["money_year"])
    assert requested == {
        "2024": Decimal("35800000"),
        "2025": Decimal("27800000"),
        "2026": Decimal("40000000"),
        "2027": Decimal("76000000"),
        "2028": Decimal("138400000"),
    }


def test_overdue_clocks_equal_the_delivery_calendar(city, db):
    user = city[AUDITOR]
    chart = charts(user, "audit")["overdue"]
    calendar = Counter(row.item.kind for row in calendar_rows(user, status="overdue"))
    assert values(chart) == {k: calendar.get(k, 0) for k in clocks.KINDS}


def test_the_clock_phases_are_the_calendars():
    from delivery.clocks import CLOCK_PHASES

    assert set(clocks.CLOCK_PHASES) == set(CLOCK_PHASES)


def _params(link):
    parts = urlsplit(link)
    return resolve(parts.path).url_name, dict(parse_qsl(parts.query))


def _listed(user, link, chart_key, index):
    """What the list a bar links to shows: its count, or its totals for a money chart."""
    name, params = _params(link)
    if name == "projects":
        qs = apply(PortfolioFilter, params, Project.objects.for_user(user)).qs
        if chart_key.startswith("money"):
            return portfolio.totals(qs)
        if chart_key == "overdue":
            ctx = context()
            field = {
                "annual_report": "reports_overdue",
                "acceptance": "acceptance_late",
                "self_evaluation": "self_evaluation_late",
                "rectification": "rectifications_late",
            }[params["overdue"]]
            rows = clocks.with_clocks(qs, ctx.on, ctx.p).values_list(field, flat=True)
            return sum(rows)
        return qs.count()
    if name == "reviews":
        decided = dashboards.decided_reviews(Project.objects.for_user(user))
        return apply(ReviewStepFilter, params, decided).qs.count()
    assert name == "om_list", link
    return apply(OMDecisionFilter, params, latest_decisions(user)).qs.count()


@pytest.mark.parametrize("family", list(dashboards.FAMILIES))
def test_every_bar_equals_the_list_it_drills_into(city, db, family):
    username = {
        "leadership": GOV,
        "bdb": "dsj_shenhe",
        "drc": "fgw_jingban",
        "finance": "czj_jingban",
        "audit": AUDITOR,
        "unit": UNIT,
    }[family]
    user = city[username]
    for key, chart in charts(user, family).items():
        for i, link in enumerate(chart.links):
            listed = _listed(user, link, key, i)
            if key.startswith("money"):
                for series in chart.series:
                    assert listed[series.key] == series.values[i], (key, link, series.key)
            elif key == "reviews":
                assert listed == chart.series[0].values[i], (key, link)
            else:
                assert listed == chart.series[0].values[i], (key, link)


def test_filters_narrow_every_chart_and_the_list(city, db):
    user = city[GOV]
    unit = Project.objects.filter(state=ProjectState.APPROVED).values_list("unit_id", flat=True)[0]
    got = charts(user, year="2026", unit=str(unit), kind="new")
    assert set(got["money_year"].category_keys) <= {"2026"}
    assert all("year=2026" in link and f"unit={unit}" in link for link in got["stages"].links)
    expected = Project.objects.filter(year=2026, unit_id=unit, kind="new").exclude(state="draft")
    assert values(got["stages"])["submitted"] == expected.count()


def test_a_unit_sees_only_its_own_projects(city, db):
    user = city[UNIT]
    mine = charts(user, "unit")
    own = Project.objects.filter(unit__memberships__user=user).exclude(state="draft").distinct()
    assert values(mine["stages"])["submitted"] == own.count()
    assert values(mine["stages"])["submitted"] < values(charts(city[GOV])["stages"])["submitted"]


def test_who_may_open_which_dashboard(city, client, db):
    client.force_login(city[UNIT])
    assert client.get("/reports/unit/").status_code == 200
    assert client.get("/reports/leadership/").status_code == 404
    assert client.get("/reports/").url.endswith("/reports/unit/")
    client.force_login(city[GOV])
    page = client.get("/reports/leadership/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="report-data"' in body and "reports/vendor/echarts.min.js" in body
    assert "<script>" not in body  # no inline script (CSP)


def test_an_invalid_filter_is_refused_not_ignored(city, client, db):
    client.force_login(city[GOV])
    assert client.get("/reports/leadership/?year=abc").status_code == 422
    assert client.get("/reports/leadership.xlsx?kind=nonsense").status_code == 422
    assert client.get("/reports/projects.xlsx?health=9").status_code == 422


def test_the_dashboard_download_reads_back_equal_to_the_page(city, client, db):
    user = city[GOV]
    client.force_login(user)
    response = client.get("/reports/leadership.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    got = charts(user)
    assert wb.sheetnames == [c.title for c in got.values()]
    for chart in got.values():
        ws = wb[chart.title]
        assert ws.auto_filter.ref
        for i, label in enumerate(chart.categories):
            row = [c.value for c in ws[i + 2]]
            assert row[0] == label
            for j, series in enumerate(chart.series, start=1):
                expected = series.values[i]
                if series.money:
                    assert Decimal(str(row[j])) == Decimal(expected) / 10000
                else:
                    assert Decimal(str(row[j])) == Decimal(expected)


def test_the_project_list_export_keeps_its_filters_and_totals(city, client, db):
    user = city[GOV]
    client.force_login(user)
    response = client.get("/reports/projects.xlsx?stage=approved&year=2026")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "项目清单"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    data, total = rows[:-1], rows[-1]
    qs = apply(PortfolioFilter, {"stage": "approved", "year": "2026"}, for_user(Project, user)).qs
    assert len(data) == qs.count() and total[0] == "合计"
    sums = portfolio.totals(qs)
    for column, key in zip(range(6, 12), portfolio.MONEY, strict=True):
        assert Decimal(str(total[column] or 0)) == sums[key] / 10000
        assert sum(Decimal(str(r[column] or 0)) for r in data) == Decimal(str(total[column] or 0))


def test_the_portfolio_is_what_each_person_sees(city, db):
    # the shortcut for readers of every project gives exactly Project.objects.for_user
    for user in city.values():
        fast = set(dashboards.portfolio_of(user).values_list("pk", flat=True))
        assert fast == set(Project.objects.for_user(user).values_list("pk", flat=True)), user
