"""Read helpers of the investment chapter: plan eligibility in bulk, reconciliation of budgets
with the plan, version differences, payment totals and the Art. 26 classification. No state
changes here. Everything that runs over a whole plan is a fixed number of set queries, so
compiling and reconciling 20,000 entries stays within the benchmark target."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Trim
from django.utils.translation import gettext_noop as N_

from core.findings import Finding
from core.money import format_wan
from policy.engine import GateContext
from policy.gates import refusal
from policy.lookup import policy_in_force
from policy.snapshot import rule_digest
from projects.models import Project, ProjectKind, ProjectState
from projects.rules import ever_listed

from .models import (
    EFFECTIVE_CHANGE_STATES,
    AnnualPlan,
    Baseline,
    BudgetLine,
    ChangeClass,
    ChangeRequest,
    Indicator,
    IndicatorCategory,
    Payment,
    PerformanceTable,
    PlanEntry,
    PlanState,
    PlanVersion,
)

ZERO = Decimal("0.00")
LISTED_OR_LATER = (
    ProjectState.LISTED,
    ProjectState.EVALUATION,
    ProjectState.JOINT_REVIEW,
    ProjectState.DRC_REVIEW,
    ProjectState.FSR_APPROVED,
    ProjectState.DESIGN_REVIEW,
    ProjectState.DESIGN_DRC_REVIEW,
    ProjectState.APPROVED,
)


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


# -- performance target tables (R10.3) -------------------------------------------------------


def indicator_tree() -> list[tuple[IndicatorCategory, list[IndicatorCategory]]]:
    cats = list(IndicatorCategory.objects.filter(is_active=True).order_by("order", "id"))
    roots = [c for c in cats if c.parent_id is None]
    return [(r, [c for c in cats if c.parent_id == r.pk]) for r in roots]


def table_problems(project_id, year) -> list[str]:
    """What is missing from a project's performance target table (empty when complete)."""
    return tables_complete([project_id], year)[project_id]


CHUNK = 10_000  # ids per IN list: well below SQLite's limit of 32,766 bound parameters
WHOLE_YEAR = 2_000  # above this many projects, read the whole year instead of an IN list


def _chunks(ids, size=CHUNK):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def tables_complete(project_ids, year) -> dict[int, list[str]]:
    """project id -> problems of its table for ``year`` (four queries for any number, one more
    per 10,000 incomplete tables).

    The database does the sifting in one pass: it counts, per table, the indicators under each
    first-level category and those lacking a value, a unit or a formula; only the lacking ones
    are then read, so that a plan of 20,000 projects with nine indicators each does not load
    180,000 indicator rows."""
    project_ids = list(project_ids)
    roots = [r.pk for r, _ in indicator_tree()]
    names = dict(IndicatorCategory.objects.filter(pk__in=roots).values_list("pk", "name"))
    tables: dict[int, tuple[int, str]] = {}  # project id -> (table id, overall goal)
    present = defaultdict(set)  # table id -> first-level categories covered
    # table id -> [(name, target, quantitative, unit, formula)]
    faulty: dict[int, list[Any]] = defaultdict(list)
    tables_qs = PerformanceTable.objects.filter(year=year)
    if len(project_ids) <= WHOLE_YEAR:
        tables_qs = tables_qs.filter(project_id__in=project_ids)
    # else a whole plan: the year's tables (a superset) rather than 10,000s of bound ids
    for pid, tid, goal in tables_qs.values_list("project_id", "pk", "overall_goal"):
        tables[pid] = (tid, goal)
    indicators = Indicator.objects.filter(table__in=tables_qs.values("pk")).annotate(
        t=Trim("target_value"), u=Trim("unit"), f=Trim("formula")
    )
    lacking = Q(t="") | Q(is_quantitative=True) & (Q(u="") | Q(f=""))
    # one pass over the indicators: per table, how many under each first-level category and
    # how many lack a value, a unit or a formula
    counts = {f"root_{r}": Count("pk", filter=Q(category__parent_id=r)) for r in roots}
    counts["lacking"] = Count("pk", filter=lacking)
    incomplete = []
    for row in indicators.values("table_id").annotate(**counts).order_by():
        present[row["table_id"]] = {r for r in roots if row[f"root_{r}"]}
        if row["lacking"]:
            incomplete.append(row["table_id"])
    for chunk in _chunks(incomplete):
        for tid, *values in (
            indicators.filter(lacking, table_id__in=chunk)
            .order_by("table", "category__parent__order", "category__order", "id")
            .values_list("table_id", "name", "target_value", "is_quantitative", "unit", "formula")
        ):
            faulty[tid].append(values)
    result = {}
    for pid in project_ids:
        if pid not in tables:
            result[pid] = ["尚未填报绩效目标表"]
            continue
        tid, goal = tables[pid]
        problems = [] if goal.strip() else ["未填写总体目标"]
        problems += [f"缺少{names[r]}" for r in roots if r not in present[tid]]
        for name, target, quantitative, unit, formula in faulty[tid]:
            if not target.strip():
                problems.append(f"指标“{name}”未填写指标值")
            if quantitative and not (unit.strip() and formula.strip()):
                problems.append(f"定量指标“{name}”未填写计量单位或计算公式")
        result[pid] = problems
    return result


