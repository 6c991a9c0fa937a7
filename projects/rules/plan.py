"""Entry into the annual investment plan (Art. 10, 27): the gate the investment chapter asks,
on the facts of a project; and whether a project is on the project list."""

from __future__ import annotations

from policy.registry import gate, rule, violation

from ..models import ApprovalPath, ProjectKind, ProjectState
from .common import _, subject

# -- annual investment plan entry (Art. 10, 27), used by the investment chapter -------------


def approval_complete(project) -> bool:
    return project.state == ProjectState.APPROVED


LISTED_STATES = (
    ProjectState.LISTED,
    ProjectState.EVALUATION,
    ProjectState.JOINT_REVIEW,
    ProjectState.DRC_REVIEW,
    ProjectState.FSR_APPROVED,
    ProjectState.DESIGN_REVIEW,
    ProjectState.DESIGN_DRC_REVIEW,
    ProjectState.APPROVED,
)


def ever_listed(project) -> bool:
    """On the project list: listed and not rejected since. A project returned for revision by
    a review after the listing (joint review, DRC, design) is still listed; one returned by
    BDB's list review is not."""
    if project.state == ProjectState.RETURNED:
        return getattr(project, "returned_from", "") in LISTED_STATES
    return project.state in LISTED_STATES


@rule(id="R10.1", article="第十条", title=_("纳入年度投资计划的项目范围"))
def plan_eligibility(ctx):
    project = subject(ctx)
    if project.suspended_at or project.terminated_at:
        what = "终止" if project.terminated_at else "暂停"
        yield violation(
            f"项目“{project.name}”已被{what}（第二十四条），不能纳入年度投资计划（第十条）。",
            remedy="暂停解除后再纳入计划。",
            facts={
                "suspended": bool(project.suspended_at),
                "terminated": bool(project.terminated_at),
            },
        )
    if project.kind == ProjectKind.OM:
        if not ever_listed(project):
            yield violation(
                f"运行维护项目“{project.name}”未纳入项目清单，不能纳入年度投资计划（第十条）。",
                remedy="请先经市大数据发展局审核列入项目清单。",
                facts={"kind": project.kind, "state": project.state},
            )
        return
    if project.kind == ProjectKind.CONTINUING:
        if not approval_complete(project):
            yield violation(
                f"续建项目“{project.name}”尚未经依法审批，不能纳入年度投资计划（第十条）。",
                remedy="请先完成项目审批。",
                facts={"kind": project.kind, "state": project.state},
            )
        return
    if not ever_listed(project):
        yield violation(
            f"建设项目“{project.name}”未纳入项目清单，不能纳入年度投资计划（第十条）。",
            remedy="请先经市大数据发展局审核列入项目清单。",
            facts={"kind": project.kind, "state": project.state},
        )


@rule(id="R27.1", article="第二十七条", title=_("未完成审批的建设项目不得纳入年度投资计划"))
def approval_before_plan(ctx):
    project = subject(ctx)
    if project.kind in (ProjectKind.OM, ProjectKind.CONTINUING):
        return  # covered by R10.1
    if not approval_complete(project):
        stage = (
            "初步设计及概（预）算"
            if project.approval_path == ApprovalPath.TWO
            else "可研报告及概（预）算（代初步设计）"
        )
        yield violation(
            f"建设项目“{project.name}”的{stage}尚未批复（当前：{project.get_state_display()}），"
            "不能纳入年度投资计划（第二十七条、第十条）。",
            remedy="请先完成项目审批，再申报年度投资计划。",
            facts={"state": project.state, "approval_path": project.approval_path},
        )


gate(
    "investment.plan.entry",
    title=_("纳入年度投资计划"),
    rules=["R10.1", "R27.1"],
    action="investment.add_plan_entry",
)
