"""Project to-dos: each person sees what is theirs to do now, and nobody else's; each to-do
links to the project page."""

from core.todos import todos_for
from projects import actions
from projects.models import JOINT_REVIEW_AUTHORITIES, ProjectState, Review, ReviewKind
from projects.todos import project_todos

S = ProjectState


def mine(user, project):
    """The project's to-dos of ``user`` in this chapter (other chapters have their own)."""
    return [t for t in todos_for(user) if t.category == "项目审批" and project.code in t.title]


def test_unit_draft_todo_for_own_unit_only(walker, personas):
    project = walker.create("学生资助精准认定系统", "800")
    todos = mine(personas.jw_officer, project)
    assert len(todos) == 1 and todos[0].title.startswith("申报项目需求")
    assert todos[0].url == f"/projects/{project.pk}/" and todos[0].category == "项目审批"
    assert mine(personas.jw_head, project)  # 单位负责人 too
    for other in (personas.wj_officer, personas.bdb, personas.drc, personas.auditor):
        assert not mine(other, project)


def test_submitted_project_leaves_the_unit_and_reaches_bdb(walker, personas):
    project = walker.create("学生资助精准认定系统", "800")
    walker.submit(project)
    assert not mine(personas.jw_officer, project)
    for reviewer in (personas.bdb, personas.bdb2):
        todos = mine(reviewer, project)
        assert len(todos) == 1 and "大数据局项目清单审核" in todos[0].title
    for other in (personas.drc, personas.cac, personas.finance, personas.consultant):
        assert not mine(other, project)


def test_returned_project_is_a_unit_todo(walker, personas):
    project = walker.create("学生资助精准认定系统", "800")
    walker.submit(project)
    review = Review.objects.get(project=project, kind=ReviewKind.LIST)
    actions.return_project(review, acting_user=personas.bdb, opinion="请补充。")
    assert mine(personas.jw_officer, project)[0].title.startswith("修改后重新报送")
    assert not mine(personas.bdb, project)


def test_listed_project_missing_chapters_then_drc_acceptance(walker, personas):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), S.LISTED)
    todo = mine(personas.jw_officer, project)[0]
    assert todo.title.startswith("补齐受理材料") and "网络安全保护措施" in todo.detail
    assert not mine(personas.drc, project)  # not on a published list yet
    walker.chapters(project)
    assert not mine(personas.jw_officer, project)
    walker.publish(project.year)
    assert mine(personas.drc, project)[0].title.startswith("受理项目")
    assert not mine(personas.finance, project) and not mine(personas.bdb, project)
    walker.accept(project)
    assert not mine(personas.drc, project)
    # the assigned consultant organisation now has the evaluation
    assert "第三方咨询评估" in mine(personas.consultant, project)[0].title


def test_expansion_without_post_evaluation_is_reminded(walker, personas):
    project = walker.create("智慧教育综合服务平台（二期）", "3500")
    project = walker.walk(project, S.LISTED)
    walker.chapters(project)
    assert "后评价报告" in mine(personas.jw_officer, project)[0].detail
    walker.attach(project, "post_evaluation", "一期后评价报告")
    assert not mine(personas.jw_officer, project)


def test_joint_review_todos_for_each_authority(walker, personas):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), S.JOINT_REVIEW)
    people = {
        "cac": personas.cac,
        "finance": personas.finance,
        "bdb": personas.bdb,
        "crypto": personas.crypto,
        "secrecy": personas.secrecy,
    }
    for authority in JOINT_REVIEW_AUTHORITIES:
        todos = mine(people[authority], project)
        assert len(todos) == 1 and "联合技术审查" in todos[0].title
    assert not mine(personas.psb, project) and not mine(personas.drc, project)
    project = walker.joint(project)
    assert all(not mine(p, project) for p in people.values())
    assert "发展改革委审批" in mine(personas.drc, project)[0].title


def test_fsr_approved_project_awaits_design(walker, personas):
    project = walker.create("智慧教育综合服务平台（二期）", "3500")
    walker.attach(project, "post_evaluation", "一期后评价报告")
    project = walker.walk(project, S.FSR_APPROVED)
    assert mine(personas.jw_officer, project)[0].title.startswith("报送初步设计")
    assert not mine(personas.drc, project)


def test_assigned_review_is_only_the_assignees(walker, personas):
    project = walker.create("学生资助精准认定系统", "800")
    walker.submit(project)
    review = Review.objects.get(project=project, kind=ReviewKind.LIST)
    actions.start_review(review, acting_user=personas.bdb)
    assert mine(personas.bdb, project) and not mine(personas.bdb2, project)
    actions.transfer_review(review, acting_user=personas.bdb, to_user=personas.bdb2)
    assert mine(personas.bdb2, project) and not mine(personas.bdb, project)


def test_todos_cost_a_fixed_number_of_queries(walker, personas, django_assert_max_num_queries):
    for name in ("学生资助精准认定系统", "智慧教育综合服务平台（二期）"):
        project = walker.walk(walker.create(name, "800"), S.LISTED)
    walker.create("学生资助精准认定系统", "500")
    user = personas.jw_officer
    user._memberships_cache = None
    with django_assert_max_num_queries(5):  # memberships, projects, chapters, documents (+ct)
        todos = project_todos(user)
    assert project.code in " ".join(t.title for t in todos)
