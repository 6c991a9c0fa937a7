"""What stands against a unit, a project or a system: the reads the rules, the pages, the
duties and the to-dos share (no user scoping here: callers load the subject for the user)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from core.findings import Finding
from core.memo import page_rows, project_may_have, rows_if_any
from delivery.services import evaluation_results_of
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
from .visibility import reads_all

# the project page reads with its project whether it has any of these (core.memo): most have
# none, and then their reads cost nothing
project_may_have("supervision_requests", SupervisionRequest)
project_may_have("rectification_orders", RectificationOrder)
project_may_have("audit_findings", AuditFinding)
project_may_have("violation_entries", ViolationEntry)

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


def project_requests(project: Any) -> list[SupervisionRequest]:
    """Every request about ``project``, soonest deadline first: read once per page
    (``core.memo``), where the panel, the unit's deadlines and the rule R34.1 each ask."""
    return page_rows(
        "supervision_requests",
        project,
        lambda: _of_project(SupervisionRequest.objects.filter(project_id=project.pk), project),
    )


def project_orders(project: Any) -> list[RectificationOrder]:
    """Every rectification order about ``project``, soonest deadline first: read once per
    page (``core.memo``), where the panel and the unit's deadlines each ask."""
    return page_rows(
        "rectification_orders",
        project,
        lambda: _of_project(RectificationOrder.objects.filter(project_id=project.pk), project),
    )


def _of_project(qs: QuerySet, project: Any) -> list[Any]:
    rows = list(qs.select_related("unit", "system", "authority").order_by("deadline", "pk"))
    for row in rows:
        row.project = project  # the page's project, not one read per record
    return rows


def _is_unanswered(req: SupervisionRequest) -> bool:
    """``unanswered_requests``'s condition, of one request already read."""
    return req.state in (RequestState.REFUSED, RequestState.OVERDUE) or (
        req.was_overdue and req.state in (RequestState.ANSWERED, RequestState.CLOSED)
    )


def unanswered_requests_of(subject: Any) -> list[SupervisionRequest]:
    """``unanswered_requests`` as a list: a project's from its requests read for the page."""
    if _kind(subject) == "projects.project":
        return [r for r in project_requests(subject) if _is_unanswered(r)]
    return list(unanswered_requests(subject))


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
    if label == "projects.project":  # from the results the page's clocks read too
        return _pending([r for r in evaluation_results_of(subject) if r.grade in PROBLEM_GRADES])
    if label == "accounts.organisation":
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


def _pending(results: list[Any]) -> list[Any]:
    """Those of ``results`` (read) that no rectification order was raised from, oldest first."""
    from investment.models import EvaluationResult

    if not results:
        return []
    ct = ContentType.objects.get_for_model(EvaluationResult)
    raised = set(
        RectificationOrder.objects.filter(
            source_type=ct, source_id__in=[r.pk for r in results]
        ).values_list("source_id", flat=True)
    )
    pending = [r for r in results if r.pk not in raised]
    return sorted(pending, key=lambda r: (r.completed_on, r.pk))


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


def _seen(rows: list[Any], user: Any) -> list[Any]:
    """Those of ``rows`` (records of one model) that ``user`` may see (``for_user``): one
    query, and none when there are none or the user reads every record."""
    if not rows or reads_all(user):
        return rows
    model = type(rows[0])
    seen = set(
        model.objects.for_user(user)
        .filter(pk__in=[r.pk for r in rows])
        .values_list("pk", flat=True)
    )
    return [r for r in rows if r.pk in seen]


def open_records(subject: Any, user: Any) -> OpenRecords:
    """What is open against ``subject`` as ``user`` may see it."""
    from .effects import sanctions_against

    cond = subject_q(subject)
    if _kind(subject) == "projects.project":  # from the reads the card shares
        requests = [r for r in project_requests(subject) if r.state in OPEN_REQUEST_STATES]
        orders = [o for o in project_orders(subject) if o.state in OPEN_ORDER_STATES]
        sanctions = sanctions_against(subject)  # in force, read for the card's guards
        records = OpenRecords(
            requests=_seen(requests, user),
            orders=_seen(orders, user),
            sanctions=_seen(sanctions, user),
        )
    else:
        records = OpenRecords(
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
        )
    records.audits = rows_if_any(
        "audit_findings",
        subject,
        lambda: list(
            AuditFinding.objects.for_user(user)
            .filter(cond, state__in=OPEN_AUDIT_STATES)
            .select_related("authority", "project", "system")
        ),
    )
    records.violations = rows_if_any(
        "violation_entries",
        subject,
        lambda: list(
            ViolationEntry.objects.for_user(user)
            .filter(cond, state__in=(ViolationState.PROPOSED, ViolationState.CONFIRMED))
            .select_related("project", "system")
        ),
    )
    records.findings = findings_against(subject)
    return records


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
