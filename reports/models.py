"""What the reports chapter stores: the computed health of each project (current and one
snapshot a month) and the official documents the platform issues as PDF.

Nothing here is entered by a person. A health rating is computed from the lifecycle records
(``reports.health``), never self-reported; an official document is generated from the act
that decided it (``reports.documents``) and stored immutably with its subject's documents.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.model_parts import DetailPage, by_user, creation_time, optional_fk
from investment.models import ByProjectQuerySet


class HealthLevel(models.IntegerChoices):
    """Three levels, like the U.S. IT Dashboard's risk ratings; the thresholds are parameters of
    the policy in force (``policy.parameters``)."""

    GREEN = 0, _("正常")
    YELLOW = 1, _("关注")
    RED = 2, _("预警")


class Dimension(models.TextChoices):
    """The four families of factors a rating is made of."""

    COST = "cost", _("投资控制")
    SCHEDULE = "schedule", _("建设进度")
    REPORTING = "reporting", _("报告报送")
    COMPLIANCE = "compliance", _("合规整改")


DIMENSIONS = tuple(d.value for d in Dimension)


class HealthFields(models.Model):
    """The rating: its overall level (the worst of the four), each dimension's level and the
    facts and articles every factor read (``reports.health.rate``)."""

    level = models.PositiveSmallIntegerField(_("健康度"), choices=HealthLevel.choices)
    cost = models.PositiveSmallIntegerField(_("投资控制"), choices=HealthLevel.choices)
    schedule = models.PositiveSmallIntegerField(_("建设进度"), choices=HealthLevel.choices)
    reporting = models.PositiveSmallIntegerField(_("报告报送"), choices=HealthLevel.choices)
    compliance = models.PositiveSmallIntegerField(_("合规整改"), choices=HealthLevel.choices)
    factors = models.JSONField(_("各因素事实"), default=dict)
    policy_version = models.CharField(_("政策版本"), max_length=64, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        abstract = True


class ProjectHealth(HealthFields):
    """The current rating of an approved project, one row per project, recomputed after every
    action on the project and daily as the clocks run (``reports.tasks``). Lists sort and filter
    by it, and the dashboards count it, without computing 100,000 ratings per request."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, primary_key=True, related_name="health"
    )

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("项目健康度")
        indexes = [models.Index(fields=["level"], name="reports_health_level")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_level_display()}"


