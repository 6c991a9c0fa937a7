"""The lifecycles of the projects chapter (Art. 4, 8, 9, 13): a project, each of its reviews, a
version of the published project list and a cross-department framework plan.

    draft ─submit→ submitted ─start→ list_review ─list→ listed ─accept→ evaluation ─report→
    joint_review ─(all five agree)→ drc_review ─approve→ approved            (below threshold)
                                              └approve→ fsr_approved ─submit design→
    design_review ─(BDB content review, R4.1)→ design_drc_review ─approve→ approved   (two-stage)

Any review may return the project (→ returned → resubmitted to the step that returned it) and
BDB's list review and DRC's approvals may reject it (→ rejected).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, Transition, register

from .models import FrameworkState as F
from .models import ProjectListState as L
from .models import ProjectState as S
from .models import ReviewState as RS

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
BDB = (Role.BDB_REVIEWER,)
DRC = (Role.DRC_OFFICER,)
CONSULTANT = (Role.CONSULTANT,)
JOINT = (
    Role.CAC_REVIEWER,
    Role.FINANCE_OFFICER,
    Role.BDB_REVIEWER,
    Role.CRYPTO_REVIEWER,
    Role.SECRECY_REVIEWER,
)
GOV = (Role.GOV_APPROVER,)
REVIEWERS = tuple(dict.fromkeys(BDB + DRC + CONSULTANT + JOINT + GOV))
BOTH = "第八条、第九条"

PROJECT = register(
    Machine(
        key="project",
        label=_("项目审批"),
        model="projects.Project",
        states=S,
        initial=S.DRAFT,
        article="第八条",
        terminal=(S.REJECTED, S.APPROVED),
        transitions=(
            Transition(
                "submit", _("申报"), (S.DRAFT,), S.SUBMITTED, UNIT,
                "projects.submit", "projects.submit_project", "第八条", "R8.1",
            ),
            Transition(
                "withdraw", _("撤回"), (S.SUBMITTED,), S.DRAFT, UNIT,
                "", "projects.withdraw_project", "第八条", "R8.1",
            ),
            Transition(
                "start_list_review", _("签收审核"), (S.SUBMITTED,), S.LIST_REVIEW, BDB,
                "", "projects.start_review", "第八条", "R8.2",
            ),
            Transition(
                "list", _("列入项目清单"), (S.LIST_REVIEW,), S.LISTED, BDB,
                "projects.list", "projects.decide_list_review", "第八条", "R8.2",
            ),
            Transition(
                "accept", _("受理并委托第三方评估"), (S.LISTED,), S.EVALUATION, DRC,
                "projects.accept", "projects.accept_project", "第九条", "R9.2",
            ),
            Transition(
                "report_evaluation", _("提交评估报告"), (S.EVALUATION,), S.JOINT_REVIEW,
                CONSULTANT, "projects.evaluation.report", "projects.submit_evaluation_report",
                "第九条", "R9.2",
            ),
            Transition(
                "complete_joint_review", _("联合技术审查会签完成"), (S.JOINT_REVIEW,),
                S.DRC_REVIEW, JOINT, "projects.joint_review.complete",
                "projects.give_joint_opinion", "第九条", "R9.3",
            ),
            Transition(
                "approve_single", _("批复可研报告及概（预）算"), (S.DRC_REVIEW,), S.APPROVED, DRC,
                "projects.approve", "projects.approve_project", "第九条", "R9.1",
            ),
            Transition(
                "approve_fsr", _("批复可行性研究报告"), (S.DRC_REVIEW,), S.FSR_APPROVED, DRC,
                "projects.approve_fsr", "projects.approve_project", "第九条", "R9.1",
            ),
            Transition(
                "submit_design", _("报送初步设计及概（预）算"), (S.FSR_APPROVED,), S.DESIGN_REVIEW,
                UNIT, "projects.design.submit", "projects.submit_design", "第九条", "R9.1",
            ),
            Transition(
                "review_design_content", _("大数据局审核初步设计内容"), (S.DESIGN_REVIEW,),
                S.DESIGN_DRC_REVIEW, BDB, "projects.design.content",
                "projects.review_design_content", "第四条", "R4.1",
            ),
            Transition(
                "approve_design", _("批复初步设计及概（预）算"), (S.DESIGN_DRC_REVIEW,), S.APPROVED,
                DRC, "projects.approve_design", "projects.approve_project", "第九条", "R9.1",
            ),
            Transition(
                "return", _("退回修改"),
                (S.LIST_REVIEW, S.JOINT_REVIEW, S.DRC_REVIEW, S.DESIGN_REVIEW, S.DESIGN_DRC_REVIEW),
                S.RETURNED, tuple(dict.fromkeys(BDB + DRC + JOINT)), "",
                "projects.return_project", BOTH, "R8.2",
            ),
            Transition(
                "reject", _("不予通过"), (S.LIST_REVIEW, S.DRC_REVIEW, S.DESIGN_DRC_REVIEW),
                S.REJECTED, BDB + DRC, "", "projects.reject_project", BOTH, "R8.2",
            ),
            # A returned project goes back to the step that returned it (RESUBMIT_TARGET).
            Transition(
                "resubmit", _("修改后重新报送"), (S.RETURNED,), S.SUBMITTED, UNIT,
                "projects.resubmit", "projects.resubmit_project", BOTH, "R8.1",
            ),
            Transition(
                "resubmit_joint", _("修改后重新报送联合技术审查"), (S.RETURNED,), S.JOINT_REVIEW,
                UNIT, "projects.resubmit", "projects.resubmit_project", "第九条", "R9.3",
            ),
            Transition(
                "resubmit_design", _("修改后重新报送初步设计"), (S.RETURNED,), S.DESIGN_REVIEW,
                UNIT, "projects.design.submit", "projects.resubmit_project", "第四条", "R4.1",
            ),
        ),
    )
)  # fmt: skip

# Where a returned project goes back to when resubmitted: the review that returned it opens
# again with a new round (the unit's revision must be looked at by the same step).
RESUBMIT_TARGET: dict[str, str] = {
    S.LIST_REVIEW: S.SUBMITTED,
    S.JOINT_REVIEW: S.JOINT_REVIEW,
    S.DRC_REVIEW: S.JOINT_REVIEW,
    S.DESIGN_REVIEW: S.DESIGN_REVIEW,
    S.DESIGN_DRC_REVIEW: S.DESIGN_REVIEW,
}
RESUBMIT_CODE: dict[str, str] = {
    S.SUBMITTED: "resubmit",
    S.JOINT_REVIEW: "resubmit_joint",
    S.DESIGN_REVIEW: "resubmit_design",
}
REVIEW_STATES = (
    S.SUBMITTED,
    S.LIST_REVIEW,
    S.EVALUATION,
    S.JOINT_REVIEW,
    S.DRC_REVIEW,
    S.DESIGN_REVIEW,
    S.DESIGN_DRC_REVIEW,
)


def resubmit_code(returned_from: str) -> str:
    """The transition that takes a project returned at ``returned_from`` back to its step."""
    return RESUBMIT_CODE[RESUBMIT_TARGET.get(returned_from, S.SUBMITTED)]


OPEN = (RS.PENDING, RS.IN_PROGRESS)

REVIEW = register(
    Machine(
        key="project_review",
        label=_("项目审核环节"),
        model="projects.Review",
        states=RS,
        initial=RS.PENDING,
        article=BOTH,
        terminal=(RS.AGREED, RS.RETURNED, RS.REJECTED, RS.SUPERSEDED),
        transitions=(
            Transition(
                "start", _("签收"), (RS.PENDING,), RS.IN_PROGRESS, REVIEWERS,
                "", "projects.start_review", BOTH, "R9.3",
            ),
            Transition(
                "list", _("审核同意列入项目清单"), OPEN, RS.AGREED, BDB,
                "", "projects.decide_list_review", "第八条", "R8.2",
            ),
            Transition(
                "report", _("提交评估报告"), OPEN, RS.AGREED, CONSULTANT,
                "", "projects.submit_evaluation_report", "第九条", "R9.2",
            ),
            Transition(
                "agree_joint", _("联合技术审查同意"), OPEN, RS.AGREED, JOINT,
                "", "projects.give_joint_opinion", "第九条", "R9.3",
            ),
            Transition(
                "approve", _("批复"), OPEN, RS.AGREED, DRC,
                "", "projects.approve_project", "第九条", "R9.1",
            ),
            Transition(
                "agree_design", _("初步设计内容审核同意"), OPEN, RS.AGREED, BDB,
                "", "projects.review_design_content", "第四条", "R4.1",
            ),
            Transition(
                "agree_isolation", _("孤网建设初审或批准同意"), OPEN, RS.AGREED, BDB + GOV,
                "", "projects.review_project_isolation", "第三十一条", "R31.1",
            ),
            Transition(
                "refuse_isolation", _("孤网建设不予同意"), OPEN, RS.REJECTED, BDB + GOV,
                "", "projects.review_project_isolation", "第三十一条", "R31.1",
            ),
            Transition(
                "return", _("退回修改"), OPEN, RS.RETURNED, tuple(dict.fromkeys(BDB + DRC + JOINT)),
                "", "projects.return_project", BOTH, "R8.2",
            ),
            Transition(
                "reject", _("不予通过"), OPEN, RS.REJECTED, BDB + DRC,
                "", "projects.reject_project", BOTH, "R8.2",
            ),
            # The round closes when the project leaves the step (returned, rejected, withdrawn):
            # its other open reviews lapse together (Machine.set_many).
            Transition(
                "supersede", _("随本轮结束失效"), OPEN, RS.SUPERSEDED, REVIEWERS + UNIT,
                "", "projects.return_project", BOTH, "R9.3",
            ),
        ),
    )
)  # fmt: skip

PROJECT_LIST = register(
    Machine(
        key="project_list",
        label=_("项目清单版本"),
        model="projects.ProjectListVersion",
        states=L,
        initial=L.DRAFT,
        article="第八条",
        terminal=(L.SUPERSEDED,),
        transitions=(
            Transition(
                "publish", _("发布"), (L.DRAFT,), L.PUBLISHED, BDB,
                "", "projects.publish_project_list", "第八条", "R8.2",
            ),
            Transition(
                "supersede", _("被新版本取代"), (L.PUBLISHED,), L.SUPERSEDED, BDB,
                "", "projects.publish_project_list", "第八条", "R8.2",
            ),
        ),
    )
)  # fmt: skip

FRAMEWORK = register(
    Machine(
        key="framework",
        label=_("跨部门项目框架方案"),
        model="projects.Framework",
        states=F,
        initial=F.DRAFT,
        article="第十三条",
        transitions=(
            Transition(
                "submit", _("报市大数据发展局审核"), (F.DRAFT, F.RETURNED), F.SUBMITTED, UNIT,
                "projects.framework.submit", "projects.submit_framework", "第十三条", "R13.1",
            ),
            Transition(
                "review", _("出具审核意见"), (F.SUBMITTED,), F.REVIEWED, BDB,
                "projects.framework.review", "projects.review_framework", "第十三条", "R13.1",
            ),
            Transition(
                "return", _("退回修改"), (F.SUBMITTED,), F.RETURNED, BDB,
                "", "projects.review_framework", "第十三条", "R13.1",
            ),
        ),
    )
)  # fmt: skip
