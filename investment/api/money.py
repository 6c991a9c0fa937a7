"""Budgets and their reconciliation with the plan (Art. 10 ¶2) and the Art. 11 path over JSON."""

from typing import Any

from django.db.models import QuerySet, Sum
from ninja import Query
from ninja.responses import Status

from accounts.scoping import for_user, get_visible_or_404
from core.api_routes import Routes, perform
from core.filters import apply
from core.money import wan_str, yuan_str
from projects.models import Project

from .. import actions, services
from ..contracts import Art11BudgetIn, Art11CreateIn, Art11OpinionIn, BudgetLineCreateIn
from ..filters import Art11Filter, BudgetLineFilter
from ..models import Art11Request, BudgetLine
from ..schemas import Art11Out, BudgetLineCreatedOut, BudgetLineOut, ReconciliationOut
from .common import ART11, BUDGET, refuse_fractions

router = Routes()
budget_routes = router.tagged(BUDGET)


def _budget_lines(user: Any) -> QuerySet:
    return (
        for_user(BudgetLine, user)
        .select_related("project", "created_by", "decision")
        .annotate(paid=Sum("payments__amount"))
    )


@budget_routes.list("/budgets", BudgetLineOut, "预算列表")
def budget_list(request, filters: Query[BudgetLineFilter.schema()]):  # type: ignore[valid-type]
    """市财政局安排的预算指标（第十条），可按预算年度 ``year``、项目 ``project``（内部编号）、
    建设单位 ``unit`` 筛选，``q`` 搜索项目编号、名称或科目；每条附已支付金额。只列出当前
    用户可查看的项目的预算。"""
    qs = apply(BudgetLineFilter, request.GET, _budget_lines(request.auth)).qs
    return qs.order_by("-year", "project__code", "id")


@budget_routes.create("/budgets", BudgetLineCreatedOut, "安排预算")
def budget_create(request, payload: BudgetLineCreateIn):
    """市财政局为项目安排某年度预算（第十条）。项目不在该年度现行投资计划中时返回 409
    （第十条：未纳入年度投资计划的项目不予纳入部门预算；确需当年安排的按第十一条办理）。
    预算合计与计划金额不一致时仍可录入，``warnings`` 给出提示，并列入对账差异。"""
    refuse_fractions(request)
    line = perform(request, actions.add_budget_line, payload.project_id, payload)
    return Status(201, _budget_lines(request.auth).get(pk=line.pk))


@budget_routes.read("/reconciliation/{int:year}", ReconciliationOut, "预算与计划对账")
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
    version = result["version"]
    return {
        "year": year,
        "version": version.number if version else None,
        "entries": result["entries"],
        "plan_total": yuan_str(result["plan_total"]),
        "plan_total_wan": wan_str(result["plan_total"]),
        "budget_total": yuan_str(budget_total),
        "budget_total_wan": wan_str(budget_total),
        "rows": [r for r in result["rows"] if r.project_id in visible],
    }


# -- the Art. 11 path --------------------------------------------------------------------------


def _art11s(user: Any) -> QuerySet:
    return for_user(Art11Request, user).select_related("project", "initiated_by")


def _art11_out(request: Any, req: Art11Request) -> Art11Request:
    return _art11s(request.auth).get(pk=req.pk)


@router.list("/art11", Art11Out, "第十一条事项列表", tags=ART11)
def art11_list(request, filters: Query[Art11Filter.schema()]):  # type: ignore[valid-type]
    """第十一条事项（国家或市委、市政府明确要求、未列入当年预算的项目），最新在前；可按
    年度 ``year``、状态 ``state``、项目 ``project``（内部编号）筛选，``q`` 搜索项目编号、
    名称或依据。"""
    qs = apply(Art11Filter, request.GET, _art11s(request.auth)).qs
    return qs.order_by("-created_at", "-id")


@router.read("/art11/{int:request_id}", Art11Out, "第十一条事项详情", tags=ART11)
def art11_detail(request, request_id: int):
    """一个第十一条事项：依据、预算来源、金额、状态和办理记录。"""
    return get_visible_or_404(_art11s(request.auth), request.auth, pk=request_id)


@router.create("/art11", Art11Out, "发起第十一条事项", tags=ART11)
def art11_initiate(request, payload: Art11CreateIn):
    """市财政局发起第十一条事项（第十一条），须写明国家或市委、市政府明确要求的依据和预算
    来源，缺少时返回 409 及依据条款。之后由市大数据发展局纳入项目清单、市发展改革委审批并
    调整年度投资计划、市财政局安排预算。由项目调整引起时，``change_request_id`` 须为本项目的
    调整。"""
    refuse_fractions(request)
    req = perform(request, actions.initiate_art11, payload.project_id, payload)
    return Status(201, _art11_out(request, req))


def _step(request: Any, act: Any, request_id: int, payload: Any) -> Art11Request:
    req = perform(request, act, request_id, payload)
    return _art11_out(request, req)


@router.act("/art11/{int:request_id}/list", Art11Out, "纳入项目清单（第十一条）", tags=ART11)
def art11_list_step(request, request_id: int, payload: Art11OpinionIn):
    """市大数据发展局将第十一条事项纳入项目清单。"""
    return _step(request, actions.list_art11, request_id, payload)


@router.act("/art11/{int:request_id}/approve", Art11Out, "审批并调整计划（第十一条）", tags=ART11)
def art11_approve(request, request_id: int, payload: Art11OpinionIn):
    """市发展改革委审批第十一条事项，并以一个计划调整版本将该项目（及金额）纳入该年度投资
    计划并发布。该年度已有编制中的计划版本时返回 409 及依据条款。"""
    return _step(request, actions.approve_art11, request_id, payload)


@router.act("/art11/{int:request_id}/budget", Art11Out, "安排预算（第十一条）", tags=ART11)
def art11_budget(request, request_id: int, payload: Art11BudgetIn):
    """市财政局按审批后的计划为第十一条事项安排预算，事项办结。"""
    return _step(request, actions.budget_art11, request_id, payload)
