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

import os
import time

from django.db import connection, transaction

from accounts.demo import seed_directory
from accounts.models import Organisation
from delivery.models import Delivery, Incident
from demo.portfolio import projects as portfolio
from demo.portfolio.directory import bulk_units
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
    """The portfolio, by the shared builder of ``generate_portfolio`` (demo.portfolio)."""
    units = bulk_units("报表基准单位", "报表", UNITS)
    spec = portfolio.Spec(
        count=PROJECTS,
        units=units,
        years=YEARS,
        prefix="BENCH-RPT-",
        name="报表基准项目",
        state_of=_state,
        plan_year_offset=100,  # its own plans, out of the demo's years
        batch=BATCH,
    )
    return portfolio.build(user, spec)


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
    from bench import results
    from reports import dashboards, figures, health
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
    # the bulk load went round the models' signals: the daily task's full recompute
    start = time.perf_counter()
    stored = figures.refresh_all(health.context())
    print(
        f"  stored the figures of {stored:,} projects (figures.refresh_all, daily task) in {time.perf_counter() - start:.1f} s"
    )
    if pg:  # as autovacuum leaves the tables after a bulk load (index-only counts)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    try:
        # a page's data: its scope (with the check that the stored figures are current) and
        # its charts; a fresh scope each time, as each request has
        print(f"  {'chart':<12} {'govit ms':>9} {'SQL ms':>8} {'ratio':>6}")
        for key, compute in dashboards.CHARTS.items():
            ours = best(lambda c=compute: c(dashboards.scope_for(user, {})))
            theirs = best(lambda k=key: peer(k)) if key in PEER_SQL and pg else None
            ratio = f"{ours / theirs:5.1f}×" if theirs else "   —"
            print(f"  {key:<12} {ours * 1000:9.0f} {theirs * 1000 if theirs else 0:8.0f} {ratio}")
        for family in dashboards.FAMILIES.values():
            if family.unit_only:
                continue

            def page(f=family):
                return dashboards.compute(f, dashboards.scope_for(user, {}))

            ours = best(page)
            peers = [k for k in family.charts if k in PEER_SQL]
            detail = f"{len(family.charts)} charts, {connection.vendor}, {PROJECTS:,} projects"
            results.at_most("reports", f"{family.key} data", ours * 1000, TARGET_MS, "ms", detail)
            if pg and peers:
                subject, theirs = results.alternate(
                    page, lambda p=peers: [peer(k) for k in p], runs=3
                )
                results.time_vs_peer(
                    "reports",
                    f"{family.key} data vs hand-written SQL",
                    subject,
                    theirs,
                    at_most=1.0,
                    detail=f"peer: live SQL of {', '.join(peers)}; "
                    f"{subject * 1e3:,.0f} ms vs {theirs * 1e3:,.0f} ms",
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
        results.at_most(
            "reports",
            "PDF (approval reply)",
            max(cold, warm) * 1000,
            TARGET_PDF_S * 1000,
            "ms",
            f"cold {cold * 1000:,.0f} ms, warm {warm * 1000:,.0f} ms",
        )
    finally:
        if not os.environ.get("BENCH_REPORTS_KEEP"):
            cleanup()


def cleanup() -> None:
    from reports.figures import unwatched
    from reports.models import ProjectHealth

    with transaction.atomic(), unwatched():  # no signal per deleted row
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
