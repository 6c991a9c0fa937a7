"""The money of an approved project in the browser (Art. 10, 26): DRC compiles and publishes
the annual plan, Finance enters a budget that differs from it and the reconciliation shows the
mismatch; the unit records the approved baseline, files a 10 % change (a filing) and then a
change that takes the cumulative to 16 % (needs approval).

The approved project and its performance table are set up with the real actions
(``projects.walk.Walker``); everything after that is clicks and typing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.demo import seed_directory
from investment.actions import save_performance_table
from investment.models import IndicatorCategory
from planning.demo import seed_planning
from projects.walk import Walker

from .helpers import login, shot, submit_form

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the policies and the indicator tree loaded by migrations survive
    # the flush between transactional tests
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def full_indicators():
    """One indicator under every second-level category (as tests/investment/conftest.py)."""
    return [
        {
            "category": c.pk,
            "name": f"{c.name}示例",
            "target_value": "100",
            "unit": "%",
            "is_quantitative": True,
            "formula": "完成数/计划数×100%",
        }
        for c in IndicatorCategory.objects.filter(parent__isnull=False)
    ]


@pytest.fixture
def approved_800(settings, tmp_path):
    """学生资助精准认定系统 of 市教委: 800万, single stage, approved, with a complete
    performance table for its year."""
    settings.MEDIA_ROOT = tmp_path / "media"
    people = seed_directory()
    seed_planning(people)
    walker = Walker(people)
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "approved")
    save_performance_table(
        project,
        acting_user=walker.officer,
        year=project.year,
        overall_goal="实现学生资助对象精准认定。",
        indicators=full_indicators(),
    )
    assert project.state == "approved"
    return project


def nav(page, group, item):
    """Open a page from the navigation bar: group ▸ item."""
    page.get_by_role("button", name=group).click()
    with page.expect_navigation():
        page.get_by_role("link", name=item, exact=True).click()


def alert(page, text):
    return page.locator("main .alert[role=alert]").filter(has_text=text)


def offer(page, name):
    """The card's offer of the action ``investment.<name>``."""
    return page.locator(f"[data-action='investment.{name}']")


def do(page, name):
    """Open the offer's form (if it has one) and press its button; an official act is
    confirmed in the dialog."""
    found = offer(page, name)
    testid = f"act-{name.replace('_', '-')}"
    opener = found.get_by_test_id(f"{testid}-open")
    if opener.count():
        opener.click()
    button = found.get_by_test_id(testid)
    if button.get_attribute("data-confirm"):
        button.click()
        submit_form(page, page.locator("#govit-confirm [data-confirm-ok]"))
    else:
        submit_form(page, button)


def publish_annual_plan(page, live_server, year, code, amount, snap=None):
    """DRC opens the year's plan version, compiles it (the one eligible project, ``code``, of
    ``amount`` 万元) and publishes it (Art. 10)."""
    login(page, live_server, "fgw_jingban")
    nav(page, "投资与资金", "年度投资计划")
    with page.expect_navigation():
        page.get_by_test_id("open-version").click()
    page.get_by_label("年度").fill(str(year))
    page.get_by_label("编制或调整依据").fill(f"{year}年度市级政务信息化投资计划编制。")
    submit_form(page, "act-submit")
    expect(alert(page, f"已开始编制 {year} 年度投资计划版本。")).to_be_visible()
    candidate = page.get_by_test_id("candidate").filter(has_text=code)
    expect(candidate).to_contain_text("符合条件")

    do(page, "compile_plan")
    expect(page.get_by_test_id("compile-result")).to_contain_text(
        "纳入 1 个项目；0 个项目不符合条件"
    )
    entry = page.get_by_test_id("entry").filter(has_text=code)
    expect(entry).to_contain_text(amount)
    if snap:
        snap(1, "drc-plan-compiled")

    with page.expect_navigation():
        page.get_by_test_id("draft-tab").click()
    do(page, "publish_plan")
    expect(alert(page, f"{year} 年度投资计划已发布")).to_be_visible()
    version = page.get_by_test_id("plan-version")
    expect(version).to_contain_text("已发布")
    expect(page.get_by_test_id("plan-totals")).to_contain_text(f"共 1 个项目，合计 {amount} 万元")
    if snap:
        snap(2, "drc-plan-published")


def enter_budget(page, live_server, year, code, amount):
    """Finance enters the year's budget of ``amount`` 万元 for the project ``code``."""
    login(page, live_server, "czj_jingban")
    nav(page, "投资与资金", "预算")
    with page.expect_navigation():
        page.get_by_test_id("add-budget").click()
    page.get_by_label("项目编号").fill(code)
    submit_form(page, "pick")
    page.get_by_label("预算年度").fill(str(year))
    page.get_by_label("预算金额").fill(amount)
    page.get_by_label("预算科目").fill("政务信息化建设专项")
    page.get_by_label("备注").fill("首批安排")
    submit_form(page, "act-submit")
    expect(alert(page, f"已为 {code} 安排 {year} 年预算。")).to_be_visible()


