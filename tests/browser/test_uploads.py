"""Issue 18, point 7: an upload states its size limit before it starts, refuses a file above
it without sending anything, and shows its progress while the file is sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF\n"


def project_documents(page):
    return page.get_by_test_id("documents-panel").filter(
        has=page.locator(".card-header").get_by_text("文件材料", exact=True)
    )


def test_an_upload_states_its_limit_refuses_a_larger_file_and_shows_progress(
    live_server, page, walker, settings
):
    from documents.models import Document

    settings.GOVIT_UPLOAD_MAX_BYTES = 4 * 1024
    project = walker.create("学生资助精准认定系统", "800")
    login(page, live_server, "jw_tianbao")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    panel = project_documents(page)
    file_input = panel.locator("input[type=file]")
    hint = panel.locator("[data-upload-hint]")
    expect(hint).to_have_text("单个文件不超过 4 KB")  # before anything is chosen

    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    panel.get_by_label("材料类型").select_option(label="可行性研究报告")
    file_input.set_input_files(
        {"name": "太大.pdf", "mimeType": "application/pdf", "buffer": PDF * 4}
    )
    expect(hint).to_have_text("文件超过 4 KB 的上限，请压缩或拆分后再上传。")
    panel.get_by_test_id("upload-button").click()
    page.wait_for_timeout(300)
    assert posts == [] and not Document.objects.exists()  # nothing was sent

    file_input.set_input_files(
        {"name": "可行性研究报告.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    expect(hint).to_have_text("单个文件不超过 4 KB")
    with page.expect_navigation():
        panel.get_by_test_id("upload-button").click()
        expect(page.locator("progress[data-upload-progress]")).to_have_attribute(
            "aria-label", "上传进度"
        )
    expect(project_documents(page).get_by_test_id("documents")).to_contain_text("可行性研究报告")
    assert len(posts) == 1 and Document.objects.count() == 1
