"""The inputs of the investment actions, each declared once: the page forms, the API payloads
and the demo use them (``core.contracts``). Amounts are typed in 万元 (``Wan``); the actions
turn them into Decimal yuan.

Where an API address carries part of the input (the year of ``/plans/{year}/open``, the project
of ``/budgets``), the payload is the contract without it or with the object's number added: one
class derives from the other, so no field is declared twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from pydantic import Field, field_validator

from core.contracts import Choice, Contract, Day, Flag, Ref, Text, Wan, Year, fail
from core.errors import ActionInvalid

from .models import Circumstance, ProcurementMethod

# -- the annual plan (Art. 10, 11) -------------------------------------------------------------


class PlanBasisIn(Contract):
    """The basis of a plan version: why it is compiled or adjusted (publishing an adjustment
    needs one)."""

    basis: str = Text(L("编制或调整依据"), rows=2, help=L("发布计划调整时必填。"))


class PlanOpenIn(PlanBasisIn):
    """DRC opens the year's plan, or an adjustment of the plan in force (Art. 10)."""

    year: int = Year(L("年度"))

    SECTIONS = (("", ("year", "basis")),)


class PlanAmountsIn(Contract):
    """Amounts chosen for some projects of a compilation (万元, by project number)."""

    amounts_wan: dict[int, Decimal] = Field(
        default_factory=dict,
        description="可选：项目编号 → 计划金额（万元，字符串或整数）；未列出的项目按批复总投资"
        "（或申报总投资）",
    )

    @field_validator("amounts_wan", mode="before")
    @classmethod
    def _amounts(cls, value: Any) -> dict[int, Decimal]:
        clean: dict[int, Decimal] = {}
        if not isinstance(value, Mapping | None):
            raise fail(_("计划金额应为“项目编号 → 金额（万元）”的对象。"))
        for key, amount in dict(value or {}).items():
            try:
                parsed = PlanEntryAmountIn.parse({"amount_wan": amount}).amount_wan
            except ActionInvalid as exc:
                raise fail(
                    _("项目 %(pid)s：%(message)s")
                    % {"pid": key, "message": exc.errors.get("amount_wan", exc.message)}
                ) from None
            clean[int(key)] = parsed
        return clean


class PlanCompileIn(PlanAmountsIn):
    """DRC puts every eligible project of the year into the draft at once (Art. 10, 27)."""

    year: int = Year(L("年度"))


class PlanEntryAmountIn(Contract):
    """The amount of a project in a draft plan."""

    amount_wan: Decimal = Wan(L("计划金额"))


class PlanEntryAddIn(PlanEntryAmountIn):
    """DRC puts one project into the year's draft plan (Art. 10)."""

    year: int | None = Year(L("计划年度"), required=False, help=L("留空则为项目的申报年度。"))
    note: str = Text(L("备注"), max_length=200)


class PlanEntryCreateIn(PlanEntryAddIn):
    """``POST /plans/{year}/entries``: the project is named in the payload."""

    project_id: int = Ref(L("项目"))


# -- performance target tables (Art. 10 ¶3) ------------------------------------------------------


def _flag_on(label: Any) -> Any:
    """A yes-or-no field that is yes unless the input says no."""
    flag = Flag(label)
    info: Any = Field(default=True, title=flag.title)
    info.metadata.extend(flag.metadata)
    return info


class PerformanceIndicatorIn(Contract):
    """A third-level indicator under a second-level category of the indicator tree."""

    category_id: int = Ref(L("二级指标"))
    name: str = Text(L("三级指标"), required=True, max_length=100)
    target_value: str = Text(L("指标值"), required=True, max_length=50)
    unit: str = Text(L("计量单位"), max_length=20)
    is_quantitative: bool = _flag_on(L("定量指标"))
    formula: str = Text(L("计算公式"), max_length=200)

    @staticmethod
    def resolve_category_id(obj: Any) -> Any:
        # rows built in Python name the category ``category`` (as the page's grid does)
        if isinstance(obj, dict):
            return obj.get("category_id", obj.get("category"))
        return getattr(obj, "category_id", None)


