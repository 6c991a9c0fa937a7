"""The catalog chapter over JSON (Art. 14, 15, 28, 31-33): the master catalog of government
information systems, the data resource catalog, data sharing and the O&M funding decisions.
Mounted at ``/api/catalog/``.

Reads go through ``accounts.scoping`` and the chapter's filter sets (a filter value that is not
valid is a 422); every change is an action of ``catalog/actions`` with its contract as payload
(every action is also at ``/api/actions/…``), or an import of ``catalog/xlsx.py`` that feeds
the actions row by row. Missing and forbidden answer the same 404.
"""

from typing import Any

from django.http import Http404, HttpResponse
from ninja import File, Query
from ninja.files import UploadedFile
from ninja.responses import Status

from accounts.scoping import for_user, get_visible_or_404
from core.api_routes import Routes, perform
from core.dates import today
from core.filters import apply
from core.xlsx import download, strict_filter
from projects.visibility import reads_all_projects

from . import actions, xlsx
from .contracts import (
    CatalogCurateIn,
    CatalogIsolationReviewIn,
    CatalogOMRunIn,
    CatalogResourceCreateIn,
    CatalogResourcePatchIn,
    CatalogSharingAnswerIn,
    CatalogSharingRequestApiIn,
    CatalogSharingUsageIn,
    CatalogSystemPatchIn,
    CatalogSystemRegisterIn,
)
from .filters import OMDecisionFilter, OMRunFilter, ResourceFilter, SharingFilter, SystemFilter
from .models import DataResource, InformationSystem, OMDecision, OMRun, SharingRequest
from .schemas import (
    ImportOut,
    OMDecisionOut,
    OMRunOut,
    OMRunRecordOut,
    ResourceOut,
    SharingOut,
    SystemOut,
)
from .services import OM_ORDER, latest_decisions, om_workbook, sharing_box

router = Routes(tags=["目录、共享与运维经费"])

SystemQuery = SystemFilter.schema()
ResourceQuery = ResourceFilter.schema()
SharingQuery = SharingFilter.schema()
OMDecisionQuery = OMDecisionFilter.schema()
OMRunQuery = OMRunFilter.schema()


def _import_out(result: xlsx.ImportResult) -> dict[str, Any]:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected_rows": result.rejected_rows,
        "errors": result.errors,
    }


# -- master catalog (R15.1) -------------------------------------------------------------------


def _systems(user: Any) -> Any:
    return for_user(InformationSystem, user).select_related("unit").prefetch_related("projects")


def _system(request: Any, pk: int) -> InformationSystem:
    return _systems(request.auth).get(pk=pk)


@router.list("/systems", SystemOut, "政务信息系统总目录")
def systems(request: Any, filters: Query[SystemQuery]):  # type: ignore[valid-type]
    """当前用户可见的政务信息系统（第十五条）：建设单位看到本单位的系统；市大数据发展局、
    市发展改革委、市财政局、市政府、审计人员和系统管理员看到全部。可按编码或名称 ``q``、
    单位、类别、状态、网络、是否纳入总目录（``catalogued=true``/``false``）、整合状态筛选；
    无效的筛选值返回 422。"""
    return apply(SystemFilter, request.GET, _systems(request.auth)).qs.order_by("code")


@router.export("/systems/export", "导出系统目录（Excel）")
def systems_export(request: Any, filters: Query[SystemQuery]):  # type: ignore[valid-type]
    """当前用户可见（并经筛选）的系统目录，列与导入模板相同。"""
    qs = strict_filter(SystemFilter, request.GET, for_user(InformationSystem, request.auth))
    return download(xlsx.export_systems(qs), f"政务信息系统总目录-{today():%Y%m%d}.xlsx")


@router.act("/systems/import", ImportOut, "导入系统目录（Excel）")
def systems_import(request: Any, file: File[UploadedFile]):
    """上传 .xlsx（表头同导出文件）。每行经“登记”或“修改目录信息”办理：有错误的行不导入，
    逐单元格返回原因（行号、列名、原因），其余行保存；编码已存在的行只修改文件中有的列，
    且只在内容不同时修改，重复导入不会重复写入。"""
    return _import_out(xlsx.import_systems(file, acting_user=request.auth))


@router.read("/systems/{int:system_id}", SystemOut, "系统目录详情")
def system(request: Any, system_id: int):
    """一个系统的全部目录信息：网络与孤网审批、部署、等保、密评、隐患、整合与使用情况。"""
    return get_visible_or_404(_systems(request.auth), request.auth, pk=system_id)


@router.list("/systems/{int:system_id}/om-decisions", OMDecisionOut, "系统的运维经费决定历史")
def system_om_decisions(request: Any, system_id: int):
    """一个系统历次的运维经费决定（每个批次一条，新在前），含不符合的条件、条款和事实。
    所属单位和能查看全部系统的部门可查。"""
    system = get_visible_or_404(InformationSystem.objects.all(), request.auth, pk=system_id)
    return (
        for_user(OMDecision.objects.filter(system=system), request.auth)
        .select_related("system__unit", "run__policy")
        .order_by("-run__budget_year", "-run__decided_at", "-id")
    )


