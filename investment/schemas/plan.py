"""Responses of the annual plan, performance target tables, budgets and the reconciliation
(Art. 10, 27, 37)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from core.api import FindingOut

from .common import attr, label, money, person


class PlanEvaluationOut(Schema):
    """A self-evaluation or post-evaluation result shown beside the project (R37.1)."""

    kind: str
    kind_label: str
    completed_on: date
    score: str | None = Field(None, description="评分（十进制字符串）")
    grade: str
    conclusion: str

    resolve_kind_label = label("kind")

    @staticmethod
    def resolve_score(obj) -> str | None:
        return None if obj.score is None else str(obj.score)


class PlanVersionOut(Schema):
    number: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    basis: str
    published_at: datetime | None
    published_by_name: str
    entry_count: int
    total: str = Field(..., description="本版计划金额合计（元）")
    total_wan: str = Field(..., description="本版计划金额合计（万元）")
    created_at: datetime

    resolve_kind_label = label("kind")
    resolve_state_label = label("state")
    resolve_published_by_name = person("published_by")
    resolve_total, resolve_total_wan = money("total", zero=True)


class PlanEntryOut(Schema):
    id: int
    version: int = Field(..., description="所属计划版本号")
    project_id: int
    project_code: str
    project_name: str
    project_kind: str
    unit_id: int
    unit_name: str
    amount: str = Field(..., description="计划金额（元）", examples=["8000000.00"])
    amount_wan: str = Field(..., description="计划金额（万元）", examples=["800.00"])
    note: str
    decision_id: str | None = Field(None, description="纳入计划时的规则决定编号")
    evaluations: list[PlanEvaluationOut] = Field(
        default_factory=list,
        description="该项目的自评价和后评价结果（第三十七条），仅对可查看该项目的用户列出",
    )

    resolve_version = attr("version.number")
    resolve_project_code = attr("project.code")
    resolve_project_name = attr("project.name")
    resolve_project_kind = attr("project.kind")
    resolve_unit_id = attr("project.unit_id")
    resolve_unit_name = attr("project.unit.name")
    resolve_amount, resolve_amount_wan = money("amount")

    @staticmethod
    def resolve_decision_id(obj) -> str | None:
        return str(obj.decision_id) if obj.decision_id else None

    @staticmethod
    def resolve_evaluations(obj) -> list:
        return getattr(obj, "evaluation_results", [])


class PlanSummaryOut(Schema):
    year: int
    created_at: datetime
    current_version: int | None = Field(None, description="现行（已发布）版本号")
    draft_version: int | None = Field(None, description="编制中的版本号")
    versions: int = Field(..., description="版本数")


class PlanOut(Schema):
    year: int
    created_at: datetime
    current_version: int | None = Field(None, description="现行（已发布）版本号")
    draft_version: int | None = Field(None, description="编制中的版本号")
    shown_version: int | None = Field(None, description="下列 entries 所属的版本号")
    versions: list[PlanVersionOut]
    entries: list[PlanEntryOut]


class DiffEntryOut(Schema):
    project_code: str
    amount: str
    amount_wan: str


class DiffChangeOut(Schema):
    project_code: str
    before: str
    before_wan: str
    after: str
    after_wan: str


class PlanDiffOut(Schema):
    year: int
    from_version: int | None = Field(None, description="比较的上一版本（首版为空）")
    to_version: int
    added: list[DiffEntryOut]
    removed: list[DiffEntryOut]
    changed: list[DiffChangeOut]


class RefusedOut(Schema):
    project: str = Field(..., description="项目编号")
    findings: list[FindingOut]


class CompileOut(Schema):
    version: int
    added: int
    refused: list[RefusedOut]
    decision_id: str


# -- performance target tables (R10.3) ----------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    category_id: int
    category_name: str
    parent_name: str = Field(..., description="一级指标")
    name: str
    target_value: str
    unit: str
    is_quantitative: bool
    formula: str

    resolve_category_name = attr("category.name")

    @staticmethod
    def resolve_parent_name(obj) -> str:
        return obj.category.parent.name if obj.category.parent_id else ""


class PerformanceTableOut(Schema):
    project_id: int
    year: int
    overall_goal: str
    updated_at: datetime
    updated_by_name: str
    indicators: list[IndicatorOut]
    complete: bool = Field(..., description="是否满足第十条（R10.3）的完整性要求")
    problems: list[str] = Field(..., description="不完整之处")


class IndicatorCategoryOut(Schema):
    id: int
    name: str
    order: int
    children: list[IndicatorCategoryOut] = Field(default_factory=list)


# -- budgets and the reconciliation (R10.2) --------------------------------------------------------


class BudgetLineOut(Schema):
    id: int
    project_id: int
    project_code: str
    project_name: str
    year: int
    amount: str
    amount_wan: str
    paid: str = Field(..., description="该预算指标已支付（元）")
    paid_wan: str
    subject: str
    note: str
    via_art11_id: int | None
    created_by_name: str
    created_at: datetime

    resolve_project_code = attr("project.code")
    resolve_project_name = attr("project.name")
    resolve_amount, resolve_amount_wan = money("amount")
    resolve_paid, resolve_paid_wan = money("paid", zero=True)
    resolve_created_by_name = person("created_by")


class BudgetLineCreatedOut(BudgetLineOut):
    decision_id: str | None = Field(None, description="安排预算时的规则决定编号")
    warnings: list[FindingOut] = Field(
        default_factory=list,
        description="提示（不阻止录入），如预算合计与计划金额不一致（第十条），将列入对账差异",
    )

    @staticmethod
    def resolve_decision_id(obj) -> str | None:
        return str(obj.decision_id) if obj.decision_id else None

    @staticmethod
    def resolve_warnings(obj) -> list[dict]:
        findings = obj.decision.findings if obj.decision_id else []
        return [f for f in findings if f["severity"] == "warn"]


class ReconRowOut(Schema):
    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    plan_amount: str | None = Field(None, description="计划金额（元）；不在计划中为空")
    plan_amount_wan: str | None
    budget_amount: str
    budget_amount_wan: str
    difference: str = Field(..., description="预算减计划（元）")
    difference_wan: str
    problem: str

    resolve_project_code = attr("code")
    resolve_project_name = attr("name")
    resolve_unit_name = attr("unit")
    resolve_plan_amount, resolve_plan_amount_wan = money("plan_amount")
    resolve_budget_amount, resolve_budget_amount_wan = money("budget_amount")
    resolve_difference, resolve_difference_wan = money("difference")


class ReconciliationOut(Schema):
    year: int
    version: int | None = Field(None, description="对账所依据的现行计划版本")
    entries: int = Field(..., description="现行计划的项目数")
    plan_total: str
    plan_total_wan: str
    budget_total: str = Field(..., description="当前用户可见项目的预算合计（元）")
    budget_total_wan: str
    rows: list[ReconRowOut]
