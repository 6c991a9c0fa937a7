"""Once approved, the five chapters are the approved text: no edit form, and the action refuses
for the project's state, citing Art. 14."""

import pytest

from core.errors import ActionBlocked
from projects import actions


def test_chapters_are_frozen_after_approval(walker, personas, client):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "approved")
    client.force_login(personas.jw_officer)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert "保存本章" not in html and "projects.declare_chapter" not in html
    with pytest.raises(ActionBlocked) as info:
        actions.declare_chapter(
            project,
            acting_user=personas.jw_officer,
            stage="fsr",
            chapter="crypto",
            text_content="x",
        )
    [finding] = info.value.findings
    assert (finding.rule_id, finding.article) == ("R14.1.state", "第十四条")
