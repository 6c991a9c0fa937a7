"""The health rating of a project, computed from its lifecycle records — never self-reported.

A rating is made of **factors**, each registered here (``factor``) by the chapter that knows
its records: what it reads is a set of SQL annotations on the project queryset (``facts``, so a
whole portfolio is rated in one query), and from those facts it derives a level (``level``,
green / yellow / red) with the policy's thresholds and the articles it rests on. Every factor
belongs to one of four dimensions (cost, schedule, reporting, compliance); a dimension's level
is the worst of its factors', and the project's the worst of its dimensions'. The thresholds
are parameters of the policy in force (``PolicyParams.health_*``).

``rate`` rates a queryset (a list of ``Rating``); ``refresh`` stores the current rating of every
approved project (``ProjectHealth``, read by lists and dashboards) and ``snapshot`` keeps one a
month (``HealthSnapshot``, the line on the project page). The supervision chapter registers its
compliance factor the same way (``reports.factors`` shows the built-in ones).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from core.actions import action_done
from core.dates import today
from policy.lookup import policy_in_force
from policy.parameters import PolicyParams
from projects.models import Project, ProjectState

from .models import DIMENSIONS, HealthLevel, HealthSnapshot, ProjectHealth

log = logging.getLogger(__name__)
GREEN, YELLOW, RED = HealthLevel.GREEN, HealthLevel.YELLOW, HealthLevel.RED


@dataclass(frozen=True)
class Context:
    """What every factor is evaluated against: the day and the policy's parameters."""

    on: dt.date
    p: PolicyParams
    policy_code: str = ""
    #: the policy by its name, as pages show it (the code stays in the stored rating)
    policy_name: str = ""


Facts = dict[str, Any]


Annotate = Callable[[QuerySet[Project], Context], QuerySet[Project]]


@dataclass(frozen=True)
class Factor:
    """One factor of the rating.

    ``annotate(qs, ctx)`` adds the SQL annotations it reads to the project queryset (factors
    that share one, like the clocks, share the function: it is applied once); ``facts`` names
    those it reads; ``level(facts, ctx)`` turns their values into a level; ``explain(facts,
    ctx)`` says in a sentence what was found, in the reader's language."""

    key: str
    dimension: str
    label: Any
    articles: tuple[str, ...]
    annotate: Annotate
    facts: tuple[str, ...]
    level: Callable[[Facts, Context], int]
    explain: Callable[[Facts, Context], str]
    #: a factor that needs something not installed leaves itself out
    active: Callable[[], bool] = field(default=lambda: True)


_FACTORS: dict[str, Factor] = {}


def factor(item: Factor) -> Factor:
    """Register a factor (a chapter's ``ready`` imports the module that calls this)."""
    if item.dimension not in DIMENSIONS:
        raise ValueError(f"factor {item.key}: unknown dimension {item.dimension}")
    _FACTORS[item.key] = item
    return item


def factors() -> list[Factor]:
    return [f for f in _FACTORS.values() if f.active()]


def context(on: dt.date | None = None) -> Context:
    """The municipal policy in force on ``on`` (today)."""
    on = on or today()
    policy = policy_in_force(None, on)
    return Context(on=on, p=policy.p, policy_code=policy.code, policy_name=policy.name)


@dataclass
class FactorResult:
    key: str
    dimension: str
    level: int
    facts: Facts

    def as_json(self) -> dict[str, Any]:
        return {"level": self.level, "dimension": self.dimension, "facts": _jsonable(self.facts)}


@dataclass
class Rating:
    """The rating of one project: overall level, each dimension's, and each factor's result."""

    project_id: int
    level: int
    dimensions: dict[str, int]
    factors: list[FactorResult]

    def stored(self) -> dict[str, Any]:
        return {
            "level": self.level,
            **self.dimensions,
            "factors": {r.key: r.as_json() for r in self.factors},
        }


def _jsonable(facts: Facts) -> Facts:
    out: Facts = {}
    for k, v in facts.items():
        if isinstance(v, Decimal):
            out[k] = format(v, "f")
        elif isinstance(v, dt.date):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out


def rated_projects(qs: QuerySet[Project]) -> QuerySet[Project]:
    """Approved projects are rated; earlier ones have nothing to rate yet."""
    return qs.filter(state=ProjectState.APPROVED)


def annotated(qs: QuerySet[Project], ctx: Context) -> tuple[QuerySet[Project], list[str]]:
    """``qs`` with every active factor's annotations, and the names of the facts they read."""
    applied: list[Annotate] = []
    names: list[str] = []
    for f in factors():
        if f.annotate not in applied:
            qs = f.annotate(qs, ctx)
            applied.append(f.annotate)
        names += [n for n in f.facts if n not in names]
    return qs, names