# -- eligibility in bulk (R10.1, R27.1, R10.3) ------------------------------------------------


@dataclass
class Eligibility:
    project: Project
    reasons: list[dict] = field(default_factory=list)  # finding dicts
    # what a page shows beside a candidate
    evaluations: list = field(default_factory=list)
    amount_input: str = ""
    facts: list = field(default_factory=list)  # candidate_facts

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def findings(self) -> list[Finding]:
        """The reasons as findings, shown in the reader's language."""
        return [Finding.from_dict(r) for r in self.reasons]


def _finding(rule_id: str, message: str, remedy: str, params: dict, **facts: Any) -> dict:
    """A refused candidate's finding (as the gate's rules would give it), for the decision."""
    return refusal(rule_id, message, remedy=remedy, params=params, facts=facts).as_dict()


# what a compilation reads of each candidate (kept with its decision, so that it can be
# evaluated again: ``replay_compilation``)
CANDIDATE_FACTS = ("code", "name", "kind", "state", "state_label", "listed", "halted", "problems")


def candidate_facts(p: Project, problems: dict[int, list[str]]) -> list[Any]:
    """One candidate's facts, in the order of ``CANDIDATE_FACTS``."""
    return [
        p.code,
        p.name,
        str(p.kind),
        str(p.state),
        str(p.get_state_display()),
        ever_listed(p),
        bool(p.suspended_at or p.terminated_at),
        problems.get(p.pk, []),
    ]


def reasons_of(values: list[Any], year: int) -> list[dict]:
    """The findings of one candidate from its facts alone (R10.1, R27.1, R10.3)."""
    f = dict(zip(CANDIDATE_FACTS, values, strict=True))
    named = {"name": f["name"], "state": f["state_label"]}
    reasons = []
    if f["kind"] == ProjectKind.OM:
        # as the gate: an O&M project returned for revision after its listing is listed
        if not f["listed"]:
            reasons.append(
                _finding(
                    "R10.1",
                    N_("运行维护项目“%(name)s”未纳入项目清单。"),
                    N_("请先经市大数据发展局审核列入项目清单。"),
                    named,
                    state=f["state"],
                )
            )
    elif f["state"] != ProjectState.APPROVED and f["kind"] == ProjectKind.CONTINUING:
        # as the gate: a continuing project is eligible once approved (R10.1, Art. 10)
        reasons.append(
            _finding(
                "R10.1",
                N_("续建项目“%(name)s”尚未经依法审批（%(state)s）。"),
                N_("请先完成项目审批。"),
                named,
                state=f["state"],
            )
        )
    elif f["state"] != ProjectState.APPROVED:
        reasons.append(
            _finding(
                "R27.1",
                N_("建设项目“%(name)s”尚未完成审批（%(state)s）。"),
                N_("请先完成项目审批。"),
                named,
                state=f["state"],
            )
        )
    if f["kind"] != ProjectKind.OM and f["problems"]:
        reasons.append(
            _finding(
                "R10.3",
                N_("项目“%(name)s”的%(year)s年绩效目标表不完整：%(problems)s。"),
                N_("请项目建设单位填报完整的绩效目标表。"),
                {"name": f["name"], "year": year, "problems": "；".join(f["problems"])},
                problems=f["problems"],
            )
        )
    if f["halted"]:
        reasons.append(
            _finding(
                "R10.1",
                N_("项目“%(name)s”已暂停或终止。"),
                N_("暂停解除前不能纳入计划。"),
                named,
            )
        )
    for reason in reasons:  # the compilation's decision lists them by project
        reason["facts"]["project"] = f["code"]
    return reasons


def eligibility(projects, year: int) -> list[Eligibility]:
    """The same conditions as the gate ``investment.plan.add`` (R10.1, R27.1, R10.3), for many
    projects at once; used to compile a plan and by the benchmark. Each result keeps the
    candidate's facts (``candidate_facts``) from which its reasons follow."""
    projects = list(projects)
    construction = [p.pk for p in projects if p.kind != ProjectKind.OM]
    problems = tables_complete(construction, year) if construction else {}
    out = []
    for p in projects:
        e = Eligibility(p)
        e.facts = candidate_facts(p, problems)
        e.reasons = reasons_of(e.facts, year)
        out.append(e)
    return out


MAX_STORED_FINDINGS = 500


