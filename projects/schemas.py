"""Response schemas of the projects API (``projects/api``); the request bodies are the
actions' contracts (``projects/contracts.py``).

Money goes out as Decimal strings: ``total_investment`` etc. in yuan with two places, the
``*_wan`` fields in 万元 (exact, no thousands separator).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from core.api import FindingOut
from core.api_schemas import choice_label, person, related
from core.enums import choice_labels
from core.money import wan_str, yuan_str
from policy.paths import ApprovalPath

from .machines import PROJECT, RESUBMIT_CODE, RESUBMIT_TARGET, UNIT
from .models import ProjectKind, ProjectState
from .visibility import is_unit_staff


def available_transitions(project: Any, user: Any) -> list[str]:
    """Codes of the transitions ``user`` may take on ``project`` now (role and state; unit
    transitions only for the project's own unit staff; a returned project only back to the
    step that returned it)."""
    state = project.state
    back = RESUBMIT_CODE[RESUBMIT_TARGET.get(project.returned_from, ProjectState.SUBMITTED)]
    codes = []
    for t in PROJECT.transitions_from(state):
        if not PROJECT.can_take(user, t.code, state):
            continue
        if set(t.roles) <= set(UNIT) and not is_unit_staff(user, project.unit_id):
            continue
        if t.code in RESUBMIT_CODE.values() and t.code != back:
            continue
        codes.append(t.code)
    return codes


# -- output -----------------------------------------------------------------------------------


class ProjectSummaryOut(Schema):
    id: int
    code: str
    name: str
    unit_id: int
    unit_name: str
    kind: str
    kind_label: str
    year: int
    state: str
    state_label: str
    total_investment: str = Field(
        ..., description="总投资（元），十进制字符串", examples=["8000000.00"]
    )
    total_investment_wan: str = Field(
        ..., description="总投资（万元），十进制字符串", examples=["800.00"]
    )
    approval_path: str = Field(..., description="single 一次审批 / two 两阶段审批；受理前为空")
    approval_path_label: str
    priority: int | None
    channel: str
    external_ref: str | None
    created_at: datetime
    submitted_at: datetime | None

    resolve_unit_name = related("unit.name")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return choice_labels(ProjectKind).get(obj.kind, obj.kind)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return choice_labels(ProjectState).get(obj.state, obj.state)

    @staticmethod
    def resolve_total_investment(obj) -> str:
        return yuan_str(obj.total_investment) or ""

    @staticmethod
    def resolve_total_investment_wan(obj) -> str:
        return wan_str(obj.total_investment) or ""

    @staticmethod
    def resolve_approval_path_label(obj) -> str:
        return choice_labels(ApprovalPath).get(obj.approval_path, "") if obj.approval_path else ""


#: the columns a summary reads: a list loads these, not the long texts of each project
SUMMARY_FIELDS = (
    *(n for n in ProjectSummaryOut.model_fields if not n.endswith(("_label", "_wan", "_name"))),
    "unit__name",
)


class ReviewOut(Schema):
    id: int
    project_id: int
    kind: str
    kind_label: str
    stage: str
    stage_label: str
    round: int
    authority: str
    authority_label: str
    topic: str = Field(..., description="联合技术审查的审查事项")
    consultant_id: int | None
    consultant_name: str
    assignee: str | None = Field(None, description="承办人用户名")
    assignee_name: str
    state: str
    state_label: str
    is_open: bool
    opinion: str
    criteria: dict
    chapter_opinions: dict
    priority: int | None
    document_number: str
    approved_amount: str | None
    approved_amount_wan: str | None
    over_request_reason: str = Field("", description="核定总投资超出申报的理由（第九条）")
    started_at: datetime | None
    decided_at: datetime | None
    decided_by_name: str
    created_at: datetime

    resolve_kind_label = choice_label("kind")
    resolve_stage_label = choice_label("stage")
    resolve_authority_label = choice_label("authority")

    @staticmethod
    def resolve_consultant_name(obj) -> str:
        return obj.consultant.name if obj.consultant_id else ""

    @staticmethod
    def resolve_assignee(obj) -> str | None:
        return obj.assignee.username if obj.assignee_id else None

    resolve_assignee_name = person("assignee")

    resolve_state_label = choice_label("state")

    @staticmethod
    def resolve_approved_amount(obj) -> str | None:
        return yuan_str(obj.approved_amount)

    @staticmethod
    def resolve_approved_amount_wan(obj) -> str | None:
        return wan_str(obj.approved_amount)

    resolve_decided_by_name = person("decided_by")


class ChapterOut(Schema):
    stage: str
    stage_label: str
    chapter: str
    chapter_label: str
    text: str
    updated_at: datetime

    resolve_stage_label = choice_label("stage")
    resolve_chapter_label = choice_label("chapter")


def _of_current_version(name: str, default: Any) -> Any:
    """A resolver of one attribute of a document's current version (``default`` when the
    document has none)."""

    def resolve(obj: Any) -> Any:
        current = obj.current_version()
        return getattr(current, name) if current else default

    return staticmethod(resolve)


class DocumentOut(Schema):
    """A document with its current version and that version's digests."""

    id: int
    doc_type: str
    doc_type_label: str
    title: str
    chapter: str
    created_at: datetime
    version: int | None = Field(None, description="当前版本号")
    original_name: str
    size: int | None
    content_type: str
    sha256: str
    sm3: str
    uploaded_at: datetime | None

    resolve_doc_type_label = choice_label("doc_type")

    resolve_version = _of_current_version("number", None)
    resolve_original_name = _of_current_version("original_name", "")
    resolve_size = _of_current_version("size", None)
    resolve_content_type = _of_current_version("content_type", "")
    resolve_sha256 = _of_current_version("sha256", "")
    resolve_sm3 = _of_current_version("sm3", "")
    resolve_uploaded_at = _of_current_version("uploaded_at", None)


