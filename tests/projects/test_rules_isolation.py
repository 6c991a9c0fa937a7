"""Art. 31, new isolated projects: "确有必要建设的政务信息化项目（孤网）…由市大数据发展局初审，
报市政府批准后方可建设". A project declaring an isolated network gets BDB's initial review at
submission, then the city government's; DRC cannot approve it before both agreed
(R31.1.isolated-project)."""

import pytest

from core.errors import ActionBlocked, ActionInvalid
from policy.registry import registry
from projects import actions
from projects.models import ProjectState as S
from projects.models import Review, ReviewKind, ReviewState

pytestmark = pytest.mark.django_db

BASIS = "涉及国家秘密的考试试题传输，依据《保守国家秘密法》须物理隔离。"
NAME = "学生资助精准认定系统"


def isolated(walker, **over):
    fields = {"isolated_network": True, "isolation_basis": BASIS, **over}
    return walker.create(NAME, "800", **fields)


def isolation_review(project, authority):
    return Review.objects.get(
        project=project, kind=ReviewKind.ISOLATION, authority=authority, state="pending"
    )


def approval_findings(exc):
    return [f for f in exc.value.findings if f.rule_id == "R31.1.isolated-project"]


def test_an_isolated_network_needs_its_legal_basis(walker):
    with pytest.raises(ActionInvalid) as exc:
        isolated(walker, isolation_basis="")
    assert "isolation_basis" in exc.value.errors
    assert "法律法规依据" in exc.value.errors["isolation_basis"]


def test_submission_opens_bdb_initial_review(walker):
    project = walker.submit(isolated(walker))
    review = isolation_review(project, "bdb")
    assert review.get_kind_display() == "孤网项目初审和批准"


def test_approval_waits_for_bdb_and_the_city_government(walker, personas):
    assert "R31.1.isolated-project" in registry.gates["projects.approve"][2]
    project = walker.walk(isolated(walker), S.DRC_REVIEW)
    with pytest.raises(ActionBlocked) as exc:
        walker.approve(project)
    (finding,) = approval_findings(exc)
    assert finding.article == "第三十一条" and "市大数据发展局初审、市政府批准" in finding.message
    # BDB agrees: the city government's review opens, the approval still waits for it
    actions.review_project_isolation(
        isolation_review(project, "bdb"), acting_user=personas.bdb, agree=True, opinion="确有必要。"
    )
    with pytest.raises(ActionBlocked) as exc:
        walker.approve(project)
    (finding,) = approval_findings(exc)
    assert "市政府批准" in finding.message and "初审" not in finding.message
    actions.review_project_isolation(
        isolation_review(project, "gov"), acting_user=personas.gov, agree=True, opinion="同意。"
    )
    approved = walker.approve(project)
    assert approved.state == S.APPROVED


def test_a_refusal_keeps_the_project_from_approval(walker, personas):
    project = walker.walk(isolated(walker), S.DRC_REVIEW)
    review = isolation_review(project, "bdb")
    actions.review_project_isolation(
        review, acting_user=personas.bdb, agree=False, opinion="应接入政务外网按需共享。"
    )
    review.refresh_from_db()
    assert review.state == ReviewState.REJECTED and review.opinion == "应接入政务外网按需共享。"
    assert not Review.objects.filter(project=project, kind=ReviewKind.ISOLATION, authority="gov")
    with pytest.raises(ActionBlocked) as exc:
        walker.approve(project)
    assert approval_findings(exc)


def test_only_the_authority_on_the_desk_may_review(walker, personas):
    project = walker.submit(isolated(walker))
    review = isolation_review(project, "bdb")
    with pytest.raises(Exception) as exc:
        actions.review_project_isolation(
            review, acting_user=personas.gov, agree=True, opinion="越权。"
        )
    assert type(exc.value).__name__ in ("ActionForbidden", "Http404")
    review.refresh_from_db()
    assert review.state == "pending"


def test_a_project_that_shares_needs_no_isolation_review(walker):
    project = walker.walk(walker.create(NAME, "800"), S.DRC_REVIEW)
    assert not Review.objects.filter(project=project, kind=ReviewKind.ISOLATION).exists()
    assert walker.approve(project).state == S.APPROVED
