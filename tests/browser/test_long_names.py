"""Issue 18, point 8: a long project name (the longest the model keeps) wraps on its page
instead of widening it, at 1280x720 and on a 390-pixel-wide phone screen."""

from __future__ import annotations

import pytest

from .helpers import horizontal_overflow, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG = "重庆市教育系统学生资助精准认定与家庭经济困难学生数据共享服务平台" * 10  # 320 characters


def test_the_longest_name_does_not_widen_the_page(live_server, page, walker):
    project = walker.create(LONG[:200], "800", item_name="学生资助精准认定系统")
    from projects.models import Project

    longest = Project._meta.get_field("name").max_length
    Project.objects.filter(pk=project.pk).update(name=LONG[:longest])
    login(page, live_server, "jw_tianbao")
    for width, height in ((1280, 720), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/projects/{project.pk}/")
        header = page.get_by_test_id("project-header")
        assert LONG[:longest] in header.inner_text()
        overflow, wide = horizontal_overflow(page)
        assert overflow <= 0, (width, overflow, wide)