@router.create("/systems", SystemOut, "登记政务信息系统")
def system_create(request: Any, payload: CatalogSystemRegisterIn):
    """建设单位登记本单位的系统（市大数据发展局可为任一单位登记），待市大数据发展局审核
    纳入总目录（第十五条）。校验错误返回 422 及逐字段的中文说明。"""
    obj = perform(request, actions.register_system, None, payload)
    return Status(201, _system(request, obj.pk))


@router.act("/systems/{int:system_id}", SystemOut, "修改系统目录信息", method="PATCH")
def system_update(request: Any, system_id: int, payload: CatalogSystemPatchIn):
    """所属单位（或市大数据发展局）修改目录信息；只修改请求中给出的字段，成对的字段按修改后的
    整条目录校验（如 ``hosting=other`` 须有理由，第二十条）。改为孤网须重新审批（第三十一条）。"""
    perform(request, actions.update_system, system_id, payload)
    return _system(request, system_id)


@router.act("/systems/{int:system_id}/curate", SystemOut, "纳入或移出总目录")
def system_curate(request: Any, system_id: int, payload: CatalogCurateIn):
    """市大数据发展局审核纳入（或移出）总目录。未纳入总目录的系统不予安排运维经费（第三十一条）。"""
    perform(request, actions.curate_system, system_id, payload)
    return _system(request, system_id)


@router.act("/systems/{int:system_id}/isolation-review", SystemOut, "孤网审批")
def system_isolation_review(
    request: Any, system_id: int, payload: CatalogIsolationReviewIn | None = None
):
    """孤网系统先由市大数据发展局初审，再报市政府批准（第三十一条：联网通办是原则，孤网是
    例外）；``refuse=true`` 为不同意（须写明意见）。审批步骤由系统所处的状态决定；非孤网或
    尚未轮到本部门的返回 409 及依据条款。"""
    perform(request, actions.review_isolation, system_id, payload)
    return _system(request, system_id)


# -- data resource catalog --------------------------------------------------------------------


def _resources(user: Any) -> Any:
    return (
        for_user(DataResource, user)
        .select_related("provider")
        .prefetch_related("items__system", "systems")
    )


@router.list("/resources", ResourceOut, "数据资源目录")
def resources(request: Any, filters: Query[ResourceQuery]):  # type: ignore[valid-type]
    """数据资源目录向全部政务用户公开，便于查找并申请共享（第十四条）。"""
    qs = apply(ResourceFilter, request.GET, _resources(request.auth)).qs
    return qs.order_by("resource_code")


@router.export("/resources/export", "导出数据资源目录（Excel）")
def resources_export(request: Any, filters: Query[ResourceQuery]):  # type: ignore[valid-type]
    """经筛选的数据资源目录；“信息项”一列为“名称:类型[:长度[:所属系统编码]]”，以分号分隔。"""
    qs = strict_filter(ResourceFilter, request.GET, for_user(DataResource, request.auth))
    return download(xlsx.export_resources(qs), f"数据资源目录-{today():%Y%m%d}.xlsx")


@router.act("/resources/import", ImportOut, "导入数据资源目录（Excel）")
def resources_import(request: Any, file: File[UploadedFile]):
    """上传 .xlsx（表头同导出文件）；每行经“编制数据资源”或“修改数据资源”办理，规则同系统
    目录导入。"""
    return _import_out(xlsx.import_resources(file, acting_user=request.auth))


@router.read("/resources/{int:resource_id}", ResourceOut, "数据资源详情")
def resource(request: Any, resource_id: int):
    """一个数据资源及其信息项和提供系统。"""
    return get_visible_or_404(_resources(request.auth), request.auth, pk=resource_id)


@router.create("/resources", ResourceOut, "编制数据资源")
def resource_create(request: Any, payload: CatalogResourceCreateIn):
    """按政务信息资源目录编制指南编制本单位的数据资源。有条件共享须写明条件，不予共享须写明
    依据；校验错误返回 422，``errors`` 逐字段说明（信息项的问题在 ``items``，逐个指明）。"""
    obj = perform(request, actions.create_resource, None, payload)
    return Status(201, _resources(request.auth).get(pk=obj.pk))


@router.act("/resources/{int:resource_id}", ResourceOut, "修改数据资源", method="PUT")
def resource_update(request: Any, resource_id: int, payload: CatalogResourcePatchIn):
    """修改该资源：给出的字段替换原值（``items``、``systems`` 给出时整体替换信息项和提供系统），
    省略的字段保持原值；只有资源提供方（或市大数据发展局）可以修改。"""
    perform(request, actions.update_resource, resource_id, payload)
    return _resources(request.auth).get(pk=resource_id)


# -- sharing (Art. 14) ------------------------------------------------------------------------


def _sharing(user: Any) -> Any:
    return (
        for_user(SharingRequest, user)
        .select_related("resource", "requester")
        .prefetch_related("feedback")
    )


