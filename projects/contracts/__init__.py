"""The inputs of the projects chapter's actions, each declared once: the page form, the API
payload and the demo and tests all go through these (``core.contracts``), by sub-chapter.

Field names are those of the actions; the API's earlier names (``unit_id``, ``text``, …) are
still accepted (``fields.Renames``) so that existing clients keep working.
"""

from .project import (
    ProjectAcceptIn,
    ProjectChapterIn,
    ProjectChaptersIn,
    ProjectCreateIn,
    ProjectFieldsIn,
    ProjectIntakeIn,
    ProjectUpdateIn,
    ProjectWithdrawIn,
)
from .registry import (
    ClassifiedStubIn,
    FrameworkDistrictIn,
    FrameworkIn,
    FrameworkParticipantChangeIn,
    FrameworkParticipantIn,
    FrameworkReviewIn,
    FrameworkUpdateIn,
    ProjectListPublishIn,
)
from .reviews import (
    ListCriterionIn,
    ReviewAgreeIn,
    ReviewApproveIn,
    ReviewCopyIn,
    ReviewEvaluationReportIn,
    ReviewIsolationIn,
    ReviewListDecisionIn,
    ReviewOpinionIn,
    ReviewTransferIn,
    ReviewUrgeIn,
)

__all__ = [
    "ClassifiedStubIn",
    "FrameworkDistrictIn",
    "FrameworkIn",
    "FrameworkParticipantChangeIn",
    "FrameworkParticipantIn",
    "FrameworkReviewIn",
    "FrameworkUpdateIn",
    "ListCriterionIn",
    "ProjectAcceptIn",
    "ProjectChapterIn",
    "ProjectChaptersIn",
    "ProjectCreateIn",
    "ProjectFieldsIn",
    "ProjectIntakeIn",
    "ProjectListPublishIn",
    "ProjectUpdateIn",
    "ProjectWithdrawIn",
    "ReviewAgreeIn",
    "ReviewApproveIn",
    "ReviewCopyIn",
    "ReviewEvaluationReportIn",
    "ReviewIsolationIn",
    "ReviewListDecisionIn",
    "ReviewOpinionIn",
    "ReviewTransferIn",
    "ReviewUrgeIn",
]
