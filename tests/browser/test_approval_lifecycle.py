"""A project from draft to approval through every role, in the browser (Art. 8, 9, 4, 14).

One browser page; each role signs out the previous one and signs in through the real login
page. Every step is a click or typing in the "您现在可以办理" card of the project page (an
official act is confirmed in the dialog that says what it does), and the state label is
checked after it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import seed_directory
from catalog.demo import register
from core.dates import today
from planning.demo import seed_planning

from .helpers import login, messages, shot, submit_form

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the policies and the indicator tree loaded by migrations survive
    # the flush between transactional tests
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n%%EOF\n"
CHAPTERS = {
    "data_governance": ("数据资源收集治理及业务应用梳理", "梳理业务事项 36 项、数据资源 128 类。"),
    "data_sharing": ("数据资源共享分析", "共享数据资源 42 类，无条件共享 30 类。"),
    "security": ("网络安全保护措施", "按等级保护第三级要求建设，部署在数字重庆云安全区。"),
    "crypto": ("密码应用方案", "采用 SM2/SM3/SM4 商用密码算法。"),
    "intensive": ("集约化建设", "复用市级统一身份认证和电子印章，不新建机房。"),
}
CRITERIA = {
    "basis": "建设依据",
    "integration": "系统整合方案",
    "sharing": "数据共享方案",
    "common_needs": "跨部门共性需求",
    "governance": "数据治理",
}
JOINT = [
    ("wxb_shencha", "网络安全"),
    ("czj_jingban", "预算管理"),
    ("dsj_shenhe", "政务数据资源"),
    ("mmj_shencha", "密码应用"),
    ("bmj_shencha", "保密"),
]
CONSULTANT = "重庆市工程咨询院（示例）"


class Desk:
    """The browser page the roles take turns at, and the project being worked on."""

    def __init__(self, page, live_server, artifacts, prefix):
        self.page = page
        self.base = live_server.url
        self.live_server = live_server
        self.artifacts = artifacts
        self.prefix = prefix
        self.project_url = ""
        self.shots: list[str] = []

    def as_(self, username):
        login(self.page, self.live_server, username)
        if self.project_url:
            self.page.goto(self.project_url)
        return self.page

    def shot(self, name):
        full = f"{self.prefix}-{len(self.shots) + 1:02d}-{name}"
        shot(self.page, self.artifacts, full)
        self.shots.append(full)

    def expect_state(self, label):
        expect(self.page.get_by_test_id("project-state")).to_have_text(label)

    def expect_message(self, text):
        expect(self.page.locator("main .alert[role=alert]").filter(has_text=text)).to_have_count(1)

    def act(self, name):
        """The card's offer of the action ``projects.<name>``, its form opened."""
        offer = self.page.locator(f"[data-testid=offer][data-action='projects.{name}']")
        opener = offer.get_by_test_id(f"act-{name.replace('_', '-')}-open")
        if opener.count():
            opener.click()
        return offer

    def button(self, offer, name):
        return offer.get_by_test_id(f"act-{name.replace('_', '-')}")

    def do(self, name, offer=None):
        """Press the offer's button; an official act is confirmed in the dialog."""
        offer = offer if offer is not None else self.act(name)
        button = self.button(offer, name)
        if button.get_attribute("data-confirm"):
            button.click()
            submit_form(self.page, self.page.locator("#govit-confirm [data-confirm-ok]"))
        else:
            submit_form(self.page, button)

    def sign_for(self):
        """签收 the review waiting for the signed-in reviewer."""
        self.do("start_review")
        self.expect_message("已签收，请办理。")


# -- the unit ---------------------------------------------------------------------------------


def create_project(desk, *, name, wan, kind_label, item, year):
    page = desk.as_("jw_tianbao")
    # 项目审批 ▸ 新建项目需求, from the navigation bar
    page.get_by_role("button", name="项目审批").click()
    with page.expect_navigation():
        page.get_by_role("link", name="新建项目需求").click()
    form = page.get_by_test_id("act-form")
    form.get_by_label("项目名称").fill(name)
    form.get_by_label("项目类型").select_option(label=kind_label)
    form.get_by_label("申报年度").fill(str(year))
    form.get_by_label("总投资").fill(str(wan))
    form.get_by_label("资金来源").select_option(label="财政资金")
    form.get_by_label("总体方案项目").select_option(label=f"{item}（{kind_label}，{year}年）")
    form.get_by_label("项目需求说明").fill(f"{name}：按总体方案建设，支撑业务协同和数据共享。")
    form.get_by_label("建设依据").fill("《重庆市市级政务信息化项目管理办法》及本部门总体方案。")
    form.get_by_label("系统整合方案").fill("整合本部门现有 3 个业务系统，统一入口和数据底座。")
    form.get_by_label("数据共享方案").fill("通过市一体化数据资源平台共享。")
    form.get_by_label("软硬件产品安全可靠情况说明").fill(
        "采用通过安全可靠测评的国产服务器、操作系统和数据库。"
    )
    form.get_by_label("拟定等级保护级别").select_option(label="第三级")
    form.get_by_label("密码应用情况").fill("已编制密码应用方案。")
    form.get_by_label("共享条件或不予共享依据").fill("经申请审核后向有关政务部门共享。")
    desk.shot("unit-new-project-form")
    submit_form(page, "act-submit")
    desk.expect_message("已新建项目需求草稿")
    desk.expect_state("草稿")
    expect(page.get_by_test_id("project-amount")).to_have_text(f"{wan:,.2f}")
    desk.project_url = page.url.split("#")[0]


