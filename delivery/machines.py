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
from core.machines import Machine, Transition, register

from .models import AcceptanceState as A
from .models import ExtensionState as E
from .models import IncidentState as I
from .models import Phase as P
from .models import PostEvaluationState as PE

UNIT = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
BDB = (Role.BDB_REVIEWER,)
OVERSIGHT = (Role.DRC_OFFICER, Role.FINANCE_OFFICER)  # Art. 24
CONSULTANT = (Role.CONSULTANT,)

DELIVERY = register(
    Machine(
        key="delivery",
        label=_("项目建设阶段"),
        model="delivery.Delivery",
        states=P,
        field="phase",
        initial=P.PREPARING,
        article="第十六条",
        terminal=(P.ACCEPTED, P.FAILED),
        transitions=(
            Transition(
                "start", _("开工建设"), (P.PREPARING,), P.CONSTRUCTION, UNIT,
                "delivery.start", "delivery.start_construction", "第十六条", "R16.1",
            ),
            Transition(
                "trial", _("开始试运行"), (P.CONSTRUCTION,), P.TRIAL, UNIT,
                "delivery.advance", "delivery.start_trial", "第二十三条", "R23.1",
            ),
            Transition(
                "complete", _("登记建成"), (P.CONSTRUCTION, P.TRIAL), P.COMPLETED, UNIT,
                "delivery.advance", "delivery.complete_construction", "第二十八条", "R28.1",
            ),
            Transition(
                "accept", _("市大数据发展局验收通过"), (P.COMPLETED,), P.ACCEPTED, BDB,
                "delivery.acceptance_result", "delivery.decide_acceptance", "第二十八条", "R28.1",
            ),
            Transition(
                "fail", _("市大数据发展局验收不通过"), (P.COMPLETED,), P.FAILED, BDB,
                "delivery.acceptance_result", "delivery.decide_acceptance", "第二十八条", "R28.4",
            ),
            Transition(
                "file_accepted", _("建设单位验收通过并报备"), (P.COMPLETED,), P.ACCEPTED, UNIT,
                "delivery.acceptance", "delivery.file_unit_acceptance", "第二十八条", "R28.1",
            ),
            Transition(
                "file_failed", _("建设单位验收不通过并报备"), (P.COMPLETED,), P.FAILED, UNIT,
                "delivery.acceptance", "delivery.file_unit_acceptance", "第二十八条", "R28.4",
            ),
        ),
    )
)  # fmt: skip

ACCEPTANCE = register(
    Machine(
        key="acceptance",
        label=_("竣工验收"),
        model="delivery.Acceptance",
        states=A,
        initial=A.APPLIED,
        article="第二十八条",
        terminal=(A.PASSED, A.FAILED),
        transitions=(
            Transition(
                "pass", _("验收通过"), (A.APPLIED,), A.PASSED, BDB,
                "delivery.acceptance_result", "delivery.decide_acceptance", "第二十八条", "R28.1",
            ),
            Transition(
                "fail", _("验收不通过"), (A.APPLIED,), A.FAILED, BDB,
                "delivery.acceptance_result", "delivery.decide_acceptance", "第二十八条", "R28.4",
            ),
            Transition(
                "file_pass", _("报备验收通过"), (A.APPLIED,), A.PASSED, UNIT,
                "delivery.acceptance", "delivery.file_unit_acceptance", "第二十八条", "R28.1",
            ),
            Transition(
                "file_fail", _("报备验收不通过"), (A.APPLIED,), A.FAILED, UNIT,
                "delivery.acceptance", "delivery.file_unit_acceptance", "第二十八条", "R28.4",
            ),
        ),
    )
)  # fmt: skip

EXTENSION = register(
    Machine(
        key="extension_request",
        label=_("验收延期申请"),
        model="delivery.ExtensionRequest",
        states=E,
        initial=E.PENDING,
        article="第二十八条",
        terminal=(E.GRANTED, E.REFUSED),
        transitions=(
            Transition(
                "grant", _("同意延期"), (E.PENDING,), E.GRANTED, BDB,
                "", "delivery.decide_extension", "第二十八条", "R28.3",
            ),
            Transition(
                "refuse", _("不同意延期"), (E.PENDING,), E.REFUSED, BDB,
                "", "delivery.decide_extension", "第二十八条", "R28.3",
            ),
        ),
    )
)  # fmt: skip

OPEN_INCIDENT = (I.REPORTED, I.RECTIFYING)

INCIDENT = register(
    Machine(
        key="incident",
        label=_("重大事项"),
        model="delivery.Incident",
        states=I,
        initial=I.REPORTED,
        article="第二十四条",
        terminal=(I.CLOSED,),
        transitions=(
            Transition(
                "rectify", _("责令限期整改"), OPEN_INCIDENT, I.RECTIFYING, OVERSIGHT,
                "", "delivery.order_rectification", "第二十四条", "R24.1",
            ),
            Transition(
                "suspend", _("暂停项目"), OPEN_INCIDENT, I.SUSPENDED, OVERSIGHT,
                "", "delivery.suspend_project", "第二十四条", "R24.1",
            ),
            Transition(
                "lift", _("解除暂停"), (I.SUSPENDED,), I.CLOSED, OVERSIGHT,
                "", "delivery.lift_suspension", "第二十四条", "R24.1",
            ),
            Transition(
                "close", _("确认整改完成"), OPEN_INCIDENT, I.CLOSED, OVERSIGHT,
                "", "delivery.close_incident", "第二十四条", "R24.1",
            ),
        ),
    )
)  # fmt: skip

POST_EVALUATION = register(
    Machine(
        key="post_evaluation",
        label=_("第三方后评价"),
        model="delivery.PostEvaluation",
        states=PE,
        initial=PE.COMMISSIONED,
        article="第三十条",
        terminal=(PE.DONE,),
        transitions=(
            Transition(
                "submit", _("提交后评价结果"), (PE.COMMISSIONED,), PE.DONE, CONSULTANT,
                "", "delivery.submit_post_evaluation", "第三十条", "R30.1",
            ),
        ),
    )
)  # fmt: skip
