"""Completion acceptance in the browser (Art. 28, 29): at or above the 3,000万 threshold BDB
organises it, below it the unit organises it and files the result with BDB; either way BDB's
archive acceptance comes first.

The project is set up with the real actions (approved, prepared, carried to 已建成 with every
acceptance material uploaded); everything from there on is done by the people in the browser,
on the delivery page's "您现在可以办理" card."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.dates import today
from tests.browser.helpers import login, submit_form
from tests.delivery.helpers import BIG, SMALL, approved, carry, prepare, upload_materials

# serialized_rollback: the policy versions loaded by migrations survive the flush between
# transactional tests (the acceptance gate and the threshold need the policy in force).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HELD_ON = re.compile(r"^验收日期")  # not 档案验收日期; the label ends with the required mark
MATERIALS = [
    "项目建设总结",
    "财务报告",
    "审计报告",
    "网络安全等级保护测评报告",
    "网络安全等级保护备案情况",
    "密码应用安全性评估报告",
    "数据字典",
]
ARCHIVE_ITEMS = [
    "立项审批文件",
    "招标采购及合同文件",
    "设计及实施过程文件",
    "工程监理文件",
    "测试及试运行文件",
    "财务及审计文件",
    "电子文件及其元数据",
]


# -- helpers ------------------------------------------------------------------------------------


def _day(days_ago: int) -> str:
    return (today() - dt.timedelta(days=days_ago)).isoformat()


def completed_with_materials(walker, name, wan):
    """An approved project of 市教委 carried to 已建成 (recently, so no clock is overdue) with
    every acceptance material of Art. 28 uploaded: the real actions, as in
    ``tests/delivery/conftest.py``'s ``built(..., target="documents")``."""
    officer = walker.officer
    project = approved(walker, name, wan)
    prepare(project, officer)
    carry(
        project,
        officer,
        "completed",
        started=_day(200),
        trial=_day(60),
        completed=_day(20),
    )
    upload_materials(project, officer)
    return project


def fill_art19(form):
    """What Art. 19 asks of a passing acceptance (R19.2), as a reviewer records it."""
    form.get_by_label("软硬件产品安全可靠情况").select_option(label="全部安全可靠")
    form.get_by_label("密码应用安全性评估").select_option(label="密码应用安全性评估通过")
    form.get_by_label("安全审查情况").select_option(label="不涉及安全审查")
    form.get_by_label("硬件设备能源利用效率情况").fill("部署于数字重庆云平台，不新增硬件。")


def sign_in(page, base, username):
    """Sign in through the login page (``tests/browser/helpers.py`` signs out first)."""
    login(page, base, username)
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="工作台").is_visible()


def open_from_delivery_list(page, project):
    """Through the menu: 建设与验收 → 建设项目, then the project's name."""
    page.get_by_role("button", name="建设与验收").click()
    # the menu's link (a delivery page's breadcrumb has one too)
    page.locator("#mainnav").get_by_role("link", name="建设项目", exact=True).click()
    page.get_by_role("heading", name="建设项目").wait_for()
    page.get_by_test_id("delivery-list").get_by_role("link", name=project.name).click()
    page.wait_for_url(f"**/delivery/projects/{project.pk}/**")
    page.get_by_test_id("acceptance-section").wait_for()


def open_todo(page, text):
    """Click the to-do on the workbench whose title contains ``text``."""
    todo = page.get_by_test_id("todo").filter(has_text=text)
    assert todo.count() == 1, page.get_by_test_id("todos").inner_text()
    todo.click()
    page.get_by_test_id("acceptance-section").wait_for()


def assert_all_materials_present(page):
    materials = page.get_by_test_id("materials")
    text = materials.inner_text()
    for label in MATERIALS:
        assert f"✓ {label}" in text, text
    assert "✗" not in text
    assert materials.locator("li[data-present='0']").count() == 0


def record_archive_acceptance(page, on):
    form = open_offer(page, "accept_archives")
    checklist = form.get_by_label("档案清单（各项均须齐全）")
    assert [o.strip() for o in checklist.locator("option").all_inner_texts()] == ARCHIVE_ITEMS
    form.get_by_label("档案验收日期").fill(on)
    checklist.select_option(label=ARCHIVE_ITEMS)
    do(page, "accept_archives", form)
    page.get_by_text("已登记档案验收通过（第二十九条）。").wait_for()
    accepted = page.get_by_test_id("archive-accepted")
    assert "已通过" in accepted.inner_text() and on in accepted.inner_text()


