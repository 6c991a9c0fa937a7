"""Issue 18 pt 11: 催办 — the submitting unit (or DRC, the city government) urges the holder of
an open review step, once a day per step; the holder sees it in to-dos and notifications."""

from datetime import timedelta

import pytest

from core.dates import today
from core.enums import event_label
from core.errors import ActionBlocked, ActionError, ActionForbidden
from core.models import LedgerEvent, Notification
from core.todos import todos_for
from projects.actions import urge_review
from projects.models import Review, ReviewUrge

NEW = "学生资助精准认定系统"


@pytest.fixture
def list_review(walker):
    project = walker.submit(walker.create(NEW, "800"))
    return Review.objects.open().get(project=project, kind="list")


def test_the_unit_urges_the_list_review_and_bdb_sees_it(list_review, personas, client):
    urge_review(list_review, acting_user=personas.jw_officer, note="请尽快审核。")
    urge = ReviewUrge.objects.get(review=list_review)
    assert urge.urged_by == personas.jw_officer and urge.urged_on == today()
    for reviewer in (personas.bdb, personas.bdb2):
        note = Notification.objects.filter(recipient=reviewer, title__startswith="催办：").get()
        assert list_review.project.code in note.title and note.body == "请尽快审核。"
    event = LedgerEvent.objects.filter(action="projects.review_urged").get()
    assert event_label(event.action) == "催办" and event.actor == personas.jw_officer
    todo = next(t for t in todos_for(personas.bdb) if list_review.project.code in t.title)
    assert todo.title.startswith("【催办】") and "已被催办 1 次" in todo.detail
    client.force_login(personas.bdb)
    assert "【催办】" in client.get("/").content.decode()


def test_once_a_day_per_step(list_review, personas, monkeypatch):
    urge_review(list_review, acting_user=personas.jw_officer)
    with pytest.raises(ActionBlocked) as refused:
        urge_review(list_review, acting_user=personas.jw_head)
    (finding,) = refused.value.findings
    assert finding.rule_id == "R9.3.urge-daily" and "每个环节每天只能催办一次" in finding.message
    monkeypatch.setattr("projects.actions.urging.today", lambda: today() + timedelta(days=1))
    urge_review(list_review, acting_user=personas.drc)  # DRC oversees the approval
    assert ReviewUrge.objects.filter(review=list_review).count() == 2


def test_the_holder_and_other_units_may_not_urge(list_review, personas):
    with pytest.raises(ActionForbidden):
        urge_review(list_review, acting_user=personas.bdb)  # holds the step
    with pytest.raises(ActionError):
        urge_review(list_review, acting_user=personas.wj_officer)  # not its unit
    assert not ReviewUrge.objects.exists()


def test_the_card_offers_urging_to_the_unit(list_review, personas, client):
    client.force_login(personas.jw_officer)
    html = client.get(f"/projects/{list_review.project_id}/").content.decode()
    assert 'data-testid="act-urge-review-open"' in html
    client.force_login(personas.bdb)
    html = client.get(f"/projects/{list_review.project_id}/").content.decode()
    assert 'data-testid="act-urge-review' not in html
