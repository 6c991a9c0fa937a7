"""Spreadsheets for DRC and Finance (``investment.exports``), read back with openpyxl (and
LibreOffice where installed): the plan with evaluation results beside each project (R37.1), the
reconciliation of budgets with the plan (R10.2) and the register of change requests (R26.1).
Every file is checked for what every export holds to (``tests.xlsx_check``): named sheets with
an autofilter, no formula, ``SUM()`` of a money column equal to its 合计, dates as date cells."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.dates import today
from investment import actions, exports
from investment.models import EvaluationResult, PlanEntry
from projects.models import Project, ProjectState
from tests import xlsx_check

pytestmark = pytest.mark.django_db
OM = "重庆市教育管理公共服务平台运维"


def read(data: bytes):
    """The only sheet of the workbook, and its rows as values."""
    wb = xlsx_check.read(data)
    assert len(wb.worksheets) == 1
    ws = wb.worksheets[0]
    return ws, [list(r) for r in ws.iter_rows(values_only=True)]


def assert_header_style(ws, headers):
    assert ws.freeze_panes == "A2"
    for n, _h in enumerate(headers, start=1):
        assert ws.cell(row=1, column=n).font.b, n
    assert ws.column_dimensions["A"].width > 5 and ws.column_dimensions["B"].width > 5


@pytest.fixture
def om(walker):
    return walker.walk(walker.create(OM, "150"), ProjectState.LISTED)


@pytest.fixture
def plan(approved, om, personas):
    """The published plan of the approved project's year: 800万 + the O&M project 150.5万."""
    year = approved.year
    for project, wan in ((approved, "800"), (om, "150.5")):
        actions.add_plan_entry(acting_user=personas.drc, year=year, project=project, amount_wan=wan)
    return actions.publish_plan(acting_user=personas.drc, year=year)


PLAN_HEADERS = [
    "序号",
    "建设单位",
    "项目编号",
    "项目名称",
    "项目类型",
    "计划金额（万元）",
    "评价结果（第三十七条）",
    "备注",
]


def test_R37_1_plan_export_shows_evaluation_results_beside_each_project(
    plan, approved, om, personas
):
    # given a third-party post-evaluation and an older self-evaluation of the O&M system
    EvaluationResult.objects.create(
        project=om,
        kind="self",
        completed_on=dt.date(2025, 3, 1),
        grade="合格",
        conclusion="旧的自评价。",
        recorded_by=personas.drc,
    )
    EvaluationResult.objects.create(
        project=om,
        kind="self",
        completed_on=dt.date(2026, 3, 1),
        grade="良好",
        score=Decimal("86.50"),
        conclusion="系统运行稳定，数据共享率有待提高。",
        recorded_by=personas.drc,
    )
    EvaluationResult.objects.create(
        project=om,
        kind="post",
        completed_on=dt.date(2026, 6, 30),
        grade="优秀",
        score=Decimal("91.00"),
        conclusion="建议继续安排运维经费。",
        recorded_by=personas.consultant,
    )
    ws, rows = read(exports.plan_xlsx(plan))
    assert rows[0] == PLAN_HEADERS
    assert_header_style(ws, PLAN_HEADERS)
    by_code = {r[2]: r for r in rows[1:-1]}
    evaluation = by_code[om.code][6]
    # the latest of each kind, with grade, score and conclusion
    assert "后评价（2026-06-30）：优秀 91.00分。建议继续安排运维经费。" in evaluation
    assert "自评价（2026-03-01）：良好 86.50分。系统运行稳定" in evaluation
    assert "旧的自评价" not in evaluation
    # a project without evaluations shows nothing
    assert by_code[approved.code][6] in (None, "")


def test_plan_export_lists_entries_amounts_and_a_sum_row(plan, approved, om):
    ws, rows = read(exports.plan_xlsx(plan))
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 2
    assert [r[0] for r in body] == [1, 2]
    assert {r[2]: (r[1], r[3], r[4], r[5]) for r in body} == {
        approved.code: ("重庆市教育委员会", approved.name, "新建", 800.0),
        om.code: ("重庆市教育委员会", om.name, "运维", 150.5),
    }
    assert body[0][1] == approved.unit.name
    assert total[0] == "合计" and total[1] == "2 个项目" and total[5] == 950.5
    # amounts are numbers formatted with two decimals
    for row in range(2, len(rows) + 1):
        assert ws.cell(row=row, column=6).number_format == "#,##0.00"
    assert ws.cell(row=len(rows), column=1).font.b
    assert ws.title == f"{approved.year}年投资计划"
    assert xlsx_check.check_money(ws, "计划金额（万元）") == Decimal("950.5")


