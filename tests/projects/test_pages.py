"""Project pages: the list with filters, the create/edit form with Chinese validation and the
classified refusal, the project page's "您现在可以办理" card with the findings beside each
offer, and every form of the card driving the lifecycle by plain POSTs to the action page (a
single-stage and a two-stage project go from draft to approved through the pages alone)."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Organisation
from accounts.roles import OrgKind, Role
from core.todos import todos_for
from projects.models import (
    JOINT_REVIEW_AUTHORITIES,
    Chapter,
    ChapterDeclaration,
    ListCriterion,
    Project,
    ProjectState,
    Review,
    ReviewKind,
    ReviewState,
)
from projects.walk import CHAPTER_TEXT, PDF

S = ProjectState
JOINT_PERSONA = {
    "cac": "cac",
    "finance": "finance",
    "bdb": "bdb",
    "crypto": "crypto",
    "secrecy": "secrecy",
}


# -- helpers --------------------------------------------------------------------------------


def html_of(response) -> str:
    return response.content.decode()


def open_review(project, kind, authority=None) -> Review:
    qs = Review.objects.filter(project=project, kind=kind, state__in=["pending", "in_progress"])
    if authority:
        qs = qs.filter(authority=authority)
    return qs.get()


REVIEW_ACTIONS = {
    "start": "start_review",
    "list": "decide_list_review",
    "evaluate": "submit_evaluation_report",
    "joint": "give_joint_opinion",
    "design": "review_design_content",
    "approve": "approve_project",
    "return": "return_project",
    "reject": "reject_project",
    "transfer": "transfer_review",
    "copy": "copy_review",
}


def act(client, name, obj, **fields):
    """What a form of the card posts: the action's page, its fields prefixed as on the card."""
    data = {f"{name}-{obj.pk}-{k}": v for k, v in fields.items()}
    return client.post(f"/act/projects.{name}/{obj.pk}/", data)


def post_review(client, review, verb, **fields):
    return act(client, REVIEW_ACTIONS[verb], review, **fields)


def chapter_opinions(text="意见：内容完整，措施可行。"):
    return {f"chapter_opinions__{c}": text for c in Chapter.values}


def criteria_fields(verdict="pass"):
    data = {}
    for c in ListCriterion.values:
        data[f"{c}_verdict"] = verdict
        data[f"{c}_opinion"] = "符合要求。"
    return data


def project_form(unit=None, **overrides):
    data = {
        "name": "学生资助精准认定系统",
        "kind": "new",
        "year": "2026",
        "total_investment_wan": "812.5",
        "funding_source": "fiscal",
        "plan_item": "",
        "requirement": "建设学生资助精准认定系统，实现资助对象数据比对。",
        "basis": "管理办法",
        "integration_plan": "整合现有资助系统。",
        "sharing_plan": "通过市一体化数据资源平台共享。",
        "hosting": "cq_cloud",
        "secure_reliable_statement": "国产化软硬件。",
        "share_type": "conditional",
        "share_recipient_kind": "all_gov",
        "share_conditions": "经申请审核后共享。",
        "mlps_level": "3",
        "crypto_status": "已编制密码应用方案",
    }
    if unit is not None:
        data["unit"] = unit.pk
    data.update(overrides)
    return data


def upload(client, project, doc_type, chapter=""):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Project)
    return client.post(
        f"/documents/upload/{ct.pk}/{project.pk}/",
        {
            "doc_type": doc_type,
            "title": doc_type,
            "chapter": chapter,
            "upload": SimpleUploadedFile(f"{doc_type}.pdf", PDF, content_type="application/pdf"),
            "next": f"/projects/{project.pk}/",
        },
    )


def post_chapter(client, project, stage, chapter, text):
    """What the chapter form of the project page posts."""
    return act(client, "declare_chapter", project, stage=stage, chapter=chapter, text_content=text)


