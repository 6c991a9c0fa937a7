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
from core.machines import Machine, register, transition

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
RETURNERS = tuple(dict.fromkeys(BDB + DRC + JOINT))  # who may return a project for revision
# the steps that may return a project (RESUBMIT_TARGET: where its resubmission goes)
RETURNABLE = (S.LIST_REVIEW, S.JOINT_REVIEW, S.DRC_REVIEW, S.DESIGN_REVIEW, S.DESIGN_DRC_REVIEW)

PROJECT = register(Machine(
    "project", _("项目审批"), "projects.Project", S,
    initial=S.DRAFT, article="第八条", terminal=(S.REJECTED, S.APPROVED), transitions=(
        transition("submit", _("申报"), (S.DRAFT,), S.SUBMITTED, UNIT,
                   "R8.1", "projects.submit_project", gate="projects.submit"),
        transition("withdraw", _("撤回"), (S.SUBMITTED,), S.DRAFT, UNIT,
                   "R8.1", "projects.withdraw_project"),
        transition("start_list_review", _("签收审核"), (S.SUBMITTED,), S.LIST_REVIEW, BDB,
                   "R8.2", "projects.start_review"),
        transition("list", _("列入项目清单"), (S.LIST_REVIEW,), S.LISTED, BDB,
                   "R8.2", "projects.decide_list_review", gate="projects.list"),
        transition("accept", _("受理并委托第三方评估"), (S.LISTED,), S.EVALUATION, DRC,
                   "R9.2", "projects.accept_project", gate="projects.accept"),
        transition("report_evaluation", _("提交评估报告"), (S.EVALUATION,), S.JOINT_REVIEW, CONSULTANT,
                   "R9.2", "projects.submit_evaluation_report", gate="projects.evaluation.report"),
        transition("complete_joint_review", _("联合技术审查会签完成"), (S.JOINT_REVIEW,), S.DRC_REVIEW, JOINT,
                   "R9.3", "projects.give_joint_opinion", gate="projects.joint_review.complete"),
        transition("approve_single", _("批复可研报告及概（预）算"), (S.DRC_REVIEW,), S.APPROVED, DRC,
                   "R9.1", "projects.approve_project", gate="projects.approve"),
        transition("approve_fsr", _("批复可行性研究报告"), (S.DRC_REVIEW,), S.FSR_APPROVED, DRC,
                   "R9.1", "projects.approve_project", gate="projects.approve_fsr"),
        transition("submit_design", _("报送初步设计及概（预）算"), (S.FSR_APPROVED,), S.DESIGN_REVIEW, UNIT,
                   "R9.1", "projects.submit_design", gate="projects.design.submit"),
        transition("review_design_content", _("大数据局审核初步设计内容"), (S.DESIGN_REVIEW,), S.DESIGN_DRC_REVIEW, BDB,
                   "R4.1", "projects.review_design_content", gate="projects.design.content"),
        transition("approve_design", _("批复初步设计及概（预）算"), (S.DESIGN_DRC_REVIEW,), S.APPROVED, DRC,
                   "R9.1", "projects.approve_project", gate="projects.approve_design"),
        transition("return", _("退回修改"), RETURNABLE, S.RETURNED, RETURNERS,
                   "R8.2", "projects.return_project", article=BOTH),
        transition("reject", _("不予通过"), (S.LIST_REVIEW, S.DRC_REVIEW, S.DESIGN_DRC_REVIEW), S.REJECTED, BDB + DRC,
                   "R8.2", "projects.reject_project", article=BOTH),
        # A returned project goes back to the step that returned it (RESUBMIT_TARGET).
        transition("resubmit", _("修改后重新报送"), (S.RETURNED,), S.SUBMITTED, UNIT,
                   "R8.1", "projects.resubmit_project", gate="projects.resubmit", article=BOTH),
        transition("resubmit_joint", _("修改后重新报送联合技术审查"), (S.RETURNED,), S.JOINT_REVIEW, UNIT,
                   "R9.3", "projects.resubmit_project", gate="projects.resubmit"),
        transition("resubmit_design", _("修改后重新报送初步设计"), (S.RETURNED,), S.DESIGN_REVIEW, UNIT,
                   "R4.1", "projects.resubmit_project", gate="projects.design.submit"),
    ),
))  # fmt: skip

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

