"""Construction to acceptance (Art. 16-24, 28-30): the start of construction under an
engineering supervisor, supervision reports, annual performance reports, incidents with
rectification or suspension, trial operation, completion, archive acceptance, completion
acceptance on the threshold's two paths, extensions, and evaluations.

A project's delivery phase lives in ``Delivery`` (one per approved project) so the approval
state machine of the projects chapter stays as it is: ``Project.state`` remains "approved"
while ``Delivery.phase`` moves on. Every change of state is an action of ``actions/``;
every due date comes from ``deadlines.py``. The models with a state (``Delivery.phase``,
incidents, extension requests, acceptances and post-evaluations) change it only through their
machines (``machines.py``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.encrypted import EncryptedCharField
from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    Recorded,
    by_user,
    creation_time,
    kept_fk,
    maybe_by_user,
    optional_date,
    optional_time,
    state_field,
    update_time,
)
from investment.models import ByProjectQuerySet


class Phase(models.TextChoices):
    PREPARING = "preparing", _("开工准备")
    CONSTRUCTION = "construction", _("建设中")
    TRIAL = "trial", _("试运行")
    COMPLETED = "completed", _("已建成，待验收")
    ACCEPTED = "accepted", _("已通过竣工验收")
    FAILED = "failed", _("竣工验收未通过")


class AcceptancePath(models.TextChoices):
    """Art. 28: at or above the threshold BDB organises acceptance; below it the unit does and
    files the result with BDB."""

    BDB = "bdb", _("市大数据发展局组织验收")
    UNIT = "unit", _("建设单位组织验收并报备")


class RowQuerySet(StatefulQuerySet, ByProjectQuerySet):  # type: ignore[override]
    """Rows of a project (visible exactly when the project is) whose state changes only
    through their machine (``delivery/machines.py``)."""


class Delivery(StatefulModel):
    """The delivery record of an approved project; its ``phase`` moves only through the
    ``delivery`` machine (``delivery/machines.py``)."""

    MACHINE = "delivery"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="delivery"
    )
    phase = models.CharField(
        _("阶段"), max_length=14, choices=Phase.choices, default=Phase.PREPARING
    )
    implementing_agency = models.CharField(_("项目实施机构"), max_length=200, blank=True)
    responsible_person = models.CharField(_("项目负责人"), max_length=50, blank=True)
    responsible_phone = EncryptedCharField(_("负责人电话"), max_length=30, blank=True)
    started_on = optional_date(_("开工日期"))
    trial_started_on = optional_date(_("试运行开始日期"))
    completed_on = optional_date(_("建成日期"))
    incomplete_reason = models.TextField(
        _("里程碑未全部完成的原因"),
        blank=True,
        help_text=_("登记建成时仍有未完成里程碑的，须说明原因，供竣工验收审查（第二十八条）。"),
    )
    acceptance_path = models.CharField(
        _("验收方式"), max_length=6, choices=AcceptancePath.choices, blank=True
    )
    accepted_on = optional_date(_("竣工验收日期"))
    golive_on = optional_date(_("正式上线运行日期"))
    om_ineligible = models.BooleanField(
        _("不得安排运维经费"), default=False, help_text=_("竣工验收未通过（第二十八条）。")
    )
    archive_accepted_on = optional_date(_("档案验收日期"))
    archive_checklist = models.JSONField(_("档案清单"), default=dict, blank=True)
    updated_at = update_time(_("更新时间"))

    objects = RowQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("项目建设与验收")
        indexes = [models.Index(fields=["phase"])]

    def __str__(self):
        return f"{self.project.code} {self.get_phase_display()}"


class SupervisorAssignment(models.Model):
    """An engineering supervisor (工程监理单位) assigned to a construction project (Art. 22)."""

    project = kept_fk("projects.Project", related_name="supervisor_assignments")
    supervisor = kept_fk("accounts.Organisation", verbose_name=_("监理单位"))
    contract_number = models.CharField(_("监理合同编号"), max_length=60, blank=True)
    assigned_by = by_user()
    assigned_at = creation_time(_("登记时间"))
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-assigned_at"]
        verbose_name = verbose_name_plural = _("工程监理")
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_active=True), name="one_active_supervisor"
            )
        ]

    def __str__(self):
        return f"{self.project.code} · {self.supervisor}"


class SupervisionReport(models.Model):
    """A periodic supervision report with the supervisor's opinion (Art. 22)."""

    project = kept_fk("projects.Project", related_name="supervision_reports")
    period = models.CharField(_("报告期"), max_length=40)
    content = models.TextField(_("监理情况"))
    opinion = models.TextField(_("监理意见"))
    submitted_by = by_user()
    submitted_at = creation_time(_("提交时间"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-submitted_at"]
        verbose_name = verbose_name_plural = _("监理报告")

    def __str__(self):
        return f"{self.project.code} {self.period}"


class Milestone(models.Model):
    """A milestone of the construction schedule; progress is the weighted share done."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("里程碑"), max_length=100)
    planned_on = models.DateField(_("计划完成日期"))
    done_on = optional_date(_("实际完成日期"))
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "planned_on", "id"]
        verbose_name = verbose_name_plural = _("里程碑")

    def __str__(self):
        return self.name


class ArchiveFailure(Recorded):
    """A failed archive acceptance (档案验收不合格, Art. 29 ¶2) recorded by BDB with its reasons.

    It stays on record after the unit rectifies: the completion acceptance remains blocked until
    an archive acceptance passes (R29.1), and a later pass does not erase the failure."""

    project = kept_fk("projects.Project", related_name="archive_failures")
    failed_on = models.DateField(_("档案验收日期"))
    reasons = models.TextField(_("不合格原因及整改要求"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-failed_on", "-id"]
        verbose_name = verbose_name_plural = _("档案验收不合格记录")

    def __str__(self):
        return f"{self.project.code} {self.failed_on:%Y-%m-%d}"


class AnnualReport(models.Model):
    """年度绩效评价报告 due each year by the policy's date while under construction (Art. 23),
    with the opinions of the user units and the supervisor; progress and investment execution
    are computed from milestones and payments at submission."""

    project = kept_fk("projects.Project", related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    summary = models.TextField(_("建设进展与绩效情况"))
    user_opinions = models.TextField(_("使用单位意见"))
    supervisor_opinion = models.TextField(_("监理单位意见"))
    trial_effects = models.TextField(_("试运行效果"), blank=True)
    progress_percent = models.DecimalField(_("建设进度（%）"), max_digits=5, decimal_places=1)
    plan_amount = models.DecimalField(_("年度计划金额（元）"), max_digits=16, decimal_places=2)
    paid_amount = models.DecimalField(_("年度已支付（元）"), max_digits=16, decimal_places=2)
    submitted_by = by_user()
    submitted_at = creation_time(_("提交时间"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-year"]
        verbose_name = verbose_name_plural = _("年度绩效评价报告")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="annualreport_once")
        ]

    def __str__(self):
        return f"{self.project.code} {self.year}年度绩效评价报告"


class IncidentKind(models.TextChoices):
    DELAY = "delay", _("建设进度严重滞后")
    LOSS = "loss", _("重大损失")


class IncidentState(models.TextChoices):
    REPORTED = "reported", _("已报告")
    RECTIFYING = "rectifying", _("限期整改中")
    SUSPENDED = "suspended", _("已暂停")
    CLOSED = "closed", _("已解除或整改完成")


class Incident(StatefulModel):
    """A serious delay or major loss reported to DRC and Finance (Art. 24), who order
    rectification with a deadline or suspend the project."""

    MACHINE = "incident"

    project = kept_fk("projects.Project", related_name="incidents")
    kind = models.CharField(_("类型"), max_length=6, choices=IncidentKind.choices)
    description = models.TextField(_("情况说明"))
    state = state_field(IncidentState, 12, default=IncidentState.REPORTED)
    rectification_deadline = optional_date(_("整改期限"))
    order_text = models.TextField(_("处理意见"), blank=True)
    ordered_by = maybe_by_user()
    reported_by = by_user()
    reported_at = creation_time(_("报告时间"))
    closed_at = optional_time(_("解除时间"))

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = verbose_name_plural = _("重大事项")

    def __str__(self):
        return f"{self.project.code} {self.get_kind_display()}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待大数据局审核")
    GRANTED = "granted", _("同意延期")
    REFUSED = "refused", _("不同意延期")


class ExtensionRequest(StatefulModel):
    """A unit that cannot apply for acceptance in time asks BDB for an extension (Art. 28)."""

    MACHINE = "extension_request"

    project = kept_fk("projects.Project", related_name="extension_requests")
    requested_until = models.DateField(_("申请延期至"))
    reason = models.TextField(_("延期理由"))
    state = state_field(ExtensionState, 8, default=ExtensionState.PENDING)
    opinion = models.TextField(_("审核意见"), blank=True)
    requested_by = by_user()
    requested_at = creation_time(_("申请时间"))
    decided_by = maybe_by_user()
    decided_at = optional_time(_("审核时间"))

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-requested_at"]
        verbose_name = verbose_name_plural = _("验收延期申请")

    def __str__(self):
        return f"{self.project.code} 延期至 {self.requested_until}"


class AcceptanceState(models.TextChoices):
    APPLIED = "applied", _("已申请，待大数据局组织验收")
    PASSED = "passed", _("验收通过")
    FAILED = "failed", _("验收不通过")


class ProductReliability(models.TextChoices):
    """Art. 19: the secure-and-reliable status of the project's software and hardware products,
    an important part of the acceptance (R19.2)."""

    ALL = "all", _("全部安全可靠")
    PARTIAL = "partial", _("部分安全可靠")
    UNSTATED = "unstated", _("未说明")


class CryptoEvaluation(models.TextChoices):
    """Art. 19: the commercial-cryptography application security evaluation (密评) at
    acceptance."""

    PASSED = "passed", _("密码应用安全性评估通过")
    FAILED = "failed", _("密码应用安全性评估未通过")
    NOT_DONE = "not_done", _("未开展密码应用安全性评估")


class SecurityReview(models.TextChoices):
    """Art. 19: the security review (安全审查) of the project at acceptance; a project whose
    products need no review (not a critical information infrastructure purchase) says so."""

    PASSED = "passed", _("安全审查通过")
    FAILED = "failed", _("安全审查未通过")
    NOT_APPLICABLE = "not_applicable", _("不涉及安全审查")


class Acceptance(StatefulModel):
    """A completion acceptance (竣工验收): applied to BDB at or above the threshold, or
    organised by the unit below it and filed with BDB (Art. 28). Its result records what
    Art. 19 makes an important part of every acceptance (R19.2): the secure-and-reliable
    status of the products, the crypto evaluation and security review, and the energy
    efficiency of the hardware and of any new data centre."""

    MACHINE = "acceptance"

    project = kept_fk("projects.Project", related_name="acceptances")
    path = models.CharField(_("验收方式"), max_length=6, choices=AcceptancePath.choices)
    state = state_field(AcceptanceState, 8)
    held_on = optional_date(_("验收日期"))
    conclusion = models.TextField(_("验收结论"), blank=True)
    applied_by = by_user()
    applied_at = creation_time(_("申请或报备时间"))
    decided_by = maybe_by_user()
    filed_with_bdb_at = optional_time(_("报大数据局备案时间"))
    # Art. 19 (R19.2): blank on acceptances recorded before it was asked, and on applications
    products_reliability = models.CharField(
        _("软硬件产品安全可靠情况"), max_length=8, choices=ProductReliability.choices, blank=True
    )
    products_note = models.TextField(_("安全可靠情况说明"), blank=True)
    crypto_evaluation = models.CharField(
        _("密码应用安全性评估"), max_length=8, choices=CryptoEvaluation.choices, blank=True
    )
    security_review = models.CharField(
        _("安全审查情况"), max_length=14, choices=SecurityReview.choices, blank=True
    )
    energy_note = models.TextField(_("硬件设备能源利用效率情况"), blank=True)
    new_data_centre = models.BooleanField(_("新建数据中心"), default=False)
    pue = models.DecimalField(
        _("电能使用效率（PUE）"), max_digits=4, decimal_places=2, null=True, blank=True
    )

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-applied_at"]
        verbose_name = verbose_name_plural = _("竣工验收")
        constraints = [
            # PUE is total energy over IT energy: never below 1
            models.CheckConstraint(
                condition=Q(pue__isnull=True) | Q(pue__gte=1), name="acceptance_pue_at_least_one"
            )
        ]

    def __str__(self):
        return f"{self.project.code} {self.get_state_display()}"


class PostEvaluationState(models.TextChoices):
    COMMISSIONED = "commissioned", _("已委托")
    DONE = "done", _("已完成")


class PostEvaluation(StatefulModel):
    """A third-party post-evaluation commissioned by DRC or BDB (Art. 30) and done by an
    assigned consultant; its result is an ``investment.EvaluationResult``."""

    MACHINE = "post_evaluation"

    project = kept_fk("projects.Project", related_name="post_evaluations")
    consultant = kept_fk("accounts.Organisation", verbose_name=_("评价机构"))
    state = state_field(PostEvaluationState, 12, default=PostEvaluationState.COMMISSIONED)
    commissioned_by = by_user()
    commissioned_at = creation_time(_("委托时间"))
    result = models.OneToOneField(
        "investment.EvaluationResult", null=True, blank=True, on_delete=models.PROTECT
    )

    objects = RowQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-commissioned_at"]
        verbose_name = verbose_name_plural = _("第三方后评价")

    def __str__(self):
        return f"{self.project.code} 后评价（{self.consultant}）"
