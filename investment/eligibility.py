"""Which projects may enter an annual plan, read in bulk (R10.1, R10.3, R27.1): completeness of
the performance target tables, the eligibility of candidates and the recorded compilation
decision (replayable from its snapshot). A fixed number of set queries for any plan size, so
compiling 20,000 entries stays within the benchmark target. No state changes here."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, Q
from django.db.models.functions import Trim
from django.utils.translation import gettext_noop as N_

from core.enums import choice_labels
from core.findings import Finding
from policy.gates import refusal
from policy.lookup import policy_in_force
from policy.snapshot import rule_digest
from projects.models import ProjectKind, ProjectState
from projects.rules import ever_listed

from .models import Indicator, IndicatorCategory, PerformanceTable

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


def id_chunks(ids, size=CHUNK):
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
    first_level = [root for root, _ in indicator_tree()]
    roots = [r.pk for r in first_level]
    names = {r.pk: r.name for r in first_level}
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
    for chunk in id_chunks(incomplete):
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
    project: Any  # a Project, or a Candidate row when compiling
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


def candidate_facts(
    p: Any, problems: dict[int, list[str]], labels: dict | None = None
) -> list[Any]:
    """One candidate's facts, in the order of ``CANDIDATE_FACTS``. ``p`` is a project or a
    ``Candidate`` row; ``labels`` the state labels in the active language (``choice_labels``):
    ``get_state_display`` hashed every lazy label of the choices, 14 gettext calls a project."""
    labels = labels if labels is not None else choice_labels(ProjectState)
    state = str(p.state)
    return [
        p.code,
        p.name,
        str(p.kind),
        state,
        labels.get(state, state),
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


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a compilation builds its candidates: 20,000 of
    them allocate some 150,000 lists, tuples and dicts, none in a cycle (reference counting
    frees them), and the collector's passes over the heap that they set off cost as much as
    the work itself (0.36 → 0.19 s of CPU). Only the caller that found it running restarts it."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def eligibility(projects, year: int) -> list[Eligibility]:
    """The same conditions as the gate ``investment.plan.add`` (R10.1, R27.1, R10.3), for many
    projects (or ``Candidate`` rows) at once; used to compile a plan and by the plan page. Each
    result keeps the candidate's facts (``candidate_facts``) from which its reasons follow."""
    projects = list(projects)
    construction = [p.pk for p in projects if p.kind != ProjectKind.OM]
    problems = tables_complete(construction, year) if construction else {}
    labels = choice_labels(ProjectState)
    # facts (kind, state, label, listed, halted) found without reasons: reasons_of reads the
    # code and the name only for the words of its findings, so a candidate with the same facts
    # and no table problems has none either (20,000 calls cost more than the rest of the loop)
    clear: set[tuple] = set()
    out = []
    for p in projects:
        e = Eligibility(p)
        e.facts = facts = candidate_facts(p, problems, labels)
        key = None if facts[7] else tuple(facts[2:7])
        if key not in clear:
            e.reasons = reasons_of(facts, year)
            if key is not None and not e.reasons:
                clear.add(key)
        out.append(e)
    return out


class Candidate(NamedTuple):
    """What a compilation reads of a project: a row, not a model instance (20,000 projects
    build in a fraction of the time)."""

    pk: int
    code: str
    name: str
    kind: str
    state: str
    returned_from: str
    approved_total: Decimal | None
    total_investment: Decimal
    suspended_at: Any
    terminated_at: Any


def candidates_of(projects) -> list[Candidate]:
    """The ``Candidate`` rows of a project queryset, in its order."""
    return [Candidate._make(row) for row in projects.values_list(*Candidate._fields)]


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
        # the refused candidates' reasons as refused_findings gives them (not computed twice)
        findings=[r for e in candidates for r in e.reasons][:MAX_STORED_FINDINGS],
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
