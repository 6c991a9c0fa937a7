"""The lifecycles of the supervision chapter (Art. 34-38): a request for materials, a
rectification order, a sanction, an audit finding and an entry of the register of violations.

The deadline sweep (``supervision.sweep``) takes the ``lapse`` transitions when a deadline
passes; the issuing authority can record the same itself (``record_*_overdue``)."""

from django.utils.translation import gettext_lazy as _

from core.machines import Machine, register, transition

from .authorities import AUDITORS, ORDERERS, REQUESTERS, SANCTIONERS, UNIT
from .models import AuditState as A
from .models import OrderState as O
from .models import RequestState as Q
from .models import SanctionState as S
from .models import ViolationState as V

REQUEST = register(Machine(
    "supervision_request", _("资料和情况提供要求"), "supervision.SupervisionRequest", Q,
    initial=Q.ISSUED, article="第三十四条", terminal=(Q.CLOSED, Q.WITHDRAWN, Q.REFUSED), transitions=(
        transition("answer", _("如实提供"), (Q.ISSUED, Q.OVERDUE), Q.ANSWERED, UNIT,
                   "R34.1", "supervision.answer_request", gate="supervision.request.answer"),
        transition("decline", _("拒绝提供"), (Q.ISSUED, Q.OVERDUE), Q.REFUSED, UNIT,
                   "R34.1", "supervision.decline_request"),
        transition("lapse", _("逾期未答复"), (Q.ISSUED,), Q.OVERDUE, REQUESTERS,
                   "R34.1", "supervision.record_request_overdue"),
        transition("accept", _("办结"), (Q.ANSWERED,), Q.CLOSED, REQUESTERS,
                   "R34.1", "supervision.accept_answer"),
        transition("return", _("要求补充"), (Q.ANSWERED,), Q.ISSUED, REQUESTERS,
                   "R34.1", "supervision.return_answer"),
        transition("withdraw", _("撤回"), (Q.ISSUED,), Q.WITHDRAWN, REQUESTERS,
                   "R34.1", "supervision.withdraw_request"),
    ),
))  # fmt: skip

ORDER = register(Machine(
    "rectification_order", _("整改通知"), "supervision.RectificationOrder", O,
    initial=O.ISSUED, article="第三十五条", terminal=(O.RECTIFIED, O.WITHDRAWN), transitions=(
        transition("report", _("报告整改情况"), (O.ISSUED, O.OVERDUE), O.REPORTED, UNIT, "R35.1", "supervision.report_rectification"),
        transition("lapse", _("逾期未整改"), (O.ISSUED,), O.OVERDUE, ORDERERS, "R35.1", "supervision.record_rectification_overdue"),
        transition("verify_done", _("核查：整改到位"), (O.REPORTED,), O.RECTIFIED, ORDERERS, "R35.1", "supervision.verify_rectified"),
        transition("verify_failed", _("核查：整改不到位"), (O.REPORTED,), O.FAILED, ORDERERS, "R35.1", "supervision.verify_not_rectified"),
        transition("extend", _("再次限期整改"), (O.OVERDUE, O.FAILED), O.ISSUED, ORDERERS, "R35.1", "supervision.extend_rectification"),
        transition("withdraw", _("撤销"), (O.ISSUED,), O.WITHDRAWN, ORDERERS, "R35.2", "supervision.withdraw_order"),
    ),
))  # fmt: skip

SANCTION = register(Machine(
    "sanction", _("处理决定"), "supervision.Sanction", S,
    initial=S.IN_FORCE, article="第三十五条", terminal=(S.LIFTED,), transitions=(
        transition("lift", _("解除"), (S.IN_FORCE,), S.LIFTED, SANCTIONERS, "R35.1", "supervision.lift_sanction"),
    ),
))  # fmt: skip

AUDIT = register(Machine(
    "audit_finding", _("审计发现"), "supervision.AuditFinding", A,
    initial=A.OPEN, article="第三十六条", terminal=(A.CLOSED,), transitions=(
        transition("respond", _("回应"), (A.OPEN,), A.RESPONDED, UNIT, "R36.1", "supervision.respond_to_audit_finding"),
        transition("close", _("跟踪办结"), (A.OPEN, A.RESPONDED), A.CLOSED, AUDITORS, "R36.1", "supervision.close_audit_finding"),
    ),
))  # fmt: skip

VIOLATION = register(Machine(
    "violation_entry", _("违规行为登记"), "supervision.ViolationEntry", V,
    initial=V.PROPOSED, article="第三十八条", terminal=(V.DISMISSED, V.CONCLUDED), transitions=(
        transition("confirm", _("确认"), (V.PROPOSED,), V.CONFIRMED, ORDERERS,
                   "R38.1", "supervision.confirm_violation"),
        transition("dismiss", _("排除"), (V.PROPOSED,), V.DISMISSED, ORDERERS,
                   "R38.1", "supervision.dismiss_violation"),
        transition("conclude", _("登记处理结果"), (V.CONFIRMED,), V.CONCLUDED, ORDERERS,
                   "R38.1", "supervision.record_violation_outcome", gate="supervision.violation.conclude"),
    ),
))  # fmt: skip
