"""The project mix, bulk-created as the actions would leave it (moved from bench_reports).

Each project's reviews follow from its state (a submitted project waits for BDB's list
review, one in joint review has its list review and evaluation agreed and five opinions
under way, a two-stage project past its FSR approval has its design reviews, …). Listed
projects and those beyond are in the published project list of their year; approved ones
have a delivery (preparing, construction, trial, completed, accepted or failed), a plan
entry, a budget line, a contract and, half of them, a payment; one in fifty has an incident
(half with a past rectification deadline), one in a hundred is suspended.

The caller chooses the state of project ``i`` (:func:`city_state` covers every state) and the
code prefix, so the benchmarks and ``generate_portfolio`` share the builder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from accounts.models import Organisation
from delivery.models import Delivery, Incident
from investment.models import AnnualPlan, BudgetLine, Contract, Payment, PlanEntry, PlanVersion
from projects.models import Project, ProjectListEntry, ProjectListVersion, Review

from . import MARK, bulk

PHASES = ["preparing", "construction", "construction", "trial", "completed", "accepted", "failed"]
JOINT = ("cac", "finance", "bdb", "crypto", "secrecy")
KINDS = ("new", "expansion", "continuing", "om")
#: states at which the project is in the published project list of its year (Art. 8 ¶2)
LISTED = {
    "listed",
    "evaluation",
    "joint_review",
    "drc_review",
    "fsr_approved",
    "design_review",
    "design_drc_review",
    "approved",
}
#: a realistic city, by project number modulo 100: every state of ``ProjectState``
CITY_MIX = (
    (5, "draft"),
    (9, "submitted"),
    (12, "list_review"),
    (15, "returned"),
    (17, "rejected"),
    (23, "listed"),
    (27, "evaluation"),
    (31, "joint_review"),
    (35, "drc_review"),
    (38, "fsr_approved"),
    (40, "design_review"),
    (42, "design_drc_review"),
    (100, "approved"),
)
TWO_STAGE = {"fsr_approved", "design_review", "design_drc_review"}


def city_state(i: int) -> str:
    """The state of project ``i`` in a generated city (every state; 58 % approved)."""
    b = i % 100
    return next(state for upper, state in CITY_MIX if b < upper)


@dataclass(frozen=True)
class Spec:
    """What to build: ``count`` projects coded ``{prefix}{i:06d}`` of ``units`` over
    ``years``, project ``i`` in state ``state_of(i)``. ``two_stage_every`` makes every n-th
    approved project a two-stage one (0: none); ``plan_year_offset`` moves the annual plans
    out of the real years (a benchmark's own plans); ``lists`` adds the project-list versions."""

    count: int
    units: Sequence[int]
    years: Sequence[int]
    prefix: str
    name: str = "项目"
    state_of: Callable[[int], str] = city_state
    two_stage_every: int = 0
    plan_year_offset: int = 0
    lists: bool = False
    consultant_id: int | None = None
    money_prefix: str = ""  # of contract and payment voucher numbers
    batch: int = 5_000

    def year(self, i: int) -> int:
        # the year changes every hundred projects, so that every state meets every year
        return self.years[(i // 100 + i) % len(self.years)]

    def path(self, i: int, state: str) -> str:
        if state in TWO_STAGE:
            return "two"
        if state == "approved" and self.two_stage_every and i % self.two_stage_every == 0:
            return "two"
        return "single" if state not in ("draft", "submitted", "list_review") else ""


#: the reviews after the list review, each with the state in which it opens
STEPS = (
    ("evaluation", "fsr", ("",), "evaluation"),
    ("joint", "fsr", JOINT, "joint_review"),
    ("drc_approval", "fsr", ("drc",), "drc_review"),
    ("design_content", "design", ("bdb",), "design_review"),
    ("drc_approval", "design", ("drc",), "design_drc_review"),
)
PROGRESS = [
    "listed",
    "evaluation",
    "joint_review",
    "drc_review",
    "fsr_approved",
    "design_review",
    "design_drc_review",
    "approved",
]


def reviews_for(state: str, path: str) -> list[tuple[str, str, str, str]]:
    """(kind, stage, authority, review state) of each review a project in ``state`` has: the
    reviews of the steps it passed are agreed, those of its current step are open."""
    if state == "draft":
        return []
    first = {"submitted": "pending", "list_review": "in_progress"}.get(state, state)
    if state in LISTED:
        first = "agreed"
    out = [("list", "fsr", "bdb", first)]
    if state not in LISTED:
        return out
    at = PROGRESS.index(state)
    for kind, stage, authorities, opens in STEPS:
        if stage == "design" and path != "two":
            continue
        opened = PROGRESS.index(opens)
        if at < opened:
            break
        for k, who in enumerate(authorities):
            # an open joint review: two of the five authorities have given their opinion
            done = at > opened or (kind == "joint" and k < 2)
            out.append((kind, stage, who, "agreed" if done else "pending"))
    return out


def _bulk(model: Any, rows: list, batch: int) -> None:
    bulk.insert(rows, batch)  # no ids come back: the projects are read again by code


def _project(spec: Spec, i: int, unit_id: int, now: dt.datetime, user: Any) -> Project:
    state = spec.state_of(i)
    approved = state == "approved"
    return Project(
        code=f"{spec.prefix}{i:06d}",
        unit_id=unit_id,
        name=f"{spec.name}{i:06d}",
        kind=KINDS[i % 4],
        year=spec.year(i),
        total_investment=Decimal(1_000_000 + (i % 97) * 10_000),
        state=state,
        returned_from="list_review" if state == "returned" else "",
        approval_path=spec.path(i, state),
        approved_total=Decimal(1_000_000 + (i % 97) * 9_000) if approved else None,
        approved_at=now - dt.timedelta(days=30 + i % 900) if approved else None,
        fsr_approved_at=now - dt.timedelta(days=60 + i % 900)
        if state in TWO_STAGE or (approved and spec.path(i, state) == "two")
        else None,
        suspended_at=now if i % 100 == 99 and approved else None,
        created_by=user,
        submitted_at=now if state != "draft" else None,
    )


def _reviews(spec: Spec, pk: list[int], now: dt.datetime, numbers: range) -> list[Review]:
    reviews = []
    for i in numbers:
        state = spec.state_of(i)
        created = now - dt.timedelta(days=60 + i % 300)
        decided = created + dt.timedelta(days=1 + i % 20)
        for kind, stage, authority, rstate in reviews_for(state, spec.path(i, state)):
            closed = rstate in ("agreed", "returned", "rejected")
            reviews.append(
                Review(
                    project_id=pk[i],
                    kind=kind,
                    stage=stage,
                    authority=authority,
                    consultant_id=spec.consultant_id if kind == "evaluation" else None,
                    state=rstate,
                    created_at=created,
                    started_at=created if rstate != "pending" else None,
                    decided_at=decided if closed else None,
                )
            )
    return reviews


def _list_versions(spec: Spec, user: Any, rows: list[Project]) -> int:
    """One published project-list version per year, holding every listed project of it."""
    names = dict(Organisation.objects.filter(pk__in=set(spec.units)).values_list("pk", "name"))
    versions = {}
    for year in spec.years:
        last = ProjectListVersion.objects.filter(year=year).aggregate(n=Max("number"))["n"]
        # bulk: a version is published through its machine in production; here it is data
        (versions[year],) = ProjectListVersion.objects.bulk_create(
            [ProjectListVersion(year=year, number=(last or 0) + 1, note=MARK, published_by=user)]
        )
    entries = [
        ProjectListEntry(
            version=versions[p.year],
            project_id=p.pk,
            unit_name=names[p.unit_id],
            project_name=p.name,
            kind=p.kind,
            amount=p.total_investment,
            priority=1 + n % 3,
            planned_year=p.year,
        )
        for n, p in enumerate(rows)
        if p.state in LISTED
    ]
    _bulk(ProjectListEntry, entries, spec.batch)
    return len(entries)


def _plans(spec: Spec, user: Any, now: dt.datetime) -> dict[int, PlanVersion]:
    """The published plan version of each year: the one in force, or a new one."""
    versions = {}
    for year in spec.years:
        plan, _ = AnnualPlan.objects.get_or_create(
            year=year + spec.plan_year_offset, defaults={"created_by": user}
        )
        current = plan.versions.filter(state="published").first()
        if current is None:
            last = plan.versions.aggregate(n=Max("number"))["n"] or 0
            (current,) = PlanVersion.objects.bulk_create(
                [
                    PlanVersion(
                        plan=plan, number=last + 1, state="published", published_at=now, basis=MARK
                    )
                ]
            )
        versions[year] = current
    return versions


def build(user: Any, spec: Spec) -> dict[str, int]:
    """Bulk-create the projects of ``spec`` with what their states imply; returns counts."""
    now = timezone.now()
    today = timezone.localdate()
    units = spec.units
    for start in range(0, spec.count, spec.batch):
        numbers = range(start, min(start + spec.batch, spec.count))
        _bulk(
            Project,
            [_project(spec, i, units[i % len(units)], now, user) for i in numbers],
            spec.batch,
        )
    rows = list(
        Project.objects.filter(code__startswith=spec.prefix)
        .only("pk", "code", "unit_id", "name", "kind", "year", "state", "total_investment")
        .order_by("code")
    )
    pk = [p.pk for p in rows]
    approved = [i for i in range(spec.count) if spec.state_of(i) == "approved"]
    reviews = 0
    for start in range(0, spec.count, spec.batch):  # a few per project: not all in memory
        chunk = _reviews(spec, pk, now, range(start, min(start + spec.batch, spec.count)))
        _bulk(Review, chunk, spec.batch)
        reviews += len(chunk)
    listed = 0
    if spec.lists:
        listed = _list_versions(spec, user, rows)
    _bulk(
        Delivery,
        [
            Delivery(
                project_id=pk[i],
                phase=PHASES[i % len(PHASES)],
                started_on=today - dt.timedelta(days=400 + i % 500)
                if PHASES[i % len(PHASES)] != "preparing"
                else None,
                completed_on=today - dt.timedelta(days=100 + i % 300)
                if PHASES[i % len(PHASES)] in ("completed", "accepted", "failed")
                else None,
                accepted_on=today - dt.timedelta(days=50)
                if PHASES[i % len(PHASES)] == "accepted"
                else None,
                om_ineligible=PHASES[i % len(PHASES)] == "failed",
            )
            for i in approved
        ],
        spec.batch,
    )
    plans = _plans(spec, user, now)
    _bulk(
        PlanEntry,
        [
            PlanEntry(version=plans[spec.year(i)], project_id=pk[i], amount=Decimal(800_000))
            for i in approved
        ],
        spec.batch,
    )
    _bulk(
        BudgetLine,
        [
            BudgetLine(
                project_id=pk[i], year=spec.year(i), amount=Decimal(700_000), created_by=user
            )
            for i in approved
        ],
        spec.batch,
    )
    _bulk(
        Contract,
        [
            Contract(
                project_id=pk[i],
                number=f"{spec.money_prefix}HT-{i}",
                title="合同",
                supplier="供应商",
                method="open",
                amount=Decimal(600_000 + (i % 7) * 100_000),
                signed_on=today,
                created_by=user,
            )
            for i in approved
        ],
        spec.batch,
    )
    ids = [pk[i] for i in approved]
    contracts = dict(Contract.objects.filter(project_id__in=ids).values_list("project_id", "pk"))
    lines = dict(BudgetLine.objects.filter(project_id__in=ids).values_list("project_id", "pk"))
    payments = [
        Payment(
            contract_id=contracts[pk[i]],
            budget_line_id=lines[pk[i]],
            paid_on=today,
            amount=Decimal(300_000),
            payee="供应商",
            voucher_number=f"{spec.money_prefix}PZ-{i}",
            recorded_by=user,
        )
        for i in approved[::2]
    ]
    _bulk(Payment, payments, spec.batch)
    _bulk(
        Incident,
        [
            Incident(
                project_id=pk[i],
                kind="delay",
                description="进度滞后",
                state="rectifying" if i % 2 else "reported",
                rectification_deadline=today - dt.timedelta(days=5) if i % 2 else None,
                reported_by=user,
            )
            for i in approved[::50]
        ],
        spec.batch,
    )
    return {
        "projects": spec.count,
        "approved": len(approved),
        "reviews": reviews,
        "list_entries": listed,
        "deliveries": len(approved),
        "contracts": len(approved),
        "payments": len(payments),
    }
