"""The dashboards' per-project figures (``ProjectFigures``): computing them, keeping them
current and counting them.

A row holds what the charts count of one project — its funnel rank, its money, its decided
review steps, its clocks, its supervision state — computed from its records by the live
expressions (``stages.rank_expression``, the ``clocks`` annotations, the same sums as
``dashboards.money_by``). Keeping it exact:

* every save or delete of a record the figures read marks the project's row stale in the same
  transaction (``watch``, connected when the app is ready);
* a dashboard first recomputes the rows that are stale, missing, or computed on another basis
  (the policy's clock parameters and the last annual-report year of the day), holding each row's
  lock while it reads the records, so that a writer committing meanwhile marks it stale again;
  when too many are out of date (after a bulk load or on the day the report year turns) it counts
  live instead, and the daily task recomputes them all;
* what depends on the day is stored as the day an item falls due and compared in SQL; the
  supervision flags of other chapters and the late rectifications are read live (small tables
  matched by project id, which is the row's primary key); the health level is written by
  ``health.refresh`` together with the rating.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.signals import post_delete, post_save

from projects.models import Project, ProjectState

from . import clocks, stages
from .health import Context
from .models import REVIEW_KINDS, ProjectFigures

CHUNK = 2000
#: more out-of-date rows than this and a page counts live rather than recompute them
HEAL_LIMIT = 2000
MONEY = ("planned", "budgeted", "contracted", "paid")
MICROSECOND = dt.timedelta(microseconds=1)


def cents(yuan: Decimal | None) -> int | None:
    """Yuan (two decimal places) as a whole number of cents, exactly."""
    if yuan is None:
        return None
    whole = yuan * 100
    if whole != whole.to_integral_value():
        raise ValueError(f"not a sum of cents: {yuan}")
    return int(whole)


def yuan(cents: Any) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def basis(ctx: Context) -> str:
    """What the stored clock dates and report counts depend on besides the records."""
    p = ctx.p
    month, day = p.performance_report_due
    return (
        f"r{clocks.last_report_year(ctx.on, p)}-{month}-{day}"
        f"|a{p.acceptance_window_months}|s{p.self_eval_start_months}-{p.self_eval_end_months}"
    )


# -- computing -------------------------------------------------------------------------------------


def _sums(qs: QuerySet, path: str, pks: list[int], amount: str = "amount") -> dict[int, Any]:
    return dict(
        qs.filter(**{f"{path}__in": pks})
        .order_by()
        .values_list(path)
        .annotate(s=Sum(amount))
        .values_list(path, "s")
    )


def compute(pks: list[int], ctx: Context) -> list[ProjectFigures]:
    """The figures of the projects ``pks`` (a few queries, whatever their number)."""
    from investment.models import BudgetLine, Contract, Payment, PlanEntry, PlanState

    from .dashboards import DECIDED_REVIEW_STATES

    on, p = ctx.on, ctx.p
    qs = Project.objects.filter(pk__in=pks).order_by()
    _acc_q, acc_ann = clocks.acceptance_overdue(on, p)
    _se_q, se_ann, se_done = clocks.self_evaluation_overdue(on, p)
    rows = (
        clocks.annual_reports_overdue(qs, on, p)
        .annotate(stage_rank=stages.rank_expression(), **acc_ann, **se_ann)
        .annotate(**se_done)
        .values(
            "pk",
            "state",
            "year",
            "unit_id",
            "kind",
            "total_investment",
            "approved_total",
            "suspended_at",
            "terminated_at",
            "stage_rank",
            "delivery__phase",
            "delivery__completed_on",
            "reports_overdue",
            "_acc_end",
            "_acc_ext",
            "_acc_applied",
            "_se_end",
            "_se_done",
            "health__level",
        )
    )
    money = {
        "planned": _sums(
            PlanEntry.objects.filter(version__state=PlanState.PUBLISHED), "project", pks
        ),
        "budgeted": _sums(BudgetLine.objects.all(), "project", pks),
        "contracted": _sums(Contract.objects.all(), "project", pks),
        "paid": _sums(Payment.objects.all(), "contract__project", pks),
    }
    from projects.models import Review

    duration = ExpressionWrapper(F("decided_at") - F("created_at"), output_field=DurationField())
    reviews: dict[tuple[int, str], tuple[int, dt.timedelta]] = {
        (pid, kind): (n, t)
        for pid, kind, n, t in Review.objects.filter(
            project__in=pks, decided_at__isnull=False, state__in=DECIDED_REVIEW_STATES
        )
        .order_by()
        .values_list("project", "kind")
        .annotate(n=Count("pk"), t=Sum(duration))
        .values_list("project", "kind", "n", "t")
    }
    stamp = basis(ctx)
    out = []
    for row in rows:
        pid = row["pk"]
        running = (
            row["state"] == ProjectState.APPROVED and row["delivery__phase"] in clocks.CLOCK_PHASES
        )
        acceptance_due = None
        if running and row["delivery__completed_on"] is not None and not row["_acc_applied"]:
            end, ext = row["_acc_end"], row["_acc_ext"]
            acceptance_due = max(end, ext) if ext is not None else end
        figures = ProjectFigures(
            project_id=pid,
            stale=False,
            basis=stamp,
            draft=row["state"] == ProjectState.DRAFT,
            year=row["year"],
            unit_id=row["unit_id"],
            kind=row["kind"],
            stage_rank=row["stage_rank"],
            requested=cents(row["total_investment"]) or 0,
            approved=cents(row["approved_total"]),
            clock_running=running,
            reports_overdue=row["reports_overdue"] if running else 0,
            acceptance_due=acceptance_due,
            self_evaluation_due=row["_se_end"] if running and not row["_se_done"] else None,
            suspended=row["suspended_at"] is not None and row["terminated_at"] is None,
            terminated=row["terminated_at"] is not None,
            health_level=row["health__level"],
            **{m: cents(money[m].get(pid)) for m in MONEY},
        )
        for kind in REVIEW_KINDS:
            n, t = reviews.get((pid, kind), (0, None))
            setattr(figures, f"{kind}_n", n)
            setattr(figures, f"{kind}_time", t // MICROSECOND if t is not None else None)
        out.append(figures)
    return out


FIELDS = [
    f.name
    for f in ProjectFigures._meta.concrete_fields
    if not f.primary_key  # the project
]


def refresh(pks: Iterable[int], ctx: Context) -> int:
    """Recompute and store the figures of ``pks``, each under its row's lock (a writer that
    commits while the records are read marks the row stale again afterwards)."""
    pks = list(pks)
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        with transaction.atomic():
            ProjectFigures.objects.bulk_create(
                [ProjectFigures(project_id=pk) for pk in chunk], ignore_conflicts=True
            )
            list(
                ProjectFigures.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk")
            )
            ProjectFigures.objects.bulk_create(
                compute(chunk, ctx),
                update_conflicts=True,
                unique_fields=["project"],
                update_fields=FIELDS,
            )
    return len(pks)


def refresh_all(ctx: Context) -> int:
    """Every project's figures (the daily task; after a bulk load)."""
    return refresh(Project.objects.order_by("pk").values_list("pk", flat=True), ctx)


