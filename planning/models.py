"""Planning (Art. 6, 7): the city plan and its versions, department master plans
(整合建设总体方案) with their revisions, items and filings, and each unit's data-governance record.

A filed master-plan revision is immutable: changing a filed plan always goes through a new draft
revision that must be filed again (R6.3). States are TextChoices; every change of state is an
action in ``planning/actions.py``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.enums import Severity
from core.errors import ActionBlocked
from core.findings import Finding
from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    Created,
    PublicToSignedIn,
    Recorded,
    by_user,
    creation_time,
    kept_fk,
    maybe_by_user,
    numbered_versions,
    optional_date,
    optional_time,
    period_order,
    state_field,
)

# Authorities that read every unit's plans: BDB guides and assesses master plans (Art. 6 ¶2),
# DRC and 市委网信办 receive the filings; Audit and the platform admin read everything.
PLAN_READER_ROLES = frozenset(
    {Role.BDB_REVIEWER, Role.DRC_OFFICER, Role.CAC_REVIEWER, Role.AUDITOR, Role.PLATFORM_ADMIN}
)
# The city plan is drafted by BDB with 市委网信办 and DRC and approved by the city government.
CITY_PLAN_INSIDER_ROLES = frozenset(
    {
        Role.BDB_REVIEWER,
        Role.DRC_OFFICER,
        Role.CAC_REVIEWER,
        Role.GOV_APPROVER,
        Role.AUDITOR,
        Role.PLATFORM_ADMIN,
    }
)
UNIT_STAFF_ROLES = (Role.UNIT_OFFICER, Role.UNIT_HEAD)


def _reads_all_plans(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*PLAN_READER_ROLES)))


def _unit_ids(user) -> set[int]:
    return {m.organisation_id for m in user.active_memberships() if m.role in UNIT_STAFF_ROLES}


class _YearPeriod:
    """The city plan and a master plan each cover years ``start_year`` to ``end_year``."""

    start_year: int
    end_year: int

    @property
    def period_label(self) -> str:
        return f"{self.start_year}—{self.end_year}年"

    @property
    def period_years(self) -> int:
        return self.end_year - self.start_year + 1


# -- city plan (R6.1) ------------------------------------------------------------------------


class CityPlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("报市政府审批中")
    RETURNED = "returned", _("市政府退回")
    APPROVED = "approved", _("已批准（现行）")
    SUPERSEDED = "superseded", _("已被调整版本取代")


OPEN_CITY_PLAN_STATES = (CityPlanState.DRAFT, CityPlanState.SUBMITTED, CityPlanState.RETURNED)


class CityPlanVersionKind(models.TextChoices):
    ORIGINAL = "original", _("编制")
    ADJUSTMENT = "adjustment", _("评估调整")


class CityPlanQuerySet(PublicToSignedIn, models.QuerySet):
    """The city plan is a public planning document: every signed-in user may see it (units
    must align their own plans with it, Art. 6 ¶1); unapproved versions are filtered on
    CityPlanVersion."""


class CityPlan(_YearPeriod, Created):
    """市级政务信息化建设规划 (Art. 6 ¶1): drafted by BDB, approved by the city government;
    its content lives in versions, exactly one approved version is current."""

    title = models.CharField(_("规划名称"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("终止年度"))

    objects = CityPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "-id"]
        verbose_name = verbose_name_plural = _("市级政务信息化建设规划")
        constraints = [period_order("cityplan_period_order")]

    def __str__(self):
        return self.title

    def current_version(self):
        return self.versions.filter(is_current=True).first()

    def open_version(self):
        return self.versions.filter(state__in=OPEN_CITY_PLAN_STATES).first()


class CityPlanVersionQuerySet(StatefulQuerySet):
    def for_user(self, user):
        """Authorities that draft, approve or audit see every version; others see only what
        the city government approved (current or superseded)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.has_role(*CITY_PLAN_INSIDER_ROLES):
            return self
        return self.filter(state__in=[CityPlanState.APPROVED, CityPlanState.SUPERSEDED])


