"""Documents (Art. 14, 28, 29): files attached to any subject (a master plan, a project, a
review…), each with numbered versions that are never overwritten, and their SHA-256 and SM3
digests for integrity (GB/T 39786-2021).

A document is visible to exactly the users who can see its subject: visibility is delegated to
the subject model's own ``for_user``. ``DocType`` and ``Chapter`` are imported by the chapters
that require materials (feasibility studies, the five chapters of Art. 14, approvals…).
"""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import for_user, sees_everything
from core.errors import ActionConflict
from core.model_parts import by_user, kept_fk, maybe_by_user, optional_fk, optional_time


class DocType(models.TextChoices):
    FSR = "fsr", _("可行性研究报告")
    FSR_BUDGET = "fsr_budget", _("可研报告及概（预）算（代初步设计）")
    DESIGN = "design", _("初步设计及概（预）算")
    REQUIREMENT = "requirement", _("项目需求说明")
    CHAPTER = "chapter", _("报告章节附件")
    DATA_CATALOG = "data_catalog", _("数据资源目录")
    CRYPTO_PLAN = "crypto_plan", _("密码应用方案")
    POST_EVALUATION = "post_evaluation", _("原项目第三方后评价报告")
    ENERGY_ASSESSMENT = "energy_assessment", _("节能评估")
    SITE_SELECTION = "site_selection", _("选址意见")
    LAND_PREREVIEW = "land_prereview", _("用地预审")
    ENV_ASSESSMENT = "env_assessment", _("环境影响评价")
    EVALUATION_REPORT = "evaluation_report", _("第三方评估报告")
    APPROVAL_DOCUMENT = "approval_document", _("批复文件")
    OPINION_ATTACHMENT = "opinion_attachment", _("审核意见附件")
    FRAMEWORK_OPINION = "framework_opinion", _("跨部门框架方案审核意见")
    # delivery (Art. 22, 28, 29, 30)
    CONSTRUCTION_SUMMARY = "construction_summary", _("项目建设总结")
    FINANCIAL_REPORT = "financial_report", _("财务报告")
    AUDIT_REPORT = "audit_report", _("审计报告")
    MLPS_REPORT = "mlps_report", _("网络安全等级保护测评报告")
    MLPS_FILING = "mlps_filing", _("网络安全等级保护备案情况")
    SECRECY_EVALUATION = "secrecy_evaluation", _("涉密信息系统安全保密测评报告")
    CRYPTO_ASSESSMENT = "crypto_assessment", _("密码应用安全性评估报告")
    DATA_DICTIONARY = "data_dictionary", _("数据字典")
    ARCHIVE_ACCEPTANCE = "archive_acceptance", _("档案验收意见")
    ACCEPTANCE_REPORT = "acceptance_report", _("竣工验收报告")
    SELF_EVALUATION = "self_evaluation", _("自评价报告")
    POST_EVALUATION_REPORT = "post_evaluation_report", _("后评价报告")
    SUPERVISION_REPORT = "supervision_report", _("监理报告")
    OTHER = "other", _("其他")


class Chapter(models.TextChoices):
    """The five chapters a feasibility study / design must contain (Art. 14, R14.1)."""

    DATA_GOVERNANCE = "data_governance", _("数据资源收集治理及业务应用梳理")
    DATA_SHARING = "data_sharing", _("数据资源共享分析")
    SECURITY = "security", _("网络安全保护措施")
    CRYPTO = "crypto", _("密码应用方案")
    INTENSIVE = "intensive", _("集约化建设")


def subject_models_of(content_type_ids):
    """(content type id, model class) for each id whose model is still installed."""
    for ct_id in content_type_ids:
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is not None:
            yield ct_id, model


