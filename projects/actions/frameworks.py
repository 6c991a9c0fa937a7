"""Cross-department projects (Art. 13, R13.1, R13.2): the lead unit drafts the framework plan
with each participant's flows and content and the districts that cooperate, submits it to BDB,
and BDB's opinion becomes a required attachment of every participant's own project."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.models import Organisation
from accounts.recipients import reviewers_of, unit_ids_of, unit_staff
from accounts.roles import Authority, OrgKind
from core.contracts import initial_of
from core.enums import ActionCode
from core.errors import ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.notify import notify
from policy.engine import GateContext
from policy.gates import GatedAction
from policy.lookup import policy_in_force

from ..contracts import (
    FrameworkDistrictIn,
    FrameworkIn,
    FrameworkParticipantChangeIn,
    FrameworkParticipantIn,
    FrameworkReviewIn,
    FrameworkUpdateIn,
)
from ..machines import BDB, FRAMEWORK, UNIT
from ..models import Framework, FrameworkDistrict, FrameworkParticipant, FrameworkState
from .base import own_units, unit_of
from .drafting import parse_for_own_unit

EDITABLE = (FrameworkState.DRAFT, FrameworkState.RETURNED)


def record(framework: Framework, user: Any, code: ActionCode, reason: str, **extra: Any) -> None:
    record_event(
        code, actor=user, obj=framework, organisation=framework.lead_unit_id, reason=reason, **extra
    )


def units() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrgKind.UNIT, is_active=True).order_by("name"))


class FrameworkAction(GatedAction):
    """An action of the lead unit (or BDB) on a framework plan, offered on its page."""

    model = Framework
    machine = FRAMEWORK
    roles: ClassVar[tuple[str, ...]] = UNIT
    offered_on = "projects.framework"
    article = "第十三条"
    requirement = "R13.1"

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        """Check visibility, then lock the row by its key: the scoped queryset uses DISTINCT,
        which PostgreSQL refuses to combine with FOR UPDATE."""
        framework = super().load(ref, user, lock=False)
        if lock:
            framework = Framework.objects.select_for_update().get(pk=framework.pk)
        return framework

    def allowed(self, obj: Any, user: Any) -> bool:
        return obj.lead_unit_id in unit_ids_of(user)

    def context(self, obj: Any, user: Any, data: Any) -> GateContext:
        return GateContext(
            subject=obj,
            policy=policy_in_force(obj.lead_unit),
            actor=user,
            facts={"framework_id": obj.pk, "framework": obj.title},
        )

    def organisation_of(self, obj: Any) -> Any:
        return obj.lead_unit


class CreateFramework(GatedAction):
    """The lead unit drafts the framework plan of a cross-department project (R13.1); the lead
    unit takes part itself."""

    label = L("编制框架方案")
    roles = UNIT
    Input = FrameworkIn
    article = "第十三条"
    requirement = "R13.1"
    hint = L(
        "框架方案由牵头单位编制（第十三条）。保存后请逐一登记参与单位的业务流、数据流、接口和"
        "承担的建设内容，需区县配合的登记区县及其配套项目，再报市大数据发展局审核。"
    )
    success = L("已新建框架方案草稿，请登记参与单位分工后报市大数据发展局审核。")

    def choices(self, obj: Any, user: Any) -> dict:
        return {"lead_unit": [(u.pk, u.display_name) for u in own_units(user)]}

    def initial(self, obj: Any, user: Any) -> dict:
        mine = own_units(user)
        return {"lead_unit": mine[0].pk} if len(mine) == 1 else {}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        try:
            return parse_for_own_unit(self, user, data, "lead_unit")
        except ActionForbidden:
            raise ActionInvalid(
                _("填写内容有误，请按提示修改。"), {"lead_unit": _("所选单位无效，请重新选择。")}
            ) from None

    def perform(self, obj: Any, data: FrameworkIn, user: Any, decision: Any) -> Framework:
        lead = unit_of(user, data.lead_unit, "lead_unit")
        framework = Framework.objects.create(
            lead_unit=lead, created_by=user, **data.model_dump(exclude={"lead_unit"})
        )
        FrameworkParticipant.objects.create(framework=framework, unit=lead)
        record(
            framework,
            user,
            ActionCode.FRAMEWORK_CREATED,
            "新建跨部门项目框架方案（第十三条）",
            to_state=framework.state,
        )
        return framework

    def next_url(self, obj: Any, result: Any) -> str:
        return result.get_absolute_url() if result is not None else "/projects/frameworks/"


class UpdateFramework(FrameworkAction):
    """The lead unit edits the plan while it is a draft or returned."""

    label = L("修改框架方案")
    Input = FrameworkUpdateIn
    partial = True
    states = EDITABLE
    style = "outline-primary"
    success = L("已保存框架方案。")

    def initial(self, obj: Any, user: Any) -> dict:
        return initial_of(FrameworkUpdateIn, obj)

    def perform(self, obj: Framework, data: FrameworkUpdateIn, user: Any, decision: Any) -> Any:
        given = data.model_dump()
        changed = sorted(k for k, v in given.items() if getattr(obj, k) != v)
        for key, value in given.items():
            setattr(obj, key, value)
        obj.save(update_fields=list(given))
        record(obj, user, ActionCode.FRAMEWORK_UPDATED, "修改框架方案：" + "、".join(changed))
        return obj


def participant_values(data: Any) -> dict:
    return {
        "business_flow": data.business_flow,
        "data_flow": data.data_flow,
        "interfaces": data.interfaces,
        "content_items": data.content_items,
    }


def record_participant(framework: Framework, user: Any, participant: Any) -> None:
    record(
        framework,
        user,
        ActionCode.FRAMEWORK_UPDATED,
        f"登记参与单位{participant.unit.display_name}的分工",
        data={"unit": participant.unit.name, "content_items": participant.content_items},
    )


class SetFrameworkParticipant(FrameworkAction):
    """Add or update a participating unit with its business flow, data flow, interfaces and
    the content items it undertakes (no item may be claimed twice, checked at submission)."""

    label = L("登记参与单位分工")
    Input = FrameworkParticipantIn
    states = EDITABLE
    style = "outline-primary"

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已登记%(unit)s的分工。") % {"unit": result.unit.display_name}

    def choices(self, obj: Any, user: Any) -> dict:
        return {"unit": [(u.pk, u.display_name) for u in units()]}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = FrameworkParticipantIn.parse(data)
        if not Organisation.objects.filter(pk=clean.unit, kind=OrgKind.UNIT).exists():
            raise ActionInvalid(_("请选择参与单位。"), {"unit": _("请选择项目建设单位。")})
        return clean

    def perform(self, obj: Framework, data: Any, user: Any, decision: Any) -> Any:
        participant, _created = FrameworkParticipant.objects.update_or_create(
            framework=obj, unit_id=data.unit, defaults=participant_values(data)
        )
        record_participant(obj, user, participant)
        return participant


class ChangeFrameworkParticipant(GatedAction):
    """Change a participant's flows and content items (its unit is the row's key and stays)."""

    label = L("修改参与单位分工")
    model = FrameworkParticipant
    machine = FRAMEWORK
    roles = UNIT
    Input = FrameworkParticipantChangeIn
    partial = True
    article = "第十三条"
    requirement = "R13.1"
    success = L("已修改参与单位的分工。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return obj.framework.lead_unit_id in unit_ids_of(user)

    def state_refusal(self, obj: Any) -> Any:
        return FRAMEWORK.states_finding(
            obj.framework, EDITABLE, self.label, self.article, self.requirement
        )

    def initial(self, obj: Any, user: Any) -> dict:
        values = participant_values(obj)
        values["content_items"] = "\n".join(obj.content_items or [])
        return values

    def perform(self, obj: FrameworkParticipant, data: Any, user: Any, decision: Any) -> Any:
        for key, value in participant_values(data).items():
            setattr(obj, key, value)
        obj.save()
        record_participant(obj.framework, user, obj)
        return obj

    def next_url(self, obj: Any, result: Any) -> str:
        return str(obj.framework.get_absolute_url())


class AddFrameworkDistrict(FrameworkAction):
    """Record a district that cooperates and its linked project (R13.2)."""

    label = L("登记配合区县")
    Input = FrameworkDistrictIn
    states = EDITABLE
    requirement = "R13.2"
    style = "outline-primary"
    success = L("已登记区县及其配套项目（第十三条）。")

    def choices(self, obj: Any, user: Any) -> dict:
        districts = Organisation.objects.filter(kind=OrgKind.DISTRICT, is_active=True)
        return {"district": [(d.pk, d.display_name) for d in districts.order_by("name")]}

    def parse_for(self, obj: Any, user: Any, data: Any) -> Any:
        clean = FrameworkDistrictIn.parse(data)
        district = Organisation.objects.filter(pk=clean.district, kind=OrgKind.DISTRICT).first()
        if district is None:
            error = _("请选择区县。")
        elif obj.districts.filter(district=district).exists():
            error = _("%(name)s已登记，请勿重复添加。") % {"name": district.display_name}
        else:
            return clean
        raise ActionInvalid(_("填写内容有误，请按提示修改。"), {"district": error})

    def perform(self, obj: Framework, data: FrameworkDistrictIn, user: Any, decision: Any) -> Any:
        link = FrameworkDistrict.objects.create(
            framework=obj,
            district_id=data.district,
            linked_project=data.linked_project,
            note=data.note,
        )
        name = link.district.display_name
        record(
            obj,
            user,
            ActionCode.FRAMEWORK_UPDATED,
            f"登记区县{name}配套项目“{data.linked_project}”（第十三条）",
        )
        return link


class SubmitFramework(FrameworkAction):
    """The lead unit submits the plan to BDB (R13.1: complete, no content claimed twice;
    R13.2: every district with its linked project)."""

    label = L("报市大数据发展局审核")
    transition = "submit"
    gate = "projects.framework.submit"
    success = L("已报市大数据发展局审核（第十三条）。")

    def perform(self, obj: Framework, data: Any, user: Any, decision: Any) -> Framework:
        FRAMEWORK.move(
            obj,
            "submit",
            actor=user,
            event=ActionCode.FRAMEWORK_SUBMITTED,
            reason="框架方案报市大数据发展局审核（第十三条）",
            decision=decision,
            policy_version=decision.policy.code,
            organisation=obj.lead_unit_id,
        )
        notify(
            reviewers_of(Authority.BDB),
            title=f"待办：跨部门项目框架方案《{obj.title}》审核",
            link=obj.get_absolute_url(),
        )
        return obj


class ReviewFramework(FrameworkAction):
    """BDB's review opinion on a framework plan: required by every participant's project
    (agree), or the plan goes back to the lead unit (return)."""

    label = L("审核框架方案")
    roles = BDB
    Input = FrameworkReviewIn
    states = (FrameworkState.SUBMITTED,)

    def success_message(self, obj: Any, result: Any) -> str:
        if result.state == FrameworkState.RETURNED:
            return _("已退回牵头单位修改。")
        return _("已出具审核意见；各参与单位申报本部门项目时以此为必要附件。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return True

    def gate_code(self, obj: Any, data: Any) -> str:
        return "projects.framework.review" if data is None or data.agree else ""

    def perform(self, obj: Framework, data: FrameworkReviewIn, user: Any, decision: Any) -> Any:
        obj.bdb_opinion = data.opinion
        obj.reviewed_by = user
        obj.reviewed_at = timezone.now()
        FRAMEWORK.move(
            obj,
            "review" if data.agree else "return",
            actor=user,
            event=ActionCode.FRAMEWORK_REVIEWED,
            reason=f"大数据局审核意见：{data.opinion}",
            decision=decision,
            policy_version=decision.policy.code if decision else self.policy_version(obj),
            organisation=obj.lead_unit_id,
            update_fields=["bdb_opinion", "reviewed_by", "reviewed_at"],
        )
        members = {obj.lead_unit_id} | set(obj.participants.values_list("unit_id", flat=True))
        notify(
            [u for unit_id in members for u in unit_staff(unit_id)],
            title=f"框架方案《{obj.title}》：{obj.get_state_display()}",
            body=data.opinion,
            link=obj.get_absolute_url(),
        )
        return obj


create_framework = CreateFramework()
update_framework = UpdateFramework()
set_framework_participant = SetFrameworkParticipant()
change_framework_participant = ChangeFrameworkParticipant()
add_framework_district = AddFrameworkDistrict()
submit_framework = SubmitFramework()
review_framework = ReviewFramework()
