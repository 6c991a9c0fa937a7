"""Request and response schemas of the investment API (``investment/api.py``).

Money goes out as Decimal strings: ``amount`` etc. in yuan with two places, the ``*_wan``
fields in 万元 (exact, no thousands separator). Money comes in as 万元 in fields named
``*_wan``: text such as ``"812.5"`` or an integer; a JSON number with a fraction (``812.5``)
is refused with 422 so that no amount ever passes through a float. Validation of values is
left to the actions, whose messages are Chinese and keyed by field (``errors``).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from core.money import wan_str, yuan_str
from policy.api import FindingOut

from .models import Baseline
from .services import diff_items

AmountWan = Annotated[
    str | int | Decimal,
    Field(
        description='金额（万元），以字符串（如 "800" 或 "812.5"）或整数传入；'
        "带小数的 JSON 数字返回 422",
        examples=["800"],
    ),
]


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _as_dict(items) -> dict[str, Decimal]:
    return {i["name"]: Decimal(str(i["amount"])) for i in items}


def _baseline(change):
    """The project's baseline (every change is diffed against it), or None."""
    if not hasattr(change, "_api_baseline"):
        change._api_baseline = Baseline.objects.filter(project_id=change.project_id).first()
    return change._api_baseline


def _label(obj, field: str) -> str:
    return str(getattr(obj, f"get_{field}_display")()) if getattr(obj, field) else ""


# -- shared ---------------------------------------------------------------------------------


class ItemIn(Schema):
    name: str = Field(..., description="概算项目名称", examples=["软件开发"])
    amount_wan: AmountWan


class ItemOut(Schema):
    name: str
    amount: str = Field(..., description="金额（元）")
    amount_wan: str = Field(..., description="金额（万元）")


def items_out(items) -> list[dict]:
    """Stored estimate items [{"name", "amount" (yuan)}] or a {name: yuan} dict -> ItemOut."""
    pairs = items.items() if isinstance(items, dict) else ((i["name"], i["amount"]) for i in items)
    return [
        {"name": name, "amount": yuan_str(Decimal(str(a))), "amount_wan": wan_str(Decimal(str(a)))}
        for name, a in pairs
    ]


class OpinionIn(Schema):
    opinion: str = Field("", description="意见（可省略，省略时记录默认说明）")


# -- annual plan (Art. 10, 27, 37) -------------------------------------------------------------


class EvaluationOut(Schema):
    """A self-evaluation or post-evaluation result shown beside the project (R37.1)."""

    kind: str
    kind_label: str
    completed_on: date
    score: str | None = Field(None, description="评分（十进制字符串）")
    grade: str
    conclusion: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

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

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_published_by_name(obj) -> str:
        return _name(obj.published_by) if obj.published_by_id else ""

    @staticmethod
    def resolve_entry_count(obj) -> int:
        return obj.entry_count

    @staticmethod
    def resolve_total(obj) -> str:
        return yuan_str(obj.total or 0)

    @staticmethod
    def resolve_total_wan(obj) -> str:
        return wan_str(obj.total or 0)


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
    evaluations: list[EvaluationOut] = Field(
        default_factory=list,
        description="该项目的自评价和后评价结果（第三十七条），仅对可查看该项目的用户列出",
    )

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.version.number

    @staticmethod
    def resolve_project_code(obj) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj) -> str:
        return obj.project.name

    @staticmethod
    def resolve_project_kind(obj) -> str:
        return obj.project.kind

    @staticmethod
    def resolve_unit_id(obj) -> int:
        return obj.project.unit_id

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.project.unit.name

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan_str(obj.amount)

    @staticmethod
    def resolve_amount_wan(obj) -> str:
        return wan_str(obj.amount)

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


class PlanOpenIn(Schema):
    basis: str = Field("", description="编制或调整依据（发布计划调整时必填）")


class PlanPublishIn(Schema):
    basis: str = Field("", description="调整依据；省略时取开始编制时填写的依据")


class PlanEntryIn(Schema):
    project_id: int
    amount_wan: AmountWan
    note: str = ""


