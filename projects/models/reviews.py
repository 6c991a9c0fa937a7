"""Reviews of a project (Art. 4, 8, 9): who must act (a person of an authority, or an assigned
consultant), in which round, with which opinion.

Reviews of every kind share one model: that is what makes to-dos, 转办 (transfer), 抄送
(copy-to), attachments and the "two reviewers at once" guarantee work the same way at every
step. A review's state changes only through the machine ``project_review``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Authority, Role
from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    by_user,
    creation_time,
    maybe_by_user,
    optional_fk,
    optional_time,
    state_field,
)
from core.money import MoneyField

from .project import Project, Stage


class ReviewKind(models.TextChoices):
    LIST = "list", _("大数据局项目清单审核")
    EVALUATION = "evaluation", _("第三方咨询评估")
    JOINT = "joint", _("联合技术审查")
    DRC_APPROVAL = "drc_approval", _("发展改革委审批")
    DESIGN_CONTENT = "design_content", _("大数据局初步设计内容审核")
    ISOLATION = "isolation", _("孤网项目初审和批准")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("待办理")
    IN_PROGRESS = "in_progress", _("办理中")
    AGREED = "agreed", _("同意")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("不予通过")
    SUPERSEDED = "superseded", _("已失效")


OPEN_REVIEW_STATES = (ReviewState.PENDING, ReviewState.IN_PROGRESS)


class ListCriterion(models.TextChoices):
    """The criteria of BDB's necessity review (Art. 8 ¶2, R8.2)."""

    BASIS = "basis", _("建设依据")
    INTEGRATION = "integration", _("系统整合方案")
    SHARING = "sharing", _("数据共享方案")
    COMMON_NEEDS = "common_needs", _("跨部门共性需求")
    GOVERNANCE = "governance", _("数据治理")


class Verdict(models.TextChoices):
    PASS = "pass", _("符合")
    PARTIAL = "partial", _("基本符合")
    FAIL = "fail", _("不符合")


# The joint technical review of Art. 9: network security, budget, data resources, cryptography,
# secrecy. 网络安全 is 市委网信办 (the network-security authority of Art. 5); 公安 may be copied.
JOINT_REVIEW_AUTHORITIES = (
    Authority.CAC,
    Authority.FINANCE,
    Authority.BDB,
    Authority.CRYPTO,
    Authority.SECRECY,
)
JOINT_REVIEW_TOPIC: dict[str, Any] = {
    Authority.CAC: _("网络安全"),
    Authority.FINANCE: _("预算管理"),
    Authority.BDB: _("政务数据资源"),
    Authority.CRYPTO: _("密码应用"),
    Authority.SECRECY: _("保密"),
}
AUTHORITY_REVIEWER_ROLE = {
    Authority.BDB: Role.BDB_REVIEWER,
    Authority.DRC: Role.DRC_OFFICER,
    Authority.FINANCE: Role.FINANCE_OFFICER,
    Authority.CAC: Role.CAC_REVIEWER,
    Authority.CRYPTO: Role.CRYPTO_REVIEWER,
    Authority.SECRECY: Role.SECRECY_REVIEWER,
    Authority.PSB: Role.PSB_REVIEWER,
}


class ReviewQuerySet(StatefulQuerySet):
    def for_user(self, user: Any) -> ReviewQuerySet:
        return self.filter(project__in=Project.objects.for_user(user))

    def open(self) -> ReviewQuerySet:
        return self.filter(state__in=OPEN_REVIEW_STATES)


class Review(StatefulModel):
    """One review step of one project: BDB's list review, the consultant's evaluation, one
    authority's opinion in the joint review, DRC's approval, BDB's design-content review.

    ``authority`` names the authority that must act (any of its reviewers may, unless
    ``assignee`` is set by 转办 or by DRC's assignment of a consultant). ``round`` counts
    resubmissions: a return closes the round, the next submission opens fresh reviews."""

    MACHINE = "project_review"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("审核环节"), max_length=16, choices=ReviewKind.choices)
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices, default=Stage.FSR)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    authority = models.CharField(
        _("主管部门"), max_length=20, choices=Authority.choices, blank=True
    )
    consultant = optional_fk(
        "accounts.Organisation", verbose_name=_("第三方咨询评估机构"), related_name="+"
    )
    assignee = optional_fk(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), related_name="assigned_reviews"
    )
    state = state_field(ReviewState, 12, default=ReviewState.PENDING)
    opinion = models.TextField(_("意见"), blank=True)
    criteria = models.JSONField(_("分项意见"), default=dict, blank=True)
    chapter_opinions = models.JSONField(_("五章节意见"), default=dict, blank=True)
    priority = models.PositiveSmallIntegerField(_("优先级"), null=True, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    approved_amount = MoneyField(_("核定总投资（元）"), null=True, blank=True)
    # Art. 9: DRC approving more than the unit requested says why, on the record.
    over_request_reason = models.TextField(_("核定总投资超出申报的理由"), blank=True)
    started_at = optional_time(_("签收时间"))
    decided_at = optional_time(_("办结时间"))
    decided_by = maybe_by_user()
    created_at = creation_time(_("创建时间"))

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["project", "created_at", "id"]
        verbose_name = verbose_name_plural = _("审核")
        indexes = [models.Index(fields=["state", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "stage", "round", "authority"],
                condition=Q(state__in=["pending", "in_progress"]),
                name="review_one_open_per_step",
            )
        ]

    def __str__(self) -> str:
        who = self.get_authority_display() if self.authority else ""
        return f"{self.project.code} {self.get_kind_display()} {who}".strip()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REVIEW_STATES

    @property
    def topic(self) -> str:
        return str(JOINT_REVIEW_TOPIC.get(self.authority, "")) if self.kind == "joint" else ""

    @property
    def label(self) -> str:
        """How a page names the review: its step, and the joint review's topic."""
        return str(self.get_kind_display()) + (f"（{self.topic}）" if self.topic else "")

    def can_attach(self, user: Any, doc_type: str) -> bool:
        """The person who may act on an open review may attach files to its opinion."""
        from ..visibility import may_act_on_review

        return self.is_open and may_act_on_review(user, self)


class ReviewCopy(models.Model):
    """抄送: read-only sight of a review step (and its project) for someone else."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="copies")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_copies"
    )
    copied_by = by_user()
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = creation_time(_("抄送时间"))

    class Meta:
        verbose_name = verbose_name_plural = _("抄送")
        constraints = [
            models.UniqueConstraint(fields=["review", "recipient"], name="reviewcopy_once")
        ]

    def __str__(self) -> str:
        return f"抄送 {self.recipient}"


class ReviewUrge(models.Model):
    """催办: the unit that submitted (or an authority overseeing the approval) urges the holder
    of an open review step, at most once a day per step (one row per step and day)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="urges")
    urged_by = by_user(verbose_name=_("催办人"))
    urged_on = models.DateField(_("催办日期"))
    urged_at = creation_time(_("催办时间"))
    note = models.CharField(_("催办说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["-urged_at"]
        verbose_name = verbose_name_plural = _("催办")
        constraints = [
            models.UniqueConstraint(fields=["review", "urged_on"], name="reviewurge_once_a_day")
        ]

    def __str__(self) -> str:
        return f"催办 {self.review} {self.urged_on}"
