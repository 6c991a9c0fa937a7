"""Gate evaluation cost at the city's scale (BENCH_SCALE projects): queries and median time of one transition's gate."""

from __future__ import annotations

import statistics
import tempfile
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench import rolled_back
from bench.results import (
    SCALE,
    at_most,
)
from core.dates import today

PROJECTS = SCALE
GOAL_QUERIES = 5
GOAL_MS = 2.0
RUNS = 200
STORED_RUNS = 50  # each stores a Decision: on SQLite a commit (fsync) per run
BATCH = 2_000

KINDS = ("new", "expansion", "om", "continuing")
STATES = (
    "draft",
    "submitted",
    "listed",
    "evaluation",
    "joint_review",
    "drc_review",
    "approved",
    "returned",
)
CHAPTERS = ("data_governance", "data_sharing", "security", "crypto", "intensive")
JOINT = ("cac", "finance", "bdb", "crypto", "secrecy")


def populate(count: int, *, unit, user, year: int, start: int = 0) -> list:
    """Bulk-create ``count`` projects of ``unit`` in mixed kinds and states, with reviews
    (every 2nd: a list review; every 4th: a round of joint opinions), documents (every 3rd:
    a data catalog and a chapter attachment) and chapter texts (every 5th). Codes start with
    ``BK-`` so they never meet ``next_project_code``. Returns the projects."""
    from documents.models import Document
    from projects.models import ChapterDeclaration, Project, Review

    projects = [
        Project(
            code=f"BK-{year}-{start + i:06d}",
            unit=unit,
            name=f"批量项目{start + i}",
            kind=KINDS[i % len(KINDS)],
            year=year,
            total_investment=Decimal(1_000_000 + (i % 60) * 1_000_000),
            state=STATES[i % len(STATES)],
            returned_from="joint_review" if STATES[i % len(STATES)] == "returned" else "",
            requirement="批量生成的项目需求。",
            created_by=user,
        )
        for i in range(count)
    ]
    Project.objects.bulk_create(projects, batch_size=BATCH)
    reviews, documents, chapters = [], [], []
    project_ct = ContentType.objects.get_for_model(Project)
    for i, p in enumerate(projects):
        if i % 2 == 0:
            reviews.append(Review(project=p, kind="list", authority="bdb", state="agreed"))
        if i % 4 == 0:
            reviews += [Review(project=p, kind="joint", authority=a, state="agreed") for a in JOINT]
        if i % 3 == 0:
            documents += [
                Document(
                    subject_type=project_ct,
                    subject_id=p.pk,
                    doc_type="data_catalog",
                    title="数据资源目录",
                    organisation=unit,
                    created_by=user,
                ),
                Document(
                    subject_type=project_ct,
                    subject_id=p.pk,
                    doc_type="chapter",
                    chapter=CHAPTERS[i % 5],
                    title="章节附件",
                    organisation=unit,
                    created_by=user,
                ),
            ]
        if i % 5 == 0:
            chapters += [
                ChapterDeclaration(project=p, stage="fsr", chapter=c, text="内容", updated_by=user)
                for c in CHAPTERS
            ]
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    Document.objects.bulk_create(documents, batch_size=BATCH)
    ChapterDeclaration.objects.bulk_create(chapters, batch_size=BATCH)
    return projects


def targets(people) -> dict:
    """Real projects walked by the real actions to the states whose gates are measured."""
    from projects.models import ProjectState as S
    from projects.walk import Walker

    walker = Walker(people)
    listed = walker.walk(walker.create("学生资助精准认定系统", "800"), S.LISTED)
    walker.chapters(listed)
    walker.ready_for_approval_docs(listed)
    walker.publish(listed.year)
    drc = walker.walk(walker.create("学生资助精准认定系统", "3500"), S.DRC_REVIEW)
    draft = walker.create("学生资助精准认定系统", "600")
    return {"draft": draft, "listed": listed, "drc_review": drc}


# gate -> (target, facts the action adds to the context)
def gate_cases(consultant: str) -> dict:
    from projects.walk import OPINION_TEXT

    approval = {
        "chapter_opinions": OPINION_TEXT,
        "document_number": "渝发改数〔2026〕1号",
        "approved_amount": Decimal("35000000.00"),
    }
    return {
        "projects.submit": ("draft", {}),
        "projects.accept": ("listed", {"consultant": consultant}),
        "projects.approve_fsr": ("drc_review", approval),
        "projects.approve": ("drc_review", approval),
        "projects.joint_review.complete": ("drc_review", {}),
        "investment.plan.entry": ("drc_review", {}),
    }


def measure(gate: str, project, facts: dict, *, runs: int, store: bool = False):
    """(median seconds, queries of one evaluation) of ``gate`` on a freshly loaded project."""
    from policy.engine import evaluate_gate, preview_gate
    from projects.models import Project
    from projects.services import project_context

    def once():
        p = Project.objects.select_related("unit").get(pk=project.pk)
        t0 = time.perf_counter()
        ctx = project_context(p, **facts)
        if store:
            evaluate_gate(gate, ctx, organisation=p.unit)
        else:
            preview_gate(gate, ctx)
        return time.perf_counter() - t0

    once()  # warm caches (content types)
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        once()
    times = [once() for _ in range(runs)]
    return statistics.median(times), len(captured.captured_queries)


def run() -> None:
    rolled_back(_run)


def _run() -> None:
    from accounts.demo import seed_directory
    from planning.demo import seed_planning
    from projects.models import Project

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="govit-bench-media-")
    settings.DEBUG = False  # no per-query debug logging while measuring, as in production
    with transaction.atomic():  # one commit for the setup, not one per action
        people = seed_directory()
        seed_planning(people)
        walked = targets(people)
    officer = people["jw_tianbao"]
    t0 = time.perf_counter()
    with transaction.atomic():
        populate(
            PROJECTS - Project.objects.count(),
            unit=officer.primary_organisation,
            user=officer,
            year=today().year + 2,
        )
    build_s = time.perf_counter() - t0
    print(
        f"  database: {connection.vendor}; projects: {Project.objects.count():,} "
        f"(bulk-created in {build_s:.2f} s); runs per gate: {RUNS} preview, {STORED_RUNS} stored"
    )
    for gate, (target, facts) in gate_cases("重庆市工程咨询院（示例）").items():
        median_s, queries = measure(gate, walked[target], facts, runs=RUNS)
        print(f"  {gate:32s} preview: median {median_s * 1000:6.2f} ms, {queries} queries")
        at_most("gates", f"{gate} queries", queries, GOAL_QUERIES, "queries")
        at_most("gates", f"{gate} median", median_s * 1000, GOAL_MS, "ms")
    for gate in ("projects.accept", "projects.approve_fsr"):
        target, facts = gate_cases("重庆市工程咨询院（示例）")[gate]
        median_s, queries = measure(gate, walked[target], facts, runs=STORED_RUNS, store=True)
        print(f"  {gate:32s} stored:  median {median_s * 1000:6.2f} ms, {queries} queries")
