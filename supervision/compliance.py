"""What stands against a unit, a project or a system: the reads the rules, the pages, the
duties and the to-dos share (no user scoping here: callers load the subject for the user)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from core.findings import Finding
from policy.engine import GateContext, preview_gate
from policy.lookup import NoPolicyInForce, policy_in_force

from .models import (
    AWAITING_ANSWER,
    OPEN_AUDIT_STATES,
    OPEN_ORDER_STATES,
    OPEN_REQUEST_STATES,
    AuditFinding,
    RectificationOrder,
    RequestState,
    Sanction,
    SupervisionRequest,
    ViolationEntry,
    ViolationState,
)

# Art. 37: grades of an evaluation report that show problems to rectify (delivery records the
# grade as text: 优、良、中、差, or 合格/不合格)
PROBLEM_GRADES = ("中", "差", "较差", "不合格", "基本合格")


def _kind(subject: Any) -> str:
    return str(subject._meta.label_lower)


def subject_q(subject: Any) -> Q:
    """The records about ``subject``: a unit (all of its records), a project or a system."""
    label = _kind(subject)
    if label == "projects.project":
        return Q(project_id=subject.pk)
    if label == "catalog.informationsystem":
        return Q(system_id=subject.pk)
    return Q(unit_id=subject.pk)


def unit_of(subject: Any) -> Any:
    return subject if _kind(subject) == "accounts.organisation" else subject.unit


def unanswered_requests(subject: Any) -> QuerySet[SupervisionRequest]:
    """Requests refused, unanswered past their deadline or answered late (R34.1)."""
    findings = Q(state__in=(RequestState.REFUSED, RequestState.OVERDUE)) | Q(
        was_overdue=True, state__in=(RequestState.ANSWERED, RequestState.CLOSED)
    )
    return (
        SupervisionRequest.objects.filter(subject_q(subject))
        .filter(findings)
        .select_related("authority")
        .order_by("deadline")
    )


def pending_evaluations(subject: Any) -> list[Any]:
    """Evaluation results showing problems without a rectification order raised from them
    (R37.2)."""
    from investment.models import EvaluationResult

    label = _kind(subject)
    if label == "projects.project":
        results = EvaluationResult.objects.filter(project_id=subject.pk)
    elif label == "accounts.organisation":
        results = EvaluationResult.objects.filter(project__unit_id=subject.pk)
    else:
        return []
    results = results.filter(grade__in=PROBLEM_GRADES)
    ct = ContentType.objects.get_for_model(EvaluationResult)
    raised = set(
        RectificationOrder.objects.filter(
            source_type=ct, source_id__in=results.values("pk")
        ).values_list("source_id", flat=True)
    )
    return [r for r in results.order_by("completed_on") if r.pk not in raised]


def findings_against(subject: Any) -> list[Finding]:
    """The findings of the compliance gate about ``subject`` (none without a policy)."""
    try:
        policy = policy_in_force(unit_of(subject))
    except NoPolicyInForce:
        return []
    return preview_gate("supervision.compliance", GateContext(subject=subject, policy=policy))


@dataclass
class OpenRecords:
    """Everything open against a subject, for its pages and the API."""

    requests: list[SupervisionRequest] = field(default_factory=list)
    orders: list[RectificationOrder] = field(default_factory=list)
    sanctions: list[Sanction] = field(default_factory=list)
    audits: list[AuditFinding] = field(default_factory=list)
    violations: list[ViolationEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.requests
            or self.orders
            or self.sanctions
            or self.audits
            or self.violations
            or self.findings
        )


def open_records(subject: Any, user: Any) -> OpenRecords:
    """What is open against ``subject`` as ``user`` may see it."""
    cond = subject_q(subject)
    return OpenRecords(
        requests=list(
            SupervisionRequest.objects.for_user(user)
            .filter(cond, state__in=OPEN_REQUEST_STATES)
            .select_related("authority", "project", "system")
            .order_by("deadline")
        ),
        orders=list(
            RectificationOrder.objects.for_user(user)
            .filter(cond, state__in=OPEN_ORDER_STATES)
            .select_related("authority", "project", "system")
            .order_by("deadline")
        ),
        sanctions=list(_sanctions(subject, user)),
        audits=list(
            AuditFinding.objects.for_user(user)
            .filter(cond, state__in=OPEN_AUDIT_STATES)
            .select_related("authority", "project", "system")
        ),
        violations=list(
            ViolationEntry.objects.for_user(user)
            .filter(cond, state__in=(ViolationState.PROPOSED, ViolationState.CONFIRMED))
            .select_related("project", "system")
        ),
        findings=findings_against(subject),
    )


def _sanctions(subject: Any, user: Any) -> QuerySet[Sanction]:
    qs = Sanction.objects.for_user(user).in_force().select_related("authority", "project")
    if _kind(subject) == "projects.project":
        return qs.against(subject)
    if _kind(subject) == "catalog.informationsystem":
        return qs.filter(project__in=subject.projects.all())
    return qs.filter(unit_id=subject.pk)


def awaiting_unit(unit_ids: set[int]) -> dict[str, QuerySet[Any]]:
    """What the units' staff owe: answers, reports and responses."""
    from .models import AWAITING_REPORT, AuditState

    return {
        "requests": SupervisionRequest.objects.filter(
            unit_id__in=unit_ids, state__in=AWAITING_ANSWER
        ),
        "orders": RectificationOrder.objects.filter(
            unit_id__in=unit_ids, state__in=AWAITING_REPORT
        ),
        "audits": AuditFinding.objects.filter(unit_id__in=unit_ids, state=AuditState.OPEN),
    }
