"""Every change of state of the delivery chapter (Art. 16, 22-24, 28-30), one action each:
the start of construction (``start``), progress and supervision (``supervision``), the annual
report (``reports``), incidents and suspension (``incidents``), trial, completion, archives and
go-live (``completion``), completion acceptance and extensions (``acceptance``) and evaluations
(``evaluation``)."""

from .acceptance import (
    apply_acceptance,
    decide_acceptance,
    decide_extension,
    file_unit_acceptance,
    request_extension,
)
from .completion import (
    accept_archives,
    complete_construction,
    go_live,
    reject_archives,
    start_trial,
)
from .evaluation import commission_post_evaluation, submit_post_evaluation, submit_self_evaluation
from .incidents import (
    close_incident,
    lift_suspension,
    order_rectification,
    report_incident,
    suspend_project,
)
from .reports import submit_annual_report
from .start import assign_supervisor, set_implementation, start_construction
from .supervision import add_milestone, complete_milestone, submit_supervision_report

__all__ = [
    "accept_archives",
    "add_milestone",
    "apply_acceptance",
    "assign_supervisor",
    "close_incident",
    "commission_post_evaluation",
    "complete_construction",
    "complete_milestone",
    "decide_acceptance",
    "decide_extension",
    "file_unit_acceptance",
    "go_live",
    "lift_suspension",
    "order_rectification",
    "reject_archives",
    "report_incident",
    "request_extension",
    "set_implementation",
    "start_construction",
    "start_trial",
    "submit_annual_report",
    "submit_post_evaluation",
    "submit_self_evaluation",
    "submit_supervision_report",
    "suspend_project",
]
