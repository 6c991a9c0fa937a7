"""The whole generated city, part by part with its timings, and its removal (``--replace``).

Parts: the directory (``seed_directory``: authorities and demo people, through the actions;
then the municipal units and the 38 districts and counties in bulk), the projects (every
state and plan year with what the state implies), the catalog (systems, resources, items,
sharing requests, linked to the generated projects whose delivery was accepted or failed) and
the ledger (a sealed chain about the projects). Each part commits on its own, so a run that
stops part-way leaves whole parts, which ``--replace`` removes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from catalog.models import (
    DataResource,
    InformationItem,
    InformationSystem,
    OMDecision,
    SharingRequest,
)
from delivery.models import Delivery, Incident
from investment.models import AnnualPlan, BudgetLine, Contract, Payment, PlanEntry, PlanVersion
from projects.models import Project, ProjectListEntry, ProjectListVersion, Review

from . import MARK, PREFIX, directory, ledger, projects, systems

PROJECT_PREFIX = f"{PREFIX}P-"
SYSTEM_PREFIX = f"{PREFIX}S-"
YEARS = tuple(range(2021, 2028))


class AlreadyGenerated(Exception):
    """The database already holds a generated portfolio (and ``replace`` was not asked)."""


@dataclass
class Report:
    """What was made: counts and seconds per part, in order."""

    parts: list[tuple[str, dict[str, int], float]] = field(default_factory=list)

    @contextmanager
    def part(self, name: str) -> Iterator[dict[str, int]]:
        counts: dict[str, int] = {}
        start = time.perf_counter()
        yield counts
        self.parts.append((name, counts, time.perf_counter() - start))

    @property
    def seconds(self) -> float:
        return sum(s for _n, _c, s in self.parts)


def existing() -> bool:
    return (
        Project.objects.filter(code__startswith=PROJECT_PREFIX).exists()
        or InformationSystem.objects.filter(code__startswith=SYSTEM_PREFIX).exists()
    )


def _delete(queryset: Any) -> int:
    """DELETE … WHERE id IN (the queryset) in the database, without loading rows to cascade in
    Python (as bench_catalog does): the children are deleted first, explicitly."""
    model = queryset.model
    qn = connection.ops.quote_name
    select, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {qn(model._meta.db_table)} WHERE {qn(model._meta.pk.column)} "
            f"IN (SELECT * FROM ({select}) ids)",
            params,
        )
        return cursor.rowcount


def remove() -> dict[str, int]:
    """Remove the generated projects, systems and what hangs on them, and the plan and list
    versions made for them; the organisations (the city's directory) and the ledger events
    (append-only) stay."""
    from reports.figures import unwatched
    from reports.models import ProjectHealth

    made = Project.objects.filter(code__startswith=PROJECT_PREFIX)
    system_rows = InformationSystem.objects.filter(code__startswith=SYSTEM_PREFIX)
    resources = DataResource.objects.filter(resource_code__startswith=PREFIX)
    counts = {}
    # no per-row signal of the dashboards' figures (every row is marked stale after)
    with transaction.atomic(), unwatched():
        _delete(OMDecision.objects.filter(system__in=system_rows))
        _delete(SharingRequest.objects.filter(resource__in=resources))
        _delete(InformationItem.objects.filter(resource__in=resources))
        _delete(DataResource.systems.through.objects.filter(dataresource__in=resources))
        _delete(
            InformationSystem.projects.through.objects.filter(informationsystem__in=system_rows)
        )
        _delete(InformationSystem.projects.through.objects.filter(project__in=made))
        counts["resources"] = _delete(resources)
        counts["systems"] = _delete(system_rows)
        _delete(ProjectHealth.objects.filter(project__in=made))
        _delete(Payment.objects.filter(contract__project__in=made))
        _delete(Incident.objects.filter(project__in=made))
        _delete(Contract.objects.filter(project__in=made))
        _delete(BudgetLine.objects.filter(project__in=made))
        _delete(PlanEntry.objects.filter(project__in=made))
        _delete(ProjectListEntry.objects.filter(project__in=made))
        _delete(Delivery.objects.filter(project__in=made))
        _delete(Review.objects.filter(project__in=made))
        counts["projects"] = _delete(made)
        ProjectListVersion.objects.filter(note=MARK, entries__isnull=True).delete()
        ours = PlanVersion.objects.filter(basis=MARK, entries__isnull=True)
        plans = set(ours.values_list("plan_id", flat=True))
        ours.delete()
        AnnualPlan.objects.filter(pk__in=plans, versions__isnull=True).delete()
    return counts


def _settle() -> None:
    """Planner statistics after a bulk load (these machines run without autovacuum)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate(
    *,
    projects_count: int,
    systems_count: int,
    events: int,
    units: int = 400,
    batch: int = 5_000,
    replace: bool = False,
    say: Callable[[str], None] = lambda line: None,
) -> Report:
    """Generate the city; raise AlreadyGenerated if one is there and ``replace`` is False."""
    from accounts.demo import seed_directory
    from accounts.models import Organisation

    if existing() and not replace:
        raise AlreadyGenerated
    # With DEBUG on every SQL string is kept in connection.queries_log: hundreds of MB here.
    debug, settings.DEBUG = settings.DEBUG, False
    report = Report()
    try:
        if replace:
            with report.part("removed") as counts:
                counts.update(remove())
            say(_line(report.parts[-1]))
        with report.part("directory") as counts:
            people = seed_directory()
            with transaction.atomic():
                unit_ids = directory.city_units(units)
            counts["units"] = len(unit_ids)
            counts["districts"] = len(directory.DISTRICTS)
        say(_line(report.parts[-1]))
        consultant = Organisation.objects.filter(kind="consultant").order_by("pk").first()
        spec = projects.Spec(
            count=projects_count,
            units=unit_ids,
            years=YEARS,
            prefix=PROJECT_PREFIX,
            name="政务信息化项目",
            two_stage_every=5,
            lists=True,
            consultant_id=consultant.pk if consultant else None,
            money_prefix=PREFIX,
            batch=batch,
        )
        with report.part("projects") as counts, transaction.atomic():
            counts.update(projects.build(people["fgw_jingban"], spec))
        say(_line(report.parts[-1]))
        with report.part("systems") as counts, transaction.atomic():
            cat = systems.Spec(
                count=systems_count,
                units=unit_ids,
                prefix=SYSTEM_PREFIX,
                resource_prefix=PREFIX,
                label="政务",
                batch=batch,
            )
            counts.update(systems.build(people["czj_jingban"], cat))
            delivered = Delivery.objects.filter(project__code__startswith=PROJECT_PREFIX)
            counts["project_links"] = systems.link_projects(
                cat,
                list(delivered.filter(phase="failed").values_list("project_id", flat=True)),
                list(delivered.filter(phase="accepted").values_list("project_id", flat=True)),
            )
        say(_line(report.parts[-1]))
        with report.part("ledger") as counts:
            subjects = [
                ledger.Subject(*row)
                for row in Project.objects.filter(code__startswith=PROJECT_PREFIX)
                .order_by("code")
                .values_list("pk", "code", "name", "unit_id", "state", "approval_path")
            ]
            if events and subjects:
                counts.update(ledger.append(events, subjects, _actors(people), batch=batch))
        say(_line(report.parts[-1]))
        with report.part("analyze"):
            _settle()
    finally:
        settings.DEBUG = debug
    return report


def _actors(people: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit": people["jw_tianbao"],
        "bdb": people["dsj_shenhe"],
        "drc": people["fgw_jingban"],
        "finance": people["czj_jingban"],
        "consultant": people["zx_pinggu"],
        "cac": people["wxb_shencha"],
        "crypto": people["mmj_shencha"],
        "secrecy": people["bmj_shencha"],
    }


def _line(part: tuple[str, dict[str, int], float]) -> str:
    name, counts, seconds = part
    made = ", ".join(f"{k} {v:,}" for k, v in counts.items())
    return f"{name:<10} {seconds:8.1f} s  {made}"
