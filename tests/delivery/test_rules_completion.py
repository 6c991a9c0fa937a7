"""Completion (登记建成, Art. 28) needs every milestone done or a stated reason, shown to the
acceptance reviewers (R28.1.milestones-open); a failed archive acceptance (Art. 29 ¶2) stays
on record and blocks the completion acceptance until an archive acceptance passes (R29.1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent, Notification
from delivery import actions
from delivery.models import AcceptancePath, AcceptanceState, ArchiveFailure, Phase
from delivery.services import delivery_context
from policy.engine import preview_gate

from .helpers import ART19, accept_archives, approved, carry, delivered, prepare

pytestmark = pytest.mark.django_db

REASON = "数据治理模块纳入二期建设，已报市大数据发展局。"


def page(project):
    return reverse("delivery:project", args=[project.pk])


def in_trial(walker):
    """A small project in trial operation with two milestones, the first done."""
    project = approved(walker)
    prepare(project, walker.officer)
    carry(project, walker.officer, "trial")
    first = actions.add_milestone(
        project, acting_user=walker.officer, name="需求调研", planned_on="2025-04-01"
    )
    actions.add_milestone(
        project, acting_user=walker.officer, name="数据治理", planned_on="2025-09-30"
    )
    actions.complete_milestone(first, acting_user=walker.officer, done_on="2025-04-02")
    return project


def complete(project, user, **extra):
    return actions.complete_construction(
        project, acting_user=user, completed_on="2025-10-31", **extra
    )


# -- R28.1: completion with open milestones ----------------------------------------------------


def test_R28_1_completion_refused_with_open_milestones_and_no_reason(walker):
    project = in_trial(walker)
    assert [f.rule_id for f in actions.complete_construction.check(project, walker.officer)] == []
    with pytest.raises(ActionBlocked) as exc:
        complete(project, walker.officer)
    [finding] = [f for f in exc.value.findings if f.blocks]
    assert finding.rule_id == "R28.1.milestones-open" and finding.article == "第二十八条"
    assert "数据治理" in finding.message and "第二十八条" in finding.message
    assert "未完成的原因" in finding.remedy
    assert finding.facts["open_milestones"] == ["数据治理"]
    with translation.override("en"):  # shown in the reader's language
        assert finding.text.startswith("1 milestone(s) are not done yet (数据治理)")
        assert "state the reason" in finding.remedy_text
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.TRIAL and project.delivery.completed_on is None


def test_R28_1_completion_with_open_milestones_and_a_reason_shown_to_reviewers(
    walker, personas, login
):
    project = in_trial(walker)
    delivery = complete(project, walker.officer, incomplete_reason=REASON)
    assert delivery.phase == Phase.COMPLETED and delivery.incomplete_reason == REASON
    event = LedgerEvent.objects.filter(action="delivery.completed").latest("pk")
    assert REASON in event.reason
    html = login(personas.bdb).get(page(project)).content.decode()
    assert 'data-testid="incomplete-reason"' in html and REASON in html


def test_R28_1_completion_with_every_milestone_done_needs_no_reason(walker, personas, login):
    project = in_trial(walker)
    actions.complete_milestone(
        project.milestones.get(name="数据治理"), acting_user=walker.officer, done_on="2025-10-01"
    )
    delivery = complete(project, walker.officer, incomplete_reason="无关的说明")
    assert delivery.phase == Phase.COMPLETED
    assert delivery.incomplete_reason == ""  # nothing was left open: nothing to review
    html = login(personas.bdb).get(page(project)).content.decode()
    assert 'data-testid="incomplete-reason"' not in html


def test_R28_1_completion_reason_through_the_page_form(walker, login):
    project = in_trial(walker)
    unit = login(walker.officer)
    url = reverse("core:act", args=["delivery.complete_construction", project.pk])
    unit.post(url, {"completed_on": "2025-10-31"})
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.TRIAL
    unit.post(url, {"completed_on": "2025-10-31", "incomplete_reason": REASON})
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.COMPLETED
    assert project.delivery.incomplete_reason == REASON


# -- R29.1: a failed archive acceptance -------------------------------------------------------


def fail_archives(project, user, on="2025-11-03", reasons="缺少监理日志和电子文件元数据。"):
    return actions.reject_archives(project, acting_user=user, failed_on=on, reasons=reasons)


def _archives_finding(project, user):
    ctx = delivery_context(project, user, path=AcceptancePath.UNIT)
    return [f for f in preview_gate("delivery.acceptance", ctx) if f.rule_id == "R29.1"]


def test_R29_1_failed_archive_acceptance_blocks_completion_acceptance(walker, personas):
    project = delivered(walker, personas, target="documents")
    failure = fail_archives(project, personas.bdb)
    assert isinstance(failure, ArchiveFailure) and failure.recorded_by == personas.bdb
    assert Notification.objects.filter(title__contains="档案验收不合格").exists()
    with pytest.raises(ActionBlocked) as exc:
        actions.file_unit_acceptance(
            project, acting_user=walker.officer, passed=True, held_on="2025-11-20",
            conclusion="验收通过。",
        )  # fmt: skip
    [finding] = [f for f in exc.value.findings if f.rule_id == "R29.1"]
    assert finding.article == "第二十九条" and "不合格" in finding.message
    assert "缺少监理日志" in finding.message and "整改" in finding.remedy
    assert finding.facts["archive_failure"] == failure.pk
    # a second failure after a first rectification: both stay on record, still blocked
    fail_archives(project, personas.bdb, on="2025-11-10", reasons="电子文件仍不完整。")
    assert ArchiveFailure.objects.filter(project=project).count() == 2
    [finding] = _archives_finding(project, walker.officer)
    assert "电子文件仍不完整" in finding.message


def test_R29_1_rectified_archives_pass_and_the_failure_stays_on_record(walker, personas, login):
    project = delivered(walker, personas, target="documents")
    fail_archives(project, personas.bdb)
    # the new archive acceptance cannot be dated before the failure it follows
    with pytest.raises(ActionInvalid):
        accept_archives(project, personas.bdb, on="2025-11-01")
    accept_archives(project, personas.bdb, on="2025-11-08")
    assert _archives_finding(project, walker.officer) == []
    acceptance = actions.file_unit_acceptance(
        project, acting_user=walker.officer, passed=True, held_on="2025-11-20",
        conclusion="验收通过。", **ART19,
    )  # fmt: skip
    assert acceptance.state == AcceptanceState.PASSED
    assert ArchiveFailure.objects.filter(project=project).count() == 1
    html = login(personas.bdb).get(page(project)).content.decode()
    assert 'data-testid="archive-failure"' in html and "缺少监理日志" in html
    assert LedgerEvent.objects.filter(action="delivery.archives_failed").count() == 1


def test_R29_1_only_bdb_records_a_failed_archive_acceptance(walker, personas):
    project = delivered(walker, personas, target="documents")
    with pytest.raises(ActionForbidden):
        fail_archives(project, walker.officer)
    with pytest.raises(ActionInvalid):
        actions.reject_archives(
            project, acting_user=personas.bdb, failed_on="2025-11-03", reasons=""
        )
    assert not ArchiveFailure.objects.filter(project=project).exists()


def test_R29_1_failure_offered_on_the_card_and_posted(walker, personas, login):
    project = delivered(walker, personas, target="documents")
    bdb = login(personas.bdb)
    assert 'data-testid="act-reject-archives-open"' in bdb.get(page(project)).content.decode()
    url = reverse("core:act", args=["delivery.reject_archives", project.pk])
    bdb.post(url, {"failed_on": "2025-11-03", "reasons": "档案分类不规范。"})
    assert ArchiveFailure.objects.get(project=project).reasons == "档案分类不规范。"
    unit_html = login(walker.officer).get(page(project)).content.decode()
    assert "档案分类不规范。" in unit_html