def out_of_date(ctx: Context, limit: int | None = None) -> list[int] | None:
    """The projects whose figures are stale, missing or of another basis (None if more than
    ``limit``, ``HEAL_LIMIT`` by default)."""
    limit = HEAL_LIMIT if limit is None else limit
    todo = list(
        # (two index ranges rather than "<>", which would read every row)
        ProjectFigures.objects.filter(
            Q(stale=True) | Q(basis__lt=basis(ctx)) | Q(basis__gt=basis(ctx))
        )
        .order_by()
        .values_list("pk", flat=True)[: limit + 1]
    )
    if Project.objects.count() != ProjectFigures.objects.count():
        todo += list(
            Project.objects.filter(figures__isnull=True)
            .order_by()
            .values_list("pk", flat=True)[: limit + 1]
        )
    return None if len(todo) > limit else todo


def catch_up(ctx: Context) -> int:
    """Recompute every out-of-date row, however many (the daily task: the day the report year
    turns, or after a bulk load, every row is)."""
    stale = ProjectFigures.objects.filter(
        Q(stale=True) | Q(basis__lt=basis(ctx)) | Q(basis__gt=basis(ctx))
    ).values_list("pk", flat=True)
    missing = Project.objects.filter(figures__isnull=True).values_list("pk", flat=True)
    return refresh(sorted({*stale, *missing}), ctx)


