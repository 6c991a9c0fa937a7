"""Response schemas of the delivery API (``delivery/api.py``); the requests are the actions'
contracts (``delivery/contracts.py``).

Dates are ISO dates (``2025-03-01``). Money goes out as Decimal strings in yuan and in 万元,
never as floats.
"""

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext
from ninja import Field, Schema

from core.api_schemas import choice_label, person, related
from core.money import wan_str, yuan_str

from .deadlines import STATUS_LABELS, DueItem

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


def due_item_out(item: DueItem, on: date) -> dict[str, Any]:
    status = item.status(on)
    return {
        "key": item.key,
        "kind": item.kind,
        "label": item.text,
        "article": item.article,
        "due_on": item.due_on,
        "opens_on": item.opens_on,
        "status": status,
        "status_label": gettext(STATUS_LABELS[status]),
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

    resolve_supervisor_name = related("supervisor.name")


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

    resolve_submitted_by_name = person("submitted_by")


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

    resolve_progress_percent = related("progress_percent")

    @staticmethod
    def resolve_plan_amount(obj: Any) -> str:
        return yuan_str(obj.plan_amount) or ""

    @staticmethod
    def resolve_plan_amount_wan(obj: Any) -> str:
        return wan_str(obj.plan_amount) or ""

    @staticmethod
    def resolve_paid_amount(obj: Any) -> str:
        return yuan_str(obj.paid_amount) or ""

    @staticmethod
    def resolve_paid_amount_wan(obj: Any) -> str:
        return wan_str(obj.paid_amount) or ""


class IncidentOut(Schema):
    id: int
    project_id: int
    project_code: str
    kind: str
    kind_label: str
    description: str
    state: str
    state_label: str
    rectification_deadline: date | None
    order_text: str
    reported_at: datetime
    closed_at: datetime | None

    resolve_project_code = related("project.code")
    resolve_kind_label = choice_label("kind")
    resolve_state_label = choice_label("state")


class ExtensionOut(Schema):
    id: int
    project_id: int
    project_code: str
    requested_until: date
    reason: str
    state: str
    state_label: str
    opinion: str
    requested_at: datetime
    decided_at: datetime | None

    resolve_project_code = related("project.code")
    resolve_state_label = choice_label("state")


class AcceptanceOut(Schema):
    id: int
    project_id: int
    project_code: str
    path: str
    path_label: str
    state: str
    state_label: str
    held_on: date | None
    conclusion: str
    applied_at: datetime
    filed_with_bdb_at: datetime | None
    # Art. 19 (R19.2): empty on an application and on results recorded before it was asked
    products_reliability: str
    products_reliability_label: str
    products_note: str
    crypto_evaluation: str
    crypto_evaluation_label: str
    security_review: str
    security_review_label: str
    energy_note: str
    new_data_centre: bool
    pue: str | None

    resolve_project_code = related("project.code")
    resolve_path_label = choice_label("path")
    resolve_products_reliability_label = choice_label("products_reliability")
    resolve_crypto_evaluation_label = choice_label("crypto_evaluation")
    resolve_security_review_label = choice_label("security_review")

    @staticmethod
    def resolve_pue(obj: Any) -> str | None:
        return None if obj.pue is None else str(obj.pue)

    resolve_state_label = choice_label("state")


class DeliveryEvaluationOut(Schema):
    id: int
    kind: str
    kind_label: str
    completed_on: date
    grade: str
    score: str | None
    conclusion: str

    resolve_kind_label = choice_label("kind")

    @staticmethod
    def resolve_score(obj: Any) -> str | None:
        return None if obj.score is None else str(obj.score)


class PostEvaluationOut(Schema):
    id: int
    consultant_id: int
    consultant_name: str
    state: str
    state_label: str
    commissioned_at: datetime
    result: DeliveryEvaluationOut | None

    resolve_consultant_name = related("consultant.name")
    resolve_state_label = choice_label("state")


class DeliveryProjectOut(Schema):
    """An approved project in the delivery list."""

    project_id: int
    project_code: str
    project_name: str
    unit_name: str
    phase: str = Field(
        ..., description="preparing / construction / trial / completed / accepted / failed"
    )
    phase_label: str
    suspended: bool
    started_on: date | None
    completed_on: date | None

    @staticmethod
    def resolve_project_id(obj: Any) -> int:
        return int(obj.pk)

    resolve_project_code = related("code")
    resolve_project_name = related("name")
    resolve_unit_name = related("unit.name")

    @staticmethod
    def _delivery(obj: Any) -> Any:
        return getattr(obj, "delivery", None)

    @staticmethod
    def resolve_phase(obj: Any) -> str:
        delivery = DeliveryProjectOut._delivery(obj)
        return delivery.phase if delivery else "preparing"

    @staticmethod
    def resolve_phase_label(obj: Any) -> str:
        delivery = DeliveryProjectOut._delivery(obj)
        return str(delivery.get_phase_display()) if delivery else gettext("开工准备")

    @staticmethod
    def resolve_suspended(obj: Any) -> bool:
        return obj.suspended_at is not None

    @staticmethod
    def resolve_started_on(obj: Any) -> date | None:
        delivery = DeliveryProjectOut._delivery(obj)
        return delivery.started_on if delivery else None

    @staticmethod
    def resolve_completed_on(obj: Any) -> date | None:
        delivery = DeliveryProjectOut._delivery(obj)
        return delivery.completed_on if delivery else None


class ArchiveFailureOut(Schema):
    failed_on: date
    reasons: str


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
    archive_failures: list[ArchiveFailureOut] = Field(
        ..., description="档案验收不合格记录（第二十九条），新的在前"
    )
    incomplete_reason: str = Field(
        ..., description="登记建成时里程碑未全部完成的原因，供竣工验收审查（第二十八条）"
    )
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
    evaluations: list[DeliveryEvaluationOut]
