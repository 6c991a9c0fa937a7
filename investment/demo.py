"""Demo investment data, built with the real actions by the real demo roles, so the demo ledger
shows how each figure came to be (Art. 10, 11, 25, 26):

- performance target tables (R10.3) of the approved construction projects;
- the annual investment plans of the years of the approved demo projects, compiled and published
  by 市发展改革委 (this year's, with the listed O&M project, and the next two years');
- this year's budget lines by 市财政局, one deliberately different from its plan amount so that
  the reconciliation (R10.2) shows a mismatch;
- contracts and treasury payments (R25.1), an approved estimate baseline, a change filed by the
  unit (within 15 %) and a change awaiting 市发展改革委's approval (over 15 % cumulatively) (R26.1);
- an Art. 11 request initiated by 市财政局 and listed by 市大数据发展局, awaiting 市发展改革委.

Two projects of this year are walked to approval for it (``projects.demo`` approves projects of
the next two years only). Call after ``seed_projects``. Idempotent: parts that exist are left
alone, so running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.dates import today
from projects.models import Project, ProjectKind, ProjectState
from projects.walk import Walker

from . import actions
from .models import (
    Art11Request,
    Baseline,
    BudgetLine,
    ChangeRequest,
    Contract,
    IndicatorCategory,
    Payment,
    PerformanceTable,
    PlanState,
    PlanVersion,
)

S = ProjectState

# Projects of this year walked to approval here: (unit user, name, master-plan item, 万元, 文号).
HEALTH_DATA = "全民健康数据资源目录与共享交换系统"
EDU_GOVERNANCE = "教育数据治理平台（一期）"
CURRENT_YEAR_PROJECTS = [
    (
        "wj_tianbao",
        HEALTH_DATA,
        "全民健康信息数据治理与标准化工程",
        "900",
        "渝发改数〔{year}〕21号",
    ),
    (
        "jw_tianbao",
        EDU_GOVERNANCE,
        "教育数据资源标准体系及数据治理工程",
        "600",
        "渝发改数〔{year}〕26号",
    ),
]
# Approved projects of ``projects.demo`` and the tranche planned for their year (万元).
NEXT_YEARS_TRANCHES = {
    "智慧教育综合服务平台（二期）": "2000",  # 3,500万 over two years
    "学生资助精准认定系统": "800",
}

GOALS = {
    HEALTH_DATA: "编制全民健康数据资源目录，建成卫生健康数据共享交换通道，"
    "实现电子病历、健康档案等 40 类数据按目录共享。",
    EDU_GOVERNANCE: "建立教育数据标准体系，完成学籍、教职工、学校基础数据治理，"
    "形成教育数据资源目录并接入市一体化数据资源平台。",
    "智慧教育综合服务平台（二期）": "在一期基础上扩展课堂教学、教育评价和家校服务应用，"
    "覆盖全市中小学。",
    "学生资助精准认定系统": "对接民政、残联、乡村振兴等部门数据，实现学生资助对象精准认定。",
}

# One indicator per second-level category of the tree (STANDARDS.md).
INDICATORS = {
    "数量指标": ("接入共享的数据资源类数", "40", "类", "已接入资源目录的数据资源类数"),
    "质量指标": ("数据质量检查合格率", "98", "%", "检查合格记录数/检查记录总数×100%"),
    "时效指标": ("按期完成建设任务比例", "100", "%", "按期完成任务数/计划任务数×100%"),
    "成本指标": ("建设成本控制在批复概算内", "100", "%", "实际支出/批复概算×100%，不超过 100%"),
    "经济效益指标": ("减少重复建设节约资金", "120", "万元", "整合替代系统的年运维费之和"),
    "社会效益指标": ("跨部门共享调用次数", "50", "万次/年", "共享交换平台年调用次数"),
    "生态效益指标": ("无纸化办理率", "90", "%", "线上办理事项数/办理事项总数×100%"),
    "可持续影响指标": ("数据按目录持续更新率", "95", "%", "按期更新资源数/资源总数×100%"),
    "服务对象满意度指标": ("使用单位满意度", "90", "%", "满意问卷数/有效问卷数×100%"),
}

# The approved estimate of HEALTH_DATA (万元, sums to 900) and its two changes.
BASELINE_ITEMS = [
    ("应用系统开发", "520"),
    ("数据治理与标准化服务", "200"),
    ("云资源及安全设备", "120"),
    ("密码应用与等保测评", "60"),
]
FILED_CHANGE = [  # 90万 moved (10 %): filed
    ("应用系统开发", "610"),
    ("数据治理与标准化服务", "200"),
    ("云资源及安全设备", "30"),
    ("密码应用与等保测评", "60"),
]
PENDING_CHANGE = [  # a further 60万: 150万 cumulatively, over 15 % of 900万: needs approval
    ("应用系统开发", "610"),
    ("数据治理与标准化服务", "140"),
    ("云资源及安全设备", "30"),
    ("密码应用与等保测评", "60"),
    ("移动端适配开发", "60"),
]


def _day(days_ago: int) -> str:
    return (today() - dt.timedelta(days=days_ago)).isoformat()


def indicators() -> list[dict]:
    """A complete table: one indicator under every active second-level category."""
    rows = []
    for cat in IndicatorCategory.objects.filter(parent__isnull=False, is_active=True):
        name, target, unit, formula = INDICATORS.get(
            cat.name, (f"{cat.name}（示例）", "100", "%", "完成数/计划数×100%")
        )
        rows.append(
            {
                "category": cat.pk,
                "name": name,
                "target_value": target,
                "unit": unit,
                "is_quantitative": True,
                "formula": formula,
            }
        )
    return rows


def _project(people, username, name) -> Project | None:
    return Project.objects.filter(name=name, unit=people[username].primary_organisation).first()


def _officer(people, project):
    """The demo unit officer of the project's unit."""
    for username in ("jw_tianbao", "wj_tianbao"):
        if people[username].primary_organisation.pk == project.unit_id:
            return people[username]
    raise LookupError(f"no demo officer for {project.code}")