RECON_HEADERS = [
    "项目编号",
    "项目名称",
    "建设单位",
    "计划金额（万元）",
    "预算金额（万元）",
    "差额（万元，预算−计划）",
    "问题",
]


def test_reconciliation_export_lists_mismatches_and_totals(plan, approved, om, personas):
    year = approved.year
    actions.add_budget_line(
        acting_user=personas.finance, project=approved, year=year, amount_wan="700.25"
    )
    ws, rows = read(exports.reconciliation_xlsx(year))
    assert rows[0] == RECON_HEADERS
    assert_header_style(ws, RECON_HEADERS)
    body = {r[0]: r for r in rows[1:-2]}
    assert body[approved.code][1:] == [
        approved.name,
        "重庆市教育委员会",
        800.0,
        700.25,
        -99.75,
        "预算与计划金额不一致",
    ]
    assert body[om.code][3:] == [150.5, 0.0, -150.5, "计划项目未安排预算"]
    mismatches, whole = rows[-2], rows[-1]
    assert mismatches[0] == "差异合计" and mismatches[1] == "2 个项目"
    assert mismatches[3:6] == [950.5, 700.25, -250.25]
    assert whole[0] == "全年合计" and whole[3:6] == [950.5, 700.25, -250.25]
    assert whole[6] == "2 项不一致"
    for column in (4, 5, 6):
        assert ws.cell(row=2, column=column).number_format == "#,##0.00"
    # the 差异合计 row sums the rows listed; the whole year's totals are outside the filter
    for header in RECON_HEADERS[3:6]:
        xlsx_check.check_money(ws, header)
    assert ws.auto_filter.ref == f"A1:G{len(rows) - 2}"


def test_reconciliation_export_budget_without_plan_leaves_plan_empty(approved, personas):
    from investment.models import BudgetLine

    BudgetLine.objects.create(
        project=approved,
        year=approved.year,
        amount=Decimal("1000000.00"),
        created_by=personas.finance,
    )
    _ws, rows = read(exports.reconciliation_xlsx(approved.year))
    [row] = rows[1:-2]
    assert row[0] == approved.code and row[3] is None and row[4] == 100.0
    assert row[5] == 100.0 and row[6] == "预算无对应计划"
    assert rows[-1][1] == "尚无发布的计划"


def test_reconciliation_export_when_budget_follows_plan(plan, approved, om, personas):
    year = approved.year
    actions.add_budget_line(
        acting_user=personas.finance, project=approved, year=year, amount_wan="800"
    )
    actions.add_budget_line(acting_user=personas.finance, project=om, year=year, amount_wan="150.5")
    _ws, rows = read(exports.reconciliation_xlsx(year))
    assert len(rows) == 3  # header, mismatch sum (none), whole-year totals
    assert rows[1][1] == "0 个项目" and rows[1][3:6] == [0.0, 0.0, 0.0]
    assert rows[2][3:7] == [950.5, 950.5, 0.0, "一致"]


CHANGE_HEADERS = [
    "项目编号",
    "项目名称",
    "建设单位",
    "序号",
    "分类",
    "状态",
    "调整后总投资（万元）",
    "本次调整金额（万元）",
    "累计调整金额（万元）",
    "适用情形",
    "建设目标变化",
    "提交日期",
    "备案日期",
    "审批日期",
]


def _two_changes(approved, personas):
    """A filing (64.5万 moved) then a change that needs approval (35.5万 more, goals changed),
    approved by DRC."""
    actions.set_baseline(
        approved,
        acting_user=personas.jw_officer,
        goals="精准认定",
        items=[{"name": "软件", "amount_wan": "600"}, {"name": "硬件", "amount_wan": "200"}],
    )

    def submit(software, hardware, **kw):
        return actions.submit_change(
            approved,
            acting_user=personas.jw_officer,
            reason="优化",
            items=[
                {"name": "软件", "amount_wan": software},
                {"name": "硬件", "amount_wan": hardware},
            ],
            **kw,
        )

    submit("664.5", "135.5", circumstance="optimise")
    second = submit("700", "100", goals_changed=True)
    actions.decide_change(second, acting_user=personas.drc, approve=True, opinion="同意。")


