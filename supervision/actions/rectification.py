"""Rectifying (Art. 35 ¶1, R35.1): the unit reports its rectification with evidence; the
issuing authority verifies it as done or not done. A deadline passed without a report (the
sweep records it, or the authority does) or a rectification verified as not done makes the
sanctions of DRC and Finance available; the authority may also give another deadline, or
withdraw an order issued in error."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from accounts.recipients import reviewers_of, unit_staff
from core.dates import today
from core.notify import notify

from ..authorities import SANCTIONING_AUTHORITIES
from ..contracts import (
    RectificationExtendIn,
    RectificationReportIn,
    RectificationVerifyIn,
)
from ..machines import ORDER
from ..models import OrderState, RectificationOrder, SupervisionEvent
from .base import ByIssuer, ByUnit, RecordOverdue, SupervisionAction, Withdraw, lapse_record

E = SupervisionEvent


class OnOrder(SupervisionAction):
    """An act on a rectification order, offered on its page."""

    model = RectificationOrder
    machine = ORDER
    offered_on = "supervision.rectificationorder"
    article = "第三十五条"
    requirement = "R35.1"


def sanctions_available(order: RectificationOrder, why: str) -> None:
    """Tell DRC and Finance (and the unit) that an order may now be sanctioned (Art. 35)."""
    officers = [u for code in SANCTIONING_AUTHORITIES for u in reviewers_of(code)]
    notify(
        officers + unit_staff(order.unit_id),
        title=f"{why}：{order.number}（{order.unit.display_name}）",
        body="逾期不整改或者整改后仍不符合要求的，市发展改革委、市财政局可以进行通报批评、"
        "暂缓安排投资计划、暂停项目建设直至终止项目实施（第三十五条）。",
        link=order.get_absolute_url(),
        dedupe_key=f"supervision:order:{order.pk}:{order.state}:{order.deadline.isoformat()}",
    )


class ReportRectification(OnOrder, ByUnit):
    """The unit reports what it rectified, with its evidence attached on the order's page."""

    label = _("报告整改情况")
    transition = "report"
    Input = RectificationReportIn
    success = _("已报告整改情况，发文机关将核查。")

    def perform(self, obj: RectificationOrder, data: Any, user: Any, decision: Any) -> Any:
        now = timezone.now()
        late = obj.state == OrderState.OVERDUE or now.date() > obj.deadline
        obj.report = data.report
        obj.reported_by = user
        obj.reported_at = now
        obj.was_overdue = obj.was_overdue or late
        self.take(
            ORDER,
            obj,
            "report",
            user=user,
            event=E.ORDER_REPORTED,
            reason=f"报告整改情况（{obj.number}）" + ("，已逾期" if late else ""),
            fields=("report", "reported_by", "reported_at", "was_overdue"),
        )
        self.tell_authority(
            obj, f"整改情况报告：{obj.number}（{obj.unit.display_name}）", data.report[:200]
        )
        return obj


def lapse_order(order: RectificationOrder, user: Any = None) -> None:
    """The deadline passed without a report: record it (the sweep, or the authority)."""
    lapse_record(
        ORDER,
        order,
        user,
        event=E.ORDER_OVERDUE,
        reason=f"{order.number}逾期未整改，期限 {order.deadline:%Y-%m-%d}（第三十五条）",
    )
    sanctions_available(order, "逾期未整改")


class RecordRectificationOverdue(OnOrder, RecordOverdue):
    """The authority records that the deadline passed without a report."""

    label = _("登记逾期未整改")
    success = _("已登记逾期未整改；市发展改革委、市财政局可作出处理。")
    not_due = (
        "R35.1.not-due",
        N_("整改期限 %(deadline)s 尚未届满（第三十五条）。"),
        N_("期限届满仍未报告整改情况的，再登记逾期。"),
    )

    def lapse(self, obj: Any, user: Any) -> None:
        lapse_order(obj, user)


class Verify(OnOrder, ByIssuer):
    """The issuing authority verifies the reported rectification."""

    Input = RectificationVerifyIn
    verdict = ""

    def perform(self, obj: RectificationOrder, data: Any, user: Any, decision: Any) -> Any:
        obj.verification = data.opinion
        obj.verified_by = user
        obj.verified_at = timezone.now()
        self.take(
            ORDER,
            obj,
            self.transition,
            user=user,
            event=E.ORDER_VERIFIED,
            reason=f"核查{obj.number}：{self.verdict}。{data.opinion}",
            fields=("verification", "verified_by", "verified_at"),
        )
        self.tell_unit(obj, f"整改核查：{obj.number} {self.verdict}", data.opinion)
        return obj


class VerifyRectified(Verify):
    """The rectification is done: the order is closed."""

    label = _("核查：整改到位")
    transition = "verify_done"
    verdict = "整改到位"
    style = "success"
    success = _("已确认整改到位，整改通知办结。")


class VerifyNotRectified(Verify):
    """The rectification is not done (整改后仍不符合要求): the sanctions become available."""

    label = _("核查：整改不到位")
    transition = "verify_failed"
    verdict = "整改不到位"
    style = "outline-danger"
    success = _("已认定整改不到位；市发展改革委、市财政局可作出处理。")
    confirm = _(
        "认定整改不到位后，市发展改革委、市财政局可以进行通报批评、暂缓安排投资计划、"
        "暂停项目建设直至终止项目实施（第三十五条）。"
    )

    def perform(self, obj: RectificationOrder, data: Any, user: Any, decision: Any) -> Any:
        super().perform(obj, data, user, decision)
        sanctions_available(obj, "整改不到位")
        return obj


class ExtendRectification(OnOrder, ByIssuer):
    """The authority gives another deadline after an overdue or failed rectification (the
    missed deadline stays on record)."""

    label = _("再次限期整改")
    transition = "extend"
    Input = RectificationExtendIn
    style = "outline-primary"
    success = _("已再次限期整改。")

    def perform(self, obj: RectificationOrder, data: Any, user: Any, decision: Any) -> Any:
        previous = obj.deadline
        obj.extensions = [
            *obj.extensions,
            {
                "previous": previous.isoformat(),
                "deadline": data.deadline.isoformat(),
                "reason": data.reason,
                "from_state": obj.state,
                "by": user.get_full_name() or user.username,
                "on": today().isoformat(),
            },
        ]
        obj.deadline = data.deadline
        self.take(
            ORDER,
            obj,
            "extend",
            user=user,
            event=E.ORDER_EXTENDED,
            reason=f"再次限期整改（{obj.number}），期限由 {previous:%Y-%m-%d} 改为 "
            f"{data.deadline:%Y-%m-%d}：{data.reason}",
            fields=("extensions", "deadline"),
        )
        self.tell_unit(obj, f"再次限期整改：{obj.number}，{data.deadline:%Y-%m-%d} 前", data.reason)
        return obj


class WithdrawOrder(OnOrder, Withdraw):
    """The authority withdraws an order issued in error, before the unit reports."""

    label = _("撤销整改通知")
    requirement = "R35.2"
    event = E.ORDER_WITHDRAWN
    verb = "撤销"
    success = _("已撤销整改通知。")


report_rectification = ReportRectification()
record_rectification_overdue = RecordRectificationOverdue()
verify_rectified = VerifyRectified()
verify_not_rectified = VerifyNotRectified()
extend_rectification = ExtendRectification()
withdraw_order = WithdrawOrder()
