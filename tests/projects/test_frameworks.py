"""Cross-department frameworks (Art. 13, R13.1, R13.2): the lead unit drafts the plan with each
participant's flows and content, no content item may be claimed twice, districts record their
linked projects, BDB reviews, and BDB's opinion is required by every participant's project."""

import pytest

from accounts.models import Organisation
from core.errors import ActionBlocked, ActionInvalid
from projects import actions
from projects.models import Framework, FrameworkDistrict, FrameworkState, ProjectState

FLOWS = {
    "business_flow": "学生资助申请→学校初审→区县复核→市级认定。",
    "data_flow": "向市卫生健康委共享困难学生就医数据需求，接收核验结果。",
    "interfaces": "通过市一体化数据资源平台接口交换。",
}
WJ_FLOWS = {
    "business_flow": "困难家庭学生就医记录核验。",
    "data_flow": "提供就医费用数据。",
    "interfaces": "数据资源平台共享接口。",
}


@pytest.fixture
def units(people):
    by_short = {o.short_name: o for o in Organisation.objects.all()}
    return by_short


@pytest.fixture
def framework(personas, units):
    """A framework of 市教委 with 市卫生健康委 taking part; '统一身份认证' claimed by both."""
    fw = actions.create_framework(
        acting_user=personas.jw_officer,
        lead_unit=units["市教委"],
        title="教育医疗协同资助平台",
        goals="实现困难学生就医资助一网通办。",
        main_content="资助认定、就医核验、数据共享。",
        data_catalog="学生资助对象库；就医费用数据。",
    )
    actions.set_framework_participant(
        fw,
        acting_user=personas.jw_officer,
        unit=units["市教委"],
        content_items="资助认定模块\n统一身份认证",
        **FLOWS,
    )
    actions.set_framework_participant(
        fw,
        acting_user=personas.jw_officer,
        unit=units["市卫生健康委"],
        content_items=["就医核验接口", "统一 身份认证"],
        **WJ_FLOWS,
    )
    return fw


def _fix_overlap(fw, personas, units):
    actions.set_framework_participant(
        fw,
        acting_user=personas.jw_officer,
        unit=units["市卫生健康委"],
        content_items=["就医核验接口"],
        **WJ_FLOWS,
    )


def _review(fw, personas, agree=True):
    return actions.review_framework(
        fw, acting_user=personas.bdb, agree=agree, opinion="同意框架方案，请各单位按分工申报。"
    )


def test_R13_1_create_framework_through_pages(personas, login, units):
    client = login(personas.jw_officer)
    assert client.get("/projects/frameworks/new/").status_code == 200
    bad = client.post("/projects/frameworks/new/", {"lead_unit": units["市教委"].pk})
    assert "请填写跨部门项目名称" in bad.content.decode()
    foreign = client.post(
        "/projects/frameworks/new/", {"lead_unit": units["市卫生健康委"].pk, "title": "越权"}
    )
    assert foreign.status_code == 422 and not Framework.objects.filter(title="越权").exists()
    resp = client.post(
        "/projects/frameworks/new/",
        {"lead_unit": units["市教委"].pk, "title": "教育医疗协同资助平台", "goals": "一网通办"},
    )
    fw = Framework.objects.get(title="教育医疗协同资助平台")
    assert resp.status_code == 302 and resp["Location"] == f"/projects/frameworks/{fw.pk}/"
    assert fw.lead_unit == units["市教委"] and fw.state == FrameworkState.DRAFT
    # the participant form: content items one per line
    resp = client.post(
        f"/projects/frameworks/{fw.pk}/participants/new/",
        {
            "unit": units["市卫生健康委"].pk,
            "content_items": "就医核验接口\n\n费用数据共享\n",
            **WJ_FLOWS,
        },
    )
    assert resp.status_code == 302
    wj = fw.participants.get(unit=units["市卫生健康委"])
    assert wj.content_items == ["就医核验接口", "费用数据共享"]
    edit = client.get(f"/projects/frameworks/{fw.pk}/participants/{wj.pk}/edit/")
    assert "就医核验接口\n费用数据共享" in edit.content.decode()
    resp = client.post(
        f"/projects/frameworks/{fw.pk}/participants/{wj.pk}/edit/",
        {"unit": units["市交通局"].pk, "content_items": "就医核验接口", **WJ_FLOWS},
    )
    assert resp.status_code == 302
    assert fw.participants.count() == 2  # the unit of an existing row cannot be switched
    assert fw.participants.get(pk=wj.pk).content_items == ["就医核验接口"]
    # the plan itself
    resp = client.post(
        f"/projects/frameworks/{fw.pk}/edit/",
        {
            "title": "教育医疗协同资助平台",
            "goals": "目标",
            "main_content": "内容",
            "data_catalog": "目录",
        },
    )
    assert resp.status_code == 302
    fw.refresh_from_db()
    assert fw.data_catalog == "目录"
    html = client.get("/projects/frameworks/").content.decode()
    assert "教育医疗协同资助平台" in html