def test_change_register_export(approved, personas):
    _two_changes(approved, personas)
    ws, rows = read(exports.change_register_xlsx(approved.change_requests.order_by("number")))
    assert rows[0] == CHANGE_HEADERS
    assert_header_style(ws, CHANGE_HEADERS)
    first_row, second_row, total = rows[1], rows[2], rows[3]
    assert first_row[:11] == [
        approved.code,
        approved.name,
        "重庆市教育委员会",
        1,
        "建设单位调整并备案",
        "已备案（生效）",
        800,
        64.5,
        64.5,
        "（二）确需对原项目技术方案进行完善优化",
        "否",
    ]
    # a filing takes effect when submitted: its filing date, no approval date
    assert first_row[11].date() == today() and first_row[12].date() == today()
    assert first_row[13] is None
    assert second_row[4:11] == [
        "须履行审批手续",
        "已批准（生效）",
        800,
        35.5,
        100.0,
        "未选择",
        "是",
    ]
    assert second_row[12] is None and second_row[13].date() == today()
    assert total[0] == "合计" and total[1] == "2 项调整" and total[7] == 100.0
    assert total[6] is None  # adjusted totals of successive changes are not added up
    assert xlsx_check.check_money(ws, "本次调整金额（万元）") == Decimal("100")
    for header in ("提交日期", "备案日期", "审批日期"):
        xlsx_check.check_dates(ws, header)
    assert ws.cell(row=2, column=7).number_format == "#,##0.00"
    assert ws.cell(row=2, column=12).number_format == "yyyy-mm-dd"


def test_change_register_export_of_nothing_has_header_and_zero_sum(db):
    _ws, rows = read(exports.change_register_xlsx([]))
    assert rows[0] == CHANGE_HEADERS and rows[1][:2] == ["合计", "0 项调整"] and rows[1][7] == 0


def test_change_register_export_applies_the_page_filter_strictly(approved, personas, client):
    # given a filing and an approved change
    _two_changes(approved, personas)
    client.force_login(personas.drc)
    url = reverse("investment:changes_export")
    # a valid filter exports the rows the page lists
    _ws, rows = read(client.get(f"{url}?state=filed").content)
    assert [r[5] for r in rows[1:-1]] == ["已备案（生效）"]
    # an invalid value sends the user back to the page with the reason, never exports all
    response = client.get(f"{url}?state=everything", follow=True)
    assert response.redirect_chain == [(reverse("investment:changes") + "?state=everything", 302)]
    body = response.content.decode()
    assert "筛选条件无效" in body and 'data-testid="change-register"' not in body


def test_R37_1_amounts_are_exact_so_the_column_sums_to_the_total(plan, approved, om):
    # given two entries of 1,234,550.00 yuan (123.455 万元 each: 123.46 shown, 246.91 together)
    PlanEntry.objects.filter(version=plan).update(amount=Decimal("1234550.00"))
    ws, rows = read(exports.plan_xlsx(plan))
    # then each row holds the exact amount and the 合计 the exact sum, so SUM() equals 合计
    assert [xlsx_check.exact(r[5]) for r in rows[1:-1]] == [Decimal("123.455")] * 2
    assert xlsx_check.exact(rows[-1][5]) == Decimal("246.91")
    assert xlsx_check.check_money(ws, "计划金额（万元）") == Decimal("246.91")


def test_text_that_looks_like_a_formula_is_written_as_text(plan, approved):
    for n, text in enumerate(xlsx_check.FORMULA_TEXTS):
        Project.objects.filter(pk=approved.pk).update(name=text)
        PlanEntry.objects.filter(version=plan, project=approved).update(note=f"{text}{n}")
        ws, _rows = read(exports.plan_xlsx(plan))
        xlsx_check.check_text(ws, text)
        xlsx_check.check_text(ws, f"{text}{n}")


@xlsx_check.needs_libreoffice
def test_libreoffice_reads_the_plan_with_its_total_equal_to_the_sum(plan, tmp_path):
    PlanEntry.objects.filter(version=plan).update(amount=Decimal("1234550.00"))
    content = exports.plan_xlsx(plan)
    values = xlsx_check.check_libreoffice(content, tmp_path, "计划金额（万元）")
    assert values == [Decimal("123.455")] * 2
    shown = xlsx_check.libreoffice_values(content, tmp_path, shown=True)
    assert [r[5] for r in shown[1:]] == ["123.46", "123.46", "246.91"]


def test_R37_1_expansion_project_shows_the_post_evaluation_of_the_earlier_project(
    approved, om, personas
):
    # given the O&M system's post-evaluation, and a project recorded as its expansion
    from projects.models import Project

    EvaluationResult.objects.create(
        project=om,
        kind="post",
        completed_on=dt.date(2026, 5, 20),
        grade="良好",
        conclusion="共享接口响应慢。",
        recorded_by=personas.consultant,
    )
    Project.objects.filter(pk=approved.pk).update(predecessor=om)
    summaries = exports.evaluation_summaries([approved.pk, om.pk])
    assert summaries[approved.pk] == "原项目后评价（2026-05-20）：良好。共享接口响应慢。"
    assert summaries[om.pk] == "后评价（2026-05-20）：良好。共享接口响应慢。"