class TransitionOut(Schema):
    code: str
    label: str
    sources: list[str]
    source_labels: list[str]
    target: str
    target_label: str
    roles: list[str]
    gate: str
    action: str
    article: str


class ProjectOut(ProjectSummaryOut):
    """A project with its reviews, report chapters and documents."""

    is_classified: bool
    funding_source: str
    plan_item: str | None = Field(None, description="总体方案项目的稳定标识（key）")
    plan_item_name: str
    requirement: str
    basis: str
    integration_plan: str
    sharing_plan: str
    new_civil_works: bool
    energy_intensive: bool
    served_users: int | None = Field(None, description="预计服务用户数（第二十一条）")
    lacks_om_capacity: bool = Field(
        False, description="建设单位不具备建设运行维护能力（第二十一条）"
    )
    remedy_purpose: str = Field(
        "", description="整改项目：sharing（第三十一条）、security（第三十二条）或空"
    )
    remedy_confirmed_at: datetime | None = Field(
        None, description="市大数据发展局在清单审核中确认为整改项目的时间"
    )
    isolated_network: bool = Field(False, description="拟建设孤网（第三十一条）")
    isolation_basis: str = Field("", description="不能联网共享的法律法规依据")
    hosting: str
    hosting_justification: str
    secure_reliable_statement: str
    share_type: str
    share_recipient_kind: str
    share_recipients: str
    share_conditions: str
    mlps_level: int | None
    crypto_status: str
    predecessor_id: int | None
    framework_id: int | None
    returned_from: str
    policy_code: str = Field(..., description="适用政策版本（受理时确定）")
    fsr_approved_at: datetime | None
    approved_at: datetime | None
    approved_total: str | None
    approved_total_wan: str | None
    updated_at: datetime
    available_transitions: list[str] = Field(
        ..., description="当前用户按角色和项目状态可办理的环节代码（见 /api/projects/lifecycle）"
    )
    reviews: list[ReviewOut]
    chapters: list[ChapterOut]
    documents: list[DocumentOut] = Field(..., description="未作废的材料及其当前版本的摘要")

    @staticmethod
    def resolve_plan_item(obj) -> str | None:
        return str(obj.plan_item.key) if obj.plan_item_id else None

    @staticmethod
    def resolve_plan_item_name(obj) -> str:
        return obj.plan_item.name if obj.plan_item_id else ""

    @staticmethod
    def resolve_policy_code(obj) -> str:
        return obj.policy.code if obj.policy_id else ""

    @staticmethod
    def resolve_approved_total(obj) -> str | None:
        return yuan_str(obj.approved_total)

    @staticmethod
    def resolve_approved_total_wan(obj) -> str | None:
        return wan_str(obj.approved_total)

    @staticmethod
    def resolve_available_transitions(obj, context) -> list[str]:
        return available_transitions(obj, context["request"].auth)

    @staticmethod
    def resolve_reviews(obj):
        return obj.reviews.select_related("consultant", "assignee", "decided_by").order_by(
            "created_at", "pk"
        )

    @staticmethod
    def resolve_chapters(obj):
        return obj.chapters.all()

    @staticmethod
    def resolve_documents(obj):
        from documents.services import documents_of

        return documents_of(obj)


