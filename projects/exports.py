"""Spreadsheets of the projects chapter: the project list page as filtered (its columns) and a
published version of the project list (Art. 8 ¶2, R8.2).

Both are written by the platform's one export helper (``core.xlsx``): amounts are the exact
万元, so ``SUM()`` of the column equals the 合计 row (the exact sum, not a sum of rounded rows),
dates are date cells, the sheet is named and has an autofilter, text is never a formula.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from core.xlsx import Column, Sheet, workbook

from .models import Project, ProjectListVersion

#: the columns of the project list page (``projects/list.html``)
PROJECT_COLUMNS = [
    Column("项目编号", width=20),
    Column("项目名称", width=40),
    Column("建设单位", width=26),
    Column("类型", width=10),
    Column("年度", "int", 8),
    Column("总投资（万元）", "wan", 16, total=True),
    Column("状态", width=18),
    Column("审批路径", width=12),
    Column("更新", "date", 12),
]
#: the page's short words for the approval path (Art. 9)
PATH_WORDS = {"two": "两阶段", "single": "一次审批"}


def _project_rows(projects: QuerySet[Project]) -> Iterator[list[Any]]:
    p: Any
    for p in projects.select_related("unit").iterator(chunk_size=2000):
        yield [
            p.code,
            p.name,
            p.unit.display_name,
            str(p.get_kind_display()),
            p.year,
            p.total_investment,
            str(p.get_state_display()),
            PATH_WORDS.get(p.approval_path, "—"),
            p.updated_at,
        ]


def project_list_xlsx(projects: QuerySet[Project]) -> bytes:
    """The projects as the list page shows them (already filtered and ordered), one row each,
    with a 合计 row of the total investment."""
    sheet = Sheet(
        "项目",
        PROJECT_COLUMNS,
        _project_rows(projects),
        total_label="合计",
        total_note=f"{projects.count()} 个项目",
    )
    return workbook(sheet)


#: the columns of a published version of the project list
LIST_COLUMNS = [
    Column("序号", "int", 6),
    Column("建设单位", width=24),
    Column("项目编号", width=16),
    Column("项目名称", width=40),
    Column("项目类型", width=10),
    Column("总投资（万元）", "wan", 16, total=True),
    Column("优先级", "int", 8),
]
XLSX_HEADERS = tuple(c.header for c in LIST_COLUMNS)


def list_version_xlsx(version: ProjectListVersion) -> bytes:
    """The version as it was published: its entries by priority, with a 合计 row."""
    entries = list(version.entries.select_related("project").order_by("priority", "project_id"))
    rows = [
        [
            seq,
            entry.unit_name,
            entry.project.code,
            entry.project_name,
            str(entry.get_kind_display()),
            entry.amount,
            entry.priority,
        ]
        for seq, entry in enumerate(entries, start=1)
    ]
    sheet = Sheet(
        f"{version.year}年第{version.number}版",
        LIST_COLUMNS,
        rows,
        total_label="合计",
        total_note=f"共 {len(entries)} 个项目",
    )
    return workbook(sheet)
