"""Money decided (Art. 10, 11, 25-27, 37): the annual investment plan compiled by DRC, the
performance target tables of construction projects, Finance's budget lines, the Art. 11 path,
contracts and payments, and change requests classified by the rule of Art. 26.

All amounts are Decimal yuan (``core.money.MoneyField``), shown in 万元. Every change of state
is an action of ``actions/``; plan versions, Art. 11 requests and change requests change state
only through their machines (``machines.py``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    Created,
    DetailPage,
    PublicToSignedIn,
    Recorded,
    by_user,
    creation_time,
    kept_fk,
    maybe_by_user,
    numbered_versions,
    optional_date,
    optional_fk,
    optional_time,
    positive,
    state_field,
    update_time,
)
from core.money import MoneyField
from projects.visibility import SeenWithProject

# -- who sees what ---------------------------------------------------------------------------


class ByProjectQuerySet(SeenWithProject, models.QuerySet):
    """Rows of a project (budgets, contracts, …), visible with the project."""


class PublicToSignedInQuerySet(PublicToSignedIn, models.QuerySet):
    """The rows of the annual plan, public to the signed-in: the plan is an official document;
    units see all of it (amounts of other units are public budget information), entries link
    only to visible projects."""


class PlanVersionQuerySet(PublicToSignedIn, StatefulQuerySet):
    """Plan versions: public to the signed-in; the state changes through its machine."""


class ByProjectStatefulQuerySet(SeenWithProject, StatefulQuerySet):
    """Rows of a project that have states (Art. 11 requests, change requests)."""


class _OnInvestmentPage:
    """Budget lines, contracts and the baseline are shown on the project's investment page."""

    project_id: int

    def get_absolute_url(self) -> str:
        return reverse("investment:project", args=[self.project_id])


# -- annual investment plan (Art. 10, 27) ------------------------------------------------------


class PlanState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    PUBLISHED = "published", _("已发布（现行）")
    SUPERSEDED = "superseded", _("已被调整版本取代")


class PlanVersionKind(models.TextChoices):
    ORIGINAL = "original", _("年度计划")
    ADJUSTMENT = "adjustment", _("计划调整")


