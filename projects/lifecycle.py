"""The approval lifecycle as one explicit table (Art. 8, 9, 4).

Each transition names the states it leaves, the state it enters, the roles that may take it,
the gate evaluated before it and the action that performs it. Actions look their transition
up here, so the table is the single source of truth; the project page renders it, and a test
checks that every gate and action named here exists.

    draft ─submit→ submitted ─start→ list_review ─list→ listed ─accept→ evaluation ─report→
    joint_review ─(all five agree)→ drc_review ─approve→ approved            (below threshold)
                                              └approve→ fsr_approved ─submit design→
    design_review ─(BDB content review, R4.1)→ design_drc_review ─approve→ approved   (two-stage)

Any review may return the project (→ returned → resubmit to the step that returned it) and
BDB's list review and DRC's approvals may reject it (→ rejected).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from .models import ProjectState as S

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
BDB = (Role.BDB_REVIEWER,)
DRC = (Role.DRC_OFFICER,)
JOINT = (
    Role.CAC_REVIEWER,
    Role.FINANCE_OFFICER,
    Role.BDB_REVIEWER,
    Role.CRYPTO_REVIEWER,
    Role.SECRECY_REVIEWER,
)


@dataclass(frozen=True)
class Transition:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    gate: str = ""
    action: str = ""
    article: str = ""


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit", _("申报"), (S.DRAFT,), S.SUBMITTED, UNIT,
        "projects.submit", "projects.actions.submit_project", "第八条",
    ),
    Transition(
        "withdraw", _("撤回"), (S.SUBMITTED,), S.DRAFT, UNIT,
        "", "projects.actions.withdraw_project", "第八条",
    ),
    Transition(
        "start_list_review", _("签收审核"), (S.SUBMITTED,), S.LIST_REVIEW, BDB,
        "", "projects.actions.start_review", "第八条",
    ),
    Transition(
        "list", _("列入项目清单"), (S.LIST_REVIEW,), S.LISTED, BDB,
        "projects.list", "projects.actions.decide_list_review", "第八条",
    ),
    Transition(
        "accept", _("受理并委托第三方评估"), (S.LISTED,), S.EVALUATION, DRC,
        "projects.accept", "projects.actions.accept_project", "第九条",
    ),
    Transition(
        "report_evaluation", _("提交评估报告"), (S.EVALUATION,), S.JOINT_REVIEW,
        (Role.CONSULTANT,), "projects.evaluation.report",
        "projects.actions.submit_evaluation_report", "第九条",
    ),
    Transition(
        "complete_joint_review", _("联合技术审查会签完成"), (S.JOINT_REVIEW,), S.DRC_REVIEW,
        JOINT, "projects.joint_review.complete", "projects.actions.give_joint_opinion",
        "第九条",
    ),
    Transition(
        "approve_single", _("批复可研报告及概（预）算"), (S.DRC_REVIEW,), S.APPROVED, DRC,
        "projects.approve", "projects.actions.approve_project", "第九条",
    ),
    Transition(
        "approve_fsr", _("批复可行性研究报告"), (S.DRC_REVIEW,), S.FSR_APPROVED, DRC,
        "projects.approve_fsr", "projects.actions.approve_project", "第九条",
    ),
    Transition(
        "submit_design", _("报送初步设计及概（预）算"), (S.FSR_APPROVED,), S.DESIGN_REVIEW, UNIT,
        "projects.design.submit", "projects.actions.submit_design", "第九条",
    ),
    Transition(
        "review_design_content", _("大数据局审核初步设计内容"), (S.DESIGN_REVIEW,),
        S.DESIGN_DRC_REVIEW, BDB, "projects.design.content",
        "projects.actions.review_design_content", "第四条",
    ),
    Transition(
        "approve_design", _("批复初步设计及概（预）算"), (S.DESIGN_DRC_REVIEW,), S.APPROVED, DRC,
        "projects.approve_design", "projects.actions.approve_project", "第九条",
    ),
    Transition(
        "return", _("退回修改"),
        (S.LIST_REVIEW, S.JOINT_REVIEW, S.DRC_REVIEW, S.DESIGN_REVIEW, S.DESIGN_DRC_REVIEW),
        S.RETURNED, BDB + DRC + JOINT, "", "projects.actions.return_project", "第八条、第九条",
    ),
    Transition(
        "reject", _("不予通过"),
        (S.LIST_REVIEW, S.DRC_REVIEW, S.DESIGN_DRC_REVIEW),
        S.REJECTED, BDB + DRC, "", "projects.actions.reject_project", "第八条、第九条",
    ),
    Transition(
        "resubmit", _("修改后重新报送"), (S.RETURNED,), S.SUBMITTED, UNIT,
        "projects.resubmit", "projects.actions.resubmit_project", "第八条、第九条",
    ),
)  # fmt: skip

BY_CODE = {t.code: t for t in TRANSITIONS}

# Where a returned project goes back to when resubmitted: the review that returned it opens
# again with a new round (the unit's revision must be looked at by the same step).
RESUBMIT_TARGET = {
    S.LIST_REVIEW: S.SUBMITTED,
    S.JOINT_REVIEW: S.JOINT_REVIEW,
    S.DRC_REVIEW: S.JOINT_REVIEW,
    S.DESIGN_REVIEW: S.DESIGN_REVIEW,
    S.DESIGN_DRC_REVIEW: S.DESIGN_REVIEW,
}

TERMINAL_STATES = (S.REJECTED, S.APPROVED)
REVIEW_STATES = (
    S.SUBMITTED,
    S.LIST_REVIEW,
    S.EVALUATION,
    S.JOINT_REVIEW,
    S.DRC_REVIEW,
    S.DESIGN_REVIEW,
    S.DESIGN_DRC_REVIEW,
)


def transition(code: str) -> Transition:
    return BY_CODE[code]


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if state in t.sources]


def can_take(user, code: str, state: str) -> bool:
    t = BY_CODE[code]
    return state in t.sources and user.is_authenticated and user.has_role(*t.roles)
