"""Read helpers of the delivery chapter: clock facts of a project, progress and investment
execution, the acceptance materials checklist and path. No state changes here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext_noop as N_

from accounts.scoping import for_user
from core.dates import today
from core.memo import Along, memoised, page_rows, project_may_have, read_along, rows_if_any
from investment.models import Contract, EvaluationKind, EvaluationResult, Payment
from investment.services import current_plan_version, plan_amounts
from policy.engine import GateContext
from policy.lookup import policy_in_force
from policy.paths import ApprovalPath, approval_path_for
from projects.models import Project

from .deadlines import ClockFacts, DueItem, due_items
from .models import (
    Acceptance,
    AcceptancePath,
    AnnualReport,
    Delivery,
    ExtensionRequest,
    ExtensionState,
    Incident,
    IncidentState,
    Milestone,
    SupervisorAssignment,
)

CLOCK_PARAMS = (
    "performance_report_due",
    "acceptance_window_months",
    "self_eval_start_months",
    "self_eval_end_months",
)

# Art. 28 ¶1: the materials of a completion acceptance. Classified systems never enter the
# platform (Art. 8), so the security assessment is the MLPS evaluation report and filing.
ACCEPTANCE_MATERIALS = {
    "construction_summary": N_("项目建设总结"),
    "financial_report": N_("财务报告"),
    "audit_report": N_("审计报告"),
    "mlps_report": N_("网络安全等级保护测评报告"),
    "mlps_filing": N_("网络安全等级保护备案情况"),
    "crypto_assessment": N_("密码应用安全性评估报告"),
    "data_dictionary": N_("数据字典"),
}
CLASSIFIED_SECURITY = {"secrecy_evaluation": N_("涉密信息系统安全保密测评报告")}


def visible_projects(user: Any) -> QuerySet[Project]:
    """The projects ``user`` sees in the delivery chapter. Supervisors (Art. 22) and
    post-evaluation consultants (Art. 30) are covered by the projects chapter's scoping."""
    return for_user(Project, user)


def incidents_of(project: Project) -> list[Incident]:
    """The project's incidents (Art. 24) in their usual order; read once per card (``core.memo``),
    where several actions offer to handle them."""

    def read() -> list[Incident]:
        rows = list(Incident.objects.filter(project=project))
        for row in rows:
            row.project = project  # the page's project, not one read per incident
        return rows

    return page_rows("incidents", project, read)


def evaluation_results_of(project: Project) -> list[EvaluationResult]:
    """The project's evaluation results (Art. 29, 37), newest first: read once per page
    (``core.memo``), where the clocks ask for the self-evaluations and the supervision
    chapter's rule R37.2 for the grades showing problems."""

    def read() -> list[EvaluationResult]:
        rows = list(
            EvaluationResult.objects.filter(project=project).order_by("-completed_on", "-pk")
        )
        for row in rows:
            row.project = project
        return rows

    return page_rows("evaluation_results", project, read)


def acceptances_of(project: Project) -> list[Acceptance]:
    """The project's acceptances (Art. 28): read once per card (``core.memo``), where the
    acceptance actions, the clocks and the duties each ask about them."""
    return page_rows(
        "acceptances", project, lambda: list(Acceptance.objects.filter(project=project))
    )


def delivery_of(project: Project) -> Delivery:
    """The project's delivery record, created (in 开工准备) when it has none yet."""
    delivery, _created = Delivery.objects.get_or_create(project=project)
    return delivery


def delivery_for(project: Project, *, lock: bool = False) -> Delivery:
    """The project's delivery record as an action sees it: locked (and created) for an
    execution; otherwise the stored one, or an unsaved one in 开工准备 before the first action.
    Kept on the project object so that the checks of one page ask once."""
    cached = getattr(project, "_delivery_row", None)
    if cached is not None and not lock:
        return cached
    if lock:
        row, _created = Delivery.objects.select_for_update().get_or_create(project=project)
    else:
        row = stored_delivery(project) or Delivery(project=project)
    project._delivery_row = row  # type: ignore[attr-defined]
    return row


def stored_delivery(project: Project) -> Delivery | None:
    """The project's stored delivery record, if any: read once per page (``core.memo``), where
    the card's checks, the rules of the start gate and the clocks each ask for it; the
    project page reads it with the project (``read_along`` below)."""
    return memoised(
        ("delivery", project.pk), lambda: Delivery.objects.filter(project=project).first()
    )


def has_contract(project: Project) -> bool:
    """Whether a procurement contract of the project is recorded (R16.1)."""
    return memoised(
        ("has_contract", project.pk), lambda: Contract.objects.filter(project=project).exists()
    )


def has_supervisor(project: Project) -> bool:
    """Whether an engineering supervisor is assigned to the project (R22.1)."""
    return memoised(
        ("supervisor_assigned", project.pk),
        lambda: SupervisorAssignment.objects.filter(project=project, is_active=True).exists(),
    )


