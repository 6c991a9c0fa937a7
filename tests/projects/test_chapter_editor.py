"""Issue 18 pt 1: the five chapters of Art. 14 are written in one editor on the project page.
Saving keeps every chapter typed (not only the one whose button was pressed), only chapters
that changed are written (one ledger event each), and the page's autosave is answered in
JSON without leaving a message for the next page."""

import pytest

from core.models import LedgerEvent
from documents.models import Chapter
from projects.models import ChapterDeclaration

pytestmark = pytest.mark.django_db
AUTOSAVE = {"HTTP_X_GOVIT_AUTOSAVE": "1"}


@pytest.fixture
def draft(walker):
    return walker.create("学生资助精准认定系统", "800")


def editor_post(client, project, headers=None, **texts):
    """What the chapter editor posts: the stage and the five chapters, prefixed."""
    prefix = f"declare_chapters-{project.pk}"
    data = {f"{prefix}-stage": "fsr", "next": f"/projects/{project.pk}/#chapters"}
    data.update({f"{prefix}-{key}": texts.get(key, "") for key in Chapter.values})
    return client.post(f"/act/projects.declare_chapters/{project.pk}/", data, **(headers or {}))


def chapter_events(project):
    return LedgerEvent.objects.filter(
        action="projects.chapter_declared", object_id=str(project.pk)
    ).count()


def stored(project):
    return dict(
        ChapterDeclaration.objects.filter(project=project, stage="fsr").values_list(
            "chapter", "text"
        )
    )


def test_one_editor_holds_the_five_chapters_and_keeps_them_all(draft, personas, client):
    client.force_login(personas.jw_officer)
    page = client.get(f"/projects/{draft.pk}/").content.decode()
    assert page.count('data-testid="chapter-editor"') == 1
    assert page.count('<textarea name="declare_chapters-') == 5
    response = editor_post(
        client, draft, security="按等保三级建设。", crypto="按 GB/T 39786 三级。"
    )
    assert response.status_code == 302 and response["Location"].endswith("#chapters")
    assert stored(draft) == {"security": "按等保三级建设。", "crypto": "按 GB/T 39786 三级。"}
    assert chapter_events(draft) == 2
    page = client.get(f"/projects/{draft.pk}/").content.decode()
    assert "已保存章节：网络安全保护措施、密码应用方案。" in page
    assert "按等保三级建设。" in page and "按 GB/T 39786 三级。" in page and "缺 3 章" in page


def test_only_changed_chapters_are_written(draft, personas, client):
    client.force_login(personas.jw_officer)
    editor_post(client, draft, security="按等保三级建设。")
    editor_post(client, draft, security="按等保三级建设。", intensive="依托数字重庆云。")
    assert chapter_events(draft) == 2  # security once, intensive once
    editor_post(client, draft, security="按等保三级建设。", intensive="依托数字重庆云。")
    assert chapter_events(draft) == 2  # nothing changed, nothing recorded
    editor_post(client, draft, intensive="依托数字重庆云。")  # a chapter emptied is written
    assert stored(draft)["security"] == "" and chapter_events(draft) == 3


def test_autosave_is_answered_in_json_and_leaves_no_message(draft, personas, client):
    client.force_login(personas.jw_officer)
    response = editor_post(client, draft, AUTOSAVE, data_sharing="通过共享平台共享。")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "message": "已保存章节：数据资源共享分析。"}
    assert stored(draft) == {"data_sharing": "通过共享平台共享。"}
    page = client.get(f"/projects/{draft.pk}/").content.decode()
    assert "已保存章节" not in page  # the autosave's word is on its status line, not here


def test_autosave_refused_says_why_in_json(walker, draft, personas, client):
    """After approval the chapters are frozen: an autosave then is refused with the reason."""
    from projects.models import ProjectState

    project = walker.walk(draft, ProjectState.APPROVED)
    before = stored(project)
    client.force_login(personas.jw_officer)
    response = editor_post(client, project, AUTOSAVE, security="改写")
    assert response.status_code == 422
    answer = response.json()
    assert answer["ok"] is False and "不能保存报告章节" in answer["message"]
    assert stored(project) == before


def test_the_editor_is_not_shown_to_those_who_may_not_write(draft, personas, client):
    for user in (personas.bdb, personas.wj_officer):
        client.force_login(user)
        page = client.get(f"/projects/{draft.pk}/").content.decode()
        assert 'data-testid="chapter-editor"' not in page
    client.force_login(personas.wj_officer)
    assert editor_post(client, draft, security="外单位").status_code == 404
    assert stored(draft) == {}
