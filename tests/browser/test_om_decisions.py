"""O&M funding decisions in the browser (Art. 31, 32): a Finance officer opens the O&M decision
list, runs the decision for the next budget year, filters to ineligible systems, opens one and
sees the articles and the facts behind it.

The systems are set up with ``catalog.actions`` (the unit registers, BDB curates); everything
from there on is done by 市财政局's officer in the browser."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from catalog import actions
from core.dates import today
from core.jobs import run_job
from core.models import BackgroundJob
from tests.browser.helpers import login

# serialized_rollback: the policy versions loaded by migrations survive the flush between
# transactional tests (a decision is stamped with the policy in force).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

YEAR = today().year + 1
RECENT = (today() - dt.timedelta(days=60)).isoformat()
ELIGIBLE = ("JW-SYS-101", "教育统计分析系统")
CRYPTO = ("JW-SYS-102", "学籍管理系统")
UNCATALOGUED = ("JW-SYS-103", "教师资格认定系统")


def register(officer, code, name, **over):
    """A sound system of the officer's unit (both assessments passed recently, in use)."""
    fields = {
        "category": "business",
        "mlps_level": 3,
        "mlps_filing_number": "50010399001-00001",
        "mlps_evaluated_on": RECENT,
        "mlps_result": "pass",
        "crypto_assessed_on": RECENT,
        "crypto_result": "pass",
        "users_count": 1200,
        "monthly_visits": 35000,
        "last_maintained_on": (today() - dt.timedelta(days=20)).isoformat(),
    }
    fields.update(over)
    return actions.register_system(
        acting_user=officer, unit=officer.primary_organisation, code=code, name=name, **fields
    )


