"""Budgets follow the plan (Art. 10 ¶2, R10.2): Finance arranges a budget line only for a
project in the year's plan in force; a total that differs from the plan amount is recorded
with a warning and shows in the reconciliation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.recipients import unit_staff
from core.enums import ActionCode
from core.findings import Finding
from core.money import format_wan, wan_to_yuan
from core.notify import notify
from projects.models import Project

from ..contracts import BudgetLineAddIn
from ..models import BudgetLine, PlanEntry, PlanState
from ..services import ZERO, current_plan_version, plan_amounts
from .base import FINANCE, ProjectAction, wan_text

BUDGET_GATE = "investment.budget.add"


def budgeted(project_id: int, year: int) -> Decimal:
    total = BudgetLine.objects.filter(project_id=project_id, year=year).aggregate(s=Sum("amount"))
    return total["s"] or ZERO


def budget_facts(project: Project, year: int, amount: Decimal | None) -> dict[str, Any]:
    """What R10.2 reads: the plan amount in force, and the year's budget after ``amount``."""
    facts: dict[str, Any] = {
        "year": year,
        "plan_amount": plan_amounts(current_plan_version(year)).get(project.pk),
    }
    if amount is not None:
        facts["budget_after"] = budgeted(project.pk, year) + amount
    return facts


def arrange_budget(
    project: Project,
    *,
    year: int,
    amount: Decimal,
    user: Any,
    decision: Any,
    subject: str = "",
    note: str = "",
    via_art11: Any = None,
    policy_version: str = "",
) -> BudgetLine:
    """Create the budget line (its gate decision passed), record it and tell the unit."""
    line = BudgetLine.objects.create(
        project=project,
        year=year,
        amount=amount,
        subject=subject,
        note=note,
        via_art11=via_art11,
        decision=decision,
        created_by=user,
    )
    from core.ledger import record_event

    record_event(
        ActionCode.BUDGET_LINE_ADDED,
        actor=user,
        obj=project,
        organisation=project.unit_id,
        reason=f"安排 {year} 年预算 {format_wan(amount)} 万元（第十条）",
        policy_version=policy_version,
        decision_id=getattr(decision, "pk", None),
        data={"year": year, "amount": amount, "line_id": line.pk},
    )
    notify(
        unit_staff(project.unit_id),
        title=f"{project.code} 已安排 {year} 年预算 {format_wan(amount)} 万元",
        link=reverse("projects:detail", args=[project.pk]),
    )
    return line


def line_warnings(line: BudgetLine) -> list[Finding]:
    """The warnings of the decision a line was arranged under (a total unequal to the plan)."""
    if line.decision is None:
        return []
    return [Finding.from_dict(f) for f in line.decision.findings if f["severity"] == "warn"]


class AddBudgetLine(ProjectAction):
    """Finance arranges a budget line for a project of the year's plan in force; refused for a
    project not in it (R10.2; the exceptional path is Art. 11). A year's total different from
    the plan amount is recorded with a warning and reported by the reconciliation."""

    label = L("安排预算")
    roles = FINANCE
    Input = BudgetLineAddIn
    gate = BUDGET_GATE
    article = "第十条"
    requirement = "R10.2"

    def makes_sense(self, project: Project) -> bool:
        return PlanEntry.objects.filter(
            project=project, version__state=PlanState.PUBLISHED
        ).exists()

    def open_year(self, project: Project) -> tuple[int, Decimal | None]:
        """The latest plan year in force whose budget falls short of the plan, and by how
        much (the form starts there); else the project's year."""
        entries = PlanEntry.objects.filter(
            project=project, version__state=PlanState.PUBLISHED
        ).order_by("-version__plan__year")
        for year, amount in entries.values_list("version__plan__year", "amount"):
            short = amount - budgeted(project.pk, year)
            if short > 0:
                return year, short
        return project.year, None

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        year, short = self.open_year(obj)
        return {"year": year, "amount_wan": wan_text(short)}

    def facts(self, obj: Any, user: Any, data: Any) -> dict[str, Any]:
        if data is None:
            return budget_facts(obj, self.open_year(obj)[0], None)
        return budget_facts(obj, data.year, wan_to_yuan(data.amount_wan))

    def perform(self, obj: Any, data: BudgetLineAddIn, user: Any, decision: Any) -> BudgetLine:
        return arrange_budget(
            obj,
            year=data.year,
            amount=wan_to_yuan(data.amount_wan),
            user=user,
            decision=decision,
            subject=data.subject,
            note=data.note,
            policy_version=decision.policy.code,
        )

    def success_message(self, obj: Any, result: Any) -> str:
        done = _("已为 %(code)s 安排 %(year)s 年预算。") % {"code": obj.code, "year": result.year}
        return " ".join([done, *(f.text for f in line_warnings(result))])


add_budget_line = AddBudgetLine()
