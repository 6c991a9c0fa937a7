"""The annual investment plan (年度投资计划, Art. 10, 27; R10.1, R27.1, R10.3).

DRC opens a year's plan (the original, later adjustments copying the entries in force),
compiles it (every eligible project at once, the others refused with their findings) or puts
projects in one by one, changes or removes entries while it is a draft, and publishes it: the
published version is in force and the previous one is superseded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, cast

from django.db import connection
from django.db.models import Field, Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from accounts.recipients import reviewers_of
from accounts.roles import Authority
from core.enums import ActionCode
from core.errors import ActionConflict
from core.ledger import record_event
from core.money import format_wan, to_yuan, wan_to_yuan
from core.notify import notify
from policy.gates import refusal
from policy.lookup import policy_in_force
from projects.models import Project, ProjectState

from ..contracts import PlanBasisIn, PlanCompileIn, PlanEntryAddIn, PlanEntryAmountIn, PlanOpenIn
from ..eligibility import (
    candidates_of,
    eligibility,
    record_compilation,
    without_cycle_collection,
)
from ..machines import PLAN_VERSION
from ..models import AnnualPlan, PlanEntry, PlanState, PlanVersion, PlanVersionKind
from ..services import ZERO
from .base import DRC, InvestmentAction, ProjectAction, wan_text


def plan_link(year: int, *, draft: bool = False) -> str:
    return reverse("investment:plan", args=[year]) + ("?v=draft" if draft else "")


def draft_of(year: int | None) -> PlanVersion | None:
    if year is None:
        return None
    return PlanVersion.objects.filter(plan__year=year, state=PlanState.DRAFT).first()


def lock_plan(year: int, user: Any) -> AnnualPlan:
    """The year's plan (created on first use), locked: it serialises the drafts of a year."""
    plan, _created = AnnualPlan.objects.get_or_create(year=year, defaults={"created_by": user})
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


def open_draft(year: int, user: Any) -> PlanVersion:
    """The year's draft version, locked; DRC opens one when there is none (the first is the
    original plan, later ones adjustments copying the entries in force)."""
    plan = lock_plan(year, user)
    draft = PlanVersion.objects.select_for_update().filter(plan=plan, state=PlanState.DRAFT).first()
    if draft is not None:
        return draft
    current = plan.current_version()
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = PlanVersion.objects.create(
        plan=plan,
        number=number,
        kind=PlanVersionKind.ADJUSTMENT if current else PlanVersionKind.ORIGINAL,
    )
    if current is not None:
        PlanEntry.objects.bulk_create(
            [
                PlanEntry(version=draft, project_id=e.project_id, amount=e.amount, note=e.note)
                for e in current.entries.all()
            ]
        )
    return draft


def publish_version(draft: PlanVersion, basis: str, user: Any) -> PlanVersion:
    """Publish ``draft``: the version in force is superseded first (one current version per
    plan), then the draft becomes current; Finance and BDB are told to budget by it."""
    code = policy_in_force(None).code
    current = (
        PlanVersion.objects.select_for_update()
        .filter(plan_id=draft.plan_id, state=PlanState.PUBLISHED)
        .first()
    )
    if current is not None:
        PLAN_VERSION.move(
            current,
            "supersede",
            actor=user,
            event=ActionCode.PLAN_PUBLISHED,
            reason=f"被第{draft.number}版取代",
            policy_version=code,
        )
    draft.basis = basis
    draft.published_at = timezone.now()
    draft.published_by = user
    total = draft.entries.aggregate(s=Sum("amount"))["s"] or ZERO
    count = draft.entries.count()
    PLAN_VERSION.move(
        draft,
        "publish",
        actor=user,
        event=ActionCode.PLAN_PUBLISHED,
        reason=f"发布{draft}，共 {count} 个项目，合计 {format_wan(total)} 万元",
        data={"superseded": current.number if current else None, "total": total},
        policy_version=code,
        update_fields=["basis", "published_at", "published_by"],
    )
    notify(
        reviewers_of(Authority.FINANCE) + reviewers_of(Authority.BDB),
        title=f"{draft}已发布，请据此安排预算",
        link=plan_link(draft.plan.year),
    )
    return draft


