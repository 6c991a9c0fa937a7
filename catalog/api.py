"""The catalog chapter over JSON (Art. 14, 15, 28, 31-33): the master catalog of government
information systems, the data resource catalog, data sharing and the O&M funding decisions.
Mounted at ``/api/catalog/``.

Reads go through ``accounts.scoping``; every change is an action of ``catalog/actions.py`` or
an import of ``catalog/xlsx.py``. Missing and forbidden answer the same 404.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Router
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from accounts.recipients import unit_ids_of
from accounts.scoping import for_user, get_visible_or_404
from core.api import MAX_PAGE_SIZE, ErrorOut
from core.dates import today
from projects.visibility import reads_all_projects

from . import actions, xlsx
from .models import (
    DataResource,
    InformationSystem,
    OMDecision,
    OMRun,
    SharingRequest,
    SharingState,
)
from .schemas import (
    AnswerIn,
    CurateIn,
    ImportOut,
    IsolationReviewIn,
    OMDecisionOut,
    OMRunIn,
    OMRunOut,
    OMRunRecordOut,
    ResourceIn,
    ResourceOut,
    SharingIn,
    SharingOut,
    SystemFieldsIn,
    SystemIn,
    SystemOut,
    UsageIn,
)
from .views import XLSX_TYPE, _latest_runs, om_workbook

router = Router(tags=["目录、共享与运维经费"])

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ACT_ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PAGINATION = {"page_size": settings.GOVIT_PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}
XLSX_RESPONSE = {
    "responses": {
        200: {
            "description": "Excel 文件（.xlsx）",
            "content": {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _import_out(result) -> dict:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected_rows": result.rejected_rows,
        "errors": result.errors,
    }


# -- master catalog ---------------------------------------------------------------------------


PAIRED_FIELDS = (
    ("hosting", "hosting_justification"),
    ("major_hazard", "hazard_note"),
    ("mlps_result", "mlps_evaluated_on"),
    ("crypto_result", "crypto_assessed_on"),
)


def _systems(user):
    return for_user(InformationSystem, user).select_related("unit").prefetch_related("projects")


def _filter_systems(
    qs,
    q=None,
    unit=None,
    category=None,
    status=None,
    network=None,
    catalogued=None,
    integration=None,
):
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if network:
        qs = qs.filter(network=network)
    if catalogued is not None:
        qs = qs.filter(catalogued=catalogued)
    if integration:
        qs = qs.filter(integration_status=integration)
    return qs


@router.get(
    "/systems", summary="政务信息系统总目录", response={200: list[SystemOut], **READ_ERRORS}
)
@paginate(PageNumberPagination, **PAGINATION)
def systems(
    request,
    q: str | None = None,
    unit: int | None = None,
    category: str | None = None,
    status: str | None = None,
    network: str | None = None,
    catalogued: bool | None = None,
    integration: str | None = None,
):
    """当前用户可见的政务信息系统（第十五条）：建设单位看到本单位的系统；市大数据发展局、
    市发展改革委、市财政局、市政府、审计人员和系统管理员看到全部。可按编码或名称 ``q``、
    单位、类别、状态、网络、是否纳入总目录、整合状态筛选。"""
    qs = _filter_systems(
        _systems(request.auth), q, unit, category, status, network, catalogued, integration
    )
    return qs.order_by("code")


@router.get(
    "/systems/export",
    summary="导出系统目录（Excel）",
    response={401: ErrorOut, 422: ErrorOut},
    openapi_extra=XLSX_RESPONSE,
)
def systems_export(
    request,
    q: str | None = None,
    unit: int | None = None,
    category: str | None = None,
    status: str | None = None,
    network: str | None = None,
    catalogued: bool | None = None,
    integration: str | None = None,
):
    """当前用户可见（并经筛选）的系统目录，列与导入模板相同。"""
    qs = _filter_systems(
        for_user(InformationSystem, request.auth),
        q,
        unit,
        category,
        status,
        network,
        catalogued,
        integration,
    )
    return _xlsx(xlsx.export_systems(qs), f"政务信息系统总目录-{today():%Y%m%d}.xlsx")


@router.post(
    "/systems/import", summary="导入系统目录（Excel）", response={200: ImportOut, **ACT_ERRORS}
)
def systems_import(request, file: File[UploadedFile]):
    """上传 .xlsx（表头同导出文件）。每行单独校验：有错误的行不导入，逐单元格返回原因
    （行号、列名、原因），其余行保存；编码已存在的行只在内容不同时更新，重复导入不会重复写入。"""
    return _import_out(xlsx.import_systems(file, acting_user=request.auth))


@router.get(
    "/systems/{int:system_id}", summary="系统目录详情", response={200: SystemOut, **READ_ERRORS}
)
def system(request, system_id: int):
    """一个系统的全部目录信息：网络与孤网审批、部署、等保、密评、隐患、整合与使用情况。"""
    return get_visible_or_404(_systems(request.auth), request.auth, pk=system_id)


@router.get(
    "/systems/{int:system_id}/om-decisions",
    summary="系统的运维经费决定历史",
    response={200: list[OMDecisionOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def system_om_decisions(request, system_id: int):
    """一个系统历次的运维经费决定（每个批次一条，新在前），含不符合的条件、条款和事实。
    所属单位和能查看全部系统的部门可查。"""
    system = get_visible_or_404(InformationSystem.objects.all(), request.auth, pk=system_id)
    return (
        for_user(OMDecision.objects.filter(system=system), request.auth)
        .select_related("system__unit", "run__policy")
        .order_by("-run__budget_year", "-run__decided_at", "-id")
    )


@router.post("/systems", summary="登记政务信息系统", response={201: SystemOut, **ACT_ERRORS})
def system_create(request, payload: SystemIn):
    """建设单位登记本单位的系统（市大数据发展局可为任一单位登记），待市大数据发展局审核
    纳入总目录（第十五条）。校验错误返回 422 及逐字段的中文说明。"""
    fields = payload.model_dump(exclude_none=True)
    unit, code = fields.pop("unit"), fields.pop("code")
    obj = actions.register_system(acting_user=request.auth, unit=unit, code=code, **fields)
    return Status(201, _systems(request.auth).get(pk=obj.pk))


@router.patch(
    "/systems/{int:system_id}", summary="修改系统目录信息", response={200: SystemOut, **ACT_ERRORS}
)
def system_update(request, system_id: int, payload: SystemFieldsIn):
    """所属单位（或市大数据发展局）修改目录信息；只修改请求中给出的字段。"""
    obj = get_visible_or_404(InformationSystem, request.auth, pk=system_id)
    fields = payload.model_dump(exclude_unset=True)
    # update_system checks paired fields only when both are given (partial=True): send the
    # stored partner so that e.g. hosting=other without a justification is refused (第二十条).
    for key, partner in PAIRED_FIELDS:
        if key in fields and partner not in fields:
            fields[partner] = getattr(obj, partner)
    actions.update_system(obj.pk, acting_user=request.auth, **fields)
    return _systems(request.auth).get(pk=obj.pk)


@router.post(
    "/systems/{int:system_id}/curate",
    summary="纳入或移出总目录",
    response={200: SystemOut, **ACT_ERRORS},
)
def system_curate(request, system_id: int, payload: CurateIn):
    """市大数据发展局审核纳入（或移出）总目录。未纳入总目录的系统不予安排运维经费（第三十一条）。"""
    obj = get_visible_or_404(InformationSystem, request.auth, pk=system_id)
    actions.curate_system(
        obj.pk,
        acting_user=request.auth,
        catalogued=payload.catalogued,
        note=payload.note,
    )
    return _systems(request.auth).get(pk=obj.pk)


@router.post(
    "/systems/{int:system_id}/isolation-review",
    summary="孤网审批",
    response={200: SystemOut, **ACT_ERRORS},
)
def system_isolation_review(request, system_id: int, payload: IsolationReviewIn | None = None):
    """孤网系统先由市大数据发展局初审，再报市政府批准（第三十一条：联网通办是原则，孤网是
    例外）。审批步骤由操作人的角色决定；非孤网返回 409。"""
    obj = get_visible_or_404(InformationSystem, request.auth, pk=system_id)
    approve_on = payload.approve_on if payload else None
    actions.review_isolation(obj.pk, acting_user=request.auth, approve_on=approve_on)
    return _systems(request.auth).get(pk=obj.pk)


# -- data resource catalog --------------------------------------------------------------------


def _resources(user):
    return (
        for_user(DataResource, user)
        .select_related("provider")
        .prefetch_related("items__system", "systems")
    )


def _filter_resources(qs, q=None, provider=None, share_type=None, open_type=None, format=None):
    if q:
        qs = qs.filter(Q(resource_code__icontains=q) | Q(name__icontains=q))
    if provider is not None:
        qs = qs.filter(provider_id=provider)
    if share_type:
        qs = qs.filter(share_type=share_type)
    if open_type:
        qs = qs.filter(open_type=open_type)
    if format:
        qs = qs.filter(format=format)
    return qs


@router.get("/resources", summary="数据资源目录", response={200: list[ResourceOut], **READ_ERRORS})
@paginate(PageNumberPagination, **PAGINATION)
def resources(
    request,
    q: str | None = None,
    provider: int | None = None,
    share_type: str | None = None,
    open_type: str | None = None,
    format: str | None = None,
):
    """数据资源目录向全部政务用户公开，便于查找并申请共享（第十四条）。"""
    qs = _filter_resources(_resources(request.auth), q, provider, share_type, open_type, format)
    return qs.order_by("resource_code")


@router.get(
    "/resources/export",
    summary="导出数据资源目录（Excel）",
    response={401: ErrorOut, 422: ErrorOut},
    openapi_extra=XLSX_RESPONSE,
)
def resources_export(
    request,
    q: str | None = None,
    provider: int | None = None,
    share_type: str | None = None,
    open_type: str | None = None,
    format: str | None = None,
):
    """经筛选的数据资源目录；“信息项”一列为“名称:类型[:长度]”，以分号分隔。"""
    qs = _filter_resources(
        for_user(DataResource, request.auth), q, provider, share_type, open_type, format
    )
    return _xlsx(xlsx.export_resources(qs), f"数据资源目录-{today():%Y%m%d}.xlsx")


@router.post(
    "/resources/import",
    summary="导入数据资源目录（Excel）",
    response={200: ImportOut, **ACT_ERRORS},
)
def resources_import(request, file: File[UploadedFile]):
    """上传 .xlsx（表头同导出文件）；规则同系统目录导入。"""
    return _import_out(xlsx.import_resources(file, acting_user=request.auth))


@router.get(
    "/resources/{int:resource_id}",
    summary="数据资源详情",
    response={200: ResourceOut, **READ_ERRORS},
)
def resource(request, resource_id: int):
    """一个数据资源及其信息项和提供系统。"""
    return get_visible_or_404(_resources(request.auth), request.auth, pk=resource_id)


@router.post("/resources", summary="编制数据资源", response={201: ResourceOut, **ACT_ERRORS})
def resource_create(request, payload: ResourceIn):
    """按政务信息资源目录编制指南编制本单位的数据资源。有条件共享须写明条件，不予共享须写明
    依据；校验错误返回 422，``errors`` 逐字段（信息项为 ``items.<序号>.<字段>``）说明。"""
    fields = payload.model_dump()
    items = fields.pop("items")
    obj = actions.save_resource(acting_user=request.auth, items=items, **fields)
    return Status(201, _resources(request.auth).get(pk=obj.pk))


@router.put(
    "/resources/{int:resource_id}",
    summary="修改数据资源",
    response={200: ResourceOut, **ACT_ERRORS},
)
def resource_update(request, resource_id: int, payload: ResourceIn):
    """以请求内容整体替换该资源及其信息项；只有资源提供方（或市大数据发展局）可以修改。"""
    obj = get_visible_or_404(DataResource, request.auth, pk=resource_id)
    fields = payload.model_dump()
    items = fields.pop("items")
    actions.save_resource(
        acting_user=request.auth,
        items=items,
        resource=obj.pk,
        **fields,
    )
    return _resources(request.auth).get(pk=obj.pk)


# -- sharing (Art. 14) ------------------------------------------------------------------------


def _sharing(user):
    return (
        for_user(SharingRequest, user)
        .select_related("resource", "requester")
        .prefetch_related("feedback")
    )


@router.get("/sharing", summary="共享申请", response={200: list[SharingOut], **READ_ERRORS})
@paginate(PageNumberPagination, **PAGINATION)
def sharing_requests(
    request, box: str | None = None, state: str | None = None, overdue: bool | None = None
):
    """共享申请（第十四条）。``box=mine`` 本单位提出的，``box=incoming`` 待本单位答复的；
    省略时为当前用户可见的全部（市大数据发展局、市财政局等看到全部）。``overdue=true`` 只看
    超过答复期限仍未答复的。逾期在前，其次按答复期限。"""
    user = request.auth
    qs = _sharing(user)
    units = unit_ids_of(user)
    if box == "mine":
        qs = qs.filter(requester_id__in=units)
    elif box == "incoming":
        qs = qs.filter(resource__provider_id__in=units)
    elif box and not reads_all_projects(user):
        qs = qs.none()
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(state=SharingState.PENDING, due_on__lt=today())
    return qs.order_by("due_on", "-pk")


@router.post("/sharing", summary="申请共享", response={201: SharingOut, **ACT_ERRORS})
def sharing_request(request, payload: SharingIn):
    """以本单位名义申请共享其他单位的数据资源；资源提供方须在政策规定的期限内答复
    （第十四条）。不予共享的资源或本单位自己的资源返回 409。"""
    requester = payload.requester
    if requester is None:
        units = sorted(unit_ids_of(request.auth))
        if not units:
            raise Http404
        requester = units[0]
    req = actions.request_sharing(
        acting_user=request.auth,
        resource=payload.resource,
        requester=requester,
        purpose=payload.purpose,
    )
    return Status(201, _sharing(request.auth).get(pk=req.pk))


@router.post(
    "/sharing/{int:request_id}/answer",
    summary="答复共享申请",
    response={200: SharingOut, **ACT_ERRORS},
)
def sharing_answer(request, request_id: int, payload: AnswerIn):
    """资源提供方同意或不予共享（不予共享须写明理由）；已答复的返回 409。"""
    req = get_visible_or_404(SharingRequest, request.auth, pk=request_id)
    actions.answer_sharing(
        req.pk,
        acting_user=request.auth,
        grant=payload.grant,
        answer=payload.answer,
    )
    return _sharing(request.auth).get(pk=req.pk)


@router.post(
    "/sharing/{int:request_id}/feedback",
    summary="反馈共享使用情况",
    response={201: SharingOut, **ACT_ERRORS},
)
def sharing_feedback(request, request_id: int, payload: UsageIn):
    """申请单位在获准共享后反馈使用情况；未获准的返回 409。"""
    req = get_visible_or_404(SharingRequest, request.auth, pk=request_id)
    actions.report_sharing_usage(
        req.pk,
        acting_user=request.auth,
        usage=payload.usage,
        satisfied=payload.satisfied,
    )
    return Status(201, _sharing(request.auth).get(pk=req.pk))


# -- O&M funding decisions (Art. 28, 31-33) ----------------------------------------------------


def _om_filtered(user, year=None, eligible=None, unit=None, rule=None, q=None):
    _years, runs = _latest_runs()
    qs = (
        for_user(OMDecision, user)
        .filter(run__in=runs)
        .select_related("system__unit", "run__policy")
    )
    if year is not None:
        qs = qs.filter(run__budget_year=year)
    if eligible is not None:
        qs = qs.filter(eligible=eligible)
    if unit is not None:
        qs = qs.filter(system__unit_id=unit)
    if rule:
        qs = qs.filter(reasons__icontains=f'"{rule}"')
    if q:
        qs = qs.filter(Q(system__code__icontains=q) | Q(system__name__icontains=q))
    return qs


@router.post(
    "/om-decisions/run", summary="生成运维经费决定", response={201: OMRunOut, **ACT_ERRORS}
)
def om_run(request, payload: OMRunIn):
    """市财政局（或市大数据发展局）按现行政策逐系统判定某预算年度能否安排运行维护经费
    （第二十八条、第三十一条至第三十三条），每个系统存一条决定，含全部不符合的条件、条款和事实。"""
    result = actions.decide_om_funding(acting_user=request.auth, budget_year=payload.budget_year)
    return Status(201, result)


@router.get(
    "/om-runs",
    summary="运维经费决定批次",
    response={200: list[OMRunRecordOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def om_runs(request, year: int | None = None):
    """历次生成的运维经费决定批次，新在前：预算年度、政策版本、时间、决定人、系统数和可安排数。
    批次的数字覆盖全市系统，只有能查看全部项目的部门（市财政局、市大数据发展局、市发展改革委、
    市政府、审计等）可查；可按预算年度筛选。"""
    if not reads_all_projects(request.auth):
        raise Http404
    runs = OMRun.objects.select_related("policy", "decided_by")
    if year is not None:
        runs = runs.filter(budget_year=year)
    return runs.order_by("-decided_at", "-id")


@router.get(
    "/om-decisions",
    summary="运维经费决定列表",
    response={200: list[OMDecisionOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def om_decisions(
    request,
    year: int | None = None,
    eligible: bool | None = None,
    unit: int | None = None,
    rule: str | None = None,
    q: str | None = None,
):
    """每个预算年度最近一次生成的决定（当前用户可见的系统）。可按年度、结论 ``eligible``、
    单位、不符合的规则 ``rule``（R28.4、R31.1、R31.2、R31.3、R32.1、R33.1）和系统编码或名称筛选。"""
    qs = _om_filtered(request.auth, year, eligible, unit, rule, q)
    return qs.order_by("-run__budget_year", "system__unit__name", "system__code")


@router.get(
    "/om-decisions/export",
    summary="导出运维经费决定（Excel）",
    response={401: ErrorOut, 422: ErrorOut},
    openapi_extra=XLSX_RESPONSE,
)
def om_export(
    request,
    year: int | None = None,
    eligible: bool | None = None,
    unit: int | None = None,
    rule: str | None = None,
    q: str | None = None,
):
    """筛选后的决定，每个系统一行，含不符合的条件及条款、原因、整改要求和提示。"""
    qs = _om_filtered(request.auth, year, eligible, unit, rule, q).order_by(
        "-run__budget_year", "system__unit__name", "system__code"
    )
    return _xlsx(om_workbook(qs), f"运维经费决定-{today():%Y%m%d}.xlsx")


@router.get(
    "/om-decisions/{int:decision_id}",
    summary="运维经费决定详情",
    response={200: OMDecisionOut, **READ_ERRORS},
)
def om_decision(request, decision_id: int):
    """一个系统一个年度的决定：每个不符合的条件的规则编号、条款、说明、整改要求和所用事实，
    以及提示和所依据的政策版本。"""
    return get_visible_or_404(
        OMDecision.objects.select_related("system__unit", "run__policy"),
        request.auth,
        pk=decision_id,
    )
