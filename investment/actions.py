"""Every change of state of the investment chapter (Art. 10, 11, 25, 26).

Payments are safe under concurrency: the action locks the project row and the budget line
(``select_for_update``) before it sums what was paid, so two payments submitted at the same
moment are serialised and cannot together exceed a limit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.recipients import is_unit_staff, reviewers_of, unit_staff
from accounts.roles import Authority, Role
from accounts.scoping import for_user
from core.actions import action
from core.enums import ActionCode
from core.errors import ActionConflict, ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.money import format_wan, to_yuan
from core.notify import notify
from core.validate import amount_wan, choice, pk_of, raise_if, text
from core.validate import past_date as valid_past_date
from core.validate import year as valid_year
from policy.engine import enforce, evaluate_gate
from projects.models import Project, ProjectKind, ProjectState

from .models import (
    AnnualPlan,
    Art11Request,
    Art11State,
    Baseline,
    BudgetLine,
    ChangeClass,
    ChangeRequest,
    ChangeState,
    Circumstance,
    Contract,
    Indicator,
    IndicatorCategory,
    Payment,
    PerformanceTable,
    PlanEntry,
    PlanState,
    PlanVersion,
    PlanVersionKind,
    ProcurementMethod,
)
from .services import (
    ZERO,
    classify_change,
    current_plan_version,
    effective_total,
    eligibility,
    paid_on_line,
    paid_total,
    payment_limit,
    plan_amounts,
    plan_context,
)

NOT_FOUND = "未找到该对象，或您无权访问。"
_amount = amount_wan  # parameters below are named amount_wan


def _require_role(user, role, what) -> None:
    if not user.has_role(role):
        raise ActionForbidden(f"只有{Role(role).label}可以{what}。")


def _load_project(project, user) -> Project:
    try:
        return for_user(Project, user).select_for_update().get(pk=pk_of(project))
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise ActionForbidden(NOT_FOUND) from exc


def _require_unit(user, project) -> None:
    if not is_unit_staff(user, project.unit_id):
        raise ActionForbidden("只有本项目建设单位的人员可以办理此事项。")


def _plan_link(year) -> str:
    return reverse("investment:plan", args=[year])


# -- annual plan (Art. 10, 27) -----------------------------------------------------------------


def _draft_version(year, user, *, create=True) -> PlanVersion:
    """The year's draft version, locked; DRC opens one (the first is the original plan, later
    ones adjustments copying the current entries)."""
    plan, _created = AnnualPlan.objects.get_or_create(year=year, defaults={"created_by": user})
    AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    draft = PlanVersion.objects.select_for_update().filter(plan=plan, state=PlanState.DRAFT).first()
    if draft is not None or not create:
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


@action
def open_plan_version(*, acting_user, year, basis="") -> PlanVersion:
    """DRC opens the year's plan (or an adjustment of the published plan) for compilation."""
    _require_role(acting_user, Role.DRC_OFFICER, "编制年度投资计划")
    errors: dict = {}
    year = valid_year(year, "year", "年度", errors)
    raise_if(errors)
    if _draft_version(year, acting_user, create=False) is not None:
        raise ActionConflict(f"{year} 年已有编制中的计划版本。")
    draft = _draft_version(year, acting_user)
    draft.basis = (basis or "").strip()
    draft.save(update_fields=["basis"])
    record_event(
        ActionCode.PLAN_VERSION_OPENED,
        actor=acting_user,
        obj=draft,
        to_state=draft.state,
        reason=f"开始编制{draft}" + (f"：{draft.basis}" if draft.basis else ""),
    )
    return draft


