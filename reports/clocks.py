"""The statutory clocks of ``delivery.deadlines`` in SQL: which are overdue on a day, per project
(an annotation) and for a whole portfolio (one aggregate), so a dashboard counts 100,000
projects without loading their facts one by one.

The rules are those of ``delivery.deadlines.due_items`` (a test compares both over the demo
city): an annual performance report for each year from the start of construction until the
project was completed, due on the policy's month-day (Art. 23); the completion acceptance within
the policy's months of completion, or by the end of a granted extension (Art. 28); the
self-evaluation within its window after acceptance and go-live (Art. 30); a rectification by its
deadline (Art. 24). The clocks run for approved projects whose delivery phase is one of
``delivery.clocks.CLOCK_PHASES``, like the calendar's. The parameters are the municipal
policy's in force (districts' policies give the clocks the same values today).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, Greatest, Least

from delivery.models import (
    Acceptance,
    AnnualReport,
    ExtensionRequest,
    ExtensionState,
    Incident,
    IncidentState,
    Phase,
)
from investment.models import EvaluationKind, EvaluationResult
from policy.parameters import PolicyParams
from projects.models import Project, ProjectState

# the phases in which the calendar's clocks run (``delivery.clocks.CLOCK_PHASES``; a test keeps
# them equal)
CLOCK_PHASES = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED, Phase.ACCEPTED, Phase.FAILED)
KINDS = ("annual_report", "acceptance", "self_evaluation", "rectification")
REPORT_PHASES = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED, Phase.ACCEPTED)
ZERO = Value(0)


class AddMonths(Func):
    """``date + n months``, the day clamped to the month's end (Aug 31 + 6 = Feb 28/29), like
    ``core.dates.add_months``; ``n`` is an integer of the policy, written into the SQL."""

    output_field = DateField()

    def __init__(self, expression: Any, months: int) -> None:
        super().__init__(expression)
        self.months = int(months)

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # PostgreSQL
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + interval '{self.months} months')::date", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        n = self.months
        shifted = (
            f"date({sql}, 'start of month', '{n:+d} months', "
            f"'+' || (CAST(strftime('%%d', {sql}) AS INTEGER) - 1) || ' days')"
        )
        month_end = f"date({sql}, 'start of month', '{n + 1:+d} months', '-1 day')"
        return f"min({shifted}, {month_end})", [*params, *params, *params]


def clock_projects(qs: QuerySet[Project]) -> QuerySet[Project]:
    """The projects whose clocks run (the calendar's)."""
    return qs.filter(state=ProjectState.APPROVED, delivery__phase__in=CLOCK_PHASES)


def last_report_year(on: dt.date, p: PolicyParams) -> int:
    """The last year whose report due date has passed on ``on``."""
    month, day = p.performance_report_due
    return on.year if on > dt.date(on.year, month, day) else on.year - 1


def _report_window(on: dt.date, p: PolicyParams) -> dict[str, Any]:
    """Annotations: the first and last year whose report is overdue unless filed."""
    month, day = p.performance_report_due
    last = last_report_year(on, p)
    completed = "delivery__completed_on"
    completed_year = ExtractYear(completed)
    # completed on or after the due date of its year: that year still reports
    reports_that_year = Q(**{f"{completed}__month__gt": month}) | Q(
        **{f"{completed}__month": month, f"{completed}__day__gte": day}
    )
    upper = Case(
        When(**{f"{completed}__isnull": True}, then=Value(last)),
        When(reports_that_year, then=Least(completed_year, Value(last))),
        default=Least(completed_year - 1, Value(last)),
        output_field=IntegerField(),
    )
    return {"_r_first": ExtractYear("delivery__started_on"), "_r_last": upper}


def _reporting(qs: QuerySet[Project]) -> QuerySet[Project]:
    return qs.filter(delivery__phase__in=REPORT_PHASES, delivery__started_on__isnull=False)


def annual_reports_overdue(qs: QuerySet[Project], on: dt.date, p: PolicyParams) -> QuerySet:
    """``qs`` annotated with ``reports_overdue`` (overdue annual reports of each project)."""
    windowed = qs.annotate(**_report_window(on, p))
    filed = (
        AnnualReport.objects.filter(
            project=OuterRef("pk"), year__gte=OuterRef("_r_first"), year__lte=OuterRef("_r_last")
        )
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    due = Greatest(F("_r_last") - F("_r_first") + 1, ZERO)
    reporting = Q(delivery__phase__in=REPORT_PHASES, delivery__started_on__isnull=False)
    return windowed.annotate(
        reports_overdue=Case(
            When(
                reporting, then=due - Coalesce(Subquery(filed, output_field=IntegerField()), ZERO)
            ),
            default=ZERO,
            output_field=IntegerField(),
        )
    )


def count_annual_reports_overdue(qs: QuerySet[Project], on: dt.date, p: PolicyParams) -> int:
    """Overdue annual reports of the whole portfolio in two aggregates (no per-project
    subquery): the reports due, minus those filed within each project's window."""
    projects = _reporting(clock_projects(qs)).annotate(**_report_window(on, p))
    due = projects.aggregate(
        n=Coalesce(Sum(Greatest(F("_r_last") - F("_r_first") + 1, ZERO)), ZERO)
    )["n"]
    filed = projects.aggregate(
        n=Count(
            "annual_reports",
            filter=Q(
                annual_reports__year__gte=F("_r_first"), annual_reports__year__lte=F("_r_last")
            ),
        )
    )["n"]
    return int(due) - int(filed)


def _extension_until() -> Subquery:
    return Subquery(
        ExtensionRequest.objects.filter(project=OuterRef("pk"), state=ExtensionState.GRANTED)
        .order_by()
        .values("project")
        .annotate(m=Max("requested_until"))
        .values("m"),
        output_field=DateField(),
    )


def acceptance_overdue(on: dt.date, p: PolicyParams) -> tuple[Q, dict[str, Any]]:
    """Completed, the window (or a granted extension) passed, and no acceptance applied for or
    filed."""
    window_end = AddMonths(F("delivery__completed_on"), p.acceptance_window_months)
    return (
        Q(delivery__completed_on__isnull=False)
        & Q(_acc_end__lt=on)
        & (Q(_acc_ext__isnull=True) | Q(_acc_ext__lt=on))
        & ~Q(_acc_applied=True)
    ), {
        "_acc_end": window_end,
        "_acc_ext": _extension_until(),
        "_acc_applied": Exists(Acceptance.objects.filter(project=OuterRef("pk"))),
    }


def self_evaluation_overdue(
    on: dt.date, p: PolicyParams
) -> tuple[Q, dict[str, Any], dict[str, Any]]:
    base = Greatest(F("delivery__accepted_on"), F("delivery__golive_on"))
    start = AddMonths(base, p.self_eval_start_months)
    end = AddMonths(base, p.self_eval_end_months)
    done = EvaluationResult.objects.filter(
        project=OuterRef("pk"),
        kind=EvaluationKind.SELF,
        completed_on__gte=OuterRef("_se_start"),
        completed_on__lte=OuterRef("_se_end"),
    )
    return (
        Q(_se_end__lt=on) & ~Q(_se_done=True),
        {"_se_start": start, "_se_end": end},
        {"_se_done": Exists(done)},
    )


def rectifications_overdue(on: dt.date) -> Subquery:
    return Subquery(
        Incident.objects.filter(
            project=OuterRef("pk"),
            state=IncidentState.RECTIFYING,
            rectification_deadline__lt=on,
        )
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def with_clocks(qs: QuerySet[Project], on: dt.date, p: PolicyParams) -> QuerySet[Project]:
    """``qs`` annotated per project with ``reports_overdue``, ``acceptance_late``,
    ``self_evaluation_late`` (0/1) and ``rectifications_late`` (a count)."""
    acc_q, acc_ann = acceptance_overdue(on, p)
    se_q, se_ann, se_done = self_evaluation_overdue(on, p)
    qs = annual_reports_overdue(qs, on, p).annotate(**acc_ann, **se_ann).annotate(**se_done)
    return qs.annotate(
        acceptance_late=Case(When(acc_q, then=1), default=0, output_field=IntegerField()),
        self_evaluation_late=Case(When(se_q, then=1), default=0, output_field=IntegerField()),
        rectifications_late=Coalesce(rectifications_overdue(on), ZERO),
        clock_running=ExpressionWrapper(
            Q(state=ProjectState.APPROVED, delivery__phase__in=CLOCK_PHASES),
            output_field=BooleanField(),
        ),
    )


def overdue_by_kind(qs: QuerySet[Project], on: dt.date, p: PolicyParams) -> dict[str, int]:
    """Overdue items of each kind over ``qs`` (as many as the calendar lists as overdue)."""
    running = clock_projects(qs)
    acc_q, acc_ann = acceptance_overdue(on, p)
    se_q, se_ann, se_done = self_evaluation_overdue(on, p)
    return {
        "annual_report": count_annual_reports_overdue(qs, on, p),
        "acceptance": running.annotate(**acc_ann).filter(acc_q).count(),
        "self_evaluation": running.annotate(**se_ann).annotate(**se_done).filter(se_q).count(),
        "rectification": Incident.objects.filter(
            project__in=running.values("pk"),
            state=IncidentState.RECTIFYING,
            rectification_deadline__lt=on,
        ).count(),
    }


def overdue_filter(kind: str, on: dt.date, p: PolicyParams) -> Any:
    """A function narrowing a project queryset to those with an overdue item of ``kind``."""

    def narrow(qs: QuerySet[Project]) -> QuerySet[Project]:
        running = clock_projects(qs)
        if kind == "annual_report":
            return annual_reports_overdue(running, on, p).filter(reports_overdue__gt=0)
        if kind == "acceptance":
            acc_q, acc_ann = acceptance_overdue(on, p)
            return running.annotate(**acc_ann).filter(acc_q)
        if kind == "self_evaluation":
            se_q, se_ann, se_done = self_evaluation_overdue(on, p)
            return running.annotate(**se_ann).annotate(**se_done).filter(se_q)
        return running.filter(
            pk__in=Incident.objects.filter(
                state=IncidentState.RECTIFYING, rectification_deadline__lt=on
            ).values("project_id")
        )

    return narrow