def todo_titles(user):
    return [t.title for t in todos_for(user) if t.category == "项目审批"]


@pytest.fixture
def draft(walker):
    return walker.create("学生资助精准认定系统", "800")


# -- list -----------------------------------------------------------------------------------


def test_list_search_filters_and_scope(walker, wj_walker, personas, client):
    small = walker.create("学生资助精准认定系统", "800")
    big = walker.create("智慧教育综合服务平台（二期）", "3500")
    walker.submit(big)
    wj = wj_walker.create("互联网医院监管平台", "600")
    client.force_login(personas.jw_officer)
    html = html_of(client.get("/projects/"))
    assert small.code in html and big.code in html and wj.code not in html
    assert "800.00" in html and "3,500.00" in html  # amounts in 万元
    assert "新建项目需求" in html
    html = html_of(client.get("/projects/?q=资助"))
    assert small.code in html and big.code not in html
    html = html_of(client.get(f"/projects/?q={big.code}"))
    assert big.code in html and small.code not in html
    html = html_of(client.get("/projects/?state=submitted"))
    assert big.code in html and small.code not in html
    html = html_of(client.get("/projects/?kind=expansion&sort=-amount"))
    assert big.code in html and small.code not in html
    html = html_of(client.get(f"/projects/?year={small.year + 5}"))
    assert small.code not in html and big.code not in html
    # BDB reads every submitted project of every unit, not drafts; no create button
    client.force_login(personas.bdb)
    html = html_of(client.get("/projects/"))
    assert big.code in html and small.code not in html and wj.code not in html
    assert "新建项目需求" not in html
    wj_walker.submit(wj)
    html = html_of(client.get(f"/projects/?unit={wj.unit_id}"))
    assert wj.code in html and big.code not in html
    # a value that is not valid is said so on the filter form, never silently ignored
    resp = client.get("/projects/?state=bogus&unit=x&year=abc")
    html = html_of(resp)
    assert resp.status_code == 200 and 'data-testid="filter-error"' in html
    assert big.code not in html and wj.code not in html


def test_list_filters_by_approval_path(walker, personas, client):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), S.EVALUATION)
    client.force_login(personas.drc)
    assert project.code in html_of(client.get("/projects/?path=single"))
    assert project.code not in html_of(client.get("/projects/?path=two"))


def test_navigation_entries(personas, client, planned):
    client.force_login(personas.jw_officer)
    html = html_of(client.get("/"))
    assert "项目审批" in html and 'href="/projects/"' in html and 'href="/projects/new/"' in html
    client.force_login(personas.drc)
    html = html_of(client.get("/"))
    assert 'href="/projects/"' in html and 'href="/projects/new/"' not in html


# -- create and edit ------------------------------------------------------------------------


def test_R8_1_create_through_the_form(personas, client, planned):
    client.force_login(personas.jw_officer)
    page = html_of(client.get("/projects/new/"))
    assert "学生资助精准认定系统" in page  # an item of the filed master plan in the select
    # one unit: it is chosen already and the only one offered
    unit = personas.jw_officer.primary_organisation
    assert f'<option value="{unit.pk}" selected>' in page
    assert page.split('name="unit"')[1].split("</select>")[0].count("<option") == 2  # "—" and it
    item = planned["jw_tianbao"].primary_organisation
    from planning.services import current_filed_revision

    plan_item = current_filed_revision(item).items.get(name="学生资助精准认定系统")
    resp = client.post("/projects/new/", project_form(plan_item=plan_item.pk))
    project = Project.objects.get(name="学生资助精准认定系统")
    assert resp.status_code == 302 and resp["Location"] == f"/projects/{project.pk}/"
    assert project.total_investment == Decimal("8125000.00")
    assert project.plan_item == plan_item and project.mlps_level == 3
    assert project.state == S.DRAFT
    follow = html_of(client.get(resp["Location"]))
    assert "812.50" in follow