class HealthSnapshot(HealthFields):
    """The rating as it stood in one month (taken on the first run of the month and kept), so
    the project page can draw its history as a line."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="health_snapshots"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "month"]
        verbose_name = verbose_name_plural = _("健康度月度快照")
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="reports_snapshot_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="reports_snapshot_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m} {self.get_level_display()}"


class DocumentKind(models.TextChoices):
    APPROVAL = "approval", _("批复")
    LIST_REVIEW = "list_review", _("项目清单审核意见")
    JOINT_REVIEW = "joint_review", _("联合技术审查意见")
    ACCEPTANCE = "acceptance", _("竣工验收意见")
    OM_NOTICE = "om_notice", _("运维经费安排决定通知")
    RECTIFICATION = "rectification", _("整改通知书")
    CRITICISM = "criticism", _("通报")


class OfficialDocumentQuerySet(models.QuerySet):
    def for_user(self, user: object) -> OfficialDocumentQuerySet:
        """An official document is seen by whoever sees the stored file (its subject)."""
        from accounts.scoping import for_user
        from documents.models import Document

        return self.filter(document__in=for_user(Document, user).values("pk"))


class OfficialDocument(DetailPage, models.Model):
    """An official act the platform issued as PDF: its 文号, date, issuing authority and
    recipient, the content it was typeset from (``spec``), the SM3 digest of that content (the
    one printed on the page) and of the file, and the platform's SM2 signature of the file's
    digest. The file itself is a version of a ``documents.Document`` of its subject, so it is
    immutable and goes into the project's electronic archive; it is never regenerated."""

    kind = models.CharField(_("文书类型"), max_length=16, choices=DocumentKind.choices)
    number = models.CharField(_("文号"), max_length=100, db_index=True)
    prefix = models.CharField(_("文号前缀"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("顺序号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    authority = models.CharField(_("发文机关"), max_length=200)
    recipient = models.CharField(_("主送"), max_length=200)
    issued_on = models.DateField(_("成文日期"))
    project = optional_fk(
        "projects.Project", verbose_name=_("项目"), related_name="official_documents"
    )
    source_type = models.CharField(_("依据记录类型"), max_length=64)
    source_id = models.CharField(_("依据记录编号"), max_length=64)
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("存档文件"),
        on_delete=models.PROTECT,
        related_name="official",
    )
    spec = models.JSONField(_("文书内容"))
    content_sm3 = models.CharField(_("内容摘要（SM3）"), max_length=64, db_index=True)
    file_sm3 = models.CharField(_("文件摘要（SM3）"), max_length=64, db_index=True)
    signature = models.TextField(_("平台 SM2 签名"))
    key_id = models.CharField(_("签名密钥编号"), max_length=40)
    issued_by = by_user()
    created_at = creation_time(_("生成时间"))

    detail_url_name = "reports:document_pdf"

    objects = OfficialDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = verbose_name_plural = _("正式文书")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"], name="reports_document_once"
            ),
            models.UniqueConstraint(
                fields=["prefix", "year", "serial"],
                condition=Q(serial__isnull=False),
                name="reports_document_serial",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


REVIEW_KINDS = ("list", "evaluation", "joint", "drc_approval", "design_content", "isolation")


class ProjectFigures(models.Model):
    """What the dashboards count of one project, kept so that a dashboard over 100,000
    projects is a scan of one narrow table (``reports.figures``) instead of the live joins.

    A row is computed from the project's records by the same expressions as the live charts
    and drill-down lists; any save or delete of those records marks it ``stale`` in the same
    transaction (``reports.figures.watch``), and a dashboard recomputes stale and missing rows
    before counting, so the figures stay equal to the lists. What depends on the day is stored
    as a date (the day an item falls due) and compared with the day in SQL; the annual-report
    window and the policy's clock parameters are the row's ``basis``."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    stale = models.BooleanField(default=True)
    basis = models.CharField(max_length=80, blank=True)
    draft = models.BooleanField(default=False)
    year = models.PositiveSmallIntegerField(default=0)
    unit_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=16, blank=True)
    stage_rank = models.PositiveSmallIntegerField(default=0)
    # money in cents and times in microseconds: whole numbers, which PostgreSQL sums many
    # times faster than numeric and interval, and exactly (converted back in reports.figures)
    requested = models.BigIntegerField(default=0)
    approved = models.BigIntegerField(null=True)
    planned = models.BigIntegerField(null=True)
    budgeted = models.BigIntegerField(null=True)
    contracted = models.BigIntegerField(null=True)
    paid = models.BigIntegerField(null=True)
    # decided review steps of each kind: how many, and their total time from receipt to decision
    list_n = models.IntegerField(default=0)
    list_time = models.BigIntegerField(null=True)
    evaluation_n = models.IntegerField(default=0)
    evaluation_time = models.BigIntegerField(null=True)
    joint_n = models.IntegerField(default=0)
    joint_time = models.BigIntegerField(null=True)
    drc_approval_n = models.IntegerField(default=0)
    drc_approval_time = models.BigIntegerField(null=True)
    design_content_n = models.IntegerField(default=0)
    design_content_time = models.BigIntegerField(null=True)
    isolation_n = models.IntegerField(default=0)
    isolation_time = models.BigIntegerField(null=True)
    clock_running = models.BooleanField(default=False)
    reports_overdue = models.IntegerField(default=0)
    acceptance_due = models.DateField(null=True)
    self_evaluation_due = models.DateField(null=True)
    suspended = models.BooleanField(default=False)
    terminated = models.BooleanField(default=False)
    #: the stored rating's level (``ProjectHealth``), written with it by ``health.refresh``
    health_level = models.PositiveSmallIntegerField(null=True)

    class Meta:
        verbose_name = verbose_name_plural = _("项目统计数")
        indexes = [
            models.Index(fields=["year"], name="reports_figures_year"),
            models.Index(fields=["unit_id"], name="reports_figures_unit"),
            models.Index(fields=["stale"], name="reports_figures_stale"),
            models.Index(fields=["basis"], name="reports_figures_basis"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}"