def test_finance_filters_ineligible_systems_and_sees_articles(
    live_server, page, artifacts, personas
):
    base = live_server.url
    officer, bdb = personas.jw_officer, personas.bdb
    # one eligible system: curated into the master catalog, MLPS and crypto passed
    actions.curate_system(register(officer, *ELIGIBLE), acting_user=bdb)
    # one curated, but its 密评 concluded 不符合 (Art. 32)
    actions.curate_system(register(officer, *CRYPTO, crypto_result="fail"), acting_user=bdb)
    # one sound, but never curated into the master catalog (Art. 31)
    register(officer, *UNCATALOGUED)

    # 市财政局's officer signs in and opens 目录与运维 → 运维经费决定
    login(page, base, "czj_jingban")
    page.wait_for_url(f"{base}/")
    todo = page.get_by_test_id("todo").filter(has_text=f"{YEAR} 年运维经费决定")
    assert todo.count() == 1  # the workbench reminds Finance of the coming budget year
    page.get_by_role("button", name="目录与运维").click()
    page.get_by_role("link", name="运维经费决定", exact=True).click()
    page.get_by_role("heading", name="运维经费决定").wait_for()
    assert f"尚未生成 {YEAR} 年的运维经费决定。" in page.get_by_test_id("missing-run").inner_text()
    assert page.get_by_text("尚未生成运维经费决定").is_visible()

    # runs the decision for the budget year
    run = page.get_by_test_id("run-form")
    run.get_by_label("预算年度").fill(str(YEAR))
    run.get_by_role("button", name="按现行政策逐系统判定").click()
    # the run is a background job: its page shows it queued until a task worker takes it
    page.get_by_role("heading", name=f"生成 {YEAR} 年运维经费决定").wait_for()
    expect(page.get_by_role("progressbar", name="处理进度")).to_be_visible()
    run_job.call(BackgroundJob.objects.get(owner=personas.finance, kind="core.action").pk)
    expect(page.get_by_test_id("job-summary")).to_contain_text(
        f"已生成 {YEAR} 年运维经费决定：3 个系统，1 个可安排，2 个不予安排", timeout=10_000
    )
    page.get_by_test_id("job-result").click()
    page.get_by_role("heading", name="运维经费决定").wait_for()
    assert page.get_by_test_id("missing-run").count() == 0
    summary = page.get_by_test_id("om-summary").get_by_role("row").filter(has_text=str(YEAR))
    assert summary.get_by_role("cell").nth(1).inner_text() == "3"
    assert summary.get_by_role("cell").nth(2).inner_text() == "1"
    assert summary.get_by_role("cell").nth(3).inner_text() == "2"
    assert page.get_by_test_id("om-row").count() == 3
    page.screenshot(path=str(artifacts / "om-decisions-1-run.png"), full_page=True)

    # filters to the ineligible systems of the year
    filters = page.get_by_test_id("filters")
    filters.get_by_label("预算年度").fill(str(YEAR))
    filters.get_by_label("结论").select_option(label="不予安排")
    filters.get_by_role("button", name="查询").click()
    page.wait_for_url("**eligible=0**")
    rows = page.get_by_test_id("om-row")
    assert rows.count() == 2
    listed = page.get_by_test_id("om-decisions").inner_text()
    assert CRYPTO[1] in listed and UNCATALOGUED[1] in listed and ELIGIBLE[1] not in listed
    for row in rows.all():
        assert row.get_attribute("data-eligible") == "0"
        assert "✗ 不予安排" in row.inner_text()
    crypto_row = rows.filter(has_text=CRYPTO[1])
    assert "第三十二条 · R32.1" in crypto_row.inner_text()
    uncatalogued_row = rows.filter(has_text=UNCATALOGUED[1])
    assert "第三十一条 · R31.3" in uncatalogued_row.inner_text()
    page.screenshot(path=str(artifacts / "om-decisions-2-ineligible.png"), full_page=True)
    filtered = page.url

    # opens the crypto one: Art. 32 and the 密评 fact behind it
    crypto_row.get_by_role("link", name="查看理由").click()
    page.get_by_role("heading", name=f"{YEAR} 年度运维经费决定").wait_for()
    assert CRYPTO[0] in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("outcome").inner_text().strip() == "✗ 不予安排运行维护经费"
    reason = page.get_by_test_id("reason").filter(has_text="第三十二条")
    assert reason.count() == 1
    assert reason.get_attribute("data-rule") == "R32.1"
    text = reason.inner_text()
    assert "第三十二条 · R32.1" in text
    assert f"系统“{CRYPTO[1]}”密码应用安全性评估结论为“不符合”（第三十二条）。" in text
    assert "怎么办：请按密评意见整改并重新评估。" in text
    facts = reason.get_by_test_id("facts")
    fact_text = facts.inner_text()
    assert "密评结论" in fact_text and "不符合" in fact_text
    assert "最近密评日期" in fact_text and RECENT in fact_text
    assert page.get_by_test_id("reason").count() == 1  # nothing else holds it back
    # the policy by its name; the code in a tooltip (issue 18, point 3)
    policy = page.get_by_test_id("policy")
    assert policy.inner_text() == "重庆市市级政务信息化项目管理办法"
    assert policy.locator("[title]").get_attribute("title") == "cq-municipal-2021"
    page.screenshot(path=str(artifacts / "om-decisions-3-crypto-art32.png"), full_page=True)

    # back to the filtered list, opens the other: Art. 31, not in the master catalog
    page.go_back()
    page.wait_for_url(filtered)
    page.get_by_test_id("om-row").filter(has_text=UNCATALOGUED[1]).get_by_role(
        "link", name="查看理由"
    ).click()
    page.get_by_role("heading", name=f"{YEAR} 年度运维经费决定").wait_for()
    assert UNCATALOGUED[0] in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("outcome").inner_text().strip() == "✗ 不予安排运行维护经费"
    reason = page.get_by_test_id("reason").filter(has_text="第三十一条")
    assert reason.count() == 1
    assert reason.get_attribute("data-rule") == "R31.3"
    text = reason.inner_text()
    assert "第三十一条 · R31.3" in text
    assert "未纳入市级政务信息系统总目录，财政部门不予安排运行维护经费（第三十一条）。" in text
    assert "已纳入总目录" in reason.get_by_test_id("facts").inner_text()
    assert page.get_by_test_id("reason").filter(has_text="第三十二条").count() == 0
    page.screenshot(path=str(artifacts / "om-decisions-4-uncatalogued-art31.png"), full_page=True)
