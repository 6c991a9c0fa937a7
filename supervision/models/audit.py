"""Audit findings (Art. 36, R36.1): 市审计局 audits the authenticity, legality and efficiency
of the use of funds on a project, a system or a unit; the unit responds; Audit follows up and
may pass the finding to DRC or Finance as the ground of a rectification order. Audit changes
nothing else on the platform."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.model_parts import DetailPage, maybe_by_user, optional_fk, optional_time, state_field
from core.money import MoneyField

from .base import Notice


class AuditAspect(models.TextChoices):
    """Art. 36: "促进项目资金使用真实、合法和高效"."""

    AUTHENTICITY = "authenticity", _("资金使用真实性")
    LEGALITY = "legality", _("资金使用合法性")
    EFFICIENCY = "efficiency", _("资金使用效益")


# a finding about the authenticity or legality of spending names the amount involved (R36.1)
AMOUNT_ASPECTS = (AuditAspect.AUTHENTICITY, AuditAspect.LEGALITY)


class AuditState(models.TextChoices):
    OPEN = "open", _("待被审计单位回应")
    RESPONDED = "responded", _("已回应，跟踪中")
    CLOSED = "closed", _("已办结")


OPEN_AUDIT_STATES = (AuditState.OPEN, AuditState.RESPONDED)


class AuditFinding(DetailPage, Notice):
    """一项审计发现 with the unit's response, Audit's follow-up and, where Audit passes it on,
    the authority it was referred to. Its state changes only through the machine
    ``audit_finding``."""

    MACHINE = "audit_finding"
    detail_url_name = "supervision:audit_detail"

    aspect = models.CharField(_("审计事项"), max_length=14, choices=AuditAspect.choices)
    facts = models.TextField(_("审计发现的问题"))
    amount = MoneyField(_("涉及金额（元）"), null=True, blank=True)
    recommendation = models.TextField(_("审计建议"), blank=True)
    state = state_field(AuditState, 10, default=AuditState.OPEN)
    response = models.TextField(_("被审计单位回应"), blank=True)
    responded_by = maybe_by_user()
    responded_at = optional_time(_("回应时间"))
    referred_to = optional_fk("accounts.Organisation", verbose_name=_("移送机关"), related_name="+")
    referral_note = models.TextField(_("移送说明"), blank=True)
    referred_at = optional_time(_("移送时间"))
    followup = models.TextField(_("跟踪落实情况"), blank=True)
    closed_at = optional_time(_("办结时间"))

    class Meta(Notice.Meta):
        verbose_name = verbose_name_plural = _("审计发现")
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.get_aspect_display()} {self.subject_label}"

    def can_attach(self, user: Any, doc_type: str) -> bool:
        """Audit attaches its working papers while the finding is open; the unit its
        evidence while it owes the response."""
        from accounts.recipients import is_unit_staff

        from ..authorities import is_desk_of

        if self.state == AuditState.OPEN and is_unit_staff(user, self.unit_id):
            return True
        return self.state in OPEN_AUDIT_STATES and is_desk_of(user, self.authority_id)