def refused_findings(facts: list[list[Any]], year: int) -> list[dict]:
    """The findings a compilation's decision keeps: the refused candidates' reasons in order,
    at most ``MAX_STORED_FINDINGS``."""
    return [r for values in facts for r in reasons_of(values, year)][:MAX_STORED_FINDINGS]


def replay_compilation(snapshot: dict) -> list[dict]:
    """The findings of a stored compilation, evaluated again from its candidates' facts."""
    return refused_findings(snapshot["candidates"], snapshot["year"])


COMPILE_GATE = "investment.plan.add"


def record_compilation(
    draft, actor, *, candidates: list[Eligibility], added: int, refused: list[dict]
):
    """One decision for a whole compilation (its refused projects with their findings) and its
    ledger event; the plan page shows the latest one beside the draft."""
    from core.enums import ActionCode
    from core.ledger import record_event
    from policy.models import Decision, Outcome

    policy = policy_in_force(None)
    decision = Decision.objects.create(
        gate=COMPILE_GATE,
        subject_type="investment.planversion",
        subject_id=str(draft.pk),
        subject_repr=str(draft),
        policy=policy,
        inputs={
            "year": draft.plan.year,
            "candidates": len(candidates),
            "added": added,
            "refused": len(refused),
        },
        rule_ids=["R10.1", "R27.1", "R10.3"],
        # every candidate's facts, so that the decision can be evaluated again (policy.replay)
        snapshot={
            "aggregate": COMPILE_GATE,
            "year": draft.plan.year,
            "candidates": [e.facts for e in candidates],
        },
        rule_versions={COMPILE_GATE: rule_digest(reasons_of)},
        outcome=Outcome.WARN if refused else Outcome.PASS,
        findings=refused_findings([e.facts for e in candidates], draft.plan.year),
        actor=actor,
    )
    record_event(
        ActionCode.PLAN_COMPILED,
        actor=actor,
        obj=draft,
        reason=f"{draft}：纳入 {added} 个项目，{len(refused)} 个不符合条件",
        policy_version=policy.code,
        decision_id=decision.pk,
        data={"added": added, "refused": [r["project"] for r in refused][:200]},
    )
    return decision


def latest_compilation(draft) -> dict | None:
    """The last compilation of a draft: how many entered, and the refused projects with their
    findings (the first 500 findings, as the decision keeps them)."""
    from policy.models import Decision

    decision = (
        Decision.objects.filter(
            gate=COMPILE_GATE, subject_type="investment.planversion", subject_id=str(draft.pk)
        )
        .order_by("-created_at")
        .first()
    )
    if decision is None:
        return None
    by_project: dict[str, list[Finding]] = defaultdict(list)
    for finding in decision.findings:
        by_project[finding.get("facts", {}).get("project", "")].append(Finding.from_dict(finding))
    return {
        "decision": decision,
        "added": decision.inputs.get("added", 0),
        "refused_count": decision.inputs.get("refused", len(by_project)),
        "refused": [{"project": code, "findings": f} for code, f in by_project.items()],
    }


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
    for chunk in _chunks(mismatched):
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
    """The conditions of Art. 26 ¶1, each with pass/fail, and the resulting class."""
    before = current_items(project, baseline)
    moved = moved_between(before, items)
    earlier = effective_changes(project).aggregate(s=Sum("moved_amount"))["s"] or ZERO
    cumulative = earlier + moved
    limit = (baseline.approved_total * Decimal(str(ratio))).quantize(Decimal("0.01"))
    conditions = [
        {
            "key": "total",
            "label": "不增加项目总投资",
            "passed": new_total <= baseline.approved_total,
            "article": "第二十六条",
            "facts": {
                "new_total_wan": format_wan(new_total),
                "approved_total_wan": format_wan(baseline.approved_total),
            },
        },
        {
            "key": "goals",
            "label": "建设目标不变",
            "passed": not goals_changed,
            "article": "第二十六条",
            "facts": {"goals_changed": bool(goals_changed)},
        },
        {
            "key": "ratio",
            "label": f"累计调整金额不超过批复总投资的 {Decimal(str(ratio)) * 100:.0f}%",
            "passed": cumulative <= limit,
            "article": "第二十六条",
            "facts": {
                "moved_wan": format_wan(moved),
                "earlier_wan": format_wan(earlier),
                "cumulative_wan": format_wan(cumulative),
                "limit_wan": format_wan(limit),
                "ratio": str(ratio),
            },
        },
        {
            "key": "circumstance",
            "label": "符合第二十六条规定的三种情形之一",
            "passed": bool(circumstance),
            "article": "第二十六条",
            "facts": {"circumstance": circumstance or ""},
        },
    ]
    if all(c["passed"] for c in conditions):
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
        "diff": diff_items({i["name"]: Decimal(str(i["amount"])) for i in baseline.items}, items),
    }


def plans_of(year):
    return AnnualPlan.objects.filter(year=year)
