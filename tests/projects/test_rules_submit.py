"""Gates of a unit's submission (Art. 6-8, 13, 14, 20): R8.1, R8.3, R6.3, R7.1, R20.1, R13.1,
R13.2 and the R14.4 warning. Each requirement has a passing and a blocked case."""

import pytest

from core.dates import today
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent
from planning import actions as planning_actions
from planning.services import current_filed_revision, pending_draft_revision
from policy.models import Decision, Outcome
from projects import actions
from projects.models import ClassifiedStub, FrameworkDistrict, Project, ProjectState

from .helpers import assert_blocked, decide_list, last_decision, preview, rule_ids

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"
OM = "重庆市教育管理公共服务平台运维"


def submit(project, user):
    return lambda: actions.submit_project(project, acting_user=user)


# -- R8.1 requirement description tied to the filed plan -------------------------------------


def test_R8_1_submit_with_requirement_and_plan_item_passes(walker):
    project = walker.create(NEW, "800")
    project = walker.submit(project)
    assert project.state == S.SUBMITTED
    decision = last_decision("projects.submit")
    assert decision.outcome == Outcome.PASS
    assert "R8.1" in decision.rule_ids


def test_R8_1_empty_requirement_blocks_submit(walker):
    project = walker.create(NEW, "800", requirement="  ")
    finding = assert_blocked(
        submit(project, walker.officer),
        rule_id="R8.1",
        article="第八条",
        text="尚未填写项目需求说明",
        project=project,
        gate="projects.submit",
    )
    assert finding["facts"] == {"project": project.code}


def test_R8_1_project_without_plan_item_blocks_submit(walker):
    project = walker.create(NEW, "800", plan_item="")
    assert project.plan_item_id is None
    assert_blocked(
        submit(project, walker.officer),
        rule_id="R8.1",
        article="第八条",
        text="未关联总体方案中的项目",
        project=project,
    )


# -- R8.3 classified projects stay offline ----------------------------------------------------


def test_R8_3_classified_project_refused_and_no_row_created(walker, personas):
    count = Project.objects.count()
    with pytest.raises(ActionBlocked) as info:
        walker.create(NEW, "800", is_classified=True)
    [finding] = info.value.findings
    assert (finding.rule_id, finding.article) == ("R8.3", "第八条")
    assert "涉密项目不得在本平台填报任何内容" in finding.message
    assert "线下" in finding.remedy
    assert Project.objects.count() == count
    decision = Decision.objects.get(pk=info.value.decision.pk)
    assert decision.gate == "projects.create" and decision.outcome == Outcome.BLOCK
    assert decision.subject_type == "projects.project"
    assert LedgerEvent.objects.filter(
        decision_id=decision.pk, action=ActionCode.GATE_EVALUATED
    ).exists()


def test_R8_3_marking_an_existing_draft_classified_is_refused(walker):
    project = walker.create(NEW, "800")
    assert_blocked(
        lambda: actions.update_project(
            project, acting_user=walker.officer, is_classified=True, name="改名"
        ),
        rule_id="R8.3",
        article="第八条",
        project=project,
    )
    project.refresh_from_db()
    assert project.name == NEW


def test_R8_3_stub_recorded_by_drc_with_code_unit_amount_only(personas):
    unit = personas.jw_officer.primary_organisation
    stub = actions.record_classified_stub(
        acting_user=personas.drc, unit=unit.pk, year=today().year, amount_wan="1200"
    )
    assert stub.code == f"SM-{today().year}-0001"
    assert stub.amount == 12_000_000
    event = LedgerEvent.objects.get(action=ActionCode.CLASSIFIED_STUB_RECORDED)
    assert "第八条" in event.reason
    assert ClassifiedStub.objects.for_user(personas.jw_officer).count() == 0
    assert ClassifiedStub.objects.for_user(personas.finance).count() == 1


def test_R8_3_stub_refused_for_unit_officer(personas):
    with pytest.raises(ActionForbidden):
        actions.record_classified_stub(
            acting_user=personas.jw_officer,
            unit=personas.jw_officer.primary_organisation.pk,
            year=today().year,
            amount_wan="1200",
        )
    assert not ClassifiedStub.objects.exists()


# -- R6.3 only items of the currently filed master plan --------------------------------------


def test_R6_3_item_of_filed_plan_passes(walker):
    project = walker.create(NEW, "800")
    walker.submit(project)
    assert "R6.3" not in rule_ids(last_decision("projects.submit").findings)