@action
def add_plan_entry(*, acting_user, year, project, amount_wan, note="") -> PlanEntry:
    """Put an eligible project into the year's draft plan (R10.1, R27.1, R10.3)."""
    _require_role(acting_user, Role.DRC_OFFICER, "编制年度投资计划")
    errors: dict = {}
    year = valid_year(year, "year", "年度", errors)
    amount = _amount(amount_wan, "amount_wan", "计划金额", errors)
    raise_if(errors)
    project = _load_project(project, acting_user)
    draft = _draft_version(year, acting_user)
    if draft.entries.filter(project=project).exists():
        raise ActionConflict(f"项目 {project.code} 已在本版计划中。")
    ctx = plan_context(project, acting_user, year=year, amount=str(amount))
    decision = enforce(evaluate_gate("investment.plan.add", ctx, organisation=project.unit))
    entry = PlanEntry.objects.create(
        version=draft, project=project, amount=amount, note=(note or "").strip(), decision=decision
    )
    record_event(
        ActionCode.PLAN_ENTRY_ADDED,
        actor=acting_user,
        obj=project,
        organisation=project.unit_id,
        reason=f"纳入{draft}，计划金额 {format_wan(amount)} 万元",
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
        data={"year": year, "version": draft.number, "amount": amount},
    )
    return entry


def _insert_plan_entries(rows) -> None:
    """Insert (version id, project id, amount, note) rows, many per statement. For a plan of
    20,000 entries ``bulk_create`` spent 0.7 s preparing values against 0.1–0.3 s for this;
    the database still checks the constraints (positive amount, once per version)."""
    meta = PlanEntry._meta
    qn = connection.ops.quote_name
    columns = ", ".join(
        qn(meta.get_field(f).column) for f in ("version", "project", "amount", "note")
    )
    per_statement = min(1000, (connection.features.max_query_params or 4000) // 4)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES {values}",
                [value for row in chunk for value in row],
            )


COMPILE_FIELDS = (
    "code",
    "name",
    "kind",
    "state",
    "returned_from",
    "unit_id",
    "approved_total",
    "total_investment",
    "suspended_at",
    "terminated_at",
)


@action
def compile_plan(*, acting_user, year, amounts=None) -> dict:
    """Add every eligible project of ``year`` not yet in the draft at once; the ineligible are
    refused with their findings (one Decision records the whole compilation). ``amounts`` maps
    project id to an amount in yuan; by default the project's approved (or total) investment."""
    from policy.lookup import policy_in_force
    from policy.models import Decision, Outcome

    _require_role(acting_user, Role.DRC_OFFICER, "编制年度投资计划")
    errors: dict = {}
    year = valid_year(year, "year", "年度", errors)
    raise_if(errors)
    draft = _draft_version(year, acting_user)
    present = set(draft.entries.values_list("project_id", flat=True))
    candidates = (
        Project.objects.filter(year=year)
        .exclude(pk__in=present)
        .exclude(state__in=[ProjectState.DRAFT, ProjectState.REJECTED])
        # only what eligibility and the entries read: 20,000 projects load in a fraction
        # of the time of full rows with their long text fields
        .only(*COMPILE_FIELDS)
        .order_by("code")
    )
    results = eligibility(candidates, year)
    amounts = amounts or {}
    entries, refused = [], []
    for e in results:
        if e.eligible:
            amount = Decimal(
                amounts.get(e.project.pk) or e.project.approved_total or e.project.total_investment
            )
            entries.append((draft.pk, e.project.pk, to_yuan(amount), ""))
        else:
            refused.append({"project": e.project.code, "findings": e.reasons})
    _insert_plan_entries(entries)
    policy = policy_in_force(None)
    decision = Decision.objects.create(
        gate="investment.plan.add",
        subject_type="investment.planversion",
        subject_id=str(draft.pk),
        subject_repr=str(draft),
        policy=policy,
        inputs={"year": year, "candidates": len(results)},
        rule_ids=["R10.1", "R27.1", "R10.3"],
        outcome=Outcome.WARN if refused else Outcome.PASS,
        findings=[f for r in refused for f in r["findings"]][:500],
        actor=acting_user,
    )
    record_event(
        ActionCode.PLAN_COMPILED,
        actor=acting_user,
        obj=draft,
        reason=f"{draft}：纳入 {len(entries)} 个项目，{len(refused)} 个不符合条件",
        policy_version=policy.code,
        decision_id=decision.pk,
        data={"added": len(entries), "refused": [r["project"] for r in refused][:200]},
    )
    return {"version": draft, "added": len(entries), "refused": refused, "decision": decision}


