"""Art. 9, the approval path follows the amount (R9.1): a total changed before the first
approval re-decides the path, a single-stage approval cannot approve a total at or above the
threshold, and approving more than requested needs a recorded reason."""

from decimal import Decimal

import pytest

from core.enums import ActionCode
from core.models import LedgerEvent
from projects import actions
from projects.models import ApprovalPath, ProjectState, Review, ReviewKind
from projects.walk import OPINION_TEXT

from .helpers import assert_blocked, last_decision

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"


def drc_review(project) -> Review:
    return Review.objects.open().get(project=project, kind=ReviewKind.DRC_APPROVAL)


def approve(project, user, **overrides):
    kwargs = {
        "chapter_opinions": OPINION_TEXT,
        "document_number": "渝发改数〔2026〕9号",
        "opinion": "同意。",
    }
    kwargs.update(overrides)
    review = drc_review(project)
    return lambda: actions.approve_project(review, acting_user=user, **kwargs)


def returned_at_joint_review(walker, personas, wan):
    """A project DRC accepted, returned by one authority of the joint review."""
    project = walker.walk(walker.create(NEW, wan), S.JOINT_REVIEW)
    review = Review.objects.open().get(project=project, kind=ReviewKind.JOINT, authority="crypto")
    return actions.give_joint_opinion(
        review, acting_user=personas.crypto, agree=False, opinion="请核实投资规模。"
    )


# -- (a) the path follows the amount until the first approval --------------------------------


def test_R9_1_raised_total_after_return_becomes_two_stages(walker, personas):
    project = returned_at_joint_review(walker, personas, "2900")
    assert project.approval_path == ApprovalPath.SINGLE and project.state == S.RETURNED
    project = actions.update_project(
        project, acting_user=walker.officer, total_investment_wan="3500"
    )
    project.refresh_from_db()
    assert project.approval_path == ApprovalPath.TWO
    event = LedgerEvent.objects.filter(
        action=ActionCode.PROJECT_UPDATED, object_id=str(project.pk)
    ).latest("seq")
    assert event.data["changed"]["approval_path"] == ["single", "two"]
    project = actions.resubmit_project(project, acting_user=walker.officer)
    project = walker.joint(project)
    assert project.state == S.DRC_REVIEW
    # DRC now approves the FSR first, not FSR and budget in one stage.
    project = approve(project, personas.drc)()
    assert project.state == S.FSR_APPROVED and project.approved_at is None
    assert last_decision("projects.approve_fsr").outcome == "pass"


def test_R9_1_lowered_total_after_return_becomes_one_stage(walker, personas):
    project = returned_at_joint_review(walker, personas, "3500")
    assert project.approval_path == ApprovalPath.TWO
    actions.update_project(project, acting_user=walker.officer, total_investment_wan="2900")
    project.refresh_from_db()
    assert project.approval_path == ApprovalPath.SINGLE


def test_R9_1_changed_total_of_a_draft_leaves_the_path_to_acceptance(walker):
    project = walker.create(NEW, "2900")
    actions.update_project(project, acting_user=walker.officer, total_investment_wan="3500")
    project.refresh_from_db()
    assert project.approval_path == ""  # decided when DRC accepts (R9.2)


def test_R9_1_path_stays_two_stages_once_the_fsr_is_approved(walker, personas):
    project = walker.walk(walker.create(NEW, "3500"), S.DESIGN_REVIEW)
    review = Review.objects.open().get(project=project, kind=ReviewKind.DESIGN_CONTENT)
    project = actions.review_design_content(
        review, acting_user=personas.bdb, agree=False, opinion="请压减投资。"
    )
    actions.update_project(project, acting_user=walker.officer, total_investment_wan="2900")
    project.refresh_from_db()
    assert project.total_investment == Decimal("29000000")
    assert project.approval_path == ApprovalPath.TWO  # the FSR stage is done (Art. 9)


# -- (b) a single-stage approval stays below the threshold -----------------------------------


def test_R9_1_single_amount_at_or_above_threshold_refused(walker, personas):
    project = walker.walk(walker.create(NEW, "2900"), S.DRC_REVIEW)
    for wan in ("4000", "3000"):
        finding = assert_blocked(
            approve(
                project,
                personas.drc,
                approved_amount_wan=wan,
                over_request_reason="评估建议增加灾备建设内容。",
            ),
            rule_id="R9.1.single-amount",
            article="第九条",
            text="不能按一次审批批复",
            project=project,
            gate="projects.approve",
        )
        assert "3,000.00 万元（含本数）" in finding["message"]
        assert "两阶段审批先批复可行性研究报告" in finding["remedy"]


def test_R9_1_single_amount_below_threshold_passes(walker, personas):
    project = walker.walk(walker.create(NEW, "2900"), S.DRC_REVIEW)
    project = approve(
        project,
        personas.drc,
        approved_amount_wan="2999.99",
        over_request_reason="评估建议增加灾备建设内容。",
    )()
    assert project.state == S.APPROVED
    assert project.approved_total == Decimal("29999900")


# -- (c) approving more than requested needs a reason ----------------------------------------


def test_R9_1_over_request_without_reason_refused(walker, personas):
    project = walker.walk(walker.create(NEW, "580"), S.DRC_REVIEW)
    finding = assert_blocked(
        approve(project, personas.drc, approved_amount_wan="900"),
        rule_id="R9.1.over-request",
        article="第九条",
        text="核定总投资 900.00 万元高于申报总投资 580.00 万元",
        project=project,
    )
    assert "核定总投资超出申报的理由" in finding["remedy"]


def test_R9_1_over_request_with_reason_recorded_and_shown(walker, personas, client):
    project = walker.walk(walker.create(NEW, "580"), S.DRC_REVIEW)
    review = drc_review(project)
    reason = "评估及联合审查认为须增加密码应用改造内容。"
    project = approve(
        project, personas.drc, approved_amount_wan="900", over_request_reason=reason
    )()
    assert project.state == S.APPROVED and project.approved_total == Decimal("9000000")
    review.refresh_from_db()
    assert review.over_request_reason == reason
    event = LedgerEvent.objects.filter(action=ActionCode.PROJECT_APPROVED).latest("seq")
    assert event.data["over_request_reason"] == reason
    client.force_login(personas.drc)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="review-over-request-reason"' in page and reason in page
    client.force_login(walker.officer)
    out = client.get(f"/api/projects/{project.pk}").json()
    [drc] = [r for r in out["reviews"] if r["kind"] == ReviewKind.DRC_APPROVAL]
    assert drc["over_request_reason"] == reason


def test_R9_1_approval_at_or_below_request_needs_no_reason(walker, personas):
    project = walker.walk(walker.create(NEW, "580"), S.DRC_REVIEW)
    project = approve(project, personas.drc, approved_amount_wan="500")()
    assert project.state == S.APPROVED
    assert drc_review_reason(project) == ""


def drc_review_reason(project) -> str:
    return Review.objects.get(project=project, kind=ReviewKind.DRC_APPROVAL).over_request_reason
