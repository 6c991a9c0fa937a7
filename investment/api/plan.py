"""The annual investment plan over JSON (Art. 10, 27, 37) and the performance target tables
(Art. 10 ¶3)."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from ninja import Query
from ninja.responses import Status

from accounts.scoping import for_user, get_visible_or_404
from core.api import ErrorOut
from core.api_routes import Routes, perform
from core.filters import apply
from core.money import wan_str, yuan_str

from .. import actions, eligibility, services
from ..contracts import (
    PerformanceTableBodyIn,
    PlanAmountsIn,
    PlanBasisIn,
    PlanEntryAmountIn,
    PlanEntryCreateIn,
)
from ..filters import PlanEntryFilter
from ..models import (
    AnnualPlan,
    EvaluationResult,
    IndicatorCategory,
    PerformanceTable,
    PlanEntry,
    PlanState,
    PlanVersion,
)
from ..schemas import (
    CompileOut,
    IndicatorCategoryOut,
    PerformanceTableOut,
    PlanDiffOut,
    PlanEntryOut,
    PlanOut,
    PlanSummaryOut,
    PlanVersionOut,
)
from .common import PERFORMANCE, PLAN, project_of, refuse_fractions, with_year

router = Routes()
plan_routes = router.tagged(PLAN)


def _plan(request: Any, year: int) -> AnnualPlan:
    return get_visible_or_404(AnnualPlan, request.auth, year=year)


def _versions(user: Any, **lookup: Any) -> QuerySet:
    return (
        for_user(PlanVersion, user)
        .filter(**lookup)
        .select_related("plan", "published_by")
        .annotate(entry_count=Count("entries"), total=Sum("entries__amount"))
        .order_by("-number")
    )


def _version_out(user: Any, version: PlanVersion) -> PlanVersion:
    return _versions(user, pk=version.pk).get()


def _entries(user: Any) -> QuerySet:
    return for_user(PlanEntry, user).select_related("version", "project__unit")


def _with_evaluations(user: Any, entries: list, project_ids: Any = None) -> list:
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


def _entry_out(user: Any, entry: PlanEntry) -> PlanEntry:
    return _with_evaluations(user, [_entries(user).get(pk=entry.pk)])[0]


def _entry(request: Any, year: int, entry_id: int) -> PlanEntry:
    return get_visible_or_404(
        _entries(request.auth), request.auth, pk=entry_id, version__plan__year=year
    )


def _number(plan: AnnualPlan, state: str) -> int | None:
    return plan.versions.filter(state=state).values_list("number", flat=True).first()


@plan_routes.list("/plans", PlanSummaryOut, "年度投资计划列表")
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


@plan_routes.read("/plans/{int:year}", PlanOut, "年度投资计划详情")
def plan_detail(
    request,
    year: int,
    filters: Query[PlanEntryFilter.schema()],  # type: ignore[valid-type]
    version: int | None = Query(
        None, description="列出哪一版本的项目；省略时为现行版本，尚未发布时为编制中的版本"
    ),
):
    """一个年度的投资计划：全部版本（原计划和各次调整，状态、依据、发布时间、项目数和金额
    合计），以及所选版本的项目清单（建设单位、计划金额，元和万元），可按建设单位 ``unit``
    筛选、``q`` 搜索项目编号、名称或单位。每个项目附其自评价和后评价结果（第三十七条：
    作为安排下一年度计划的参考），仅对可查看该项目的用户列出。"""
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
        of_version = _entries(user).filter(version__plan=plan, version__number=shown)
        shown_entries = apply(PlanEntryFilter, request.GET, of_version).qs
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


@plan_routes.read("/plans/{int:year}/versions/{int:number}/diff", PlanDiffOut, "计划版本差异")
def plan_diff(request, year: int, number: int):
    """某一版本与上一已发布（或被取代）版本相比：新增、移出和金额变化的项目（第二十七条
    计划调整）。首版与空计划比较。"""
    plan = _plan(request, year)
    version = get_visible_or_404(PlanVersion, request.auth, plan=plan, number=number)
    previous = services.previous_version(version)
    diff = services.version_diff(previous, version)

    def entry(code: str, amount: Any) -> dict[str, Any]:
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


@plan_routes.create("/plans/{int:year}/open", PlanVersionOut, "开始编制计划或计划调整")
def plan_open(request, year: int, payload: PlanBasisIn):
    """市发展改革委开始编制该年度投资计划（第十条）；已有现行计划时开始一次计划调整，
    复制现行版本的全部项目。已有编制中的版本时返回 409 及依据条款。"""
    version = perform(request, actions.open_plan_version, None, with_year(payload, year))
    return Status(201, _version_out(request.auth, version))


@plan_routes.create("/plans/{int:year}/entries", PlanEntryOut, "纳入年度投资计划")
def plan_entry_add(request, year: int, payload: PlanEntryCreateIn):
    """市发展改革委将一个项目纳入编制中的计划版本（没有时自动开始编制）。规则关口：运行维护
    项目须已列入项目清单（第十条），建设项目须已完成审批（第二十七条）并有完整的绩效目标表
    （第十条）；不符合或已在本版计划中时返回 409 及依据条款。"""
    refuse_fractions(request)
    entry = perform(request, actions.add_plan_entry, payload.project_id, with_year(payload, year))
    return Status(201, _entry_out(request.auth, entry))


@plan_routes.act("/plans/{int:year}/compile", CompileOut, "批量编制年度投资计划")
def plan_compile(request, year: int, payload: PlanAmountsIn):
    """将该年度全部符合条件、尚未纳入的项目一次纳入编制中的版本；不符合条件的项目列在
    ``refused`` 中，附每条原因的依据条款和处理建议。整个编制记为一个规则决定。
    计划金额默认取批复总投资（未批复的运行维护项目取申报总投资），可用 ``amounts_wan``
    按项目指定（万元）。"""
    refuse_fractions(request)
    result = perform(request, actions.compile_plan, None, with_year(payload, year))
    return {
        "version": result["version"].number,
        "added": result["added"],
        "refused": result["refused"],
        "decision_id": str(result["decision"].pk),
    }


@plan_routes.act(
    "/plans/{int:year}/entries/{int:entry_id}", PlanEntryOut, "修改计划金额", method="PATCH"
)
def plan_entry_update(request, year: int, entry_id: int, payload: PlanEntryAmountIn):
    """修改编制中版本里一个项目的计划金额（万元）。已发布的版本不能修改（返回 409 及依据
    条款），请先开始计划调整。"""
    refuse_fractions(request)
    entry = _entry(request, year, entry_id)
    perform(request, actions.change_plan_entry, entry.pk, payload)
    return _entry_out(request.auth, entry)


@plan_routes.act(
    "/plans/{int:year}/entries/{int:entry_id}", None, "移出计划", method="DELETE", status=204
)
def plan_entry_delete(request, year: int, entry_id: int):
    """将一个项目移出编制中的计划版本。已发布的版本不能修改（返回 409 及依据条款）。"""
    entry = _entry(request, year, entry_id)
    perform(request, actions.remove_plan_entry, entry.pk)
    return Status(204, None)


@plan_routes.act("/plans/{int:year}/publish", PlanVersionOut, "发布年度投资计划")
def plan_publish(request, year: int, payload: PlanBasisIn):
    """市发展改革委发布编制中的版本：成为现行计划，上一现行版本被取代，并通知市财政局和
    市大数据发展局据此安排预算。计划调整须写明调整依据，空计划不能发布；没有编制中的版本时
    返回 409 及依据条款。"""
    plan = _plan(request, year)
    version = plan.draft_version() or plan.current_version()
    if version is None:
        raise Http404
    version = perform(request, actions.publish_plan, version.pk, payload)
    return _version_out(request.auth, version)


# -- performance target tables (R10.3) ----------------------------------------------------------

performance_routes = router.tagged(PERFORMANCE)


def _table_out(table: PerformanceTable) -> dict[str, Any]:
    problems = eligibility.table_problems(table.project_id, table.year)
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


@performance_routes.read(
    "/projects/{int:project_id}/performance/{int:year}", PerformanceTableOut, "绩效目标表"
)
def performance_get(request, project_id: int, year: int):
    """建设项目申报某年度投资计划的绩效目标表（第十条）：总体目标和按产出、效益、满意度
    分类的三级指标，以及是否完整、缺少什么。尚未填报或无权查看返回 404。"""
    project = project_of(request, project_id)
    table = for_user(PerformanceTable, request.auth).filter(project=project, year=year).first()
    if table is None:
        raise Http404
    return _table_out(table)


@performance_routes.act(
    "/projects/{int:project_id}/performance/{int:year}",
    PerformanceTableOut,
    "填报绩效目标表",
    method="PUT",
)
def performance_put(request, project_id: int, year: int, payload: PerformanceTableBodyIn):
    """项目建设单位填报或整体替换绩效目标表（第十条）。每项指标选择一个二级指标类别
    （见 ``/indicator-tree``）；定量指标须写明指标值、计量单位和计算公式。"""
    table = perform(request, actions.save_performance_table, project_id, with_year(payload, year))
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
