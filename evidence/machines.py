"""The lifecycle of the evidence chapter: a duplicate-collection finding (Art. 31, R31.2)."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, register, transition

from .models import FindingState as F

BDB = (Role.BDB_REVIEWER,)

COLLECTION_FINDING = register(Machine(
    "collection_finding", _("重复采集核查"), "evidence.CollectionFinding", F,
    initial=F.OPEN, article="第三十一条", transitions=(
        transition("confirm", _("认定为重复采集"), (F.OPEN,), F.CONFIRMED, BDB, "R31.2", "evidence.confirm_duplicate_collection"),
        transition("dismiss", _("排除"), (F.OPEN,), F.DISMISSED, BDB, "R31.2", "evidence.dismiss_duplicate_collection"),
        transition("reopen", _("重新认定"), (F.CONFIRMED, F.DISMISSED), F.OPEN, BDB, "R31.2", "evidence.reopen_duplicate_collection"),
        # the platform's rescan, after the item is no longer collected or is again
        transition("resolve", _("不再采集"), (F.OPEN, F.CONFIRMED, F.DISMISSED), F.RESOLVED, BDB, "R31.2"),
        transition("recur", _("再次采集"), (F.RESOLVED,), F.OPEN, BDB, "R31.2"),
    ),
))  # fmt: skip
