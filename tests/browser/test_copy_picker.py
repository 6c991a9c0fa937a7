"""Issue 18, point 4: the 抄送 picker offers the step's authority, the unit and the other
authorities in groups, with a search box, and copies to the person found."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import login, submit_form

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_bdb_finds_the_public_security_reviewer_by_search_and_copies_the_step(
    live_server, page, walker, personas
):
    project = walker.submit(walker.create("学生资助精准认定系统", "800"))
    login(page, live_server, "dsj_shenhe")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    offer = page.get_by_test_id("offer").filter(has=page.get_by_test_id("act-copy-review-open"))
    offer.get_by_test_id("act-copy-review-open").click()
    picker = offer.locator("select[multiple]")
    groups = picker.locator("optgroup")
    expect(groups).to_have_count(3)
    assert groups.nth(0).get_attribute("label") == "本环节审核机构"
    search = offer.get_by_role("searchbox", name="输入姓名或单位筛选")
    search.fill("公安")
    visible = picker.locator("option:not([hidden])")
    expect(visible).to_have_count(1)
    assert "罗斌" in visible.inner_text()
    expect(picker.locator("optgroup:not([hidden])")).to_have_count(1)
    picker.select_option(label=visible.inner_text())
    search.fill("")
    expect(picker.locator("option:not([hidden])")).not_to_have_count(1)
    submit_form(page, offer.get_by_test_id("act-copy-review"))
    expect(page.get_by_test_id("review-copies")).to_contain_text("罗斌")
