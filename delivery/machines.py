"""The lifecycles of the delivery chapter (Art. 16, 22-24, 28-30): a project's delivery phase,
its completion acceptances, acceptance extensions, incidents and post-evaluations.

A project's suspension (Art. 24) is not a state of its own: it is ``Project.suspended_at``,
set and cleared by the incident transitions ``suspend`` and ``lift``, and the gates refuse
every advance while it is set (R24.1).

A failed acceptance is final, as it has always been on the platform: the project gets no O&M
funding (R28.4) and there is no second acceptance of the same project.
"""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.machines import Machine, register, transition

from .models import AcceptanceState as A
from .models import ExtensionState as E
from .models import IncidentState as I
from .models import Phase as P
from .models import PostEvaluationState as PE

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
BDB = (Role.BDB_REVIEWER,)
OVERSIGHT = (Role.DRC_OFFICER, Role.FINANCE_OFFICER)  # Art. 24
CONSULTANT = (Role.CONSULTANT,)

DELIVERY = register(Machine(
    "delivery", _("项目建设阶段"), "delivery.Delivery", P,
    field="phase", initial=P.PREPARING, article="第十六条", terminal=(P.ACCEPTED, P.FAILED), transitions=(
        transition("start", _("开工建设"), (P.PREPARING,), P.CONSTRUCTION, UNIT,
                   "R16.1", "delivery.start_construction", gate="delivery.start"),
        transition("trial", _("开始试运行"), (P.CONSTRUCTION,), P.TRIAL, UNIT,
                   "R23.1", "delivery.start_trial", gate="delivery.advance"),
        transition("complete", _("登记建成"), (P.CONSTRUCTION, P.TRIAL), P.COMPLETED, UNIT,
                   "R28.1", "delivery.complete_construction", gate="delivery.advance"),
        transition("accept", _("市大数据发展局验收通过"), (P.COMPLETED,), P.ACCEPTED, BDB,
                   "R28.1", "delivery.decide_acceptance", gate="delivery.acceptance_result"),
        transition("fail", _("市大数据发展局验收不通过"), (P.COMPLETED,), P.FAILED, BDB,
                   "R28.4", "delivery.decide_acceptance", gate="delivery.acceptance_result"),
        transition("file_accepted", _("建设单位验收通过并报备"), (P.COMPLETED,), P.ACCEPTED, UNIT,
                   "R28.1", "delivery.file_unit_acceptance", gate="delivery.acceptance"),
        transition("file_failed", _("建设单位验收不通过并报备"), (P.COMPLETED,), P.FAILED, UNIT,
                   "R28.4", "delivery.file_unit_acceptance", gate="delivery.acceptance"),
    ),
))  # fmt: skip

ACCEPTANCE = register(Machine(
    "acceptance", _("竣工验收"), "delivery.Acceptance", A,
    initial=A.APPLIED, article="第二十八条", terminal=(A.PASSED, A.FAILED), transitions=(
        transition("pass", _("验收通过"), (A.APPLIED,), A.PASSED, BDB,
                   "R28.1", "delivery.decide_acceptance", gate="delivery.acceptance_result"),
        transition("fail", _("验收不通过"), (A.APPLIED,), A.FAILED, BDB,
                   "R28.4", "delivery.decide_acceptance", gate="delivery.acceptance_result"),
        transition("file_pass", _("报备验收通过"), (A.APPLIED,), A.PASSED, UNIT,
                   "R28.1", "delivery.file_unit_acceptance", gate="delivery.acceptance"),
        transition("file_fail", _("报备验收不通过"), (A.APPLIED,), A.FAILED, UNIT,
                   "R28.4", "delivery.file_unit_acceptance", gate="delivery.acceptance"),
    ),
))  # fmt: skip

EXTENSION = register(Machine(
    "extension_request", _("验收延期申请"), "delivery.ExtensionRequest", E,
    initial=E.PENDING, article="第二十八条", terminal=(E.GRANTED, E.REFUSED), transitions=(
        transition("grant", _("同意延期"), (E.PENDING,), E.GRANTED, BDB, "R28.3", "delivery.decide_extension"),
        transition("refuse", _("不同意延期"), (E.PENDING,), E.REFUSED, BDB, "R28.3", "delivery.decide_extension"),
    ),
))  # fmt: skip

OPEN_INCIDENT = (I.REPORTED, I.RECTIFYING)

INCIDENT = register(Machine(
    "incident", _("重大事项"), "delivery.Incident", I,
    initial=I.REPORTED, article="第二十四条", terminal=(I.CLOSED,), transitions=(
        transition("rectify", _("责令限期整改"), OPEN_INCIDENT, I.RECTIFYING, OVERSIGHT, "R24.1", "delivery.order_rectification"),
        transition("suspend", _("暂停项目"), OPEN_INCIDENT, I.SUSPENDED, OVERSIGHT, "R24.1", "delivery.suspend_project"),
        transition("lift", _("解除暂停"), (I.SUSPENDED,), I.CLOSED, OVERSIGHT, "R24.1", "delivery.lift_suspension"),
        transition("close", _("确认整改完成"), OPEN_INCIDENT, I.CLOSED, OVERSIGHT, "R24.1", "delivery.close_incident"),
    ),
))  # fmt: skip

POST_EVALUATION = register(Machine(
    "post_evaluation", _("第三方后评价"), "delivery.PostEvaluation", PE,
    initial=PE.COMMISSIONED, article="第三十条", terminal=(PE.DONE,), transitions=(
        transition("submit", _("提交后评价结果"), (PE.COMMISSIONED,), PE.DONE, CONSULTANT, "R30.1", "delivery.submit_post_evaluation"),
    ),
))  # fmt: skip