# the project page reads these with its project (one query), for the card's checks and clocks
project_may_have("incidents", Incident)
project_may_have("evaluation_results", EvaluationResult)
project_may_have("acceptances", Acceptance)
project_may_have("annual_reports", AnnualReport)
project_may_have("open_milestones", Milestone, done_on=None)
read_along("projects.project", Along(key=lambda p: ("delivery", p.pk), relation="delivery"))
read_along(
    "projects.project",
    Along(
        key=lambda p: ("has_contract", p.pk),
        expression=lambda: Exists(Contract.objects.filter(project=OuterRef("pk"))),
    ),
)
read_along(
    "projects.project",
    Along(
        key=lambda p: ("supervisor_assigned", p.pk),
        expression=lambda: Exists(
            SupervisorAssignment.objects.filter(project=OuterRef("pk"), is_active=True)
        ),
    ),
)
read_along(
    "projects.project",
    Along(
        key=lambda p: ("extension_until", p.pk),
        expression=lambda: Subquery(_granted_extensions(OuterRef("pk"))[:1]),
    ),
)


def policy_params(project: Project) -> dict[str, Any]:
    """The policy parameters of the clocks (``deadlines.due_items``), typed."""
    p = policy_in_force(project.unit).p
    return {key: getattr(p, key) for key in CLOCK_PARAMS}


def extension_until(project: Project) -> dt.date | None:
    """The end of the latest extension BDB granted (Art. 28), if any."""
    return memoised(
        ("extension_until", project.pk), lambda: _granted_extensions(project.pk).first()
    )


def _granted_extensions(project: Any) -> QuerySet[Any]:
    return (
        ExtensionRequest.objects.filter(project=project, state=ExtensionState.GRANTED)
        .order_by("-requested_until")
        .values_list("requested_until", flat=True)
    )


def clock_facts(project: Project, delivery: Delivery | None = None) -> ClockFacts:
    if delivery is None:  # the card's report and the unit's deadlines ask alike: once a page
        return memoised(("clock_facts", project.pk), lambda: _clock_facts(project, None))
    return _clock_facts(project, delivery)


def _clock_facts(project: Project, delivery: Delivery | None) -> ClockFacts:
    delivery = delivery or stored_delivery(project) or Delivery(project=project)
    extension = extension_until(project)
    return ClockFacts(
        phase=delivery.phase,
        started_on=delivery.started_on,
        completed_on=delivery.completed_on,
        accepted_on=delivery.accepted_on,
        golive_on=delivery.golive_on,
        report_years=set(
            rows_if_any(
                "annual_reports",
                project,
                lambda: list(
                    AnnualReport.objects.filter(project=project).values_list("year", flat=True)
                ),
            )
        ),
        # Applying to BDB (or filing a unit-organised acceptance) in time meets the clock.
        acceptance_done=bool(acceptances_of(project)),
        extension_until=extension,
        self_evaluated_on=[
            r.completed_on for r in evaluation_results_of(project) if r.kind == EvaluationKind.SELF
        ],
        rectifications=[
            (i.pk, i.rectification_deadline)
            for i in incidents_of(project)
            if i.state == IncidentState.RECTIFYING and i.rectification_deadline is not None
        ],
    )


def project_due_items(project: Project, on: dt.date | None = None) -> list[DueItem]:
    return due_items(clock_facts(project), policy_params(project), on or today())


def acceptance_path_for(project: Project) -> str:
    """Art. 28 by the threshold of the policy in force (含本数 at or above)."""
    policy = project.policy or policy_in_force(project.unit)
    total = project.approved_total or project.total_investment
    if approval_path_for(total, policy) == ApprovalPath.TWO:
        return AcceptancePath.BDB
    return AcceptancePath.UNIT


def progress_percent(project: Project) -> Decimal:
    rows = list(Milestone.objects.filter(project=project).values_list("weight", "done_on"))
    total = sum(w for w, _d in rows)
    if not total:
        return Decimal("0.0")
    done = sum(w for w, d in rows if d is not None)
    return (Decimal(done) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def investment_execution(project: Project, year: int) -> tuple[Decimal, Decimal]:
    """(planned amount of the year's current plan, paid in that year)."""
    planned = plan_amounts(current_plan_version(year)).get(project.pk, Decimal("0.00"))
    paid = Payment.objects.filter(contract__project=project, paid_on__year=year).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0.00")
    return planned, paid


def delivery_context(project: Project, actor: Any = None, **facts: Any) -> GateContext:
    base = {"project_id": project.pk, "project_code": project.code, "today": today().isoformat()}
    base.update(facts)
    return GateContext(
        subject=project, policy=policy_in_force(project.unit), actor=actor, facts=base
    )
