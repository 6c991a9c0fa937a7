"""Issue 18, point 1: the chapter editor keeps every chapter. Text typed in several chapters is
saved as the unit types (autosave) and all at once by the button; leaving with unsaved text
asks first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from projects.models import ChapterDeclaration

from .helpers import login, submit_form

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def chapter_box(page, key):
    return page.get_by_test_id("chapter-editor").locator(f"[data-chapter={key}] textarea")


def test_typed_chapters_are_autosaved_and_survive_a_reload(live_server, page, walker):
    project = walker.create("学生资助精准认定系统", "800")
    login(page, live_server, "jw_tianbao")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    chapter_box(page, "security").fill("按等保三级建设。")
    chapter_box(page, "crypto").fill("采用 SM2/SM3/SM4。")  # saved a moment after typing
    status = page.get_by_test_id("chapter-editor").get_by_role("status")
    expect(status).to_contain_text("已自动保存", timeout=15_000)
    expected = {"security": "按等保三级建设。", "crypto": "采用 SM2/SM3/SM4。"}
    for _ in range(40):  # the second chapter's save follows the idle delay
        texts = dict(
            ChapterDeclaration.objects.filter(project=project).values_list("chapter", "text")
        )
        if texts == expected:
            break
        page.wait_for_timeout(250)
    assert texts == expected
    page.reload()
    expect(chapter_box(page, "security")).to_have_value("按等保三级建设。")
    expect(chapter_box(page, "crypto")).to_have_value("采用 SM2/SM3/SM4。")


def test_the_save_button_keeps_every_chapter_typed(live_server, page, walker):
    """Pressing the button saves what was typed in every chapter, not only in one (the
    leave-page question itself is tested in test_login_workbench)."""
    project = walker.create("学生资助精准认定系统", "800")
    login(page, live_server, "jw_tianbao")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    chapter_box(page, "intensive").fill("依托数字重庆云。")
    chapter_box(page, "data_sharing").fill("共享 42 类。")
    submit_form(page, page.get_by_test_id("chapter-save"))
    expect(page.get_by_test_id("chapters")).to_contain_text("缺 3 章")
    expect(chapter_box(page, "intensive")).to_have_value("依托数字重庆云。")
    expect(chapter_box(page, "data_sharing")).to_have_value("共享 42 类。")
    texts = dict(ChapterDeclaration.objects.filter(project=project).values_list("chapter", "text"))
    assert texts == {"intensive": "依托数字重庆云。", "data_sharing": "共享 42 类。"}
