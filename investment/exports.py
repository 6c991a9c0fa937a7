"""Spreadsheets of the investment chapter for DRC and Finance: the annual plan with the
evaluation results beside each project (Art. 10, 37), the reconciliation of budgets with the
plan (Art. 10 ¶2) and the register of change requests (Art. 26).

Every file is written by the platform's one export helper (``core.xlsx``): amounts are the
exact 万元 (Decimal yuan / 10,000, shown with two decimals), so that ``SUM()`` of a column in
Excel, WPS or LibreOffice equals its 合计 row, which is the exact sum too; dates are date
cells; each sheet is named and has an autofilter; text is never a formula. Sum rows hold values
rather than formulas: a formula has no cached value until a spreadsheet program recomputes it,
and machine readers of the file would see nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

from core.enums import choice_labels
from core.xlsx import Column, Sheet, workbook
from projects.models import Project, ProjectKind

from .models import (
    ChangeClass,
    ChangeRequest,
    ChangeState,
    Circumstance,
    EvaluationKind,
    EvaluationResult,
    PlanEntry,
    PlanVersion,
)
from .services import reconcile

# value -> label as plain str (openpyxl cannot write lazy translation proxies)
_labels = choice_labels


# -- annual plan with evaluation results (Art. 10, 37; R37.1) --------------------------------


EVAL_SHORT: dict[str, str] = {EvaluationKind.SELF: "自评价", EvaluationKind.POST: "后评价"}


def _evaluation_text(result: EvaluationResult, prefix: str = "") -> str:
    text = f"{prefix}{EVAL_SHORT.get(result.kind, result.kind)}（{result.completed_on:%Y-%m-%d}）"
    score = f"{result.score}分" if result.score is not None else ""
    verdict = " ".join(x for x in (result.grade, score) if x)
    text += f"：{verdict}" if verdict else ""
    conclusion = " ".join(result.conclusion.split())
    return f"{text}。{conclusion}" if conclusion else text


def evaluation_summaries(project_ids) -> dict[int, str]:
    """project id -> the latest evaluation result of each kind, of the project itself and of the
    earlier project it expands (改扩建: the predecessor's post-evaluation matters most, Art. 14,
    37). ``project_ids`` may be a subquery (``.values("project_id")``), so that a whole plan
    needs no list of ids. Two queries; projects without any result are left out."""
    projects = Project.objects.filter(pk__in=project_ids)
    predecessors = dict(
        projects.filter(predecessor__isnull=False).values_list("pk", "predecessor_id")
    )
    latest: dict[int, dict[str, EvaluationResult]] = defaultdict(dict)
    # ordered by project, newest first: the first seen of each kind is the latest
    wanted = Q(project__in=projects)
    if predecessors:
        wanted |= Q(project_id__in=set(predecessors.values()))
    results = EvaluationResult.objects.filter(wanted).order_by("project_id", "-completed_on", "-id")
    for r in results:
        latest[r.project_id].setdefault(r.kind, r)
    out = {}
    for pid in set(latest) | set(predecessors):
        texts = [_evaluation_text(r) for r in latest.get(pid, {}).values()]
        pred = predecessors.get(pid)
        if pred is not None:
            texts += [_evaluation_text(r, "原项目") for r in latest.get(pred, {}).values()]
        if texts:
            out[pid] = "；".join(texts)
    return out


PLAN_COLUMNS = [
    Column("序号", "int", 7),
    Column("建设单位", width=26),
    Column("项目编号", width=20),
    Column("项目名称", width=40),
    Column("项目类型", width=10),
    Column("计划金额（万元）", "wan", 16, total=True),
    Column("评价结果（第三十七条）", "wrap", 50),
    Column("备注", width=20),
]


def plan_xlsx(version: PlanVersion) -> bytes:
    """The plan version as one sheet: unit, project, kind, amount in 万元, the evaluation results
    beside each project (R37.1) and a 合计 row."""
    entries = PlanEntry.objects.filter(version=version)
    rows = list(
        entries.order_by("project__unit__name", "project__code").values_list(
            "project_id",
            "project__unit__name",
            "project__code",
            "project__name",
            "project__kind",
            "amount",
            "note",
        )
    )
    evaluations = evaluation_summaries(entries.values("project_id"))
    kinds = _labels(ProjectKind)
    body = (
        [n, unit, code, name, kinds.get(kind, kind), amount, evaluations.get(pid, ""), note]
        for n, (pid, unit, code, name, kind, amount, note) in enumerate(rows, start=1)
    )
    sheet = Sheet(
        f"{version.plan.year}年投资计划",
        PLAN_COLUMNS,
        body,
        total_label="合计",
        total_note=f"{len(rows)} 个项目",
    )
    return workbook(sheet)


# -- reconciliation of budgets with the plan (R10.2) -----------------------------------------


RECON_COLUMNS = [
    Column("项目编号", width=20),
    Column("项目名称", width=40),
    Column("建设单位", width=26),
    Column("计划金额（万元）", "wan", 16, total=True),
    Column("预算金额（万元）", "wan", 16, total=True),
    Column("差额（万元，预算−计划）", "wan", 18, total=True),
    Column("问题", width=22),
]


def reconciliation_xlsx(year: int) -> bytes:
    """Every mismatch between the year's budgets and its current plan (``services.reconcile``),
    a 差异合计 row summing the mismatches, and the totals of the whole plan and budget."""
    rec = reconcile(year)
    body = (
        [r.code, r.name, r.unit, r.plan_amount, r.budget_amount, r.difference, r.problem]
        for r in rec["rows"]
    )
    version, mismatches = rec["version"], len(rec["rows"])
    whole_year = [
        "全年合计",
        f"现行计划：{version}（{rec['entries']} 个项目）" if version else "尚无发布的计划",
        "",
        rec["plan_total"],
        rec["budget_total"],
        rec["budget_total"] - rec["plan_total"],
        "一致" if not mismatches else f"{mismatches} 项不一致",
    ]
    sheet = Sheet(
        f"{year}年预算与计划对账",
        RECON_COLUMNS,
        body,
        total_label="差异合计",
        total_note=f"{mismatches} 个项目",
        footer=[whole_year],
    )
    return workbook(sheet)


# -- register of change requests (R26.1) ------------------------------------------------------


CHANGE_COLUMNS = [
    Column("项目编号", width=20),
    Column("项目名称", width=36),
    Column("建设单位", width=26),
    Column("序号", "int", 7),
    Column("分类", width=28),
    Column("状态", width=18),
    Column("调整后总投资（万元）", "wan", 18),
    Column("本次调整金额（万元）", "wan", 18, total=True),
    Column("累计调整金额（万元）", "wan", 18),
    Column("适用情形", "wrap", 40),
    Column("建设目标变化", width=12),
    Column("提交日期", "date", 12),
    Column("备案日期", "date", 12),
    Column("审批日期", "date", 12),
]


def _change_rows(changes: Iterable[ChangeRequest]) -> Iterator[list[Any]]:
    classes, states = _labels(ChangeClass), _labels(ChangeState)
    circumstances = _labels(Circumstance)
    for c in changes:
        yield [
            c.project.code,
            c.project.name,
            c.project.unit.name,
            c.number,
            classes.get(c.classification, c.classification),
            states.get(c.state, c.state),
            c.new_total,
            c.moved_amount,
            c.cumulative_moved,
            circumstances.get(c.circumstance, "未选择"),
            "是" if c.goals_changed else "否",
            c.created_at,
            # a filing takes effect when it is submitted (the four conditions of Art. 26 hold)
            c.created_at if c.state == ChangeState.FILED else None,
            c.decided_at,
        ]


def change_register_xlsx(changes: Iterable[ChangeRequest]) -> bytes:
    """The given change requests (a queryset already restricted to the user, or a list), one
    row each — the adjusted total, the amounts moved, the dates submitted, filed and decided —
    with a 合计 row of the amounts moved."""
    changes = list(
        changes.select_related("project__unit") if hasattr(changes, "select_related") else changes
    )
    sheet = Sheet(
        "项目调整登记",
        CHANGE_COLUMNS,
        _change_rows(changes),
        total_label="合计",
        total_note=f"{len(changes)} 项调整",
    )
    return workbook(sheet)