@pytest.mark.parametrize(
    ("amount", "message"),
    [("abc", "总投资应为数字"), ("-1", "总投资须大于零"), ("", "请填写总投资")],
)
def test_R8_1_invalid_amount_shows_chinese_error_and_keeps_data(
    personas, client, planned, amount, message
):
    client.force_login(personas.jw_officer)
    resp = client.post("/projects/new/", project_form(total_investment_wan=amount, name="保留名称"))
    html = html_of(resp)
    assert resp.status_code == 422
    assert message in html
    assert 'value="保留名称"' in html and "建设学生资助精准认定系统" in html
    if amount:
        assert f'value="{amount}"' in html
    assert not Project.objects.exists()


def test_invalid_choice_and_year_are_reported_in_chinese(personas, client, planned):
    client.force_login(personas.jw_officer)
    html = html_of(client.post("/projects/new/", project_form(year="20x6", name="")))
    assert "四位年份" in html and "请填写项目名称" in html
    html = html_of(client.post("/projects/new/", project_form(year="1999")))
    assert "申报年度须在 2000—2100 年之间" in html  # ActionInvalid.errors mapped to the field
    assert not Project.objects.exists()


def test_R8_3_classified_project_is_refused_with_offline_channel(personas, client, planned):
    client.force_login(personas.jw_officer)
    resp = client.post("/projects/new/", project_form(is_classified="on"))
    html = html_of(resp)
    assert resp.status_code == 200
    assert 'data-rule="R8.3"' in html and "第八条" in html and "线下涉密渠道" in html
    assert not Project.objects.exists()


def test_R8_3_classified_box_on_edit_is_refused_too(draft, personas, client):
    client.force_login(personas.jw_officer)
    html = html_of(client.post(f"/projects/{draft.pk}/edit/", project_form(is_classified="on")))
    assert 'data-rule="R8.3"' in html
    draft.refresh_from_db()
    assert draft.name == "学生资助精准认定系统" and not draft.is_classified


def test_edit_form_prefills_and_saves(draft, personas, client):
    client.force_login(personas.jw_officer)
    html = html_of(client.get(f"/projects/{draft.pk}/edit/"))
    assert 'value="800"' in html and 'value="学生资助精准认定系统"' in html
    resp = client.post(
        f"/projects/{draft.pk}/edit/",
        project_form(name="学生资助精准认定系统（修订）", total_investment_wan="900", plan_item=""),
    )
    assert resp.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "学生资助精准认定系统（修订）"
    assert draft.total_investment == Decimal("9000000.00")


def test_edit_is_refused_once_submitted(draft, walker, personas, client):
    walker.submit(draft)
    client.force_login(personas.jw_officer)
    html = html_of(client.get(f"/projects/{draft.pk}/edit/"))
    assert 'data-rule="R8.1.state"' in html and "不能修改项目信息" in html
    assert 'data-testid="act-submit" disabled' in html


def test_user_of_two_units_chooses_the_unit(personas, client, planned):
    user = personas.jw_officer
    wj_unit = personas.wj_officer.primary_organisation
    Membership.objects.create(user=user, organisation=wj_unit, role=Role.UNIT_OFFICER)
    user._memberships_cache = None
    client.force_login(user)
    html = html_of(client.get("/projects/new/"))
    assert 'name="unit"' in html and "市卫生健康委 · 互联网医院监管平台" in html
    resp = client.post("/projects/new/", project_form(unit=wj_unit, name="双单位项目"))
    assert resp.status_code == 302
    assert Project.objects.get(name="双单位项目").unit == wj_unit
    # a unit the user does not belong to is not a valid choice
    other = Organisation.objects.filter(kind=OrgKind.UNIT).exclude(
        pk__in=[wj_unit.pk, user.primary_organisation.pk]
    )[0]
    resp = client.post("/projects/new/", project_form(unit=other, name="越权项目"))
    assert resp.status_code == 422 and 'name="unit"' in html_of(resp)
    assert not Project.objects.filter(name="越权项目").exists()


