"""Spreadsheets of the investment chapter for DRC and Finance: the annual plan with the
evaluation results beside each project (Art. 10, 37), the reconciliation of budgets with the
plan (Art. 10 ¶2) and the register of change requests (Art. 26).

Amounts are 万元 numbers with two decimals (exact: converted from Decimal yuan, never from a
float), so that Finance can sum and filter them in Excel or WPS. Sum rows hold values rather
than formulas: a formula has no cached value until a spreadsheet program recomputes it, and
machine readers of the file would see nothing. Workbooks are written in openpyxl's write-only
mode, which streams rows and keeps a 20,000-entry plan well within a few seconds.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.money import CENT, YUAN_PER_WAN
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
from .services import ZERO, reconcile

MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


def _labels(choices) -> dict[str, str]:
    """value -> label as plain str (openpyxl cannot write lazy translation proxies)."""
    return {k: str(v) for k, v in choices.choices}


def wan(yuan: Decimal | None) -> Decimal | None:
    """Decimal yuan -> Decimal 万元 with two places (None stays None)."""
    if yuan is None:
        return None
    return (Decimal(yuan) / YUAN_PER_WAN).quantize(CENT, rounding=ROUND_HALF_UP)


class _Sheet:
    """A write-only worksheet with a bold, frozen header row, column widths, and cells typed
    by column: money columns get '#,##0.00', date columns 'yyyy-mm-dd'."""

    def __init__(self, wb: Workbook, title: str, columns: list[tuple[str, int, str]]):
        # columns: (header, width, type) where type is "text", "money", "date" or "wrap"
        self.ws = wb.create_sheet(title=title[:31])
        self.types = [t for _h, _w, t in columns]
        self.ws.freeze_panes = "A2"
        for n, (_h, width, _t) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(n)].width = width
        header = []
        for h, _w, _t in columns:
            cell = WriteOnlyCell(self.ws, value=h)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        self.ws.append(header)
        # One styled cell per column, reused row after row: write-only rows are serialised
        # as soon as they are appended, and creating and styling a cell for every amount is
        # what made 20,000-row sheets slow. Plain text columns take bare values.
        self._templates = [self._styled_cell(t) if t != "text" else None for t in self.types]

    def _styled_cell(self, kind: str, *, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        if kind == "money":
            cell.number_format = MONEY_FORMAT
        elif kind == "date":
            cell.number_format = DATE_FORMAT
        elif kind == "wrap":
            cell.alignment = WRAP
        if bold:
            cell.font = BOLD
        return cell

    def row(self, values: Iterable, *, bold: bool = False) -> None:
        """Append a row; None and "" leave the cell empty."""
        out: list = []
        for value, kind, template in zip(values, self.types, self._templates, strict=True):
            if value is None or value == "":
                out.append(None)
            elif bold:
                cell = self._styled_cell(kind, bold=True)
                cell.value = value
                out.append(cell)
            elif template is None:
                out.append(value)
            else:
                template.value = value
                out.append(template)
        self.ws.append(out)


def _workbook() -> Workbook:
    return Workbook(write_only=True)


def _bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _local_date(value) -> dt.date | None:
    """Excel has no time zones: aware datetimes become the Asia/Shanghai calendar date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


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
    ("序号", 7, "text"),
    ("建设单位", 26, "text"),
    ("项目编号", 20, "text"),
    ("项目名称", 40, "text"),
    ("项目类型", 10, "text"),
    ("计划金额（万元）", 16, "money"),
    ("评价结果（第三十七条）", 50, "wrap"),
    ("备注", 20, "text"),
]


def plan_xlsx(version: PlanVersion) -> bytes:
    """The plan version as one sheet: unit, project, kind, amount in 万元, the evaluation results
    beside each project (R37.1) and a sum row."""
    rows = list(
        PlanEntry.objects.filter(version=version)
        .order_by("project__unit__name", "project__code")
        .values_list(
            "project_id",
            "project__unit__name",
            "project__code",
            "project__name",
            "project__kind",
            "amount",
            "note",
        )
    )
    evaluations = evaluation_summaries(
        PlanEntry.objects.filter(version=version).values("project_id")
    )
    kinds = _labels(ProjectKind)
    wb = _workbook()
    sheet = _Sheet(wb, f"{version.plan.year}年投资计划", PLAN_COLUMNS)
    total = ZERO
    for n, (pid, unit, code, name, kind, amount, note) in enumerate(rows, start=1):
        total += amount
        sheet.row(
            [
                n,
                unit,
                code,
                name,
                kinds.get(kind, kind),
                wan(amount),
                evaluations.get(pid, ""),
                note,
            ]
        )
    sheet.row(["合计", f"{len(rows)} 个项目", "", "", "", wan(total), "", ""], bold=True)
    return _bytes(wb)


