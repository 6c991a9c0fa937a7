"""Trial operation, completion, archive acceptance and going live (Art. 23, 28-30).

Completion starts the acceptance window of Art. 28 and fixes the acceptance path by the
threshold; BDB's archive acceptance must pass before the completion acceptance (Art. 29);
going live after acceptance starts the self-evaluation window of Art. 30."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import unit_staff
from accounts.roles import Role
from core.enums import ActionCode
from core.findings import Finding
from policy.gates import refusal
from projects.models import Project

from ..contracts import (
    ARCHIVE_ITEMS,
    DeliveryArchivesFailedIn,
    DeliveryArchivesIn,
    DeliveryCompletionIn,
    DeliveryGoLiveIn,
    DeliveryTrialIn,
)
from ..machines import DELIVERY
from ..models import ArchiveFailure, Delivery, Milestone, Phase
from ..services import acceptance_path_for
from .base import AuthorityProjectAction, ProjectAction


class StartTrial(ProjectAction):
    """The unit records the start of trial operation; refused while suspended (R24.1)."""

    label = _("开始试运行")
    transition = "trial"
    Input = DeliveryTrialIn
    gate = "delivery.advance"
    anchor = "progress"
    success = _("已登记试运行。")

    def perform(self, obj: Project, data: DeliveryTrialIn, user: Any, decision: Any) -> Delivery:
        return self.take_dated(
            obj,
            "trial_started_on",
            data,
            user=user,
            event=ActionCode.TRIAL_STARTED,
            what="开始试运行",
            decision=decision,
        )


def open_milestones(project: Project) -> list[str]:
    """The names of the project's milestones not yet done, in schedule order."""
    return list(
        Milestone.objects.filter(project=project, done_on__isnull=True).values_list(
            "name", flat=True
        )
    )