@router.list("/sharing", SharingOut, "共享申请")
def sharing_requests(
    request: Any,
    filters: Query[SharingQuery],  # type: ignore[valid-type]
    box: str | None = None,
):
    """共享申请（第十四条）。``box=mine`` 本单位提出的，``box=incoming`` 待本单位答复的，
    ``box=all`` 全部（仅限能查看全部的部门）；省略时为当前用户可见的全部。``overdue=true``
    只看超过答复期限仍未答复的。按答复期限排序。"""
    user = request.auth
    qs = apply(SharingFilter, request.GET, sharing_box(_sharing(user), box, user)).qs
    return qs.order_by("due_on", "-pk")


@router.create("/sharing", SharingOut, "申请共享")
def sharing_request(request: Any, payload: CatalogSharingRequestApiIn):
    """以本单位名义申请共享其他单位的数据资源；资源提供方须在政策规定的期限内答复
    （第十四条）。不予共享的资源返回 409 及依据条款；本单位自己的资源不能申请（404）。"""
    req = perform(request, actions.request_sharing, payload.resource, payload)
    return Status(201, _sharing(request.auth).get(pk=req.pk))


@router.act("/sharing/{int:request_id}/answer", SharingOut, "答复共享申请")
def sharing_answer(request: Any, request_id: int, payload: CatalogSharingAnswerIn):
    """资源提供方同意（``grant=true``）或不予共享（须写明答复意见）；已答复的返回 409。"""
    perform(request, actions.answer_sharing, request_id, payload)
    return _sharing(request.auth).get(pk=request_id)


@router.create("/sharing/{int:request_id}/feedback", SharingOut, "反馈共享使用情况")
def sharing_feedback(request: Any, request_id: int, payload: CatalogSharingUsageIn):
    """申请单位在获准共享后反馈使用情况；未获准的返回 409 及依据条款。"""
    perform(request, actions.report_sharing_usage, request_id, payload)
    return Status(201, _sharing(request.auth).get(pk=request_id))


# -- O&M funding decisions (Art. 28, 31-33) ----------------------------------------------------


def _om_decisions(user: Any) -> Any:
    return latest_decisions(user).select_related("system__unit", "run__policy")


@router.create("/om-decisions/run", OMRunOut, "生成运维经费决定")
def om_run(request: Any, payload: CatalogOMRunIn):
    """市财政局（或市大数据发展局）按现行政策逐系统判定某预算年度能否安排运行维护经费
    （第二十八条、第三十一条至第三十三条），每个系统存一条决定，含全部不符合的条件、条款和事实。"""
    return Status(201, perform(request, actions.decide_om_funding, None, payload))


@router.list("/om-runs", OMRunRecordOut, "运维经费决定批次")
def om_runs(request: Any, filters: Query[OMRunQuery]):  # type: ignore[valid-type]
    """历次生成的运维经费决定批次，新在前：预算年度、状态、政策版本、时间、决定人、系统数和
    可安排数。批次的数字覆盖全市系统，只有能查看全部项目的部门（市财政局、市大数据发展局、
    市发展改革委、市政府、审计等）可查；可按预算年度筛选。"""
    if not reads_all_projects(request.auth):
        raise Http404
    runs = for_user(OMRun.objects.select_related("policy", "decided_by"), request.auth)
    return apply(OMRunFilter, request.GET, runs).qs.order_by("-decided_at", "-id")


@router.list("/om-decisions", OMDecisionOut, "运维经费决定列表")
def om_decisions(request: Any, filters: Query[OMDecisionQuery]):  # type: ignore[valid-type]
    """每个预算年度最近一次生成的决定（当前用户可见的系统）。可按年度 ``year``、结论
    ``eligible``（true/false）、单位、不符合的规则 ``rule``（R28.4、R31.1、R31.2、R31.3、
    R32.1、R33.1）和系统编码或名称 ``q`` 筛选；无效的筛选值返回 422。"""
    qs = apply(OMDecisionFilter, request.GET, _om_decisions(request.auth)).qs
    return qs.order_by(*OM_ORDER)


@router.export("/om-decisions/export", "导出运维经费决定（Excel）")
def om_export(request: Any, filters: Query[OMDecisionQuery]) -> HttpResponse:  # type: ignore[valid-type]
    """筛选后的决定，每个系统一行，含不符合的条件及条款、原因、整改要求和提示。"""
    qs = strict_filter(OMDecisionFilter, request.GET, _om_decisions(request.auth))
    return download(om_workbook(qs.order_by(*OM_ORDER)), f"运维经费决定-{today():%Y%m%d}.xlsx")


@router.read("/om-decisions/{int:decision_id}", OMDecisionOut, "运维经费决定详情")
def om_decision(request: Any, decision_id: int):
    """一个系统一个年度的决定：每个不符合的条件的规则编号、条款、说明、整改要求和所用事实，
    以及提示和所依据的政策版本。"""
    return get_visible_or_404(
        OMDecision.objects.select_related("system__unit", "run__policy"),
        request.auth,
        pk=decision_id,
    )