def test_reviewers_cannot_create(personas, client, planned):
    client.force_login(personas.bdb)
    assert client.get("/projects/new/").status_code == 404
    assert client.post("/projects/new/", project_form()).status_code == 404


# -- scope ----------------------------------------------------------------------------------


def test_other_unit_gets_404(draft, personas, client):
    client.force_login(personas.wj_officer)
    assert client.get(f"/projects/{draft.pk}/").status_code == 404
    assert client.get(f"/projects/{draft.pk}/edit/").status_code == 404
    assert client.post(f"/act/projects.submit_project/{draft.pk}/").status_code == 404
    assert client.post(f"/act/projects.declare_chapter/{draft.pk}/", {}).status_code == 404
    assert client.get("/projects/999999/").status_code == 404
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


def test_drafts_are_not_visible_to_bdb(draft, personas, client):
    client.force_login(personas.bdb)
    assert client.get(f"/projects/{draft.pk}/").status_code == 404


# -- the project page: findings beside the buttons ------------------------------------------


def test_R8_1_submit_button_shows_blocking_findings(walker, personas, client):
    project = walker.create("学生资助精准认定系统", "800", requirement="")
    client.force_login(personas.jw_officer)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert 'disabled data-testid="act-submit-project"' in html
    assert 'data-rule="R8.1"' in html and "第八条" in html and "怎么办" in html
    # posting anyway is refused by the action; the message names the article
    html = html_of(client.post(f"/act/projects.submit_project/{project.pk}/", follow=True))
    assert "第八条" in html
    project.refresh_from_db()
    assert project.state == S.DRAFT


def test_detail_shows_header_timeline_and_decisions(walker, personas, client):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), S.EVALUATION)
    client.force_login(personas.jw_officer)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert project.code in html and "第三方评估中" in html
    assert 'data-testid="approval-path"' in html and "一次审批" in html
    assert html.count('data-testid="timeline-event"') >= 5
    for label in (
        "新建项目需求",
        "申报项目需求",
        "签收审核",
        "列入项目清单",
        "受理并委托第三方评估",
    ):
        assert label in html
    assert "projects.submit" in html and "/policy/decisions/" in html
    assert 'data-testid="review"' in html and "大数据局项目清单审核" in html
    assert "同意列入项目清单" in html  # the list review's opinion
    # while the project is with the consultant the unit can only urge (催办) the evaluation
    assert 'data-testid="next-steps"' in html
    offered = set(re.findall(r'data-testid="offer" data-action="(projects\.[a-z_]+)"', html))
    assert offered == {"projects.urge_review"}


def test_chapters_are_written_on_the_page(draft, personas, client):
    client.force_login(personas.jw_officer)
    page = html_of(client.get(f"/projects/{draft.pk}/"))
    assert f'name="declare_chapters-{draft.pk}-security"' in page
    assert f'name="declare_chapters-{draft.pk}-crypto"' in page
    assert 'data-testid="act-declare-chapter"' in page  # the card links to the editor
    resp = post_chapter(client, draft, "fsr", "security", "按等保三级建设。")
    assert resp.status_code == 302
    declared = ChapterDeclaration.objects.get(project=draft, chapter="security")
    assert declared.text == "按等保三级建设。"
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    assert "按等保三级建设。" in html and "缺 4 章" in html


# -- unit actions ---------------------------------------------------------------------------


