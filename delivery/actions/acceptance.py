"""Completion acceptance (竣工验收, Art. 28, 29) on the threshold's two paths, and extensions.

At or above the threshold the unit applies to BDB, which organises the acceptance and records
its result; below it the unit organises the acceptance and files the result with BDB. Either
way the materials must be complete (R28.2) and the archives accepted first (R29.1), and a
passing result records what Art. 19 makes an important part of the acceptance (R19.2). A failed
acceptance costs the project its O&M funding (R28.4). A unit that cannot meet the window asks
BDB for an extension (R28.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import unit_staff
from accounts.roles import Authority, Role
from core.enums import ActionCode
from core.findings import Finding
from policy.gates import refusal
from projects.models import Project

from ..contracts import (
    DeliveryAcceptanceResultIn,
    DeliveryExtensionDecisionIn,
    DeliveryExtensionIn,
)
from ..machines import ACCEPTANCE, DELIVERY, EXTENSION
from ..models import (
    Acceptance,
    AcceptancePath,
    AcceptanceState,
    Delivery,
    ExtensionRequest,
    ExtensionState,
    Phase,
)
from ..rules import acceptance_checks
from ..services import acceptance_path_for, acceptances_of, delivery_for, extension_until
from .base import DeliveryAction, ProjectAction, RowAction, desks

COMPLETED = (Phase.COMPLETED,)


def held_on_problems(held: dt.date | None, delivery: Delivery) -> dict[str, str]:
    """The acceptance is held after completion and after the archive acceptance that must
    precede it (Art. 29)."""
    if held is None:
        return {}
    if delivery.completed_on and held < delivery.completed_on:
        return {
            "held_on": gettext("验收日期不能早于建成日期 %(d)s。")
            % {"d": f"{delivery.completed_on:%Y-%m-%d}"}
        }
    if delivery.archive_accepted_on and held < delivery.archive_accepted_on:
        return {
            "held_on": gettext("验收日期不能早于档案验收日期 %(d)s（第二十九条）。")
            % {"d": f"{delivery.archive_accepted_on:%Y-%m-%d}"}
        }
    return {}


def result_message(success: Any, acceptance: Any) -> str:
    """What the page says after a result is recorded; a failed one costs the O&M funding."""
    text = str(success)
    if getattr(acceptance, "state", "") == AcceptanceState.FAILED:
        text += gettext("验收未通过的项目不得安排运行维护经费（第二十八条）。")
    return text


class AcceptanceStep(DeliveryAction):
    """Records the result of an acceptance: the acceptance and the project's phase move, the
    O&M funding follows the result (R28.4) and so does the master catalog (Art. 15)."""

    def record_result(
        self,
        acceptance: Acceptance,
        data: DeliveryAcceptanceResultIn,
        user: Any,
        codes: tuple[str, str],
        decision: Any = None,
    ) -> None:
        from catalog.actions import sync_system_for_project  # the catalog follows (Art. 15)

        passed = bool(data.passed)
        acceptance.held_on = data.held_on
        acceptance.conclusion = data.conclusion
        acceptance.decided_by = user
        # what Art. 19 makes an important part of the acceptance (R19.2)
        acceptance.products_reliability = data.products_reliability
        acceptance.products_note = data.products_note
        acceptance.crypto_evaluation = data.crypto_evaluation
        acceptance.security_review = data.security_review
        acceptance.energy_note = data.energy_note
        acceptance.new_data_centre = bool(data.new_data_centre)
        acceptance.pue = data.pue
        event = (
            ActionCode.ACCEPTANCE_FILED
            if acceptance.path == AcceptancePath.UNIT
            else ActionCode.ACCEPTANCE_DECIDED
        )
        verdict = "通过" if passed else "不通过"
        self.take(
            ACCEPTANCE,
            acceptance,
            codes[0] if passed else codes[1],
            user=user,
            event=event,
            reason=f"竣工验收{verdict}（{data.held_on:%Y-%m-%d}）：{data.conclusion}",
            decision=decision,
        )
        delivery = delivery_for(acceptance.project, lock=True)
        delivery.accepted_on = data.held_on if passed else None
        delivery.om_ineligible = not passed  # Art. 28 ¶3: failed, no O&M funding
        sync_system_for_project(acceptance.project, user, passed=passed)
        self.take(
            DELIVERY,
            delivery,
            ("accept" if passed else "fail")
            if acceptance.path == AcceptancePath.BDB
            else ("file_accepted" if passed else "file_failed"),
            user=user,
            event=ActionCode.ACCEPTANCE_DECIDED,
            reason=f"竣工验收{verdict}（{data.held_on:%Y-%m-%d}）：{data.conclusion}"
            + ("" if passed else "；不得安排运行维护经费（第二十八条）"),
        )


class AcceptanceApplication(ProjectAction):
    """An acceptance of the unit on a completed project, gated by ``delivery.acceptance``."""

    states = COMPLETED
    gate = "delivery.acceptance"
    article = "第二十八条"
    requirement = "R28.1"
    anchor = "acceptance"
    path = ""

    def relevant(self, project: Project) -> bool:
        # the card offers the path of the project's threshold; the gate refuses the other
        return acceptance_path_for(project) == self.path and not any(
            a.state == AcceptanceState.APPLIED for a in acceptances_of(project)
        )

    def facts(self, obj: Any, data: Any) -> dict[str, Any]:
        until = extension_until(obj)
        return {
            "path": self.path,
            "extension_until": until.isoformat() if until else None,
            # a filed result (R19.2); none on an application
            **acceptance_checks(data if isinstance(data, DeliveryAcceptanceResultIn) else None),
        }


class ApplyAcceptance(AcceptanceApplication):
    """At or above the threshold the unit applies to BDB, which organises the completion
    acceptance (Art. 28 ¶1)."""

    label = _("申请市大数据发展局组织竣工验收")
    path = AcceptancePath.BDB
    success = _("已申请市大数据发展局组织竣工验收（第二十八条）。")
    confirm = _("申请后由市大数据发展局组织竣工验收（第二十八条）。")

    def conditions(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        if Acceptance.objects.filter(project=obj, state=AcceptanceState.APPLIED).exists():
            yield refusal(
                "R28.1.applied",
                N_("已申请竣工验收，等待市大数据发展局组织（第二十八条）。"),
                remedy=N_("市大数据发展局登记验收结果后再办理后续事项。"),
                params={},
            )

    def perform(self, obj: Project, data: Any, user: Any, decision: Any) -> Acceptance:
        acceptance = Acceptance.objects.create(
            project=obj, path=AcceptancePath.BDB, state=AcceptanceState.APPLIED, applied_by=user
        )
        self.record(
            ActionCode.ACCEPTANCE_APPLIED,
            user,
            acceptance,
            "申请市大数据发展局组织竣工验收（第二十八条）",
            target=acceptance.state,
            decision=decision,
        )
        self.tell(
            desks(Authority.BDB),
            obj,
            f"竣工验收申请：{obj.code}《{obj.name}》",
        )
        return acceptance


class FileUnitAcceptance(AcceptanceApplication, AcceptanceStep):
    """Below the threshold the unit organises the completion acceptance and files its result
    with BDB (Art. 28 ¶1)."""

    label = _("建设单位组织验收并报备")
    path = AcceptancePath.UNIT
    Input = DeliveryAcceptanceResultIn
    keep_input_when_blocked = True
    success = _("已登记验收结果并报市大数据发展局备案（第二十八条）。")
    confirm = _(
        "验收结果报市大数据发展局备案后不能更改；验收不通过的项目不得安排运行维护经费"
        "（第二十八条）。"
    )

    def input_problems(
        self, obj: Any, user: Any, data: DeliveryAcceptanceResultIn
    ) -> dict[str, str]:
        return held_on_problems(data.held_on, self.delivery(obj))

    def success_message(self, obj: Any, result: Any) -> str:
        return result_message(self.success, result)

    def perform(
        self, obj: Project, data: DeliveryAcceptanceResultIn, user: Any, decision: Any
    ) -> Acceptance:
        acceptance = Acceptance.objects.create(
            project=obj,
            path=AcceptancePath.UNIT,
            state=AcceptanceState.APPLIED,
            applied_by=user,
            filed_with_bdb_at=timezone.now(),
        )
        self.record_result(acceptance, data, user, ("file_pass", "file_fail"), decision)
        self.tell(
            desks(Authority.BDB),
            obj,
            f"竣工验收备案：{obj.code}《{obj.name}》",
            data.conclusion,
        )
        return acceptance


class DecideAcceptance(RowAction, AcceptanceStep):
    """BDB records the result of the completion acceptance it organised (Art. 28 ¶1)."""

    label = _("登记竣工验收结果")
    model = Acceptance
    machine = ACCEPTANCE
    roles = (Role.BDB_REVIEWER,)
    states = (AcceptanceState.APPLIED,)
    Input = DeliveryAcceptanceResultIn
    keep_input_when_blocked = True
    gate = "delivery.acceptance_result"
    article = "第二十八条"
    requirement = "R28.1"
    anchor = "acceptance"
    style = "success"
    success = _("已登记竣工验收结果。")
    confirm = _("登记后验收结果不能更改；验收不通过的项目不得安排运行维护经费（第二十八条）。")

    def rows(self, project: Project) -> Iterable[Any]:
        return [
            a
            for a in acceptances_of(project)
            if a.path == AcceptancePath.BDB and a.state == AcceptanceState.APPLIED
        ]

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        finding = DELIVERY.state_finding(delivery_for(obj.project), "accept")
        if finding is not None:
            yield finding

    def input_problems(
        self, obj: Any, user: Any, data: DeliveryAcceptanceResultIn
    ) -> dict[str, str]:
        return held_on_problems(data.held_on, delivery_for(obj.project))

    def facts(self, obj: Any, data: Any) -> dict[str, Any]:
        return {"acceptance": obj.pk, **acceptance_checks(data)}

    def success_message(self, obj: Any, result: Any) -> str:
        return result_message(self.success, result)

    def perform(
        self, obj: Acceptance, data: DeliveryAcceptanceResultIn, user: Any, decision: Any
    ) -> Acceptance:
        self.record_result(obj, data, user, ("pass", "fail"), decision)
        project = obj.project
        self.tell(
            unit_staff(project.unit_id),
            project,
            f"竣工验收{'通过' if data.passed else '不通过'}：{project.code}",
            data.conclusion,
        )
        return obj


class RequestExtension(ProjectAction):
    """A unit that cannot apply for (or organise) the acceptance in time asks BDB for an
    extension (Art. 28 ¶2, R28.3)."""

    label = _("申请延期验收")
    Input = DeliveryExtensionIn
    states = COMPLETED
    article = "第二十八条"
    requirement = "R28.3"
    anchor = "acceptance"
    style = "outline-primary"
    success = _("已向市大数据发展局申请延期验收。")

    def relevant(self, project: Project) -> bool:
        return not acceptances_of(project)

    def conditions(self, obj: Any, user: Any, data: Any) -> Iterator[Finding]:
        pending = ExtensionRequest.objects.filter(project=obj, state=ExtensionState.PENDING).first()
        if pending is not None:
            yield refusal(
                "R28.3.pending",
                N_("已于 %(on)s 申请延期至 %(until)s，市大数据发展局尚未审核（第二十八条）。"),
                remedy=N_("请等待审核结果。"),
                facts={"request": pending.pk},
                params={
                    "on": f"{timezone.localtime(pending.requested_at):%Y-%m-%d}",
                    "until": f"{pending.requested_until:%Y-%m-%d}",
                },
            )

    def perform(
        self, obj: Project, data: DeliveryExtensionIn, user: Any, decision: Any
    ) -> ExtensionRequest:
        request = ExtensionRequest.objects.create(
            project=obj, requested_until=data.requested_until, reason=data.reason, requested_by=user
        )
        self.record(
            ActionCode.EXTENSION_REQUESTED,
            user,
            request,
            f"申请延期验收至 {data.requested_until:%Y-%m-%d}：{data.reason}",
            target=request.state,
        )
        self.tell(
            desks(Authority.BDB),
            obj,
            f"验收延期申请：{obj.code}",
            data.reason,
        )
        return request


class DecideExtension(RowAction):
    """BDB grants or refuses an extension of the acceptance window (Art. 28 ¶2); a granted
    one moves the acceptance due date."""

    label = _("审核延期申请")
    model = ExtensionRequest
    machine = EXTENSION
    roles = (Role.BDB_REVIEWER,)
    states = (ExtensionState.PENDING,)
    Input = DeliveryExtensionDecisionIn
    article = "第二十八条"
    requirement = "R28.3"
    anchor = "acceptance"
    success = _("已审核延期申请。")
    confirm = _("审核结论将通知建设单位；同意延期的，竣工验收期限顺延至申请日期（第二十八条）。")

    def rows(self, project: Project) -> Iterable[Any]:
        return ExtensionRequest.objects.filter(project=project, state=ExtensionState.PENDING)

    def target_label(self, obj: Any) -> str:
        return gettext("申请延期至 %(until)s") % {"until": f"{obj.requested_until:%Y-%m-%d}"}

    def success_message(self, obj: Any, result: Any) -> str:
        granted = result.state == ExtensionState.GRANTED
        return gettext("已同意延期。") if granted else gettext("已不同意延期。")

    def perform(
        self, obj: ExtensionRequest, data: DeliveryExtensionDecisionIn, user: Any, decision: Any
    ) -> ExtensionRequest:
        obj.opinion = data.opinion
        obj.decided_by = user
        obj.decided_at = timezone.now()
        code, verdict = ("grant", "同意延期") if data.grant else ("refuse", "不同意延期")
        self.take(
            EXTENSION,
            obj,
            code,
            user=user,
            event=ActionCode.EXTENSION_DECIDED,
            reason=f"{verdict}：{data.opinion}",
        )
        project = obj.project
        self.tell(
            unit_staff(project.unit_id),
            project,
            f"延期申请{verdict}：{project.code}",
            data.opinion,
        )
        return obj


apply_acceptance = ApplyAcceptance()
file_unit_acceptance = FileUnitAcceptance()
decide_acceptance = DecideAcceptance()
request_extension = RequestExtension()
decide_extension = DecideExtension()