@action
def change_plan_entry(entry, *, acting_user, amount_wan=None, remove=False) -> PlanVersion:
    _require_role(acting_user, Role.DRC_OFFICER, "编制年度投资计划")
    entry = (
        PlanEntry.objects.select_for_update()
        .select_related("version", "project")
        .filter(pk=pk_of(entry))
        .first()
    )
    if entry is None:
        raise ActionForbidden(NOT_FOUND)
    if entry.version.state != PlanState.DRAFT:
        raise ActionConflict("只能修改编制中的计划版本；已发布的计划请先开始调整。")
    if remove:
        entry.delete()
        reason = f"从{entry.version}移出项目 {entry.project.code}"
    else:
        errors: dict = {}
        amount = _amount(amount_wan, "amount_wan", "计划金额", errors)
        raise_if(errors)
        reason = (
            f"{entry.project.code} 计划金额 {format_wan(entry.amount)} → {format_wan(amount)} 万元"
        )
        entry.amount = amount
        entry.save(update_fields=["amount"])
    record_event(
        ActionCode.PLAN_ENTRY_CHANGED,
        actor=acting_user,
        obj=entry.version,
        organisation=entry.project.unit_id,
        reason=reason,
    )
    return entry.version


@action
def publish_plan(*, acting_user, year, basis="") -> PlanVersion:
    """Publish the draft: it becomes current and the previous version is superseded."""
    _require_role(acting_user, Role.DRC_OFFICER, "发布年度投资计划")
    errors: dict = {}
    year = valid_year(year, "year", "年度", errors)
    raise_if(errors)
    draft = _draft_version(year, acting_user, create=False)
    if draft is None:
        raise ActionConflict(f"{year} 年没有编制中的计划版本。")
    if not draft.entries.exists():
        raise ActionInvalid("计划中没有项目，不能发布。", {"year": "请先纳入项目。"})
    if draft.kind == PlanVersionKind.ADJUSTMENT and not (basis or draft.basis).strip():
        raise ActionInvalid("发布计划调整须写明调整依据。", {"basis": "请填写调整依据。"})
    current = draft.plan.current_version()
    if current is not None:
        current.state = PlanState.SUPERSEDED
        current.save(update_fields=["state"])
    draft.state = PlanState.PUBLISHED
    draft.basis = (basis or draft.basis).strip()
    draft.published_at = timezone.now()
    draft.published_by = acting_user
    draft.save()
    total = draft.entries.aggregate(s=Sum("amount"))["s"] or ZERO
    record_event(
        ActionCode.PLAN_PUBLISHED,
        actor=acting_user,
        obj=draft,
        from_state=PlanState.DRAFT,
        to_state=PlanState.PUBLISHED,
        reason=f"发布{draft}，共 {draft.entries.count()} 个项目，合计 {format_wan(total)} 万元",
        data={"superseded": current.number if current else None, "total": total},
    )
    notify(
        reviewers_of(Authority.FINANCE) + reviewers_of(Authority.BDB),
        title=f"{draft}已发布，请据此安排预算",
        link=_plan_link(year),
    )
    return draft


# -- performance target table (R10.3) -------------------------------------------------------