class PlanEntryUpdateIn(Schema):
    amount_wan: AmountWan


class CompileIn(Schema):
    amounts_wan: dict[int, AmountWan] = Field(
        default_factory=dict,
        description="可选：项目编号 → 计划金额（万元）；未列出的项目按批复总投资（或申报总投资）",
    )


class RefusedOut(Schema):
    project: str = Field(..., description="项目编号")
    findings: list[FindingOut]


class CompileOut(Schema):
    version: int
    added: int
    refused: list[RefusedOut]
    decision_id: str


# -- performance target tables (R10.3) ----------------------------------------------------------


class IndicatorIn(Schema):
    category_id: int = Field(..., description="二级指标类别编号，见 /api/investment/indicator-tree")
    name: str = Field(..., description="三级指标")
    target_value: str = Field(..., description="指标值")
    unit: str = Field("", description="计量单位（定量指标必填）")
    is_quantitative: bool = True
    formula: str = Field("", description="计算公式（定量指标必填）")


class PerformanceTableIn(Schema):
    overall_goal: str = Field(..., description="总体目标")
    indicators: list[IndicatorIn]


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

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

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
    children: list["IndicatorCategoryOut"] = Field(default_factory=list)


# -- budgets (R10.2) ------------------------------------------------------------------------


class BudgetLineIn(Schema):
    project_id: int
    year: int
    amount_wan: AmountWan
    subject: str = Field("", description="预算科目")
    note: str = ""


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

    @staticmethod
    def resolve_project_code(obj) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj) -> str:
        return obj.project.name

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan_str(obj.amount)

    @staticmethod
    def resolve_amount_wan(obj) -> str:
        return wan_str(obj.amount)

    @staticmethod
    def resolve_paid(obj) -> str:
        return yuan_str(getattr(obj, "paid", None) or 0)

    @staticmethod
    def resolve_paid_wan(obj) -> str:
        return wan_str(getattr(obj, "paid", None) or 0)

    @staticmethod
    def resolve_created_by_name(obj) -> str:
        return _name(obj.created_by)


class BudgetLineCreatedOut(BudgetLineOut):
    decision_id: str | None = Field(None, description="安排预算时的规则决定编号")
    warnings: list[FindingOut] = Field(
        default_factory=list,
        description="提示（不阻止录入），如预算合计与计划金额不一致（第十条），将列入对账差异",
    )


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


class ReconciliationOut(Schema):
    year: int
    version: int | None = Field(None, description="对账所依据的现行计划版本")
    entries: int = Field(..., description="现行计划的项目数")
    plan_total: str
    plan_total_wan: str
    budget_total: str = Field(..., description="当前用户可见项目的预算合计（元）")
    budget_total_wan: str
    rows: list[ReconRowOut]


# -- the Art. 11 path --------------------------------------------------------------------------


class Art11In(Schema):
    project_id: int
    year: int
    amount_wan: AmountWan
    basis: str = Field(..., description="国家或市委、市政府明确要求的依据")
    budget_source: str = Field(..., description="预算来源")
    change_request_id: int | None = Field(None, description="由项目调整引起时，变更申请编号")


class Art11BudgetIn(Schema):
    subject: str = Field("", description="预算科目")


class Art11Out(Schema):
    id: int
    project_id: int
    project_code: str
    project_name: str
    year: int
    amount: str
    amount_wan: str
    basis: str
    budget_source: str
    state: str
    state_label: str
    change_request_id: int | None
    history: list[dict] = Field(..., description="办理记录：时间、办理人、状态、说明")
    initiated_by_name: str
    created_at: datetime

    @staticmethod
    def resolve_project_code(obj) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj) -> str:
        return obj.project.name

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan_str(obj.amount)

    @staticmethod
    def resolve_amount_wan(obj) -> str:
        return wan_str(obj.amount)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_initiated_by_name(obj) -> str:
        return _name(obj.initiated_by)


# -- contracts and payments (R25.1) -------------------------------------------------------------


