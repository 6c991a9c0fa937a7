"""The planning chapter over JSON (Art. 6, 7): department master plans with their revisions,
items and filings, and the city plan with its versions. Mounted at ``/api/planning/``.

Reads go through ``accounts.scoping`` and the chapter's filter sets; changes are actions of
``planning/actions`` (every action is also at ``/api/actions/…``). Missing and forbidden
answer the same 404.
"""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Query, Schema
from ninja.responses import Status

from accounts.scoping import for_user, get_visible_or_404
from core.api_routes import Routes, perform
from core.api_schemas import choice_label, related
from core.filters import apply

from . import actions
from .contracts import MasterPlanItemIn
from .filters import CityPlanFilter, MasterPlanFilter
from .models import (
    CityPlan,
    CityPlanVersion,
    MasterPlan,
    MasterPlanFiling,
    MasterPlanItem,
    MasterPlanRevision,
)

router = Routes(tags=["规划"])


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


# -- schemas ----------------------------------------------------------------------------------


class MasterPlanItemOut(Schema):
    id: int
    key: UUID = Field(..., description="项目的稳定标识，跨修订版不变；申报项目时引用")
    seq: int
    name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    planned_year: int
    is_data_governance: bool
    description: str

    resolve_kind_label = choice_label("kind")
    resolve_status_label = choice_label("status")


class FilingOut(Schema):
    authority_id: int
    authority_name: str
    filed_at: datetime
    received_at: datetime | None

    resolve_authority_name = related("authority.name")


class RevisionOut(Schema):
    id: int
    number: int
    state: str
    state_label: str
    is_current_filed: bool
    start_year: int
    end_year: int
    data_plan: str
    collective_review_date: date | None
    collective_review_ref: str
    change_note: str
    created_at: datetime
    filed_at: datetime | None
    filed_by_name: str
    superseded_at: datetime | None
    items: list[MasterPlanItemOut]
    filings: list[FilingOut]

    resolve_state_label = choice_label("state")

    @staticmethod
    def resolve_filed_by_name(obj) -> str:
        return _name(obj.filed_by) if obj.filed_by_id else ""

    @staticmethod
    def resolve_items(obj):
        return obj.items.order_by("seq")

    @staticmethod
    def resolve_filings(obj):
        return MasterPlanFiling.objects.filter(revision=obj).select_related("authority")


class MasterPlanSummaryOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    title: str
    filed_revision: int | None = Field(None, description="现行报备修订版的版次")
    draft_revision: int | None = Field(None, description="待报备修订稿的版次")
    created_at: datetime

    resolve_unit_name = related("unit.name")

    @staticmethod
    def resolve_filed_revision(obj) -> int | None:
        revision = obj.filed_revision()
        return revision.number if revision else None

    @staticmethod
    def resolve_draft_revision(obj) -> int | None:
        revision = obj.draft_revision()
        return revision.number if revision else None


class MasterPlanOut(MasterPlanSummaryOut):
    revisions: list[RevisionOut] = Field(..., description="全部修订版，最新在前")

    @staticmethod
    def resolve_revisions(obj):
        return obj.revisions.select_related("filed_by").order_by("-number")


class CityPlanVersionOut(Schema):
    id: int
    number: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    is_current: bool
    summary: str
    data_orientation: str
    reassessment_reason: str
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_opinion: str

    resolve_kind_label = choice_label("kind")
    resolve_state_label = choice_label("state")


class CityPlanOut(Schema):
    id: int
    title: str
    start_year: int
    end_year: int
    current_version: int | None = Field(None, description="现行（已批准）版本的版本号")
    versions: list[CityPlanVersionOut] = Field(..., description="当前用户可见的版本，最新在前")

    @staticmethod
    def resolve_current_version(obj) -> int | None:
        version = obj.current_version()
        return version.number if version else None

    @staticmethod
    def resolve_versions(obj, context):
        qs = CityPlanVersion.objects.filter(plan=obj).order_by("-number")
        return for_user(qs, context["request"].auth)


# -- routes -----------------------------------------------------------------------------------


def _plans():
    return MasterPlan.objects.select_related("unit")


@router.list("/master-plans", MasterPlanSummaryOut, "整合建设总体方案列表")
def master_plans(request, filters: Query[MasterPlanFilter.schema()]):  # type: ignore[valid-type]
    """当前用户可见的部门整合建设总体方案（第六条）：建设单位看到本单位的方案；市大数据
    发展局、市发展改革委、市委网信办、审计人员和系统管理员看到全部。可按建设单位 ``unit``
    筛选，``q`` 搜索方案名称或单位。"""
    qs = apply(MasterPlanFilter, request.GET, for_user(_plans(), request.auth)).qs
    return qs.order_by("unit__name", "-pk")


@router.read("/master-plans/{int:plan_id}", MasterPlanOut, "整合建设总体方案详情")
def master_plan(request, plan_id: int):
    """一个总体方案的全部修订版及其项目和报备记录。已报备的修订版不可修改（第六条）；
    项目的 ``key`` 跨修订版不变。不存在或无权查看均返回 404。"""
    return get_visible_or_404(_plans(), request.auth, pk=plan_id)


@router.create("/master-plans/{int:plan_id}/items", MasterPlanItemOut, "增加总体方案项目")
def master_plan_add_item(request, plan_id: int, payload: MasterPlanItemIn):
    """在修订稿中增加项目；方案已报备时自动新建修订稿，须重新集体审议并报备后才成为现行
    版本（第六条）。"""
    item = perform(request, actions.add_master_plan_item, plan_id, payload)
    return Status(201, MasterPlanItem.objects.get(pk=item.pk))


@router.act("/master-plans/{int:plan_id}/file", RevisionOut, "报备总体方案")
def master_plan_file(request, plan_id: int):
    """经集体审议后向市大数据发展局、市发展改革委、市委网信办报备修订稿（第六条），修订稿
    成为现行版本，原报备版本被取代。缺少集体审议等要件时返回 409 及依据条款。"""
    revision = perform(request, actions.file_master_plan, plan_id)
    return MasterPlanRevision.objects.select_related("filed_by").get(pk=revision.pk)


@router.list("/city-plans", CityPlanOut, "市级政务信息化建设规划")
def city_plans(request, filters: Query[CityPlanFilter.schema()]):  # type: ignore[valid-type]
    """市级政务信息化建设规划及其版本（第六条）。市政府批准的版本人人可见；草稿和报批中的
    版本只有市大数据发展局、市发展改革委、市委网信办、市政府、审计人员和系统管理员可见。"""
    qs = apply(CityPlanFilter, request.GET, for_user(CityPlan, request.auth)).qs
    return qs.order_by("-start_year", "-pk")


@router.read("/city-plans/{int:plan_id}", CityPlanOut, "市级规划详情")
def city_plan(request, plan_id: int):
    """一个市级规划及当前用户可见的全部版本；``current_version`` 为现行版本号。"""
    return get_visible_or_404(CityPlan, request.auth, pk=plan_id)