def test_investment_plan_budget_reconciliation_and_changes(
    approved_800, live_server, page, artifacts
):
    project = approved_800
    year, code = project.year, project.code

    def snap(n, name):
        shot(page, artifacts, f"investment-{n:02d}-{name}")

    # -- DRC compiles and publishes the year's plan (Art. 10) --------------------------------
    publish_annual_plan(page, live_server, year, code, "800.00", snap)

    # -- Finance enters a budget of a different amount: the seeded mismatch (R10.2) ----------
    enter_budget(page, live_server, year, code, "600")
    # saved with the warning of R10.2.amount beside the line
    expect(page.get_by_test_id("line-warnings")).to_contain_text("将列入对账差异")
    snap(3, "finance-budget-entered")

    nav(page, "投资与资金", "预算与计划对账")
    page.get_by_label("年度").select_option(str(year))
    submit_form(page, page.get_by_role("button", name="切换"))
    expect(page.get_by_role("heading", name=f"{year}年预算与投资计划对账")).to_be_visible()
    row = page.get_by_test_id("recon-row").filter(has_text=code)
    expect(row).to_contain_text("预算与计划金额不一致")
    cells = row.locator("td")
    expect(cells.nth(3)).to_have_text("800.00")  # plan
    expect(cells.nth(4)).to_have_text("600.00")  # budget
    expect(cells.nth(5)).to_have_text("-200.00")  # difference
    expect(page.get_by_test_id("recon-totals")).to_contain_text("第1版")
    snap(4, "finance-reconciliation-mismatch")

    # -- the unit records the approved baseline (two estimate items) --------------------------
    login(page, live_server, "jw_tianbao")
    nav(page, "建设与验收", "建设项目")
    with page.expect_navigation():
        page.get_by_role("link", name=project.name).first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="资金与变更").click()
    expect(page.get_by_test_id("project-header")).to_contain_text(code)
    expect(page.get_by_test_id("plan-and-budget")).to_contain_text(f"{year}年计划")
    with page.expect_navigation():
        page.get_by_test_id("act-set-baseline").click()
    rows = page.get_by_test_id("item-rows").locator("tbody tr")
    rows.nth(0).get_by_label("概算项目名称").fill("应用系统开发")
    rows.nth(0).get_by_label("金额（万元）").fill("500")
    rows.nth(1).get_by_label("概算项目名称").fill("硬件设备购置")
    rows.nth(1).get_by_label("金额（万元）").fill("300")
    page.get_by_label("建设目标").fill("建成学生资助对象精准认定系统，覆盖全市中小学和高校。")
    page.get_by_label("计划建成日期").fill(f"{year + 1}-06-30")
    snap(5, "unit-baseline-form")
    submit_form(page, "save-baseline")
    expect(alert(page, "已登记批复基线")).to_be_visible()
    baseline = page.get_by_test_id("baseline")
    expect(baseline).to_contain_text("应用系统开发")
    expect(baseline).to_contain_text("批复总投资 800.00 万元")

    # -- a 10 % change: filed by the unit (Art. 26 ¶1) ----------------------------------------
    def file_change(software, hardware, reason):
        with page.expect_navigation():
            page.get_by_test_id("act-submit-change").click()
        items = page.get_by_test_id("item-rows")
        items.get_by_role("row").filter(has_text="应用系统开发").get_by_label("金额（万元）").fill(
            software
        )
        items.get_by_role("row").filter(has_text="硬件设备购置").get_by_label("金额（万元）").fill(
            hardware
        )
        page.get_by_label("适用情形（第二十六条）").select_option(
            label="（二）确需对原项目技术方案进行完善优化"
        )
        page.get_by_label("建设内容调整").fill("将部分软件开发经费调整用于硬件设备购置。")
        page.get_by_label("调整理由").fill(reason)
        submit_form(page, "submit-change")

    file_change("420", "380", "技术方案优化，国产化服务器数量增加。")
    expect(alert(page, "四项条件均满足")).to_be_visible()
    expect(page.get_by_test_id("classification")).to_have_text("建设单位调整并备案")
    expect(page.get_by_test_id("change-state")).to_have_text("已备案（生效）")
    conditions = page.get_by_test_id("condition")
    expect(conditions).to_have_count(4)
    for n in range(4):
        expect(conditions.nth(n)).to_have_attribute("data-passed", "1")
        expect(conditions.nth(n)).to_contain_text("✓")
    expect(page.get_by_test_id("conditions")).not_to_contain_text("✗")
    ratio = page.locator("[data-testid=condition][data-key=ratio]")
    expect(ratio).to_contain_text("累计调整金额（万元）：80.00")
    expect(page.get_by_test_id("change-diff")).to_contain_text(
        "本次调整金额 80.00 万元，累计 80.00 万元"
    )
    snap(6, "unit-change-10pct-filed")

    # -- a further 48万 takes the cumulative to 128万 = 16 %: needs approval --------------------
    with page.expect_navigation():
        # the breadcrumb back to the project's money page
        page.get_by_role("navigation", name="当前位置").get_by_role(
            "link", name="资金与变更"
        ).click()
    expect(page.get_by_test_id("changes")).to_contain_text("建设单位调整并备案")
    file_change("372", "428", "业务发展需要，继续增加硬件设备。")
    expect(alert(page, "须履行审批手续：已提交市发展改革委审批")).to_be_visible()
    expect(page.get_by_test_id("classification")).to_have_text("须履行审批手续")
    expect(page.get_by_test_id("change-state")).to_have_text("待发展改革委审批")
    ratio = page.locator("[data-testid=condition][data-key=ratio]")
    expect(ratio).to_have_attribute("data-passed", "0")
    expect(ratio).to_contain_text("✗")
    expect(ratio).to_contain_text("第二十六条")
    expect(ratio).to_contain_text("累计调整金额（万元）：128.00")
    expect(ratio).to_contain_text("上限（万元）：120.00")
    for key in ("total", "goals", "circumstance"):
        expect(page.locator(f"[data-testid=condition][data-key={key}]")).to_contain_text("✓")
    expect(page.get_by_test_id("conditions")).to_contain_text("须市发展改革委审批")
    snap(7, "unit-change-16pct-needs-approval")
