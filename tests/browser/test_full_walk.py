"""The walk from draft to archive as each role meets none of the problems of issue 18: one
project of 800万 (the single-stage path, unit-organised acceptance) from the unit's draft to
its approval, its money (performance table, annual plan, budget, a payment), its construction,
completion acceptance, go-live and electronic archive, in the browser.

The approval reuses ``test_approval_lifecycle``'s desk and steps; construction is done on the
delivery page's "您现在可以办理" card (the same actions ``tests/delivery/helpers.py``'s
``prepare``, ``carry`` and ``upload_materials`` take directly), acceptance with
``test_acceptance``'s steps. On every page the browser loads, whoever is signed in,
``walks.PageChecker`` checks that no internal code is shown and that an object's page has its
card; each official act is confirmed in the dialog that says what it does."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from core.dates import today
from delivery.archive import verify
from delivery.services import ACCEPTANCE_MATERIALS

from .helpers import submit_form
from .test_acceptance import (
    assert_all_materials_present,
    do,
    file_unit_acceptance,
    open_from_delivery_list,
    open_offer,
    open_todo,
    record_archive_acceptance,
)
from .test_approval_lifecycle import (
    SINGLE_STAGE_NAME,
    Desk,
    labelled,
    seeded,  # noqa: F401  (the fixture: the directory, the master plan, the catalogue)
    single_stage_to_approval,
    upload,
)
from .test_investment import enter_budget, publish_annual_plan
from .walks import PageChecker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# official acts of the walk: each asks "are you sure" in a dialog saying what it does
OFFICIAL = {
    "projects.submit_project",
    "projects.decide_list_review",
    "projects.accept_project",
    "projects.submit_evaluation_report",
    "projects.give_joint_opinion",
    "projects.approve_project",
    "delivery.start_construction",
    "delivery.complete_construction",
    "delivery.accept_archives",
    "delivery.file_unit_acceptance",
}


class CheckedDesk(Desk):
    """The approval walk's desk, also checking each form as it is sent (the forms are closed
    when a page loads) and noting which acts asked for confirmation."""

    def __init__(self, *args, checker, **kwargs):
        super().__init__(*args, **kwargs)
        self.checker = checker
        self.confirmed: set[str] = set()

    def do(self, name, offer=None):
        offer = offer if offer is not None else self.act(name)
        self.checker.check()
        if self.button(offer, name).get_attribute("data-confirm"):
            self.confirmed.add(f"projects.{name}")
        super().do(name, offer)


def act_on_delivery(desk, name, fields=None):
    """Open the delivery card's offer ``delivery.<name>``, fill ``fields`` ({label: value};
    a value starting with ``option:`` selects that option), check the page and press."""
    page = desk.page
    form = open_offer(page, name)
    for label, value in (fields or {}).items():
        field = labelled(form, label)
        if value.startswith("option:"):
            field.select_option(label=value.removeprefix("option:"))
        elif value == "first":
            field.select_option(index=1)
        else:
            field.fill(value)
    desk.checker.check()
    if form.get_by_test_id(f"act-{name.replace('_', '-')}").get_attribute("data-confirm"):
        desk.confirmed.add(f"delivery.{name}")
    do(page, name, form)


def opened(desk, name):
    """Open the offer's form (a walk's helper goes on to fill it), check the page and note
    whether its button asks for confirmation."""
    form = open_offer(desk.page, name)
    desk.checker.check()
    if form.get_by_test_id(f"act-{name.replace('_', '-')}").get_attribute("data-confirm"):
        desk.confirmed.add(f"delivery.{name}")


def _path_of(url):
    return re.sub(r"^https?://[^/]+", "", url).split("#")[0]


def expect_phase(page, label):
    expect(page.get_by_test_id("phase")).to_have_text(label)


# -- construction, on the delivery page (Art. 16, 22, 23, 28) -----------------------------------


def open_delivery(desk):
    """From the project page, its 建设与验收 page."""
    page = desk.as_("jw_tianbao")
    with page.expect_navigation():
        page.get_by_test_id("delivery-link").click()
    desk.project_url = page.url.split("#")[0]  # each role comes back here from now on
    expect_phase(page, "开工准备")


def prepare_start(desk, on):
    """What ``tests/delivery/helpers.py``'s ``prepare`` records, by the unit on its card, then
    the start of construction."""
    page = desk.page
    start = page.locator("[data-testid=offer-blocked][data-action='delivery.start_construction']")
    expect(start).to_contain_text("项目实施机构")  # the card says what is missing and why
    act_on_delivery(
        desk,
        "set_implementation",
        {"项目实施机构": "市教委信息中心", "项目负责人": "张明", "负责人电话": "023-00000000"},
    )
    desk.expect_message("已保存项目实施机构和负责人")
    act_on_delivery(
        desk, "assign_supervisor", {"工程监理单位": "first", "监理合同编号": "JL-2026-01"}
    )
    desk.expect_message("已登记工程监理单位")
    expect(page.get_by_test_id("supervisor")).to_contain_text("JL-2026-01")

    # the procurement contract: 采购与合同 ▸ 登记合同
    with page.expect_navigation():
        page.get_by_test_id("start-section").get_by_role("link", name="登记合同").click()
    form = page.get_by_test_id("act-form")
    form.get_by_label("合同编号").fill("HT-2026-001")
    form.get_by_label("合同名称").fill("学生资助精准认定系统开发合同")
    form.get_by_label("供应商").fill("重庆某科技有限公司")
    form.get_by_label("采购方式").select_option(label="公开招标")
    form.get_by_label("合同金额").fill("500")
    form.get_by_label("签订日期").fill(on)
    desk.checker.check()
    desk.shot("unit-contract-form")
    with page.expect_navigation():
        page.get_by_test_id("act-submit").click()
    desk.expect_message("已登记合同。")
    page.goto(desk.project_url)
    expect(page.get_by_test_id("contracts")).to_contain_text("HT-2026-001")

    act_on_delivery(desk, "start_construction", {"开工日期": on})
    desk.expect_message("已登记开工")
    expect_phase(page, "建设中")
    desk.shot("unit-started")


def build(desk, on):
    """A milestone planned and done, the trial run, completion (``carry``)."""
    page = desk.page
    act_on_delivery(
        desk,
        "add_milestone",
        {"里程碑名称": "系统上线试运行", "计划完成日期": on, "权重": "100"},
    )
    desk.expect_message("已新增里程碑。")
    act_on_delivery(desk, "complete_milestone", {"实际完成日期": on})
    desk.expect_message("已登记里程碑完成。")
    expect(page.get_by_test_id("progress")).to_have_text(re.compile(r"完成 100(\.0)?%"))
    act_on_delivery(desk, "start_trial", {"试运行开始日期": on})
    expect_phase(page, "试运行")
    act_on_delivery(desk, "complete_construction", {"建成日期": on})
    expect_phase(page, "已建成，待验收")
    desk.shot("unit-completed")


def fill_performance_table(desk, project_url):
    """The unit's performance table of the project's year (Art. 10), one indicator under each
    second-level one, from the project page's card: the annual plan takes only a complete
    table."""
    page = desk.page
    page.goto(project_url)
    table = page.locator("[data-action='investment.save_performance_table']")
    with page.expect_navigation():
        table.get_by_test_id("act-save-performance-table").click()
    labelled(page, "总体目标").fill("实现学生资助对象精准认定，资助发放零差错。")
    rows = page.locator("[data-testid=indicator-root] tbody tr:has(th)")  # each group's first
    for n in range(rows.count()):
        row = rows.nth(n)
        row.get_by_label("三级指标").fill(f"{row.locator('th').inner_text().strip()}示例")
        row.get_by_label("指标值").fill("100")
        row.get_by_label("计量单位").fill("%")
        row.get_by_label("定量指标").check()
        row.get_by_label("计算公式").fill("完成数/计划数×100%")
    desk.checker.check()
    submit_form(page, "save-table")
    expect(page.get_by_test_id("table-status")).to_contain_text("绩效目标表完整")
    desk.shot("unit-performance-table")


def pay(desk, project_url, on):
    """The unit pays against its contract from the budget line (Art. 25), on the project
    page's card."""
    page = desk.page
    page.goto(project_url)
    offer = page.locator("[data-action='investment.record_payment']")
    offer.get_by_test_id("act-record-payment-open").click()
    labelled(offer, "预算指标").select_option(index=1)
    labelled(offer, "支付日期").fill(on)
    labelled(offer, "支付金额").fill("300")
    labelled(offer, "收款人").fill("重庆某科技有限公司")
    labelled(offer, "国库支付凭证号").fill("GK-2026-000001")
    desk.checker.check()
    button = offer.get_by_test_id("act-record-payment")
    if button.get_attribute("data-confirm"):
        button.click()
        submit_form(page, page.locator("#govit-confirm [data-confirm-ok]"))
    else:
        submit_form(page, button)
    desk.expect_message("已登记支付。")
    desk.shot("unit-paid")