@action
def save_performance_table(
    project, *, acting_user, year, overall_goal, indicators
) -> PerformanceTable:
    """Replace the project's table for ``year``: indicators are dicts with category (id of a
    second-level category), name, target_value, unit, is_quantitative, formula."""
    project = _load_project(project, acting_user)
    _require_unit(acting_user, project)
    errors: dict = {}
    year = valid_year(year, "year", "年度", errors)
    goal = text(overall_goal, "overall_goal", "总体目标", errors)
    leaves = dict(
        IndicatorCategory.objects.filter(parent__isnull=False, is_active=True).values_list(
            "pk", "name"
        )
    )
    clean = []
    for n, row in enumerate(indicators or [], start=1):
        cat = row.get("category")
        try:
            cat = int(cat)
        except (TypeError, ValueError):
            cat = None
        if cat not in leaves:
            errors[f"indicators.{n}.category"] = f"第 {n} 行：请选择二级指标。"
        name = text(row.get("name"), f"indicators.{n}.name", f"第 {n} 行三级指标", errors)
        target = text(
            row.get("target_value"), f"indicators.{n}.target_value", f"第 {n} 行指标值", errors
        )
        quantitative = bool(row.get("is_quantitative", True))
        unit = (row.get("unit") or "").strip()
        formula = (row.get("formula") or "").strip()
        if quantitative and not unit:
            errors[f"indicators.{n}.unit"] = f"第 {n} 行：定量指标须填写计量单位。"
        if quantitative and not formula:
            errors[f"indicators.{n}.formula"] = f"第 {n} 行：定量指标须填写计算公式。"
        clean.append((cat, name, target, quantitative, unit, formula))
    raise_if(errors)
    table, _created = PerformanceTable.objects.update_or_create(
        project=project, year=year, defaults={"overall_goal": goal, "updated_by": acting_user}
    )
    table.indicators.all().delete()
    Indicator.objects.bulk_create(
        [
            Indicator(
                table=table,
                category_id=cat,
                name=name,
                target_value=target,
                is_quantitative=q,
                unit=unit,
                formula=formula,
            )
            for cat, name, target, q, unit, formula in clean
        ]
    )
    record_event(
        ActionCode.PERFORMANCE_TABLE_SAVED,
        actor=acting_user,
        obj=project,
        organisation=project.unit_id,
        reason=f"填报 {year} 年绩效目标表，{len(clean)} 项指标（第十条）",
        data={"year": year, "indicators": len(clean)},
    )
    return table


# -- budgets (R10.2) -------------------------------------------------------------------------


