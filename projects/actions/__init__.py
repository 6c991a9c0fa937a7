"""Every change of state of the projects chapter (Art. 8, 9, 4, 12-14, 19, 20), one action
each, by sub-chapter: the unit's requirement (``drafting``), signing for a review and what
every decision shares (``reviews``), the steps from the list to the approval (``approval``),
转办, 抄送, 退回 and 不予通过 (``handling``), the published list and
classified stubs (``lists``), cross-department frameworks (``frameworks``) and the 渝快办
channel (``intake``)."""

from .approval import (
    accept_project,
    approve_project,
    decide_list_review,
    give_joint_opinion,
    review_design_content,
    review_project_isolation,
    submit_evaluation_report,
)
from .drafting import (
    create_project,
    declare_chapter,
    declare_chapters,
    resubmit_project,
    submit_design,
    submit_project,
    update_project,
    withdraw_project,
)
from .frameworks import (
    add_framework_district,
    change_framework_participant,
    create_framework,
    review_framework,
    set_framework_participant,
    submit_framework,
    update_framework,
)
from .handling import copy_review, reject_project, return_project, transfer_review
from .intake import receive_external_requirement
from .lists import publish_project_list, record_classified_stub
from .reviews import start_review
from .urging import urge_review

__all__ = [
    "accept_project",
    "add_framework_district",
    "approve_project",
    "change_framework_participant",
    "copy_review",
    "create_framework",
    "create_project",
    "decide_list_review",
    "declare_chapter",
    "declare_chapters",
    "give_joint_opinion",
    "publish_project_list",
    "receive_external_requirement",
    "record_classified_stub",
    "reject_project",
    "resubmit_project",
    "return_project",
    "review_design_content",
    "review_framework",
    "review_project_isolation",
    "set_framework_participant",
    "start_review",
    "submit_design",
    "submit_evaluation_report",
    "submit_framework",
    "submit_project",
    "transfer_review",
    "update_framework",
    "update_project",
    "urge_review",
    "withdraw_project",
]
