"""Contracts and treasury payments (Art. 25, R25.1): a unit records its project's contracts
and pays against them from budget lines; the sum paid never exceeds the approved total (with
the changes in force) nor a budget line, and a suspended or unapproved project is not paid.

Payments are safe under concurrency: the action locks the contract, then the project row,
then the budget line before it sums what was paid, so two payments submitted at the same
moment are serialised and cannot together exceed a limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from core.enums import ActionCode
from core.findings import Finding
from core.money import format_wan, wan_to_yuan
from policy.gates import refusal
from projects.models import Project, ProjectKind, ProjectState
from projects.rules import ever_listed

from ..contracts import ContractRecordIn, PaymentRecordIn
from ..models import BudgetLine, Contract, Payment
from ..services import paid_on_line, paid_total, payment_limit
from .base import UnitProjectAction, int_of, money_link, text_of

PAYMENT_GATE = "investment.payment.record"


def is_payable(project: Project) -> bool:
    """An approved construction project, or an O&M project on the list."""
    if project.kind == ProjectKind.OM:
        return ever_listed(project)
    return project.state == ProjectState.APPROVED


class RecordContract(UnitProjectAction):
    """The unit records a contract of its project (the procurement result), the basis of its
    payments (Art. 25); its number is unique within the project, and the project's contracts
    together stay within the approved total with the approved changes (建设按批复)."""

    label = L("登记合同")
    Input = ContractRecordIn
    article = "第二十五条"
    requirement = "R25.1"
    style = "outline-primary"
    success = L("已登记合同。")

    def makes_sense(self, project: Project) -> bool:
        return is_payable(project)

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        number = text_of(data, "number")
        if number and Contract.objects.filter(project=obj, number=number).exists():
            return {"number": _("该合同编号已登记。")}
        return {}

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterable[Finding]:
        yield from super().refusals(obj, user, data)
        if data is None or getattr(data, "amount_wan", None) is None:
            return
        limit = payment_limit(obj)
        if limit is None:  # an O&M project is limited by its budget lines
            return
        contracted = obj.contracts.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        amount = wan_to_yuan(data.amount_wan)
        if contracted + amount > limit:
            yield refusal(
                "R25.1.contracts-over-approved",
                N_(
                    "合同合计将达 %(total)s 万元，超过批复总投资（含已批准的变更）%(limit)s 万元；"
                    "项目应按批复建设（第二十五条）。"
                ),
                remedy=N_("请核对合同金额；确需增加投资的，先按第二十六条办理变更。"),
                params={"total": format_wan(contracted + amount), "limit": format_wan(limit)},
                facts={"contracted": str(contracted), "amount": str(amount), "limit": str(limit)},
            )

    def perform(self, obj: Any, data: ContractRecordIn, user: Any, decision: Any) -> Contract:
        contract = Contract.objects.create(
            project=obj,
            number=data.number,
            title=data.title,
            supplier=data.supplier,
            method=data.method,
            amount=wan_to_yuan(data.amount_wan),
            signed_on=data.signed_on,
            created_by=user,
        )
        self.record(
            ActionCode.CONTRACT_RECORDED,
            actor=user,
            obj=contract,
            reason=f"登记合同 {contract.number}（{contract.supplier}），"
            f"{format_wan(contract.amount)} 万元",
        )
        return contract


class RecordPayment(UnitProjectAction):
    """The unit records a treasury payment against a contract of its project, charged to one
    of the project's budget lines; the gate (R25.1) refuses it over the approved total or the
    line, or for a suspended, terminated or unapproved project."""

    label = L("登记支付")
    model = Contract
    object_keyword = "contract"
    aliases = {"budget_line": "budget_line_id"}
    Input = PaymentRecordIn
    gate = PAYMENT_GATE
    article = "第二十五条"
    requirement = "R25.1"
    style = "outline-primary"
    success = L("已登记支付。")

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, Project):
            yield from page_obj.contracts.order_by("signed_on", "pk")

    def target_label(self, obj: Any) -> str:
        return _("合同 %(number)s %(title)s") % {"number": obj.number, "title": obj.title}

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        contract = super().load(ref, user, lock=lock)
        if lock:  # the project row serialises the payments of one project
            Project.objects.select_for_update().filter(pk=contract.project_id).first()
        return contract

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        lines = BudgetLine.objects.filter(project_id=obj.project_id).order_by("-year", "pk")
        return {
            "budget_line_id": [
                (
                    line.pk,
                    f"{line.year}年 {line.subject or _('预算')} · {format_wan(line.amount)}万元",
                )
                for line in lines
            ]
        }

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        errors: dict[str, str] = {}
        line = int_of(data, "budget_line_id")
        if (
            line is not None
            and not BudgetLine.objects.filter(pk=line, project_id=obj.project_id).exists()
        ):
            errors["budget_line_id"] = _("请选择本项目的预算指标。")
        voucher = text_of(data, "voucher_number")
        if voucher and Payment.objects.filter(voucher_number=voucher).exists():
            errors["voucher_number"] = _("该凭证号已登记，不能重复支付。")
        return errors

    def gate_code(self, obj: Any, data: Any) -> str:
        return self.gate if data is not None else ""  # the limits depend on the amount

    def evaluate_gate(self, obj: Any, user: Any, data: Any) -> Any:
        # lock the line before the sums are read (the project is locked by ``load``)
        BudgetLine.objects.select_for_update().filter(pk=data.budget_line_id).first()
        return super().evaluate_gate(obj, user, data)

    def facts(self, obj: Any, user: Any, data: Any) -> dict[str, Any]:
        if data is None:
            return {}
        project = obj.project
        line = BudgetLine.objects.get(pk=data.budget_line_id)
        return {
            "amount": wan_to_yuan(data.amount_wan),
            "paid": paid_total(project.pk),
            "limit": payment_limit(project),
            "line_amount": line.amount,
            "line_paid": paid_on_line(line.pk),
            "approved": project.kind == ProjectKind.OM or project.state == ProjectState.APPROVED,
        }

    def perform(self, obj: Any, data: PaymentRecordIn, user: Any, decision: Any) -> Payment:
        amount = wan_to_yuan(data.amount_wan)
        payment = Payment.objects.create(
            contract=obj,
            budget_line_id=data.budget_line_id,
            paid_on=data.paid_on,
            amount=amount,
            payee=data.payee,
            voucher_number=data.voucher_number,
            recorded_by=user,
        )
        self.record(
            ActionCode.PAYMENT_RECORDED,
            actor=user,
            obj=payment,
            project=obj.project,
            reason=f"支付 {format_wan(amount)} 万元给{data.payee}（凭证 {data.voucher_number}）",
            policy_version=decision.policy.code,
            decision_id=decision.pk,
            data={"amount": amount, "project": obj.project.code, "line": data.budget_line_id},
        )
        return payment

    def next_url(self, obj: Any, result: Any) -> str:
        return money_link(obj.project_id)


record_contract = RecordContract()
record_payment = RecordPayment()
