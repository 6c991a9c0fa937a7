"""The dashboards in a real browser (issue 12, point 1): each role family signs in, opens its
dashboard, sees ECharts draw every chart from the platform's own static files (no CDN, no inline
script), drills down from a chart to the list behind it and opens a record from there; the
public page draws its charts for anyone."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from reports.dashboards import FAMILIES
from tests.browser.helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROLE_OF = {
    "leadership": "szf_shenpi",
    "bdb": "dsj_shenhe",
    "drc": "fgw_jingban",
    "finance": "czj_jingban",
    "audit": "sjj_shenji",
    "unit": "jw_tianbao",
}


@pytest.fixture
def demo_city(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)


def drawn(page, key):
    chart = page.locator(f'[data-chart="{key}"]')
    chart.wait_for()
    page.wait_for_function(
        "key => document.querySelector(`[data-chart=\"${key}\"]`).dataset.drawn === '1'", arg=key
    )
    assert chart.locator("canvas").count() >= 1
    return chart


def test_each_role_opens_its_dashboard_and_drills_down_to_a_record(
    demo_city, live_server, page, artifacts
):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    missing: list[str] = []
    page.on(
        "response",
        lambda r: missing.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for family, username in ROLE_OF.items():
        login(page, live_server, username)
        page.goto(f"{live_server.url}/reports/{family}/")
        for key in FAMILIES[family].charts:
            drawn(page, key)
        page.screenshot(path=str(artifacts / f"dashboard-{family}.png"), full_page=True)
        # the funnel (or the first chart) drills into the portfolio list: click its first bar
        first = FAMILIES[family].charts[0]
        chart = drawn(page, first)
        box = chart.bounding_box()
        with page.expect_navigation():
            if first == "stages":  # the funnel's widest layer, at the top centre
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.23)
            else:  # a bar chart: its figures table links to the same list
                page.get_by_test_id(f"drill-{first}-0").click()
        assert "/reports/projects/" in page.url
        rows = page.get_by_test_id("portfolio-project")
        assert rows.count() >= 1, (family, page.url)
        with page.expect_navigation():
            rows.first.click()
        assert "/projects/" in page.url and "/reports/" not in page.url
    assert not errors, errors  # no script error (ECharts, charts.js)
    assert not missing, missing  # every asset is served
    assert all(url.startswith(live_server.url) for url in requests), "an asset from elsewhere"


def test_the_public_page_draws_its_charts_without_sign_in(demo_city, live_server, page):
    page.goto(f"{live_server.url}/open/")
    for key in ("open_stages", "open_money", "open_health"):
        drawn(page, key)
    assert page.get_by_test_id("open-projects").locator("tbody tr").count() >= 1
