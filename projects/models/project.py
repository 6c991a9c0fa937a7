"""Projects (Art. 8, 9, 12-15, 19, 20): a unit's requirement becomes a project, is listed by BDB,
accepted by DRC, evaluated by a third party, reviewed jointly by five authorities and approved
in one or two stages. The lifecycle is the machine ``projects.machines.PROJECT``; every change
of state is an action of ``projects/actions``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.enums import ShareType
from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    DetailPage,
    by_user,
    creation_time,
    kept_fk,
    maybe_by_user,
    optional_fk,
    optional_time,
    positive,
    state_field,
    update_time,
)
from core.money import MoneyField, format_wan
from documents.models import Chapter
from planning.models import ItemKind
from policy.paths import ApprovalPath

ProjectKind = ItemKind  # 新建 / 改扩建 / 续建 / 运维, the same vocabulary as master-plan items


class FundingSource(models.TextChoices):
    OWN_INCOME = "own", _("自有收入")
    FISCAL = "fiscal", _("财政资金")


class Hosting(models.TextChoices):
    """Art. 20: the Digital Chongqing cloud is the default."""

    CQ_CLOUD = "cq_cloud", _("数字重庆云")
    OTHER = "other", _("其他（须说明理由）")


class RecipientKind(models.TextChoices):
    ALL_GOV = "all_gov", _("全市政务部门")
    NAMED_GOV = "named_gov", _("指定政务部门")
    NAMED_PRIVATE = "named_private", _("特定企业或组织")


class RemedyPurpose(models.TextChoices):
    """What a project remedies of a unit's failing systems (Art. 31, 32): such a project is not
    stopped by the failure it remedies, once BDB confirms it as a remedy."""

    NONE = "", _("不是整改项目")
    SHARING = "sharing", _("数据共享整改（第三十一条）")
    SECURITY = "security", _("密码改造或网络安全整改（第三十二条）")


class Channel(models.TextChoices):
    PLATFORM = "platform", _("本平台填报")
    YUKUAIBAN = "yukuaiban", _("渝快办线上渠道")


class ProjectState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已申报，待大数据局审核")
    LIST_REVIEW = "list_review", _("大数据局审核中")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("不予通过")
    LISTED = "listed", _("已列入项目清单")
    EVALUATION = "evaluation", _("第三方评估中")
    JOINT_REVIEW = "joint_review", _("联合技术审查中")
    DRC_REVIEW = "drc_review", _("发展改革委审批中")
    FSR_APPROVED = "fsr_approved", _("可研已批复，待报初步设计")
    DESIGN_REVIEW = "design_review", _("大数据局审核初步设计内容")
    DESIGN_DRC_REVIEW = "design_drc_review", _("发展改革委审批初步设计")
    APPROVED = "approved", _("已批复")


class ProjectQuerySet(StatefulQuerySet):
    def for_user(self, user: Any) -> ProjectQuerySet:
        """A unit sees its own projects and those of cross-department frameworks it takes part
        in; BDB, DRC, Finance, the city government, Audit and the admin see every submitted
        project (drafts stay with the unit); a consultant or a joint-review authority sees the
        projects it has a review of; anyone sees a project a step was copied to them on."""
        from ..visibility import visible_projects

        return visible_projects(self, user)


class Project(DetailPage, StatefulModel):
    """A municipal e-government IT project (Art. 8): from the requirement a unit submits to its
    approval. Money is Decimal yuan, shown in 万元. ``policy`` is fixed when DRC accepts the
    project; ``approval_path`` is decided then by that policy's threshold and follows the total
    investment when the unit changes it before the first approval (Art. 9). Its state changes
    only through the machine ``project``."""

    MACHINE = "project"
    detail_url_name = "projects:detail"

    code = models.CharField(_("项目编号"), max_length=30, unique=True, editable=False)
    unit = kept_fk("accounts.Organisation", verbose_name=_("建设单位"), related_name="projects")
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=12, choices=ProjectKind.choices)
    year = models.PositiveSmallIntegerField(_("申报年度"))
    # Classified projects never enter the platform (Art. 8 ¶3): the flag exists so that the
    # refusal is explicit, and the constraint below keeps it False in storage.
    is_classified = models.BooleanField(_("涉密项目"), default=False)
    total_investment = MoneyField(_("总投资（元）"))
    funding_source = models.CharField(
        _("资金来源"), max_length=10, choices=FundingSource.choices, default=FundingSource.FISCAL
    )
    plan_item = optional_fk(
        "planning.MasterPlanItem", verbose_name=_("总体方案项目"), related_name="projects"
    )
    requirement = models.TextField(_("项目需求说明"), blank=True)
    basis = models.TextField(_("建设依据"), blank=True)
    integration_plan = models.TextField(_("系统整合方案"), blank=True)
    sharing_plan = models.TextField(_("数据共享方案"), blank=True)
    new_civil_works = models.BooleanField(_("含新建土建工程"), default=False)
    energy_intensive = models.BooleanField(_("高耗能项目"), default=False)
    # Art. 21: the size of the investment per served user and the unit's own capacity to run
    # the system decide whether outsourcing is advised (R21.1, an advisory, never a block).
    served_users = models.PositiveIntegerField(_("预计服务用户数"), null=True, blank=True)
    lacks_om_capacity = models.BooleanField(_("建设单位不具备建设运行维护能力"), default=False)
    # Art. 31, 32: a unit with a failing system may build only what remedies the failure, and
    # only once BDB confirms (at the list review) that the project is that remedy.
    remedy_purpose = models.CharField(
        _("整改项目"), max_length=10, choices=RemedyPurpose.choices, blank=True, default=""
    )
    remedy_confirmed_at = optional_time(_("大数据局确认为整改项目的时间"))
    remedy_confirmed_by = maybe_by_user(verbose_name=_("确认人"))
    # Art. 31: a project that cannot share (an isolated network) needs BDB's initial review and
    # the city government's approval before it may be approved.
    isolated_network = models.BooleanField(_("拟建设孤网（不能与其他系统联网共享）"), default=False)
    isolation_basis = models.TextField(_("不能联网共享的法律法规依据"), blank=True)
    hosting = models.CharField(
        _("部署方式"), max_length=10, choices=Hosting.choices, default=Hosting.CQ_CLOUD
    )
    hosting_justification = models.TextField(_("不部署在数字重庆云的理由"), blank=True)
    secure_reliable_statement = models.TextField(_("软硬件产品安全可靠情况说明"), blank=True)
    share_type = models.CharField(
        _("数据共享类型"), max_length=14, choices=ShareType.choices, default=ShareType.CONDITIONAL
    )
    share_recipient_kind = models.CharField(
        _("共享对象"), max_length=14, choices=RecipientKind.choices, default=RecipientKind.ALL_GOV
    )
    share_recipients = models.TextField(_("共享对象名单"), blank=True)
    share_conditions = models.TextField(_("共享条件或不予共享依据"), blank=True)
    mlps_level = models.PositiveSmallIntegerField(_("拟定等级保护级别"), null=True, blank=True)
    crypto_status = models.TextField(_("密码应用情况"), blank=True)
    predecessor = optional_fk("self", verbose_name=_("原项目（改扩建）"), related_name="successors")
    framework = optional_fk(
        "projects.Framework", verbose_name=_("所属跨部门项目"), related_name="projects"
    )
    state = state_field(ProjectState, 20, default=ProjectState.DRAFT)
    returned_from = models.CharField(
        _("退回环节"), max_length=20, choices=ProjectState.choices, blank=True
    )
    approval_path = models.CharField(
        _("审批路径"), max_length=8, choices=ApprovalPath.choices, blank=True
    )
    policy = optional_fk("policy.PolicyVersion", verbose_name=_("适用政策"), related_name="+")
    priority = models.PositiveSmallIntegerField(_("优先级"), null=True, blank=True)
    channel = models.CharField(
        _("来源渠道"), max_length=10, choices=Channel.choices, default=Channel.PLATFORM
    )
    external_ref = models.CharField(
        _("外部渠道编号"), max_length=64, null=True, blank=True, unique=True
    )
    # Art. 24: DRC and Finance may suspend a project; suspension blocks payments and
    # transitions until lifted. Termination is final. (Set by actions of the delivery chapter.)
    suspended_at = optional_time(_("暂停时间"))
    terminated_at = optional_time(_("终止时间"))
    fsr_approved_at = optional_time(_("可研批复时间"))
    approved_at = optional_time(_("批复时间"))
    approved_total = MoneyField(_("批复总投资（元）"), null=True, blank=True)
    created_by = by_user()
    created_at = creation_time(_("创建时间"))
    submitted_at = optional_time(_("申报时间"))
    updated_at = update_time(_("更新时间"))

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("项目")
        indexes = [
            models.Index(fields=["state"]),
            models.Index(fields=["unit", "state"]),
            # the lists' default order (newest first): a page reads its 20 rows from the index
            # instead of sorting every visible project
            models.Index(fields=["-created_at", "-id"], name="project_newest_first"),
            # the project list's default order (most recently changed first, then by id)
            models.Index(fields=["-updated_at", "id"], name="project_recently_updated"),
            models.Index(fields=["unit", "-created_at", "-id"], name="project_unit_newest_first"),
            # the lists' most used filter, the plan year, in the same order
            models.Index(fields=["year", "-created_at", "-id"], name="project_year_newest_first"),
        ]
        constraints = [
            positive("total_investment", "project_positive_investment"),
            models.CheckConstraint(condition=Q(is_classified=False), name="project_not_classified"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def investment_wan(self) -> str:
        return format_wan(self.total_investment)

    @property
    def is_construction(self) -> bool:
        return self.kind != ProjectKind.OM

    @property
    def is_editable(self) -> bool:
        return self.state in (ProjectState.DRAFT, ProjectState.RETURNED)

    @property
    def design_stage(self) -> bool:
        """True once the FSR of a two-stage project is approved: documents and reviews now
        concern the preliminary design (Art. 9)."""
        return self.state in (
            ProjectState.FSR_APPROVED,
            ProjectState.DESIGN_REVIEW,
            ProjectState.DESIGN_DRC_REVIEW,
        ) or (self.approval_path == ApprovalPath.TWO and self.state == ProjectState.APPROVED)

    def can_edit_chapters(self, user: Any) -> bool:
        """The five chapters belong to the FSR and the design: frozen once approved."""
        return self.state != ProjectState.APPROVED and self.can_attach(user, "chapter")

    def can_attach(self, user: Any, doc_type: str) -> bool:
        """Unit staff attach documents while the project is theirs to edit; reviewers attach
        to their reviews (see Review.can_attach)."""
        from accounts.recipients import is_unit_staff

        return is_unit_staff(user, self.unit_id) and self.state in (
            ProjectState.DRAFT,
            ProjectState.RETURNED,
            ProjectState.LISTED,
            ProjectState.FSR_APPROVED,
            ProjectState.APPROVED,  # construction, acceptance and evaluation materials
        )


class Stage(models.TextChoices):
    FSR = "fsr", _("可行性研究报告阶段")
    DESIGN = "design", _("初步设计及概算阶段")


class ChapterDeclaration(models.Model):
    """One of the five chapters of the project's report for a stage: a text section and/or an
    attachment (a document of type 'chapter' with this chapter)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="chapters")
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices)
    chapter = models.CharField(_("章节"), max_length=20, choices=Chapter.choices)
    text = models.TextField(_("章节内容"), blank=True)
    updated_by = by_user()
    updated_at = update_time(_("更新时间"))

    class Meta:
        ordering = ["project", "stage", "chapter"]
        verbose_name = verbose_name_plural = _("报告章节")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage", "chapter"], name="chapter_once_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.get_chapter_display()}"
