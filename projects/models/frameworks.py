"""Cross-department projects (Art. 13): the framework plan, its participants and districts."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    Created,
    DetailPage,
    kept_fk,
    maybe_by_user,
    optional_time,
    state_field,
)


class FrameworkState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("大数据局审核中")
    REVIEWED = "reviewed", _("已出具审核意见")
    RETURNED = "returned", _("退回修改")


class FrameworkQuerySet(StatefulQuerySet):
    def for_user(self, user: Any) -> FrameworkQuerySet:
        """BDB and the other readers of every project see every plan; a unit sees the plans it
        leads or takes part in."""
        from accounts.recipients import unit_ids_of

        from ..visibility import reads_all_projects

        if not user.is_authenticated:
            return self.none()
        if reads_all_projects(user):
            return self
        units = unit_ids_of(user)
        return self.filter(
            Q(lead_unit_id__in=units) | Q(participants__unit_id__in=units)
        ).distinct()


class Framework(DetailPage, StatefulModel, Created):
    """跨部门项目框架方案 (Art. 13 ¶1): lead unit, participants, goals, main content and an
    initial data catalog, reviewed by BDB. BDB's opinion is a required attachment of every
    participant's own project (R13.1). Its state changes only through the machine
    ``framework``."""

    MACHINE = "framework"
    detail_url_name = "projects:framework_detail"

    title = models.CharField(_("跨部门项目名称"), max_length=200)
    lead_unit = kept_fk(
        "accounts.Organisation", verbose_name=_("牵头单位"), related_name="led_frameworks"
    )
    goals = models.TextField(_("建设目标"), blank=True)
    main_content = models.TextField(_("主要建设内容"), blank=True)
    data_catalog = models.TextField(_("初步数据资源目录"), blank=True)
    state = state_field(FrameworkState, 12, default=FrameworkState.DRAFT)
    bdb_opinion = models.TextField(_("大数据局审核意见"), blank=True)
    reviewed_by = maybe_by_user()
    reviewed_at = optional_time(_("审核时间"))

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("跨部门项目框架方案")

    def __str__(self) -> str:
        return self.title

    @property
    def has_bdb_opinion(self) -> bool:
        return self.state == FrameworkState.REVIEWED and bool(self.bdb_opinion.strip())


class FrameworkParticipantQuerySet(models.QuerySet):
    def for_user(self, user: Any) -> FrameworkParticipantQuerySet:
        """A participant is seen with its framework."""
        return self.filter(framework__in=Framework.objects.for_user(user))


class FrameworkParticipant(models.Model):
    """A unit taking part: its business flow, data flow and interfaces with the whole, and the
    content items it claims (no item may be claimed by two units, Art. 13 ¶1)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="participants")
    unit = kept_fk("accounts.Organisation", verbose_name=_("参与单位"))
    business_flow = models.TextField(_("业务流"), blank=True)
    data_flow = models.TextField(_("数据流"), blank=True)
    interfaces = models.TextField(_("与整体项目的接口"), blank=True)
    content_items = models.JSONField(_("承担的建设内容"), default=list, blank=True)

    objects = FrameworkParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "unit"], name="participant_once")
        ]

    def __str__(self) -> str:
        return str(self.unit)


class FrameworkDistrict(models.Model):
    """A district cooperating in a municipal project and its linked project (Art. 13 ¶2)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="districts")
    district = kept_fk("accounts.Organisation", verbose_name=_("区县"))
    linked_project = models.CharField(_("区县配套项目"), max_length=200)
    note = models.TextField(_("配合内容"), blank=True)

    class Meta:
        ordering = ["framework", "id"]

    def __str__(self) -> str:
        return f"{self.district} · {self.linked_project}"
