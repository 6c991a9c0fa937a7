"""Issuing rectification orders (整改通知书, Art. 35 ¶1, R35.2; Art. 24, 34, 36, 37).

Any of the seven authorities, within its duties, orders a unit to rectify by a deadline, on a
project, a system or the unit itself, naming the rule or approval requirement breached and its
article. An order may also be raised from a record that shows the problem: an incident the
unit reported (Art. 24, DRC and Finance), a request refused or unanswered (Art. 34), an
evaluation result (Art. 37, DRC, Finance, BDB and 市委网信办), an audit finding Audit passed on
(Art. 36, to DRC or Finance), or an O&M funding decision that refused funding (Art. 31-33).
The order keeps its source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.scoping import for_user
from catalog.models import OMDecision
from core.findings import Finding
from core.memo import memoised, remember, visibility_key
from delivery.models import Incident
from delivery.services import evaluation_results_of, incidents_of
from investment.models import EvaluationResult
from policy.engine import GateContext
from policy.gates import refusal

from ..authorities import (
    EVALUATION_AUTHORITIES,
    INCIDENT_AUTHORITIES,
    ORDERING_AUTHORITIES,
    SANCTIONING_AUTHORITIES,
    SupervisionDuty,
    duties_of,
    is_desk_of,
    roles_of,
)
from ..contracts import RectificationOrderIn, UnitRectificationOrderIn
from ..machines import REQUEST
from ..models import (
    OPEN_ORDER_STATES,
    AuditFinding,
    OrderSource,
    RectificationOrder,
    RequestState,
    SupervisionEvent,
    SupervisionRequest,
    orders_from,
    source_of,
)
from ..notices import display, order_clauses, order_text, zh
from .base import (
    OnProject,
    OnSystem,
    OnUnit,
    SupervisionAction,
    number_problems,
    numbered,
    page_project,
    save_notice,
)


class IssueOrder(SupervisionAction):
    """An authority orders a unit to rectify a breach within its duties by a deadline
    (Art. 35 ¶1)."""

    label = _("下达整改通知")
    authorities = ORDERING_AUTHORITIES
    roles = roles_of(ORDERING_AUTHORITIES)
    Input = RectificationOrderIn
    gate = "supervision.order.issue"
    article = "第三十五条"
    requirement = "R35.2"
    style = "outline-danger"
    success = _("已下达整改通知；建设单位须在期限内整改并报告。")
    confirm = _(
        "整改通知书将以本机关名义发出，建设单位须在期限内整改并报告；逾期不整改或整改后仍不符合"
        "要求的，市发展改革委、市财政局可作出处理（第三十五条）。"
    )
    #: where the order comes from, and the article that article adds to the notice
    origin: str = OrderSource.DIRECT
    extra_article = ""

    def allowed(self, obj: Any, user: Any) -> bool:
        return self.desk(user) is not None

    def source_record(self, obj: Any) -> Any:
        """The record the order is raised from (None for a direct order)."""
        return None

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        source = self.source_record(obj)
        if source is None:
            return
        open_order = memoised(
            open_order_key(source),
            lambda: orders_from(source).filter(state__in=OPEN_ORDER_STATES).first(),
        )
        if open_order is not None:
            yield refusal(
                "R35.2.raised",
                N_("已据此下达整改通知%(number)s，尚未办结（第三十五条）。"),
                remedy=N_("请在该整改通知中跟踪整改情况。"),
                facts={"order": open_order.pk},
                params={"number": open_order.number},
            )

    def input_problems(self, obj: Any, user: Any, data: Any) -> dict[str, str]:
        return number_problems(RectificationOrder, data)

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        ctx = super().context(obj, user, data)
        desk = self.desk(user)
        allowed = duties_of(desk)
        duty = data.duty if data is not None else None  # the duty is asked once written
        ctx.facts = {
            "authority": desk.authority,
            "authority_label": desk.display_name,
            "duty": duty,
            "duty_label": zh(SupervisionDuty(duty).label) if duty else "",
            "allowed_labels": "、".join(
                zh(SupervisionDuty(d).label) for d in SupervisionDuty if d in allowed
            ),
        }
        return ctx

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> RectificationOrder:
        unit, project, system = self.subject_of(obj, data)  # type: ignore[attr-defined]
        source = self.source_record(obj)
        order = RectificationOrder(
            unit=unit,
            project=project,
            system=system,
            duty=data.duty,
            problem=data.problem,
            breached=data.breached,
            breached_article=data.breached_article,
            requirement=data.requirement,
            deadline=data.deadline,
            origin=self.origin,
            issued_by=user,
            **source_of(source),
        )
        numbered(order, data, self.desk(user), "整改")
        order.notice_text = order_text(order)
        order.clauses = order_clauses(order, self.extra_article)
        save_notice(order)
        self.record(
            SupervisionEvent.ORDER_ISSUED,
            user,
            order,
            f"{order.authority.display_name}责令{unit.name}于 {order.deadline:%Y-%m-%d} 前整改"
            f"（{order.number}，{display(order, 'duty')}）：{order.problem[:80]}",
            decision=decision,
            data={"number": order.number, "origin": order.origin, "source_id": order.source_id},
        )
        self.tell_unit(
            order,
            f"整改通知：{order.number}，{order.deadline:%Y-%m-%d} 前整改并报告（第三十五条）",
            order.requirement,
        )
        return order


class OrderRectification(OnProject, IssueOrder):
    """Order rectification on a project (Art. 35)."""


class OrderSystemRectification(OnSystem, IssueOrder):
    """Order rectification on an information system (Art. 35)."""


class OrderUnitRectification(OnUnit, IssueOrder):
    """Order rectification on a unit, naming a project or system if any (Art. 35)."""

    Input = UnitRectificationOrderIn


# -- raised from a record ----------------------------------------------------------------------


class FromProjectRows(IssueOrder):
    """Raised from a row of a project (an incident, an evaluation result), offered on the
    project page and its delivery page for each row not yet acted on."""

    offered_on = ("projects.project", "delivery.delivery")

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        project = page_project(page_obj)
        if project is not None:
            rows = list(self.rows(project))
            raised = sources_with_orders(rows)  # one read for all rows, not one per row
            fresh = [row for row in rows if row.pk not in raised]
            if fresh:  # what each row's check asks, known for all of them at once (core.memo)
                seen = set(
                    for_user(self.model, user)
                    .filter(pk__in=[r.pk for r in fresh])
                    .values_list("pk", flat=True)
                )
                for row in fresh:
                    remember(open_order_key(row), None)  # no order at all raised from it
                    remember(visibility_key(row, user), row.pk in seen)
            yield from fresh

    def rows(self, project: Any) -> Any:
        return ()

    def source_record(self, obj: Any) -> Any:
        return obj

    def subject_of(self, obj: Any, data: Any) -> tuple[Any, Any, Any]:
        return obj.project.unit, obj.project, None


def open_order_key(source: Any) -> tuple[str, str, Any]:
    """The memo key of the open order raised from ``source``."""
    return ("open_order", source._meta.label_lower, source.pk)


def sources_with_orders(rows: list[Any]) -> set[Any]:
    """The pks of ``rows`` (of one model) some rectification order was raised from."""
    if not rows:
        return set()
    ct = ContentType.objects.get_for_model(rows[0], for_concrete_model=False)
    return set(
        RectificationOrder.objects.filter(
            source_type=ct, source_id__in=[r.pk for r in rows]
        ).values_list("source_id", flat=True)
    )


class OrderFromIncident(FromProjectRows):
    """DRC or Finance orders rectification of a serious delay or major loss the unit
    reported (Art. 24 with Art. 35)."""

    label = _("据重大事项下达整改通知")
    model = Incident
    authorities = INCIDENT_AUTHORITIES
    roles = roles_of(INCIDENT_AUTHORITIES)
    origin = OrderSource.INCIDENT
    extra_article = "第二十四条"

    def rows(self, project: Any) -> Any:
        return incidents_of(project)

    def target_label(self, obj: Any) -> str:
        return f"{obj.get_kind_display()}：{obj.description[:40]}"

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {
            "duty": SupervisionDuty.APPROVAL,
            "problem": f"{display(obj, 'kind')}：{obj.description}",
            "breached": "项目建设应当严格按照批复的建设内容、投资和进度实施",
            "breached_article": "第二十四条、第二十五条",
        }


class OrderFromEvaluation(FromProjectRows):
    """DRC, Finance, BDB or 市委网信办 turn an evaluation or post-evaluation result into a
    rectification opinion (Art. 37, R37.2)."""

    label = _("根据评价结果提出整改意见")
    model = EvaluationResult
    authorities = EVALUATION_AUTHORITIES
    roles = roles_of(EVALUATION_AUTHORITIES)
    gate = "supervision.order.evaluation"
    requirement = "R37.2"
    origin = OrderSource.EVALUATION
    extra_article = "第三十七条"

    def rows(self, project: Any) -> Any:
        return evaluation_results_of(project)  # read once per page, with the page's project

    def target_label(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} {obj.completed_on:%Y-%m-%d}（{obj.grade or '—'}）"

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {
            "duty": SupervisionDuty.APPROVAL,
            "problem": obj.conclusion,
            "breached": f"{display(obj, 'kind')}结果为“{obj.grade}”，存在问题",
            "breached_article": "第三十七条",
        }


class OrderFromRequest(IssueOrder):
    """An authority orders rectification of a refusal or an unanswered request (Art. 34)."""

    label = _("责令如实提供资料")
    model = SupervisionRequest
    machine = REQUEST
    states = (RequestState.OVERDUE, RequestState.REFUSED)
    offered_on = "supervision.supervisionrequest"
    origin = OrderSource.REQUEST
    extra_article = "第三十四条"
    requirement = "R34.1"

    def source_record(self, obj: Any) -> Any:
        return obj

    def subject_of(self, obj: Any, data: Any) -> tuple[Any, Any, Any]:
        return obj.unit, obj.project, obj.system

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        what = "拒绝提供" if obj.state == RequestState.REFUSED else "逾期未提供"
        return {
            "duty": SupervisionDuty.APPROVAL,
            "problem": f"{what}{obj.authority.display_name}要求的资料和情况（{obj.number}）：{obj.matter}",
            "breached": "项目建设单位应当如实提供建设项目有关资料和情况，不得拒绝、隐匿、瞒报",
            "breached_article": "第三十四条",
        }


class OrderFromAuditFinding(IssueOrder):
    """DRC or Finance orders rectification on the ground of an audit finding Audit passed to
    it (Art. 36)."""

    label = _("据审计发现下达整改通知")
    model = AuditFinding
    authorities = SANCTIONING_AUTHORITIES
    roles = roles_of(SANCTIONING_AUTHORITIES)
    offered_on = "supervision.auditfinding"
    origin = OrderSource.AUDIT
    extra_article = "第三十六条"
    requirement = "R36.1"

    def allowed(self, obj: Any, user: Any) -> bool:
        return bool(obj.referred_to_id) and is_desk_of(user, obj.referred_to_id)

    def source_record(self, obj: Any) -> Any:
        return obj

    def subject_of(self, obj: Any, data: Any) -> tuple[Any, Any, Any]:
        return obj.unit, obj.project, obj.system

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        return {
            "duty": SupervisionDuty.FUNDS,
            "problem": f"审计发现（{obj.number}）：{obj.facts}",
            "breached": "项目资金使用应当真实、合法、高效",
            "breached_article": "第三十六条",
            "requirement": obj.recommendation,
        }


class OrderFromOmDecision(IssueOrder):
    """An authority orders rectification of what made a system ineligible for O&M funding
    (Art. 31-33: sharing, catalog, security, integration)."""

    label = _("据运维经费决定下达整改通知")
    model = OMDecision
    offered_on = "catalog.omdecision"
    origin = OrderSource.OM_DECISION

    def targets(self, page_obj: Any, user: Any) -> Iterator[Any]:
        if isinstance(page_obj, OMDecision) and not page_obj.eligible:
            yield page_obj

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        if obj.eligible:
            yield refusal(
                "R35.2.om-eligible",
                N_("该系统本年度可安排运维经费，没有需据此整改的问题（第三十五条）。"),
                remedy=N_("发现其他问题的，请在系统页面下达整改通知。"),
                params={},
            )
        yield from super().refusals(obj, user, data)

    def source_record(self, obj: Any) -> Any:
        return obj

    def subject_of(self, obj: Any, data: Any) -> tuple[Any, Any, Any]:
        return obj.system.unit, None, obj.system

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        reasons = "；".join(str(r.get("message", "")) for r in obj.explained_reasons)
        articles = "、".join(
            dict.fromkeys(str(r.get("article") or r.get("rule_id", "")) for r in obj.reasons)
        )
        return {
            "duty": SupervisionDuty.DATA_SHARING,
            "problem": f"{obj.budget_year}年度运维经费不予安排：{reasons}",
            "breached": "政务信息系统应当按要求共享数据、纳入总目录并符合密码应用和网络安全要求",
            "breached_article": articles,
        }


order_rectification = OrderRectification()
order_system_rectification = OrderSystemRectification()
order_unit_rectification = OrderUnitRectification()
order_from_incident = OrderFromIncident()
order_from_evaluation = OrderFromEvaluation()
order_from_request = OrderFromRequest()
order_from_audit_finding = OrderFromAuditFinding()
order_from_om_decision = OrderFromOmDecision()
