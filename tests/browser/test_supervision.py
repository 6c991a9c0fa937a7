# ruff: noqa: F811  (the fixtures of tests/supervision are imported by name)
"""A rectification order in the browser, from issue to verification to sanction (Art. 35): DRC
orders on the project's page, the unit finds it among its to-dos and reports, DRC verifies it
as not done and suspends construction; the project page then says why it cannot proceed.

The project is set up directly (an approved project of 市教委); everything from there is done by
the people on the "您现在可以办理" cards."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.dates import today
from tests.browser.helpers import login, submit_form
from tests.supervision.conftest import jw_unit, make_project  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def open_offer(page, name):
    found = page.locator(f"[data-action='supervision.{name}']")
    found.get_by_test_id(f"act-{name.replace('_', '-')}-open").click()
    return found


def press(page, name, found):
    """Submit the offer's form; an official act is confirmed in the dialog."""
    button = found.get_by_test_id(f"act-{name.replace('_', '-')}")
    if button.get_attribute("data-confirm"):
        button.click()
        submit_form(page, page.locator("#govit-confirm [data-confirm-ok]"))
    else:
        submit_form(page, button)


def field(form, label):
    return form.get_by_label(re.compile(f"^{label}"))


def test_an_order_from_issue_to_verification_to_sanction(
    live_server, page, artifacts, personas, make_project
):
    base = live_server.url
    project = make_project("学生资助精准认定系统")
    deadline = (today() + dt.timedelta(days=30)).isoformat()

    # DRC orders rectification on the project's page
    login(page, base, "fgw_jingban")
    page.goto(f"{base}/projects/{project.pk}/")
    form = open_offer(page, "order_rectification")
    field(form, "监管事项").select_option(label="批复要求及建设管理")
    field(form, "发现的问题").fill("擅自增加移动端缴费模块，超出批复建设内容。")
    field(form, "违反的规定或批复要求").fill("项目应当严格按照批复的建设内容实施")
    field(form, "违反条款").fill("第二十五条")
    field(form, "整改要求").fill("停止实施批复外内容，报送整改方案。")
    field(form, "整改期限").fill(deadline)
    press(page, "order_rectification", form)
    page.get_by_text("已下达整改通知").wait_for()
    # the order is on DRC's supervision workspace
    page.goto(f"{base}/supervision/")
    with page.expect_navigation():
        page.get_by_test_id("open-orders").get_by_role("link").first.click()
    number = page.get_by_test_id("notice-number").inner_text()
    assert number.startswith("渝发改整改〔")
    assert page.get_by_test_id("state").first.inner_text() == "限期整改中"
    order_url = page.url
    page.screenshot(path=str(artifacts / "supervision-1-order-issued.png"), full_page=True)

    # the unit finds it among its to-dos and reports its rectification
    login(page, base, "jw_tianbao")
    todo = page.get_by_test_id("todo").filter(has_text=number)
    assert todo.count() == 1
    todo.click()
    page.wait_for_url(order_url)
    form = open_offer(page, "report_rectification")
    field(form, "整改情况").fill("已下线移动端缴费模块，整改方案见附件。")
    press(page, "report_rectification", form)
    page.get_by_text("已报告整改情况").wait_for()
    assert "已下线移动端缴费模块" in page.get_by_test_id("report").inner_text()

    # DRC verifies it as not done: the sanctions become available
    login(page, base, "fgw_jingban")
    page.goto(order_url)
    form = open_offer(page, "verify_not_rectified")
    field(form, "核查意见").fill("移动端模块仍可访问，整改不到位。")
    press(page, "verify_not_rectified", form)
    page.get_by_text("已认定整改不到位").wait_for()
    assert page.get_by_test_id("state").first.inner_text() == "整改不到位"

    # and suspends construction, with its reasons
    form = open_offer(page, "suspend_construction")
    field(form, "理由").fill("整改后仍不符合要求，暂停项目建设。")
    press(page, "suspend_construction", form)
    page.get_by_text("已暂停项目建设").wait_for()
    decided = page.get_by_test_id("order-sanctions")
    assert "暂停项目建设" in decided.inner_text()
    with page.expect_navigation():
        decided.get_by_role("link").first.click()
    assert "整改后仍不符合要求" in page.get_by_test_id("reasons").inner_text()
    page.screenshot(path=str(artifacts / "supervision-2-suspended.png"), full_page=True)

    # the project page says why it cannot proceed, to the unit too
    login(page, base, "jw_tianbao")
    page.goto(f"{base}/projects/{project.pk}/")
    duty = page.get_by_test_id("duty").filter(has_text="项目建设已暂停")
    assert duty.count() == 1 and "整改后仍不符合要求" in duty.inner_text()
    page.screenshot(path=str(artifacts / "supervision-3-project-page.png"), full_page=True)