def current(ctx: Context) -> bool:
    """Bring the figures up to date for ``ctx``; False if there are too many to do now (the
    dashboard then counts live)."""
    todo = out_of_date(ctx)
    if todo is None:
        return False
    if todo:
        refresh(todo, ctx)
    return True


# -- keeping them stale-marked -------------------------------------------------------------------


def mark_stale(pks: Iterable[int | None]) -> None:
    """Mark the figures of ``pks`` stale (creating the row if missing, so that a first
    computation under way waits for this transaction)."""
    ids = sorted({pk for pk in pks if pk is not None})
    if ids:
        ProjectFigures.objects.bulk_create(
            [ProjectFigures(project_id=pk, stale=True) for pk in ids],
            update_conflicts=True,
            unique_fields=["project"],
            update_fields=["stale"],
        )


def mark_plan_stale(version_id: int) -> None:
    """Mark stale the figures of every project of a plan version: an UPDATE of the rows there
    are and rows made only for those missing (a plan holds 20,000 projects; building a row
    object for each cost seconds a publication)."""
    from investment.models import PlanEntry

    entries = PlanEntry.objects.filter(version_id=version_id)
    ProjectFigures.objects.filter(pk__in=entries.values("project_id")).update(stale=True)
    mark_stale(
        entries.exclude(project_id__in=ProjectFigures.objects.values("pk")).values_list(
            "project_id", flat=True
        )
    )


def _project_ids(instance: Any) -> list[int | None]:
    from investment.models import Contract, Payment, PlanEntry, PlanVersion

    if isinstance(instance, Project):
        return [instance.pk]
    if isinstance(instance, Payment):
        return list(
            Contract.objects.filter(pk=instance.contract_id).values_list("project_id", flat=True)
        )
    if isinstance(instance, PlanVersion):
        return list(
            PlanEntry.objects.filter(version_id=instance.pk).values_list("project_id", flat=True)
        )
    return [getattr(instance, "project_id", None)]


def _saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from investment.models import PlanVersion

    if raw:
        return
    if isinstance(instance, PlanVersion):
        mark_plan_stale(instance.pk)
    else:
        mark_stale(_project_ids(instance))


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # an update only: while a project is deleted its row is gone and must not come back
    if isinstance(instance, Project):
        return
    ids = [pk for pk in _project_ids(instance) if pk is not None]
    if ids:
        ProjectFigures.objects.filter(pk__in=ids).update(stale=True)


def watched() -> list[Any]:
    """The models whose records the figures read."""
    from delivery.models import Acceptance, AnnualReport, Delivery, ExtensionRequest
    from investment.models import (
        BudgetLine,
        Contract,
        EvaluationResult,
        Payment,
        PlanEntry,
        PlanVersion,
    )
    from projects.models import Review

    from .models import ProjectHealth

    return [
        Project,
        ProjectHealth,
        Review,
        Delivery,
        AnnualReport,
        ExtensionRequest,
        Acceptance,
        EvaluationResult,
        PlanEntry,
        PlanVersion,
        BudgetLine,
        Contract,
        Payment,
    ]


def watch() -> None:
    for model in watched():
        post_save.connect(_saved, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"figures-del-{model.__name__}")


