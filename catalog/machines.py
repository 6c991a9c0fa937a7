"""The lifecycles of the catalog chapter: the Art. 31 approval of an isolated network (孤网), a
sharing request between units (Art. 14) and a run of the O&M funding decision (Art. 28, 31-33).

A system's operating status (建设中, 试运行, 运行, 停用, 已整合, 已下线) is not among them: the
measures attach no act, actor or condition to it. It is a fact of the catalog the unit reports
(or acceptance records, Art. 15) and a spreadsheet may carry; what the measures regulate about
a system is its isolation (Art. 31) and its integration, which only BDB determines (Art. 33).
"""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, register, transition

from .models import IsolationState as I
from .models import OMRunState as O
from .models import SharingState as S

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
BDB = (Role.BDB_REVIEWER,)
GOV = (Role.GOV_APPROVER,)
EDITORS = (*UNIT, Role.BDB_REVIEWER)  # who edit a catalog entry (its unit, or BDB curating)
DECIDERS = (Role.FINANCE_OFFICER, Role.BDB_REVIEWER)
ISOLATED = (I.AWAITING_BDB, I.AWAITING_GOV, I.APPROVED, I.REFUSED)

SYSTEM_ISOLATION = register(Machine(
    "system_isolation", _("孤网审批"), "catalog.InformationSystem", I,
    field="isolation_state", initial=I.NOT_NEEDED, article="第三十一条", transitions=(
        transition("declare", _("登记为孤网"), (I.NOT_NEEDED,), I.AWAITING_BDB, EDITORS, "R31.1", "catalog.register_system"),
        transition("isolate", _("改为孤网"), (I.NOT_NEEDED,), I.AWAITING_BDB, EDITORS, "R31.1", "catalog.update_system"),
        transition("rejoin", _("接入网络"), ISOLATED, I.NOT_NEEDED, EDITORS, "R31.1", "catalog.update_system"),
        transition("bdb_agree", _("市大数据发展局初审同意"), (I.AWAITING_BDB,), I.AWAITING_GOV, BDB, "R31.1", "catalog.review_isolation"),
        transition("bdb_refuse", _("市大数据发展局初审不同意"), (I.AWAITING_BDB,), I.REFUSED, BDB, "R31.1", "catalog.review_isolation"),
        transition("gov_approve", _("市政府批准保留孤网"), (I.AWAITING_GOV,), I.APPROVED, GOV, "R31.1", "catalog.review_isolation"),
        transition("gov_refuse", _("市政府不予批准"), (I.AWAITING_GOV,), I.REFUSED, GOV, "R31.1", "catalog.review_isolation"),
        transition("resubmit", _("重新报请孤网审批"), (I.REFUSED,), I.AWAITING_BDB, UNIT, "R31.1", "catalog.resubmit_isolation"),
    ),
))  # fmt: skip

SHARING_REQUEST = register(Machine(
    "sharing_request", _("共享申请"), "catalog.SharingRequest", S,
    initial=S.PENDING, article="第十四条", terminal=(S.GRANTED, S.REFUSED), transitions=(
        transition("grant", _("同意共享"), (S.PENDING,), S.GRANTED, UNIT, "R14.4", "catalog.answer_sharing"),
        transition("refuse", _("不予共享"), (S.PENDING,), S.REFUSED, UNIT, "R14.4", "catalog.answer_sharing"),
    ),
))  # fmt: skip

OM_RUN = register(Machine(
    "om_run", _("运维经费决定批次"), "catalog.OMRun", O,
    initial=O.RUNNING, article="第三十一条", terminal=(O.DECIDED, O.FAILED), transitions=(
        transition("decide", _("逐系统判定完成"), (O.RUNNING,), O.DECIDED, DECIDERS, "R31.3", "catalog.decide_om_funding"),
        transition("fail", _("判定失败"), (O.RUNNING,), O.FAILED, DECIDERS, "R31.3", "catalog.decide_om_funding"),
    ),
))  # fmt: skip