class ContractIn(Schema):
    number: str = Field(..., description="合同编号")
    title: str = Field(..., description="合同名称")
    supplier: str = Field(..., description="供应商")
    method: str = Field(
        ...,
        description="采购方式：open 公开招标、invited 邀请招标、competitive 竞争性谈判、"
        "consultation 竞争性磋商、single 单一来源采购、inquiry 询价、framework 框架协议采购",
        examples=["open"],
    )
    amount_wan: AmountWan
    signed_on: str = Field(..., description="签订日期（不晚于今天）", examples=["2026-01-10"])


class ContractOut(Schema):
    id: int
    project_id: int
    number: str
    title: str
    supplier: str
    method: str
    method_label: str
    amount: str
    amount_wan: str
    paid: str = Field(..., description="该合同已支付（元）")
    paid_wan: str
    signed_on: date
    created_at: datetime

    @staticmethod
    def resolve_method_label(obj) -> str:
        return str(obj.get_method_display())

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan_str(obj.amount)

    @staticmethod
    def resolve_amount_wan(obj) -> str:
        return wan_str(obj.amount)

    @staticmethod
    def resolve_paid(obj) -> str:
        return yuan_str(getattr(obj, "paid", None) or 0)

    @staticmethod
    def resolve_paid_wan(obj) -> str:
        return wan_str(getattr(obj, "paid", None) or 0)


class PaymentIn(Schema):
    contract_id: int = Field(..., description="本项目的合同编号")
    budget_line_id: int = Field(..., description="本项目的预算指标编号")
    paid_on: str = Field(..., description="支付日期（不晚于今天）", examples=["2026-02-01"])
    amount_wan: AmountWan
    payee: str = Field(..., description="收款人")
    voucher_number: str = Field(..., description="国库集中支付凭证号（全平台唯一）")


class PaymentOut(Schema):
    id: int
    contract_id: int
    contract_number: str
    budget_line_id: int
    paid_on: date
    amount: str
    amount_wan: str
    payee: str
    voucher_number: str
    recorded_by_name: str
    recorded_at: datetime

    @staticmethod
    def resolve_contract_number(obj) -> str:
        return obj.contract.number

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan_str(obj.amount)

    @staticmethod
    def resolve_amount_wan(obj) -> str:
        return wan_str(obj.amount)

    @staticmethod
    def resolve_recorded_by_name(obj) -> str:
        return _name(obj.recorded_by)


# -- baseline and changes (R26.1) ----------------------------------------------------------------


class BaselineIn(Schema):
    items: list[ItemIn] = Field(..., description="概算明细，合计须等于批复总投资")
    goals: str = Field(..., description="建设目标")
    planned_completion: str | None = Field(
        None, description="计划建成日期", examples=["2027-06-30"]
    )


class BaselineOut(Schema):
    project_id: int
    approved_total: str
    approved_total_wan: str
    items: list[ItemOut]
    goals: str
    planned_completion: date | None
    created_by_name: str
    created_at: datetime
    current_total: str = Field(..., description="计入已生效调整后的总投资（元）")
    current_total_wan: str
    current_items: list[ItemOut] = Field(..., description="计入已生效调整后的概算明细")


class ChangeIn(Schema):
    items: list[ItemIn] = Field(..., description="调整后的全部概算明细")
    reason: str = Field(..., description="调整理由")
    circumstance: str = Field(
        "",
        description="第二十六条适用情形：directive（一）决策部署、optimise（二）技术方案完善优化、"
        "business（三）业务发展需要；不符合任一情形时留空",
    )
    goals_changed: bool = Field(False, description="建设目标是否变化")
    content_change: str = Field("", description="建设内容调整")
    schedule_change: str = Field("", description="进度调整")
    new_total_wan: AmountWan | None = Field(
        None, description="调整后总投资（万元）；给出时须等于概算明细合计"
    )
    raises_year_budget: bool = Field(False, description="是否增加当年预算安排")
    changes_plan: bool = Field(False, description="是否涉及年度投资计划变更")


