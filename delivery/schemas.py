"""Request and response schemas of the delivery API (``delivery/api.py``).

Dates are ISO dates (``2025-03-01``); a malformed date answers 422 before the action runs, a
date the action refuses (in the future, before the start…) answers 422 with a Chinese message
per field. Money goes out as Decimal strings in yuan and in 万元, never as floats.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from core.money import wan_str, yuan_str

STATUS_LABELS = {
    "done": "已完成",
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "open": "进行中",
    "not_open": "未到期间",
}

Score = Annotated[
    str | int | Decimal | None,
    Field(None, description='评分 0—100（字符串或数字，如 "91.5"）', examples=["91.5"]),
]


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _label(obj, field: str) -> str:
    return str(getattr(obj, f"get_{field}_display")()) if getattr(obj, field) else ""


# -- requests -----------------------------------------------------------------------------------


class ImplementationIn(Schema):
    implementing_agency: str = Field(..., description="项目实施机构", examples=["市教委信息中心"])
    responsible_person: str = Field(..., description="项目负责人", examples=["张明"])
    responsible_phone: str = Field("", description="负责人电话")


class SupervisorIn(Schema):
    supervisor_id: int = Field(..., description="工程监理单位的组织编号")
    contract_number: str = Field("", description="监理合同编号")


class StartIn(Schema):
    started_on: date = Field(..., description="开工日期，不晚于今天")


class MilestoneIn(Schema):
    name: str = Field(..., examples=["系统开发"])
    planned_on: date
    weight: int = Field(1, description="权重 1—100；建设进度按已完成里程碑的权重占比计算")


class MilestoneDoneIn(Schema):
    done_on: date


class SupervisionReportIn(Schema):
    period: str = Field(..., examples=["2025年第二季度"])
    content: str = Field(..., description="监理情况")
    opinion: str = Field(..., description="监理意见")


class AnnualReportIn(Schema):
    year: int = Field(..., examples=[2025])
    summary: str = Field(..., description="建设进展与绩效情况")
    user_opinions: str = Field("", description="使用单位意见（第二十三条，必填）")
    supervisor_opinion: str = Field("", description="监理单位意见（第二十三条，必填）")
    trial_effects: str = Field("", description="试运行效果（试运行期间必填）")


class IncidentIn(Schema):
    kind: str = Field(..., description="delay 建设进度严重滞后；loss 重大损失", examples=["delay"])
    description: str


class RectificationIn(Schema):
    deadline: date = Field(..., description="整改期限，晚于今天")
    order_text: str = Field(..., description="整改要求")


class SuspendIn(Schema):
    order_text: str = Field(..., description="暂停理由")


class OpinionIn(Schema):
    opinion: str


class TrialIn(Schema):
    trial_started_on: date


class CompleteIn(Schema):
    completed_on: date = Field(..., description="建成日期：验收期限自此起算（第二十八条）")


class ArchivesIn(Schema):
    checklist: dict[str, bool] = Field(
        ...,
        description="档案清单，各项均须为 true",
        examples=[{"文书档案": True, "电子文件": True}],
    )
    accepted_on: date


class AcceptanceResultIn(Schema):
    passed: bool
    held_on: date
    conclusion: str


class ExtensionIn(Schema):
    requested_until: date = Field(..., description="申请延期至（晚于今天）")
    reason: str


class ExtensionDecideIn(Schema):
    grant: bool
    opinion: str


class GoLiveIn(Schema):
    golive_on: date


class EvaluationIn(Schema):
    completed_on: date
    grade: str = Field(..., examples=["良"])
    conclusion: str
    score: Score = None


class CommissionIn(Schema):
    consultant_id: int = Field(..., description="第三方咨询评估机构的组织编号")


# -- responses ----------------------------------------------------------------------------------


class DueItemOut(Schema):
    key: str
    kind: str
    label: str
    article: str
    due_on: date
    opens_on: date | None
    status: str = Field(..., description="done / overdue / due_soon / open / not_open")
    status_label: str


def due_item_out(item, on: date) -> dict:
    status = item.status(on)
    return {
        "key": item.key,
        "kind": item.kind,
        "label": item.label,
        "article": item.article,
        "due_on": item.due_on,
        "opens_on": item.opens_on,
        "status": status,
        "status_label": STATUS_LABELS[status],
    }


class CalendarItemOut(DueItemOut):
    project_id: int
    project_code: str
    project_name: str
    unit_name: str


class SupervisorOut(Schema):
    id: int
    supervisor_id: int
    supervisor_name: str
    contract_number: str
    is_active: bool
    assigned_at: datetime

    @staticmethod
    def resolve_supervisor_name(obj) -> str:
        return obj.supervisor.name


class MilestoneOut(Schema):
    id: int
    name: str
    planned_on: date
    done_on: date | None
    weight: int


class SupervisionReportOut(Schema):
    id: int
    period: str
    content: str
    opinion: str
    submitted_by_name: str
    submitted_at: datetime

    @staticmethod
    def resolve_submitted_by_name(obj) -> str:
        return _name(obj.submitted_by)


class AnnualReportOut(Schema):
    id: int
    year: int
    summary: str
    user_opinions: str
    supervisor_opinion: str
    trial_effects: str
    progress_percent: str = Field(..., description="建设进度（%），由里程碑计算")
    plan_amount: str = Field(..., description="当年投资计划金额（元）")
    plan_amount_wan: str
    paid_amount: str = Field(..., description="当年已支付（元）")
    paid_amount_wan: str
    submitted_at: datetime

    @staticmethod
    def resolve_progress_percent(obj) -> str:
        return str(obj.progress_percent)

    @staticmethod
    def resolve_plan_amount(obj) -> str:
        return yuan_str(obj.plan_amount)

    @staticmethod
    def resolve_plan_amount_wan(obj) -> str:
        return wan_str(obj.plan_amount)

    @staticmethod
    def resolve_paid_amount(obj) -> str:
        return yuan_str(obj.paid_amount)

    @staticmethod
    def resolve_paid_amount_wan(obj) -> str:
        return wan_str(obj.paid_amount)


class IncidentOut(Schema):
    id: int
    kind: str
    kind_label: str
    description: str
    state: str
    state_label: str
    rectification_deadline: date | None
    order_text: str
    reported_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return _label(obj, "kind")

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")


class ExtensionOut(Schema):
    id: int
    requested_until: date
    reason: str
    state: str
    state_label: str
    opinion: str
    requested_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")


class AcceptanceOut(Schema):
    id: int
    path: str
    path_label: str
    state: str
    state_label: str
    held_on: date | None
    conclusion: str
    applied_at: datetime
    filed_with_bdb_at: datetime | None

    @staticmethod
    def resolve_path_label(obj) -> str:
        return _label(obj, "path")

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")


class EvaluationOut(Schema):
    id: int
    kind: str
    kind_label: str
    completed_on: date
    grade: str
    score: str | None
    conclusion: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return _label(obj, "kind")

    @staticmethod
    def resolve_score(obj) -> str | None:
        return None if obj.score is None else str(obj.score)


class PostEvaluationOut(Schema):
    id: int
    consultant_id: int
    consultant_name: str
    state: str
    state_label: str
    commissioned_at: datetime
    result: EvaluationOut | None

    @staticmethod
    def resolve_consultant_name(obj) -> str:
        return obj.consultant.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return _label(obj, "state")


class ProjectDeliveryOut(Schema):
    """The delivery record of one approved project with its clocks and history."""

    project_id: int
    project_code: str
    project_name: str
    unit_id: int
    unit_name: str
    total_investment: str = Field(..., description="批复总投资（元），未批复时为申报总投资")
    total_investment_wan: str
    suspended: bool
    phase: str
    phase_label: str
    implementing_agency: str
    responsible_person: str
    responsible_phone: str
    started_on: date | None
    trial_started_on: date | None
    completed_on: date | None
    acceptance_path: str = Field(..., description="按政策门槛确定的验收方式（第二十八条）")
    acceptance_path_label: str
    accepted_on: date | None
    golive_on: date | None
    om_ineligible: bool = Field(..., description="竣工验收未通过，不得安排运维经费")
    archive_accepted_on: date | None
    archive_checklist: dict
    progress_percent: str
    today: date
    supervisor: SupervisorOut | None
    due_items: list[DueItemOut]
    milestones: list[MilestoneOut]
    supervision_reports: list[SupervisionReportOut]
    annual_reports: list[AnnualReportOut]
    incidents: list[IncidentOut]
    extension_requests: list[ExtensionOut]
    acceptances: list[AcceptanceOut]
    post_evaluations: list[PostEvaluationOut]
    evaluations: list[EvaluationOut]
