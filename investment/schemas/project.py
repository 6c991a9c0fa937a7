"""Responses about one project's money: Art. 11 requests, contracts, payments, the approved
baseline and change requests (Art. 11, 25, 26)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from core.money import wan_str, yuan_str

from ..models import Baseline
from ..services import diff_items
from .common import amounts, attr, label, money, person


class EstimateItemOut(Schema):
    name: str
    amount: str = Field(..., description="金额（元）")
    amount_wan: str = Field(..., description="金额（万元）")


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

    resolve_project_code = attr("project.code")
    resolve_project_name = attr("project.name")
    resolve_amount, resolve_amount_wan = money("amount")
    resolve_state_label = label("state")
    resolve_initiated_by_name = person("initiated_by")


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

    resolve_method_label = label("method")
    resolve_amount, resolve_amount_wan = money("amount")
    resolve_paid, resolve_paid_wan = money("paid", zero=True)


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

    resolve_contract_number = attr("contract.number")
    resolve_amount, resolve_amount_wan = money("amount")
    resolve_recorded_by_name = person("recorded_by")


# -- baseline and changes (R26.1) ----------------------------------------------------------------


class BaselineOut(Schema):
    project_id: int
    approved_total: str
    approved_total_wan: str
    items: list[EstimateItemOut]
    goals: str
    planned_completion: date | None
    created_by_name: str
    created_at: datetime
    current_total: str = Field(..., description="计入已生效调整后的总投资（元）")
    current_total_wan: str
    current_items: list[EstimateItemOut] = Field(..., description="计入已生效调整后的概算明细")


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

    resolve_project_code = attr("project.code")
    resolve_classification_label = label("classification")
    resolve_state_label = label("state")
    resolve_new_total, resolve_new_total_wan = money("new_total")
    resolve_moved_amount, resolve_moved_amount_wan = money("moved_amount")
    resolve_cumulative_moved, resolve_cumulative_moved_wan = money("cumulative_moved")


def _as_dict(items: list[dict]) -> dict[str, Decimal]:
    return {i["name"]: Decimal(str(i["amount"])) for i in items}


def _baseline(change: Any) -> Baseline | None:
    """The project's baseline (every change is diffed against it), or None."""
    if not hasattr(change, "_api_baseline"):
        change._api_baseline = Baseline.objects.filter(project_id=change.project_id).first()
    return change._api_baseline


class ChangeDetailOut(ChangeSummaryOut):
    content_change: str
    schedule_change: str
    circumstance: str
    circumstance_label: str
    goals_changed: bool
    raises_year_budget: bool
    changes_plan: bool
    reason: str
    items: list[EstimateItemOut]
    conditions: list[ConditionOut] = Field(..., description="第二十六条的四项条件及判定")
    failed_conditions: list[str] = Field(..., description="未满足的条件（key）")
    baseline_total: str | None
    baseline_total_wan: str | None
    diff: list[DiffRowOut] = Field(..., description="与批复基线逐项比较")
    decision_id: str | None
    decided_by_name: str
    decision_opinion: str
    created_by_name: str

    resolve_circumstance_label = label("circumstance")
    resolve_decided_by_name = person("decided_by")
    resolve_created_by_name = person("created_by")

    @staticmethod
    def resolve_items(obj) -> list[dict]:
        return amounts(obj.items)

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
