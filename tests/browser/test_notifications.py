"""A new officer signs in to notifications grouped by project, folds a group away as read and
chooses what to be told about; to-do reminders cannot be turned off (issue 18 pt 5)."""

import pytest

from accounts.demo import seed_directory
from core.enums import NotificationCategory
from core.models import Notification, NotificationSettings
from core.notify import notify

from .helpers import login, submit_form

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

A = "XM-2026-0003《教育数据治理平台》"
B = "XM-2025-0001《学生资助资金发放监管系统》"


def test_grouped_notifications_and_the_settings(live_server, page, artifacts):
    people = seed_directory()
    officer = people["jw_tianbao"]
    Notification.objects.all().delete()
    # addressed before the first sign-in: two to-do reminders (in the to-do list) and news
    notify([officer], title=f"待办：{A}大数据局项目清单审核", link="/projects/3/")
    notify([officer], title=f"待办：{B}修改后重新报送", link="/projects/4/")
    for kind in ("已列入项目清单", "市发展改革委已受理", "批复可行性研究报告", "监理项目"):
        notify([officer], title=f"{kind}：{A}", link="/projects/3/")
    notify(
        [officer], title=f"通报批评：{B}（渝发改通报〔2026〕1号）", link="/supervision/sanctions/2/"
    )

    login(page, live_server, "jw_tianbao")
    # the to-do reminders were read at the first sign-in: the to-do list holds them
    assert page.get_by_test_id("unread-count").inner_text() == "5"
    assert "5 条未读" in page.get_by_test_id("workbench-unread").inner_text()

    page.goto(f"{live_server.url}/notifications/")
    assert (
        "首次登录前收到的 5 条未读通知" in page.get_by_test_id("notification-backlog").inner_text()
    )
    groups = page.get_by_test_id("notification-group")
    assert groups.count() == 2
    first = page.locator('[data-testid=notification-group][data-subject="XM-2026-0003"]')
    assert f"{A} · 4 条" in first.get_by_test_id("group-label").locator("..").inner_text()
    # folded to one line: its notifications show when it is opened
    assert not first.get_by_test_id("notification").first.is_visible()
    first.locator("summary").click()
    assert first.get_by_test_id("notification").count() == 4
    assert first.get_by_test_id("notification").first.is_visible()
    page.screenshot(path=str(artifacts / "notifications-grouped.png"), full_page=True)

    submit_form(page, first.get_by_test_id("group-read"))
    assert "已将 4 条通知标为已读" in page.content()
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    assert page.get_by_test_id("notification-group").count() == 1

    # the category filter
    page.get_by_label("范围").select_option("all")
    page.get_by_label("类别").select_option(NotificationCategory.SUPERVISION.value)
    submit_form(page, "notification-filter")
    assert page.get_by_test_id("notification").count() == 1
    assert "通报批评" in page.get_by_test_id("notification").text_content()

    # the settings: to-do reminders ticked and unchangeable, the rest a choice
    page.get_by_test_id("notification-settings-link").click()
    page.wait_for_url("**/notifications/settings/")
    todo = page.get_by_label("待办提醒")
    assert todo.is_checked() and todo.is_disabled()
    assert "我的待办" in page.get_by_test_id("notification-settings").inner_text()
    page.get_by_label("审批进展").uncheck()
    submit_form(page, "save-notification-settings")
    assert "通知设置已保存" in page.content()
    assert not page.get_by_label("审批进展").is_checked()
    assert page.get_by_label("监督管理").is_checked()
    page.screenshot(path=str(artifacts / "notification-settings.png"), full_page=True)
    assert NotificationSettings.objects.get(user=officer).muted == ["progress"]

    # muted news no longer arrives; a to-do reminder still does
    notify([officer], title=f"批复初步设计及概（预）算：{A}", link="/projects/3/")
    notify([officer], title=f"待办：{A}初步设计审核", link="/projects/3/")
    page.goto(f"{live_server.url}/notifications/?state=unread")
    texts = page.get_by_test_id("notification-group").all_text_contents()
    assert any("初步设计审核" in t for t in texts)
    assert not any("批复初步设计" in t for t in texts)