def upload_acceptance_materials(desk):
    """Every material of Art. 28 (``upload_materials``), in the page's documents panel."""
    for title in ACCEPTANCE_MATERIALS.values():
        upload(desk, str(title), str(title), f"{title}.pdf")
    assert_all_materials_present(desk.page)
    desk.shot("unit-materials")


# -- the archive (Art. 29, R29.1) ---------------------------------------------------------------


def export_archive(desk, code):
    """The project's complete electronic archive, downloaded from its delivery page: a zip
    whose manifest and digests check out."""
    page = desk.page
    with page.expect_download() as info:
        page.get_by_test_id("export-archive").click()
    download = info.value
    assert download.suggested_filename == f"{code}-电子档案.zip"
    with open(download.path(), "rb") as fh:
        problems, warnings, manifest = verify(io.BytesIO(fh.read()))
    assert problems == [] and warnings == []
    assert manifest["project"]["code"] == code
    assert manifest["counts"]["documents"] >= len(ACCEPTANCE_MATERIALS) + 2
    return manifest


# -- the walk -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("seeded")
def test_800wan_project_from_draft_to_archive_as_every_role(live_server, page, artifacts):
    checker = PageChecker(page)
    desk = CheckedDesk(page, live_server, artifacts, "full-walk", checker=checker)
    on = today().isoformat()

    year = today().year + 2  # the master plan's year of the item
    single_stage_to_approval(desk, year)
    project_url = desk.project_url
    expect(page.get_by_test_id("approval-path")).to_contain_text("一次审批")
    desk.shot("drc-approved")

    open_delivery(desk)
    code = page.locator("[data-testid=delivery-header] h1 small").inner_text().strip()
    project = SimpleNamespace(
        name=SINGLE_STAGE_NAME, pk=int(re.search(r"/projects/(\d+)/", page.url)[1])
    )
    prepare_start(desk, on)
    delivery_url = desk.project_url

    # the money: the unit's performance table, DRC's annual plan, Finance's budget, a payment
    fill_performance_table(desk, project_url)
    publish_annual_plan(page, live_server, year, code, "800.00")
    desk.shot("drc-plan-published")
    enter_budget(page, live_server, year, code, "800")
    desk.shot("finance-budget")
    desk.as_("jw_tianbao")
    pay(desk, project_url, on)

    page.goto(delivery_url)
    build(desk, on)
    upload_acceptance_materials(desk)

    # BDB: the archive acceptance, from its workbench's to-do
    desk.as_("dsj_shenhe")
    page.goto(f"{desk.base}/")
    open_todo(page, f"档案验收：{code}")
    opened(desk, "accept_archives")  # record_archive_acceptance fills it and confirms
    record_archive_acceptance(page, on)
    desk.shot("bdb-archives-accepted")

    # the unit organises the acceptance below the threshold and files it
    desk.as_("jw_tianbao")
    open_from_delivery_list(page, project)
    expect(page.get_by_test_id("acceptance-path")).to_have_text("建设单位组织验收并报备")
    opened(desk, "file_unit_acceptance")
    file_unit_acceptance(page, on)
    expect_phase(page, "已通过竣工验收")
    desk.shot("unit-accepted")

    # what the card offers next: the go-live (Art. 30); and the archive, once accepted
    act_on_delivery(desk, "go_live", {"正式上线运行日期": on})
    desk.expect_message("已登记正式上线运行")
    export_archive(desk, code)
    desk.shot("unit-archive-exported")

    assert OFFICIAL <= desk.confirmed, OFFICIAL - desk.confirmed
    # the check ran on every kind of page of the walk, both object pages included
    paths = {path for path, _user in checker.seen}
    assert {_path_of(project_url), _path_of(delivery_url), "/", "/projects/lists/"} <= paths
    roles = {user for _path, user in checker.seen if user}
    # the unit, BDB (also one of the joint reviewers), DRC, Finance (also a joint reviewer), the
    # consultant and three more joint reviewers
    assert len(roles) == 8, roles
    checker.assert_clean()


def test_the_page_check_finds_codes_and_a_missing_card():
    """The check itself can fail: a code in the text, a page of an object without its card."""
    from .walks import problems_of

    def seen(text, url="http://x/projects/7/", card=True):
        return {"url": url, "user": "张明 · 市教委", "card": card, "text": text}

    assert problems_of(seen("已列入项目清单（第八条）。")) == []
    for code in (
        "decide_list_review",
        "→ approved",
        "被阻止",
        "cq-municipal-2021",
        "R8.2.criteria",
    ):
        [problem] = problems_of(seen(f"办理 {code} 完成"))
        assert "内部代码" in problem.what and "张明" in str(problem)
    [problem] = problems_of(seen("您现在可以办理", url="http://x/delivery/projects/7/", card=False))
    assert "您现在可以办理" in problem.what
    assert problems_of(seen("工作台", url="http://x/", card=False)) == []
