"""The lifecycles of the investment chapter: a version of the annual investment plan
(Art. 10, 11), an Art. 11 request (Art. 11) and a change request (Art. 26)."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, Transition, register

from .models import Art11State as A
from .models import ChangeState as C
from .models import PlanState as P

BDB = (Role.BDB_REVIEWER,)
DRC = (Role.DRC_OFFICER,)
FINANCE = (Role.FINANCE_OFFICER,)
UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)

PLAN_VERSION = register(
    Machine(
        key="annual_plan_version",
        label=_("年度投资计划版本"),
        model="investment.PlanVersion",
        states=P,
        initial=P.DRAFT,
        article="第十条",
        terminal=(P.SUPERSEDED,),
        transitions=(
            Transition(
                "publish", _("发布"), (P.DRAFT,), P.PUBLISHED, DRC,
                "", "investment.publish_plan", "第十条", "R10.1",
            ),
            Transition(
                "supersede", _("被调整版本取代"), (P.PUBLISHED,), P.SUPERSEDED, DRC,
                "", "investment.publish_plan", "第十条", "R10.1",
            ),
        ),
    )
)  # fmt: skip

ART11 = register(
    Machine(
        key="art11_request",
        label=_("第十一条事项"),
        model="investment.Art11Request",
        states=A,
        initial=A.INITIATED,
        article="第十一条",
        terminal=(A.BUDGETED, A.REJECTED),
        transitions=(
            Transition(
                "list", _("纳入项目清单"), (A.INITIATED,), A.LISTED, BDB,
                "", "investment.list_art11", "第十一条", "R11.1",
            ),
            Transition(
                "approve", _("审批并调整年度投资计划"), (A.LISTED,), A.APPROVED, DRC,
                "", "investment.approve_art11", "第十一条", "R11.1",
            ),
            Transition(
                "budget", _("安排预算"), (A.APPROVED,), A.BUDGETED, FINANCE,
                "investment.budget.add", "investment.budget_art11", "第十一条", "R11.1",
            ),
            # BDB refuses before listing, DRC before approving: one transition each, so
            # that each names who takes it
            Transition(
                "reject_unlisted", _("不予纳入项目清单"), (A.INITIATED,), A.REJECTED, BDB,
                "", "investment.reject_art11", "第十一条", "R11.1",
            ),
            Transition(
                "reject_listed", _("不予审批"), (A.LISTED,), A.REJECTED, DRC,
                "", "investment.reject_art11", "第十一条", "R11.1",
            ),
        ),
    )
)  # fmt: skip

CHANGE = register(
    Machine(
        key="change_request",
        label=_("项目调整"),
        model="investment.ChangeRequest",
        states=C,
        initial=C.PENDING,
        article="第二十六条",
        terminal=(C.FILED, C.APPROVED, C.REJECTED),
        transitions=(
            # submitted pending; the four conditions of Art. 26 met, it is filed at once
            Transition(
                "file", _("调整并备案"), (C.PENDING,), C.FILED, UNIT,
                "investment.change.submit", "investment.submit_change", "第二十六条", "R26.1",
            ),
            Transition(
                "approve", _("批准调整"), (C.PENDING,), C.APPROVED, DRC,
                "", "investment.approve_change", "第二十六条", "R26.1",
            ),
            Transition(
                "reject", _("不予批准"), (C.PENDING,), C.REJECTED, DRC,
                "", "investment.reject_change", "第二十六条", "R26.1",
            ),
        ),
    )
)  # fmt: skip
