"""The supervision chapter over JSON (Art. 24, 34-38): requests for materials, rectification
orders, sanctions, audit findings and the register of violations, a unit's and a project's open
records, the public criticisms and the supervision deadlines. Mounted at
``/api/supervision/``.

Reads go through the chapter's visibility (a unit sees what concerns it; an authority what it
issued; DRC, Finance, BDB, Audit and the admin everything) and its filter sets; changes are the
actions of ``supervision/actions`` — every one is also at ``POST /api/actions/<name>/<id>``
with its contract as body. Missing and forbidden answer the same 404."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import Http404
from ninja import Field, Query, Schema

from accounts.models import Organisation
from accounts.roles import OrgKind
from accounts.scoping import for_user, get_visible_or_404
from core.api import (
    finding_dict,
)
from core.api_routes import Routes, perform
from core.api_schemas import choice_label, related
from core.filters import ListFilter, apply
from core.money import yuan_str
from projects.models import Project

from . import actions
from .compliance import open_records
from .contracts import (
    RectificationOrderIn,
    RectificationReportIn,
    RectificationVerifyIn,
    SanctionDeferralIn,
    SanctionIn,
    SanctionLiftIn,
    SupervisionAnswerIn,
)
from .deadlines import calendar_items
from .filters import (
    AuditFindingFilter,
    RectificationOrderFilter,
    SanctionFilter,
    SupervisionRequestFilter,
    ViolationEntryFilter,
)
from .models import AuditFinding, RectificationOrder, Sanction, SupervisionRequest, ViolationEntry

router = Routes(tags=["监督管理"])

RELATED = ("unit", "project", "system", "authority")


# -- schemas ----------------------------------------------------------------------------------


class NoticeOut(Schema):
    """What every supervision notice carries (for a PDF later: 文号, date, authority, text)."""

    id: int
    number: str = Field(..., description="文号")
    issued_on: date
    authority: str = Field(..., description="发文机关")
    unit_id: int
    unit: str
    project_id: int | None
    project: str
    system_id: int | None
    system: str
    state: str
    state_label: str
    notice_text: str
    clauses: list[dict] = Field(..., description="依据条款：[{article, text}]")
    url: str

    resolve_authority = related("authority.name")
    resolve_unit = related("unit.name")

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project) if obj.project_id else ""

    @staticmethod
    def resolve_system(obj: Any) -> str:
        return str(obj.system) if obj.system_id else ""

    resolve_state_label = choice_label("state")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())


class SupervisionRequestOut(NoticeOut):
    purpose: str
    matter: str
    deadline: date
    was_overdue: bool = Field(..., description="曾逾期未答复（第三十四条的监督发现）")
    answer: str
    attestation: str
    answered_at: datetime | None
    refusal_reason: str
    review_opinion: str


class RectificationOrderOut(NoticeOut):
    duty: str
    duty_label: str
    problem: str
    breached: str
    breached_article: str
    requirement: str
    deadline: date
    origin: str = Field(
        ..., description="来源：direct、incident、request、evaluation、audit、om_decision"
    )
    source_id: int | None
    was_overdue: bool
    sanctionable: bool = Field(
        ..., description="逾期不整改或整改不到位：市发展改革委、市财政局可作出处理"
    )
    report: str
    reported_at: datetime | None
    verification: str
    verified_at: datetime | None
    extensions: list[dict]

    resolve_duty_label = choice_label("duty")


class SanctionOut(NoticeOut):
    kind: str = Field(
        ...,
        description="criticism 通报批评、deferral 暂缓安排投资计划、suspension 暂停项目建设、termination 终止项目实施",
    )
    kind_label: str
    scope: str
    order_id: int | None
    violation_id: int | None
    reasons: str
    is_public: bool = Field(..., description="公开的通报批评（已发布、生效、非涉密项目）")
    decision_id: UUID | None = Field(None, description="规则决定编号（/policy/decisions/…）")
    closed_budget_lines: list[dict]
    lift_reasons: str
    lifted_at: datetime | None

    resolve_kind_label = choice_label("kind")


class AuditFindingOut(NoticeOut):
    aspect: str
    facts: str
    amount: str | None = Field(None, description="涉及金额（元）")
    recommendation: str
    response: str
    responded_at: datetime | None
    referred_to: str
    referral_note: str
    followup: str

    @staticmethod
    def resolve_amount(obj: Any) -> str | None:
        return yuan_str(obj.amount)

    @staticmethod
    def resolve_referred_to(obj: Any) -> str:
        return str(obj.referred_to.name) if obj.referred_to_id else ""


class PersonOut(Schema):
    name: str
    post: str
    role: str


class ViolationEntryOut(Schema):
    id: int
    kind: str
    kind_label: str
    unit_id: int
    project_id: int | None
    system_id: int | None
    facts: str
    occurred_on: date | None
    origin: str = Field(..., description="recorded 部门登记；proposed 平台提示")
    proposal_key: str | None
    state: str
    decision_reason: str
    persons: list[PersonOut]
    criticised: bool
    referred_for_discipline: bool
    referred_to: str
    under_funds_regulation: bool
    outcome: str
    url: str

    resolve_kind_label = choice_label("kind")

    @staticmethod
    def resolve_persons(obj: Any) -> Any:
        return obj.persons.all()

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())


class SupervisionFindingOut(Schema):
    rule_id: str
    article: str
    severity: str
    message: str
    remedy: str


class OpenRecordsOut(Schema):
    requests: list[SupervisionRequestOut]
    orders: list[RectificationOrderOut]
    sanctions: list[SanctionOut]
    audit_findings: list[AuditFindingOut]
    violations: list[ViolationEntryOut]
    findings: list[SupervisionFindingOut] = Field(
        ..., description="对其的监督发现（第三十四条、第三十七条）"
    )


class DueOut(Schema):
    kind: str
    label: str
    article: str
    due_on: date
    status: str
    url: str
    unit_id: int
    project_id: int | None


# -- reads --------------------------------------------------------------------------------------


def _listed(model: Any, filterset: type[ListFilter], request: Any) -> Any:
    qs = for_user(model.objects.select_related(*_related(model)), request.auth)
    return apply(filterset, request.GET, qs).qs.order_by("-pk")


def _related(model: Any) -> tuple[str, ...]:
    return tuple(r for r in RELATED if hasattr(model, r))


def _notice(model: Any, request: Any, pk: int) -> Any:
    """One notice the user sees, with its unit, project, system and authority, or 404."""
    return get_visible_or_404(model.objects.select_related(*RELATED), request.auth, pk=pk)


@router.list("/requests", SupervisionRequestOut, "资料和情况提供要求")
def requests(request: Any, filters: Query[SupervisionRequestFilter.schema()]):  # type: ignore[valid-type]
    """监督管理部门要求建设单位提供的资料和情况（第三十四条）。建设单位看到本单位的；发文机关
    看到本机关发出的；市发展改革委、市财政局、市大数据发展局、审计人员看到全部。"""
    return _listed(SupervisionRequest, SupervisionRequestFilter, request)


@router.read("/requests/{int:pk}", SupervisionRequestOut, "资料和情况提供要求详情")
def request_detail(request: Any, pk: int):
    return _notice(SupervisionRequest, request, pk)


@router.list("/orders", RectificationOrderOut, "整改通知")
def orders(request: Any, filters: Query[RectificationOrderFilter.schema()]):  # type: ignore[valid-type]
    """七个监督管理部门按职责下达的整改通知（第三十五条）。``sanctionable`` 为 true 的可由市发展
    改革委、市财政局作出处理。"""
    return _listed(RectificationOrder, RectificationOrderFilter, request)


@router.read("/orders/{int:pk}", RectificationOrderOut, "整改通知详情")
def order_detail(request: Any, pk: int):
    return _notice(RectificationOrder, request, pk)


@router.list("/sanctions", SanctionOut, "处理决定")
def sanctions(request: Any, filters: Query[SanctionFilter.schema()]):  # type: ignore[valid-type]
    """通报批评、暂缓安排投资计划、暂停项目建设、终止项目实施（第三十五条）。"""
    return _listed(Sanction, SanctionFilter, request)


@router.read("/sanctions/{int:pk}", SanctionOut, "处理决定详情")
def sanction_detail(request: Any, pk: int):
    return _notice(Sanction, request, pk)


@router.list("/notices/public", SanctionOut, "公开的通报批评")
def public_notices(request: Any):
    """已发布且生效的通报批评（不含涉密项目），供信息公开页面列示。"""
    return Sanction.objects.public().select_related(*RELATED).order_by("-issued_on", "-pk")


@router.list("/audit-findings", AuditFindingOut, "审计发现")
def audit_findings(request: Any, filters: Query[AuditFindingFilter.schema()]):  # type: ignore[valid-type]
    """市审计局关于资金使用真实性、合法性和效益的审计发现及被审计单位的回应（第三十六条）。"""
    return _listed(AuditFinding, AuditFindingFilter, request)


@router.read("/audit-findings/{int:pk}", AuditFindingOut, "审计发现详情")
def audit_detail(request: Any, pk: int):
    return _notice(AuditFinding, request, pk)


@router.list("/violations", ViolationEntryOut, "违规行为登记")
def violations(request: Any, filters: Query[ViolationEntryFilter.schema()]):  # type: ignore[valid-type]
    """违规行为登记及平台提示的违规线索（第三十八条）。建设单位只看到经确认的本单位登记。"""
    return _listed(ViolationEntry, ViolationEntryFilter, request)


@router.read("/violations/{int:pk}", ViolationEntryOut, "违规行为登记详情")
def violation_detail(request: Any, pk: int):
    return get_visible_or_404(
        ViolationEntry.objects.select_related("unit", "project"), request.auth, pk=pk
    )


def _records_out(subject: Any, user: Any) -> dict[str, Any]:
    records = open_records(subject, user)
    return {
        "requests": records.requests,
        "orders": records.orders,
        "sanctions": records.sanctions,
        "audit_findings": records.audits,
        "violations": records.violations,
        "findings": [
            {**finding_dict(f), "message": f.text, "remedy": f.remedy_text}
            for f in records.findings
        ],
    }


@router.read("/units/{int:pk}", OpenRecordsOut, "单位监督情况")
def unit_records(request: Any, pk: int):
    """对一个建设单位尚未办结的要求、整改通知、生效的处理决定、审计发现和违规登记，以及对其的
    监督发现。建设单位本单位、监督管理部门可查看。"""
    from .views import _may_watch_unit

    unit = Organisation.objects.filter(kind=OrgKind.UNIT, pk=pk).first()
    if unit is None or not _may_watch_unit(request.auth, unit):
        raise Http404
    return _records_out(unit, request.auth)


@router.read("/projects/{int:pk}", OpenRecordsOut, "项目监督情况")
def project_records(request: Any, pk: int):
    """对一个项目尚未办结的监督管理事项和生效的处理决定（暂停、终止、暂缓的原因）。"""
    project = get_visible_or_404(Project, request.auth, pk=pk)
    return _records_out(project, request.auth)


@router.read("/deadlines", list[DueOut], "监督管理期限")
def deadlines(request: Any):
    """当前用户关注的资料提供和限期整改期限，最近的在前；``status`` 为 open、due_soon、overdue。"""
    from core.dates import today

    on = today()
    return [
        {
            "kind": i.kind,
            "label": i.text,
            "article": i.article,
            "due_on": i.due_on,
            "status": i.status(on),
            "url": i.url,
            "unit_id": i.record.unit_id,
            "project_id": i.record.project_id,
        }
        for i in calendar_items(request.auth)
    ]


# -- the chapter's main acts (every action is also at /api/actions/…) ---------------------------


@router.act("/projects/{int:pk}/orders", RectificationOrderOut, "下达整改通知")
def order_on_project(request: Any, pk: int, payload: RectificationOrderIn):
    """七个监督管理部门在各自职责范围内就项目下达整改通知（第三十五条）；职责外的事项返回 409
    及依据条款（R35.2）。"""
    return perform(request, actions.order_rectification, pk, payload)


@router.act("/requests/{int:pk}/answer", SupervisionRequestOut, "如实提供资料和情况")
def answer(request: Any, pk: int, payload: SupervisionAnswerIn):
    """建设单位答复并承诺真实完整（第三十四条）；未承诺的返回 409（R34.1）。"""
    return perform(request, actions.answer_request, pk, payload)


@router.act("/orders/{int:pk}/report", RectificationOrderOut, "报告整改情况")
def report(request: Any, pk: int, payload: RectificationReportIn):
    return perform(request, actions.report_rectification, pk, payload)


@router.act("/orders/{int:pk}/verify", RectificationOrderOut, "核查整改情况")
def verify(request: Any, pk: int, payload: RectificationVerifyIn, done: bool = True):
    """发文机关核查：``done=true`` 整改到位；``done=false`` 整改不到位，此后可作出处理。"""
    act = actions.verify_rectified if done else actions.verify_not_rectified
    return perform(request, act, pk, payload)


SANCTION_ACTS = {
    "criticism": actions.issue_criticism,
    "suspension": actions.suspend_construction,
    "termination": actions.terminate_project,
}


@router.act("/orders/{int:pk}/sanctions/{kind}", SanctionOut, "作出处理决定")
def sanction(request: Any, pk: int, kind: str, payload: SanctionIn):
    """市发展改革委、市财政局对逾期不整改或整改不到位的作出处理（第三十五条）：``kind`` 为
    criticism 通报批评、suspension 暂停项目建设、termination 终止项目实施（暂缓安排投资计划见
    ``/orders/{id}/deferral``）。"""
    act = SANCTION_ACTS.get(kind)
    if act is None:
        raise Http404
    return perform(request, act, pk, payload)


@router.act("/orders/{int:pk}/deferral", SanctionOut, "暂缓安排投资计划")
def deferral(request: Any, pk: int, payload: SanctionDeferralIn):
    return perform(request, actions.defer_investment, pk, payload)


@router.act("/sanctions/{int:pk}/lift", SanctionOut, "解除处理决定")
def lift(request: Any, pk: int, payload: SanctionLiftIn):
    """作出决定的机关解除暂缓安排投资计划或暂停项目建设；通报批评和终止不能解除。"""
    return perform(request, actions.lift_sanction, pk, payload)