def test_R13_1_overlap_blocks_submit_until_fixed_then_bdb_reviews(
    personas, login, framework, units
):
    client = login(personas.jw_officer)
    url = f"/projects/frameworks/{framework.pk}/"
    # given a content item claimed by both units
    html = client.get(url).content.decode()
    assert 'disabled data-testid="act-submit-framework"' in html
    assert 'data-rule="R13.1.overlap"' in html and "第十三条" in html
    assert 'data-testid="overlap-item"' in html and "统一身份认证" in html
    # when the lead unit submits anyway, the gate refuses with 第十三条
    with pytest.raises(ActionBlocked) as exc:
        actions.submit_framework(framework, acting_user=personas.jw_officer)
    assert {f.rule_id for f in exc.value.findings if f.blocks} == {"R13.1.overlap"}
    assert all(f.article == "第十三条" for f in exc.value.findings)
    resp = client.post(f"{url}submit/", follow=True)
    assert "第十三条" in resp.content.decode()
    framework.refresh_from_db()
    assert framework.state == FrameworkState.DRAFT
    # then, once fixed, the submit button is enabled and the submission goes to BDB
    _fix_overlap(framework, personas, units)
    html = client.get(url).content.decode()
    assert 'disabled data-testid="act-submit-framework"' not in html
    assert 'data-testid="act-submit-framework"' in html
    assert client.post(f"{url}submit/").status_code == 302
    framework.refresh_from_db()
    assert framework.state == FrameworkState.SUBMITTED
    # the participant 市卫生健康委 reads the plan but cannot edit or review it
    wj = login(personas.wj_officer)
    assert wj.get(url).status_code == 200
    assert wj.get(f"{url}edit/").status_code == 404
    assert wj.post(f"{url}review/", {"agree": "1", "opinion": "同意"}).status_code == 404
    # BDB sees the review form and gives its opinion
    bdb = login(personas.bdb)
    html = bdb.get(url).content.decode()
    assert 'data-testid="act-review-framework"' in html
    missing = bdb.post(f"{url}review/", {"agree": "1", "opinion": ""}, follow=True)
    assert "请填写审核意见" in missing.content.decode()
    resp = bdb.post(f"{url}review/", {"agree": "1", "opinion": "同意，按分工申报。"})
    assert resp.status_code == 302
    framework.refresh_from_db()
    assert framework.state == FrameworkState.REVIEWED and framework.has_bdb_opinion
    assert "同意，按分工申报。" in client.get(url).content.decode()


def test_R13_1_bdb_may_return_a_framework(personas, framework, units):
    _fix_overlap(framework, personas, units)
    actions.submit_framework(framework, acting_user=personas.jw_officer)
    fw = _review(framework, personas, agree=False)
    assert fw.state == FrameworkState.RETURNED and not fw.has_bdb_opinion
    # a returned plan may be edited and submitted again
    actions.update_framework(fw, acting_user=personas.jw_officer, goals="补充目标")
    assert actions.submit_framework(fw, acting_user=personas.jw_officer).state == "submitted"