def test_withdraw_before_sign_in_and_refused_after(draft, personas, client):
    jw = personas.jw_officer
    client.force_login(jw)
    client.post(f"/act/projects.submit_project/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    assert 'data-testid="act-withdraw-project"' in html
    resp = act(client, "withdraw_project", draft, reason="补充材料")
    assert resp.status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.DRAFT
    # submit again; BDB signs in (签收); withdrawal is no longer offered nor possible
    client.post(f"/act/projects.submit_project/{draft.pk}/")
    review = open_review(draft, ReviewKind.LIST)
    client.force_login(personas.bdb)
    assert post_review(client, review, "start").status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.LIST_REVIEW
    client.force_login(jw)
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    assert 'data-testid="act-withdraw-project"' not in html
    html = html_of(client.post(f"/act/projects.withdraw_project/{draft.pk}/", follow=True))
    assert "不能撤回" in html
    draft.refresh_from_db()
    assert draft.state == S.LIST_REVIEW


def test_unknown_actions_are_404_and_a_get_shows_the_action(draft, personas, client):
    client.force_login(personas.jw_officer)
    assert client.post(f"/act/projects.explode/{draft.pk}/").status_code == 404
    page = client.get(f"/act/projects.submit_project/{draft.pk}/")
    assert page.status_code == 200 and 'data-testid="act-form"' in html_of(page)
    draft.refresh_from_db()
    assert draft.state == S.DRAFT


# -- BDB list review ------------------------------------------------------------------------


def test_R8_2_list_review_form_needs_every_criterion(draft, walker, personas, client):
    walker.submit(draft)
    review = open_review(draft, ReviewKind.LIST)
    client.force_login(personas.bdb)
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    assert f'name="decide_list_review-{review.pk}-basis_verdict"' in html
    assert 'data-testid="act-decide-list-review"' in html
    fields = criteria_fields()
    fields["governance_opinion"] = ""
    resp = post_review(client, review, "list", decision="list", priority="2", **fields)
    html = html_of(resp)
    assert resp.status_code == 200
    assert 'data-rule="R8.2"' in html and "数据治理" in html and "第八条" in html
    assert 'value="符合要求。"' in html  # typed opinions kept
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED


def test_R8_2_list_review_return_needs_reason_then_resubmit(draft, walker, personas, client):
    walker.submit(draft)
    review = open_review(draft, ReviewKind.LIST)
    client.force_login(personas.bdb)
    html = html_of(post_review(client, review, "list", decision="return", **criteria_fields()))
    assert "请填写退回或不予通过的理由" in html
    resp = post_review(
        client,
        review,
        "list",
        decision="return",
        opinion="请补充数据共享方案。",
        **criteria_fields(),
    )
    assert resp.status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.RETURNED and draft.returned_from == S.LIST_REVIEW
    client.force_login(personas.jw_officer)
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    assert "请补充数据共享方案。" in html and 'data-testid="act-resubmit-project"' in html
    assert client.post(f"/act/projects.resubmit_project/{draft.pk}/").status_code == 302
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    assert open_review(draft, ReviewKind.LIST).round == 2


def test_list_review_reject(draft, walker, personas, client):
    walker.submit(draft)
    review = open_review(draft, ReviewKind.LIST)
    client.force_login(personas.bdb)
    post_review(
        client, review, "list", decision="reject", opinion="与已建系统重复。", **criteria_fields()
    )
    draft.refresh_from_db()
    assert draft.state == S.REJECTED


# -- a single-stage project from draft to approved, through the pages only ------------------


def test_single_stage_project_approved_purely_through_pages(planned, personas, client):
    from planning.services import current_filed_revision

    jw = personas.jw_officer
    client.force_login(jw)
    item = current_filed_revision(jw.primary_organisation).items.get(name="学生资助精准认定系统")
    client.post("/projects/new/", project_form(plan_item=item.pk, total_investment_wan="800"))
    project = Project.objects.get()
    assert client.post(f"/act/projects.submit_project/{project.pk}/").status_code == 302

    client.force_login(personas.bdb)
    review = open_review(project, ReviewKind.LIST)
    resp = post_review(
        client, review, "list", decision="list", priority="1", opinion="同意。", **criteria_fields()
    )
    assert resp.status_code == 302
    project.refresh_from_db()
    assert project.state == S.LISTED and project.priority == 1

    # the unit completes the five chapters and the documents DRC needs, on the page
    client.force_login(jw)
    for chapter, text in CHAPTER_TEXT.items():
        assert post_chapter(client, project, "fsr", chapter, text).status_code == 302
    for doc_type in ("data_catalog", "crypto_plan"):
        assert upload(client, project, doc_type).status_code == 302

    # DRC cannot accept before the list is published: the button is disabled with R9.2
    client.force_login(personas.drc)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert 'disabled data-testid="act-accept-project"' in html and 'data-rule="R9.2"' in html
    from projects import actions

    actions.publish_project_list(acting_user=personas.bdb, year=project.year)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert 'data-testid="act-accept-project"' in html and 'data-rule="R9.1.path"' in html
    consultant = Organisation.objects.filter(kind=OrgKind.CONSULTANT).order_by("pk").first()
    resp = act(client, "accept_project", project, consultant=consultant.pk, expert="", note="")
    assert resp.status_code == 302
    project.refresh_from_db()
    assert project.state == S.EVALUATION and project.approval_path == "single"

    client.force_login(personas.consultant)
    review = open_review(project, ReviewKind.EVALUATION)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert 'data-testid="act-submit-evaluation-report"' in html
    resp = post_review(
        client, review, "evaluate", opinion="建设必要，方案可行。", **chapter_opinions()
    )
    assert resp.status_code == 302
    project.refresh_from_db()
    assert project.state == S.JOINT_REVIEW

    for authority in JOINT_REVIEW_AUTHORITIES:
        client.force_login(getattr(personas, JOINT_PERSONA[authority]))
        review = open_review(project, ReviewKind.JOINT, authority)
        resp = post_review(client, review, "joint", agree="1", opinion="同意。")
        assert resp.status_code == 302, html_of(resp)
    project.refresh_from_db()
    assert project.state == S.DRC_REVIEW

    client.force_login(personas.drc)
    review = open_review(project, ReviewKind.DRC_APPROVAL)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert 'data-testid="act-approve-project"' in html and "批复可研报告及概（预）算" in html
    resp = post_review(
        client,
        review,
        "approve",
        document_number="渝发改数〔2026〕7号",
        approved_amount_wan="780",
        opinion="同意批复。",
        **chapter_opinions(),
    )
    assert resp.status_code == 302
    project.refresh_from_db()
    assert project.state == S.APPROVED
    assert project.approved_total == Decimal("7800000.00")
    html = html_of(client.get(f"/projects/{project.pk}/", follow=True))
    assert "已批复" in html and "渝发改数〔2026〕7号" in html and "780.00" in html


def test_R14_2_approval_form_errors_keep_the_typed_data(walker, personas, client):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), S.DRC_REVIEW)
    review = open_review(project, ReviewKind.DRC_APPROVAL)
    client.force_login(personas.drc)
    opinions = chapter_opinions()
    opinions["chapter_opinions__crypto"] = ""
    html = html_of(
        post_review(client, review, "approve", document_number="渝发改数〔2026〕8号", **opinions)
    )
    assert 'data-rule="R14.2.approval"' in html and "密码应用方案" in html
    assert 'value="渝发改数〔2026〕8号"' in html
    html = html_of(
        post_review(
            client,
            review,
            "approve",
            document_number="渝发改数〔2026〕8号",
            approved_amount_wan="abc",
            **chapter_opinions(),
        )
    )
    assert "核定总投资应为数字" in html
    project.refresh_from_db()
    assert project.state == S.DRC_REVIEW