def test_R6_3_item_only_in_unfiled_revision_blocks_submit(walker):
    unit = walker.officer.primary_organisation
    draft = pending_draft_revision(unit)
    item = draft.items.get(name="职业教育产教融合数据服务平台")
    assert not current_filed_revision(unit).items.filter(key=item.key).exists()
    project = actions.create_project(
        acting_user=walker.officer,
        unit=unit,
        name=item.name,
        kind="new",
        year=today().year + 3,
        total_investment_wan="600",
        plan_item=str(item.key),
        requirement="建设产教融合数据服务平台。",
    )
    finding = assert_blocked(
        submit(project, walker.officer),
        rule_id="R6.3",
        article="第六条",
        text="不在本单位现行报备的总体方案",
        project=project,
    )
    assert f"第{draft.number}版修订稿尚未报备" in finding["message"]
    assert finding["facts"]["pending_draft"] == draft.number


# -- R7.1 data governance before construction --------------------------------------------------


@pytest.fixture
def incomplete_governance(walker):
    """A newer, incomplete data-governance record of 市教委 replaces the demo one."""
    planning_actions.record_data_governance(
        acting_user=walker.officer,
        unit=walker.officer.primary_organisation,
        standards_set_on=None,
        data_aggregated=False,
        governance_summary="",
    )


def test_R7_1_construction_project_blocked_without_governance(walker, incomplete_governance):
    project = walker.create(NEW, "800")
    finding = assert_blocked(
        submit(project, walker.officer),
        rule_id="R7.1",
        article="第七条",
        text="数据治理登记缺少",
        project=project,
    )
    assert "数据标准制定完成日期" in finding["facts"]["missing"]


def test_R7_1_om_project_passes_without_governance(walker, incomplete_governance):
    project = walker.create(OM, "120")
    assert project.kind == "om"
    project = walker.submit(project)
    assert project.state == S.SUBMITTED
    assert "R7.1" not in rule_ids(last_decision("projects.submit").findings)


def test_R7_1_construction_project_passes_with_governance(walker):
    walker.submit(walker.create(NEW, "800"))
    assert last_decision("projects.submit").outcome == Outcome.PASS


# -- R20.1 Digital Chongqing cloud by default ------------------------------------------------


def test_R20_1_other_hosting_without_justification_blocks_submit(walker):
    project = walker.create(NEW, "800", hosting="other")
    assert_blocked(
        submit(project, walker.officer),
        rule_id="R20.1",
        article="第二十条",
        text="未说明理由",
        project=project,
    )


def test_R20_1_other_hosting_with_justification_passes(walker):
    project = walker.create(
        NEW, "800", hosting="other", hosting_justification="涉及考试保密数据，须在教育专网部署。"
    )
    assert walker.submit(project).state == S.SUBMITTED


# -- R14.4 at submission: a warning ----------------------------------------------------------


def test_R14_4_named_private_recipients_only_warn_at_submit(walker):
    project = walker.create(
        NEW,
        "800",
        share_type="unconditional",
        share_recipient_kind="named_private",
        share_recipients="某某科技有限公司",
    )
    project = walker.submit(project)
    assert project.state == S.SUBMITTED
    decision = last_decision("projects.submit")
    assert decision.outcome == Outcome.WARN
    [warning] = [f for f in decision.findings if f["rule_id"] == "R14.4.preview"]
    assert warning["severity"] == "warn" and warning["article"] == "第十四条"
    assert "某某科技有限公司" in warning["message"]


# -- R13.1 / R13.2 cross-department frameworks ------------------------------------------------


def _framework(walker, personas, *, jw_items=("教育身份认证",), wj_items=("健康档案调阅",)):
    jw_unit = walker.officer.primary_organisation
    wj_unit = personas.wj_officer.primary_organisation
    framework = actions.create_framework(
        acting_user=walker.officer,
        lead_unit=jw_unit.pk,
        title="学生健康一件事",
        goals="学生体检、健康档案与学籍数据贯通。",
        main_content="统一入口、数据共享、业务协同。",
        data_catalog="学籍基础信息、学生体检信息。",
    )
    for unit, items in ((jw_unit, jw_items), (wj_unit, wj_items)):
        actions.set_framework_participant(
            framework,
            acting_user=walker.officer,
            unit=unit.pk,
            business_flow="业务流说明",
            data_flow="数据流说明",
            interfaces="接口说明",
            content_items=list(items),
        )
    return framework


def test_R13_1_project_of_unreviewed_framework_blocked(walker, personas):
    framework = _framework(walker, personas)
    project = walker.create(NEW, "800", framework=framework.pk)
    assert_blocked(
        submit(project, walker.officer),
        rule_id="R13.1",
        article="第十三条",
        text="尚未取得市大数据发展局审核意见",
        project=project,
    )


