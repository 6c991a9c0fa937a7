"""Serious delay or major loss (Art. 24, R24.1): the unit reports it to DRC and Finance, who
order rectification by a deadline, or suspend the project until they lift the suspension, or
close the incident once rectified.

The suspension is ``Project.suspended_at``: while it is set the gates refuse every advance and
every payment (R24.1, R25.1)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import unit_staff
from accounts.roles import Authority
from core.enums import ActionCode
from core.findings import Finding
from policy.gates import refusal
from projects.models import Project

from ..contracts import (
    DeliveryIncidentIn,
    DeliveryIncidentOpinionIn,
    DeliveryRectificationIn,
    DeliverySuspensionIn,
)
from ..machines import INCIDENT
from ..models import Incident, IncidentState, Phase
from ..services import incidents_of
from .base import ProjectAction, RowAction, desks


class ReportIncident(ProjectAction):
    """The unit reports a serious delay or a major loss to DRC and Finance (Art. 24)."""

    label = _("报告重大事项")
    Input = DeliveryIncidentIn
    states = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED)
    article = "第二十四条"
    requirement = "R24.1"
    anchor = "incidents"
    style = "outline-danger"
    hint = _("建设进度严重滞后或造成重大损失的，应及时向市发展改革委、市财政局报告。")
    success = _("已向市发展改革委、市财政局报告（第二十四条）。")
    confirm = _("重大事项报告将送市发展改革委、市财政局，由其督促整改或暂停项目（第二十四条）。")

    def perform(self, obj: Project, data: DeliveryIncidentIn, user: Any, decision: Any) -> Incident:
        incident = Incident.objects.create(
            project=obj, kind=data.kind, description=data.description, reported_by=user
        )
        self.record(
            ActionCode.INCIDENT_REPORTED,
            user,
            incident,
            f"报告{incident.get_kind_display()}：{data.description[:80]}",
            target=incident.state,
        )
        self.tell(
            desks(Authority.DRC, Authority.FINANCE),
            obj,
            f"重大事项报告：{obj.code}《{obj.name}》",
            data.description,
        )
        return incident


class IncidentAction(RowAction):
    """DRC or Finance handles an incident of a project it oversees (Art. 24)."""

    model = Incident
    machine = INCIDENT
    anchor = "incidents"

    def rows(self, project: Project) -> Iterable[Any]:
        return [i for i in incidents_of(project) if i.state != IncidentState.CLOSED]

    def target_label(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} · {timezone.localtime(obj.reported_at):%Y-%m-%d}"

    def tell_unit(
        self, incident: Incident, title: str, body: str, *, also: Iterable[Any] = ()
    ) -> None:
        project = incident.project
        self.tell(unit_staff(project.unit_id) + list(also), project, title, body)


class OrderRectification(IncidentAction):
    """DRC or Finance orders rectification by a deadline (Art. 24); the deadline joins the
    project's statutory clocks."""

    label = _("责令限期整改")
    transition = "rectify"
    Input = DeliveryRectificationIn
    style = "warning"
    success = _("已责令限期整改（第二十四条）。")
    confirm = _("整改期限将列入项目的法定期限，建设单位将收到整改要求（第二十四条）。")

    def perform(
        self, obj: Incident, data: DeliveryRectificationIn, user: Any, decision: Any
    ) -> Incident:
        obj.rectification_deadline = data.deadline
        obj.order_text = data.order_text
        obj.ordered_by = user
        self.take(
            INCIDENT,
            obj,
            "rectify",
            user=user,
            event=ActionCode.RECTIFICATION_ORDERED,
            reason=f"责令限期整改，期限 {data.deadline:%Y-%m-%d}：{data.order_text}",
        )
        self.tell_unit(
            obj, f"限期整改：{obj.project.code}，期限 {data.deadline:%Y-%m-%d}", data.order_text
        )
        return obj