class CityPlanVersion(StatefulModel):
    """One version of the city plan. Version 1 is the original; a re-assessment (评估论证)
    creates a later version proposing adjustments, which needs the city government's approval
    again; until then the previously approved version stays current."""

    MACHINE = "city_plan"

    plan = models.ForeignKey(CityPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    kind = models.CharField(
        _("类型"), max_length=12, choices=CityPlanVersionKind.choices, default="original"
    )
    state = state_field(CityPlanState, 12, default=CityPlanState.DRAFT)
    summary = models.TextField(_("规划要点"), blank=True)
    data_orientation = models.TextField(
        _("数据导向与数据治理要点"),
        blank=True,
        help_text=_("第六条：坚持数据导向，突出数据治理，激发数据要素价值。"),
    )
    reassessment_reason = models.TextField(
        _("评估论证情况及调整理由"),
        blank=True,
        help_text=_("因国家部署或内（外）部发展环境发生重大变化影响规划实施时填写（第六条）。"),
    )
    is_current = models.BooleanField(_("现行版本"), default=False)
    drafted_by = by_user()
    submitted_at = optional_time(_("报批时间"))
    decided_at = optional_time(_("审批时间"))
    decided_by = maybe_by_user()
    decision_opinion = models.TextField(_("审批意见"), blank=True)
    created_at = creation_time(_("创建时间"))

    objects = CityPlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = verbose_name_plural = _("市级规划版本")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="cityplanversion_number"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(is_current=True), name="cityplanversion_one_current"
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state__in=["draft", "submitted", "returned"]),
                name="cityplanversion_one_open",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(state="approved"),
                name="cityplanversion_current_is_approved",
            ),
        ]

    def __str__(self):
        return f"{self.plan.title}（第{self.number}版）"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CITY_PLAN_STATES


# -- department master plan (R6.2, R6.3) -----------------------------------------------------


class RevisionState(models.TextChoices):
    DRAFT = "draft", _("草稿（未报备）")
    FILED = "filed", _("已报备（现行）")
    SUPERSEDED = "superseded", _("已被新报备版本取代")


class ItemKind(models.TextChoices):
    NEW = "new", _("新建")
    EXPANSION = "expansion", _("改扩建")
    CONTINUING = "continuing", _("续建")
    OM = "om", _("运维")


CONSTRUCTION_KINDS = (ItemKind.NEW, ItemKind.EXPANSION, ItemKind.CONTINUING)


class ItemStatus(models.TextChoices):
    BUILDING = "building", _("在建")
    PLANNED = "planned", _("计划")
    OPERATING = "operating", _("运维")


class UnitScopedQuerySet(StatefulQuerySet):
    """A unit sees its own plans; BDB, DRC, 市委网信办, Audit and the admin see all."""

    unit_field = "unit_id"

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if _reads_all_plans(user):
            return self
        return self.filter(**{f"{self.unit_field}__in": _unit_ids(user)})


class MasterPlanQuerySet(UnitScopedQuerySet):
    pass


class MasterPlan(Created):
    """整合建设总体方案 of one unit (Art. 6 ¶2-3). Its content is in revisions; a revision is
    filed (报备) with BDB, DRC and 市委网信办 after the unit's collective review."""

    unit = kept_fk("accounts.Organisation", verbose_name=_("建设单位"), related_name="master_plans")
    title = models.CharField(_("方案名称"), max_length=200)

    objects = MasterPlanQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name", "-id"]
        verbose_name = verbose_name_plural = _("整合建设总体方案")

    def __str__(self):
        return f"{self.unit.display_name} · {self.title}"

    def latest_revision(self):
        return self.revisions.order_by("-number").first()

    def draft_revision(self):
        return self.revisions.filter(state=RevisionState.DRAFT).first()

    def filed_revision(self):
        """The revision of this plan that is currently filed (None if never filed or
        replaced by a later plan of the unit)."""
        return self.revisions.filter(is_current_filed=True).first()


