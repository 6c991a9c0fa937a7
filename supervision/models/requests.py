"""Supervision requests (Art. 34, R34.1): an authority asks a unit for materials or
information on a project or a system by a deadline; the unit answers truthfully and
completely ("如实提供…不得拒绝、隐匿、瞒报"). An unanswered request past its deadline, or a
refusal, is a finding against the unit."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.model_parts import DetailPage, maybe_by_user, optional_time, state_field

from .base import Notice


class RequestState(models.TextChoices):
    ISSUED = "issued", _("待答复")
    ANSWERED = "answered", _("已答复，待审核")
    OVERDUE = "overdue", _("逾期未答复")
    REFUSED = "refused", _("拒绝提供")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


# the unit still owes an answer
AWAITING_ANSWER = (RequestState.ISSUED, RequestState.OVERDUE)
OPEN_REQUEST_STATES = (RequestState.ISSUED, RequestState.OVERDUE, RequestState.ANSWERED)


class RequestPurpose(models.TextChoices):
    """Art. 34: "配合做好绩效评价、审计等监督管理工作"."""

    INSPECTION = "inspection", _("监督检查")
    PERFORMANCE = "performance", _("绩效评价")
    AUDIT = "audit", _("审计")
    OTHER = "other", _("其他监督管理工作")


class SupervisionRequest(DetailPage, Notice):
    """一份要求提供资料和情况的函 (Art. 34): what is asked, by when, and the unit's answer with
    its attestation. Its state changes only through the machine ``supervision_request``."""

    MACHINE = "supervision_request"
    detail_url_name = "supervision:request_detail"

    purpose = models.CharField(
        _("用途"), max_length=12, choices=RequestPurpose.choices, default=RequestPurpose.INSPECTION
    )
    matter = models.TextField(_("需提供的资料和情况"))
    deadline = models.DateField(_("答复期限"))
    state = state_field(RequestState, 10, default=RequestState.ISSUED)
    # kept after a late answer: the finding of R34.1 stays on the unit's record
    was_overdue = models.BooleanField(_("曾逾期"), default=False)
    answer = models.TextField(_("答复内容"), blank=True)
    attestation = models.TextField(_("真实完整承诺"), blank=True)
    answered_by = maybe_by_user()
    answered_at = optional_time(_("答复时间"))
    refusal_reason = models.TextField(_("拒绝理由"), blank=True)
    review_opinion = models.TextField(_("审核意见"), blank=True)
    decided_at = optional_time(_("办结时间"))

    class Meta(Notice.Meta):
        verbose_name = verbose_name_plural = _("资料和情况提供要求")
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_label}"

    @property
    def awaiting_answer(self) -> bool:
        return self.state in AWAITING_ANSWER

    @property
    def answered_late(self) -> bool:
        if self.answered_at is None:
            return False
        return self.was_overdue or self.answered_at.date() > self.deadline

    def is_past_deadline(self, on: dt.date) -> bool:
        return self.awaiting_answer and on > self.deadline

    def can_attach(self, user: object, doc_type: str) -> bool:
        """The unit attaches its materials while it owes the answer; the authority its
        request's annexes while the request is open."""
        from accounts.recipients import is_unit_staff

        from ..authorities import is_desk_of

        if self.state in AWAITING_ANSWER and is_unit_staff(user, self.unit_id):
            return True
        return self.state in OPEN_REQUEST_STATES and is_desk_of(user, self.authority_id)
