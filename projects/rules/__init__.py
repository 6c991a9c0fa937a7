"""Rules of the approval lifecycle (Art. 4, 8-10, 12-14, 19, 20, 27) and the gates that use them,
by sub-chapter. Every rule reads the project (``ctx.subject``) and facts loaded by
``projects.services``; every number comes from the policy in force. Gate codes are those of
``projects.machines``."""

from . import approval, frameworks, plan, review, submit
from .frameworks import overlapping_items
from .plan import LISTED_STATES, approval_complete, ever_listed

__all__ = [
    "LISTED_STATES",
    "approval",
    "approval_complete",
    "ever_listed",
    "frameworks",
    "overlapping_items",
    "plan",
    "review",
    "submit",
]
