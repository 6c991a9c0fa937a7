"""Projects (Art. 8, 9, 12-15, 19, 20): a unit's requirement becomes a project, is listed by BDB,
accepted by DRC, evaluated by a third party, reviewed jointly by five authorities and approved
in one or two stages. The lifecycle itself is a table in ``lifecycle.py``; every change of state
is an action in ``actions.py``.

Reviews of every kind share one model (``Review``): who must act (a person of an authority,
or an assigned consultant), in which round, with which opinion. That one model is what makes
to-dos, 转办 (transfer), 抄送 (copy-to), attachments and the "two reviewers at once" guarantee
work the same way at every step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Authority, Role
from core.money import MoneyField, format_wan
from documents.models import Chapter
from planning.models import ItemKind

ProjectKind = ItemKind  # 新建 / 改扩建 / 续建 / 运维, the same vocabulary as master-plan items


class FundingSource(models.TextChoices):
    OWN_INCOME = "own", _("自有收入")
    FISCAL = "fiscal", _("财政资金")


class Hosting(models.TextChoices):
    """Art. 20: the Digital Chongqing cloud is the default."""

    CQ_CLOUD = "cq_cloud", _("数字重庆云")
    OTHER = "other", _("其他（须说明理由）")


class ShareType(models.TextChoices):
    """The sharing type of the data the project produces (Art. 14 ¶3)."""

    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NONE = "none", _("不予共享")


class RecipientKind(models.TextChoices):
    ALL_GOV = "all_gov", _("全市政务部门")
    NAMED_GOV = "named_gov", _("指定政务部门")
    NAMED_PRIVATE = "named_private", _("特定企业或组织")


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


from policy.paths import ApprovalPath  # noqa: E402  (the one definition, Art. 9)


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user):
        """A unit sees its own projects and those of cross-department frameworks it takes part
        in; BDB, DRC, Finance, the city government, Audit and the admin see every submitted
        project (drafts stay with the unit); a consultant or a joint-review authority sees the
        projects it has a review of; anyone sees a project a step was copied to them on."""
        from .visibility import visible_projects

        return visible_projects(self, user)


class Project(models.Model):
    """A municipal e-government IT project (Art. 8): from the requirement a unit submits to its
    approval. Money is Decimal yuan, shown in 万元. ``approval_path`` and ``policy`` are fixed
    when DRC accepts the project, by the threshold of the policy in force (Art. 9)."""

    code = models.CharField(_("项目编号"), max_length=30, unique=True, editable=False)
    unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("建设单位"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
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
    plan_item = models.ForeignKey(
        "planning.MasterPlanItem",
        verbose_name=_("总体方案项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    requirement = models.TextField(_("项目需求说明"), blank=True)
    basis = models.TextField(_("建设依据"), blank=True)
    integration_plan = models.TextField(_("系统整合方案"), blank=True)
    sharing_plan = models.TextField(_("数据共享方案"), blank=True)
    new_civil_works = models.BooleanField(_("含新建土建工程"), default=False)
    energy_intensive = models.BooleanField(_("高耗能项目"), default=False)
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
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("原项目（改扩建）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    framework = models.ForeignKey(
        "projects.Framework",
        verbose_name=_("所属跨部门项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ProjectState.choices, default=ProjectState.DRAFT
    )
    returned_from = models.CharField(
        _("退回环节"), max_length=20, choices=ProjectState.choices, blank=True
    )
    approval_path = models.CharField(
        _("审批路径"), max_length=8, choices=ApprovalPath.choices, blank=True
    )
    policy = models.ForeignKey(
        "policy.PolicyVersion",
        verbose_name=_("适用政策"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), null=True, blank=True)
    channel = models.CharField(
        _("来源渠道"), max_length=10, choices=Channel.choices, default=Channel.PLATFORM
    )
    external_ref = models.CharField(
        _("外部渠道编号"), max_length=64, null=True, blank=True, unique=True
    )
    # Art. 24: DRC and Finance may suspend a project; suspension blocks payments and
    # transitions until lifted. Termination is final. (Set by actions of the delivery chapter.)
    suspended_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("终止时间"), null=True, blank=True)
    fsr_approved_at = models.DateTimeField(_("可研批复时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批复时间"), null=True, blank=True)
    approved_total = MoneyField(_("批复总投资（元）"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        indexes = [models.Index(fields=["state"]), models.Index(fields=["unit", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gt=0), name="project_positive_investment"
            ),
            models.CheckConstraint(condition=Q(is_classified=False), name="project_not_classified"),
        ]

    def __str__(self):
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

    def can_edit_chapters(self, user) -> bool:
        """The five chapters belong to the FSR and the design: frozen once approved."""
        return self.state != ProjectState.APPROVED and self.can_attach(user, "chapter")

    def can_attach(self, user, doc_type) -> bool:
        """Unit staff attach documents while the project is theirs to edit; reviewers attach
        to their reviews (see Review.can_attach)."""
        from .visibility import is_unit_staff

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
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["project", "stage", "chapter"]
        verbose_name = _("报告章节")
        verbose_name_plural = _("报告章节")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage", "chapter"], name="chapter_once_per_stage"
            )
        ]

    def __str__(self):
        return f"{self.get_stage_display()} · {self.get_chapter_display()}"


class ReviewKind(models.TextChoices):
    LIST = "list", _("大数据局项目清单审核")
    EVALUATION = "evaluation", _("第三方咨询评估")
    JOINT = "joint", _("联合技术审查")
    DRC_APPROVAL = "drc_approval", _("发展改革委审批")
    DESIGN_CONTENT = "design_content", _("大数据局初步设计内容审核")


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
JOINT_REVIEW_TOPIC = {
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


class ReviewQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(project__in=Project.objects.for_user(user))

    def open(self):
        return self.filter(state__in=OPEN_REVIEW_STATES)


class Review(models.Model):
    """One review step of one project: BDB's list review, the consultant's evaluation, one
    authority's opinion in the joint review, DRC's approval, BDB's design-content review.

    ``authority`` names the authority that must act (any of its reviewers may, unless
    ``assignee`` is set by 转办 or by DRC's assignment of a consultant). ``round`` counts
    resubmissions: a return closes the round, the next submission opens fresh reviews."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(_("审核环节"), max_length=16, choices=ReviewKind.choices)
    stage = models.CharField(_("阶段"), max_length=8, choices=Stage.choices, default=Stage.FSR)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    authority = models.CharField(
        _("主管部门"), max_length=20, choices=Authority.choices, blank=True
    )
    consultant = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("第三方咨询评估机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reviews",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    opinion = models.TextField(_("意见"), blank=True)
    criteria = models.JSONField(_("分项意见"), default=dict, blank=True)
    chapter_opinions = models.JSONField(_("五章节意见"), default=dict, blank=True)
    priority = models.PositiveSmallIntegerField(_("优先级"), null=True, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    approved_amount = MoneyField(_("核定总投资（元）"), null=True, blank=True)
    started_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["project", "created_at", "id"]
        verbose_name = _("审核")
        verbose_name_plural = _("审核")
        indexes = [models.Index(fields=["state", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "stage", "round", "authority"],
                condition=Q(state__in=["pending", "in_progress"]),
                name="review_one_open_per_step",
            )
        ]

    def __str__(self):
        who = self.get_authority_display() if self.authority else ""
        return f"{self.project.code} {self.get_kind_display()} {who}".strip()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REVIEW_STATES

    @property
    def topic(self) -> str:
        return str(JOINT_REVIEW_TOPIC.get(self.authority, "")) if self.kind == "joint" else ""

    def can_attach(self, user, doc_type) -> bool:
        """The person who may act on an open review may attach files to its opinion."""
        from .visibility import may_act_on_review

        return self.is_open and may_act_on_review(user, self)


class ReviewCopy(models.Model):
    """抄送: read-only sight of a review step (and its project) for someone else."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="copies")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_copies"
    )
    copied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("抄送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抄送")
        verbose_name_plural = _("抄送")
        constraints = [
            models.UniqueConstraint(fields=["review", "recipient"], name="reviewcopy_once")
        ]

    def __str__(self):
        return f"抄送 {self.recipient}"


class ProjectListState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本取代")


class ProjectListQuerySet(models.QuerySet):
    def for_user(self, user):
        """The published project list is an official document every signed-in user may read."""
        return self if user.is_authenticated else self.none()


class ProjectListVersion(models.Model):
    """项目清单 (Art. 8 ¶2): a versioned document. Each publication snapshots every listed
    project with its priority and amount; the newest published version is current."""

    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("版本号"))
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=ProjectListState.choices,
        default=ProjectListState.PUBLISHED,
    )
    note = models.TextField(_("发布说明"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = ProjectListQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("项目清单")
        verbose_name_plural = _("项目清单")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="projectlist_number")
        ]

    def __str__(self):
        return f"{self.year}年项目清单（第{self.number}版）"


class ProjectListEntry(models.Model):
    version = models.ForeignKey(
        ProjectListVersion, on_delete=models.CASCADE, related_name="entries"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="list_entries")
    unit_name = models.CharField(_("建设单位"), max_length=100)
    project_name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=12, choices=ProjectKind.choices)
    amount = MoneyField(_("总投资（元）"))
    priority = models.PositiveSmallIntegerField(_("优先级"), null=True, blank=True)

    class Meta:
        ordering = ["version", "priority", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "project"], name="listentry_once")
        ]

    def __str__(self):
        return self.project_name


class ClassifiedStubQuerySet(models.QuerySet):
    def for_user(self, user):
        """Stubs hold no classified content; DRC, Finance, BDB, Audit and the admin see them
        for totals."""
        from .visibility import reads_all_projects

        return self if reads_all_projects(user) else self.none()


class ClassifiedStub(models.Model):
    """A non-classified placeholder for a classified project handled offline (Art. 8 ¶3, R8.3):
    only a code, the unit and the amount, so that plan and budget totals stay complete."""

    code = models.CharField(_("存根编号"), max_length=40, unique=True)
    unit = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("建设单位"), on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = MoneyField(_("金额（元）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ClassifiedStubQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("涉密项目存根")
        verbose_name_plural = _("涉密项目存根")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="stub_positive_amount")
        ]

    def __str__(self):
        return self.code


# -- cross-department projects (Art. 13) ---------------------------------------------------------


class FrameworkState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("大数据局审核中")
    REVIEWED = "reviewed", _("已出具审核意见")
    RETURNED = "returned", _("退回修改")


class FrameworkQuerySet(models.QuerySet):
    def for_user(self, user):
        from .visibility import reads_all_projects, unit_ids_of

        if not user.is_authenticated:
            return self.none()
        if reads_all_projects(user):
            return self
        units = unit_ids_of(user)
        return self.filter(
            Q(lead_unit_id__in=units) | Q(participants__unit_id__in=units)
        ).distinct()


class Framework(models.Model):
    """跨部门项目框架方案 (Art. 13 ¶1): lead unit, participants, goals, main content and an
    initial data catalog, reviewed by BDB. BDB's opinion is a required attachment of every
    participant's own project (R13.1)."""

    title = models.CharField(_("跨部门项目名称"), max_length=200)
    lead_unit = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        related_name="led_frameworks",
    )
    goals = models.TextField(_("建设目标"), blank=True)
    main_content = models.TextField(_("主要建设内容"), blank=True)
    data_catalog = models.TextField(_("初步数据资源目录"), blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=FrameworkState.choices, default=FrameworkState.DRAFT
    )
    bdb_opinion = models.TextField(_("大数据局审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("跨部门项目框架方案")
        verbose_name_plural = _("跨部门项目框架方案")

    def __str__(self):
        return self.title

    @property
    def has_bdb_opinion(self) -> bool:
        return self.state == FrameworkState.REVIEWED and bool(self.bdb_opinion.strip())


class FrameworkParticipant(models.Model):
    """A unit taking part: its business flow, data flow and interfaces with the whole, and the
    content items it claims (no item may be claimed by two units, Art. 13 ¶1)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("参与单位"), on_delete=models.PROTECT
    )
    business_flow = models.TextField(_("业务流"), blank=True)
    data_flow = models.TextField(_("数据流"), blank=True)
    interfaces = models.TextField(_("与整体项目的接口"), blank=True)
    content_items = models.JSONField(_("承担的建设内容"), default=list, blank=True)

    class Meta:
        ordering = ["framework", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "unit"], name="participant_once")
        ]

    def __str__(self):
        return str(self.unit)


class FrameworkDistrict(models.Model):
    """A district cooperating in a municipal project and its linked project (Art. 13 ¶2)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="districts")
    district = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("区县"), on_delete=models.PROTECT
    )
    linked_project = models.CharField(_("区县配套项目"), max_length=200)
    note = models.TextField(_("配合内容"), blank=True)

    class Meta:
        ordering = ["framework", "id"]

    def __str__(self):
        return f"{self.district} · {self.linked_project}"
