"""Rectification orders (整改通知, Art. 35 ¶1, R35.1, R35.2; Art. 24, 37): an authority, within
its duties, orders a unit to rectify a breach of the rules or of the approval by a deadline.
The unit reports its rectification with evidence; the issuing authority verifies it. A
deadline passed without a report, or a rectification verified as not done, makes the
sanctions of DRC and Finance available."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.model_parts import DetailPage, maybe_by_user, optional_fk, optional_time, state_field

from ..authorities import SupervisionDuty
from .base import Notice


class OrderState(models.TextChoices):
    ISSUED = "issued", _("限期整改中")
    REPORTED = "reported", _("已报告，待核查")
    OVERDUE = "overdue", _("逾期未整改")
    RECTIFIED = "rectified", _("整改到位")
    FAILED = "failed", _("整改不到位")
    WITHDRAWN = "withdrawn", _("已撤销")


# the unit still owes its rectification report
AWAITING_REPORT = (OrderState.ISSUED, OrderState.OVERDUE)
OPEN_ORDER_STATES = (OrderState.ISSUED, OrderState.REPORTED, OrderState.OVERDUE, OrderState.FAILED)
# Art. 35 ¶1: "逾期不整改或者整改后仍不符合要求的" — the sanctions become available
SANCTIONABLE = (OrderState.OVERDUE, OrderState.FAILED)


class OrderSource(models.TextChoices):
    """What the order was raised from (its ``source``)."""

    DIRECT = "direct", _("监督检查发现")
    INCIDENT = "incident", _("重大事项报告（第二十四条）")
    REQUEST = "request", _("拒绝或逾期提供资料（第三十四条）")
    EVALUATION = "evaluation", _("绩效评价或后评价结果（第三十七条）")
    AUDIT = "audit", _("审计发现（第三十六条）")
    OM_DECISION = "om_decision", _("运维经费不予安排（第三十一至三十三条）")


class RectificationOrder(DetailPage, Notice):
    """整改通知书: the breach (the rule or approval requirement and its article), what to do,
    by when, the unit's report and the authority's verification. ``source`` names the record
    it was raised from (an incident, a request, an evaluation result, an audit finding, an O&M
    decision). Its state changes only through the machine ``rectification_order``."""

    MACHINE = "rectification_order"
    detail_url_name = "supervision:order_detail"

    duty = models.CharField(_("监管事项"), max_length=20, choices=SupervisionDuty.choices)
    problem = models.TextField(_("发现的问题"))
    breached = models.TextField(_("违反的规定或批复要求"))
    breached_article = models.CharField(_("违反条款"), max_length=100, blank=True)
    requirement = models.TextField(_("整改要求"))
    deadline = models.DateField(_("整改期限"))
    state = state_field(OrderState, 10, default=OrderState.ISSUED)
    origin = models.CharField(
        _("来源"), max_length=12, choices=OrderSource.choices, default=OrderSource.DIRECT
    )
    source_type = optional_fk(ContentType, related_name="+")
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # kept after a late report: the deadline was missed (Art. 35 "逾期不整改")
    was_overdue = models.BooleanField(_("曾逾期"), default=False)
    report = models.TextField(_("整改情况报告"), blank=True)
    reported_by = maybe_by_user()
    reported_at = optional_time(_("报告时间"))
    verification = models.TextField(_("核查意见"), blank=True)
    verified_by = maybe_by_user()
    verified_at = optional_time(_("核查时间"))
    # each extension: {"deadline": …, "previous": …, "reason": …, "by": …}
    extensions = models.JSONField(_("再次限期记录"), default=list, blank=True)

    class Meta(Notice.Meta):
        verbose_name = verbose_name_plural = _("整改通知")
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_label}"

    @property
    def awaiting_report(self) -> bool:
        return self.state in AWAITING_REPORT

    @property
    def sanctionable(self) -> bool:
        return self.state in SANCTIONABLE

    def can_attach(self, user: Any, doc_type: str) -> bool:
        """The unit attaches its evidence while it owes the report; the authority the
        notice's annexes and its verification records while the order is open."""
        from accounts.recipients import is_unit_staff

        from ..authorities import is_desk_of

        if self.state in AWAITING_REPORT and is_unit_staff(user, self.unit_id):
            return True
        return self.state in OPEN_ORDER_STATES and is_desk_of(user, self.authority_id)


def source_of(obj: Any) -> dict[str, Any]:
    """The ``source_type``/``source_id`` of an order raised from ``obj``."""
    if obj is None:
        return {"source_type": None, "source_id": None}
    return {
        "source_type": ContentType.objects.get_for_model(obj, for_concrete_model=False),
        "source_id": obj.pk,
    }


def orders_from(obj: Any) -> models.QuerySet[RectificationOrder]:
    """The orders raised from ``obj`` (an incident, an evaluation result …)."""
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return RectificationOrder.objects.filter(source_type=ct, source_id=obj.pk)