def test_R13_1_participant_project_needs_bdb_opinion(
    planned, personas, login, framework, units, walker, wj_walker
):
    _fix_overlap(framework, personas, units)
    jw_project = walker.create("学生资助精准认定系统", "800", framework=framework.pk)
    wj_project = wj_walker.create("互联网医院监管平台", "600", framework=framework.pk)
    # before BDB's opinion: both participants are blocked at submission (第十三条)
    for w, project in ((walker, jw_project), (wj_walker, wj_project)):
        with pytest.raises(ActionBlocked) as exc:
            actions.submit_project(project, acting_user=w.officer)
        blocking = [f for f in exc.value.findings if f.blocks]
        assert [f.rule_id for f in blocking] == ["R13.1"]
        assert "审核意见" in blocking[0].message and blocking[0].article == "第十三条"
        project.refresh_from_db()
        assert project.state == ProjectState.DRAFT
    # after submission and BDB's opinion, both pass
    actions.submit_framework(framework, acting_user=personas.jw_officer)
    _review(framework, personas)
    assert walker.walk(jw_project, ProjectState.SUBMITTED).state == ProjectState.SUBMITTED
    assert wj_walker.walk(wj_project, ProjectState.SUBMITTED).state == ProjectState.SUBMITTED
    # the framework page lists the participants' projects
    html = login(personas.bdb).get(f"/projects/frameworks/{framework.pk}/").content.decode()
    assert "学生资助精准认定系统" in html and "互联网医院监管平台" in html


def test_R13_1_project_of_a_non_participant_is_blocked(planned, personas, units, walker):
    fw = actions.create_framework(
        acting_user=personas.wj_officer,
        lead_unit=units["市卫生健康委"],
        title="卫生健康单部门框架",
    )
    actions.set_framework_participant(
        fw, acting_user=personas.wj_officer, unit=units["市卫生健康委"], **WJ_FLOWS
    )
    project = walker.create("学生资助精准认定系统", "800", framework=fw.pk)
    with pytest.raises(ActionBlocked) as exc:
        actions.submit_project(project, acting_user=walker.officer)
    messages = [f.message for f in exc.value.findings if f.rule_id == "R13.1"]
    assert any("不是跨部门项目" in m for m in messages)


def test_R13_2_districts_and_their_linked_projects(personas, login, framework, units):
    _fix_overlap(framework, personas, units)
    client = login(personas.jw_officer)
    url = f"/projects/frameworks/{framework.pk}/"
    yuzhong = units["渝中区"]
    # the form and the action refuse a district without its linked project
    resp = client.post(f"{url}districts/new/", {"district": yuzhong.pk, "linked_project": ""})
    assert "请填写区县配套项目名称" in resp.content.decode()
    with pytest.raises(ActionInvalid) as exc:
        actions.add_framework_district(
            framework, acting_user=personas.jw_officer, district=yuzhong, linked_project="  "
        )
    assert "区县配套项目" in exc.value.errors["linked_project"]
    # a unit is not a district
    with pytest.raises(ActionInvalid):
        actions.add_framework_district(
            framework,
            acting_user=personas.jw_officer,
            district=units["市交通局"],
            linked_project="x",
        )
    resp = client.post(
        f"{url}districts/new/",
        {"district": yuzhong.pk, "linked_project": "渝中区学生资助服务站", "note": "线下受理"},
    )
    assert resp.status_code == 302
    html = client.get(url).content.decode()
    assert "渝中区学生资助服务站" in html and 'data-rule="R13.2"' not in html
    # a district row without a linked project (e.g. carried over from before the check) is a
    # R13.2 finding beside the submit button and blocks the submission
    FrameworkDistrict.objects.create(framework=framework, district=yuzhong, linked_project="")
    html = client.get(url).content.decode()
    assert 'data-rule="R13.2"' in html and 'disabled data-testid="act-submit-framework"' in html
    with pytest.raises(ActionBlocked) as exc:
        actions.submit_framework(framework, acting_user=personas.jw_officer)
    assert [f.rule_id for f in exc.value.findings if f.blocks] == ["R13.2"]


def test_R13_1_framework_visibility(personas, login, framework):
    url = f"/projects/frameworks/{framework.pk}/"
    for reader in (personas.jw_officer, personas.wj_officer, personas.bdb, personas.auditor):
        assert login(reader).get(url).status_code == 200
    outsider = login(personas.users["jt_tianbao"])
    assert outsider.get(url).status_code == 404
    assert framework.title not in outsider.get("/projects/frameworks/").content.decode()
    assert outsider.post(f"{url}submit/").status_code == 404
    assert outsider.get("/projects/frameworks/99999/").status_code == 404
    # only the lead unit's people can draft; BDB has no unit and gets 404 on the create page
    assert login(personas.bdb).get("/projects/frameworks/new/").status_code == 404