REVIEW = register(Machine(
    "project_review", _("项目审核环节"), "projects.Review", RS,
    initial=RS.PENDING, article=BOTH, terminal=(RS.AGREED, RS.RETURNED, RS.REJECTED, RS.SUPERSEDED), transitions=(
        transition("start", _("签收"), (RS.PENDING,), RS.IN_PROGRESS, REVIEWERS,
                   "R9.3", "projects.start_review", article=BOTH),
        transition("list", _("审核同意列入项目清单"), OPEN, RS.AGREED, BDB,
                   "R8.2", "projects.decide_list_review"),
        transition("report", _("提交评估报告"), OPEN, RS.AGREED, CONSULTANT,
                   "R9.2", "projects.submit_evaluation_report"),
        transition("agree_joint", _("联合技术审查同意"), OPEN, RS.AGREED, JOINT,
                   "R9.3", "projects.give_joint_opinion"),
        transition("approve", _("批复"), OPEN, RS.AGREED, DRC,
                   "R9.1", "projects.approve_project"),
        transition("agree_design", _("初步设计内容审核同意"), OPEN, RS.AGREED, BDB,
                   "R4.1", "projects.review_design_content"),
        transition("agree_isolation", _("孤网建设初审或批准同意"), OPEN, RS.AGREED, BDB + GOV,
                   "R31.1", "projects.review_project_isolation"),
        transition("refuse_isolation", _("孤网建设不予同意"), OPEN, RS.REJECTED, BDB + GOV,
                   "R31.1", "projects.review_project_isolation"),
        transition("return", _("退回修改"), OPEN, RS.RETURNED, RETURNERS,
                   "R8.2", "projects.return_project", article=BOTH),
        transition("reject", _("不予通过"), OPEN, RS.REJECTED, BDB + DRC,
                   "R8.2", "projects.reject_project", article=BOTH),
        # The round closes when the project leaves the step (returned, rejected, withdrawn):
        # its other open reviews lapse together (Machine.set_many).
        transition("supersede", _("随本轮结束失效"), OPEN, RS.SUPERSEDED, REVIEWERS + UNIT,
                   "R9.3", "projects.return_project", article=BOTH),
    ),
))  # fmt: skip

PROJECT_LIST = register(Machine(
    "project_list", _("项目清单版本"), "projects.ProjectListVersion", L,
    initial=L.DRAFT, article="第八条", terminal=(L.SUPERSEDED,), transitions=(
        transition("publish", _("发布"), (L.DRAFT,), L.PUBLISHED, BDB, "R8.2", "projects.publish_project_list"),
        transition("supersede", _("被新版本取代"), (L.PUBLISHED,), L.SUPERSEDED, BDB, "R8.2", "projects.publish_project_list"),
    ),
))  # fmt: skip

FRAMEWORK = register(Machine(
    "framework", _("跨部门项目框架方案"), "projects.Framework", F,
    initial=F.DRAFT, article="第十三条", transitions=(
        transition("submit", _("报市大数据发展局审核"), (F.DRAFT, F.RETURNED), F.SUBMITTED, UNIT,
                   "R13.1", "projects.submit_framework", gate="projects.framework.submit"),
        transition("review", _("出具审核意见"), (F.SUBMITTED,), F.REVIEWED, BDB,
                   "R13.1", "projects.review_framework", gate="projects.framework.review"),
        transition("return", _("退回修改"), (F.SUBMITTED,), F.RETURNED, BDB,
                   "R13.1", "projects.review_framework"),
    ),
))  # fmt: skip
