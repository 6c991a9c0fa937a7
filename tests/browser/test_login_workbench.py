"""A unit officer signs in through the real login page and sees the Chinese workbench."""

import pytest

from accounts.demo import DEMO_PASSWORD, seed_directory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_unit_officer_logs_in_and_sees_chinese_workbench(live_server, page, artifacts):
    seed_directory()
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("登录名").fill("jw_tianbao")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")

    assert page.get_by_role("heading", name="工作台").is_visible()
    assert page.get_by_test_id("todos").get_by_text("我的待办").is_visible()
    assert page.get_by_test_id("my-roles").get_by_text("填报人").is_visible()
    assert "市教委" in page.get_by_test_id("user-menu").inner_text()
    # the stylesheet is served locally and applied (no CDN)
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    page.screenshot(path=str(artifacts / "workbench-unit-officer.png"), full_page=True)

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/accounts/login/")


def test_wrong_password_shows_chinese_error(live_server, page):
    seed_directory()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("登录名").fill("jw_tianbao")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert "登录名或密码错误" in page.get_by_test_id("login-error").inner_text()


def test_leaving_a_form_with_unsaved_input_asks_first(live_server, page):
    """Typed input is not lost by following a link: the browser asks before leaving; nothing
    typed, or the form submitted, and it does not ask."""
    from .conftest import _leave_as_a_walk_does
    from .helpers import login

    seed_directory()
    login(page, live_server, "jw_tianbao")
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.remove_listener("dialog", _leave_as_a_walk_does)  # this walk wants to stay
    page.goto(f"{live_server.url}/projects/new/")
    page.locator("a.navbar-brand").click()  # nothing typed: leaves without asking
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/projects/new/")
    page.on("dialog", stay)
    page.locator("form[method=post] input[type=text]:visible").first.fill("尚未保存的项目名称")
    page.locator("a.navbar-brand").click()
    page.wait_for_timeout(500)
    assert "beforeunload" in asked
    assert page.url.endswith("/projects/new/")  # stayed, the text still there
    assert page.locator("form[method=post] input[type=text]:visible").first.input_value()
