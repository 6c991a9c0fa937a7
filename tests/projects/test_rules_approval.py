"""Approval gates (Art. 4, 9, 12, 14, 19): acceptance of listed projects, the approval path by
the policy threshold, evaluation, the joint technical review, BDB's design-content review and
DRC's approval. Each requirement has a passing and a blocked case."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from accounts.models import Organisation
from accounts.roles import OrgKind
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden
from core.machines import moving_bulk
from core.models import LedgerEvent
from documents import actions as document_actions
from policy.engine import evaluate_gate
from policy.models import Outcome
from projects import actions
from projects.machines import PROJECT
from projects.models import (
    JOINT_REVIEW_AUTHORITIES,
    ApprovalPath,
    Project,
    ProjectState,
    Review,
    ReviewKind,
    Stage,
)
from projects.services import project_context
from projects.walk import OPINION_TEXT, PDF

from .helpers import assert_blocked, last_decision, plan_district_unit, preview, rule_ids

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"
EXPANSION = "智慧教育综合服务平台（二期）"


def open_review(project, kind, authority=None) -> Review:
    qs = Review.objects.open().filter(project=project, kind=kind)
    if authority:
        qs = qs.filter(authority=authority)
    return qs.get()


def approve(project, user, **overrides):
    kwargs = {
        "chapter_opinions": OPINION_TEXT,
        "document_number": "渝发改数〔2026〕8号",
        "opinion": "同意。",
    }
    kwargs.update(overrides)
    review = open_review(project, ReviewKind.DRC_APPROVAL)
    return lambda: actions.approve_project(review, acting_user=user, **kwargs)


def approval_facts(**overrides):
    facts = {
        "chapter_opinions": OPINION_TEXT,
        "document_number": "渝发改数〔2026〕8号",
        "approved_amount": Decimal("1"),
    }
    facts.update(overrides)
    return facts


def accept(project, user, consultant="first"):
    if consultant == "first":
        consultant = Organisation.objects.filter(kind=OrgKind.CONSULTANT).order_by("pk").first().pk
    return lambda: actions.accept_project(project, acting_user=user, consultant=consultant)


def upload(project, user, doc_type, chapter=""):
    return document_actions.upload_document(
        project,
        acting_user=user,
        doc_type=doc_type,
        title=doc_type,
        chapter=chapter,
        file=ContentFile(PDF, name=f"{doc_type}.pdf"),
    )


# -- R9.1 approval path by the threshold of the policy in force ------------------------------


def test_R9_1_just_below_municipal_threshold_is_one_stage(walker):
    project = walker.walk(walker.create(NEW, "2999.99"), S.EVALUATION)
    assert project.approval_path == ApprovalPath.SINGLE
    assert project.policy.code == "cq-municipal-2021"
    [info] = [f for f in last_decision("projects.accept").findings if f["rule_id"] == "R9.1.path"]
    assert info["severity"] == "info" and info["article"] == "第九条"
    assert (
        "总投资 2,999.99 万元低于《重庆市市级政务信息化项目管理办法》的审批门槛 3,000.00 万元"
        in info["message"]
    )
    assert info["facts"]["path"] == "single"
    project = walker.walk(project, S.APPROVED)
    assert project.state == S.APPROVED and project.fsr_approved_at is None
    assert LedgerEvent.objects.filter(action=ActionCode.PROJECT_APPROVED).count() == 1
    assert not LedgerEvent.objects.filter(action=ActionCode.FSR_APPROVED).exists()


def test_R9_1_exactly_at_municipal_threshold_is_two_stages(walker):
    project = walker.walk(walker.create(NEW, "3000"), S.EVALUATION)
    assert project.approval_path == ApprovalPath.TWO
    [info] = [f for f in last_decision("projects.accept").findings if f["rule_id"] == "R9.1.path"]
    assert (
        "达到《重庆市市级政务信息化项目管理办法》的审批门槛 3,000.00 万元（第九条，含本数）"
        in info["message"]
    )
    project = walker.walk(project, S.FSR_APPROVED)
    assert project.state == S.FSR_APPROVED and project.approved_at is None
    project = walker.walk(project, S.APPROVED)
    assert project.state == S.APPROVED and project.fsr_approved_at < project.approved_at
    actions_seen = list(
        LedgerEvent.objects.filter(object_id=str(project.pk), object_type="projects.project")
        .exclude(from_state="")
        .order_by("seq")
        .values_list("to_state", flat=True)
    )
    assert actions_seen[-4:] == [S.FSR_APPROVED, S.DESIGN_REVIEW, S.DESIGN_DRC_REVIEW, S.APPROVED]


def test_R9_1_district_policy_threshold_makes_1500_wan_two_stages(planned, walker):
    from projects.walk import Walker

    plan_district_unit(planned)
    yz = Walker(planned, "yz_tianbao")
    district_project = yz.walk(yz.create("渝中区城市运行管理平台", "1500"), S.EVALUATION)
    assert district_project.policy.code == "cq-yuzhong-example-2022"
    assert district_project.approval_path == ApprovalPath.TWO
    [info] = [f for f in last_decision("projects.accept").findings if f["rule_id"] == "R9.1.path"]
    assert "审批门槛 1,000.00 万元" in info["message"]
    assert info["facts"]["policy"] == "cq-yuzhong-example-2022"
    # The same amount in a municipal unit: one stage.
    municipal = walker.walk(walker.create(NEW, "1500"), S.EVALUATION)
    assert municipal.approval_path == ApprovalPath.SINGLE
    # The district project is approved in two stages with the district policy on record.
    district_project = yz.walk(district_project, S.APPROVED)
    assert district_project.fsr_approved_at is not None
    event = LedgerEvent.objects.filter(
        action=ActionCode.PROJECT_APPROVED, object_id=str(district_project.pk)
    ).get()
    assert event.policy_version == "cq-yuzhong-example-2022"


def test_R9_1_single_stage_approval_refused_on_two_stage_project(walker, personas):
    project = walker.walk(walker.create(NEW, "3500"), S.DRC_REVIEW)
    ctx = project_context(project, personas.drc, **approval_facts())
    decision = evaluate_gate("projects.approve", ctx, organisation=project.unit)
    assert decision.outcome == Outcome.BLOCK
    [finding] = [f for f in decision.findings if f["rule_id"] == "R9.1.single"]
    assert (
        finding["article"] == "第九条" and "不能一次批复可研报告及概（预）算" in finding["message"]
    )
    # The action picks the FSR approval for a two-stage project, never the single one.
    project = approve(project, personas.drc)()
    assert project.state == S.FSR_APPROVED and project.approved_at is None
    assert last_decision("projects.approve_fsr").outcome == Outcome.PASS


def test_R9_1_fsr_and_design_approval_refused_on_single_stage_project(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.DRC_REVIEW)
    for gate, rule_id, text in (
        ("projects.approve_fsr", "R9.1.two-stage", "无需单独批复可行性研究报告"),
        ("projects.approve_design", "R9.1.design-after-fsr", "须在可行性研究报告批复后"),
    ):
        ctx = project_context(project, personas.drc, **approval_facts())
        decision = evaluate_gate(gate, ctx, organisation=project.unit)
        assert decision.outcome == Outcome.BLOCK
        [finding] = [f for f in decision.findings if f["rule_id"] == rule_id]
        assert finding["article"] == "第九条" and text in finding["message"]
    assert approve(project, personas.drc)().state == S.APPROVED


def test_R9_1_design_submission_before_fsr_approval_refused(walker, personas):
    project = walker.walk(walker.create(NEW, "3500"), S.DRC_REVIEW)
    with pytest.raises(ActionBlocked) as info:
        actions.submit_design(project, acting_user=walker.officer)
    assert [f.rule_id for f in info.value.findings] == ["R9.1.state"]
    project.refresh_from_db()
    assert project.state == S.DRC_REVIEW
    assert "R9.1.design-after-fsr" in rule_ids(preview("projects.design.submit", project), "block")
    # Even a project put in 可研已批复 by hand (no FSR approval on record) is refused.
    with moving_bulk(PROJECT):
        Project.objects.filter(pk=project.pk).update(state=S.FSR_APPROVED)
    walker.chapters(project, Stage.DESIGN)
    assert_blocked(
        lambda: actions.submit_design(project, acting_user=walker.officer),
        rule_id="R9.1.design-after-fsr",
        article="第九条",
        text="须在可行性研究报告批复后",
        project=project,
        gate="projects.design.submit",
    )


def test_R9_1_design_submission_after_fsr_approval_passes(walker):
    project = walker.walk(walker.create(NEW, "3500"), S.FSR_APPROVED)
    project = walker.submit_design(project)
    assert project.state == S.DESIGN_REVIEW
    assert last_decision("projects.design.submit").outcome == Outcome.PASS


# -- R9.2 DRC accepts listed projects only; the consultant sees its projects only ---------


def test_R9_2_accept_refused_when_not_on_published_list(walker, personas):
    project = walker.list(walker.submit(walker.create(NEW, "800")))
    walker.chapters(project)
    walker.ready_for_approval_docs(project)
    finding = assert_blocked(
        accept(project, personas.drc),
        rule_id="R9.2",
        article="第九条",
        text="不在已发布的",
        project=project,
        gate="projects.accept",
    )
    assert "统一受理已纳入项目清单的项目申请" in finding["message"]
    project.refresh_from_db()
    assert project.policy_id is None and project.approval_path == ""
    walker.publish(project.year)
    project = accept(project, personas.drc)()
    assert project.state == S.EVALUATION
    assert last_decision("projects.accept").outcome == Outcome.PASS


def test_R9_2_accept_refused_for_unlisted_project(walker, personas):
    listed = walker.list(walker.submit(walker.create(NEW, "800")))
    walker.publish(listed.year)
    other = walker.submit(walker.create(NEW, "500"))
    with pytest.raises(ActionBlocked) as info:
        accept(other, personas.drc)()
    assert [f.rule_id for f in info.value.findings] == ["R9.2.state"]
    assert "R9.2" in rule_ids(preview("projects.accept", other, consultant="x"), "block")


def test_R9_2_accept_needs_a_consultant(walker, personas):
    project = walker.list(walker.submit(walker.create(NEW, "800")))
    walker.publish(project.year)
    walker.chapters(project)
    walker.ready_for_approval_docs(project)
    assert_blocked(
        accept(project, personas.drc, consultant=None),
        rule_id="R9.2.consultant",
        article="第九条",
        text="须委托第三方咨询评估机构",
        project=project,
    )


def test_R9_2_consultant_sees_only_assigned_projects(walker, personas):
    other_consultant = Organisation.objects.create(
        name="重庆某咨询公司（测试）", short_name="某咨询", kind=OrgKind.CONSULTANT
    )
    mine = walker.walk(walker.create(NEW, "800"), S.EVALUATION)
    theirs = walker.walk(walker.create(NEW, "600"), S.LISTED)
    walker.chapters(theirs)
    walker.ready_for_approval_docs(theirs)
    walker.publish(theirs.year)
    accept(theirs, personas.drc, consultant=other_consultant.pk)()
    listed_only = walker.walk(walker.create(NEW, "500"), S.LISTED)
    visible = set(Project.objects.for_user(personas.consultant).values_list("pk", flat=True))
    assert visible == {mine.pk}
    assert listed_only.pk not in visible
    # Acting on the other consultant's evaluation looks like a missing object.
    review = open_review(theirs, ReviewKind.EVALUATION)
    with pytest.raises(ActionForbidden):
        actions.submit_evaluation_report(
            review, acting_user=personas.consultant, chapter_opinions=OPINION_TEXT, opinion="x"
        )


# -- R9.3 joint technical review by five authorities ----------------------------------------


def test_R9_3_four_of_five_opinions_do_not_complete_the_review(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.JOINT_REVIEW)
    project = walker.joint(project, skip=("secrecy",))
    assert project.state == S.JOINT_REVIEW
    assert not Review.objects.filter(project=project, kind=ReviewKind.DRC_APPROVAL).exists()
    [finding] = [f for f in preview("projects.joint_review.complete", project)]
    assert finding["rule_id"] == "R9.3" and "保密主管部门尚未同意" in finding["message"]
    # Approval itself is blocked too while one authority is missing.
    ctx = project_context(project, personas.drc, **approval_facts())
    decision = evaluate_gate("projects.approve", ctx, organisation=project.unit)
    assert "R9.3" in rule_ids(decision.findings, "block")
    # The fifth agrees: complete, DRC gets the approval review.
    project = walker.joint(project, skip=("cac", "finance", "bdb", "crypto"))
    assert project.state == S.DRC_REVIEW
    assert last_decision("projects.joint_review.complete").outcome == Outcome.PASS
    assert open_review(project, ReviewKind.DRC_APPROVAL).authority == "drc"


def test_R9_3_any_one_authority_returns_and_new_round_needs_all_five(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.JOINT_REVIEW)
    project = walker.joint(project, skip=("crypto", "secrecy"))
    review = open_review(project, ReviewKind.JOINT, "crypto")
    project = actions.give_joint_opinion(
        review, acting_user=personas.crypto, agree=False, opinion="密码应用方案未通过评估。"
    )
    assert project.state == S.RETURNED and project.returned_from == S.JOINT_REVIEW
    assert not Review.objects.open().filter(project=project).exists()  # secrecy superseded
    project = actions.resubmit_project(project, acting_user=walker.officer)
    assert project.state == S.JOINT_REVIEW
    round2 = Review.objects.open().filter(project=project, kind=ReviewKind.JOINT)
    assert {r.authority for r in round2} == set(JOINT_REVIEW_AUTHORITIES)
    assert {r.round for r in round2} == {2}
    # The three who agreed in round 1 must agree again.
    project = walker.joint(project, skip=("cac",))
    assert project.state == S.JOINT_REVIEW
    project = walker.joint(project, skip=("finance", "bdb", "crypto", "secrecy"))
    assert project.state == S.DRC_REVIEW


def test_R9_3_return_needs_a_reason(walker, personas):
    from core.errors import ActionInvalid

    project = walker.walk(walker.create(NEW, "800"), S.JOINT_REVIEW)
    review = open_review(project, ReviewKind.JOINT, "cac")
    with pytest.raises(ActionInvalid):
        actions.give_joint_opinion(review, acting_user=personas.cac, agree=False, opinion="")
    project.refresh_from_db()
    assert project.state == S.JOINT_REVIEW


# -- R4.1 BDB reviews the preliminary-design content before DRC approves -------------------


def test_R4_1_design_approval_after_content_review_passes(walker):
    project = walker.walk(walker.create(NEW, "3500"), S.DESIGN_DRC_REVIEW)
    assert last_decision("projects.design.content").outcome == Outcome.PASS
    project = walker.approve(project)
    assert project.state == S.APPROVED
    decision = last_decision("projects.approve_design")
    assert decision.outcome == Outcome.PASS and "R4.1" in decision.rule_ids


def test_R4_1_design_approval_without_content_review_refused(walker, personas):
    project = walker.walk(walker.create(NEW, "3500"), S.DESIGN_REVIEW)
    # DRC tries to approve the design while BDB's content review is still open.
    review = Review.objects.create(
        project=project, kind=ReviewKind.DRC_APPROVAL, stage=Stage.DESIGN, round=1, authority="drc"
    )
    with pytest.raises(ActionBlocked) as info:
        approve(project, personas.drc)()
    assert [f.rule_id for f in info.value.findings] == ["R9.1.state"]
    project.refresh_from_db()
    assert project.state == S.DESIGN_REVIEW
    # Even with the project moved to DRC's desk by hand, the gate refuses (R4.1).
    with moving_bulk(PROJECT):
        Project.objects.filter(pk=project.pk).update(state=S.DESIGN_DRC_REVIEW)
    assert_blocked(
        approve(project, personas.drc),
        rule_id="R4.1",
        article="第四条",
        text="尚未经市大数据发展局内容审核同意",
        project=project,
        gate="projects.approve_design",
    )
    review.refresh_from_db()
    assert review.state == "pending"


def test_R4_1_content_review_return_goes_back_to_design(walker, personas):
    project = walker.walk(walker.create(NEW, "3500"), S.DESIGN_REVIEW)
    review = open_review(project, ReviewKind.DESIGN_CONTENT)
    project = actions.review_design_content(
        review, acting_user=personas.bdb, agree=False, opinion="数据共享内容不足。"
    )
    assert project.state == S.RETURNED and project.returned_from == S.DESIGN_REVIEW
    project = actions.resubmit_project(project, acting_user=walker.officer)
    assert project.state == S.DESIGN_REVIEW
    assert open_review(project, ReviewKind.DESIGN_CONTENT).round == 2
    assert "R4.1" in rule_ids(
        preview("projects.approve_design", project, **approval_facts()), "block"
    )


# -- R12.1 civil works / energy: the four assessments ----------------------------------------


def _listed_with_docs(walker, name, wan, **fields):
    project = walker.walk(walker.create(name, wan, **fields), S.LISTED)
    walker.publish(project.year)
    walker.chapters(project)
    walker.ready_for_approval_docs(project)
    return project


def test_R12_1_civil_works_requires_four_documents(walker, personas):
    project = _listed_with_docs(walker, NEW, "800", new_civil_works=True)
    finding = assert_blocked(
        accept(project, personas.drc),
        rule_id="R12.1",
        article="第十二条",
        text="项目含新建土建工程，须提供节能评估、选址意见、用地预审、环境影响评价",
        project=project,
    )
    assert len(finding["facts"]["missing"]) == 4
    for doc_type in ("energy_assessment", "site_selection", "land_prereview"):
        walker.attach(project, doc_type, doc_type)
    assert_blocked(
        accept(project, personas.drc), rule_id="R12.1", article="第十二条", text="环境影响评价"
    )
    walker.attach(project, "env_assessment", "环评批复")
    assert accept(project, personas.drc)().state == S.EVALUATION


def test_R12_1_energy_intensive_requires_documents(walker, personas):
    project = _listed_with_docs(walker, NEW, "800", energy_intensive=True)
    assert_blocked(
        accept(project, personas.drc), rule_id="R12.1", article="第十二条", text="高耗能"
    )


def test_R12_1_not_required_without_flags(walker, personas):
    project = _listed_with_docs(walker, NEW, "800")
    assert accept(project, personas.drc)().state == S.EVALUATION
    assert "R12.1" not in rule_ids(last_decision("projects.accept").findings)


# -- R14.1 five chapters; post-evaluation of the earlier project ---------------------------


def test_R14_1_missing_chapter_blocks_acceptance(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.LISTED)
    walker.publish(project.year)
    walker.ready_for_approval_docs(project)
    for chapter in ("data_governance", "data_sharing", "security", "crypto"):
        actions.declare_chapter(
            project, acting_user=walker.officer, stage="fsr", chapter=chapter, text_content="内容。"
        )
    finding = assert_blocked(
        accept(project, personas.drc),
        rule_id="R14.1",
        article="第十四条",
        text="可行性研究报告缺少以下章节：集约化建设",
        project=project,
    )
    assert finding["facts"] == {"stage": "fsr", "missing": ["集约化建设"]}
    # A chapter may be an attachment instead of a text section.
    upload(project, walker.officer, "chapter", chapter="intensive")
    assert accept(project, personas.drc)().state == S.EVALUATION


def test_R14_1_blank_chapter_text_does_not_count(walker, personas):
    project = _listed_with_docs(walker, NEW, "800")
    actions.declare_chapter(
        project, acting_user=walker.officer, stage="fsr", chapter="security", text_content="  "
    )
    assert_blocked(
        accept(project, personas.drc), rule_id="R14.1", article="第十四条", text="网络安全保护措施"
    )


def test_R14_1_expansion_needs_post_evaluation_report(walker, personas):
    project = _listed_with_docs(walker, EXPANSION, "800")
    assert project.kind == "expansion"
    assert_blocked(
        accept(project, personas.drc),
        rule_id="R14.1.post-evaluation",
        article="第十四条",
        text="改扩建项目须提交原项目的第三方后评价报告",
        project=project,
    )
    walker.attach(project, "post_evaluation", "一期后评价报告")
    assert accept(project, personas.drc)().state == S.EVALUATION


def test_R14_1_design_needs_its_own_five_chapters(walker):
    project = walker.walk(walker.create(NEW, "3500"), S.FSR_APPROVED)
    # The FSR chapters do not count for the preliminary design.
    assert_blocked(
        lambda: actions.submit_design(project, acting_user=walker.officer),
        rule_id="R14.1",
        article="第十四条",
        text="初步设计缺少以下章节",
        project=project,
    )
    assert walker.submit_design(project).state == S.DESIGN_REVIEW


# -- R14.2 evaluation report and approval: an opinion on each chapter -----------------------


def _evaluate(project, user, opinions, opinion="项目可行。"):
    review = open_review(project, ReviewKind.EVALUATION)
    return lambda: actions.submit_evaluation_report(
        review, acting_user=user, chapter_opinions=opinions, opinion=opinion
    )


def test_R14_2_evaluation_report_needs_five_chapter_opinions(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.EVALUATION)
    opinions = {k: v for k, v in OPINION_TEXT.items() if k != "crypto"}
    assert_blocked(
        _evaluate(project, personas.consultant, opinions),
        rule_id="R14.2",
        article="第十四条",
        text="评估报告缺少对以下章节的意见：密码应用方案",
        project=project,
        gate="projects.evaluation.report",
    )
    assert _evaluate(project, personas.consultant, OPINION_TEXT)().state == S.JOINT_REVIEW


def test_R14_2_evaluation_report_needs_a_report(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.EVALUATION)
    assert_blocked(
        _evaluate(project, personas.consultant, OPINION_TEXT, opinion=""),
        rule_id="R14.2",
        article="第十四条",
        text="尚未上传评估报告正文",
        project=project,
    )
    review = open_review(project, ReviewKind.EVALUATION)
    document_actions.upload_document(
        review,
        acting_user=personas.consultant,
        doc_type="evaluation_report",
        title="评估报告",
        file=ContentFile(PDF, name="report.pdf"),
    )
    assert _evaluate(project, personas.consultant, OPINION_TEXT, opinion="")().state == (
        S.JOINT_REVIEW
    )


def test_R14_2_approval_needs_five_chapter_opinions_and_number(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.DRC_REVIEW)
    opinions = {**OPINION_TEXT, "intensive": " "}
    assert_blocked(
        approve(project, personas.drc, chapter_opinions=opinions),
        rule_id="R14.2.approval",
        article="第十四条",
        text="批复意见缺少对以下章节的意见：集约化建设",
        project=project,
        gate="projects.approve",
    )
    assert_blocked(
        approve(project, personas.drc, document_number=""),
        rule_id="R14.2.approval",
        article="第十四条",
        text="批复文号",
        project=project,
    )
    project = approve(project, personas.drc)()
    assert project.state == S.APPROVED
    review = Review.objects.get(project=project, kind=ReviewKind.DRC_APPROVAL)
    assert set(review.chapter_opinions) == set(OPINION_TEXT)


# -- R14.3 data catalog and crypto plan before approval -------------------------------------


def _to_drc_review_without(walker, project, missing):
    project = walker.walk(project, S.LISTED)
    walker.publish(project.year)
    walker.chapters(project)
    for doc_type in ("data_catalog", "crypto_plan"):
        if doc_type != missing:
            walker.attach(project, doc_type, doc_type)
    walker.accept(project)
    project.refresh_from_db()
    return walker.walk(project, S.DRC_REVIEW)


@pytest.mark.parametrize(
    ("missing", "label"), [("data_catalog", "数据资源目录"), ("crypto_plan", "密码应用方案")]
)
def test_R14_3_missing_catalog_or_crypto_plan_blocks_approval(walker, personas, missing, label):
    project = _to_drc_review_without(walker, walker.create(NEW, "800"), missing)
    finding = assert_blocked(
        approve(project, personas.drc),
        rule_id="R14.3",
        article="第十四条",
        text=f"项目缺少{label}，不能批复",
        project=project,
    )
    assert finding["facts"]["missing"] == [label]
    assert "退回" in finding["remedy"]  # the unit cannot upload while DRC is deciding
    # DRC returns it, the unit attaches the document, the joint review runs again, approval passes.
    review = open_review(project, ReviewKind.DRC_APPROVAL)
    project = actions.return_project(review, acting_user=personas.drc, opinion=f"请补充{label}。")
    walker.attach(project, missing, label)
    project = actions.resubmit_project(project, acting_user=walker.officer)
    assert project.state == S.JOINT_REVIEW
    project = walker.joint(project)
    assert approve(project, personas.drc)().state == S.APPROVED


# -- R14.4 sharing with named private recipients only ---------------------------------------

SHARE_PRIVATE = {
    "share_type": "unconditional",
    "share_recipient_kind": "named_private",
    "share_recipients": "某某科技有限公司",
}


def test_R14_4_named_private_recipients_block_approval(walker, personas):
    project = walker.walk(walker.create(NEW, "800", **SHARE_PRIVATE), S.DRC_REVIEW)
    assert_blocked(
        approve(project, personas.drc),
        rule_id="R14.4",
        article="第十四条",
        text="不得仅向特定企业、社会组织开放",
        project=project,
    )


def test_R14_4_sharing_with_all_government_passes(walker, personas):
    project = walker.walk(
        walker.create(NEW, "800", share_type="unconditional", share_recipient_kind="all_gov"),
        S.DRC_REVIEW,
    )
    assert approve(project, personas.drc)().state == S.APPROVED
    assert "R14.4" not in rule_ids(last_decision("projects.approve").findings)


def test_R14_4_named_private_recipients_block_the_fsr_approval(walker, personas):
    project = walker.walk(walker.create(NEW, "3000", **SHARE_PRIVATE), S.DRC_REVIEW)
    finding = assert_blocked(
        approve(project, personas.drc),
        rule_id="R14.4",
        article="第十四条",
        text="某某科技有限公司",
        project=project,
        gate="projects.approve_fsr",
    )
    assert finding["facts"] == {"share_type": "unconditional", "recipients": "某某科技有限公司"}


@pytest.mark.parametrize(
    "fields",
    [
        # unconditional, to every government department: what Art. 14 asks
        {"share_type": "unconditional", "share_recipient_kind": "all_gov"},
        # conditional sharing with a named company, its conditions written: not this finding
        {
            "share_type": "conditional",
            "share_recipient_kind": "named_private",
            "share_recipients": "某某科技有限公司",
        },
    ],
    ids=["unconditional-all-gov", "conditional-named-private"],
)
def test_R14_4_scope_not_limited_to_private_recipients_passes_the_fsr_approval(
    walker, personas, fields
):
    project = walker.walk(walker.create(NEW, "3000", **fields), S.DRC_REVIEW)
    assert approve(project, personas.drc)().state == S.FSR_APPROVED
    decision = last_decision("projects.approve_fsr")
    assert decision.outcome == Outcome.PASS and "R14.4" in decision.rule_ids
    assert "R14.4" not in rule_ids(decision.findings)


def test_R14_4_conditional_sharing_without_conditions_blocks_approval(walker, personas):
    project = walker.walk(walker.create(NEW, "800", share_conditions=""), S.DRC_REVIEW)
    assert last_decision("projects.submit").outcome == Outcome.WARN
    assert_blocked(
        approve(project, personas.drc), rule_id="R14.4", article="第十四条", text="未写明共享条件"
    )


# -- R14.5 the approval decision records sharing, security and crypto -----------------------


def test_R14_5_approval_decision_records_share_security_crypto(walker, personas):
    project = walker.walk(walker.create(NEW, "800", mlps_level=3), S.DRC_REVIEW)
    project = approve(project, personas.drc)()
    event = LedgerEvent.objects.get(action=ActionCode.PROJECT_APPROVED)
    decision = last_decision("projects.approve")
    assert event.decision_id == decision.pk and decision.outcome == Outcome.PASS
    [record] = [f for f in decision.findings if f["rule_id"] == "R14.5"]
    assert record["severity"] == "info" and record["article"] == "第十四条"
    assert record["facts"] == {
        "share_type": "conditional",
        "share_recipient_kind": "all_gov",
        "mlps_level": 3,
        "crypto_status": "已编制密码应用方案",
    }
    assert "拟定等保级别 3" in record["message"]


def test_R14_5_blocked_approval_also_records_the_facts(walker, personas):
    project = walker.walk(walker.create(NEW, "800", **SHARE_PRIVATE), S.DRC_REVIEW)
    with pytest.raises(ActionBlocked) as info:
        approve(project, personas.drc)()
    [record] = [f for f in info.value.decision.findings if f["rule_id"] == "R14.5"]
    assert record["facts"]["share_recipient_kind"] == "named_private"


# -- R19.1 secure and reliable products stated at approval ----------------------------------


def test_R19_1_missing_secure_reliable_statement_blocks_approval(walker, personas):
    project = walker.walk(walker.create(NEW, "800", secure_reliable_statement=""), S.DRC_REVIEW)
    assert_blocked(
        approve(project, personas.drc),
        rule_id="R19.1",
        article="第十九条",
        text="未说明软硬件产品的安全可靠情况",
        project=project,
        gate="projects.approve",
    )


def test_R19_1_statement_present_passes(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.DRC_REVIEW)
    approve(project, personas.drc)()
    assert "R19.1" not in rule_ids(last_decision("projects.approve").findings)


# -- R14.3 and R19.1 at the FSR approval of a two-stage project ("在项目报批阶段") ------------

AT_THRESHOLD = "3000"  # two stages: the FSR is approved first (Art. 9)


@pytest.mark.parametrize(
    ("missing", "label"), [("data_catalog", "数据资源目录"), ("crypto_plan", "密码应用方案")]
)
def test_R14_3_missing_catalog_or_crypto_plan_blocks_the_fsr_approval(
    walker, personas, missing, label
):
    project = _to_drc_review_without(walker, walker.create(NEW, AT_THRESHOLD), missing)
    assert project.approval_path == ApprovalPath.TWO
    finding = assert_blocked(
        approve(project, personas.drc),
        rule_id="R14.3",
        article="第十四条",
        text=f"项目缺少{label}，不能批复",
        project=project,
        gate="projects.approve_fsr",
    )
    assert finding["facts"]["missing"] == [label]
    assert project.fsr_approved_at is None


def test_R19_1_missing_statement_blocks_the_fsr_approval(walker, personas):
    project = walker.create(NEW, AT_THRESHOLD, secure_reliable_statement="")
    project = walker.walk(project, S.DRC_REVIEW)
    assert_blocked(
        approve(project, personas.drc),
        rule_id="R19.1",
        article="第十九条",
        text="未说明软硬件产品的安全可靠情况",
        project=project,
        gate="projects.approve_fsr",
    )


def test_R14_3_and_R19_1_fsr_approval_passes_with_documents_and_statement(walker, personas):
    project = walker.walk(walker.create(NEW, AT_THRESHOLD), S.DRC_REVIEW)
    project = approve(project, personas.drc)()
    assert project.state == S.FSR_APPROVED and project.approved_at is None
    decision = last_decision("projects.approve_fsr")
    assert decision.outcome == Outcome.PASS
    assert {"R14.3", "R19.1"} <= set(decision.rule_ids)
    assert not {"R14.3", "R19.1"} & rule_ids(decision.findings)


def test_R14_3_and_R19_1_warned_at_acceptance_so_the_unit_can_complete_in_time(walker, personas):
    """DRC's acceptance does not block on them, but says what approval will require."""
    from policy.models import Decision, Outcome

    project = walker.create("学生资助精准认定系统", "800", secure_reliable_statement="")
    project = walker.walk(project, "listed")
    walker.chapters(project)
    project = walker.accept(project)
    assert project.state == "evaluation"
    decision = Decision.objects.filter(gate="projects.accept", subject_id=str(project.pk)).latest(
        "created_at"
    )
    assert decision.outcome == Outcome.WARN
    early = {f["rule_id"]: f for f in decision.findings}
    assert "数据资源目录" in early["R14.3.early"]["message"]
    assert early["R14.3.early"]["article"] == "第十四条"
    assert early["R19.1.early"]["article"] == "第十九条"