# -- reconciliation of budgets with the plan (R10.2) -----------------------------------------


RECON_COLUMNS = [
    ("项目编号", 20, "text"),
    ("项目名称", 40, "text"),
    ("建设单位", 26, "text"),
    ("计划金额（万元）", 16, "money"),
    ("预算金额（万元）", 16, "money"),
    ("差额（万元，预算−计划）", 18, "money"),
    ("问题", 22, "text"),
]


def reconciliation_xlsx(year: int) -> bytes:
    """Every mismatch between the year's budgets and its current plan (``services.reconcile``),
    a sum row over the mismatches, and the totals of the whole plan and budget."""
    rec = reconcile(year)
    wb = _workbook()
    sheet = _Sheet(wb, f"{year}年预算与计划对账", RECON_COLUMNS)
    plan_sum = budget_sum = ZERO
    for r in rec["rows"]:
        plan_sum += r.plan_amount or ZERO
        budget_sum += r.budget_amount
        sheet.row(
            [
                r.code,
                r.name,
                r.unit,
                wan(r.plan_amount),
                wan(r.budget_amount),
                wan(r.difference),
                r.problem,
            ]
        )
    sheet.row(
        [
            "差异合计",
            f"{len(rec['rows'])} 个项目",
            "",
            wan(plan_sum),
            wan(budget_sum),
            wan(budget_sum - plan_sum),
            "",
        ],
        bold=True,
    )
    version = rec["version"]
    sheet.row(
        [
            "全年合计",
            f"现行计划：{version}（{rec['entries']} 个项目）" if version else "尚无发布的计划",
            "",
            wan(rec["plan_total"]),
            wan(rec["budget_total"]),
            wan(rec["budget_total"] - rec["plan_total"]),
            "一致" if not rec["rows"] else f"{len(rec['rows'])} 项不一致",
        ],
        bold=True,
    )
    return _bytes(wb)


# -- register of change requests (R26.1) ------------------------------------------------------


CHANGE_COLUMNS = [
    ("项目编号", 20, "text"),
    ("项目名称", 36, "text"),
    ("序号", 7, "text"),
    ("分类", 28, "text"),
    ("状态", 18, "text"),
    ("本次调整金额（万元）", 18, "money"),
    ("累计调整金额（万元）", 18, "money"),
    ("适用情形", 40, "wrap"),
    ("建设目标变化", 12, "text"),
    ("提交日期", 12, "date"),
    ("审批日期", 12, "date"),
]


def change_register_xlsx(changes: Iterable[ChangeRequest]) -> bytes:
    """The given change requests (a queryset already restricted to the user, or a list), one
    row each, with a sum row of the amounts moved."""
    if hasattr(changes, "select_related"):
        changes = changes.select_related("project")
    classes, states = _labels(ChangeClass), _labels(ChangeState)
    circumstances = _labels(Circumstance)
    wb = _workbook()
    sheet = _Sheet(wb, "项目调整登记", CHANGE_COLUMNS)
    moved = ZERO
    count = 0
    for c in changes:
        count += 1
        moved += c.moved_amount
        sheet.row(
            [
                c.project.code,
                c.project.name,
                c.number,
                classes.get(c.classification, c.classification),
                states.get(c.state, c.state),
                wan(c.moved_amount),
                wan(c.cumulative_moved),
                circumstances.get(c.circumstance, "未选择"),
                "是" if c.goals_changed else "否",
                _local_date(c.created_at),
                _local_date(c.decided_at),
            ]
        )
    sheet.row(
        ["合计", f"{count} 项调整", "", "", "", wan(moved), "", "", "", None, None], bold=True
    )
    return _bytes(wb)