@contextlib.contextmanager
def unwatched() -> Iterator[None]:
    """Bulk deletions (a benchmark's cleanup, ``generate_portfolio --replace``) without a
    signal per deleted record, which also lets Django delete without loading the rows; every
    row is marked stale afterwards, so nothing is counted from figures it could have changed."""
    models = watched()
    for model in models:
        post_save.disconnect(sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.disconnect(sender=model, dispatch_uid=f"figures-del-{model.__name__}")
    try:
        yield
    finally:
        watch()
        ProjectFigures.objects.update(stale=True)


# -- counting --------------------------------------------------------------------------------------


def totals(figures: QuerySet[ProjectFigures], on: dt.date) -> dict[str, Any]:
    """Every scalar the charts count, in one pass over ``figures``."""
    from .filters import flag_condition, flags
    from .models import HealthLevel

    aggregates: dict[str, Any] = {
        f"stage_{key}": Count("pk", filter=Q(stage_rank__gte=rank))
        for key, _label, rank in stages.STAGES
    }
    for kind in REVIEW_KINDS:
        aggregates[f"{kind}_n"] = Sum(f"{kind}_n")
        aggregates[f"{kind}_time"] = Sum(f"{kind}_time")
    aggregates["annual_report"] = Sum("reports_overdue")
    aggregates["acceptance"] = Count("pk", filter=Q(acceptance_due__lt=on))
    aggregates["self_evaluation"] = Count("pk", filter=Q(self_evaluation_due__lt=on))
    stored_flags = {"suspended": Q(suspended=True), "terminated": Q(terminated=True)}
    for key, _label in flags():
        # the others select by project id, which is this table's primary key too
        condition = stored_flags.get(key) or flag_condition(key)
        aggregates[f"flag_{key}"] = Count("pk", filter=condition)
    for level in HealthLevel.values:
        aggregates[f"health_{level}"] = Count("pk", filter=Q(health_level=level))
    out = figures.order_by().aggregate(**aggregates)
    totals: dict[str, Any] = {k: int(v) if v is not None else 0 for k, v in out.items()}
    for kind in REVIEW_KINDS:
        totals[f"{kind}_time"] = totals[f"{kind}_time"] * MICROSECOND
    return totals


def rectifications_late(figures: QuerySet[ProjectFigures], on: dt.date) -> int:
    from delivery.models import Incident, IncidentState

    return Incident.objects.filter(
        project__in=figures.filter(clock_running=True).values("pk"),
        state=IncidentState.RECTIFYING,
        rectification_deadline__lt=on,
    ).count()


MEASURES = ("requested", "approved", *MONEY)


def money_cells(figures: QuerySet[ProjectFigures]) -> list[tuple[Any, ...]]:
    """(year, unit, the six sums) of ``figures``: one pass for both money charts."""
    return list(
        figures.order_by()
        .values_list("year", "unit_id")
        .annotate(**{m: Sum(m) for m in MEASURES})
        .values_list("year", "unit_id", *MEASURES)
    )


def money(cells: list[tuple[Any, ...]], key: str) -> dict[str, dict[Any, Decimal]]:
    """{measure: {group: yuan}} by ``year`` or ``unit_id``, as ``dashboards.money_by``: the
    cells summed exactly (Decimal) by one of their two keys."""
    out: dict[str, dict[Any, Decimal]] = {m: {} for m in MEASURES}
    for year, unit, *values in cells:
        group = year if key == "year" else unit
        for m, v in zip(MEASURES, values, strict=True):
            if v is not None:
                out[m][group] = out[m].get(group, Decimal("0.00")) + yuan(v)
    return out


def store_health_levels(projects: QuerySet[Project]) -> None:
    """Copy the stored ratings' levels of ``projects`` into their figures (``health.refresh``,
    in its transaction)."""
    from django.db.models import OuterRef, Subquery

    from .models import ProjectHealth

    level = Subquery(ProjectHealth.objects.filter(pk=OuterRef("pk")).values("level")[:1])
    # only the rows whose level changed: the daily run rewrites no row it need not
    changed = (
        ProjectFigures.objects.filter(pk__in=projects.values("pk"))
        .annotate(new_level=level)
        .exclude(health_level=F("new_level"))
        .values("pk")
    )
    ProjectFigures.objects.filter(pk__in=changed).update(health_level=level)
