"""The register of violations (Art. 38, R38.1): what was violated, the facts, the responsible
persons (主管人员 and 其他责任人员, by name and post), the measure taken and the outcome. The
platform proposes entries from the facts it holds (``supervision.proposals``); a person
confirms or dismisses each proposal with a reason."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.model_parts import (
    DetailPage,
    by_user,
    creation_time,
    maybe_by_user,
    optional_date,
    optional_fk,
    optional_time,
    state_field,
)

from .base import Subject


class ViolationKind(models.TextChoices):
    """The conduct of Art. 38 ¶1 and ¶2."""

    NO_APPROVAL = "no_approval", _("未履行审批程序")
    OVERRUN = "overrun", _("严重超概（预）算")
    POOR_QUALITY = "poor_quality", _("质量低劣")
    WASTE = "waste", _("损失浪费")
    ACCIDENT = "accident", _("安全事故或其他责任事故")
    FUNDS_DIVERTED = "funds_diverted", _("截留、挪用项目资金")
    OM_FUNDS_MISUSED = "om_funds_misused", _("违规使用运行维护经费")


# Art. 38 ¶2: handled under 《财政违法行为处罚处分条例》
FUNDS_KINDS = (ViolationKind.FUNDS_DIVERTED, ViolationKind.OM_FUNDS_MISUSED)


class ViolationState(models.TextChoices):
    PROPOSED = "proposed", _("平台提示，待核实")
    CONFIRMED = "confirmed", _("已确认，待处理")
    DISMISSED = "dismissed", _("经核实排除")
    CONCLUDED = "concluded", _("已处理")


class ViolationOrigin(models.TextChoices):
    RECORDED = "recorded", _("监督管理部门登记")
    PROPOSED = "proposed", _("平台根据已有数据提示")


class ViolationEntry(DetailPage, Subject):
    """一条违规行为登记. A proposal (``origin`` proposed, ``proposal_key`` naming the facts)
    becomes an entry when confirmed; the measure and the outcome conclude it. Its state changes
    only through the machine ``violation_entry``."""

    MACHINE = "violation_entry"
    detail_url_name = "supervision:violation_detail"

    kind = models.CharField(_("违规类型"), max_length=16, choices=ViolationKind.choices)
    facts = models.TextField(_("违规事实"))
    occurred_on = optional_date(_("发生日期"))
    origin = models.CharField(
        _("来源"), max_length=10, choices=ViolationOrigin.choices, default=ViolationOrigin.RECORDED
    )
    # what the platform read to propose it (payments, totals, change requests)
    proposal_key = models.CharField(
        _("线索标识"), max_length=80, null=True, blank=True, unique=True
    )
    proposal_facts = models.JSONField(_("线索数据"), default=dict, blank=True)
    state = state_field(ViolationState, 10, default=ViolationState.PROPOSED)
    authority = optional_fk("accounts.Organisation", verbose_name=_("登记机关"), related_name="+")
    decision_reason = models.TextField(_("核实意见"), blank=True)
    decided_by = maybe_by_user()
    decided_at = optional_time(_("核实时间"))
    criticised = models.BooleanField(_("予以通报批评"), default=False)
    referred_for_discipline = models.BooleanField(_("移送依法依规给予处分"), default=False)
    referred_to = models.CharField(_("移送机关"), max_length=100, blank=True)
    under_funds_regulation = models.BooleanField(
        _("依照《财政违法行为处罚处分条例》查处"), default=False
    )
    outcome = models.TextField(_("处理结果"), blank=True)
    concluded_at = optional_time(_("处理时间"))
    recorded_by = maybe_by_user()
    created_at = creation_time(_("登记时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("违规行为登记")
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["state", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="recorded") | Q(proposal_key__isnull=False),
                name="violation_proposal_has_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject_label}"

    @property
    def concerns_funds(self) -> bool:
        return self.kind in FUNDS_KINDS

    def can_attach(self, user: Any, doc_type: str) -> bool:
        """The supervising authorities attach the documents of the facts while the entry is
        not concluded."""
        from ..authorities import ORDERERS

        return self.state != ViolationState.CONCLUDED and bool(
            getattr(user, "is_authenticated", False) and user.has_role(*ORDERERS)
        )


class PersonRole(models.TextChoices):
    """Art. 38 ¶1: "负有直接责任的主管人员和其他责任人员"."""

    PRINCIPAL = "principal", _("直接负责的主管人员")
    OTHER = "other", _("其他直接责任人员")


class ResponsiblePerson(models.Model):
    """A person responsible for a violation, by name and post."""

    entry = models.ForeignKey(ViolationEntry, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    role = models.CharField(_("责任类型"), max_length=10, choices=PersonRole.choices)
    recorded_by = by_user()
    created_at = creation_time(_("登记时间"))

    class Meta:
        ordering = ["entry", "role", "id"]
        verbose_name = verbose_name_plural = _("责任人员")

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"
