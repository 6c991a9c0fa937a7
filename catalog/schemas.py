"""Pydantic schemas of the catalog API (``/api/catalog/``): field names follow the models;
every coded value has a ``*_label`` beside it in Chinese."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from core.api_schemas import choice_label, related

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
    isolation_state: str = Field(
        ...,
        description="孤网审批（第三十一条）：not_needed 非孤网 / awaiting_bdb 待大数据局初审 / "
        "awaiting_gov 待市政府批准 / approved 已批准 / refused 未获批准",
    )
    isolation_state_label: str
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

    resolve_unit_name = related("unit.name")
    resolve_category_label = choice_label("category")
    resolve_status_label = choice_label("status")
    resolve_network_label = choice_label("network")
    resolve_isolation_state_label = choice_label("isolation_state")
    resolve_integration_status_label = choice_label("integration_status")

    @staticmethod
    def resolve_project_codes(obj) -> list[str]:
        return [p.code for p in obj.projects.all()]


# -- data resources ---------------------------------------------------------------------------


class InformationItemOut(Schema):
    name: str = Field(..., description="信息项名称")
    data_type: str = Field(
        ...,
        description="char 字符 / number 数值 / money 货币 / date 日期 / datetime 日期时间 / "
        "bool 逻辑 / memo 备注",
    )
    length: int | None = None
    system_code: str | None = Field(None, description="所属系统编码（资源的提供系统之一）")

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
    items: list[InformationItemOut]
    system_ids: list[int] = Field(..., description="提供系统 id")
    updated_at: datetime

    resolve_provider_name = related("provider.name")
    resolve_provider_credit_code = related("provider.credit_code")
    resolve_classification_label = choice_label("classification")
    resolve_format_label = choice_label("format")
    resolve_share_type_label = choice_label("share_type")
    resolve_open_type_label = choice_label("open_type")

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())

    @staticmethod
    def resolve_system_ids(obj) -> list[int]:
        return [s.pk for s in obj.systems.all()]


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

    resolve_resource_code = related("resource.resource_code")
    resolve_resource_name = related("resource.name")

    @staticmethod
    def resolve_provider_id(obj) -> int:
        return obj.resource.provider_id

    resolve_requester_name = related("requester.name")
    resolve_state_label = choice_label("state")

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_feedback(obj):
        return list(obj.feedback.all())


# -- O&M decisions ----------------------------------------------------------------------------


class OMRunOut(Schema):
    run: str = Field(..., description="批次号")
    budget_year: int = Field(..., description="预算年度")
    systems: int
    eligible: int
    policy: str = Field(..., description="所依据的政策版本")


class OMRunRecordOut(Schema):
    code: str = Field(..., description="批次号")
    budget_year: int = Field(..., description="预算年度")
    state: str = Field(..., description="running 判定中 / decided 已决定 / failed 判定失败")
    policy: str = Field(..., description="所依据的政策版本")
    decided_at: datetime
    decided_by: str = Field("", description="决定人（迁移前的批次可能为空）")
    systems: int = Field(..., description="判定的系统数")
    eligible: int = Field(..., description="可安排运维经费的系统数")

    resolve_policy = related("policy.code")

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

    resolve_system_code = related("system.code")
    resolve_system_name = related("system.name")

    @staticmethod
    def resolve_unit_id(obj) -> int:
        return obj.system.unit_id

    resolve_unit_name = related("system.unit.name")
    resolve_policy_code = related("run.policy.code")
    resolve_run = related("run.code")

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