def test_drc_returns_and_rejects_with_required_reason(walker, personas, client):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), S.DRC_REVIEW)
    review = open_review(project, ReviewKind.DRC_APPROVAL)
    client.force_login(personas.drc)
    html = html_of(post_review(client, review, "reject", opinion=""))
    assert "请填写退回或不予通过的理由" in html
    post_review(client, review, "return", opinion="请核减运维费用。")
    project.refresh_from_db()
    assert project.state == S.RETURNED and project.returned_from == S.DRC_REVIEW
    # resubmitted to the joint review (the step DRC's approval follows)
    client.force_login(personas.jw_officer)
    client.post(f"/act/projects.resubmit_project/{project.pk}/")
    project.refresh_from_db()
    assert project.state == S.JOINT_REVIEW


def test_joint_return_needs_a_reason(walker, personas, client):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), S.JOINT_REVIEW)
    review = open_review(project, ReviewKind.JOINT, "crypto")
    client.force_login(personas.crypto)
    html = html_of(post_review(client, review, "joint", agree="0", opinion=""))
    assert "请填写退回或不予通过的理由" in html
    post_review(client, review, "joint", agree="0", opinion="密码应用方案未通过密评。")
    project.refresh_from_db()
    assert project.state == S.RETURNED


def test_reviewer_of_another_authority_cannot_act(walker, personas, client):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), S.JOINT_REVIEW)
    review = open_review(project, ReviewKind.JOINT, "finance")
    client.force_login(personas.cac)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert f'id="review-{review.pk}"' in html
    # only his own authority's review
    assert html.count('data-testid="act-give-joint-opinion"') == 1
    assert post_review(client, review, "joint", agree="1").status_code == 404
    review.refresh_from_db()
    assert review.state == ReviewState.PENDING


