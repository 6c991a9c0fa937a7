from projects.models import ApprovalPath, ProjectState


def test_single_stage_walk(walker):
    project = walker.create("学生资助精准认定系统", "800")
    project = walker.walk(project, ProjectState.APPROVED)
    assert project.state == ProjectState.APPROVED
    assert project.approval_path == ApprovalPath.SINGLE


def test_two_stage_walk(walker):
    project = walker.create("智慧教育综合服务平台（二期）", "3500")
    walker.attach(project, "post_evaluation", "一期后评价报告")
    project = walker.walk(project, ProjectState.APPROVED)
    assert project.approval_path == ApprovalPath.TWO
    assert project.fsr_approved_at is not None