def project_documents(page):
    """The project's own documents panel (the review panels are titled 审核意见附件)."""
    return page.get_by_test_id("documents-panel").filter(
        has=page.locator(".card-header").get_by_text("文件材料", exact=True)
    )


def upload(desk, doc_type_label, title, filename):
    page = desk.page
    panel = project_documents(page)
    panel.get_by_label("材料类型").select_option(label=doc_type_label)
    panel.get_by_label("文件名称").fill(title)
    panel.locator("input[type=file]").set_input_files(
        {"name": filename, "mimeType": "application/pdf", "buffer": PDF}
    )
    submit_form(page, panel.get_by_test_id("upload-button"))
    expect(project_documents(page).get_by_test_id("documents")).to_contain_text(title)


def fill_chapters(desk, stage_label, prefix=""):
    page = desk.page
    editor = page.get_by_test_id("chapter-editor")
    for key, (label, text) in CHAPTERS.items():
        editor.locator(f"[data-chapter={key}]").get_by_label(label).fill(prefix + text)
    submit_form(page, editor.get_by_test_id("chapter-save"))
    chapters = page.get_by_test_id("chapters")
    expect(chapters.locator("h2", has_text=stage_label)).to_contain_text("五章齐全")


def labelled(scope, label):
    """The field labelled exactly ``label``, its required mark (``*``) aside: "建设依据", not
    "建设依据审核意见"."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def submit(desk):
    act = desk.act("submit_project")
    expect(act.get_by_test_id("finding")).to_have_count(0)  # nothing blocks nor warns
    desk.do("submit_project", act)
    desk.expect_message("已申报，等待市大数据发展局审核。")
    desk.expect_state("已申报，待大数据局审核")


# -- BDB ----------------------------------------------------------------------------------


def list_review(desk, year, priority="1"):
    page = desk.as_("dsj_shenhe")
    desk.expect_state("已申报，待大数据局审核")
    desk.sign_for()
    desk.expect_state("大数据局审核中")
    act = desk.act("decide_list_review")
    for key, label in CRITERIA.items():
        labelled(act, label).select_option(label="符合")
        act.locator(f"input[name$='-{key}_opinion']").fill(f"{label}符合要求。")
    act.get_by_label("优先级").fill(priority)
    act.get_by_label("审核决定").select_option(label="列入项目清单")
    labelled(act, "审核意见").fill("同意列入项目清单。")
    desk.shot("bdb-list-review")
    desk.do("decide_list_review", act)
    desk.expect_message("已列入项目清单。")
    desk.expect_state("已列入项目清单")
    review = page.get_by_test_id("review").filter(has_text="大数据局项目清单审核")
    for label in CRITERIA.values():
        expect(review.get_by_role("row").filter(has_text=label)).to_contain_text("符合")
    expect(page.get_by_test_id("project-fields")).to_contain_text("优先级")

    # 项目审批 ▸ 项目清单: publish the year's list
    page.get_by_role("button", name="项目审批").click()
    with page.expect_navigation():
        page.get_by_role("link", name="项目清单", exact=True).click()
    publish = page.get_by_test_id("publish-list")
    expect(publish).to_contain_text(f"{year} 年：1 个已列入项目")
    publish.get_by_label("清单年度").fill(str(year))
    publish.get_by_label("发布说明").fill("第一批列入项目。")
    publish.get_by_test_id("publish-button").click()
    submit_form(page, page.locator("#govit-confirm [data-confirm-ok]"))
    desk.expect_message("共 1 个项目")
    desk.shot("bdb-list-published")


# -- DRC, the consultant and the joint review ----------------------------------------------


def accept(desk, path_label, path_text):
    """DRC accepts: beside the button the Art. 9 threshold finding says which path applies;
    after accepting, the path is on the project header and in the rule decision."""
    page = desk.as_("fgw_jingban")
    desk.expect_state("已列入项目清单")
    act = desk.act("accept_project")
    threshold = act.locator("[data-testid=finding][data-rule='R9.1.path']")
    expect(threshold).to_contain_text("第九条")
    expect(threshold).to_contain_text(path_text)
    expect(desk.button(act, "accept_project")).to_be_enabled()
    act.get_by_label("第三方咨询评估机构").select_option(label=CONSULTANT)
    act.get_by_label("受理说明").fill("材料齐全，予以受理。")
    desk.shot("drc-accept-form")
    desk.do("accept_project", act)
    desk.expect_message("已受理，并委托第三方咨询评估机构评估。")
    desk.expect_state("第三方评估中")
    expect(page.get_by_test_id("approval-path")).to_contain_text(path_label)
    expect(page.get_by_test_id("approval-path")).to_contain_text("第九条")
    desk.shot("drc-accepted")
    # the rule decision of the acceptance keeps the Art. 9 finding
    with page.expect_navigation():
        page.get_by_test_id("decisions").get_by_role("link", name="受理并委托第三方评估").click()
    finding = page.locator("[data-testid=finding][data-rule='R9.1.path']")
    expect(finding).to_contain_text("第九条")
    expect(finding).to_contain_text(path_text)
    desk.shot("drc-accept-decision")
    page.goto(desk.project_url)


def evaluate(desk):
    desk.as_("zx_pinggu")
    desk.expect_state("第三方评估中")
    desk.sign_for()
    act = desk.act("submit_evaluation_report")
    for label, _text in CHAPTERS.values():
        labelled(act, label).fill(f"{label}：内容完整，措施可行。")
    act.get_by_label("评估结论").fill("项目建设必要，方案基本可行，建议核定总投资如申报。")
    desk.shot("consultant-evaluation")
    desk.do("submit_evaluation_report", act)
    desk.expect_message("已提交评估报告，项目进入联合技术审查。")
    desk.expect_state("联合技术审查中")


def joint_review(desk):
    for n, (username, topic) in enumerate(JOINT, start=1):
        page = desk.as_(username)
        desk.expect_state("联合技术审查中")
        if desk.act("start_review").count():
            desk.sign_for()
        act = desk.act("give_joint_opinion")
        act.locator("select[name$='-agree']").select_option(label="同意")
        act.get_by_label("意见说明").fill(f"{topic}：同意。")
        desk.do("give_joint_opinion", act)
        desk.expect_message("已提交同意意见。")
        status = page.get_by_test_id("joint-status")
        expect(status.locator("li").filter(has_text=topic)).to_contain_text("同意")
        if n < len(JOINT):
            desk.expect_state("联合技术审查中")
    desk.shot("joint-review-all-agreed")
    desk.expect_state("发展改革委审批中")


def drc_approve(desk, number, expected_state, button_label, shot_name="drc-approve-form"):
    page = desk.as_("fgw_jingban")
    desk.sign_for()
    act = desk.act("approve_project")
    expect(act).to_contain_text(button_label)  # which approval: the card names it
    act.get_by_label("批复文号").fill(number)
    for label, _text in CHAPTERS.values():
        labelled(act, label).fill(f"{label}：同意。")
    act.get_by_label("批复意见").fill("同意批复。")
    expect(desk.button(act, "approve_project")).to_be_enabled()
    desk.shot(shot_name)
    desk.do("approve_project", act)
    desk.expect_message(f"已批复（{number}）。")
    desk.expect_state(expected_state)
    review = page.get_by_test_id("review").filter(has_text=number)
    expect(review.get_by_test_id("review-state")).to_have_text("同意")


# -- the stories ----------------------------------------------------------------------------


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = seed_directory()
    seed_planning(people)
    # the catalogued platform the expansion improves (R31.4.systems-named)
    register(
        people["jw_tianbao"],
        "JW-SYS-001",
        "重庆市教育管理公共服务平台",
        curate_by=people["dsj_shenhe"],
    )
    return people


def name_improved_system(desk, system_label):
    """The unit names, in its requirement's elements, the catalogued system it expands."""
    offer = desk.page.locator("[data-testid=offer][data-action='evidence.describe_requirement']")
    opener = offer.get_by_test_id("act-describe-requirement-open")
    if opener.count():
        opener.click()
    offer.get_by_label("建设目标").fill("在一期平台上扩展移动服务和数据服务。")
    offer.get_by_label("拟改造的已有系统").select_option(label=system_label)
    submit_form(desk.page, offer.get_by_test_id("act-describe-requirement"))
    desk.expect_message("已保存需求要素")