# -- two-stage: design submission and BDB's content review ----------------------------------


def test_two_stage_design_through_pages(walker, personas, client):
    project = walker.create("智慧教育综合服务平台（二期）", "3500")
    walker.attach(project, "post_evaluation", "一期后评价报告")
    project = walker.walk(project, S.FSR_APPROVED)
    client.force_login(personas.jw_officer)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert 'disabled data-testid="act-submit-design"' in html and 'data-rule="R14.1"' in html
    for chapter, text in CHAPTER_TEXT.items():
        assert post_chapter(client, project, "design", chapter, text).status_code == 302
    assert client.post(f"/act/projects.submit_design/{project.pk}/").status_code == 302
    project.refresh_from_db()
    assert project.state == S.DESIGN_REVIEW
    client.force_login(personas.bdb)
    review = open_review(project, ReviewKind.DESIGN_CONTENT)
    post_review(client, review, "design", agree="1", opinion="内容符合要求。")
    project.refresh_from_db()
    assert project.state == S.DESIGN_DRC_REVIEW
    client.force_login(personas.drc)
    review = open_review(project, ReviewKind.DRC_APPROVAL)
    html = html_of(client.get(f"/projects/{project.pk}/"))
    assert "批复初步设计及概（预）算" in html
    post_review(
        client, review, "approve", document_number="渝发改数〔2026〕9号", **chapter_opinions()
    )
    project.refresh_from_db()
    assert project.state == S.APPROVED


# -- 转办 and 抄送 ---------------------------------------------------------------------------


def test_transfer_moves_the_todo(draft, walker, personas, client):
    walker.submit(draft)
    review = open_review(draft, ReviewKind.LIST)
    bdb, bdb2 = personas.bdb, personas.bdb2
    client.force_login(bdb)
    post_review(client, review, "start")
    assert any(draft.code in t for t in todo_titles(bdb))
    assert not any(draft.code in t for t in todo_titles(bdb2))
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    assert 'data-testid="act-transfer-review"' in html and "吴婷" in html
    resp = post_review(client, review, "transfer", to_user=bdb2.pk, note="请协助办理。")
    assert resp.status_code == 302
    review.refresh_from_db()
    assert review.assignee == bdb2
    assert any(draft.code in t for t in todo_titles(bdb2))
    assert not any(draft.code in t for t in todo_titles(bdb))
    # bdb no longer may act; bdb2 may
    assert 'data-testid="act-decide-list-review"' not in html_of(
        client.get(f"/projects/{draft.pk}/")
    )
    client.force_login(bdb2)
    assert 'data-testid="act-decide-list-review"' in html_of(client.get(f"/projects/{draft.pk}/"))