class PlanAction(InvestmentAction):
    """An action of DRC on a year's plan, offered on the plan's page."""

    roles = DRC
    article = "第十条"
    requirement = "R10.1"
    offered_on: ClassVar[str | tuple[str, ...]] = ("investment.annualplan",)

    def policy_for(self, obj: Any) -> Any:
        return policy_in_force(None)  # the plan is the city's, not a unit's

    def organisation_of(self, obj: Any) -> Any:
        return None


class YearAction(PlanAction):
    """An action on a year (the plan may not exist yet): the year is part of the input; the
    plan page offers it with its year filled in, as an action creating its object."""

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, AnnualPlan):
            yield AnnualPlan(year=page_obj.year)  # unsaved: the card posts to the new address

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {"year": obj.year} if isinstance(obj, AnnualPlan) else {}

    def year_of(self, obj: Any, data: Any) -> int | None:
        year = getattr(data, "year", None)
        return year if year is not None else getattr(obj, "year", None)

    def next_url(self, obj: Any, result: Any) -> str:
        version = result.get("version") if isinstance(result, dict) else result
        return plan_link(version.plan.year, draft=True) if version else reverse("investment:plans")


class OpenPlanVersion(YearAction):
    """DRC opens the year's plan for compilation (Art. 10), or an adjustment of the plan in
    force, which starts from a copy of its entries."""

    label = L("开始编制年度计划或计划调整")
    Input = PlanOpenIn
    style = "outline-primary"

    def targets(self, page_obj: Any, user: Any) -> Any:
        if isinstance(page_obj, AnnualPlan) and page_obj.draft_version() is None:
            yield from super().targets(page_obj, user)

    def refusals(self, obj: Any, user: Any, data: Any) -> Any:
        year = self.year_of(obj, data)
        if draft_of(year) is not None:
            yield refusal(
                "R10.1.one-draft",
                N_("%(year)s 年已有编制中的计划版本（第十条）。"),
                remedy=N_("请在编制中的版本上继续编制，发布后再开始下一次调整。"),
                params={"year": year},
            )

    def perform(self, obj: Any, data: PlanOpenIn, user: Any, decision: Any) -> PlanVersion:
        lock_plan(data.year, user)
        if draft_of(data.year) is not None:  # opened by someone else meanwhile
            raise ActionConflict(technical="taken")
        draft = open_draft(data.year, user)
        draft.basis = data.basis
        draft.save(update_fields=["basis"])
        record_event(
            ActionCode.PLAN_VERSION_OPENED,
            actor=user,
            obj=draft,
            to_state=draft.state,
            reason=f"开始编制{draft}" + (f"：{draft.basis}" if draft.basis else ""),
            policy_version=self.policy_version(obj),
        )
        return draft

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已开始编制 %(year)s 年度投资计划版本。") % {"year": result.plan.year}