class DecideIn(Schema):
    approve: bool = Field(..., description="true 批准，false 不予批准")
    opinion: str = Field(..., description="审批意见")


class ConditionOut(Schema):
    key: str = Field(..., description="total / goals / ratio / circumstance")
    label: str
    passed: bool
    article: str
    facts: dict


class DiffRowOut(Schema):
    name: str
    before: str = Field(..., description="基线金额（元）")
    before_wan: str
    after: str = Field(..., description="调整后金额（元）")
    after_wan: str
    delta: str
    delta_wan: str


class ChangeSummaryOut(Schema):
    id: int
    project_id: int
    project_code: str
    number: int
    classification: str = Field(
        ..., description="filing 备案 / approval 审批 / art11 审批并参照第十一条"
    )
    classification_label: str
    state: str
    state_label: str
    new_total: str
    new_total_wan: str
    moved_amount: str
    moved_amount_wan: str
    cumulative_moved: str
    cumulative_moved_wan: str
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_project_code(obj) -> str:
        return obj.project.code

    @staticmethod
    def resolve_classification_label(obj) -> str:
        return str(obj.get_classification_display())

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_new_total(obj) -> str:
        return yuan_str(obj.new_total)

    @staticmethod
    def resolve_new_total_wan(obj) -> str:
        return wan_str(obj.new_total)

    @staticmethod
    def resolve_moved_amount(obj) -> str:
        return yuan_str(obj.moved_amount)

    @staticmethod
    def resolve_moved_amount_wan(obj) -> str:
        return wan_str(obj.moved_amount)

    @staticmethod
    def resolve_cumulative_moved(obj) -> str:
        return yuan_str(obj.cumulative_moved)

    @staticmethod
    def resolve_cumulative_moved_wan(obj) -> str:
        return wan_str(obj.cumulative_moved)


class ChangeDetailOut(ChangeSummaryOut):
    content_change: str
    schedule_change: str
    circumstance: str
    circumstance_label: str
    goals_changed: bool
    raises_year_budget: bool
    changes_plan: bool
    reason: str
    items: list[ItemOut]
    conditions: list[ConditionOut] = Field(..., description="第二十六条的四项条件及判定")
    failed_conditions: list[str] = Field(..., description="未满足的条件（key）")
    baseline_total: str | None
    baseline_total_wan: str | None
    diff: list[DiffRowOut] = Field(..., description="与批复基线逐项比较")
    decision_id: str | None
    decided_by_name: str
    decision_opinion: str
    created_by_name: str

    @staticmethod
    def resolve_circumstance_label(obj) -> str:
        return _label(obj, "circumstance")

    @staticmethod
    def resolve_items(obj) -> list[dict]:
        return items_out(obj.items)

    @staticmethod
    def resolve_failed_conditions(obj) -> list[str]:
        return [c["key"] for c in obj.conditions if not c["passed"]]

    @staticmethod
    def resolve_baseline_total(obj) -> str | None:
        baseline = _baseline(obj)
        return yuan_str(baseline.approved_total) if baseline else None

    @staticmethod
    def resolve_baseline_total_wan(obj) -> str | None:
        baseline = _baseline(obj)
        return wan_str(baseline.approved_total) if baseline else None

    @staticmethod
    def resolve_diff(obj) -> list[dict]:
        baseline = _baseline(obj)
        if baseline is None:
            return []
        rows = diff_items(_as_dict(baseline.items), _as_dict(obj.items))
        return [
            {
                "name": r["name"],
                **{k: yuan_str(r[k]) for k in ("before", "after", "delta")},
                **{f"{k}_wan": wan_str(r[k]) for k in ("before", "after", "delta")},
            }
            for r in rows
        ]

    @staticmethod
    def resolve_decision_id(obj) -> str | None:
        return str(obj.decision_id) if obj.decision_id else None

    @staticmethod
    def resolve_decided_by_name(obj) -> str:
        return _name(obj.decided_by) if obj.decided_by_id else ""

    @staticmethod
    def resolve_created_by_name(obj) -> str:
        return _name(obj.created_by)
