"""The lifecycle of the evidence chapter: a duplicate-collection finding (Art. 31, R31.2)."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, Transition, register

from .models import FindingState as F

BDB = (Role.BDB_REVIEWER,)

COLLECTION_FINDING = register(
    Machine(
        key="collection_finding",
        label=_("重复采集核查"),
        model="evidence.CollectionFinding",
        states=F,
        initial=F.OPEN,
        article="第三十一条",
        transitions=(
            Transition(
                "confirm", _("认定为重复采集"), (F.OPEN,), F.CONFIRMED, BDB,
                "", "evidence.confirm_duplicate_collection", "第三十一条", "R31.2",
            ),
            Transition(
                "dismiss", _("排除"), (F.OPEN,), F.DISMISSED, BDB,
                "", "evidence.dismiss_duplicate_collection", "第三十一条", "R31.2",
            ),
            Transition(
                "reopen", _("重新认定"), (F.CONFIRMED, F.DISMISSED), F.OPEN, BDB,
                "", "evidence.reopen_duplicate_collection", "第三十一条", "R31.2",
            ),
            # the platform's rescan, after the item is no longer collected or is again
            Transition(
                "resolve", _("不再采集"), (F.OPEN, F.CONFIRMED, F.DISMISSED), F.RESOLVED, BDB,
                "", "", "第三十一条", "R31.2",
            ),
            Transition(
                "recur", _("再次采集"), (F.RESOLVED,), F.OPEN, BDB,
                "", "", "第三十一条", "R31.2",
            ),
        ),
    )
)  # fmt: skip
