"""Pydantic schemas of the catalog API (``/api/catalog/``): field names follow the models;
every coded value has a ``*_label`` beside it in Chinese."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema

from .models import SharingState


def _label(obj, field) -> str:
    return str(getattr(obj, f"get_{field}_display")())


# -- master catalog ---------------------------------------------------------------------------


class SystemOut(Schema):
    id: int
    code: str
    name: str
    unit_id: int
    unit_name: str
    category: str
    category_label: str
    delivery_mode: str
    status: str
    status_label: str
    catalogued: bool = Field(..., description="已纳入总目录（第十五条、第三十一条）")
    curated_at: datetime | None
    network: str
    network_label: str
    isolation_reason: str
    isolation_bdb_reviewed_on: date | None = Field(None, description="市大数据发展局初审日期")
    isolation_gov_approved_on: date | None = Field(None, description="市政府批准日期")
    hosting: str = Field(..., description="cq_cloud 数字重庆云 / other 其他（第二十条）")
    hosting_justification: str
    mlps_level: int | None
    mlps_filing_number: str
    mlps_filing_date: date | None
    mlps_evaluated_on: date | None
    mlps_result: str = Field(..., description="pass 符合 / basic 基本符合 / fail 不符合 / 空")
    crypto_assessed_on: date | None
    crypto_result: str = Field(..., description="pass 符合 / basic 基本符合 / fail 不符合 / 空")
    major_hazard: bool
    hazard_note: str
    integration_status: str
    integration_status_label: str
    users_count: int | None
    monthly_visits: int | None
    last_maintained_on: date | None
    detached_from_business: bool
    replaceable_by: str
    project_codes: list[str] = Field(default_factory=list, description="建设或改造项目编号")
    updated_at: datetime

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_category_label(obj) -> str:
        return _label(obj, "category")

    @staticmethod
    def resolve_status_label(obj) -> str:
        return _label(obj, "status")

    @staticmethod
    def resolve_network_label(obj) -> str:
        return _label(obj, "network")

    @staticmethod
    def resolve_integration_status_label(obj) -> str:
        return _label(obj, "integration_status")

    @staticmethod
    def resolve_project_codes(obj) -> list[str]:
        return [p.code for p in obj.projects.all()]


class SystemFieldsIn(Schema):
    """Fields of a master-catalog entry; omitted optional fields keep their defaults."""

    name: str | None = Field(None, description="系统名称")
    category: str | None = Field(
        None,
        description="network 网络平台 / business 业务信息系统 / resource_db 信息资源库 / "
        "security 信息安全基础设施 / infra 电子政务基础设施 / standards 标准化及支撑体系",
    )
    delivery_mode: str | None = Field(None, description="built 自行建设 / service 购买服务")
    status: str | None = Field(
        None,
        description="building 建设中 / trial 试运行 / running 运行 / stopped 停用 / "
        "integrated 已整合 / offline 已下线",
    )
    network: str | None = Field(
        None, description="extranet 政务外网 / internet 互联网 / private 专网 / isolated 孤网"
    )
    isolation_reason: str | None = Field(None, description="孤网：不能共享的法律法规依据")
    hosting: str | None = Field(None, description="cq_cloud 数字重庆云 / other 其他")
    hosting_justification: str | None = None
    mlps_level: int | None = Field(None, description="等保级别 1—5")
    mlps_filing_number: str | None = None
    mlps_filing_date: date | None = None
    mlps_evaluated_on: date | None = None
    mlps_result: str | None = Field(None, description="pass / basic / fail / 空")
    crypto_assessed_on: date | None = None
    crypto_result: str | None = Field(None, description="pass / basic / fail / 空")
    major_hazard: bool | None = None
    hazard_note: str | None = None
    integration_status: str | None = Field(
        None, description="done 已整合 / pending 应整合未整合 / not_needed 无需整合"
    )
    users_count: int | None = None
    monthly_visits: int | None = None
    last_maintained_on: date | None = None
    detached_from_business: bool | None = None
    replaceable_by: str | None = None


class SystemIn(SystemFieldsIn):
    unit: int = Field(..., description="所属单位 id（本单位；市大数据发展局可为任一单位登记）")
    code: str = Field(..., description="系统编码，全市唯一")
    name: str = Field(..., description="系统名称")
    category: str = Field(..., description="系统类别代码")


class CurateIn(Schema):
    catalogued: bool = Field(True, description="true 纳入总目录 / false 移出总目录")
    note: str = ""


class IsolationReviewIn(Schema):
    approve_on: date | None = Field(None, description="初审或批准日期，省略为今天")


# -- data resources ---------------------------------------------------------------------------


class ItemSchema(Schema):
    name: str = Field(..., description="信息项名称")
    data_type: str = Field(
        ...,
        description="char 字符 / number 数值 / money 货币 / date 日期 / datetime 日期时间 / "
        "bool 逻辑 / memo 备注",
    )
    length: int | None = None
    system_code: str | None = Field(
        None, description="所属系统编码（资源的提供系统之一；只有一个提供系统时可省略）"
    )


class ItemOut(ItemSchema):
    @staticmethod
    def resolve_system_code(obj) -> str | None:
        return obj.system.code if obj.system_id else None


class ResourceOut(Schema):
    id: int
    resource_code: str
    class_code: str
    classification: str
    classification_label: str
    name: str
    provider_id: int
    provider_name: str
    provider_credit_code: str = Field("", description="资源提供方统一社会信用代码")
    summary: str
    format: str
    format_label: str
    share_type: str
    share_type_label: str
    share_conditions: str
    share_basis: str
    share_method: str
    open_type: str
    open_type_label: str
    open_scope: str
    named_recipients: str
    update_cycle: str
    release_date: date | None
    related_codes: str
    is_authoritative: bool
    items: list[ItemOut]
    system_ids: list[int] = Field(..., description="提供系统 id")
    updated_at: datetime

    @staticmethod
    def resolve_provider_name(obj) -> str:
        return obj.provider.name

    @staticmethod
    def resolve_provider_credit_code(obj) -> str:
        return obj.provider.credit_code

    @staticmethod
    def resolve_classification_label(obj) -> str:
        return _label(obj, "classification")

    @staticmethod
    def resolve_format_label(obj) -> str:
        return _label(obj, "format")

    @staticmethod
    def resolve_share_type_label(obj) -> str:
        return _label(obj, "share_type")

    @staticmethod
    def resolve_open_type_label(obj) -> str:
        return _label(obj, "open_type")

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())

    @staticmethod
    def resolve_system_ids(obj) -> list[int]:
        return [s.pk for s in obj.systems.all()]


class ResourceIn(Schema):
    provider: int = Field(..., description="资源提供方单位 id")
    classification: str = Field(..., description="base 基础 / theme 主题 / department 部门")
    class_code: str = Field(..., description="分类代码，如 A01.02")
    resource_code: str = Field(..., description="分类代码/顺序号，如 A01.02/000123")
    name: str
    summary: str
    format: str = Field(
        ...,
        description="file 电子文件 / sheet 电子表格 / database 数据库 / image 图形图像 / "
        "stream 流媒体 / self_desc 自描述格式 / api 服务接口",
    )
    share_type: str = Field(
        ..., description="unconditional 无条件共享 / conditional 有条件共享 / none 不予共享"
    )
    share_conditions: str = Field("", description="有条件共享时必填")
    share_basis: str = Field("", description="不予共享时必填：法律法规依据")
    share_method: str = Field(
        "",
        description="platform_db / platform_api / platform_file / email / media；共享时必填",
    )
    open_type: str = Field(
        ..., description="open 无条件开放 / conditional 有条件开放 / closed 不予开放"
    )
    open_scope: str = Field("all", description="all 面向全社会 / named 仅向特定对象")
    named_recipients: str = ""
    update_cycle: str = Field(
        ...,
        description="realtime / daily / weekly / monthly / quarterly / half_yearly / yearly / other",
    )
    release_date: date | None = None
    related_codes: str = ""
    is_authoritative: bool = False
    items: list[ItemSchema] = Field(..., description="信息项，至少一个")
    systems: list[int] = Field(default_factory=list, description="提供系统 id（须属提供方单位）")


# -- sharing ----------------------------------------------------------------------------------


class FeedbackOut(Schema):
    usage: str
    satisfied: bool
    reported_on: date


class SharingOut(Schema):
    id: int
    resource_id: int
    resource_code: str
    resource_name: str
    provider_id: int
    requester_id: int
    requester_name: str
    purpose: str
    state: str
    state_label: str
    requested_on: date
    due_on: date = Field(..., description="答复期限（第十四条，政策参数 sharing_response_days）")
    overdue: bool = Field(..., description="待答复且已超过答复期限")
    answered_on: date | None
    answer: str
    feedback: list[FeedbackOut]

    @staticmethod
    def resolve_resource_code(obj) -> str:
        return obj.resource.resource_code

    @staticmethod
    def resolve_resource_name(obj) -> str:
        return obj.resource.name

    @staticmethod
    def resolve_provider_id(obj) -> int:
        return obj.resource.provider_id

    @staticmethod
    def resolve_requester_name(obj) -> str:
        return obj.requester.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.state == SharingState.PENDING and obj.due_on < timezone.localdate()

    @staticmethod
    def resolve_feedback(obj):
        return list(obj.feedback.all())


class SharingIn(Schema):
    resource: int = Field(..., description="数据资源 id")
    purpose: str = Field(..., description="用途")
    requester: int | None = Field(None, description="申请单位 id，省略为本人所在单位")


class AnswerIn(Schema):
    grant: bool = Field(..., description="true 同意共享 / false 不予共享")
    answer: str = Field("", description="答复意见；不予共享时必填")


class UsageIn(Schema):
    usage: str = Field(..., description="使用情况")
    satisfied: bool = True


# -- O&M decisions ----------------------------------------------------------------------------


class OMRunIn(Schema):
    budget_year: int = Field(..., description="预算年度")


class OMRunOut(Schema):
    run: str = Field(..., description="批次号")
    systems: int
    eligible: int
    policy: str = Field(..., description="所依据的政策版本")


class OMRunRecordOut(Schema):
    code: str = Field(..., description="批次号")
    budget_year: int = Field(..., description="预算年度")
    policy: str = Field(..., description="所依据的政策版本")
    decided_at: datetime
    decided_by: str = Field("", description="决定人（迁移前的批次可能为空）")
    systems: int = Field(..., description="判定的系统数")
    eligible: int = Field(..., description="可安排运维经费的系统数")

    @staticmethod
    def resolve_policy(obj) -> str:
        return obj.policy.code

    @staticmethod
    def resolve_decided_by(obj) -> str:
        return str(obj.decided_by) if obj.decided_by_id else ""


class ReasonOut(Schema):
    rule_id: str
    article: str
    kind: str = Field("", description="条件的种类（同一规则可有多种不符合情形）")
    message: str
    remedy: str = ""
    facts: dict = Field(default_factory=dict)


class OMDecisionOut(Schema):
    id: int
    budget_year: int
    system_id: int
    system_code: str
    system_name: str
    unit_id: int
    unit_name: str
    eligible: bool = Field(..., description="可安排运行维护经费")
    reasons: list[ReasonOut] = Field(..., description="不符合的条件：规则、条款、说明、事实")
    warnings: list[ReasonOut] = Field(..., description="提示（不影响结论）")
    policy_code: str
    run: str
    decided_at: datetime

    @staticmethod
    def resolve_system_code(obj) -> str:
        return obj.system.code

    @staticmethod
    def resolve_system_name(obj) -> str:
        return obj.system.name

    @staticmethod
    def resolve_unit_id(obj) -> int:
        return obj.system.unit_id

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.system.unit.name

    @staticmethod
    def resolve_policy_code(obj) -> str:
        return obj.run.policy.code

    @staticmethod
    def resolve_run(obj) -> str:
        return obj.run.code

    @staticmethod
    def resolve_reasons(obj) -> list[dict]:
        return obj.explained_reasons

    @staticmethod
    def resolve_warnings(obj) -> list[dict]:
        return obj.explained_warnings


# -- import -----------------------------------------------------------------------------------


class RejectionOut(Schema):
    row: int = Field(..., description="Excel 行号")
    column: str = Field(..., description="列名")
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected_rows: int
    errors: list[RejectionOut] = Field(..., description="被拒绝的单元格及原因")