def offer(page, name):
    """The card's offer of the action ``delivery.<name>`` (enabled or blocked)."""
    return page.locator(f"[data-action='delivery.{name}']")


def open_offer(page, name):
    """The offer with its form opened (left open if it already is)."""
    found = offer(page, name)
    if found.locator("details[open]").count() == 0:
        found.get_by_test_id(f"act-{name.replace('_', '-')}-open").click()
    return found


def do(page, name, found=None):
    """Press the offer's button; an official act is confirmed in the dialog."""
    found = found if found is not None else offer(page, name)
    button = found.get_by_test_id(f"act-{name.replace('_', '-')}")
    if button.get_attribute("data-confirm"):
        button.click()
        submit_form(page, page.locator("#govit-confirm [data-confirm-ok]"))
    else:
        submit_form(page, button)


def file_unit_acceptance(page, held_on):
    """Below the threshold the unit records the acceptance it organised (passed) and files it
    with BDB (Art. 28 ¶2), from its card."""
    action = open_offer(page, "file_unit_acceptance")
    assert action.get_attribute("data-testid") == "offer"  # enabled: nothing blocks it
    action.get_by_label("验收结果").select_option(label="验收通过")
    action.get_by_label(HELD_ON).fill(held_on)
    action.get_by_label("验收结论").fill("建设单位组织专家验收，系统运行稳定，同意通过。")
    fill_art19(action)
    do(page, "file_unit_acceptance", action)
    page.get_by_text("已登记验收结果并报市大数据发展局备案（第二十八条）。").wait_for()


def acceptance_findings(page, name):
    return offer(page, name).get_by_test_id("finding")


# -- at or above the threshold: BDB organises (Art. 28 ¶1) --------------------------------------


def test_acceptance_at_or_above_threshold_bdb_organises(
    live_server, page, artifacts, walker, personas
):
    base = live_server.url
    project = completed_with_materials(walker, BIG, "3500")

    # the unit officer opens the project: every material is there, BDB organises (Art. 28)
    sign_in(page, base, "jw_tianbao")
    open_from_delivery_list(page, project)
    assert page.get_by_test_id("phase").inner_text() == "已建成，待验收"
    assert page.get_by_test_id("acceptance-path").inner_text() == "市大数据发展局组织验收"
    section = page.get_by_test_id("acceptance-section")
    assert "验收方式：市大数据发展局组织验收" in section.inner_text()
    assert_all_materials_present(page)
    due = page.get_by_test_id("due-row").filter(has_text="第二十八条")
    assert due.get_attribute("data-kind") == "acceptance"

    # but applying is blocked until BDB has accepted the archives (Art. 29)
    apply = page.get_by_test_id("act-apply-acceptance")
    assert apply.inner_text() == "申请市大数据发展局组织竣工验收"
    assert apply.is_disabled()
    blocking = acceptance_findings(page, "apply_acceptance").filter(has_text="第二十九条")
    assert blocking.count() == 1
    assert "项目档案尚未通过档案验收，不能进行竣工验收（第二十九条）。" in blocking.inner_text()
    assert "尚未通过档案验收；竣工验收前须先通过档案验收（第二十九条）。" in section.inner_text()
    section.screenshot(path=str(artifacts / "acceptance-bdb-1-unit-blocked-by-archives.png"))

    # BDB's reviewer finds the archive acceptance on the workbench and records it
    sign_in(page, base, "dsj_shenhe")
    open_todo(page, f"档案验收：{project.code}")
    assert page.get_by_test_id("act-apply-acceptance").count() == 0  # only the unit applies
    record_archive_acceptance(page, _day(5))
    page.screenshot(path=str(artifacts / "acceptance-bdb-2-archives-accepted.png"), full_page=True)

    # the unit applies: the gate is clear now
    sign_in(page, base, "jw_tianbao")
    open_from_delivery_list(page, project)
    assert "已通过" in page.get_by_test_id("archive-accepted").inner_text()
    assert acceptance_findings(page, "apply_acceptance").count() == 0
    assert offer(page, "apply_acceptance").get_attribute("data-testid") == "offer"
    apply = page.get_by_test_id("act-apply-acceptance")
    assert apply.is_enabled()
    do(page, "apply_acceptance")
    page.get_by_text("已申请市大数据发展局组织竣工验收（第二十八条）。").wait_for()
    applied = page.get_by_test_id("acceptance")
    assert applied.get_attribute("data-state") == "applied"
    assert "已申请，待大数据局组织验收" in applied.inner_text()
    assert page.get_by_test_id("act-apply-acceptance").count() == 0
    assert page.get_by_test_id("phase").inner_text() == "已建成，待验收"

    # BDB organises the acceptance and records 通过
    sign_in(page, base, "dsj_shenhe")
    open_todo(page, f"组织竣工验收：{project.code}")
    decide = open_offer(page, "decide_acceptance")
    decide.get_by_label("验收结果").select_option(label="验收通过")
    decide.get_by_label(HELD_ON).fill(_day(1))
    decide.get_by_label("验收结论").fill(
        "项目按批复内容建成，功能和性能满足要求，同意通过竣工验收。"
    )
    fill_art19(decide)
    do(page, "decide_acceptance", decide)
    page.get_by_text("已登记竣工验收结果。").wait_for()

    # the phase shows 已通过竣工验收
    assert page.get_by_test_id("phase").inner_text() == "已通过竣工验收"
    result = page.get_by_test_id("acceptance")
    assert result.get_attribute("data-state") == "passed"
    assert "市大数据发展局组织验收 · 验收通过" in result.inner_text()
    assert "同意通过竣工验收" in result.inner_text()
    assert offer(page, "decide_acceptance").count() == 0
    page.screenshot(path=str(artifacts / "acceptance-bdb-3-passed.png"), full_page=True)

    # and the unit sees it too, with its notification
    sign_in(page, base, "jw_tianbao")
    assert page.get_by_text(f"竣工验收通过：{project.code}").first.is_visible()
    open_from_delivery_list(page, project)
    assert page.get_by_test_id("phase").inner_text() == "已通过竣工验收"


