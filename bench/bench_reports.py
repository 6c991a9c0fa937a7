"""Dashboards at 100,000 projects (each ≤ 300 ms on PostgreSQL) vs hand-written SQL; a PDF (≤ 1 s).

The portfolio is bulk-created as the actions would leave it: 100,000 projects of 400 units over
five plan years, by state (15 % still in review, 5 % returned or rejected, 80 % approved) and,
once approved, by delivery phase (preparing, construction, trial, completed, accepted, failed);
each has its list review, half an evaluation and joint review (five opinions) and DRC's
approval; approved ones have a plan entry, a budget line, a contract and, half of them, a
payment; 2 % have an open incident (half with a past rectification deadline), 1 % are
suspended; annual reports for half of those under construction. Then every approved project is
rated (``reports.health.refresh``, timed once) and each role family's dashboard data is computed
as the city government sees it, best of five, against a hand-written SQL peer of the same
figures (funnel, money by year and unit, review throughput, supervision flags, health). A PDF
(the approval reply) is typeset cold and warm. The data is deleted afterwards.

``BENCH_REPORTS_PROJECTS`` makes it smaller for a quick try; ``BENCH_REPORTS_KEEP=1`` keeps the
portfolio for the next run (which then skips building it). On SQLite the figures are printed
for information; the targets are for PostgreSQL (``DATABASE_URL=postgres://…``).
"""

import datetime as dt
import os
import time
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accounts.demo import seed_directory
from accounts.models import Organisation
from accounts.roles import OrgKind
from delivery.models import Delivery, Incident
from investment.models import (
    AnnualPlan,
    BudgetLine,
    Contract,
    Payment,
    PlanEntry,
    PlanVersion,
)
from projects.models import Project, Review

PROJECTS = int(os.environ.get("BENCH_REPORTS_PROJECTS", "100000"))
UNITS = 400
YEARS = (2023, 2024, 2025, 2026, 2027)
BATCH = 5_000
RUNS = 5
TARGET_MS = 300
TARGET_PDF_S = 1.0
PHASES = ["preparing", "construction", "construction", "trial", "completed", "accepted", "failed"]
IN_REVIEW = ["submitted", "list_review", "listed", "evaluation", "joint_review", "drc_review"]


def _state(i: int) -> str:
    b = i % 100
    if b < 15:
        return IN_REVIEW[i % len(IN_REVIEW)]
    if b < 20:
        return "returned" if b % 2 else "rejected"
    return "approved"


def _bulk(model, rows) -> None:
    model.objects.bulk_create(rows, batch_size=BATCH)


