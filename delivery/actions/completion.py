"""Trial operation, completion, archive acceptance and going live (Art. 23, 28-30).

Completion starts the acceptance window of Art. 28 and fixes the acceptance path by the
threshold; BDB's archive acceptance must pass before the completion acceptance (Art. 29);
going live after acceptance starts the self-evaluation window of Art. 30."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.recipients import unit_staff
from accounts.roles import Role
from core.enums import ActionCode
from projects.models import Project

from ..contracts import (
    ARCHIVE_ITEMS,
    DeliveryArchivesIn,
    DeliveryCompletionIn,
    DeliveryGoLiveIn,
    DeliveryTrialIn,
)
from ..machines import DELIVERY
from ..models import Delivery, Phase
from ..services import acceptance_path_for
from .base import ProjectAction


class StartTrial(ProjectAction):
    """The unit records the start of trial operation; refused while suspended (R24.1)."""

    label = _("开始试运行")
    transition = "trial"
    Input = DeliveryTrialIn
    gate = "delivery.advance"
    anchor = "progress"
    success = _("已登记试运行。")

    def perform(self, obj: Project, data: DeliveryTrialIn, user: Any, decision: Any) -> Delivery:
        delivery = self.delivery(obj)
        delivery.trial_started_on = data.trial_started_on
        self.take(
            DELIVERY,
            delivery,
            "trial",
            user=user,
            event=ActionCode.TRIAL_STARTED,
            reason=f"{data.trial_started_on:%Y-%m-%d} 开始试运行",
            decision=decision,
        )
        return delivery


class CompleteConstruction(ProjectAction):
    """The unit records the completion date: the acceptance window of Art. 28 starts, and the
    acceptance path follows from the threshold of the policy in force (R28.1)."""

    label = _("登记建成")
    transition = "complete"
    Input = DeliveryCompletionIn
    gate = "delivery.advance"
    anchor = "acceptance"
    success = _("已登记建成，竣工验收期限开始计算（第二十八条）。")
    confirm = _("登记建成后竣工验收期限开始计算（第二十八条），不能再开始试运行。")

    def input_problems(self, obj: Any, data: DeliveryCompletionIn) -> dict[str, str]:
        started = self.delivery(obj).started_on
        if data.completed_on and started and data.completed_on < started:
            return {"completed_on": gettext("建成日期不能早于开工日期。")}
        return {}

    def perform(
        self, obj: Project, data: DeliveryCompletionIn, user: Any, decision: Any
    ) -> Delivery:
        delivery = self.delivery(obj)
        delivery.completed_on = data.completed_on
        delivery.acceptance_path = acceptance_path_for(obj)
        months = self.policy_for(obj).p.acceptance_window_months
        self.take(
            DELIVERY,
            delivery,
            "complete",
            user=user,
            event=ActionCode.CONSTRUCTION_COMPLETED,
            reason=f"{data.completed_on:%Y-%m-%d} 建成，{delivery.get_acceptance_path_display()}；"
            f"验收期限 {months} 个月",
            decision=decision,
        )
        return delivery


class AcceptArchives(ProjectAction):
    """BDB records the archive acceptance (档案验收) on the archive checklist (Art. 29); the
    completion acceptance needs it first (R29.1)."""

    label = _("档案验收通过")
    roles = (Role.BDB_REVIEWER,)
    Input = DeliveryArchivesIn
    states = (Phase.TRIAL, Phase.COMPLETED)
    article = "第二十九条"
    requirement = "R29.1"
    anchor = "acceptance"
    success = _("已登记档案验收通过（第二十九条）。")
    confirm = _("确认档案清单各项齐全、档案验收合格（第二十九条）。")

    def allowed(self, obj: Any, user: Any) -> bool:
        return True

    def relevant(self, project: Project) -> bool:
        return self.delivery(project).archive_accepted_on is None

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        return {"checklist": [(key, gettext(label)) for key, label in ARCHIVE_ITEMS.items()]}

    def perform(self, obj: Project, data: DeliveryArchivesIn, user: Any, decision: Any) -> Delivery:
        delivery = self.delivery(obj)
        delivery.archive_checklist = data.checklist
        delivery.archive_accepted_on = data.accepted_on
        delivery.save()
        self.record(
            ActionCode.ARCHIVES_ACCEPTED,
            user,
            delivery,
            f"{data.accepted_on:%Y-%m-%d} 通过档案验收（第二十九条）",
        )
        self.tell(
            unit_staff(obj.unit_id),
            obj,
            f"档案验收通过：{obj.code}",
        )
        return delivery


class GoLive(ProjectAction):
    """The unit records formal operation after a passed acceptance: the self-evaluation
    window of Art. 30 runs from the later of acceptance and go-live."""

    label = _("登记正式上线运行")
    Input = DeliveryGoLiveIn
    states = (Phase.ACCEPTED,)
    article = "第三十条"
    requirement = "R30.1"
    anchor = "evaluation"
    success = _("已登记正式上线运行，自评价期限开始计算（第三十条）。")

    def relevant(self, project: Project) -> bool:
        return self.delivery(project).golive_on is None

    def perform(self, obj: Project, data: DeliveryGoLiveIn, user: Any, decision: Any) -> Delivery:
        delivery = self.delivery(obj)
        delivery.golive_on = data.golive_on
        delivery.save()
        self.record(ActionCode.WENT_LIVE, user, delivery, f"{data.golive_on:%Y-%m-%d} 正式上线运行")
        return delivery


start_trial = StartTrial()
complete_construction = CompleteConstruction()
accept_archives = AcceptArchives()
go_live = GoLive()
