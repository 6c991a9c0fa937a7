"""The investment chapter over JSON (Art. 10, 11, 25-27, 37): the annual investment plan and its
versions, performance target tables, budget lines and their reconciliation with the plan, the
Art. 11 path, contracts and payments, the approved baseline and change requests classified by
Art. 26. Mounted at ``/api/investment/``.

Every object is loaded through ``accounts.scoping`` and every change of state is an action of
``investment/actions.py``. Missing and forbidden objects answer the same 404 (an action's
``ActionForbidden`` too); a blocking gate answers 409 with its findings (rule, article,
message, remedy, facts); invalid input answers 422 with Chinese messages per field. Amounts
come in as 万元 in fields named ``*_wan`` (text or integers; a JSON number with a fraction is
refused with 422) and go out as Decimal strings in yuan and in 万元.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.http import Http404
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from accounts.scoping import for_user, get_visible_or_404
from core.api import MAX_PAGE_SIZE, ErrorOut
from core.enums import ActionCode
from core.errors import ActionInvalid
from core.models import LedgerEvent
from core.money import wan_str, yuan_str
from core.validate import amount_wan as clean_amount_wan
from core.validate import raise_if
from policy.models import Decision
from projects.models import Project

from . import actions, services
from .models import (
    AnnualPlan,
    Art11Request,
    Art11State,
    Baseline,
    BudgetLine,
    ChangeClass,
    ChangeRequest,
    ChangeState,
    Contract,
    EvaluationResult,
    IndicatorCategory,
    Payment,
    PerformanceTable,
    PlanEntry,
    PlanState,
    PlanVersion,
)
from .schemas import (
    Art11BudgetIn,
    Art11In,
    Art11Out,
    BaselineIn,
    BaselineOut,
    BudgetLineCreatedOut,
    BudgetLineIn,
    BudgetLineOut,
    ChangeDetailOut,
    ChangeIn,
    ChangeSummaryOut,
    CompileIn,
    CompileOut,
    ContractIn,
    ContractOut,
    DecideIn,
    IndicatorCategoryOut,
    OpinionIn,
    PaymentIn,
    PaymentOut,
    PerformanceTableIn,
    PerformanceTableOut,
    PlanDiffOut,
    PlanEntryIn,
    PlanEntryOut,
    PlanEntryUpdateIn,
    PlanOpenIn,
    PlanOut,
    PlanPublishIn,
    PlanSummaryOut,
    PlanVersionOut,
    ReconciliationOut,
    items_out,
)

router = Router(tags=["投资计划与资金"])

PLAN = ["年度投资计划"]
PERFORMANCE = ["绩效目标表"]
BUDGET = ["预算与对账"]
ART11 = ["第十一条事项"]
PAYMENT = ["合同与支付"]
CHANGE = ["批复基线与项目调整"]

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ACT_ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PAGINATION = {"page_size": settings.GOVIT_PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}

FRACTION = '金额（万元）须以字符串传入（如 "812.5"），不接受带小数的 JSON 数字，以免经过浮点运算。'


# -- helpers ----------------------------------------------------------------------------------


def refuse_fractions(payload) -> None:
    """Money fields (``*_wan``, and everything under them) must not arrive as JSON numbers with
    a fraction: ``DecimalJSONParser`` reads those as Decimal, and a client that sends them has
    most likely passed the amount through a float. Reports every such field at once (422)."""
    errors: dict = {}

    def walk(value, path: str, money: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(
                    item, f"{path}.{key}" if path else str(key), money or str(key).endswith("_wan")
                )
        elif isinstance(value, list):
            for n, item in enumerate(value, start=1):
                walk(item, f"{path}.{n}", money)
        elif money and isinstance(value, Decimal | float):
            errors[path] = FRACTION

    walk(payload.model_dump(), "", False)
    raise_if(errors)


def _project(request, project_id: int) -> Project:
    return get_visible_or_404(Project.objects.select_related("unit"), request.auth, pk=project_id)


# -- annual plan (Art. 10, 27, 37) ---------------------------------------------------------------


def _plan(request, year: int) -> AnnualPlan:
    return get_visible_or_404(AnnualPlan, request.auth, year=year)


def _versions(user, **lookup):
    return (
        for_user(PlanVersion, user)
        .filter(**lookup)
        .select_related("plan", "published_by")
        .annotate(entry_count=Count("entries"), total=Sum("entries__amount"))
        .order_by("-number")
    )


def _version_out(user, version) -> PlanVersion:
    return _versions(user, pk=version.pk).get()


def _entries(user):
    return for_user(PlanEntry, user).select_related("version", "project__unit")


def _with_evaluations(user, entries: list, project_ids=None) -> list:
    """Attach each project's evaluation results (R37.1) — only those the user may see.
    ``project_ids`` may be a subquery, so that a plan of any size costs one query."""
    by_project = defaultdict(list)
    if project_ids is None:
        project_ids = {e.project_id for e in entries}
    results = for_user(EvaluationResult, user).filter(project_id__in=project_ids)
    for result in results.order_by("-completed_on", "-id"):
        by_project[result.project_id].append(result)
    for entry in entries:
        entry.evaluation_results = by_project.get(entry.project_id, [])
    return entries


def _entry(request, year: int, entry_id: int) -> PlanEntry:
    return get_visible_or_404(
        _entries(request.auth), request.auth, pk=entry_id, version__plan__year=year
    )


@router.get(
    "/plans",
    summary="年度投资计划列表",
    tags=PLAN,
    response={200: list[PlanSummaryOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def plan_list(request):
    """各年度的市级政务信息化年度投资计划（第十条），最新年度在前：现行版本号、编制中的
    版本号和版本数。年度投资计划是公开的预算信息，所有登录用户可见。"""
    plans = for_user(AnnualPlan, request.auth).order_by("-year")
    return [
        {
            "year": plan.year,
            "created_at": plan.created_at,
            "current_version": _number(plan, PlanState.PUBLISHED),
            "draft_version": _number(plan, PlanState.DRAFT),
            "versions": plan.version_count,
        }
        for plan in plans.annotate(version_count=Count("versions"))
    ]


def _number(plan, state) -> int | None:
    return plan.versions.filter(state=state).values_list("number", flat=True).first()


@router.get(
    "/plans/{int:year}",
    summary="年度投资计划详情",
    tags=PLAN,
    response={200: PlanOut, **READ_ERRORS},
)
def plan_detail(
    request,
    year: int,
    version: int | None = Query(
        None, description="列出哪一版本的项目；省略时为现行版本，尚未发布时为编制中的版本"
    ),
):
    """一个年度的投资计划：全部版本（原计划和各次调整，状态、依据、发布时间、项目数和金额
    合计），以及所选版本的项目清单（建设单位、计划金额，元和万元）。每个项目附其自评价和
    后评价结果（第三十七条：作为安排下一年度计划的参考），仅对可查看该项目的用户列出。"""
    user = request.auth
    plan = _plan(request, year)
    versions = list(_versions(user, plan=plan))
    by_state = {v.state: v.number for v in versions if v.state != PlanState.SUPERSEDED}
    current, draft = by_state.get(PlanState.PUBLISHED), by_state.get(PlanState.DRAFT)
    shown = version if version is not None else (current or draft)
    if version is not None and version not in {v.number for v in versions}:
        raise Http404
    entries = []
    if shown is not None:
        shown_entries = _entries(user).filter(version__plan=plan, version__number=shown)
        entries = _with_evaluations(
            user,
            list(shown_entries.order_by("project__unit__name", "project__code")),
            project_ids=shown_entries.values("project_id"),
        )
    return {
        "year": plan.year,
        "created_at": plan.created_at,
        "current_version": current,
        "draft_version": draft,
        "shown_version": shown,
        "versions": versions,
        "entries": entries,
    }


@router.get(
    "/plans/{int:year}/versions/{int:number}/diff",
    summary="计划版本差异",
    tags=PLAN,
    response={200: PlanDiffOut, **READ_ERRORS},
)
def plan_diff(request, year: int, number: int):
    """某一版本与上一已发布（或被取代）版本相比：新增、移出和金额变化的项目（第二十七条
    计划调整）。首版与空计划比较。"""
    plan = _plan(request, year)
    version = get_visible_or_404(PlanVersion, request.auth, plan=plan, number=number)
    previous = services.previous_version(version)
    diff = services.version_diff(previous, version)

    def entry(code, amount):
        return {"project_code": code, "amount": yuan_str(amount), "amount_wan": wan_str(amount)}

    return {
        "year": year,
        "from_version": previous.number if previous else None,
        "to_version": version.number,
        "added": [entry(code, amount) for code, amount in diff["added"]],
        "removed": [entry(code, amount) for code, amount in diff["removed"]],
        "changed": [
            {
                "project_code": code,
                "before": yuan_str(before),
                "before_wan": wan_str(before),
                "after": yuan_str(after),
                "after_wan": wan_str(after),
            }
            for code, before, after in diff["changed"]
        ],
    }


@router.post(
    "/plans/{int:year}/open",
    summary="开始编制计划或计划调整",
    tags=PLAN,
    response={201: PlanVersionOut, **ACT_ERRORS},
)
def plan_open(request, year: int, payload: PlanOpenIn):
    """市发展改革委开始编制该年度投资计划（第十条）；已有现行计划时开始一次计划调整
    （第二十七条），复制现行版本的全部项目。已有编制中的版本时返回 409。"""
    version = actions.open_plan_version(acting_user=request.auth, year=year, basis=payload.basis)
    return Status(201, _version_out(request.auth, version))


@router.post(
    "/plans/{int:year}/entries",
    summary="纳入年度投资计划",
    tags=PLAN,
    response={201: PlanEntryOut, **ACT_ERRORS},
)
def plan_entry_add(request, year: int, payload: PlanEntryIn):
    """市发展改革委将一个项目纳入编制中的计划版本（没有时自动开始编制）。规则关口：运行维护
    项目须已列入项目清单（第十条），建设项目须已完成审批（第二十七条）并有完整的绩效目标表
    （第十条）；不符合时返回 409 及依据条款。"""
    refuse_fractions(payload)
    entry = actions.add_plan_entry(
        acting_user=request.auth,
        year=year,
        project=payload.project_id,
        amount_wan=payload.amount_wan,
        note=payload.note,
    )
    return Status(
        201, _with_evaluations(request.auth, [_entries(request.auth).get(pk=entry.pk)])[0]
    )


@router.post(
    "/plans/{int:year}/compile",
    summary="批量编制年度投资计划",
    tags=PLAN,
    response={200: CompileOut, **ACT_ERRORS},
)
def plan_compile(request, year: int, payload: CompileIn):
    """将该年度全部符合条件、尚未纳入的项目一次纳入编制中的版本；不符合条件的项目列在
    ``refused`` 中，附每条原因的依据条款和处理建议。整个编制记为一个规则决定。
    计划金额默认取批复总投资（未批复的运行维护项目取申报总投资），可用 ``amounts_wan``
    按项目指定（万元）。"""
    refuse_fractions(payload)
    errors: dict = {}
    amounts = {
        pid: clean_amount_wan(value, f"amounts_wan.{pid}", f"项目 {pid} 的计划金额", errors)
        for pid, value in payload.amounts_wan.items()
    }
    raise_if(errors)
    result = actions.compile_plan(acting_user=request.auth, year=year, amounts=amounts)
    return {
        "version": result["version"].number,
        "added": result["added"],
        "refused": result["refused"],
        "decision_id": str(result["decision"].pk),
    }


@router.patch(
    "/plans/{int:year}/entries/{int:entry_id}",
    summary="修改计划金额",
    tags=PLAN,
    response={200: PlanEntryOut, **ACT_ERRORS},
)
def plan_entry_update(request, year: int, entry_id: int, payload: PlanEntryUpdateIn):
    """修改编制中版本里一个项目的计划金额（万元）。已发布的版本不能修改（返回 409），
    请先开始计划调整。"""
    refuse_fractions(payload)
    entry = _entry(request, year, entry_id)
    actions.change_plan_entry(entry, acting_user=request.auth, amount_wan=payload.amount_wan)
    return _with_evaluations(request.auth, [_entries(request.auth).get(pk=entry.pk)])[0]


@router.delete(
    "/plans/{int:year}/entries/{int:entry_id}",
    summary="移出计划",
    tags=PLAN,
    response={204: None, **ACT_ERRORS},
)
def plan_entry_delete(request, year: int, entry_id: int):
    """将一个项目移出编制中的计划版本。已发布的版本不能修改（返回 409）。"""
    entry = _entry(request, year, entry_id)
    actions.change_plan_entry(entry, acting_user=request.auth, remove=True)
    return Status(204, None)


@router.post(
    "/plans/{int:year}/publish",
    summary="发布年度投资计划",
    tags=PLAN,
    response={200: PlanVersionOut, **ACT_ERRORS},
)
def plan_publish(request, year: int, payload: PlanPublishIn):
    """市发展改革委发布编制中的版本：成为现行计划，上一现行版本被取代，并通知市财政局和
    市大数据发展局据此安排预算。计划调整须写明调整依据（第二十七条），空计划不能发布。"""
    version = actions.publish_plan(acting_user=request.auth, year=year, basis=payload.basis)
    return _version_out(request.auth, version)


# -- performance target tables (R10.3) ----------------------------------------------------------


def _table_out(table: PerformanceTable) -> dict:
    problems = services.table_problems(table.project_id, table.year)
    return {
        "project_id": table.project_id,
        "year": table.year,
        "overall_goal": table.overall_goal,
        "updated_at": table.updated_at,
        "updated_by_name": table.updated_by.get_full_name() or table.updated_by.username,
        "indicators": list(table.indicators.select_related("category__parent")),
        "complete": not problems,
        "problems": problems,
    }


@router.get(
    "/projects/{int:project_id}/performance/{int:year}",
    summary="绩效目标表",
    tags=PERFORMANCE,
    response={200: PerformanceTableOut, **READ_ERRORS},
)
def performance_get(request, project_id: int, year: int):
    """建设项目申报某年度投资计划的绩效目标表（第十条）：总体目标和按产出、效益、满意度
    分类的三级指标，以及是否完整、缺少什么。尚未填报或无权查看返回 404。"""
    project = _project(request, project_id)
    table = for_user(PerformanceTable, request.auth).filter(project=project, year=year).first()
    if table is None:
        raise Http404
    return _table_out(table)


@router.put(
    "/projects/{int:project_id}/performance/{int:year}",
    summary="填报绩效目标表",
    tags=PERFORMANCE,
    response={200: PerformanceTableOut, **ACT_ERRORS},
)
def performance_put(request, project_id: int, year: int, payload: PerformanceTableIn):
    """项目建设单位填报或整体替换绩效目标表（第十条）。每项指标选择一个二级指标类别
    （见 ``/indicator-tree``）；定量指标须写明指标值、计量单位和计算公式。"""
    project = _project(request, project_id)
    table = actions.save_performance_table(
        project,
        acting_user=request.auth,
        year=year,
        overall_goal=payload.overall_goal,
        indicators=[
            {**i.model_dump(exclude={"category_id"}), "category": i.category_id}
            for i in payload.indicators
        ],
    )
    return _table_out(PerformanceTable.objects.select_related("updated_by").get(pk=table.pk))


@router.get(
    "/indicator-tree",
    summary="绩效指标体系",
    tags=PERFORMANCE,
    response={200: list[IndicatorCategoryOut], 401: ErrorOut},
)
def indicator_tree(request):
    """绩效目标表的指标类别：一级指标（产出、效益、满意度）及其二级指标（数量、质量、
    时效、成本……）。填报时三级指标挂在二级指标下。"""
    cats = list(
        for_user(IndicatorCategory, request.auth).filter(is_active=True).order_by("order", "id")
    )
    return [
        {
            "id": root.pk,
            "name": root.name,
            "order": root.order,
            "children": [
                {"id": c.pk, "name": c.name, "order": c.order}
                for c in cats
                if c.parent_id == root.pk
            ],
        }
        for root in cats
        if root.parent_id is None
    ]


# -- budgets and reconciliation (R10.2) ----------------------------------------------------------


def _budget_lines(user):
    return (
        for_user(BudgetLine, user)
        .select_related("project", "created_by")
        .annotate(paid=Sum("payments__amount"))
    )


@router.get(
    "/budgets",
    summary="预算列表",
    tags=BUDGET,
    response={200: list[BudgetLineOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def budget_list(request, year: int | None = None, project: int | None = None):
    """市财政局安排的预算指标（第十条），可按预算年度 ``year`` 和项目编号 ``project`` 筛选；
    每条附已支付金额。只列出当前用户可查看的项目的预算。"""
    qs = _budget_lines(request.auth)
    if year is not None:
        qs = qs.filter(year=year)
    if project is not None:
        qs = qs.filter(project_id=project)
    return qs.order_by("-year", "project__code", "id")


def _budget_decision(line) -> Decision | None:
    """The decision stored when ``line`` was arranged (named by its ledger event)."""
    events = LedgerEvent.objects.filter(
        action=ActionCode.BUDGET_LINE_ADDED, object_id=str(line.project_id)
    ).order_by("-seq")[:20]
    for event in events:
        if event.data.get("line_id") == line.pk and event.decision_id:
            return Decision.objects.filter(pk=event.decision_id).first()
    return None


@router.post(
    "/budgets",
    summary="安排预算",
    tags=BUDGET,
    response={201: BudgetLineCreatedOut, **ACT_ERRORS},
)
def budget_create(request, payload: BudgetLineIn):
    """市财政局为项目安排某年度预算（第十条）。项目不在该年度现行投资计划中时返回 409
    （第十条：未纳入年度投资计划的项目不予纳入部门预算；确需当年安排的按第十一条办理）。
    预算合计与计划金额不一致时仍可录入，``warnings`` 给出提示，并列入对账差异。"""
    refuse_fractions(payload)
    line = actions.add_budget_line(
        acting_user=request.auth,
        project=payload.project_id,
        year=payload.year,
        amount_wan=payload.amount_wan,
        subject=payload.subject,
        note=payload.note,
    )
    out = _budget_lines(request.auth).get(pk=line.pk)
    decision = _budget_decision(out)
    out.decision_id = str(decision.pk) if decision else None
    out.warnings = [f for f in (decision.findings if decision else []) if f["severity"] == "warn"]
    return Status(201, out)


@router.get(
    "/reconciliation/{int:year}",
    summary="预算与计划对账",
    tags=BUDGET,
    response={200: ReconciliationOut, **READ_ERRORS},
)
def reconciliation(request, year: int):
    """该年度预算与现行投资计划逐项对账（第十条：计划项目、金额与年度预算安排保持一致）：
    列出预算无对应计划、计划项目未安排预算、金额不一致的项目。只列出当前用户可查看的项目；
    计划合计为公开信息，预算合计只计可查看的项目。"""
    user = request.auth
    result = services.reconcile(year)
    visible = set(for_user(Project, user).values_list("pk", flat=True))
    budget_total = (
        for_user(BudgetLine, user).filter(year=year).aggregate(s=Sum("amount"))["s"]
        or services.ZERO
    )
    rows = [
        {
            "project_id": r.project_id,
            "project_code": r.code,
            "project_name": r.name,
            "unit_name": r.unit,
            "plan_amount": yuan_str(r.plan_amount),
            "plan_amount_wan": wan_str(r.plan_amount),
            "budget_amount": yuan_str(r.budget_amount),
            "budget_amount_wan": wan_str(r.budget_amount),
            "difference": yuan_str(r.difference),
            "difference_wan": wan_str(r.difference),
            "problem": r.problem,
        }
        for r in result["rows"]
        if r.project_id in visible
    ]
    version = result["version"]
    return {
        "year": year,
        "version": version.number if version else None,
        "entries": result["entries"],
        "plan_total": yuan_str(result["plan_total"]),
        "plan_total_wan": wan_str(result["plan_total"]),
        "budget_total": yuan_str(budget_total),
        "budget_total_wan": wan_str(budget_total),
        "rows": rows,
    }


# -- the Art. 11 path --------------------------------------------------------------------------


def _art11s(user):
    return for_user(Art11Request, user).select_related("project", "initiated_by")


def _art11(request, request_id: int) -> Art11Request:
    return get_visible_or_404(_art11s(request.auth), request.auth, pk=request_id)


def _art11_out(request, req) -> Art11Request:
    return _art11s(request.auth).get(pk=req.pk)


@router.get(
    "/art11", summary="第十一条事项列表", tags=ART11, response={200: list[Art11Out], **READ_ERRORS}
)
@paginate(PageNumberPagination, **PAGINATION)
def art11_list(
    request,
    year: int | None = None,
    state: Art11State | None = None,
    project: int | None = None,
):
    """第十一条事项（国家或市委、市政府明确要求、未列入当年预算的项目），最新在前；可按
    年度 ``year``、状态 ``state``、项目编号 ``project`` 筛选。"""
    qs = _art11s(request.auth)
    if year is not None:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    if project is not None:
        qs = qs.filter(project_id=project)
    return qs.order_by("-created_at", "-id")


@router.get(
    "/art11/{int:request_id}",
    summary="第十一条事项详情",
    tags=ART11,
    response={200: Art11Out, **READ_ERRORS},
)
def art11_detail(request, request_id: int):
    """一个第十一条事项：依据、预算来源、金额、状态和办理记录。"""
    return _art11(request, request_id)


@router.post(
    "/art11", summary="发起第十一条事项", tags=ART11, response={201: Art11Out, **ACT_ERRORS}
)
def art11_initiate(request, payload: Art11In):
    """市财政局发起第十一条事项（第十一条），须写明国家或市委、市政府明确要求的依据和预算
    来源，缺少时返回 409。之后由市大数据发展局纳入项目清单、市发展改革委审批并调整年度
    投资计划、市财政局安排预算。"""
    refuse_fractions(payload)
    user = request.auth
    change = None
    if payload.change_request_id is not None:
        change = get_visible_or_404(ChangeRequest, user, pk=payload.change_request_id)
        if change.project_id != payload.project_id:
            raise ActionInvalid(
                "填写内容有误，请按提示修改。", {"change_request_id": "该变更申请不属于本项目。"}
            )
    req = actions.initiate_art11(
        acting_user=user,
        project=payload.project_id,
        year=payload.year,
        amount_wan=payload.amount_wan,
        basis=payload.basis,
        budget_source=payload.budget_source,
        change_request=change,
    )
    return Status(201, _art11_out(request, req))


@router.post(
    "/art11/{int:request_id}/list",
    summary="纳入项目清单（第十一条）",
    tags=ART11,
    response={200: Art11Out, **ACT_ERRORS},
)
def art11_list_step(request, request_id: int, payload: OpinionIn):
    """市大数据发展局将第十一条事项纳入项目清单。"""
    req = _art11(request, request_id)
    actions.list_art11(req, acting_user=request.auth, opinion=payload.opinion)
    return _art11_out(request, req)


@router.post(
    "/art11/{int:request_id}/approve",
    summary="审批并调整计划（第十一条）",
    tags=ART11,
    response={200: Art11Out, **ACT_ERRORS},
)
def art11_approve(request, request_id: int, payload: OpinionIn):
    """市发展改革委审批第十一条事项，并以一个计划调整版本将该项目（及金额）纳入该年度投资
    计划并发布。该年度已有编制中的计划版本时返回 409。"""
    req = _art11(request, request_id)
    actions.approve_art11(req, acting_user=request.auth, opinion=payload.opinion)
    return _art11_out(request, req)


@router.post(
    "/art11/{int:request_id}/budget",
    summary="安排预算（第十一条）",
    tags=ART11,
    response={200: Art11Out, **ACT_ERRORS},
)
def art11_budget(request, request_id: int, payload: Art11BudgetIn):
    """市财政局按审批后的计划为第十一条事项安排预算，事项办结。"""
    req = _art11(request, request_id)
    actions.budget_art11(req, acting_user=request.auth, subject=payload.subject)
    return _art11_out(request, req)


# -- contracts and payments (R25.1) -------------------------------------------------------------


def _contracts(user):
    return for_user(Contract, user).annotate(paid=Sum("payments__amount"))


@router.get(
    "/projects/{int:project_id}/contracts",
    summary="合同列表",
    tags=PAYMENT,
    response={200: list[ContractOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def contract_list(request, project_id: int):
    """项目的合同（采购结果），按签订日期排列，每份附已支付金额。"""
    project = _project(request, project_id)
    return _contracts(request.auth).filter(project=project).order_by("signed_on", "id")


@router.post(
    "/projects/{int:project_id}/contracts",
    summary="登记合同",
    tags=PAYMENT,
    response={201: ContractOut, **ACT_ERRORS},
)
def contract_create(request, project_id: int, payload: ContractIn):
    """项目建设单位登记合同（合同编号在本项目内唯一），作为支付的依据（第二十五条）。"""
    refuse_fractions(payload)
    project = _project(request, project_id)
    contract = actions.record_contract(project, acting_user=request.auth, **payload.model_dump())
    return Status(201, _contracts(request.auth).get(pk=contract.pk))


def _payments(user):
    return for_user(Payment, user).select_related("contract", "recorded_by")


@router.get(
    "/projects/{int:project_id}/payments",
    summary="支付列表",
    tags=PAYMENT,
    response={200: list[PaymentOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def payment_list(request, project_id: int):
    """项目的国库集中支付记录，最新在前。"""
    project = _project(request, project_id)
    return _payments(request.auth).filter(contract__project=project).order_by("-paid_on", "-id")


@router.post(
    "/projects/{int:project_id}/payments",
    summary="登记支付",
    tags=PAYMENT,
    response={201: PaymentOut, **ACT_ERRORS},
)
def payment_create(request, project_id: int, payload: PaymentIn):
    """项目建设单位登记一笔国库集中支付（第二十五条）。累计支付超过批复总投资（含已生效的
    调整）或超过该预算指标金额、项目已暂停或终止、建设项目尚未批复时返回 409，``findings``
    给出可支付余额。同时提交的两笔支付依次校验，不会合计超限。"""
    refuse_fractions(payload)
    user = request.auth
    project = _project(request, project_id)
    if not for_user(Contract, user).filter(pk=payload.contract_id, project=project).exists():
        raise ActionInvalid("填写内容有误，请按提示修改。", {"contract_id": "请选择本项目的合同。"})
    payment = actions.record_payment(
        acting_user=user,
        contract=payload.contract_id,
        budget_line=payload.budget_line_id,
        paid_on=payload.paid_on,
        amount_wan=payload.amount_wan,
        payee=payload.payee,
        voucher_number=payload.voucher_number,
    )
    return Status(201, _payments(user).get(pk=payment.pk))


# -- baseline and changes (R26.1) ----------------------------------------------------------------


def _baseline_out(project, baseline: Baseline) -> dict:
    current = services.effective_total(project, baseline)
    return {
        "project_id": project.pk,
        "approved_total": yuan_str(baseline.approved_total),
        "approved_total_wan": wan_str(baseline.approved_total),
        "items": items_out(baseline.items),
        "goals": baseline.goals,
        "planned_completion": baseline.planned_completion,
        "created_by_name": baseline.created_by.get_full_name() or baseline.created_by.username,
        "created_at": baseline.created_at,
        "current_total": yuan_str(current),
        "current_total_wan": wan_str(current),
        "current_items": items_out(services.current_items(project, baseline)),
    }


@router.get(
    "/projects/{int:project_id}/baseline",
    summary="批复基线",
    tags=CHANGE,
    response={200: BaselineOut, **READ_ERRORS},
)
def baseline_get(request, project_id: int):
    """项目的批复基线：批复总投资、概算明细、建设目标和计划建成日期，以及计入已生效调整后
    的总投资和概算明细。尚未登记或无权查看返回 404。"""
    project = _project(request, project_id)
    baseline = (
        for_user(Baseline, request.auth).filter(project=project).select_related("created_by")
    ).first()
    if baseline is None:
        raise Http404
    return _baseline_out(project, baseline)


@router.post(
    "/projects/{int:project_id}/baseline",
    summary="登记批复基线",
    tags=CHANGE,
    response={201: BaselineOut, **ACT_ERRORS},
)
def baseline_create(request, project_id: int, payload: BaselineIn):
    """项目批复后，建设单位登记批复的概算明细（合计须等于批复总投资）和建设目标。基线登记
    后不能修改，此后的调整以变更申请提出，并与基线比较（第二十六条）。"""
    refuse_fractions(payload)
    project = _project(request, project_id)
    baseline = actions.set_baseline(
        project,
        acting_user=request.auth,
        items=[i.model_dump() for i in payload.items],
        goals=payload.goals,
        planned_completion=payload.planned_completion,
    )
    return Status(201, _baseline_out(project, baseline))


def _changes(user):
    return for_user(ChangeRequest, user).select_related("project", "decided_by", "created_by")


def _change(request, change_id: int) -> ChangeRequest:
    return get_visible_or_404(_changes(request.auth), request.auth, pk=change_id)


@router.get(
    "/changes",
    summary="项目调整列表",
    tags=CHANGE,
    response={200: list[ChangeSummaryOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def change_list(
    request,
    project: int | None = None,
    state: ChangeState | None = None,
    classification: ChangeClass | None = None,
):
    """项目调整（变更申请），最新在前；可按项目编号 ``project``、状态 ``state``
    （filed/pending/approved/rejected）和分类 ``classification``（filing/approval/art11）筛选。"""
    qs = _changes(request.auth)
    if project is not None:
        qs = qs.filter(project_id=project)
    if state:
        qs = qs.filter(state=state)
    if classification:
        qs = qs.filter(classification=classification)
    return qs.order_by("-created_at", "-id")


@router.get(
    "/changes/{int:change_id}",
    summary="项目调整详情",
    tags=CHANGE,
    response={200: ChangeDetailOut, **READ_ERRORS},
)
def change_detail(request, change_id: int):
    """一次项目调整：第二十六条四项条件（不增加总投资、建设目标不变、累计调整金额不超过
    比例上限、符合三种情形之一）逐项判定及依据条款，自动分类（备案、审批、审批并参照
    第十一条），与批复基线逐项比较的金额差异，以及审批结果。"""
    return _change(request, change_id)


@router.post(
    "/projects/{int:project_id}/changes",
    summary="提交项目调整",
    tags=CHANGE,
    response={201: ChangeDetailOut, **ACT_ERRORS},
)
def change_submit(request, project_id: int, payload: ChangeIn):
    """项目建设单位提交调整后的全部概算明细，平台按第二十六条自动分类：四项条件均满足的，
    由建设单位调整并向市发展改革委、市财政局、市大数据发展局备案，立即生效；否则须报市
    发展改革委审批，涉及年度投资计划变更或增加当年预算的还须参照第十一条办理。累计调整
    金额计入此前已生效的调整（不能拆分规避）。须先登记批复基线，已有待审批的调整时返回 409。"""
    refuse_fractions(payload)
    project = _project(request, project_id)
    fields = payload.model_dump(exclude={"items"})
    change = actions.submit_change(
        project,
        acting_user=request.auth,
        items=[i.model_dump() for i in payload.items],
        **fields,
    )
    return Status(201, _changes(request.auth).get(pk=change.pk))


@router.post(
    "/changes/{int:change_id}/decide",
    summary="审批项目调整",
    tags=CHANGE,
    response={200: ChangeDetailOut, **ACT_ERRORS},
)
def change_decide(request, change_id: int, payload: DecideIn):
    """市发展改革委批准或不予批准待审批的项目调整（须填写审批意见）；批准后调整生效。
    备案类调整无须审批（返回 409）。"""
    change = _change(request, change_id)
    actions.decide_change(
        change,
        acting_user=request.auth,
        approve=payload.approve,
        opinion=payload.opinion,
    )
    return _changes(request.auth).get(pk=change.pk)