class AnnualPlan(Created):
    """年度投资计划 of one year, compiled by DRC with Finance (Art. 10); its content is in
    versions: one original and any number of adjustments, one of them current."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)

    objects = PublicToSignedInQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = _("年度投资计划")

    def __str__(self):
        return f"{self.year}年度市级政务信息化投资计划"

    def get_absolute_url(self) -> str:
        return reverse("investment:plan", args=[self.year])

    def current_version(self):
        return self._version(PlanState.PUBLISHED)

    def draft_version(self):
        return self._version(PlanState.DRAFT)

    def _version(self, state):
        # the plan page of a year not yet compiled shows an unsaved plan
        if self.pk is None:
            return None
        return self.versions.filter(state=state).first()


class PlanVersion(DetailPage, StatefulModel):
    """One version of a year's plan: the original or an adjustment (Art. 10, 11). A draft is
    compiled by DRC and published once; publishing supersedes the version in force."""

    MACHINE = "annual_plan_version"
    detail_url_name = "investment:version"

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    kind = models.CharField(
        _("类型"), max_length=12, choices=PlanVersionKind.choices, default="original"
    )
    state = state_field(PlanState, 12, default=PlanState.DRAFT)
    basis = models.TextField(_("编制或调整依据"), blank=True)
    published_at = optional_time(_("发布时间"))
    published_by = maybe_by_user()
    created_at = creation_time(_("创建时间"))

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = verbose_name_plural = _("投资计划版本")
        constraints = [
            *numbered_versions("planversion"),
            models.UniqueConstraint(
                fields=["plan"], condition=Q(state="published"), name="planversion_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.plan.year}年投资计划第{self.number}版（{self.get_kind_display()}）"

    @property
    def is_draft(self) -> bool:
        return self.state == PlanState.DRAFT


class PlanEntry(models.Model):
    """One project in one plan version with its amount for the year."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="entries")
    project = kept_fk("projects.Project", related_name="plan_entries")
    amount = MoneyField(_("计划金额（元）"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    decision = optional_fk("policy.Decision", related_name="+")

    objects = PublicToSignedInQuerySet.as_manager()

    class Meta:
        ordering = ["version", "project__unit__name", "project__code"]
        verbose_name = verbose_name_plural = _("投资计划项目")
        constraints = [
            models.UniqueConstraint(fields=["version", "project"], name="planentry_once"),
            positive("amount", "planentry_positive"),
        ]

    def __str__(self):
        return f"{self.version} · {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("investment:plan", args=[self.version.plan.year]) + "?v=draft"


# -- performance target table (Art. 10 ¶3) -----------------------------------------------------


class IndicatorCategory(models.Model):
    """The configurable indicator tree of 绩效目标表: first level (产出/效益/满意度) and second
    level (数量/质量/时效/成本 …). Seeded by migration; editable by the platform admin."""

    parent = optional_fk("self", related_name="children")
    name = models.CharField(_("指标类别"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = PublicToSignedInQuerySet.as_manager()

    class Meta:
        ordering = ["parent_id", "order", "id"]
        verbose_name = verbose_name_plural = _("绩效指标类别")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="indicatorcategory_unique")
        ]

    def __str__(self):
        return f"{self.parent.name}·{self.name}" if self.parent_id else self.name


class PerformanceTable(models.Model):
    """绩效目标表 of a construction project for a plan year (R10.3)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="performance_tables"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    overall_goal = models.TextField(_("总体目标"), blank=True)
    updated_by = by_user()
    updated_at = update_time(_("更新时间"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-year"]
        verbose_name = verbose_name_plural = _("绩效目标表")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="performancetable_once")
        ]

    def __str__(self):
        return f"{self.project.code} {self.year}年绩效目标表"

    def get_absolute_url(self) -> str:
        url = reverse("investment:performance", args=[self.project_id])
        return f"{url}?year={self.year}"


class Indicator(models.Model):
    """A third-level indicator: target value, unit and, where quantitative, a formula."""

    table = models.ForeignKey(PerformanceTable, on_delete=models.CASCADE, related_name="indicators")
    category = kept_fk(IndicatorCategory, verbose_name=_("二级指标"))
    name = models.CharField(_("三级指标"), max_length=100)
    target_value = models.CharField(_("指标值"), max_length=50)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    is_quantitative = models.BooleanField(_("定量指标"), default=True)
    formula = models.CharField(_("计算公式"), max_length=200, blank=True)

    class Meta:
        ordering = ["table", "category__parent__order", "category__order", "id"]
        verbose_name = verbose_name_plural = _("绩效指标")

    def __str__(self):
        return self.name


# -- budgets (Art. 10 ¶2, Art. 11) ---------------------------------------------------------------


class BudgetLine(_OnInvestmentPage, models.Model):
    """A budget line arranged by Finance for a project and year (R10.2)."""

    project = kept_fk("projects.Project", related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("预算年度"))
    amount = MoneyField(_("预算金额（元）"))
    subject = models.CharField(_("预算科目"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    via_art11 = optional_fk(
        "investment.Art11Request", verbose_name=_("第十一条事项"), related_name="budget_lines"
    )
    decision = optional_fk("policy.Decision", related_name="+")
    created_by = by_user()
    created_at = creation_time(_("录入时间"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "project__code", "id"]
        verbose_name = verbose_name_plural = _("预算")
        indexes = [
            models.Index(fields=["year", "project"]),
            # the budget list's default order (latest year first): a page reads its rows from
            # the index instead of sorting every line
            models.Index(fields=["-year", "id"], name="budgetline_latest_year"),
        ]
        constraints = [positive("amount", "budget_positive")]

    def __str__(self):
        return f"{self.year} {self.project.code} {self.subject or '预算'}"


class Art11State(models.TextChoices):
    INITIATED = "initiated", _("财政局已发起")
    LISTED = "listed", _("大数据局已纳入项目清单")
    APPROVED = "approved", _("发展改革委已审批并调整计划")
    BUDGETED = "budgeted", _("财政局已安排预算")
    REJECTED = "rejected", _("不予办理")


class Art11Request(DetailPage, StatefulModel):
    """The exceptional path of Art. 11: a project required by the state or the city but not in
    the year's budget. Finance initiates with its basis and budget source → BDB lists → DRC
    approves and adjusts the plan → Finance arranges the budget (or BDB or DRC refuses)."""

    MACHINE = "art11_request"
    detail_url_name = "investment:art11_detail"

    project = kept_fk("projects.Project", related_name="art11_requests")
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = MoneyField(_("金额（元）"))
    basis = models.TextField(_("依据（国家或市委、市政府明确要求）"))
    budget_source = models.CharField(_("预算来源"), max_length=200)
    state = state_field(Art11State, 12, default=Art11State.INITIATED)
    change_request = optional_fk("investment.ChangeRequest", related_name="art11_requests")
    history = models.JSONField(_("办理记录"), default=list, blank=True)
    initiated_by = by_user()
    created_at = creation_time(_("发起时间"))

    objects = ByProjectStatefulQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("第十一条事项")

    def __str__(self):
        return f"{self.project.code} {self.year}年第十一条事项"


# -- contracts and payments (Art. 25) ------------------------------------------------------------


class ProcurementMethod(models.TextChoices):
    OPEN = "open", _("公开招标")
    INVITED = "invited", _("邀请招标")
    COMPETITIVE = "competitive", _("竞争性谈判")
    CONSULTATION = "consultation", _("竞争性磋商")
    SINGLE = "single", _("单一来源采购")
    INQUIRY = "inquiry", _("询价")
    FRAMEWORK = "framework", _("框架协议采购")


class Contract(_OnInvestmentPage, models.Model):
    """A contract of the project (procurement result): the basis of payments."""

    project = kept_fk("projects.Project", related_name="contracts")
    number = models.CharField(_("合同编号"), max_length=60)
    title = models.CharField(_("合同名称"), max_length=200)
    supplier = models.CharField(_("供应商"), max_length=200)
    method = models.CharField(_("采购方式"), max_length=14, choices=ProcurementMethod.choices)
    amount = MoneyField(_("合同金额（元）"))
    signed_on = models.DateField(_("签订日期"))
    created_by = by_user()
    created_at = creation_time(_("登记时间"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "signed_on", "id"]
        verbose_name = verbose_name_plural = _("合同")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="contract_number"),
            positive("amount", "contract_positive"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class PaymentQuerySet(ByProjectQuerySet):
    project_field = "contract__project"


class Payment(Recorded):
    """A treasury payment (国库集中支付) against a contract and a budget line (R25.1)."""

    contract = kept_fk(Contract, related_name="payments")
    budget_line = kept_fk(BudgetLine, related_name="payments")
    paid_on = models.DateField(_("支付日期"))
    amount = MoneyField(_("支付金额（元）"))
    payee = models.CharField(_("收款人"), max_length=200)
    voucher_number = models.CharField(_("国库支付凭证号"), max_length=60, unique=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = verbose_name_plural = _("支付")
        constraints = [positive("amount", "payment_positive")]

    def __str__(self):
        return self.voucher_number

    def get_absolute_url(self) -> str:
        return reverse("investment:project", args=[self.contract.project_id])


# -- baseline and change requests (Art. 26) ------------------------------------------------------


class Baseline(_OnInvestmentPage, models.Model):
    """The approved baseline of a project: total and estimate items (概算明细) as approved,
    goals and planned completion. Immutable; every change request is diffed against it."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="baseline"
    )
    approved_total = MoneyField(_("批复总投资（元）"))
    items = models.JSONField(_("概算明细"), default=list)  # [{"name":…, "amount": "…"}]
    goals = models.TextField(_("建设目标"))
    planned_completion = optional_date(_("计划建成日期"))
    created_by = by_user()
    created_at = creation_time(_("登记时间"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("批复基线")

    def __str__(self):
        return f"{self.project.code} 批复基线"


class Circumstance(models.TextChoices):
    """The three circumstances of Art. 26 ¶1."""

    DIRECTIVE = (
        "directive",
        _("（一）根据党中央、国务院决策部署和市委、市政府工作安排确需改变建设内容"),
    )
    OPTIMISE = "optimise", _("（二）确需对原项目技术方案进行完善优化")
    BUSINESS = "business", _("（三）根据业务发展需要在已批复规划框架下调整建设内容及进度")


class ChangeClass(models.TextChoices):
    FILING = "filing", _("建设单位调整并备案")
    APPROVAL = "approval", _("须履行审批手续")
    ART11 = "art11", _("须履行审批手续并参照第十一条办理")


class ChangeState(models.TextChoices):
    FILED = "filed", _("已备案（生效）")
    PENDING = "pending", _("待发展改革委审批")
    APPROVED = "approved", _("已批准（生效）")
    REJECTED = "rejected", _("不予批准")


EFFECTIVE_CHANGE_STATES = (ChangeState.FILED, ChangeState.APPROVED)


class ChangeRequest(DetailPage, StatefulModel):
    """A change of a project after approval (R26.1): what changes, the amounts moved between
    estimate items, the circumstance, whether goals change; classified automatically. It is
    submitted pending and filed at once when the four conditions of Art. 26 hold; otherwise DRC
    approves or rejects it."""

    MACHINE = "change_request"
    detail_url_name = "investment:change_detail"

    project = kept_fk("projects.Project", related_name="change_requests")
    number = models.PositiveSmallIntegerField(_("序号"))
    content_change = models.TextField(_("建设内容调整"), blank=True)
    schedule_change = models.TextField(_("进度调整"), blank=True)
    items = models.JSONField(_("调整后概算明细"), default=list)  # [{"name", "amount"}]
    new_total = MoneyField(_("调整后总投资（元）"))
    moved_amount = MoneyField(_("本次调整金额（元）"))
    cumulative_moved = MoneyField(_("累计调整金额（元）"))
    circumstance = models.CharField(
        _("适用情形"), max_length=10, choices=Circumstance.choices, blank=True
    )
    goals_changed = models.BooleanField(_("建设目标变化"), default=False)
    raises_year_budget = models.BooleanField(_("增加当年预算安排"), default=False)
    changes_plan = models.BooleanField(_("涉及年度投资计划变更"), default=False)
    reason = models.TextField(_("调整理由"))
    classification = models.CharField(_("分类"), max_length=10, choices=ChangeClass.choices)
    conditions = models.JSONField(_("条件判定"), default=list)
    state = state_field(ChangeState, 10)
    decision = optional_fk("policy.Decision", related_name="+")
    decided_by = maybe_by_user()
    decided_at = optional_time(_("审批时间"))
    decision_opinion = models.TextField(_("审批意见"), blank=True)
    created_by = by_user()
    created_at = creation_time(_("提交时间"))

    objects = ByProjectStatefulQuerySet.as_manager()

    class Meta:
        ordering = ["project", "number"]
        verbose_name = verbose_name_plural = _("变更申请")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="changerequest_number")
        ]

    def __str__(self):
        return f"{self.project.code} 第{self.number}次调整"


# -- evaluation results (Art. 37) ----------------------------------------------------------------


class EvaluationKind(models.TextChoices):
    SELF = "self", _("项目建设单位自评价")
    POST = "post", _("第三方后评价")


class EvaluationResult(Recorded):
    """The outcome of a self-evaluation or a third-party post-evaluation (Art. 30), shown
    beside the project when DRC compiles the next plan (Art. 37, R37.1). Written by the
    evaluation actions of the delivery chapter."""

    project = kept_fk("projects.Project", related_name="evaluation_results")
    kind = models.CharField(_("评价类型"), max_length=6, choices=EvaluationKind.choices)
    completed_on = models.DateField(_("完成日期"))
    score = models.DecimalField(_("评分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=10, blank=True)
    conclusion = models.TextField(_("主要结论与整改意见"))

    objects = ByProjectQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-completed_on", "-id"]
        verbose_name = verbose_name_plural = _("评价结果")

    def __str__(self):
        return f"{self.project.code} {self.get_kind_display()} {self.grade}"