def _insert_plan_entries(version_id: int, rows: list[tuple[int, Decimal]]) -> None:
    """Insert the entries (project id, amount) of a version, without a note. For a plan of
    20,000 entries ``bulk_create`` spent 0.7 s preparing values; PostgreSQL takes them in one
    statement as two arrays (a statement of 4,000 placeholders cost psycopg more to parse than
    the database to run), SQLite many rows per statement. The database still checks the
    constraints (positive amount, once per version)."""
    if not rows:
        return
    meta = PlanEntry._meta
    qn = connection.ops.quote_name
    columns = ", ".join(
        qn(cast(Field, meta.get_field(f)).column) for f in ("version", "project", "amount", "note")
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) SELECT %s, u.p, u.a, ''"
                " FROM unnest(%s::bigint[], %s::numeric[]) AS u(p, a)",
                [version_id, [r[0] for r in rows], [r[1] for r in rows]],
            )
            return
        per_statement = min(1000, (connection.features.max_query_params or 4000) // 2)
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join([f"({int(version_id)}, %s, %s, '')"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES {values}",
                [value for row in chunk for value in row],
            )


class CompilePlan(YearAction):
    """DRC puts every eligible project of the year not yet in the draft into it at once
    (Art. 10, 27); the ineligible are refused with their findings, and one decision records
    the whole compilation. The amount is the one given (万元), or the project's approved (or
    total) investment."""

    label = L("一键编制：纳入全部符合条件的项目")
    hint = L("不符合条件的项目逐个列出原因和条款，不纳入。")
    Input = PlanCompileIn

    def perform(self, obj: Any, data: PlanCompileIn, user: Any, decision: Any) -> dict:
        year = data.year
        draft = open_draft(year, user)
        candidates = (
            Project.objects.filter(year=year)
            .exclude(pk__in=draft.entries.values("project_id"))
            .exclude(state__in=[ProjectState.DRAFT, ProjectState.REJECTED])
            .order_by("code")
        )
        with without_cycle_collection():
            # rows of only what eligibility and the entries read (Candidate): 20,000 projects
            # load in a fraction of the time of model instances with their long text fields
            results = eligibility(candidates_of(candidates), year)
            entries, refused = [], []
            for e in results:
                if e.eligible:
                    chosen = data.amounts_wan.get(e.project.pk)
                    amount = (
                        wan_to_yuan(chosen)
                        if chosen is not None
                        else to_yuan(e.project.approved_total or e.project.total_investment)
                    )
                    entries.append((e.project.pk, amount))
                else:
                    refused.append({"project": e.project.code, "findings": e.reasons})
            _insert_plan_entries(draft.pk, entries)
            stored = record_compilation(draft, user, candidates=results, added=len(entries),
                                        refused=refused)  # fmt: skip
        return {"version": draft, "added": len(entries), "refused": refused, "decision": stored}

    def success_message(self, obj: Any, result: Any) -> str:
        return _(
            "已纳入 %(added)s 个符合条件的项目；%(refused)s 个项目不符合条件，"
            "原因见编制结果（第十条、第二十七条）。"
        ) % {"added": result["added"], "refused": len(result["refused"])}


class PublishPlan(PlanAction):
    """DRC publishes the draft: it becomes the plan in force and the previous version is
    superseded; Finance and BDB are told to budget by it. An adjustment states its basis."""

    label = L("发布年度投资计划")
    model = PlanVersion
    machine = PLAN_VERSION
    transition = "publish"
    Input = PlanBasisIn
    offered_on = ("investment.annualplan", "investment.planversion")
    style = "success"
    confirm = L(
        "发布后本版本成为现行年度投资计划，上一版本被取代；市财政局、市大数据发展局将收到"
        "通知并据此安排预算（第十条）。"
    )

    def __call__(self, *args: Any, acting_user: Any, **values: Any) -> Any:
        # publish_plan(acting_user=…, year=2026): the year's draft (or the version in force,
        # whose state then says why it cannot be published)
        if not args and "year" in values:
            year = values.pop("year")
            version = (
                draft_of(year)
                or PlanVersion.objects.filter(plan__year=year, state=PlanState.PUBLISHED).first()
            )
            args = (version,)
        return super().__call__(*args, acting_user=acting_user, **values)

    def targets(self, page_obj: Any, user: Any) -> Any:
        version = page_obj.draft_version() if isinstance(page_obj, AnnualPlan) else page_obj
        if version is not None:
            yield version

    def target_label(self, obj: Any) -> str:
        return _("第%(n)s版") % {"n": obj.number}

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {"basis": obj.basis}

    def refusals(self, obj: Any, user: Any, data: Any) -> Any:
        if not obj.entries.exists():
            yield refusal(
                "R10.1.empty",
                N_("第%(n)s版计划中没有项目，不能发布（第十条）。"),
                remedy=N_("请先纳入项目（可一键编制）。"),
                params={"n": obj.number},
            )

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        basis = (getattr(data, "basis", None) or "").strip() or obj.basis
        if obj.kind == PlanVersionKind.ADJUSTMENT and not basis:
            return {"basis": _("发布计划调整须写明调整依据。")}
        return {}

    def perform(self, obj: Any, data: PlanBasisIn, user: Any, decision: Any) -> PlanVersion:
        return publish_version(obj, data.basis or obj.basis, user)

    def success_message(self, obj: Any, result: Any) -> str:
        return _("%(year)s 年度投资计划已发布，财政局和大数据局已收到通知。") % {
            "year": result.plan.year
        }

    def next_url(self, obj: Any, result: Any) -> str:
        return plan_link(obj.plan.year)


class AddPlanEntry(ProjectAction):
    """DRC puts one project into the year's draft plan (a new draft when there is none);
    the gate checks R10.1, R27.1 and R10.3 (listed O&M, approved construction with a complete
    performance table)."""

    label = L("纳入年度投资计划")
    roles = DRC
    Input = PlanEntryAddIn
    gate = "investment.plan.add"
    article = "第十条"
    requirement = "R10.1"
    success = L("已纳入计划。")

    def year_of(self, project: Project, data: Any) -> int:
        year = getattr(data, "year", None)
        return int(year) if year else int(project.year)

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {
            "year": obj.year,
            "amount_wan": wan_text(obj.approved_total or obj.total_investment),
        }

    def facts(self, obj: Any, user: Any, data: Any) -> dict[str, Any]:
        facts: dict[str, Any] = {"year": self.year_of(obj, data)}
        if data is not None and data.amount_wan is not None:
            facts["amount"] = str(wan_to_yuan(data.amount_wan))
        return facts

    def refusals(self, obj: Any, user: Any, data: Any) -> Any:
        draft = draft_of(self.year_of(obj, data))
        if draft is not None and draft.entries.filter(project=obj).exists():
            yield refusal(
                "R10.1.once",
                N_("项目 %(code)s 已在本版计划中（%(version)s）。"),
                remedy=N_("如需改变金额，请在计划页面修改该项目的计划金额。"),
                params={"code": obj.code, "version": str(draft)},
            )

    def perform(self, obj: Any, data: PlanEntryAddIn, user: Any, decision: Any) -> PlanEntry:
        year = self.year_of(obj, data)
        amount = wan_to_yuan(data.amount_wan)
        draft = open_draft(year, user)
        entry = PlanEntry.objects.create(
            version=draft, project=obj, amount=amount, note=data.note, decision=decision
        )
        self.record(
            ActionCode.PLAN_ENTRY_ADDED,
            actor=user,
            obj=obj,
            reason=f"纳入{draft}，计划金额 {format_wan(amount)} 万元",
            decision_id=decision.pk,
            data={"year": year, "version": draft.number, "amount": amount},
        )
        return entry

    def next_url(self, obj: Any, result: Any) -> str:
        return (
            plan_link(result.version.plan.year, draft=True)
            if result
            else super().next_url(obj, result)
        )


class EntryAction(PlanAction):
    """An action on a project of a draft plan: a published version never changes (an
    adjustment is opened instead)."""

    model = PlanEntry
    offered_on = ()

    def state_refusal(self, obj: Any) -> Any:
        return PLAN_VERSION.states_finding(
            obj.version,
            (PlanState.DRAFT,),
            self.label,
            self.cited_article(),
            self.cited_requirement(),
        )

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        entry = super().load(ref, user, lock=lock)
        if lock:  # the plan row serialises the changes of one year's drafts
            AnnualPlan.objects.select_for_update().filter(pk=entry.version.plan_id).first()
        return entry

    def changed(self, entry: PlanEntry, user: Any, reason: str) -> None:
        record_event(
            ActionCode.PLAN_ENTRY_CHANGED,
            actor=user,
            obj=entry.version,
            organisation=entry.project.unit_id,
            reason=reason,
            policy_version=self.policy_version(entry),
        )

    def next_url(self, obj: Any, result: Any) -> str:
        return plan_link(obj.version.plan.year, draft=True)


class ChangePlanEntry(EntryAction):
    """DRC changes the amount of a project in the draft plan."""

    label = L("修改计划金额")
    Input = PlanEntryAmountIn
    success = L("已修改计划金额。")

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {"amount_wan": wan_text(obj.amount)}

    def perform(self, obj: Any, data: PlanEntryAmountIn, user: Any, decision: Any) -> PlanEntry:
        amount = wan_to_yuan(data.amount_wan)
        reason = f"{obj.project.code} 计划金额 {format_wan(obj.amount)} → {format_wan(amount)} 万元"
        obj.amount = amount
        obj.save(update_fields=["amount"])
        self.changed(obj, user, reason)
        return obj


class RemovePlanEntry(EntryAction):
    """DRC takes a project out of the draft plan."""

    label = L("移出计划")
    style = "outline-danger"
    success = L("已移出计划。")

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> PlanVersion:
        version = obj.version
        obj.delete()
        self.changed(obj, user, f"从{version}移出项目 {obj.project.code}")
        return version


open_plan_version = OpenPlanVersion()
compile_plan = CompilePlan()
publish_plan = PublishPlan()
add_plan_entry = AddPlanEntry()
change_plan_entry = ChangePlanEntry()
remove_plan_entry = RemovePlanEntry()
