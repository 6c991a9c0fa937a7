"""The supervision chapter (Art. 24, 34-38): requests for materials, rectification orders,
sanctions, audit findings and the register of violations."""

from .audit import AMOUNT_ASPECTS, OPEN_AUDIT_STATES, AuditAspect, AuditFinding, AuditState
from .base import Notice, Subject, SupervisionEvent, SupervisionQuerySet
from .orders import (
    AWAITING_REPORT,
    OPEN_ORDER_STATES,
    SANCTIONABLE,
    OrderSource,
    OrderState,
    RectificationOrder,
    orders_from,
    source_of,
)
from .requests import (
    AWAITING_ANSWER,
    OPEN_REQUEST_STATES,
    RequestPurpose,
    RequestState,
    SupervisionRequest,
)
from .sanctions import (
    LIFTABLE,
    DeferralScope,
    Sanction,
    SanctionKind,
    SanctionQuerySet,
    SanctionState,
)
from .violations import (
    FUNDS_KINDS,
    PersonRole,
    ResponsiblePerson,
    ViolationEntry,
    ViolationKind,
    ViolationOrigin,
    ViolationState,
)

__all__ = [
    "AMOUNT_ASPECTS",
    "AWAITING_ANSWER",
    "AWAITING_REPORT",
    "FUNDS_KINDS",
    "LIFTABLE",
    "OPEN_AUDIT_STATES",
    "OPEN_ORDER_STATES",
    "OPEN_REQUEST_STATES",
    "SANCTIONABLE",
    "AuditAspect",
    "AuditFinding",
    "AuditState",
    "DeferralScope",
    "Notice",
    "OrderSource",
    "OrderState",
    "PersonRole",
    "RectificationOrder",
    "RequestPurpose",
    "RequestState",
    "ResponsiblePerson",
    "Sanction",
    "SanctionKind",
    "SanctionQuerySet",
    "SanctionState",
    "Subject",
    "SupervisionEvent",
    "SupervisionQuerySet",
    "SupervisionRequest",
    "ViolationEntry",
    "ViolationKind",
    "ViolationOrigin",
    "ViolationState",
    "orders_from",
    "source_of",
]