def build(user) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    _bulk(
        Organisation,
        [
            Organisation(name=f"报表基准单位{u:03d}", short_name=f"报表{u:03d}", kind=OrgKind.UNIT)
            for u in range(UNITS)
        ],
    )
    units = list(
        Organisation.objects.filter(name__startswith="报表基准单位").values_list("pk", flat=True)
    )
    _bulk(
        Project,
        [
            Project(
                code=f"BENCH-RPT-{i:06d}",
                unit_id=units[i % UNITS],
                name=f"报表基准项目{i:06d}",
                kind=("new", "expansion", "continuing", "om")[i % 4],
                year=YEARS[i % len(YEARS)],
                total_investment=Decimal(1_000_000 + (i % 97) * 10_000),
                state=_state(i),
                approval_path="single",
                approved_total=Decimal(1_000_000 + (i % 97) * 9_000)
                if _state(i) == "approved"
                else None,
                approved_at=now - dt.timedelta(days=30 + i % 900)
                if _state(i) == "approved"
                else None,
                suspended_at=now if i % 100 == 99 else None,
                created_by=user,
                submitted_at=now,
            )
            for i in range(PROJECTS)
        ],
    )
    ids = dict(Project.objects.filter(code__startswith="BENCH-RPT-").values_list("code", "pk"))
    pk = [ids[f"BENCH-RPT-{i:06d}"] for i in range(PROJECTS)]
    approved = [i for i in range(PROJECTS) if _state(i) == "approved"]
    reviews = []
    for i in range(PROJECTS):
        created = now - dt.timedelta(days=60 + i % 300)
        decided = created + dt.timedelta(days=1 + i % 20)
        reviews.append(
            Review(
                project_id=pk[i],
                kind="list",
                state="agreed",
                created_at=created,
                decided_at=decided,
            )
        )
        if i % 2 == 0 or _state(i) == "approved":
            reviews.append(
                Review(
                    project_id=pk[i],
                    kind="evaluation",
                    state="agreed",
                    created_at=created,
                    decided_at=decided,
                )
            )
            reviews += [
                Review(
                    project_id=pk[i],
                    kind="joint",
                    authority=a,
                    state="agreed",
                    created_at=created,
                    decided_at=decided,
                )
                for a in ("cac", "finance", "bdb", "crypto", "secrecy")
            ]
        if _state(i) == "approved":
            reviews.append(
                Review(
                    project_id=pk[i],
                    kind="drc_approval",
                    authority="drc",
                    state="agreed",
                    created_at=created,
                    decided_at=decided,
                )
            )
    _bulk(Review, reviews)
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
    )
    # bulk: a plan version is published through its machine in production; here it is data
    _bulk(AnnualPlan, [AnnualPlan(year=year + 100, created_by=user) for year in YEARS])
    _bulk(
        PlanVersion,
        [
            PlanVersion(plan=plan, number=1, state="published", published_at=now)
            for plan in AnnualPlan.objects.filter(year__gt=2100)
        ],
    )
    plans = {
        v.plan.year - 100: v
        for v in PlanVersion.objects.filter(plan__year__gt=2100).select_related("plan")
    }
    _bulk(
        PlanEntry,
        [
            PlanEntry(
                version=plans[YEARS[i % len(YEARS)]], project_id=pk[i], amount=Decimal(800_000)
            )
            for i in approved
        ],
    )
    _bulk(
        BudgetLine,
        [
            BudgetLine(
                project_id=pk[i], year=YEARS[i % 5], amount=Decimal(700_000), created_by=user
            )
            for i in approved
        ],
    )
    _bulk(
        Contract,
        [
            Contract(
                project_id=pk[i],
                number=f"HT-{i}",
                title="合同",
                supplier="供应商",
                method="open",
                amount=Decimal(600_000 + (i % 7) * 100_000),
                signed_on=today,
                created_by=user,
            )
            for i in approved
        ],
    )
    contracts = dict(
        Contract.objects.filter(number__startswith="HT-").values_list("project_id", "pk")
    )
    lines = dict(
        BudgetLine.objects.filter(project_id__in=[pk[i] for i in approved]).values_list(
            "project_id", "pk"
        )
    )
    _bulk(
        Payment,
        [
            Payment(
                contract_id=contracts[pk[i]],
                budget_line_id=lines[pk[i]],
                paid_on=today,
                amount=Decimal(300_000),
                payee="供应商",
                voucher_number=f"PZ-{i}",
                recorded_by=user,
            )
            for i in approved[::2]
        ],
    )
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
    )
    return {"approved": len(approved), "reviews": len(reviews)}


PEER_SQL = {
    "stages": """
        SELECT CASE WHEN p.state IN ('submitted','list_review','returned','rejected') THEN 1
                    WHEN p.state = 'listed' THEN 2 WHEN p.state = 'evaluation' THEN 3
                    WHEN p.state = 'joint_review' THEN 4
                    WHEN p.state IN ('drc_review','fsr_approved','design_review','design_drc_review') THEN 5
                    WHEN d.phase IN ('construction','trial') THEN 7
                    WHEN d.phase IN ('completed','failed') THEN 8
                    WHEN d.phase = 'accepted' THEN 9 WHEN p.state = 'approved' THEN 6 ELSE 0 END r,
               count(*)
        FROM projects_project p LEFT JOIN delivery_delivery d ON d.project_id = p.id
        WHERE p.state <> 'draft' GROUP BY 1""",
    "money_year": """
        SELECT year, sum(total_investment), sum(approved_total) FROM projects_project
        WHERE state <> 'draft' GROUP BY year;
        SELECT p.year, sum(e.amount) FROM investment_planentry e
          JOIN investment_planversion v ON v.id = e.version_id AND v.state = 'published'
          JOIN projects_project p ON p.id = e.project_id WHERE p.state <> 'draft' GROUP BY p.year;
        SELECT p.year, sum(b.amount) FROM investment_budgetline b
          JOIN projects_project p ON p.id = b.project_id WHERE p.state <> 'draft' GROUP BY p.year;
        SELECT p.year, sum(c.amount) FROM investment_contract c
          JOIN projects_project p ON p.id = c.project_id WHERE p.state <> 'draft' GROUP BY p.year;
        SELECT p.year, sum(y.amount) FROM investment_payment y
          JOIN investment_contract c ON c.id = y.contract_id
          JOIN projects_project p ON p.id = c.project_id WHERE p.state <> 'draft' GROUP BY p.year""",
    "reviews": """
        SELECT r.kind, count(*), avg(r.decided_at - r.created_at) FROM projects_review r
        JOIN projects_project p ON p.id = r.project_id
        WHERE p.state <> 'draft' AND r.decided_at IS NOT NULL
          AND r.state IN ('agreed','returned','rejected') GROUP BY r.kind""",
    "supervision": """
        SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM delivery_incident i WHERE i.project_id = p.id
                                               AND i.state IN ('reported','rectifying','suspended'))),
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM delivery_incident i WHERE i.project_id = p.id
                                               AND i.state = 'rectifying')),
               count(*) FILTER (WHERE p.suspended_at IS NOT NULL AND p.terminated_at IS NULL),
               count(*) FILTER (WHERE p.terminated_at IS NOT NULL)
        FROM projects_project p WHERE p.state <> 'draft'""",
    "health": """
        SELECT h.level, count(*) FROM reports_projecthealth h
        JOIN projects_project p ON p.id = h.project_id WHERE p.state <> 'draft' GROUP BY h.level""",
}