@action
def add_budget_line(
    *, acting_user, project, year, amount_wan, subject="", note="", via_art11=None
) -> BudgetLine:
    """Finance arranges a budget line; refused for a project not in the year's plan (R10.2)."""
    _require_role(acting_user, Role.FINANCE_OFFICER, "安排预算")
    errors: dict = {}
    year = valid_year(year, "year", "预算年度", errors)
    amount = _amount(amount_wan, "amount_wan", "预算金额", errors)
    raise_if(errors)
    project = _load_project(project, acting_user)
    planned = plan_amounts(current_plan_version(year)).get(project.pk)
    before = (
        BudgetLine.objects.filter(project=project, year=year).aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    ctx = plan_context(
        project, acting_user, year=year, plan_amount=planned, budget_after=before + amount
    )
    decision = enforce(evaluate_gate("investment.budget.add", ctx, organisation=project.unit))
    line = BudgetLine.objects.create(
        project=project,
        year=year,
        amount=amount,
        subject=(subject or "").strip(),
        note=(note or "").strip(),
        via_art11=via_art11,
        created_by=acting_user,
    )
    record_event(
        ActionCode.BUDGET_LINE_ADDED,
        actor=acting_user,
        obj=project,
        organisation=project.unit_id,
        reason=f"安排 {year} 年预算 {format_wan(amount)} 万元（第十条）",
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
        data={"year": year, "amount": amount, "line_id": line.pk},
    )
    notify(
        unit_staff(project.unit_id),
        title=f"{project.code} 已安排 {year} 年预算 {format_wan(amount)} 万元",
        link=reverse("projects:detail", args=[project.pk]),
    )
    return line


# -- the Art. 11 path -------------------------------------------------------------------------


def _load_art11(request, user) -> Art11Request:
    req = for_user(Art11Request, user).select_for_update().filter(pk=pk_of(request)).first()
    if req is None:
        raise ActionForbidden(NOT_FOUND)
    return req


def _art11_step(req, user, code, state, reason):
    source = req.state
    req.state = state
    req.history = [
        *req.history,
        {"at": timezone.now().isoformat(), "by": user.username, "state": state, "note": reason},
    ]
    req.save()
    record_event(
        code,
        actor=user,
        obj=req,
        organisation=req.project.unit_id,
        from_state=source,
        to_state=state,
        reason=reason,
    )


@action
def initiate_art11(
    *, acting_user, project, year, amount_wan, basis, budget_source, change_request=None
) -> Art11Request:
    """Finance initiates the Art. 11 path with its basis and budget source (R11.1)."""
    _require_role(acting_user, Role.FINANCE_OFFICER, "发起第十一条事项")
    errors: dict = {}
    year = valid_year(year, "year", "年度", errors)
    amount = _amount(amount_wan, "amount_wan", "金额", errors)
    raise_if(errors)
    project = _load_project(project, acting_user)
    ctx = plan_context(project, acting_user, basis=basis, budget_source=budget_source, year=year)
    decision = enforce(evaluate_gate("investment.art11.initiate", ctx, organisation=project.unit))
    req = Art11Request.objects.create(
        project=project,
        year=year,
        amount=amount,
        basis=basis.strip(),
        budget_source=budget_source.strip(),
        change_request_id=pk_of(change_request) if change_request else None,
        initiated_by=acting_user,
        history=[
            {
                "at": timezone.now().isoformat(),
                "by": acting_user.username,
                "state": "initiated",
                "note": basis.strip(),
            }
        ],
    )
    record_event(
        ActionCode.ART11_INITIATED,
        actor=acting_user,
        obj=req,
        organisation=project.unit_id,
        to_state=req.state,
        reason=f"财政局发起第十一条事项 {format_wan(amount)} 万元：{basis.strip()}",
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
    )
    notify(reviewers_of(Authority.BDB), title=f"第十一条事项待纳入项目清单：{project.code}")
    return req


@action
def list_art11(request, *, acting_user, opinion="") -> Art11Request:
    _require_role(acting_user, Role.BDB_REVIEWER, "将第十一条事项纳入项目清单")
    req = _load_art11(request, acting_user)
    if req.state != Art11State.INITIATED:
        raise ActionConflict(f"当前状态为“{req.get_state_display()}”，不能纳入项目清单。")
    _art11_step(
        req,
        acting_user,
        ActionCode.ART11_LISTED,
        Art11State.LISTED,
        opinion or "纳入项目清单（第十一条）",
    )
    notify(reviewers_of(Authority.DRC), title=f"第十一条事项待审批：{req.project.code}")
    return req


@action
def approve_art11(request, *, acting_user, opinion="") -> Art11Request:
    """DRC approves and adjusts the year's plan: a published adjustment version with the
    project's amount (Art. 11)."""
    _require_role(acting_user, Role.DRC_OFFICER, "审批第十一条事项")
    req = _load_art11(request, acting_user)
    if req.state != Art11State.LISTED:
        raise ActionConflict(f"当前状态为“{req.get_state_display()}”，不能审批。")
    if _draft_version(req.year, acting_user, create=False) is not None:
        raise ActionConflict(f"{req.year} 年有编制中的计划版本，请先发布或处理后再调整。")
    draft = _draft_version(req.year, acting_user)
    entry = draft.entries.filter(project=req.project).first()
    if entry is None:
        PlanEntry.objects.create(
            version=draft, project=req.project, amount=req.amount, note="第十一条"
        )
    else:
        entry.amount += req.amount
        entry.save(update_fields=["amount"])
    publish_plan(acting_user=acting_user, year=req.year, basis=f"第十一条事项：{req.basis}")
    _art11_step(
        req,
        acting_user,
        ActionCode.ART11_APPROVED,
        Art11State.APPROVED,
        opinion or "审批通过并调整年度投资计划（第十一条）",
    )
    notify(reviewers_of(Authority.FINANCE), title=f"第十一条事项待安排预算：{req.project.code}")
    return req


@action
def reject_art11(request, *, acting_user, opinion) -> Art11Request:
    """BDB (before listing) or DRC (before approval) refuses an Art. 11 request, with reasons."""
    req = _load_art11(request, acting_user)
    allowed = {
        Art11State.INITIATED: Role.BDB_REVIEWER,
        Art11State.LISTED: Role.DRC_OFFICER,
    }.get(req.state)
    if allowed is None:
        raise ActionConflict(f"当前状态为“{req.get_state_display()}”，不能不予办理。")
    _require_role(acting_user, allowed, "对该第十一条事项作出不予办理决定")
    errors: dict = {}
    opinion = text(opinion, "opinion", "不予办理的理由", errors)
    raise_if(errors)
    _art11_step(req, acting_user, ActionCode.ART11_REJECTED, Art11State.REJECTED, opinion)
    notify(
        reviewers_of(Authority.FINANCE),
        title=f"第十一条事项不予办理：{req.project.code}",
        body=opinion,
    )
    return req


@action
def budget_art11(request, *, acting_user, subject="") -> Art11Request:
    _require_role(acting_user, Role.FINANCE_OFFICER, "安排第十一条事项预算")
    req = _load_art11(request, acting_user)
    if req.state != Art11State.APPROVED:
        raise ActionConflict(f"当前状态为“{req.get_state_display()}”，不能安排预算。")
    add_budget_line(
        acting_user=acting_user,
        project=req.project,
        year=req.year,
        amount_wan=str(req.amount / Decimal(10000)),
        subject=subject,
        note="第十一条",
        via_art11=req,
    )
    _art11_step(
        req, acting_user, ActionCode.ART11_BUDGETED, Art11State.BUDGETED, "安排预算（第十一条）"
    )
    return req


# -- contracts and payments (R25.1) ------------------------------------------------------------


@action
def record_contract(
    project, *, acting_user, number, title, supplier, method, amount_wan, signed_on
) -> Contract:
    project = _load_project(project, acting_user)
    _require_unit(acting_user, project)
    errors: dict = {}
    number = text(number, "number", "合同编号", errors, max_length=60)
    title = text(title, "title", "合同名称", errors, max_length=200)
    supplier = text(supplier, "supplier", "供应商", errors, max_length=200)
    method = choice(method, "method", "采购方式", ProcurementMethod.choices, errors)
    amount = _amount(amount_wan, "amount_wan", "合同金额", errors)
    signed = valid_past_date(signed_on, "signed_on", "签订日期", errors)
    if signed is None and "signed_on" not in errors:
        errors["signed_on"] = "请填写签订日期。"
    if number and Contract.objects.filter(project=project, number=number).exists():
        errors["number"] = "该合同编号已登记。"
    raise_if(errors)
    contract = Contract.objects.create(
        project=project,
        number=number,
        title=title,
        supplier=supplier,
        method=method,
        amount=amount,
        signed_on=signed,
        created_by=acting_user,
    )
    record_event(
        ActionCode.CONTRACT_RECORDED,
        actor=acting_user,
        obj=contract,
        organisation=project.unit_id,
        reason=f"登记合同 {number}（{supplier}），{format_wan(amount)} 万元",
    )
    return contract


@action
def record_payment(
    *, acting_user, contract, budget_line, paid_on, amount_wan, payee, voucher_number
) -> Payment:
    """Record a treasury payment. Locks the project then the budget line, then sums: two
    payments at the same moment are serialised and never exceed a limit together (R25.1)."""
    contract_obj = for_user(Contract, acting_user).filter(pk=pk_of(contract)).first()
    if contract_obj is None:
        raise ActionForbidden(NOT_FOUND)
    project = _load_project(contract_obj.project_id, acting_user)
    _require_unit(acting_user, project)
    errors: dict = {}
    amount = _amount(amount_wan, "amount_wan", "支付金额", errors)
    paid = valid_past_date(paid_on, "paid_on", "支付日期", errors)
    if paid is None and "paid_on" not in errors:
        errors["paid_on"] = "请填写支付日期。"
    payee = text(payee, "payee", "收款人", errors, max_length=200)
    voucher = text(voucher_number, "voucher_number", "国库支付凭证号", errors, max_length=60)
    line = (
        BudgetLine.objects.select_for_update()
        .filter(pk=pk_of(budget_line), project=project)
        .first()
    )
    if line is None:
        errors["budget_line"] = "请选择本项目的预算指标。"
    if voucher and Payment.objects.filter(voucher_number=voucher).exists():
        errors["voucher_number"] = "该凭证号已登记，不能重复支付。"
    raise_if(errors)
    limit = payment_limit(project)
    ctx = plan_context(
        project,
        acting_user,
        amount=amount,
        paid=paid_total(project.pk),
        limit=limit,
        line_amount=line.amount,
        line_paid=paid_on_line(line.pk),
        approved=project.kind == ProjectKind.OM or project.state == ProjectState.APPROVED,
    )
    decision = enforce(evaluate_gate("investment.payment.record", ctx, organisation=project.unit))
    payment = Payment.objects.create(
        contract=contract_obj,
        budget_line=line,
        paid_on=paid,
        amount=amount,
        payee=payee,
        voucher_number=voucher,
        recorded_by=acting_user,
    )
    record_event(
        ActionCode.PAYMENT_RECORDED,
        actor=acting_user,
        obj=payment,
        organisation=project.unit_id,
        reason=f"支付 {format_wan(amount)} 万元给{payee}（凭证 {voucher}）",
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
        data={"amount": amount, "project": project.code, "line": line.pk},
    )
    return payment


# -- baseline and changes (R26.1) ------------------------------------------------------------


def _clean_items(items, errors) -> dict[str, Decimal]:
    """Estimate items as [{"name": …, "amount_wan": "…"}] -> {name: Decimal yuan}."""
    clean: dict[str, Decimal] = {}
    for n, row in enumerate(items or [], start=1):
        name = (row.get("name") or "").strip()
        if not name:
            errors[f"items.{n}.name"] = f"第 {n} 行：请填写概算项目名称。"
            continue
        if name in clean:
            errors[f"items.{n}.name"] = f"第 {n} 行：概算项目“{name}”重复。"
        amount = _amount(row.get("amount_wan"), f"items.{n}.amount_wan", f"第 {n} 行金额", errors)
        if amount is not None:
            clean[name] = amount
    if not clean and not errors:
        errors["items"] = "请至少填写一项概算明细。"
    return clean


def _as_list(items: dict[str, Decimal]) -> list[dict]:
    return [{"name": k, "amount": str(v)} for k, v in items.items()]


@action
def set_baseline(project, *, acting_user, items, goals, planned_completion=None) -> Baseline:
    """Record the approved estimate breakdown once, after approval. Immutable afterwards."""
    project = _load_project(project, acting_user)
    _require_unit(acting_user, project)
    if project.state != ProjectState.APPROVED or project.approved_total is None:
        raise ActionConflict("项目批复后才能登记批复基线。")
    if Baseline.objects.filter(project=project).exists():
        raise ActionConflict("批复基线已登记，不能修改；调整请提交变更申请。")
    errors: dict = {}
    clean = _clean_items(items, errors)
    goals = text(goals, "goals", "建设目标", errors)
    completion = None
    if planned_completion:
        try:
            completion = dt.date.fromisoformat(str(planned_completion))
        except ValueError:
            errors["planned_completion"] = "日期格式应为 2027-06-30。"
    if clean and sum(clean.values()) != project.approved_total:
        errors["items"] = (
            f"概算明细合计 {format_wan(sum(clean.values()))} 万元，应等于批复总投资 "
            f"{format_wan(project.approved_total)} 万元。"
        )
    raise_if(errors)
    baseline = Baseline.objects.create(
        project=project,
        approved_total=project.approved_total,
        items=_as_list(clean),
        goals=goals,
        planned_completion=completion,
        created_by=acting_user,
    )
    record_event(
        ActionCode.BASELINE_RECORDED,
        actor=acting_user,
        obj=project,
        organisation=project.unit_id,
        reason=f"登记批复基线：总投资 {format_wan(baseline.approved_total)} 万元，{len(clean)} 项概算明细",
        data={"items": baseline.items},
    )
    return baseline


@action
def submit_change(
    project,
    *,
    acting_user,
    items,
    reason,
    circumstance="",
    goals_changed=False,
    content_change="",
    schedule_change="",
    new_total_wan=None,
    raises_year_budget=False,
    changes_plan=False,
) -> ChangeRequest:
    """A change request, classified by Art. 26: a filing takes effect at once and is filed
    with DRC, Finance and BDB; otherwise it waits for DRC's approval (and the Art. 11 path
    when it changes the plan or raises the year's budget)."""
    project = _load_project(project, acting_user)
    _require_unit(acting_user, project)
    baseline = Baseline.objects.filter(project=project).first()
    if baseline is None:
        raise ActionConflict("请先登记批复基线（概算明细），变更将与基线比较。")
    if ChangeRequest.objects.filter(project=project, state=ChangeState.PENDING).exists():
        raise ActionConflict("已有待审批的变更申请，请等待审批结果。")
    errors: dict = {}
    clean = _clean_items(items, errors)
    reason = text(reason, "reason", "调整理由", errors)
    circumstance = choice(
        circumstance, "circumstance", "适用情形", Circumstance.choices, errors, required=False
    )
    total = sum(clean.values(), ZERO)
    if new_total_wan not in (None, ""):
        declared = _amount(new_total_wan, "new_total_wan", "调整后总投资", errors)
        if declared is not None and clean and declared != total:
            errors["new_total_wan"] = f"调整后总投资应等于概算明细合计 {format_wan(total)} 万元。"
    raise_if(errors)
    ratio = plan_context(project).param("change_ratio")
    result = classify_change(
        project,
        baseline,
        items=clean,
        new_total=total,
        circumstance=circumstance,
        goals_changed=bool(goals_changed),
        raises_year_budget=bool(raises_year_budget),
        changes_plan=bool(changes_plan),
        ratio=ratio,
    )
    ctx = plan_context(project, acting_user, classification=_jsonable(result))
    decision = enforce(evaluate_gate("investment.change.submit", ctx, organisation=project.unit))
    filing = result["classification"] == ChangeClass.FILING
    number = (
        ChangeRequest.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    change = ChangeRequest.objects.create(
        project=project,
        number=number,
        content_change=(content_change or "").strip(),
        schedule_change=(schedule_change or "").strip(),
        items=_as_list(clean),
        new_total=total,
        moved_amount=result["moved"],
        cumulative_moved=result["cumulative"],
        circumstance=circumstance,
        goals_changed=bool(goals_changed),
        raises_year_budget=bool(raises_year_budget),
        changes_plan=bool(changes_plan),
        reason=reason,
        classification=result["classification"],
        conditions=_jsonable(result["conditions"]),
        state=ChangeState.FILED if filing else ChangeState.PENDING,
        decision=decision,
        created_by=acting_user,
    )
    record_event(
        ActionCode.CHANGE_FILED if filing else ActionCode.CHANGE_SUBMITTED,
        actor=acting_user,
        obj=change,
        organisation=project.unit_id,
        to_state=change.state,
        reason=f"{change.get_classification_display()}：调整 {format_wan(result['moved'])} 万元，"
        f"累计 {format_wan(result['cumulative'])} 万元（上限 {format_wan(result['limit'])} 万元）",
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
        data={"classification": change.classification, "diff": _jsonable(result["diff"])},
    )
    recipients = reviewers_of(Authority.DRC)
    if filing:
        recipients += reviewers_of(Authority.FINANCE) + reviewers_of(Authority.BDB)
    notify(
        recipients,
        title=f"{'项目调整备案' if filing else '项目调整待审批'}：{project.code}《{project.name}》",
        link=reverse("investment:change_detail", args=[change.pk]),
    )
    return change


def _jsonable(value):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


@action
def decide_change(change, *, acting_user, approve, opinion) -> ChangeRequest:
    """DRC approves or rejects a change that is not a filing."""
    _require_role(acting_user, Role.DRC_OFFICER, "审批项目调整")
    change = (
        for_user(ChangeRequest, acting_user).select_for_update().filter(pk=pk_of(change)).first()
    )
    if change is None:
        raise ActionForbidden(NOT_FOUND)
    if change.state != ChangeState.PENDING:
        raise ActionConflict(f"该变更当前为“{change.get_state_display()}”，不能审批。")
    errors: dict = {}
    opinion = text(opinion, "opinion", "审批意见", errors)
    raise_if(errors)
    change.state = ChangeState.APPROVED if approve else ChangeState.REJECTED
    change.decided_by = acting_user
    change.decided_at = timezone.now()
    change.decision_opinion = opinion
    change.save()
    record_event(
        ActionCode.CHANGE_DECIDED,
        actor=acting_user,
        obj=change,
        organisation=change.project.unit_id,
        from_state=ChangeState.PENDING,
        to_state=change.state,
        reason=opinion,
    )
    recipients = unit_staff(change.project.unit_id)
    if approve and change.classification == ChangeClass.ART11:
        recipients += reviewers_of(Authority.FINANCE)
    notify(
        recipients,
        title=f"项目调整{change.get_state_display()}：{change.project.code}",
        body=opinion,
        link=reverse("investment:change_detail", args=[change.pk]),
    )
    return change


__all__ = ["effective_total"]