class RevisionImmutable(ActionBlocked):
    """A filed (or superseded) master-plan revision cannot be changed (R6.3). The actions
    never try; this guards the rule against any other code."""

    code = "revision_immutable"

    def __init__(self, message: str):
        super().__init__(
            [
                Finding(
                    rule_id="R6.3.immutable",
                    article="第六条",
                    severity=Severity.BLOCK,
                    title="",
                    message=message,
                    remedy="请在新修订稿中调整，经集体审议后重新报备。",
                    facts={},
                )
            ]
        )


class MasterPlanRevisionQuerySet(UnitScopedQuerySet):
    pass


REVISION_MUTABLE_AFTER_FILING = frozenset(
    {"state", "is_current_filed", "superseded_at", "filed_at", "filed_by"}
)


class MasterPlanRevision(_YearPeriod, StatefulModel, Created):
    """One revision of a master plan. A draft may be edited; filing freezes it. Adding,
    removing or changing an item of a filed revision creates the next draft revision, and the
    filed one stays current until the new one is filed (R6.3)."""

    MACHINE = "master_plan_revision"

    plan = models.ForeignKey(MasterPlan, on_delete=models.CASCADE, related_name="revisions")
    unit = kept_fk("accounts.Organisation", related_name="+", editable=False)
    number = models.PositiveSmallIntegerField(_("修订版次"))
    state = state_field(RevisionState, 12, default=RevisionState.DRAFT)
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("终止年度"))
    data_plan = models.TextField(
        _("数据规划及数据治理内容"),
        blank=True,
        help_text=_("第六条：总体方案应坚持数据导向，重点包含数据规划及数据治理等内容。"),
    )
    collective_review_date = optional_date(_("集体审议日期"))
    collective_review_ref = models.CharField(
        _("集体审议纪要文号"),
        max_length=100,
        blank=True,
        help_text=_("如：党组会议纪要〔2024〕5号"),
    )
    change_note = models.TextField(_("修订说明"), blank=True)
    is_current_filed = models.BooleanField(_("现行报备版本"), default=False)
    filed_at = optional_time(_("报备时间"))
    filed_by = maybe_by_user()
    superseded_at = optional_time(_("被取代时间"))

    objects = MasterPlanRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = verbose_name_plural = _("总体方案修订版")
        constraints = [
            *numbered_versions("masterplanrevision"),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(is_current_filed=True),
                name="masterplanrevision_one_current_filed_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(is_current_filed=False) | Q(state="filed"),
                name="masterplanrevision_current_is_filed",
            ),
            period_order("masterplanrevision_period_order"),
        ]

    def __str__(self):
        return f"{self.plan.title}（第{self.number}版）"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True).first()
            if stored is not None and stored != RevisionState.DRAFT:
                fields = kwargs.get("update_fields")
                if fields is None or not set(fields) <= REVISION_MUTABLE_AFTER_FILING:
                    raise RevisionImmutable(
                        f"{self} 已报备，不能修改（第六条）。如需增加、删减或调整项目，"
                        "请新建修订稿并重新履行集体审议和报备程序。"
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.state != RevisionState.DRAFT:
            raise RevisionImmutable(f"{self} 已报备，不能删除（第六条）。")
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.state == RevisionState.DRAFT


class MasterPlanItemQuerySet(UnitScopedQuerySet):
    unit_field = "revision__unit_id"


def _assert_revision_draft(revision_id) -> None:
    state = (
        MasterPlanRevision.objects.filter(pk=revision_id).values_list("state", flat=True).first()
    )
    if state is not None and state != RevisionState.DRAFT:
        raise RevisionImmutable(
            "该修订版已报备，其中的项目不能修改（第六条）。请在新修订稿中调整并重新报备。"
        )


class MasterPlanItem(models.Model):
    """A project listed in a master-plan revision. ``key`` identifies the same project across
    revisions, so that a project of the list (Art. 8) can cite it."""

    revision = models.ForeignKey(MasterPlanRevision, on_delete=models.CASCADE, related_name="items")
    key = models.UUIDField(_("项目标识"), default=uuid.uuid4, editable=False)
    seq = models.PositiveSmallIntegerField(_("建设时序号"))
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=12, choices=ItemKind.choices)
    status = models.CharField(_("项目状态"), max_length=12, choices=ItemStatus.choices)
    planned_year = models.PositiveSmallIntegerField(_("计划申报年度"))
    is_data_governance = models.BooleanField(
        _("数据治理类项目"), default=False, help_text=_("数据标准制定、数据汇聚治理等（先治理）。")
    )
    description = models.TextField(_("建设内容概述"), blank=True)

    objects = MasterPlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["revision", "seq"]
        verbose_name = verbose_name_plural = _("总体方案项目")
        constraints = [
            models.UniqueConstraint(fields=["revision", "seq"], name="masterplanitem_seq"),
            models.UniqueConstraint(fields=["revision", "key"], name="masterplanitem_key"),
            models.UniqueConstraint(fields=["revision", "name"], name="masterplanitem_name"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="masterplanitem_seq_positive"),
        ]

    def __str__(self):
        return f"{self.seq}. {self.name}"

    def save(self, *args, **kwargs):
        _assert_revision_draft(self.revision_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _assert_revision_draft(self.revision_id)
        return super().delete(*args, **kwargs)

    def content(self) -> dict:
        """What counts as "the same project" between revisions (R6.3)."""
        return {
            "seq": self.seq,
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "planned_year": self.planned_year,
            "is_data_governance": self.is_data_governance,
            "description": self.description,
        }


class FilingQuerySet(UnitScopedQuerySet):
    unit_field = "revision__unit_id"


class MasterPlanFiling(models.Model):
    """The filing (报备) of one revision with one authority: BDB, DRC and 市委网信办 each get
    one row; ``received_at`` is set when the authority confirms receipt."""

    revision = models.ForeignKey(
        MasterPlanRevision, on_delete=models.CASCADE, related_name="filings"
    )
    authority = kept_fk("accounts.Organisation", verbose_name=_("报备机关"), related_name="+")
    filed_at = models.DateTimeField(_("报备时间"))
    received_at = optional_time(_("确认收到时间"))
    received_by = maybe_by_user()

    objects = FilingQuerySet.as_manager()

    class Meta:
        ordering = ["revision", "authority__name"]
        verbose_name = verbose_name_plural = _("总体方案报备")
        constraints = [
            models.UniqueConstraint(fields=["revision", "authority"], name="filing_once")
        ]

    def __str__(self):
        return f"{self.revision} → {self.authority.display_name}"


# -- data governance before construction (R7.1) ----------------------------------------------


class DataGovernanceQuerySet(UnitScopedQuerySet):
    pass


class DataGovernanceRecord(Recorded):
    """A unit's statement that its data standards are set and its existing data aggregated and
    governed (Art. 7). Each recording adds a row; the latest is in force."""

    unit = kept_fk(
        "accounts.Organisation", verbose_name=_("建设单位"), related_name="data_governance_records"
    )
    standards_set_on = optional_date(_("数据标准制定完成日期"))
    data_aggregated = models.BooleanField(_("已对已有数据完成汇聚治理"), default=False)
    governance_summary = models.TextField(_("数据汇聚治理情况"), blank=True)

    objects = DataGovernanceQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "-recorded_at", "-id"]
        verbose_name = verbose_name_plural = _("数据治理登记")

    def __str__(self):
        return f"{self.unit.display_name} · {self.recorded_at:%Y-%m-%d}"

    @property
    def is_complete(self) -> bool:
        return bool(
            self.standards_set_on and self.data_aggregated and self.governance_summary.strip()
        )