class GatePreviewOut(Schema):
    transition: str
    gate: str
    blocks: bool = Field(..., description="是否有阻断性发现（此时办理将返回 409）")
    findings: list[FindingOut]


class _AmountInYuanAndWan(Schema):
    """Resolves the ``amount`` and ``amount_wan`` fields a subclass declares from its object's
    ``amount`` (in yuan): as text in yuan and in 万元."""

    @staticmethod
    def resolve_amount(obj) -> str:
        return yuan_str(obj.amount) or ""

    @staticmethod
    def resolve_amount_wan(obj) -> str:
        return wan_str(obj.amount) or ""


class ListEntryOut(_AmountInYuanAndWan):
    project_id: int
    project_code: str
    unit_name: str
    project_name: str
    kind: str
    amount: str
    amount_wan: str
    priority: int | None

    resolve_project_code = related("project.code")


class ProjectListOut(Schema):
    id: int
    year: int
    number: int
    state: str
    state_label: str
    note: str
    published_by_name: str
    published_at: datetime
    entries: list[ListEntryOut]

    resolve_state_label = choice_label("state")

    resolve_published_by_name = person("published_by")

    @staticmethod
    def resolve_entries(obj):
        return obj.entries.select_related("project")


class ParticipantOut(Schema):
    unit_id: int
    unit_name: str
    business_flow: str
    data_flow: str
    interfaces: str
    content_items: list[str]

    resolve_unit_name = related("unit.name")


class FrameworkDistrictOut(Schema):
    id: int
    district_id: int
    district_name: str
    linked_project: str
    note: str

    resolve_district_name = related("district.name")


class FrameworkOut(Schema):
    id: int
    title: str
    lead_unit_id: int
    lead_unit_name: str
    goals: str
    main_content: str
    data_catalog: str
    state: str
    state_label: str
    bdb_opinion: str
    reviewed_at: datetime | None
    created_at: datetime
    participants: list[ParticipantOut]
    districts: list[FrameworkDistrictOut]

    resolve_lead_unit_name = related("lead_unit.name")
    resolve_state_label = choice_label("state")

    @staticmethod
    def resolve_participants(obj):
        return obj.participants.select_related("unit")

    @staticmethod
    def resolve_districts(obj):
        return obj.districts.select_related("district")


class ClassifiedStubOut(_AmountInYuanAndWan):
    id: int
    code: str
    unit_id: int
    unit_name: str
    year: int
    amount: str
    amount_wan: str
    recorded_at: datetime

    resolve_unit_name = related("unit.name")
