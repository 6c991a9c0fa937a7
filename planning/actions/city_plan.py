"""The city plan (市级政务信息化建设规划, Art. 6 ¶1, R6.1): BDB drafts, the city government
approves or returns, a re-assessment proposes an adjusted version that needs approval again."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import users_with_roles
from accounts.roles import Role
from core.enums import ActionCode
from core.ledger import record_event
from core.notify import notify
from policy.gates import refusal
from policy.lookup import policy_in_force

from ..contracts import (
    CityPlanApproveIn,
    CityPlanIn,
    CityPlanReturnIn,
    CityPlanVersionIn,
    ReassessIn,
)
from ..machines import CITY_PLAN
from ..models import CityPlan, CityPlanState, CityPlanVersion, CityPlanVersionKind
from ..services import city_plan_context
from .base import PlanningAction

BDB = (Role.BDB_REVIEWER,)
EDITABLE = (CityPlanState.DRAFT, CityPlanState.RETURNED)


def _link(plan_id: int) -> str:
    return reverse("planning:city_plan_detail", args=[plan_id])


def _municipal_code() -> str:
    return policy_in_force(None).code


def _notify(obj: Any, role: Role, title: str, body: str) -> None:
    """Tell the holders of ``role`` about a version of the plan, linking to the plan's page."""
    notify(users_with_roles(role), title=title, body=body, link=_link(obj.plan_id))


def _record_decision(obj: Any, user: Any, opinion: str) -> None:
    """The city government's decision on a submitted version: who, when, with what opinion."""
    obj.decided_at = timezone.now()
    obj.decided_by = user
    obj.decision_opinion = opinion


class CityPlanAction(PlanningAction):
    """An action on a version of the city plan, offered on the plan's page."""

    model = CityPlanVersion
    machine = CITY_PLAN
    offered_on = "planning.cityplan"

    def load(self, ref: Any, user: Any, *, lock: bool = False) -> Any:
        version = super().load(ref, user, lock=lock)
        if lock:  # the plan row serialises the versions of one plan
            CityPlan.objects.select_for_update().filter(pk=version.plan_id).first()
        return version

    def targets(self, page_obj: Any, user: Any):
        version = page_obj.open_version() if isinstance(page_obj, CityPlan) else page_obj
        if version is not None:
            yield version

    def policy_for(self, obj: Any) -> Any:
        return policy_in_force(None)

    def organisation_of(self, obj: Any) -> Any:
        return None

    def context(self, obj: Any, user: Any, data: Any) -> Any:
        return city_plan_context(obj, user)

    def next_url(self, obj: Any, result: Any) -> str:
        return _link(obj.plan_id)


class CreateCityPlan(PlanningAction):
    """BDB drafts the city plan (Art. 6 ¶1); version 1 starts as a draft."""

    label = _("新建市级规划")
    roles = BDB
    Input = CityPlanIn
    article = "第六条"
    requirement = "R6.1"
    success = _("已新建市级规划草稿。")

    def perform(self, obj: Any, data: CityPlanIn, user: Any, decision: Any) -> CityPlan:
        # required by the contract (Year), so given once it has been parsed
        assert data.start_year is not None and data.end_year is not None
        plan = CityPlan.objects.create(
            title=data.title, start_year=data.start_year, end_year=data.end_year, created_by=user
        )
        version = CityPlanVersion.objects.create(
            plan=plan,
            number=1,
            kind=CityPlanVersionKind.ORIGINAL,
            summary=data.summary,
            data_orientation=data.data_orientation,
            drafted_by=user,
        )
        record_event(
            ActionCode.CITY_PLAN_CREATED,
            actor=user,
            obj=version,
            to_state=version.state,
            reason=f"编制《{plan.title}》（{plan.period_label}）",
            policy_version=_municipal_code(),
        )
        return plan


class UpdateCityPlan(CityPlanAction):
    """BDB edits a draft or returned version."""

    label = _("修改规划内容")
    roles = BDB
    Input = CityPlanVersionIn
    partial = True
    states = EDITABLE
    article = "第六条"
    requirement = "R6.1"
    success = _("已保存。")
    style = "outline-primary"

    def initial(self, obj: Any, user: Any) -> dict:
        return {
            "summary": obj.summary,
            "data_orientation": obj.data_orientation,
            "reassessment_reason": obj.reassessment_reason,
        }

    def perform(self, obj: Any, data: CityPlanVersionIn, user: Any, decision: Any) -> Any:
        obj.summary = data.summary
        obj.data_orientation = data.data_orientation
        obj.reassessment_reason = data.reassessment_reason
        obj.save(update_fields=["summary", "data_orientation", "reassessment_reason"])
        record_event(
            ActionCode.CITY_PLAN_UPDATED,
            actor=user,
            obj=obj,
            from_state=obj.state,
            to_state=obj.state,
            reason="修改规划内容",
            policy_version=_municipal_code(),
        )
        return obj


class SubmitCityPlan(CityPlanAction):
    """BDB submits a draft (or a returned) version to the city government for approval."""

    label = _("报市政府审批")
    transition = "submit"
    gate = "planning.city_plan.submit"
    success = _("已报市政府审批。")
    confirm = _("将本版本报市政府批准（第六条），报批后不能修改，直至市政府批准或退回。")

    def perform(self, obj: Any, data: Any, user: Any, decision: Any) -> Any:
        obj.submitted_at = timezone.now()
        self.move(
            obj,
            actor=user,
            event=ActionCode.CITY_PLAN_SUBMITTED,
            decision=decision,
            reason="报市政府批准（第六条）",
            update_fields=["submitted_at"],
        )
        _notify(
            obj,
            Role.GOV_APPROVER,
            f"待审批：{obj}",
            "市大数据发展局报请批准市级政务信息化建设规划（第六条）。",
        )
        return obj


