"""The lifecycles of the planning chapter (Art. 6): a city-plan version and a master-plan
revision."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, register, transition

from .models import CityPlanState as C
from .models import RevisionState as R

BDB = (Role.BDB_REVIEWER,)
GOV = (Role.GOV_APPROVER,)
UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)

CITY_PLAN = register(Machine(
    "city_plan", _("市级规划版本"), "planning.CityPlanVersion", C,
    initial=C.DRAFT, article="第六条", terminal=(C.SUPERSEDED,), transitions=(
        transition("submit", _("报市政府审批"), (C.DRAFT, C.RETURNED), C.SUBMITTED, BDB,
                   "R6.1", "planning.submit_city_plan", gate="planning.city_plan.submit"),
        transition("approve", _("批准"), (C.SUBMITTED,), C.APPROVED, GOV,
                   "R6.1", "planning.approve_city_plan", gate="planning.city_plan.approve"),
        transition("return", _("退回"), (C.SUBMITTED,), C.RETURNED, GOV,
                   "R6.1", "planning.return_city_plan"),
        transition("supersede", _("被调整版本取代"), (C.APPROVED,), C.SUPERSEDED, GOV,
                   "R6.1", "planning.approve_city_plan"),
    ),
))  # fmt: skip

MASTER_PLAN = register(Machine(
    "master_plan_revision", _("总体方案修订版"), "planning.MasterPlanRevision", R,
    initial=R.DRAFT, article="第六条", terminal=(R.SUPERSEDED,), transitions=(
        transition("file", _("报备"), (R.DRAFT,), R.FILED, UNIT, "R6.2", "planning.file_master_plan", gate="planning.master_plan.file"),
        transition("supersede", _("被新报备版本取代"), (R.FILED,), R.SUPERSEDED, UNIT, "R6.3", "planning.file_master_plan"),
    ),
))  # fmt: skip