def test_transfer_to_another_authority_is_not_offered(draft, walker, personas, client):
    walker.submit(draft)
    review = open_review(draft, ReviewKind.LIST)
    client.force_login(personas.bdb)
    # the form offers only colleagues of the same desk; another desk is not a valid choice
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    colleagues = html.split(f'name="transfer_review-{review.pk}-to_user"')[1].split("</select>")[0]
    assert f'value="{personas.bdb2.pk}"' in colleagues
    assert f'value="{personas.drc.pk}"' not in colleagues
    resp = post_review(client, review, "transfer", to_user=personas.drc.pk)
    assert resp.status_code == 422
    review.refresh_from_db()
    assert review.assignee is None


def test_copy_to_offers_the_step_the_unit_and_the_authorities_never_other_units(
    draft, walker, personas, client
):
    """Issue 18 pt 4: the 抄送 picker groups the step's authority, the project's unit and the
    other authorities, with a search box; other units' officers, consultants and supervisors
    are neither offered nor accepted."""
    from core.errors import ActionInvalid
    from projects.actions import copy_review

    walker.submit(draft)
    review = open_review(draft, ReviewKind.LIST)
    client.force_login(personas.bdb)
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    picker = html.split(f'name="copy_review-{review.pk}-recipients"')[1].split("</select>")[0]
    assert "data-searchable" in picker.split(">")[0]  # the page adds a search box to it
    groups = re.findall(r'<optgroup label="([^"]+)">', picker)
    assert groups == ["本环节审核机构", "项目建设单位", "其他主管部门"]
    step, unit, others = picker.split("<optgroup")[1:]
    assert f'value="{personas.bdb2.pk}"' in step  # BDB acts at the list review
    assert f'value="{personas.jw_head.pk}"' in unit
    assert f'value="{personas.psb.pk}"' in others and f'value="{personas.drc.pk}"' in others
    for stranger in (personas.wj_officer, personas.consultant, personas.supervisor):
        assert f'value="{stranger.pk}"' not in picker
    assert f'value="{personas.bdb.pk}"' not in picker  # not oneself
    resp = post_review(client, review, "copy", recipients=[personas.wj_officer.pk])
    assert resp.status_code == 422  # not a choice of the form
    assert not Project.objects.for_user(personas.wj_officer).filter(pk=draft.pk).exists()
    with pytest.raises(ActionInvalid) as refused:  # nor of the action (the API's way in)
        copy_review(review, acting_user=personas.bdb, recipients=[personas.consultant.pk])
    assert "只能抄送给本环节审核机构、项目建设单位或其他主管部门的人员" in str(refused.value.errors)
    assert not Project.objects.for_user(personas.consultant).filter(pk=draft.pk).exists()


def test_copy_to_gives_read_access(draft, walker, personas, client):
    walker.submit(draft)
    review = open_review(draft, ReviewKind.LIST)
    psb = personas.psb
    client.force_login(psb)
    assert client.get(f"/projects/{draft.pk}/").status_code == 404
    client.force_login(personas.bdb)
    resp = post_review(client, review, "copy", recipients=[psb.pk], note="请知悉。")
    assert resp.status_code == 302
    html = html_of(client.get(f"/projects/{draft.pk}/"))
    assert 'data-testid="review-copies"' in html and "罗斌" in html
    client.force_login(psb)
    resp = client.get(f"/projects/{draft.pk}/")
    assert resp.status_code == 200
    assert 'data-testid="act-decide-list-review"' not in html_of(resp)  # read only
    assert post_review(client, review, "list", decision="list").status_code == 404