class CompleteConstruction(ProjectAction):
    """The unit records the completion date: the acceptance window of Art. 28 starts, and the
    acceptance path follows from the threshold of the policy in force (R28.1).

    "建成" means the construction is done: every milestone of the schedule done, or the unit
    states why not (``incomplete_reason``). The reason is stored on the delivery record and
    shown to the acceptance reviewers, who judge it at the completion acceptance."""

    label = _("登记建成")
    transition = "complete"
    Input = DeliveryCompletionIn
    keep_input_when_blocked = True  # the unit adds the reason to the date it gave
    gate = "delivery.advance"
    anchor = "acceptance"
    success = _("已登记建成，竣工验收期限开始计算（第二十八条）。")
    confirm = _("登记建成后竣工验收期限开始计算（第二十八条），不能再开始试运行。")

    def input_problems(self, obj: Any, user: Any, data: DeliveryCompletionIn) -> dict[str, str]:
        started = self.delivery(obj).started_on
        if data.completed_on and started and data.completed_on < started:
            return {"completed_on": gettext("建成日期不能早于开工日期。")}
        return {}

    def conditions(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        # judged on the input: the card offers the form, whose reason field answers this
        if data is None or data.incomplete_reason:
            return  # a stated reason goes to the acceptance reviewers, who judge it
        names = open_milestones(obj)
        if names:
            yield refusal(
                "R28.1.milestones-open",
                N_("尚有 %(n)s 个里程碑未完成（%(names)s），项目尚未建成（第二十八条）。"),
                remedy=N_(
                    "请先登记各里程碑的实际完成日期；确需在里程碑未全部完成时登记建成的，"
                    "请填写未完成的原因，该原因将提交竣工验收审查。"
                ),
                facts={"open_milestones": names},
                params={"n": len(names), "names": "、".join(names)},
            )

    def perform(
        self, obj: Project, data: DeliveryCompletionIn, user: Any, decision: Any
    ) -> Delivery:
        delivery = self.delivery(obj)
        delivery.completed_on = data.completed_on
        open_names = open_milestones(obj)
        # a reason is kept only when something was left open: it is what acceptance reviews
        delivery.incomplete_reason = data.incomplete_reason if open_names else ""
        delivery.acceptance_path = acceptance_path_for(obj)
        months = self.policy_for(obj).p.acceptance_window_months
        unfinished = (
            f"；{len(open_names)} 个里程碑未完成，原因：{delivery.incomplete_reason}"
            if open_names
            else ""
        )
        self.take(
            DELIVERY,
            delivery,
            "complete",
            user=user,
            event=ActionCode.CONSTRUCTION_COMPLETED,
            reason=f"{data.completed_on:%Y-%m-%d} 建成，{delivery.get_acceptance_path_display()}；"
            f"验收期限 {months} 个月{unfinished}",
            decision=decision,
        )
        return delivery


class AcceptArchives(AuthorityProjectAction):
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

    def relevant(self, project: Project) -> bool:
        return self.delivery(project).archive_accepted_on is None

    def choices(self, obj: Any, user: Any) -> dict[str, list[tuple[Any, Any]]]:
        return {"checklist": [(key, gettext(label)) for key, label in ARCHIVE_ITEMS.items()]}

    def input_problems(self, obj: Any, user: Any, data: DeliveryArchivesIn) -> dict[str, str]:
        return after_last_failure(obj, data.accepted_on, "accepted_on")

    def perform(self, obj: Project, data: DeliveryArchivesIn, user: Any, decision: Any) -> Delivery:
        delivery = self.delivery(obj)
        delivery.archive_checklist = data.checklist
        delivery.archive_accepted_on = data.accepted_on
        delivery.save()  # earlier failures stay on record (ArchiveFailure)
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


def after_last_failure(project: Project, day: Any, field: str) -> dict[str, str]:
    """A new archive acceptance comes after the last failed one (the unit rectified between)."""
    last = ArchiveFailure.objects.filter(project=project).order_by("-failed_on").first()
    if day and last is not None and day < last.failed_on:
        return {
            field: gettext("档案验收日期不能早于上次档案验收不合格的日期 %(d)s。")
            % {"d": f"{last.failed_on:%Y-%m-%d}"}
        }
    return {}


class RejectArchives(AuthorityProjectAction):
    """BDB records that the archive acceptance failed (档案验收不合格, Art. 29 ¶2) with its
    reasons. The failure stays on record; the unit rectifies the archives and BDB accepts them
    later (``accept_archives``) — until then the completion acceptance is blocked (R29.1)."""

    label = _("档案验收不合格")
    roles = (Role.BDB_REVIEWER,)
    Input = DeliveryArchivesFailedIn
    states = (Phase.TRIAL, Phase.COMPLETED)
    article = "第二十九条"
    requirement = "R29.1"
    anchor = "acceptance"
    style = "outline-danger"
    success = _("已登记档案验收不合格，并通知建设单位整改（第二十九条）。")
    confirm = _(
        "档案验收不合格的，不得通过竣工验收；建设单位整改后可重新进行档案验收（第二十九条）。"
    )

    def relevant(self, project: Project) -> bool:
        return self.delivery(project).archive_accepted_on is None

    def input_problems(self, obj: Any, user: Any, data: DeliveryArchivesFailedIn) -> dict[str, str]:
        return after_last_failure(obj, data.failed_on, "failed_on")

    def perform(
        self, obj: Project, data: DeliveryArchivesFailedIn, user: Any, decision: Any
    ) -> ArchiveFailure:
        failure = ArchiveFailure.objects.create(
            project=obj, failed_on=data.failed_on, reasons=data.reasons, recorded_by=user
        )
        self.record(
            ActionCode.ARCHIVES_FAILED,
            user,
            failure,
            f"{data.failed_on:%Y-%m-%d} 档案验收不合格（第二十九条）：{data.reasons}",
            decision=decision,
        )
        self.tell(unit_staff(obj.unit_id), obj, f"档案验收不合格，请整改：{obj.code}", data.reasons)
        return failure


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
reject_archives = RejectArchives()
go_live = GoLive()