def _approved_this_year(people) -> dict[str, Project]:
    """The projects of this year, walked to approval with a document number of this year."""
    year = today().year
    out = {}
    for username, name, item, wan, number in CURRENT_YEAR_PROJECTS:
        project = _project(people, username, name)
        if project is None:
            walker = Walker(people, username)
            project = walker.create(name, wan, item_name=item, year=year)
            project = walker.walk(project, S.DRC_REVIEW)
            project = walker.approve(project, number=number.format(year=year))
        out[name] = project
    return out


def _tables(people, projects) -> None:
    for project in projects:
        if project.kind == ProjectKind.OM or project.state != S.APPROVED:
            continue
        if PerformanceTable.objects.filter(project=project, year=project.year).exists():
            continue
        actions.save_performance_table(
            project,
            acting_user=_officer(people, project),
            year=project.year,
            overall_goal=GOALS.get(project.name, f"按批复完成《{project.name}》建设任务。"),
            indicators=indicators(),
        )


def _plan(drc, year, amounts_wan, basis) -> PlanVersion | None:
    """Compile and publish ``year``'s plan unless it has a version already."""
    if PlanVersion.objects.filter(plan__year=year).exists():
        return PlanVersion.objects.filter(plan__year=year, state=PlanState.PUBLISHED).first()
    result = actions.compile_plan(acting_user=drc, year=year, amounts_wan=amounts_wan or {})
    if not result["added"]:
        return None  # nothing eligible: leave the empty draft out of it
    return actions.publish_plan(acting_user=drc, year=year, basis=basis)


def _budget(finance, project, year, wan, subject, note="") -> BudgetLine:
    line = BudgetLine.objects.filter(project=project, year=year).order_by("pk").first()
    if line is None:
        line = actions.add_budget_line(
            acting_user=finance,
            project=project,
            year=year,
            amount_wan=wan,
            subject=subject,
            note=note,
        )
    return line


def _contract(officer, project, number, **fields) -> Contract:
    contract = Contract.objects.filter(project=project, number=number).first()
    if contract is None:
        contract = actions.record_contract(project, acting_user=officer, number=number, **fields)
    return contract


def _pay(officer, contract, line, voucher, paid_on, wan, payee) -> None:
    if Payment.objects.filter(voucher_number=voucher).exists():
        return
    actions.record_payment(
        acting_user=officer,
        contract=contract,
        budget_line=line,
        paid_on=paid_on,
        amount_wan=wan,
        payee=payee,
        voucher_number=voucher,
    )


def _items(rows) -> list[dict]:
    return [{"name": name, "amount_wan": wan} for name, wan in rows]


