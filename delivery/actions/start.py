"""The start of construction (Art. 16, 22): the implementing agency and the responsible
person, the engineering supervisor, and the start itself once procurement has a contract."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.recipients import engineers_of
from accounts.roles import OrgKind
from accounts.scoping import for_user
from core.enums import ActionCode
from projects.models import Project

from ..contracts import DeliveryImplementationIn, DeliveryStartIn, DeliverySupervisorIn
from ..models import Delivery, Phase, SupervisorAssignment
from .base import ProjectAction

BUILDING = (Phase.PREPARING, Phase.CONSTRUCTION, Phase.TRIAL)


class SetImplementation(ProjectAction):
    """The unit names the project's implementing agency and responsible person (Art. 16);
    the start of construction needs both (R16.1)."""

    label = _("登记实施机构和负责人")
    Input = DeliveryImplementationIn
    states = BUILDING
    article = "第十六条"
    requirement = "R16.1"
    anchor = "start"
    style = "outline-primary"
    success = _("已保存项目实施机构和负责人（第十六条）。")

    def initial(self, obj: Any, user: Any) -> dict[str, Any]:
        delivery = self.delivery(obj)
        return {
            "implementing_agency": delivery.implementing_agency,
            "responsible_person": delivery.responsible_person,
            "responsible_phone": delivery.responsible_phone,
        }

    def perform(
        self, obj: Project, data: DeliveryImplementationIn, user: Any, decision: Any
    ) -> Delivery:
        delivery = self.delivery(obj)
        delivery.implementing_agency = data.implementing_agency
        delivery.responsible_person = data.responsible_person
        delivery.responsible_phone = data.responsible_phone
        delivery.save()
        self.record(
            ActionCode.DELIVERY_UPDATED,
            user,
            delivery,
            f"实施机构 {delivery.implementing_agency}，负责人 {delivery.responsible_person}（第十六条）",
        )
        return delivery


def organisation_choices(user: Any, kind: str) -> list[tuple[Any, Any]]:
    orgs = for_user(Organisation, user).filter(kind=kind, is_active=True).order_by("name")
    return [(o.pk, o.display_name) for o in orgs]


class AssignSupervisor(ProjectAction):
    """The unit records the engineering supervisor chosen by procurement (Art. 22); a new
    assignment replaces the previous one (one active supervisor at a time)."""

    label = _("登记工程监理单位")
    Input = DeliverySupervisorIn
    states = BUILDING
    article = "第二十二条"
    requirement = "R22.1"
    anchor = "start"
    style = "outline-primary"
    success = _("已登记工程监理单位（第二十二条）。")

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        return {"supervisor": organisation_choices(user, OrgKind.SUPERVISOR)}

    def input_problems(self, obj: Any, user: Any, data: DeliverySupervisorIn) -> dict[str, str]:
        if not Organisation.objects.filter(
            pk=data.supervisor, kind=OrgKind.SUPERVISOR, is_active=True
        ).exists():
            return {"supervisor": str(_("请选择在册的工程监理单位。"))}
        return {}

    def perform(
        self, obj: Project, data: DeliverySupervisorIn, user: Any, decision: Any
    ) -> SupervisorAssignment:
        org = Organisation.objects.get(pk=data.supervisor)
        SupervisorAssignment.objects.filter(project=obj, is_active=True).update(is_active=False)
        assignment = SupervisorAssignment.objects.create(
            project=obj, supervisor=org, contract_number=data.contract_number, assigned_by=user
        )
        self.record(
            ActionCode.SUPERVISOR_ASSIGNED,
            user,
            assignment,
            f"登记工程监理单位 {org.name}（第二十二条）",
        )
        self.tell(
            engineers_of(org.pk),
            obj,
            f"监理项目：{obj.code}《{obj.name}》",
        )
        return assignment


class StartConstruction(ProjectAction):
    """The unit records the start of construction (Art. 16, 22): the gate refuses it without
    an implementing agency, a responsible person, a procurement contract and a supervisor, or
    while the project is suspended (R24.1)."""

    label = _("登记开工")
    transition = "start"
    Input = DeliveryStartIn
    gate = "delivery.start"
    anchor = "start"
    success = _("已登记开工，项目进入建设阶段。")
    confirm = _("登记开工后项目进入建设阶段，年度绩效评价报告等法定期限开始计算（第二十三条）。")

    def perform(self, obj: Project, data: DeliveryStartIn, user: Any, decision: Any) -> Delivery:
        return self.take_dated(
            obj,
            "started_on",
            data,
            user=user,
            event=ActionCode.CONSTRUCTION_STARTED,
            what="开工建设",
            decision=decision,
        )


set_implementation = SetImplementation()
assign_supervisor = AssignSupervisor()
start_construction = StartConstruction()