def test_3500wan_two_stage_project_from_draft_to_approval_through_every_role(
    seeded, live_server, page, artifacts
):
    year = today().year + 1  # the item's planned year (planning/demo.py)
    desk = Desk(page, live_server, artifacts, "approval-3500")

    create_project(
        desk,
        name="智慧教育综合服务平台（二期）",
        wan=3500,
        kind_label="改扩建",
        item="智慧教育综合服务平台（二期）",
        year=year,
    )
    # an expansion project names the system it expands (Art. 31-33) and carries the
    # post-evaluation report of the original project (Art. 14)
    name_improved_system(desk, "JW-SYS-001 重庆市教育管理公共服务平台")
    upload(desk, "原项目第三方后评价报告", "智慧教育综合服务平台一期后评价报告", "后评价.pdf")
    fill_chapters(desk, "可行性研究报告阶段")
    upload(desk, "数据资源目录", "数据资源目录", "数据资源目录.pdf")
    upload(desk, "密码应用方案", "密码应用方案", "密码应用方案.pdf")
    desk.shot("unit-draft-ready")
    submit(desk)

    list_review(desk, year)
    accept(
        desk, "两阶段审批（可研、初步设计及概算）", "须先批复可研报告，再批复初步设计及概（预）算"
    )

    evaluate(desk)
    joint_review(desk)
    drc_approve(
        desk,
        "渝发改数〔2026〕11号",
        "可研已批复，待报初步设计",
        "批复可行性研究报告",
        "drc-approve-fsr-form",
    )

    # the unit writes the design chapters and submits the design
    page = desk.as_("jw_tianbao")
    desk.expect_state("可研已批复，待报初步设计")
    fill_chapters(desk, "初步设计及概算阶段", prefix="初步设计：")
    desk.do("submit_design")
    desk.expect_message("已报送初步设计及概（预）算")
    desk.expect_state("大数据局审核初步设计内容")
    desk.shot("unit-design-submitted")

    # BDB reviews the design content (Art. 4)
    page = desk.as_("dsj_shenhe")
    desk.sign_for()
    act = desk.act("review_design_content")
    act.locator("select[name$='-agree']").select_option(label="同意")
    act.get_by_label("意见说明").fill("初步设计内容符合要求。")
    desk.shot("bdb-design-content-review")
    desk.do("review_design_content", act)
    desk.expect_message("已审核同意，报市发展改革委批复。")
    desk.expect_state("发展改革委审批初步设计")

    drc_approve(
        desk,
        "渝发改数〔2026〕12号",
        "已批复",
        "批复初步设计及概（预）算",
        "drc-approve-design-form",
    )
    expect(page.get_by_test_id("approval-path")).to_contain_text("两阶段审批")
    # two DRC approvals (the FSR, then the design), both agreed; both stages have five chapters
    drc_reviews = page.get_by_test_id("review").filter(has_text="发展改革委审批")
    expect(drc_reviews).to_have_count(2)
    expect(drc_reviews.get_by_test_id("review-state")).to_have_text(["同意", "同意"])
    expect(page.get_by_test_id("chapters").get_by_text("五章齐全")).to_have_count(2)
    desk.shot("approved")
    assert "错误" not in messages(page)