def rate(qs: QuerySet[Project], ctx: Context | None = None, probe: bool = True) -> list[Rating]:
    """The ratings of the approved projects of ``qs``: one query for all facts (``probe``
    False when the caller knows ``qs`` holds an approved project)."""
    rated = rated_projects(qs).order_by()
    # most acts concern a project not yet approved: one cheap query spares building and
    # compiling every factor's annotations only to find nothing to rate
    if probe and not rated.exists():
        return []
    ctx = ctx or context()
    qs, names = annotated(rated, ctx)
    ratings = []
    for row in qs.values("pk", *names):
        results = []
        for f in factors():
            facts = {name: row[name] for name in f.facts}
            results.append(FactorResult(f.key, f.dimension, int(f.level(facts, ctx)), facts))
        dimensions = {
            d: max((r.level for r in results if r.dimension == d), default=GREEN)
            for d in DIMENSIONS
        }
        ratings.append(Rating(row["pk"], max(dimensions.values()), dimensions, results))
    return ratings


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _revived(facts: dict[str, Any]) -> dict[str, Any]:
    """Stored facts as the factors read them live: a day stored as ISO text (JSON has no
    dates) is a date again, so that the sentences can count days from it."""
    return {
        k: dt.date.fromisoformat(v) if isinstance(v, str) and _ISO_DAY.match(v) else v
        for k, v in facts.items()
    }


def explained(stored: dict[str, Any], ctx: Context | None = None) -> list[dict[str, Any]]:
    """The stored factor results with their labels, articles and sentences, for a page."""
    ctx = ctx or context()
    rows = []
    for f in factors():
        entry = stored.get(f.key)
        if entry is None:
            continue
        facts = _revived(entry.get("facts", {}))
        rows.append(
            {
                "key": f.key,
                "label": str(f.label),
                "dimension": f.dimension,
                "articles": f.articles,
                "level": entry["level"],
                "level_label": gettext(str(HealthLevel(entry["level"]).label)),
                "text": f.explain(facts, ctx),
                "facts": facts,
            }
        )
    return rows


def refresh(qs: QuerySet[Project] | None = None, ctx: Context | None = None) -> int:
    """Store the current rating of every approved project of ``qs`` (all by default); a
    project no longer rated loses its row. Returns the number rated."""
    ctx = ctx or context()
    base = Project.objects.all() if qs is None else qs
    ratings = rate(base, ctx)
    now = timezone.now()
    rows = [
        ProjectHealth(
            project_id=r.project_id, policy_version=ctx.policy_code, computed_at=now, **r.stored()
        )
        for r in ratings
    ]
    fields = ["level", *DIMENSIONS, "factors", "policy_version", "computed_at"]
    with transaction.atomic():
        ProjectHealth.objects.filter(project__in=base.values("pk")).exclude(
            project__in=[r.project_id for r in ratings]
        ).delete()
        ProjectHealth.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["project"],
            update_fields=fields,
        )
        # the dashboards count the level from their stored figures (reports.figures)
        from .figures import store_health_levels

        store_health_levels(base)
    return len(rows)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def snapshot(on: dt.date | None = None) -> int:
    """Keep this month's rating of every rated project (the first taken in a month stays)."""
    month = month_of(on or today())
    existing = HealthSnapshot.objects.filter(month=month).values("project_id")
    current = ProjectHealth.objects.exclude(project__in=existing)
    rows = [
        HealthSnapshot(
            project_id=h.project_id,
            month=month,
            level=h.level,
            cost=h.cost,
            schedule=h.schedule,
            reporting=h.reporting,
            compliance=h.compliance,
            factors=h.factors,
            policy_version=h.policy_version,
            computed_at=h.computed_at,
        )
        for h in current.iterator(chunk_size=2000)
    ]
    HealthSnapshot.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def history(project: Project) -> list[tuple[dt.date, int]]:
    """(month, level) of the project's snapshots, oldest first."""
    return list(
        HealthSnapshot.objects.filter(project=project)
        .order_by("month")
        .values_list("month", "level")
    )


def distribution(qs: QuerySet[Project]) -> dict[int, int]:
    """How many projects of ``qs`` are at each level (stored ratings)."""
    from django.db.models import Count

    counts = dict(
        ProjectHealth.objects.filter(project__in=qs.values("pk"))
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    return {int(level): counts.get(level, 0) for level in HealthLevel.values}


def worst(levels: Iterable[int]) -> int:
    return max(levels, default=GREEN)


def project_acted_on(action: Any, obj: Any, result: Any) -> Project | None:
    """The project an action concerned (its object's, or what it created)."""
    for candidate in (obj, result):
        if isinstance(candidate, Project):
            return candidate
        project = getattr(candidate, "project", None) if candidate is not None else None
        if isinstance(project, Project):
            return project
    return None


@receiver(action_done)
def rerate_after_act(sender: Any, action: Any, obj: Any, result: Any, **kwargs: Any) -> None:
    """Every action on a project re-rates it after it committed, so lists and dashboards show
    the rating of its records as they now are (the daily task covers the passing of time)."""
    project = project_acted_on(action, obj, result)
    if project is None:
        return
    try:
        refresh(Project.objects.filter(pk=project.pk))
    except Exception:
        log.exception("health of project %s not refreshed", project.pk)