class PerformanceTableBodyIn(Contract):
    """The content of a 绩效目标表: the overall goal and the indicators (it replaces the
    table of that year)."""

    overall_goal: str = Text(L("总体目标"), required=True, rows=3)
    indicators: list[PerformanceIndicatorIn] = Field(
        default_factory=list, description="三级指标，挂在二级指标下（见 /indicator-tree）"
    )

    def problems(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        for n, row in enumerate(self.indicators, start=1):
            if row.is_quantitative and not row.unit:
                errors[f"indicators.{n}.unit"] = _("第 %(n)s 行：定量指标须填写计量单位。") % {
                    "n": n
                }
            if row.is_quantitative and not row.formula:
                errors[f"indicators.{n}.formula"] = _("第 %(n)s 行：定量指标须填写计算公式。") % {
                    "n": n
                }
        return errors


class PerformanceTableIn(PerformanceTableBodyIn):
    """A unit saves the performance target table of its project for a plan year (R10.3)."""

    year: int = Year(L("年度"))


# -- budgets (Art. 10 ¶2) --------------------------------------------------------------------------


class BudgetLineAddIn(Contract):
    """Finance arranges a budget line for a project in the year's plan (R10.2)."""

    year: int = Year(L("预算年度"))
    amount_wan: Decimal = Wan(L("预算金额"))
    subject: str = Text(L("预算科目"), max_length=100)
    note: str = Text(L("备注"), max_length=200)


class BudgetLineCreateIn(BudgetLineAddIn):
    """``POST /budgets``: the project is named in the payload."""

    project_id: int = Ref(L("项目"))


# -- the Art. 11 path ------------------------------------------------------------------------------


class Art11InitiateIn(Contract):
    """Finance initiates the Art. 11 path for a project, with the basis and the budget source
    (checked by rule R11.1, which cites the article)."""

    year: int = Year(L("年度"))
    amount_wan: Decimal = Wan(L("金额"))
    basis: str = Text(
        L("依据（国家或市委、市政府明确要求）"),
        rows=3,
        help=L("第十一条：写明国家或市委、市政府明确要求的依据。"),
    )
    budget_source: str = Text(L("预算来源"), max_length=200, help=L("第十一条：落实预算来源。"))
    change_request_id: int | None = Ref(
        L("项目调整"), required=False, help=L("由项目调整引起时（第二十六条），选择该调整。")
    )


class Art11CreateIn(Art11InitiateIn):
    """``POST /art11``: the project is named in the payload."""

    project_id: int = Ref(L("项目"))


class Art11OpinionIn(Contract):
    """An opinion on a step of the Art. 11 path (optional: a default note is recorded)."""

    opinion: str = Text(L("意见"), rows=2)


class Art11RejectIn(Contract):
    """BDB or DRC refuses an Art. 11 request, with its reasons."""

    opinion: str = Text(L("不予办理的理由"), required=True, rows=3)


class Art11BudgetIn(Contract):
    """Finance arranges the budget of an approved Art. 11 request."""

    subject: str = Text(L("预算科目"), max_length=100)


# -- contracts and payments (Art. 25) ------------------------------------------------------------


class ContractRecordIn(Contract):
    """A unit records a contract of its project (the procurement result, basis of payments)."""

    number: str = Text(L("合同编号"), required=True, max_length=60)
    title: str = Text(L("合同名称"), required=True, max_length=200)
    supplier: str = Text(L("供应商"), required=True, max_length=200)
    method: str = Choice(ProcurementMethod, L("采购方式"))
    amount_wan: Decimal = Wan(L("合同金额"))
    signed_on: dt.date = Day(L("签订日期"), required=True, past=True)


class PaymentRecordIn(Contract):
    """A treasury payment (国库集中支付) against a contract, charged to a budget line."""

    budget_line_id: int = Ref(L("预算指标"))
    paid_on: dt.date = Day(L("支付日期"), required=True, past=True)
    amount_wan: Decimal = Wan(L("支付金额"))
    payee: str = Text(L("收款人"), required=True, max_length=200)
    voucher_number: str = Text(
        L("国库支付凭证号"), required=True, max_length=60, help=L("全平台唯一。")
    )


class PaymentCreateIn(PaymentRecordIn):
    """``POST /projects/{id}/payments``: the contract is named in the payload."""

    contract_id: int = Ref(L("合同"))


# -- baseline and change requests (Art. 26) ---------------------------------------------------------


class EstimateItemIn(Contract):
    """One item of the estimate (概算明细)."""

    name: str = Text(L("概算项目名称"), required=True, max_length=100)
    amount_wan: Decimal = Wan(L("金额"))


class EstimateItemsIn(Contract):
    """A full estimate breakdown: at least one item, each name once."""

    items: list[EstimateItemIn] = Field(default_factory=list, description="概算明细")

    def problems(self) -> dict[str, str]:
        if not self.items:
            return {"items": _("请至少填写一项概算明细。")}
        errors: dict[str, str] = {}
        seen: set[str] = set()
        for n, item in enumerate(self.items, start=1):
            if item.name in seen:
                errors[f"items.{n}.name"] = _("第 %(n)s 行：概算项目“%(name)s”重复。") % {
                    "n": n,
                    "name": item.name,
                }
            seen.add(item.name)
        return errors

    def items_wan(self) -> dict[str, Decimal]:
        return {i.name: i.amount_wan for i in self.items}


class BaselineIn(EstimateItemsIn):
    """The approved baseline, recorded once after approval: the estimate items as approved
    (summing to the approved total), the goals and the planned completion (Art. 26)."""

    goals: str = Text(L("建设目标"), required=True, rows=3)
    planned_completion: dt.date | None = Day(L("计划建成日期"))


class ChangeSubmitIn(EstimateItemsIn):
    """A change request: every estimate item as it would be after the change, and the facts
    Art. 26 classifies by."""

    circumstance: str = Choice(Circumstance, L("适用情形（第二十六条）"), required=False)
    goals_changed: bool = Flag(L("建设目标发生变化"))
    raises_year_budget: bool = Flag(L("需增加当年预算安排"))
    changes_plan: bool = Flag(L("涉及年度投资计划变更"))
    content_change: str = Text(L("建设内容调整"), rows=2)
    schedule_change: str = Text(L("进度调整"), rows=2)
    reason: str = Text(L("调整理由"), required=True, rows=3)
    new_total_wan: Decimal | None = Wan(
        L("调整后总投资"), required=False, help=L("给出时须等于概算明细合计。")
    )

    def problems(self) -> dict[str, str]:
        errors = super().problems()
        total = sum(self.items_wan().values(), Decimal(0))
        if self.new_total_wan is not None and self.items and self.new_total_wan != total:
            errors["new_total_wan"] = _("调整后总投资应等于概算明细合计 %(total)s 万元。") % {
                "total": f"{total:,.2f}"
            }
        return errors


class ChangeOpinionIn(Contract):
    """DRC's opinion on a change request it approves or rejects."""

    opinion: str = Text(L("审批意见"), required=True, rows=3)


class ChangeDecisionIn(ChangeOpinionIn):
    """``POST /changes/{id}/decide``: approve or reject in one address."""

    approve: bool = Field(..., description="true 批准，false 不予批准")