SINGLE_STAGE_NAME = "学生资助精准认定系统"
SINGLE_STAGE_NUMBER = "渝发改数〔2026〕21号"


def single_stage_to_approval(desk, year):
    """The 800万 project of 市教委 from a draft to its one approval (Art. 9), every role in
    turn; ``tests/browser/test_full_walk.py`` walks on from here to the archive."""
    create_project(
        desk,
        name=SINGLE_STAGE_NAME,
        wan=800,
        kind_label="新建",
        item=SINGLE_STAGE_NAME,
        year=year,
    )
    fill_chapters(desk, "可行性研究报告阶段")
    upload(desk, "数据资源目录", "数据资源目录", "数据资源目录.pdf")
    upload(desk, "密码应用方案", "密码应用方案", "密码应用方案.pdf")
    submit(desk)

    list_review(desk, year, priority="2")
    accept(desk, "一次审批（可研及概算代初步设计）", "一次批复可研报告及概（预）算")

    evaluate(desk)
    joint_review(desk)
    drc_approve(desk, SINGLE_STAGE_NUMBER, "已批复", "批复可研报告及概（预）算")


def test_800wan_single_stage_project_to_approval(seeded, live_server, page, artifacts):
    year = today().year + 2
    desk = Desk(page, live_server, artifacts, "approval-800")

    single_stage_to_approval(desk, year)
    expect(page.get_by_test_id("approval-path")).to_contain_text("一次审批")
    # one approval only: no design stage
    expect(page.get_by_test_id("chapters")).not_to_contain_text("初步设计及概算阶段")
    desk.shot("approved")