class DocumentQuerySet(models.QuerySet):
    def for_user(self, user, *, subject_types=None):
        """A user sees a document iff they can see its subject (the subject model's
        ``for_user``). Subjects whose model exposes no ``for_user`` are seen only by those who
        see everything (Audit, the platform admin). ``subject_types``: the content type ids
        the caller's documents can have, when it knows them (the subjects of rows it read):
        the sight is asked of those models only, without reading which types the whole
        table holds."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        if subject_types is None:
            subject_types = (
                self.model._default_manager.order_by()
                .values_list("subject_type_id", flat=True)
                .distinct()
            )
        visible = Q(pk__in=[])
        for ct_id, model in subject_models_of(list(subject_types)):
            try:
                subjects = for_user(model, user)
            except TypeError:  # an unscoped subject model: not exposed to ordinary users
                continue
            visible |= Q(subject_type_id=ct_id, subject_id__in=subjects.values("pk"))
        return self.filter(visible)

    def of(self, subject):
        """Documents of one subject (no user scoping: load the subject for the user first)."""
        ct = ContentType.objects.get_for_model(subject, for_concrete_model=False)
        return self.filter(subject_type=ct, subject_id=subject.pk)

    def active(self):
        return self.filter(is_withdrawn=False)

    def with_versions(self):
        """Prefetch versions newest first so ``current_version()`` costs no query."""
        return self.prefetch_related(
            models.Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
                to_attr="versions_newest_first",
            )
        )


class Document(models.Model):
    """A logical document attached to a subject; its content lives in ``DocumentVersion``.
    Documents are never deleted: a wrong or superseded one is withdrawn (作废) with a reason."""

    subject_type = kept_fk(ContentType, verbose_name=_("所属对象类型"), related_name="+")
    subject_id = models.PositiveBigIntegerField(_("所属对象编号"))
    subject = GenericForeignKey("subject_type", "subject_id")
    doc_type = models.CharField(_("材料类型"), max_length=32, choices=DocType.choices)
    title = models.CharField(_("文件名称"), max_length=200)
    chapter = models.CharField(_("章节"), max_length=32, choices=Chapter.choices, blank=True)
    organisation = optional_fk(
        "accounts.Organisation", verbose_name=_("所属单位"), related_name="documents"
    )
    created_by = by_user(verbose_name=_("上传人"))
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    is_withdrawn = models.BooleanField(_("已作废"), default=False)
    withdrawn_at = optional_time(_("作废时间"))
    withdrawn_by = maybe_by_user(verbose_name=_("作废人"))
    withdraw_reason = models.TextField(_("作废原因"), blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("文件")
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "doc_type"], name="documents_subject_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_withdrawn=False) | ~Q(withdraw_reason=""),
                name="documents_withdrawn_has_reason",
            )
        ]

    def __str__(self):
        return self.title

    def current_version(self):
        """The newest version (uses the prefetch of ``with_versions()`` when present)."""
        prefetched = getattr(self, "versions_newest_first", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.versions.order_by("-number").first()


class DocumentVersionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(document__in=for_user(Document, user).values("pk"))


def version_upload_to(instance, filename):
    """``documents/YYYY/MM/<random>.<ext>``: the stored name reveals nothing and never
    collides; the user's file name is kept in ``original_name``."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class VersionImmutable(ActionConflict):
    code = "version_immutable"

    def __init__(self):
        super().__init__("已上传的文件版本不可修改或删除；请上传新版本。")


class DocumentVersion(models.Model):
    """One uploaded file of a document, numbered 1, 2, 3… Never overwritten or deleted."""

    document = kept_fk(Document, verbose_name=_("文件"), related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    file = models.FileField(_("文件"), upload_to=version_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    sm3 = models.CharField("SM3", max_length=64)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    uploaded_by = by_user(verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = verbose_name_plural = _("文件版本")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="documents_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="documents_version_positive"),
        ]

    def __str__(self):
        return f"{self.document} · 第{self.number}版"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VersionImmutable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VersionImmutable()

    @property
    def size_display(self) -> str:
        from .validation import format_size

        return format_size(self.size)