def _health_data(people, project, line) -> None:
    """Contract, payments, baseline, a filed change and a change awaiting approval."""
    wj = people["wj_tianbao"]
    year = project.year
    supplier = "重庆数智健康科技有限公司（示例）"
    contract = _contract(
        wj,
        project,
        f"WJ-{year}-HT-018",
        title=f"{project.name}开发建设合同",
        supplier=supplier,
        method="open",
        amount_wan="780",
        signed_on=_day(250),
    )
    _pay(wj, contract, line, f"GKZF{year}-000318", _day(225), "234", supplier)  # 30 % 预付款
    _pay(wj, contract, line, f"GKZF{year}-001127", _day(60), "312", supplier)  # 进度款
    if not Baseline.objects.filter(project=project).exists():
        actions.set_baseline(
            project,
            acting_user=wj,
            items=_items(BASELINE_ITEMS),
            goals=GOALS[project.name],
            planned_completion=f"{year + 1}-06-30",
        )
    if ChangeRequest.objects.filter(project=project).exists():
        return
    actions.submit_change(
        project,
        acting_user=wj,
        items=_items(FILED_CHANGE),
        circumstance="optimise",
        reason="依托数字重庆云统一提供计算存储资源，不再单独采购服务器，"
        "节余资金用于完善共享交换接口开发。",
        content_change="取消独立服务器采购，改用数字重庆云资源；增加 12 个共享交换接口。",
    )
    actions.submit_change(
        project,
        acting_user=wj,
        items=_items(PENDING_CHANGE),
        circumstance="business",
        reason="根据基层医疗机构移动办公需要，新增移动端适配开发，相应压减数据治理服务工作量。",
        content_change="新增移动端适配开发（60 万元），数据治理服务由 200 万元调减至 140 万元。",
        schedule_change="移动端与主系统同步上线，计划建成日期不变。",
    )


def _edu_governance(people, project, line) -> None:
    """A contract and a payment; 市财政局 has started an Art. 11 request, listed by BDB."""
    jw = people["jw_tianbao"]
    year = project.year
    supplier = "重庆教育数据服务有限公司（示例）"
    contract = _contract(
        jw,
        project,
        f"JW-{year}-HT-007",
        title=f"{project.name}建设合同",
        supplier=supplier,
        method="consultation",
        amount_wan="480",
        signed_on=_day(200),
    )
    _pay(jw, contract, line, f"GKZF{year}-000652", _day(160), "144", supplier)
    if Art11Request.objects.filter(project=project).exists():
        return
    request = actions.initiate_art11(
        acting_user=people["czj_jingban"],
        project=project,
        year=year,
        amount_wan="150",
        basis="按照市委、市政府关于加快推进教育数字化转型的工作安排，年内须增加学生资助"
        "数据治理内容，确需当年安排资金。",
        budget_source=f"{year} 年市级预算预备费",
    )
    actions.list_art11(
        request,
        acting_user=people["dsj_shenhe"],
        opinion="符合第十一条规定，同意纳入项目清单，请市发展改革委审批。",
    )


@transaction.atomic
def seed_investment(people: dict) -> dict:
    """``people`` by username, as returned by ``accounts.demo.seed_directory``. Returns the
    published plan versions by year."""
    drc, finance = people["fgw_jingban"], people["czj_jingban"]
    current = _approved_this_year(people)
    year = current[HEALTH_DATA].year  # this year when first seeded
    later = {
        p.name: p
        for p in Project.objects.filter(
            name__in=NEXT_YEARS_TRANCHES, state=S.APPROVED, year__gt=year
        ).select_related("unit")
    }
    _tables(people, [*current.values(), *later.values()])

    plans = {}
    plans[year] = _plan(drc, year, None, f"{year} 年市级政务信息化项目年度投资计划")
    for p_year in sorted({p.year for p in later.values()}):
        amounts = {p.pk: NEXT_YEARS_TRANCHES[p.name] for p in later.values() if p.year == p_year}
        plans[p_year] = _plan(drc, p_year, amounts, f"{p_year} 年市级政务信息化项目年度投资计划")

    # This year's budget: equal to the plan, except EDU_GOVERNANCE (600万 planned, 500万
    # budgeted: the reconciliation shows the difference).
    health = _budget(finance, current[HEALTH_DATA], year, "900", "2130199 其他一般公共服务支出")
    edu = _budget(
        finance,
        current[EDU_GOVERNANCE],
        year,
        "500",
        "2050999 其他教育费附加安排的支出",
        note="部门预算一上一下核减 100 万元",
    )
    om = Project.objects.filter(kind=ProjectKind.OM, year=year, name="全民健康信息平台运维").first()
    this_year = plans[year]
    if om is not None and this_year is not None and this_year.entries.filter(project=om).exists():
        _budget(finance, om, year, "600", "2130199 其他一般公共服务支出")
    # Next year's budget of the two-year expansion, as planned.
    expansion = later.get("智慧教育综合服务平台（二期）")
    if expansion is not None and plans.get(expansion.year) is not None:
        _budget(
            finance,
            expansion,
            expansion.year,
            NEXT_YEARS_TRANCHES[expansion.name],
            "2050999 其他教育费附加安排的支出",
        )

    _health_data(people, current[HEALTH_DATA], health)
    _edu_governance(people, current[EDU_GOVERNANCE], edu)
    return plans