class SuspendProject(IncidentAction):
    """DRC or Finance suspends the project (Art. 24): until the suspension is lifted the gates
    refuse trial operation, completion, acceptance and every payment (R24.1)."""

    label = _("暂停项目")
    transition = "suspend"
    Input = DeliverySuspensionIn
    style = "danger"
    success = _("已暂停项目；暂停期间不能推进、不能支付（第二十四条）。")
    confirm = _("暂停后项目不能推进、不能支付，直至解除暂停（第二十四条）。")

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        suspended = obj.project.suspended_at
        if suspended:
            yield refusal(
                "R24.1.suspended",
                N_("项目已于 %(since)s 暂停（第二十四条）。"),
                remedy=N_("暂停解除前无需再次暂停。"),
                facts={"suspended_at": suspended.isoformat()},
                params={"since": f"{timezone.localtime(suspended):%Y-%m-%d}"},
            )

    def perform(
        self, obj: Incident, data: DeliverySuspensionIn, user: Any, decision: Any
    ) -> Incident:
        project = obj.project
        obj.order_text = data.order_text
        obj.ordered_by = user
        self.take(
            INCIDENT,
            obj,
            "suspend",
            user=user,
            event=ActionCode.PROJECT_SUSPENDED,
            reason=f"暂停项目：{data.order_text}（第二十四条）",
        )
        project.suspended_at = timezone.now()
        project.save(update_fields=["suspended_at", "updated_at"])
        self.tell_unit(
            obj,
            f"项目暂停：{project.code}《{project.name}》",
            data.order_text,
            also=desks(Authority.FINANCE, Authority.DRC),
        )
        return obj


class LiftSuspension(IncidentAction):
    """DRC or Finance lifts the suspension ordered on this incident, which closes it; the
    project may advance and be paid again."""

    label = _("解除暂停")
    transition = "lift"
    unguarded = True  # lifting the suspension is what a guard on suspended projects awaits
    Input = DeliveryIncidentOpinionIn
    style = "success"
    success = _("已解除暂停。")
    confirm = _("解除暂停后项目恢复推进和支付，本事项关闭（第二十四条）。")

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        if not obj.project.suspended_at:
            yield refusal(
                "R24.1.not-suspended",
                N_("项目未处于暂停状态（第二十四条）。"),
                remedy=N_("请刷新页面查看最新状态。"),
                params={},
            )

    def perform(
        self, obj: Incident, data: DeliveryIncidentOpinionIn, user: Any, decision: Any
    ) -> Incident:
        project = obj.project
        obj.closed_at = timezone.now()
        self.take(
            INCIDENT,
            obj,
            "lift",
            user=user,
            event=ActionCode.SUSPENSION_LIFTED,
            reason=f"解除暂停：{data.opinion}",
        )
        project.suspended_at = None
        project.save(update_fields=["suspended_at", "updated_at"])
        self.tell_unit(obj, f"解除暂停：{project.code}", data.opinion)
        return obj


class CloseIncident(IncidentAction):
    """DRC or Finance confirms the rectification and closes the incident (a suspended one is
    closed by lifting the suspension)."""

    label = _("确认整改完成")
    transition = "close"
    Input = DeliveryIncidentOpinionIn
    style = "outline-success"
    success = _("已确认整改完成。")
    confirm = _("确认整改完成后本事项关闭，整改期限不再计算（第二十四条）。")

    def perform(
        self, obj: Incident, data: DeliveryIncidentOpinionIn, user: Any, decision: Any
    ) -> Incident:
        obj.closed_at = timezone.now()
        self.take(
            INCIDENT,
            obj,
            "close",
            user=user,
            event=ActionCode.INCIDENT_CLOSED,
            reason=f"整改完成：{data.opinion}",
        )
        return obj


report_incident = ReportIncident()
order_rectification = OrderRectification()
suspend_project = SuspendProject()
lift_suspension = LiftSuspension()
close_incident = CloseIncident()
