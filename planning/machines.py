"""The lifecycles of the planning chapter (Art. 6): a city-plan version and a master-plan
revision."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, Transition, register

from .models import CityPlanState as C
from .models import RevisionState as R

BDB = (Role.BDB_REVIEWER,)
GOV = (Role.GOV_APPROVER,)
UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)

CITY_PLAN = register(
    Machine(
        key="city_plan",
        label=_("市级规划版本"),
        model="planning.CityPlanVersion",
        states=C,
        initial=C.DRAFT,
        article="第六条",
        terminal=(C.SUPERSEDED,),
        transitions=(
            Transition(
                "submit", _("报市政府审批"), (C.DRAFT, C.RETURNED), C.SUBMITTED, BDB,
                "planning.city_plan.submit", "planning.submit_city_plan", "第六条", "R6.1",
            ),
            Transition(
                "approve", _("批准"), (C.SUBMITTED,), C.APPROVED, GOV,
                "planning.city_plan.approve", "planning.approve_city_plan", "第六条", "R6.1",
            ),
            Transition(
                "return", _("退回"), (C.SUBMITTED,), C.RETURNED, GOV,
                "", "planning.return_city_plan", "第六条", "R6.1",
            ),
            Transition(
                "supersede", _("被调整版本取代"), (C.APPROVED,), C.SUPERSEDED, GOV,
                "", "planning.approve_city_plan", "第六条", "R6.1",
            ),
        ),
    )
)  # fmt: skip

MASTER_PLAN = register(
    Machine(
        key="master_plan_revision",
        label=_("总体方案修订版"),
        model="planning.MasterPlanRevision",
        states=R,
        initial=R.DRAFT,
        article="第六条",
        terminal=(R.SUPERSEDED,),
        transitions=(
            Transition(
                "file", _("报备"), (R.DRAFT,), R.FILED, UNIT,
                "planning.master_plan.file", "planning.file_master_plan", "第六条", "R6.2",
            ),
            Transition(
                "supersede", _("被新报备版本取代"), (R.FILED,), R.SUPERSEDED, UNIT,
                "", "planning.file_master_plan", "第六条", "R6.3",
            ),
        ),
    )
)  # fmt: skip
