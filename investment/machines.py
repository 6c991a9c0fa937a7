"""The lifecycles of the investment chapter: a version of the annual investment plan
(Art. 10, 11), an Art. 11 request (Art. 11) and a change request (Art. 26)."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, register, transition

from .models import Art11State as A
from .models import ChangeState as C
from .models import PlanState as P

BDB = (Role.BDB_REVIEWER,)
DRC = (Role.DRC_OFFICER,)
FINANCE = (Role.FINANCE_OFFICER,)
UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)

PLAN_VERSION = register(Machine(
    "annual_plan_version", _("年度投资计划版本"), "investment.PlanVersion", P,
    initial=P.DRAFT, article="第十条", terminal=(P.SUPERSEDED,), transitions=(
        transition("publish", _("发布"), (P.DRAFT,), P.PUBLISHED, DRC, "R10.1", "investment.publish_plan"),
        transition("supersede", _("被调整版本取代"), (P.PUBLISHED,), P.SUPERSEDED, DRC, "R10.1", "investment.publish_plan"),
    ),
))  # fmt: skip

ART11 = register(Machine(
    "art11_request", _("第十一条事项"), "investment.Art11Request", A,
    initial=A.INITIATED, article="第十一条", terminal=(A.BUDGETED, A.REJECTED), transitions=(
        transition("list", _("纳入项目清单"), (A.INITIATED,), A.LISTED, BDB,
                   "R11.1", "investment.list_art11"),
        transition("approve", _("审批并调整年度投资计划"), (A.LISTED,), A.APPROVED, DRC,
                   "R11.1", "investment.approve_art11"),
        transition("budget", _("安排预算"), (A.APPROVED,), A.BUDGETED, FINANCE,
                   "R11.1", "investment.budget_art11", gate="investment.budget.add"),
        # BDB refuses before listing, DRC before approving: one transition each, so
        # that each names who takes it
        transition("reject_unlisted", _("不予纳入项目清单"), (A.INITIATED,), A.REJECTED, BDB,
                   "R11.1", "investment.reject_art11"),
        transition("reject_listed", _("不予审批"), (A.LISTED,), A.REJECTED, DRC,
                   "R11.1", "investment.reject_art11"),
    ),
))  # fmt: skip

CHANGE = register(Machine(
    "change_request", _("项目调整"), "investment.ChangeRequest", C,
    initial=C.PENDING, article="第二十六条", terminal=(C.FILED, C.APPROVED, C.REJECTED), transitions=(
        # submitted pending; the four conditions of Art. 26 met, it is filed at once
        transition("file", _("调整并备案"), (C.PENDING,), C.FILED, UNIT,
                   "R26.1", "investment.submit_change", gate="investment.change.submit"),
        transition("approve", _("批准调整"), (C.PENDING,), C.APPROVED, DRC,
                   "R26.1", "investment.approve_change"),
        transition("reject", _("不予批准"), (C.PENDING,), C.REJECTED, DRC,
                   "R26.1", "investment.reject_change"),
    ),
))  # fmt: skip
