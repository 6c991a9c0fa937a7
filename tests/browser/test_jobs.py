"""Issue 18, point 7: an import runs in the background. The page shows a named progress bar
while it is queued and running, then, without being reloaded by hand, what the import did."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.jobs import run_job
from core.models import BackgroundJob

from .helpers import login, submit_form

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_import_shows_its_progress_then_its_result(live_server, page, personas, tmp_path):
    from tests.core.test_jobs import sheet

    path = tmp_path / "systems.xlsx"
    path.write_bytes(sheet("B-1", "B-2", "BAD").getvalue())
    login(page, live_server, "jw_tianbao")
    page.goto(f"{live_server.url}/catalog/systems/import/")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(path))
    submit_form(page, page.get_by_test_id("import-form").get_by_role("button", name="导入"))
    expect(page.get_by_role("heading", level=1)).to_have_text("导入系统目录：systems.xlsx")
    bar = page.get_by_role("progressbar", name="处理进度")
    expect(bar).to_be_visible()
    expect(page.get_by_test_id("job-progress")).to_contain_text("排队中")
    run_job.call(BackgroundJob.objects.get().pk)  # the task worker takes it
    expect(page.get_by_test_id("job-summary")).to_have_text(
        "导入系统目录：新增 2，更新 0，未变 0，拒绝 1 行。", timeout=10_000
    )
    expect(page.get_by_role("progressbar", name="处理进度")).to_have_attribute(
        "aria-valuenow", "100"
    )
    expect(page.get_by_test_id("job-errors")).to_contain_text("系统类别")
    page.get_by_test_id("job-result").click()
    expect(page).to_have_url(f"{live_server.url}/catalog/systems/")
