"""Read helpers of the investment chapter: plan eligibility in bulk, reconciliation of budgets
with the plan, version differences, payment totals and the Art. 26 classification. No state
changes here. Everything that runs over a whole plan is a fixed number of set queries, so
compiling and reconciling 20,000 entries stays within the benchmark target."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db.models import Sum

from core.money import CENT, format_wan
from policy.engine import GateContext
from policy.lookup import policy_in_force
from projects.models import Project, ProjectKind

from .eligibility import id_chunks
from .models import (
    EFFECTIVE_CHANGE_STATES,
    AnnualPlan,
    Baseline,
    BudgetLine,
    ChangeClass,
    ChangeRequest,
    Payment,
    PlanEntry,
    PlanState,
    PlanVersion,
)

ZERO = Decimal("0.00")
ARTICLE = "第二十六条"


# -- plan ------------------------------------------------------------------------------------


def current_plan_version(year: int) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(plan__year=year, state=PlanState.PUBLISHED)
        .select_related("plan")
        .first()
    )


def plan_amounts(version: PlanVersion | None) -> dict[int, Decimal]:
    """project id -> planned amount in ``version`` (one query)."""
    if version is None:
        return {}
    return dict(PlanEntry.objects.filter(version=version).values_list("project_id", "amount"))


def version_diff(old: PlanVersion | None, new: PlanVersion) -> dict:
    """Entries added, removed and changed in amount between two versions."""
    before, after = plan_amounts(old), plan_amounts(new)
    names = dict(Project.objects.filter(pk__in=set(before) | set(after)).values_list("pk", "code"))
    return {
        "added": [(names[p], after[p]) for p in sorted(after.keys() - before.keys())],
        "removed": [(names[p], before[p]) for p in sorted(before.keys() - after.keys())],
        "changed": [
            (names[p], before[p], after[p])
            for p in sorted(after.keys() & before.keys())
            if before[p] != after[p]
        ],
    }


def previous_version(version: PlanVersion) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(plan=version.plan, number__lt=version.number)
        .exclude(state=PlanState.DRAFT)
        .order_by("-number")
        .first()
    )


def plan_context(project, actor=None, **facts) -> GateContext:
    base = {
        "project_id": project.pk,
        "project_code": project.code,
        "project_kind": project.kind,
        "state": project.state,
    }
    base.update(facts)
    return GateContext(
        subject=project, policy=policy_in_force(project.unit), actor=actor, facts=base
    )


# -- reconciliation (R10.2) ------------------------------------------------------------------


@dataclass
class ReconRow:
    project_id: int
    code: str
    name: str
    unit: str
    plan_amount: Decimal | None
    budget_amount: Decimal

    @property
    def difference(self) -> Decimal:
        return self.budget_amount - (self.plan_amount or ZERO)

    @property
    def problem(self) -> str:
        if self.plan_amount is None:
            return "预算无对应计划"
        if self.budget_amount == ZERO:
            return "计划项目未安排预算"
        return "预算与计划金额不一致"


def reconcile(year: int) -> dict:
    """Every project whose budget for ``year`` differs from its plan amount, and every budget
    line without a plan entry (R10.2). Four queries whatever the size of the plan (one more per
    10,000 mismatches)."""
    version = current_plan_version(year)
    planned = plan_amounts(version)
    budgets = dict(
        BudgetLine.objects.filter(year=year)
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
    )
    # Only the mismatches need names: a plan that reconciles loads no project rows at all.
    mismatched = [
        pk
        for pk in set(planned) | set(budgets)
        if pk not in planned or planned[pk] != budgets.get(pk, ZERO)
    ]
    info = {}
    for chunk in id_chunks(mismatched):
        for pk, code, name, unit in Project.objects.filter(pk__in=chunk).values_list(
            "pk", "code", "name", "unit__name"
        ):
            info[pk] = (code, name, unit)
    rows = []
    for pk in mismatched:
        code, name, unit = info[pk]
        rows.append(ReconRow(pk, code, name, unit, planned.get(pk), budgets.get(pk, ZERO)))
    rows.sort(key=lambda r: r.code)
    return {
        "year": year,
        "version": version,
        "rows": rows,
        "plan_total": sum(planned.values(), ZERO),
        "budget_total": sum(budgets.values(), ZERO),
        "entries": len(planned),
    }


# -- payments (R25.1) ------------------------------------------------------------------------


def paid_total(project_id) -> Decimal:
    return (
        Payment.objects.filter(contract__project_id=project_id).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )


def paid_on_line(budget_line_id) -> Decimal:
    return (
        Payment.objects.filter(budget_line_id=budget_line_id).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )


def payment_limit(project) -> Decimal | None:
    """The approved total (None for O&M projects, which are limited by their budget only)."""
    if project.kind == ProjectKind.OM:
        return None
    baseline = Baseline.objects.filter(project=project).first()
    current = effective_total(project, baseline)
    return current if current is not None else project.approved_total


# -- change requests (R26.1) -----------------------------------------------------------------


def effective_changes(project):
    return ChangeRequest.objects.filter(project=project, state__in=EFFECTIVE_CHANGE_STATES)


def effective_total(project, baseline=None) -> Decimal | None:
    last = effective_changes(project).order_by("-number").first()
    if last is not None:
        return last.new_total
    baseline = baseline or Baseline.objects.filter(project=project).first()
    return baseline.approved_total if baseline else project.approved_total


def current_items(project, baseline) -> dict[str, Decimal]:
    last = effective_changes(project).order_by("-number").first()
    items = last.items if last is not None else baseline.items
    return {i["name"]: Decimal(str(i["amount"])) for i in items}


def moved_between(before: dict[str, Decimal], after: dict[str, Decimal]) -> Decimal:
    """The amount moved by a change: the larger of what items gained and what they lost."""
    up = down = ZERO
    for name in set(before) | set(after):
        delta = after.get(name, ZERO) - before.get(name, ZERO)
        if delta > 0:
            up += delta
        else:
            down -= delta
    return max(up, down)


def diff_items(before: dict[str, Decimal], after: dict[str, Decimal]) -> list[dict]:
    rows = []
    for name in list(before) + [n for n in after if n not in before]:
        b, a = before.get(name, ZERO), after.get(name, ZERO)
        rows.append({"name": name, "before": b, "after": a, "delta": a - b})
    return rows


def classify_change(
    project,
    baseline,
    *,
    items,
    new_total,
    circumstance,
    goals_changed,
    raises_year_budget,
    changes_plan,
    ratio,
) -> dict:
    """The conditions of Art. 26 ¶1, each with pass/fail, and the resulting class: reads the
    items in force and the amounts earlier changes moved, then decides (``decide_change``)."""
    moved = moved_between(current_items(project, baseline), items)
    earlier = effective_changes(project).aggregate(s=Sum("moved_amount"))["s"] or ZERO
    result = decide_change(
        approved_total=baseline.approved_total,
        new_total=new_total,
        moved=moved,
        earlier=earlier,
        ratio=ratio,
        circumstance=circumstance,
        goals_changed=goals_changed,
        raises_year_budget=raises_year_budget,
        changes_plan=changes_plan,
    )
    result["diff"] = diff_items(
        {i["name"]: Decimal(str(i["amount"])) for i in baseline.items}, items
    )
    return result


@lru_cache(maxsize=64)
def _ratio_terms(ratio: str) -> tuple[Decimal, str]:
    """The ratio as a Decimal and the ratio condition's label (one per policy value: the
    label's percentage formatting is most of a decision's cost otherwise)."""
    value = Decimal(ratio)
    return value, f"累计调整金额不超过批复总投资的 {value * 100:.0f}%"


def decide_change(
    *,
    approved_total: Decimal,
    new_total: Decimal,
    moved: Decimal,
    earlier: Decimal,
    ratio,
    circumstance: str,
    goals_changed: bool,
    raises_year_budget: bool,
    changes_plan: bool,
) -> dict:
    """Art. 26 ¶1 as a decision table: the four conditions (each citing the article, with its
    facts, all JSON-ready) and the class, from the amounts and the policy's ratio. No reads:
    ``classify_change`` gathers the amounts; bench/bench_changes.py runs the same table in a
    DMN engine."""
    ratio_text = str(ratio)
    value, ratio_label = _ratio_terms(ratio_text)
    cumulative = earlier + moved
    limit = (approved_total * value).quantize(CENT)
    total_ok = new_total <= approved_total
    ratio_ok = cumulative <= limit
    conditions = [
        {
            "key": "total",
            "label": "不增加项目总投资",
            "passed": total_ok,
            "article": ARTICLE,
            "facts": {
                "new_total_wan": format_wan(new_total),
                "approved_total_wan": format_wan(approved_total),
            },
        },
        {
            "key": "goals",
            "label": "建设目标不变",
            "passed": not goals_changed,
            "article": ARTICLE,
            "facts": {"goals_changed": bool(goals_changed)},
        },
        {
            "key": "ratio",
            "label": ratio_label,
            "passed": ratio_ok,
            "article": ARTICLE,
            "facts": {
                "moved_wan": format_wan(moved),
                "earlier_wan": format_wan(earlier),
                "cumulative_wan": format_wan(cumulative),
                "limit_wan": format_wan(limit),
                "ratio": ratio_text,
            },
        },
        {
            "key": "circumstance",
            "label": "符合第二十六条规定的三种情形之一",
            "passed": bool(circumstance),
            "article": ARTICLE,
            "facts": {"circumstance": circumstance or ""},
        },
    ]
    if total_ok and not goals_changed and ratio_ok and circumstance:
        klass = ChangeClass.FILING
    elif raises_year_budget or changes_plan:
        klass = ChangeClass.ART11
    else:
        klass = ChangeClass.APPROVAL
    return {
        "conditions": conditions,
        "classification": klass,
        "moved": moved,
        "cumulative": cumulative,
        "limit": limit,
    }


def classification_facts(result: dict) -> dict:
    """The classification as the gate's facts: what a JSON round trip of ``result`` with
    Django's encoder gives (Decimals as their text, the class as its value), built directly
    (the round trip was 41 % of a decision). The conditions are JSON-ready already."""
    facts = {
        "conditions": result["conditions"],
        "classification": str(result["classification"]),
        "moved": str(result["moved"]),
        "cumulative": str(result["cumulative"]),
        "limit": str(result["limit"]),
    }
    if "diff" in result:
        facts["diff"] = diff_facts(result["diff"])
    return facts


def diff_facts(diff: list[dict]) -> list[dict]:
    """The item differences with their amounts as text (as Django's JSON encoder writes them)."""
    return [
        {
            "name": r["name"],
            "before": str(r["before"]),
            "after": str(r["after"]),
            "delta": str(r["delta"]),
        }
        for r in diff
    ]


def plans_of(year):
    return AnnualPlan.objects.filter(year=year)