def best(func, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def peer(chart: str) -> None:
    with connection.cursor() as cursor:
        for sql in PEER_SQL[chart].split(";"):
            cursor.execute(sql)
            cursor.fetchall()


def run() -> None:
    from reports import dashboards, health
    from reports.builders import approval_spec
    from reports.pdf import render

    people = seed_directory()
    user = people["szf_shenpi"]
    pg = connection.vendor == "postgresql"
    start = time.perf_counter()
    if Project.objects.filter(code__startswith="BENCH-RPT-").count() == PROJECTS:
        made = {  # left by an earlier run with BENCH_REPORTS_KEEP=1
            "approved": Project.objects.filter(
                code__startswith="BENCH-RPT-", state="approved"
            ).count(),
            "reviews": Review.objects.filter(project__code__startswith="BENCH-RPT-").count(),
        }
    else:
        with transaction.atomic():
            made = build(people["fgw_jingban"])
    print(
        f"  built {PROJECTS:,} projects ({made['approved']:,} approved, {made['reviews']:,} reviews) in {time.perf_counter() - start:.1f} s"
    )
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    start = time.perf_counter()
    rated = health.refresh()
    print(
        f"  rated {rated:,} approved projects (health.refresh, background task) in {time.perf_counter() - start:.1f} s"
    )
    try:
        scope = dashboards.scope_for(user, {})
        print(f"  {'chart':<12} {'govit ms':>9} {'SQL ms':>8} {'ratio':>6}")
        for key, compute in dashboards.CHARTS.items():
            ours = best(lambda c=compute: c(scope))
            theirs = best(lambda k=key: peer(k)) if key in PEER_SQL and pg else None
            ratio = f"{ours / theirs:5.1f}×" if theirs else "   —"
            flag = "" if ours * 1000 <= TARGET_MS or not pg else "  OVER TARGET"
            print(
                f"  {key:<12} {ours * 1000:9.0f} {theirs * 1000 if theirs else 0:8.0f} {ratio}{flag}"
            )
        for family in dashboards.FAMILIES.values():
            if family.unit_only:
                continue
            total = best(lambda f=family: dashboards.compute(f, scope), runs=3)
            print(
                f"  dashboard {family.key:<11} {total * 1000:7.0f} ms for {len(family.charts)} charts"
            )
        review = (
            Review.objects.filter(kind="drc_approval", project__code__startswith="BENCH-RPT-")
            .select_related("project__unit")
            .first()
        )
        review.document_number = "渝发改投〔2026〕1号"
        start = time.perf_counter()
        render(approval_spec(review, review.document_number))
        cold = time.perf_counter() - start
        warm = best(lambda: render(approval_spec(review, review.document_number)))
        verdict = "ok" if max(cold, warm) <= TARGET_PDF_S else "OVER TARGET"
        print(
            f"  PDF (approval reply): {cold * 1000:.0f} ms cold, {warm * 1000:.0f} ms warm (≤ {TARGET_PDF_S:.0f} s: {verdict})"
        )
    finally:
        if not os.environ.get("BENCH_REPORTS_KEEP"):
            cleanup()


def cleanup() -> None:
    from reports.models import ProjectHealth

    with transaction.atomic():
        projects = Project.objects.filter(code__startswith="BENCH-RPT-")
        ProjectHealth.objects.filter(project__in=projects).delete()
        Payment.objects.filter(voucher_number__startswith="PZ-").delete()
        Incident.objects.filter(project__in=projects).delete()
        Contract.objects.filter(project__in=projects).delete()
        BudgetLine.objects.filter(project__in=projects).delete()
        PlanEntry.objects.filter(project__in=projects).delete()
        PlanVersion.objects.filter(plan__year__gt=2100).delete()
        AnnualPlan.objects.filter(year__gt=2100).delete()
        Delivery.objects.filter(project__in=projects).delete()
        Review.objects.filter(project__in=projects).delete()
        projects.delete()
        Organisation.objects.filter(name__startswith="报表基准单位").delete()
