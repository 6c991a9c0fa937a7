"""The "您现在可以办理" card of the project and framework pages: each role is offered the actions
it may take now (the unit's, DRC's, and every open review's for its holder), blocked ones with
the findings that block them, and the card is there in every state."""

import pytest

from core.offers import next_steps
from projects import actions
from projects.models import ProjectState, Review, ReviewKind

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"


def offered(project, user):
    """The projects chapter's offers on the card (other chapters add their own)."""
    steps = next_steps(project, user)
    ours = [o for o in steps.offers if o.action.name.startswith("projects.")]
    return {o.action.function_name for o in ours if o.enabled}, {
        o.action.function_name: o for o in ours if not o.enabled
    }


def test_the_unit_is_offered_its_draft_actions_and_sees_what_blocks_submission(walker, personas):
    project = walker.create(NEW, "800", requirement="")
    enabled, blocked = offered(project, personas.jw_officer)
    assert {"update_project", "declare_chapter"} <= enabled
    finding = next(f for f in blocked["submit_project"].blocking if f.rule_id == "R8.1")
    assert finding.article == "第八条" and finding.remedy
    # another unit, BDB and DRC are offered nothing on a draft they cannot see or act on
    for user in (personas.wj_officer, personas.bdb, personas.drc):
        assert offered(project, user) == (set(), {})


def test_bdb_is_offered_the_list_review_with_its_colleagues_and_copy(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.get(project=project)
    enabled, _blocked = offered(project, personas.bdb)
    assert {"start_review", "decide_list_review", "transfer_review", "copy_review"} <= enabled
    steps = next_steps(project, personas.bdb)
    offer = next(o for o in steps.offers if o.action.name == "projects.decide_list_review")
    assert offer.target == review and "大数据局项目清单审核" in offer.qualifier
    # the unit may withdraw until BDB signs, and urge BDB; DRC may copy the step and urge
    assert {"withdraw_project", "urge_review"} <= offered(project, personas.jw_officer)[0]
    assert offered(project, personas.drc)[0] == {"copy_review", "urge_review"}
    actions.start_review(review, acting_user=personas.bdb)
    project.refresh_from_db()
    assert "withdraw_project" not in offered(project, personas.jw_officer)[0]
    assert "start_review" not in offered(project, personas.bdb)[0]


def test_after_listing_drc_is_offered_acceptance_blocked_until_the_list_is_published(
    walker, personas
):
    project = walker.list(walker.submit(walker.create(NEW, "800")))
    walker.chapters(project)
    walker.ready_for_approval_docs(project)
    _enabled, blocked = offered(project, personas.drc)
    [finding] = blocked["accept_project"].blocking
    assert (finding.rule_id, finding.article) == ("R9.2", "第九条")
    walker.publish(project.year)
    enabled, blocked = offered(project, personas.drc)
    assert "accept_project" in enabled and not blocked
    # the unit still writes its chapters while listed
    assert "declare_chapter" in offered(project, personas.jw_officer)[0]


def test_each_review_is_offered_to_its_holder_only(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.JOINT_REVIEW)
    for user, authority in ((personas.cac, "cac"), (personas.crypto, "crypto")):
        steps = next_steps(project, user)
        joint = [o for o in steps.enabled if o.action.name == "projects.give_joint_opinion"]
        assert [o.target.authority for o in joint] == [authority]
    assert offered(project, personas.consultant)[0] == set()
    # DRC approves with the approval the project is at, named on the card
    project = walker.joint(project)
    steps = next_steps(project, personas.drc)
    approve = next(o for o in steps.enabled if o.action.name == "projects.approve_project")
    assert "批复可研报告及概（预）算" in approve.qualifier
    assert {"return_project", "reject_project"} <= {o.action.function_name for o in steps.enabled}


def test_the_card_is_on_the_page_in_every_state(walker, personas, login):
    project = walker.walk(walker.create(NEW, "800"), S.APPROVED)
    for user in (personas.jw_officer, personas.bdb, personas.drc):
        html = login(user).get(f"/projects/{project.pk}/").content.decode()
        assert 'data-testid="next-steps"' in html


def test_the_consultant_is_offered_the_report_on_its_evaluation(walker, personas, login):
    project = walker.walk(walker.create(NEW, "800"), S.EVALUATION)
    review = Review.objects.open().get(project=project, kind=ReviewKind.EVALUATION)
    assert {"start_review", "submit_evaluation_report"} <= offered(project, personas.consultant)[0]
    html = login(personas.consultant).get(f"/projects/{project.pk}/").content.decode()
    assert f'action="/act/projects.submit_evaluation_report/{review.pk}/"' in html


def test_the_framework_page_offers_the_lead_unit_its_edits_and_bdb_its_review(
    planned, personas, login
):
    unit = personas.jw_officer.primary_organisation
    fw = actions.create_framework(acting_user=personas.jw_officer, lead_unit=unit, title="框架")
    steps = next_steps(fw, personas.jw_officer)
    assert {"update_framework", "set_framework_participant", "add_framework_district"} <= {
        o.action.function_name for o in steps.enabled
    }
    [submit] = [o for o in steps.blocked if o.action.name == "projects.submit_framework"]
    assert {f.rule_id for f in submit.blocking} == {"R13.1.framework"}
    assert offered(fw, personas.bdb) == (set(), {})
    assert offered(fw, personas.wj_officer) == (set(), {})
    html = login(personas.jw_officer).get(f"/projects/frameworks/{fw.pk}/").content.decode()
    assert 'disabled data-testid="act-submit-framework"' in html
    assert 'data-rule="R13.1.framework"' in html


def test_the_list_review_states_its_conditions_before_pressing_and_marks_what_listing_needs(
    walker, personas, login
):
    """Issue 18 pt 6: the card said nothing of R8.2 and the fields looked optional, then the
    press was refused. The same rule now tells the condition ahead (a 提示, not a refusal), the
    criteria and priority are marked as needed to list, and 签收 reads as optional."""
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.get(project=project)
    steps = next_steps(project, personas.bdb)
    offer = next(o for o in steps.offers if o.action.name == "projects.decide_list_review")
    assert offer.enabled
    [ahead] = [f for f in offer.warnings if f.rule_id == "R8.2"]
    assert ahead.severity == "info" and "逐项选择审核结论并填写意见" in ahead.message
    html = login(personas.bdb).get(f"/projects/{project.pk}/").content.decode()
    assert html.count("（列入项目清单时必填）") == 11  # five verdicts, five opinions, priority
    assert "（退回或不予列入时必填）" in html
    assert "可选：表明此环节由您承办" in html
    # pressing 列入 without the opinions: refused by the same rule, the input kept
    response = login(personas.bdb).post(
        f"/act/projects.decide_list_review/{review.pk}/",
        {f"decide_list_review-{review.pk}-decision": "list", "next": "/"},
    )
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED
    page = response.content.decode()
    assert response.status_code == 200 and 'data-rule="R8.2"' in page
    assert "尚缺：建设依据、系统整合方案、数据共享方案、跨部门共性需求、数据治理" in page