# -- below the threshold: the unit organises and files with BDB (Art. 28 ¶2) -----------------


def test_acceptance_below_threshold_unit_organises_and_files(
    live_server, page, artifacts, walker, personas
):
    base = live_server.url
    project = completed_with_materials(walker, SMALL, "800")

    # the unit officer: the unit organises acceptance; filing is blocked by the archives
    sign_in(page, base, "jw_tianbao")
    open_from_delivery_list(page, project)
    assert page.get_by_test_id("acceptance-path").inner_text() == "建设单位组织验收并报备"
    assert_all_materials_present(page)
    assert page.get_by_test_id("act-apply-acceptance").count() == 0  # nothing to apply for
    file_button = page.get_by_test_id("act-file-unit-acceptance")
    assert file_button.inner_text() == "建设单位组织验收并报备"
    assert file_button.is_disabled()
    blocking = acceptance_findings(page, "file_unit_acceptance").filter(has_text="第二十九条")
    assert blocking.count() == 1
    page.get_by_test_id("acceptance-section").screenshot(
        path=str(artifacts / "acceptance-unit-1-blocked-by-archives.png")
    )

    # BDB records the archive acceptance
    sign_in(page, base, "dsj_shenhe")
    open_todo(page, f"档案验收：{project.code}")
    # below the threshold BDB does not organise: no decision for it
    assert offer(page, "decide_acceptance").count() == 0
    record_archive_acceptance(page, _day(5))

    # the unit organises the acceptance and files the result
    sign_in(page, base, "jw_tianbao")
    open_from_delivery_list(page, project)
    file_unit_acceptance(page, _day(2))
    assert page.get_by_test_id("phase").inner_text() == "已通过竣工验收"
    result = page.get_by_test_id("acceptance")
    assert result.get_attribute("data-state") == "passed"
    assert "建设单位组织验收并报备 · 验收通过" in result.inner_text()
    assert offer(page, "file_unit_acceptance").count() == 0
    page.screenshot(path=str(artifacts / "acceptance-unit-2-filed.png"), full_page=True)

    # BDB sees the filing: a notification on the workbench and in 通知, linking the project
    sign_in(page, base, "dsj_shenhe")
    filing = f"竣工验收备案：{project.code}《{project.name}》"
    assert page.get_by_text(filing).is_visible()
    page.get_by_role("link", name="通知").first.click()
    page.get_by_role("heading", name="通知").wait_for()
    row = page.get_by_test_id("notification").filter(has_text=filing)  # grouped by project
    assert row.count() == 1
    assert "同意通过" in (row.text_content() or "")  # the filed conclusion
    page.screenshot(path=str(artifacts / "acceptance-unit-3-bdb-notified.png"), full_page=True)
    # and on the project page (the notification has no link: through the menu) the result
    open_from_delivery_list(page, project)
    assert page.get_by_test_id("phase").inner_text() == "已通过竣工验收"
    assert "建设单位组织验收并报备 · 验收通过" in page.get_by_test_id("acceptance").inner_text()