class ApproveCityPlan(CityPlanAction):
    """The city government approves; the version becomes the one current version and the
    previously approved one is superseded."""

    label = _("批准")
    transition = "approve"
    gate = "planning.city_plan.approve"
    Input = CityPlanApproveIn
    success = _("已批准，该版本成为现行规划。")
    confirm = _("批准后本版本成为现行市级规划，原现行版本被取代（第六条）。")

    def perform(self, obj: Any, data: CityPlanApproveIn, user: Any, decision: Any) -> Any:
        previous = (
            CityPlanVersion.objects.select_for_update()
            .filter(plan_id=obj.plan_id, is_current=True)
            .first()
        )
        if previous is not None:
            previous.is_current = False
            CITY_PLAN.move(
                previous,
                "supersede",
                actor=user,
                event=ActionCode.CITY_PLAN_APPROVED,
                reason=f"被第{obj.number}版取代（第六条）",
                policy_version=decision.policy.code,
                update_fields=["is_current"],
            )
        obj.is_current = True
        _record_decision(obj, user, data.opinion)
        self.move(
            obj,
            actor=user,
            event=ActionCode.CITY_PLAN_APPROVED,
            decision=decision,
            reason=obj.decision_opinion or "市政府批准（第六条）",
            data={"superseded_version": previous.number if previous else None},
            update_fields=["is_current", "decided_at", "decided_by", "decision_opinion"],
        )
        _notify(obj, Role.BDB_REVIEWER, f"已批准：{obj}", obj.decision_opinion)
        return obj


class ReturnCityPlan(CityPlanAction):
    """The city government returns a submitted version to BDB with its opinion."""

    label = _("退回")
    transition = "return"
    Input = CityPlanReturnIn
    success = _("已退回市大数据发展局。")
    style = "outline-warning"

    def perform(self, obj: Any, data: CityPlanReturnIn, user: Any, decision: Any) -> Any:
        _record_decision(obj, user, data.opinion)
        self.move(
            obj,
            actor=user,
            event=ActionCode.CITY_PLAN_RETURNED,
            reason=data.opinion,
            policy_version=_municipal_code(),
            update_fields=["decided_at", "decided_by", "decision_opinion"],
        )
        _notify(obj, Role.BDB_REVIEWER, f"已退回：{obj}", data.opinion)
        return obj


class ReassessCityPlan(PlanningAction):
    """Art. 6: when the plan's implementation is affected by major changes, BDB organises a
    re-assessment and proposes adjustments: a new draft version, to be approved again. The
    approved version stays current until then."""

    label = _("评估论证并提出调整")
    model = CityPlan
    roles = BDB
    Input = ReassessIn
    article = "第六条"
    requirement = "R6.1"
    offered_on = "planning.cityplan"
    style = "outline-primary"
    success = _("已新建调整版本草稿，修改后报市政府批准；批准前现行版本继续有效。")

    def policy_for(self, obj: Any) -> Any:
        return policy_in_force(None)

    def initial(self, obj: Any, user: Any) -> dict:
        current = obj.current_version()
        if current is None:
            return {}
        return {"summary": current.summary, "data_orientation": current.data_orientation}

    def refusals(self, obj: Any, user: Any, data: Any):
        if obj.current_version() is None:
            yield refusal(
                "R6.1.current",
                N_("规划尚无经市政府批准的现行版本，不能评估调整（第六条）。"),
                remedy=N_("请直接修改草稿并报批。"),
                params={},
            )
        elif obj.open_version() is not None:
            yield refusal(
                "R6.1.one-open",
                N_("已有未完成审批的版本，不能再提出调整（第六条）。"),
                remedy=N_("请先处理该版本（报批、批准或退回后修改）。"),
                params={},
            )

    def perform(self, obj: Any, data: ReassessIn, user: Any, decision: Any) -> Any:
        current = obj.current_version()
        given = data.model_fields_set
        last = obj.versions.order_by("-number").first()
        version = CityPlanVersion.objects.create(
            plan=obj,
            number=last.number + 1,
            kind=CityPlanVersionKind.ADJUSTMENT,
            summary=data.summary if "summary" in given else current.summary,
            data_orientation=(
                data.data_orientation if "data_orientation" in given else current.data_orientation
            ),
            reassessment_reason=data.reassessment_reason,
            drafted_by=user,
        )
        record_event(
            ActionCode.CITY_PLAN_REASSESSED,
            actor=user,
            obj=version,
            to_state=version.state,
            reason=data.reassessment_reason,
            policy_version=_municipal_code(),
            data={"current_version": current.number},
        )
        return version

    def next_url(self, obj: Any, result: Any) -> str:
        return _link(obj.pk)


create_city_plan = CreateCityPlan()
update_city_plan = UpdateCityPlan()
submit_city_plan = SubmitCityPlan()
approve_city_plan = ApproveCityPlan()
return_city_plan = ReturnCityPlan()
reassess_city_plan = ReassessCityPlan()
