"""Progress and supervision during construction (Art. 22): the milestones whose weights make
the progress figure, and the supervisor's periodic reports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.recipients import is_unit_staff, supervisor_org_ids, unit_staff
from accounts.roles import Role
from core.enums import ActionCode
from core.memo import rows_if_any
from projects.models import Project

from ..contracts import DeliveryMilestoneDoneIn, DeliveryMilestoneIn, DeliverySupervisionReportIn
from ..models import Milestone, Phase, SupervisionReport, SupervisorAssignment
from ..services import delivery_for
from .base import ProjectAction, RowAction

UNDER_WAY = (Phase.CONSTRUCTION, Phase.TRIAL)
REPORTING = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED)


class AddMilestone(ProjectAction):
    """The unit adds a milestone to the construction schedule; progress is the weighted share
    of the milestones done (reported in the annual report, Art. 23)."""

    label = _("新增里程碑")
    Input = DeliveryMilestoneIn
    states = UNDER_WAY
    article = "第二十三条"
    requirement = "R23.1"
    anchor = "progress"
    style = "outline-primary"
    success = _("已新增里程碑。")

    def perform(
        self, obj: Project, data: DeliveryMilestoneIn, user: Any, decision: Any
    ) -> Milestone:
        milestone = Milestone.objects.create(
            project=obj, name=data.name, planned_on=data.planned_on, weight=data.weight or 1
        )
        self.record(
            ActionCode.MILESTONE_RECORDED,
            user,
            milestone,
            f"新增里程碑“{milestone.name}”，计划 {data.planned_on:%Y-%m-%d}",
        )
        return milestone


class CompleteMilestone(RowAction):
    """The unit records the day a milestone was done."""

    label = _("登记里程碑完成")
    model = Milestone
    roles = (Role.UNIT_OFFICER, Role.UNIT_HEAD)
    Input = DeliveryMilestoneDoneIn
    article = "第二十三条"
    requirement = "R23.1"
    anchor = "progress"
    style = "outline-success"
    success = _("已登记里程碑完成。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return is_unit_staff(user, obj.project.unit_id)

    def rows(self, project: Project) -> Iterable[Any]:
        if delivery_for(project).phase in UNDER_WAY:
            yield from rows_if_any(
                "open_milestones",
                project,
                lambda: list(Milestone.objects.filter(project=project, done_on=None)),
            )

    def target_label(self, obj: Any) -> str:
        return f"{obj.name}（{obj.planned_on:%Y-%m-%d}）"

    def perform(
        self, obj: Milestone, data: DeliveryMilestoneDoneIn, user: Any, decision: Any
    ) -> Milestone:
        obj.done_on = data.done_on
        obj.save(update_fields=["done_on"])
        self.record(
            ActionCode.MILESTONE_RECORDED,
            user,
            obj,
            f"里程碑“{obj.name}”于 {data.done_on:%Y-%m-%d} 完成",
        )
        return obj


class SubmitSupervisionReport(ProjectAction):
    """The project's engineering supervisor reports on construction with its opinion
    (Art. 22); the unit is told."""

    label = _("提交监理报告")
    roles = (Role.SUPERVISOR,)
    Input = DeliverySupervisionReportIn
    states = REPORTING
    article = "第二十二条"
    requirement = "R22.1"
    anchor = "supervision"
    success = _("已提交监理报告。")

    def allowed(self, obj: Any, user: Any) -> bool:
        assignment = SupervisorAssignment.objects.filter(project=obj, is_active=True).first()
        return assignment is not None and assignment.supervisor_id in supervisor_org_ids(user)

    def perform(
        self, obj: Project, data: DeliverySupervisionReportIn, user: Any, decision: Any
    ) -> SupervisionReport:
        report = SupervisionReport.objects.create(
            project=obj,
            period=data.period,
            content=data.content,
            opinion=data.opinion,
            submitted_by=user,
        )
        self.record(ActionCode.SUPERVISION_REPORTED, user, report, f"提交监理报告（{data.period}）")
        self.tell(
            unit_staff(obj.unit_id),
            obj,
            f"监理报告：{obj.code} {data.period}",
        )
        return report


add_milestone = AddMilestone()
complete_milestone = CompleteMilestone()
submit_supervision_report = SubmitSupervisionReport()