def test_R13_1_project_of_reviewed_framework_passes(walker, personas):
    framework = _framework(walker, personas)
    actions.submit_framework(framework, acting_user=walker.officer)
    actions.review_framework(framework, acting_user=personas.bdb, agree=True, opinion="同意。")
    project = walker.create(NEW, "800", framework=framework.pk)
    assert walker.submit(project).state == S.SUBMITTED
    # The participant 市卫生健康委 may submit its own part under the same opinion.
    wj = actions.create_project(
        acting_user=personas.wj_officer,
        unit=personas.wj_officer.primary_organisation,
        name="互联网医院监管平台",
        kind="new",
        year=today().year + 2,
        total_investment_wan="500",
        plan_item=str(
            current_filed_revision(personas.wj_officer.primary_organisation)
            .items.get(name="互联网医院监管平台")
            .key
        ),
        requirement="健康档案调阅部分。",
        share_conditions="经申请审核后共享。",
        framework=framework.pk,
    )
    assert actions.submit_project(wj, acting_user=personas.wj_officer).state == S.SUBMITTED


def test_R13_1_unit_outside_framework_blocked(walker, personas, wj_walker):
    framework = _framework(walker, personas)
    # 市卫生健康委 takes part; a unit outside does not — drop it from the participants.
    framework.participants.filter(unit=personas.wj_officer.primary_organisation).delete()
    actions.submit_framework(framework, acting_user=walker.officer)
    actions.review_framework(framework, acting_user=personas.bdb, agree=True, opinion="同意。")
    project = wj_walker.create("互联网医院监管平台", "500", framework=framework.pk)
    assert_blocked(
        submit(project, personas.wj_officer),
        rule_id="R13.1",
        article="第十三条",
        text="不是跨部门项目“学生健康一件事”的牵头或参与单位",
        project=project,
    )


def test_R13_1_overlapping_content_blocks_framework_submission(walker, personas):
    framework = _framework(
        walker, personas, jw_items=("统一 身份认证",), wj_items=("统一身份认证",)
    )
    with pytest.raises(ActionBlocked) as info:
        actions.submit_framework(framework, acting_user=walker.officer)
    [finding] = [f for f in info.value.findings if f.rule_id == "R13.1.overlap"]
    assert finding.article == "第十三条"
    assert "同时由" in finding.message and "不得重复" in finding.message
    framework.refresh_from_db()
    assert framework.state == "draft"


def test_R13_1_overlap_blocks_listing(walker, personas):
    framework = _framework(walker, personas)
    actions.submit_framework(framework, acting_user=walker.officer)
    actions.review_framework(framework, acting_user=personas.bdb, agree=True, opinion="同意。")
    project = walker.submit(walker.create(NEW, "800", framework=framework.pk))
    assert "R13.1.overlap" not in rule_ids(preview("projects.list", project))
    # Content claimed twice after the review (e.g. data corrected by an operator) is caught
    # again when BDB lists the project.
    framework.participants.update(content_items=["统一身份认证"])
    review = walker.open_review(project, "list")
    actions.start_review(review, acting_user=personas.bdb)
    assert_blocked(
        lambda: decide_list(project, personas.bdb),
        rule_id="R13.1.overlap",
        article="第十三条",
        project=project,
        gate="projects.list",
    )


def test_R13_2_district_and_linked_project_recorded(walker, personas):
    framework = _framework(walker, personas)
    district = personas.district_officer.primary_organisation.district
    link = actions.add_framework_district(
        framework,
        acting_user=walker.officer,
        district=district.pk,
        linked_project="渝中区学生健康服务",
    )
    assert link.district == district
    actions.submit_framework(framework, acting_user=walker.officer)
    assert last_decision("projects.framework.submit").outcome == Outcome.PASS


def test_R13_2_district_without_linked_project_blocked(walker, personas):
    framework = _framework(walker, personas)
    district = personas.district_officer.primary_organisation.district
    with pytest.raises(ActionInvalid):
        actions.add_framework_district(
            framework, acting_user=walker.officer, district=district.pk, linked_project=" "
        )
    # A row without a linked project (legacy data) blocks the framework submission.
    FrameworkDistrict.objects.create(framework=framework, district=district, linked_project="")
    with pytest.raises(ActionBlocked) as info:
        actions.submit_framework(framework, acting_user=walker.officer)
    [finding] = [f for f in info.value.findings if f.rule_id == "R13.2"]
    assert finding.article == "第十三条" and "未登记其配套项目" in finding.message


def test_submit_is_recorded_and_notifies_bdb(walker, personas):
    from core.models import Notification

    project = walker.submit(walker.create(NEW, "800"))
    event = LedgerEvent.objects.filter(action=ActionCode.PROJECT_SUBMITTED).get()
    assert (event.from_state, event.to_state) == (S.DRAFT, S.SUBMITTED)
    assert event.decision_id == last_decision("projects.submit").pk
    assert event.policy_version == "cq-municipal-2021"
    assert Notification.objects.filter(recipient=personas.bdb, title__contains=project.code)
