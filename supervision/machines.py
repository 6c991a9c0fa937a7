"""The lifecycles of the supervision chapter (Art. 34-38): a request for materials, a
rectification order, a sanction, an audit finding and an entry of the register of violations.

The deadline sweep (``supervision.sweep``) takes the ``lapse`` transitions when a deadline
passes; the issuing authority can record the same itself (``record_*_overdue``)."""

from django.utils.translation import gettext_lazy as _

from core.machines import Machine, Transition, register

from .authorities import AUDITORS, ORDERERS, REQUESTERS, SANCTIONERS, UNIT
from .models import AuditState as A
from .models import OrderState as O
from .models import RequestState as Q
from .models import SanctionState as S
from .models import ViolationState as V

REQUEST = register(
    Machine(
        key="supervision_request",
        label=_("资料和情况提供要求"),
        model="supervision.SupervisionRequest",
        states=Q,
        initial=Q.ISSUED,
        article="第三十四条",
        terminal=(Q.CLOSED, Q.WITHDRAWN, Q.REFUSED),
        transitions=(
            Transition(
                "answer", _("如实提供"), (Q.ISSUED, Q.OVERDUE), Q.ANSWERED, UNIT,
                "supervision.request.answer", "supervision.answer_request", "第三十四条", "R34.1",
            ),
            Transition(
                "decline", _("拒绝提供"), (Q.ISSUED, Q.OVERDUE), Q.REFUSED, UNIT,
                "", "supervision.decline_request", "第三十四条", "R34.1",
            ),
            Transition(
                "lapse", _("逾期未答复"), (Q.ISSUED,), Q.OVERDUE, REQUESTERS,
                "", "supervision.record_request_overdue", "第三十四条", "R34.1",
            ),
            Transition(
                "accept", _("办结"), (Q.ANSWERED,), Q.CLOSED, REQUESTERS,
                "", "supervision.accept_answer", "第三十四条", "R34.1",
            ),
            Transition(
                "return", _("要求补充"), (Q.ANSWERED,), Q.ISSUED, REQUESTERS,
                "", "supervision.return_answer", "第三十四条", "R34.1",
            ),
            Transition(
                "withdraw", _("撤回"), (Q.ISSUED,), Q.WITHDRAWN, REQUESTERS,
                "", "supervision.withdraw_request", "第三十四条", "R34.1",
            ),
        ),
    )
)  # fmt: skip

ORDER = register(
    Machine(
        key="rectification_order",
        label=_("整改通知"),
        model="supervision.RectificationOrder",
        states=O,
        initial=O.ISSUED,
        article="第三十五条",
        terminal=(O.RECTIFIED, O.WITHDRAWN),
        transitions=(
            Transition(
                "report", _("报告整改情况"), (O.ISSUED, O.OVERDUE), O.REPORTED, UNIT,
                "", "supervision.report_rectification", "第三十五条", "R35.1",
            ),
            Transition(
                "lapse", _("逾期未整改"), (O.ISSUED,), O.OVERDUE, ORDERERS,
                "", "supervision.record_rectification_overdue", "第三十五条", "R35.1",
            ),
            Transition(
                "verify_done", _("核查：整改到位"), (O.REPORTED,), O.RECTIFIED, ORDERERS,
                "", "supervision.verify_rectified", "第三十五条", "R35.1",
            ),
            Transition(
                "verify_failed", _("核查：整改不到位"), (O.REPORTED,), O.FAILED, ORDERERS,
                "", "supervision.verify_not_rectified", "第三十五条", "R35.1",
            ),
            Transition(
                "extend", _("再次限期整改"), (O.OVERDUE, O.FAILED), O.ISSUED, ORDERERS,
                "", "supervision.extend_rectification", "第三十五条", "R35.1",
            ),
            Transition(
                "withdraw", _("撤销"), (O.ISSUED,), O.WITHDRAWN, ORDERERS,
                "", "supervision.withdraw_order", "第三十五条", "R35.2",
            ),
        ),
    )
)  # fmt: skip

SANCTION = register(
    Machine(
        key="sanction",
        label=_("处理决定"),
        model="supervision.Sanction",
        states=S,
        initial=S.IN_FORCE,
        article="第三十五条",
        terminal=(S.LIFTED,),
        transitions=(
            Transition(
                "lift", _("解除"), (S.IN_FORCE,), S.LIFTED, SANCTIONERS,
                "", "supervision.lift_sanction", "第三十五条", "R35.1",
            ),
        ),
    )
)  # fmt: skip

AUDIT = register(
    Machine(
        key="audit_finding",
        label=_("审计发现"),
        model="supervision.AuditFinding",
        states=A,
        initial=A.OPEN,
        article="第三十六条",
        terminal=(A.CLOSED,),
        transitions=(
            Transition(
                "respond", _("回应"), (A.OPEN,), A.RESPONDED, UNIT,
                "", "supervision.respond_to_audit_finding", "第三十六条", "R36.1",
            ),
            Transition(
                "close", _("跟踪办结"), (A.OPEN, A.RESPONDED), A.CLOSED, AUDITORS,
                "", "supervision.close_audit_finding", "第三十六条", "R36.1",
            ),
        ),
    )
)  # fmt: skip

VIOLATION = register(
    Machine(
        key="violation_entry",
        label=_("违规行为登记"),
        model="supervision.ViolationEntry",
        states=V,
        initial=V.PROPOSED,
        article="第三十八条",
        terminal=(V.DISMISSED, V.CONCLUDED),
        transitions=(
            Transition(
                "confirm", _("确认"), (V.PROPOSED,), V.CONFIRMED, ORDERERS,
                "", "supervision.confirm_violation", "第三十八条", "R38.1",
            ),
            Transition(
                "dismiss", _("排除"), (V.PROPOSED,), V.DISMISSED, ORDERERS,
                "", "supervision.dismiss_violation", "第三十八条", "R38.1",
            ),
            Transition(
                "conclude", _("登记处理结果"), (V.CONFIRMED,), V.CONCLUDED, ORDERERS,
                "supervision.violation.conclude", "supervision.record_violation_outcome",
                "第三十八条", "R38.1",
            ),
        ),
    )
)  # fmt: skip
