"""Catalogs, data sharing and O&M funding decisions (Art. 7, 14, 15, 17, 18, 20, 28, 31-33).

- ``InformationSystem``: an entry of the master catalog of government information systems
  (政务信息系统总目录, Art. 15; fields after STANDARDS.md), with its security, crypto, network,
  integration and usage facts;
- ``DataResource`` and ``InformationItem``: the data resource catalog after the national
  compilation guide;
- ``SharingRequest`` and ``SharingFeedback``: requests between units, answered within the
  policy's period, and the requester's usage feedback (Art. 14);
- ``OMRun`` and ``OMDecision``: a run decides, for a budget year under the policy version in
  force, whether each system is eligible for O&M funding, with every failed condition, its
  article and facts (Art. 28, 31-33).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.enums import ShareType
from core.machines import StatefulModel, StatefulQuerySet
from core.model_parts import (
    DetailPage,
    PublicToSignedIn,
    by_user,
    creation_time,
    kept_fk,
    maybe_by_user,
    optional_date,
    optional_time,
    state_field,
    update_time,
)

from .om_words import explain


class UnitScopedQuerySet(StatefulQuerySet):
    """A unit sees its own rows; BDB, DRC, Finance, the city government, Audit and the admin
    see all (they curate, fund and supervise)."""

    unit_field = "unit_id"

    def for_user(self, user: Any) -> UnitScopedQuerySet:
        from accounts.recipients import unit_ids_of
        from projects.visibility import reads_all_projects

        if not user.is_authenticated:
            return self.none()
        if reads_all_projects(user):
            return self
        return self.filter(**{f"{self.unit_field}__in": unit_ids_of(user)})


class SharedCatalogQuerySet(PublicToSignedIn, models.QuerySet):
    """The data resource catalog is published to every government user so that units can find
    and request resources (Art. 14)."""


class SystemCategory(models.TextChoices):
    NETWORK = "network", _("网络平台")
    BUSINESS = "business", _("业务信息系统")
    RESOURCE_DB = "resource_db", _("信息资源库")
    SECURITY = "security", _("信息安全基础设施")
    INFRA = "infra", _("电子政务基础设施（数据中心、机房）")
    STANDARDS = "standards", _("标准化及支撑体系")


class DeliveryMode(models.TextChoices):
    BUILT = "built", _("自行建设")
    SERVICE = "service", _("购买服务")


class SystemStatus(models.TextChoices):
    BUILDING = "building", _("建设中")
    TRIAL = "trial", _("试运行")
    RUNNING = "running", _("运行")
    STOPPED = "stopped", _("停用")
    INTEGRATED = "integrated", _("已整合")
    OFFLINE = "offline", _("已下线")


class Network(models.TextChoices):
    EXTRANET = "extranet", _("政务外网")
    INTERNET = "internet", _("互联网")
    PRIVATE = "private", _("专网")
    ISOLATED = "isolated", _("孤网（须经第三十一条审批）")


class Hosting(models.TextChoices):
    CQ_CLOUD = "cq_cloud", _("数字重庆云")
    OTHER = "other", _("其他")


class AssessmentResult(models.TextChoices):
    PASS = "pass", _("符合")
    BASIC = "basic", _("基本符合")
    FAIL = "fail", _("不符合")


class IsolationState(models.TextChoices):
    """Where a system stands with the Art. 31 approval of an isolated network (孤网): a system
    that cannot share data is built or kept only after BDB's initial review and the city
    government's approval."""

    NOT_NEEDED = "not_needed", _("非孤网，无需审批")
    AWAITING_BDB = "awaiting_bdb", _("待市大数据发展局初审")
    AWAITING_GOV = "awaiting_gov", _("待市政府批准")
    APPROVED = "approved", _("市政府已批准保留孤网")
    REFUSED = "refused", _("孤网未获批准")


class IntegrationStatus(models.TextChoices):
    DONE = "done", _("已整合")
    PENDING = "pending", _("应整合未整合")
    NOT_NEEDED = "not_needed", _("无需整合")


class InformationSystem(DetailPage, StatefulModel):
    """An entry of the master catalog (R15.1). Created from projects as they are accepted or
    changed, edited by the owning unit, curated (纳入总目录) by BDB.

    Its state is the Art. 31 approval of an isolated network (``isolation_state``, machine
    ``system_isolation``); the operating ``status`` is a fact of the catalog that the unit
    reports (or acceptance sets, Art. 15), not a lifecycle the measures regulate."""

    MACHINE = "system_isolation"
    detail_url_name = "catalog:system_detail"

    code = models.CharField(_("系统编码"), max_length=40, unique=True)
    name = models.CharField(_("系统名称"), max_length=200)
    unit = kept_fk(
        "accounts.Organisation", verbose_name=_("所属单位"), related_name="information_systems"
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("建设或改造项目"), blank=True, related_name="systems"
    )
    category = models.CharField(_("系统类别"), max_length=12, choices=SystemCategory.choices)
    delivery_mode = models.CharField(
        _("建设方式"), max_length=8, choices=DeliveryMode.choices, default=DeliveryMode.BUILT
    )
    status = models.CharField(
        _("运行状态"), max_length=12, choices=SystemStatus.choices, default=SystemStatus.RUNNING
    )
    catalogued = models.BooleanField(_("已纳入总目录"), default=False)
    curated_by = maybe_by_user()
    curated_at = optional_time(_("纳入总目录时间"))
    network = models.CharField(
        _("部署网络"), max_length=10, choices=Network.choices, default=Network.EXTRANET
    )
    isolation_reason = models.TextField(_("不能共享的法律法规依据"), blank=True)
    isolation_state = models.CharField(
        _("孤网审批"),
        max_length=12,
        choices=IsolationState.choices,
        default=IsolationState.NOT_NEEDED,
    )
    isolation_bdb_reviewed_on = optional_date(_("大数据局初审日期"))
    isolation_gov_approved_on = optional_date(_("市政府批准日期"))
    hosting = models.CharField(
        _("部署方式"),
        max_length=10,
        choices=Hosting.choices,
        default=Hosting.CQ_CLOUD,
    )
    hosting_justification = models.TextField(_("未部署在数字重庆云的理由"), blank=True)
    mlps_level = models.PositiveSmallIntegerField(_("等保级别"), null=True, blank=True)
    mlps_filing_number = models.CharField(_("等保备案编号"), max_length=60, blank=True)
    mlps_filing_date = optional_date(_("等保备案日期"))
    mlps_evaluated_on = optional_date(_("最近等保测评日期"))
    mlps_result = models.CharField(
        _("等保测评结论"), max_length=6, choices=AssessmentResult.choices, blank=True
    )
    crypto_assessed_on = optional_date(_("最近密评日期"))
    crypto_result = models.CharField(
        _("密评结论"), max_length=6, choices=AssessmentResult.choices, blank=True
    )
    major_hazard = models.BooleanField(_("存在重大安全隐患"), default=False)
    hazard_note = models.TextField(_("安全隐患说明"), blank=True)
    integration_status = models.CharField(
        _("整合状态"),
        max_length=12,
        choices=IntegrationStatus.choices,
        default=IntegrationStatus.NOT_NEEDED,
    )
    users_count = models.PositiveIntegerField(_("用户数"), null=True, blank=True)
    monthly_visits = models.PositiveIntegerField(_("月访问量"), null=True, blank=True)
    last_maintained_on = optional_date(_("最近运维日期"))
    detached_from_business = models.BooleanField(_("与业务脱节"), default=False)
    replaceable_by = models.CharField(_("可被替代的系统"), max_length=200, blank=True)
    updated_at = update_time(_("更新时间"))
    created_at = creation_time(_("登记时间"))

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name", "code"]
        verbose_name = _("政务信息系统")
        verbose_name_plural = _("政务信息系统总目录")
        indexes = [models.Index(fields=["unit", "integration_status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ResourceAttribute(models.TextChoices):
    BASE = "base", _("基础信息资源")
    THEME = "theme", _("主题信息资源")
    DEPARTMENT = "department", _("部门信息资源")


class ResourceFormat(models.TextChoices):
    FILE = "file", _("电子文件")
    SHEET = "sheet", _("电子表格")
    DATABASE = "database", _("数据库")
    IMAGE = "image", _("图形图像")
    STREAM = "stream", _("流媒体")
    SELF_DESC = "self_desc", _("自描述格式")
    API = "api", _("服务接口")


class ShareMethod(models.TextChoices):
    PLATFORM_DB = "platform_db", _("共享平台方式（数据库）")
    PLATFORM_API = "platform_api", _("共享平台方式（接口）")
    PLATFORM_FILE = "platform_file", _("共享平台方式（文件）")
    EMAIL = "email", _("邮件方式")
    MEDIA = "media", _("介质方式")


class OpenType(models.TextChoices):
    OPEN = "open", _("无条件开放")
    CONDITIONAL = "conditional", _("有条件开放")
    CLOSED = "closed", _("不予开放")


class UpdateCycle(models.TextChoices):
    REALTIME = "realtime", _("实时")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")
    OTHER = "other", _("其他")


class OpenScope(models.TextChoices):
    ALL = "all", _("面向全社会或全部政务部门")
    NAMED = "named", _("仅向特定企业或组织")


class DataResource(DetailPage, models.Model):
    """A data resource catalog entry (数据资源目录) after 政务信息资源目录编制指南(试行)."""

    classification = models.CharField(
        _("资源属性"), max_length=12, choices=ResourceAttribute.choices
    )
    class_code = models.CharField(_("分类代码"), max_length=30)
    resource_code = models.CharField(_("资源代码"), max_length=60, unique=True)
    name = models.CharField(_("资源名称"), max_length=200)
    provider = kept_fk(
        "accounts.Organisation", verbose_name=_("资源提供方"), related_name="data_resources"
    )
    summary = models.TextField(_("资源摘要"))
    format = models.CharField(_("资源格式"), max_length=10, choices=ResourceFormat.choices)
    share_type = models.CharField(_("共享类型"), max_length=14, choices=ShareType.choices)
    share_conditions = models.TextField(_("共享条件"), blank=True)
    share_basis = models.TextField(_("不予共享依据"), blank=True)
    share_method = models.CharField(
        _("共享方式"), max_length=14, choices=ShareMethod.choices, blank=True
    )
    open_type = models.CharField(_("开放类型"), max_length=12, choices=OpenType.choices)
    open_scope = models.CharField(
        _("开放范围"), max_length=6, choices=OpenScope.choices, default=OpenScope.ALL
    )
    named_recipients = models.TextField(_("特定开放对象"), blank=True)
    update_cycle = models.CharField(_("更新周期"), max_length=12, choices=UpdateCycle.choices)
    release_date = optional_date(_("发布日期"))
    related_codes = models.CharField(_("关联资源代码"), max_length=500, blank=True)
    is_authoritative = models.BooleanField(
        _("权威数据源"), default=False, help_text=_("该资源是其信息项的权威来源（第三十一条）。")
    )
    systems = models.ManyToManyField(
        InformationSystem, verbose_name=_("提供系统"), blank=True, related_name="resources"
    )
    updated_at = update_time(_("更新时间"))

    detail_url_name = "catalog:resource_detail"

    objects = SharedCatalogQuerySet.as_manager()

    class Meta:
        ordering = ["resource_code"]
        verbose_name = _("数据资源")
        verbose_name_plural = _("数据资源目录")
        # the few authoritative base resources, found without reading the whole catalog
        indexes = [
            models.Index(
                fields=["is_authoritative"],
                condition=Q(is_authoritative=True),
                name="catalog_res_authoritative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_code} {self.name}"


class DataType(models.TextChoices):
    CHAR = "char", _("字符")
    NUMBER = "number", _("数值")
    MONEY = "money", _("货币")
    DATE = "date", _("日期")
    DATETIME = "datetime", _("日期时间")
    BOOL = "bool", _("逻辑")
    MEMO = "memo", _("备注")


class InformationItem(models.Model):
    """A field of a data resource; ``key`` is the normalised name + data type used to find
    duplicate collection (Art. 31)."""

    resource = models.ForeignKey(DataResource, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("信息项名称"), max_length=100)
    key = models.CharField(_("归一化标识"), max_length=140, db_index=True, editable=False)
    data_type = models.CharField(_("数据类型"), max_length=10, choices=DataType.choices)
    length = models.PositiveIntegerField(_("数据长度"), null=True, blank=True)
    # the providing system that holds the item (one of the resource's systems)
    system = models.ForeignKey(
        InformationSystem,
        verbose_name=_("所属系统"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )

    class Meta:
        ordering = ["resource", "id"]
        verbose_name = verbose_name_plural = _("信息项")

    def __str__(self):
        return self.name


class SharingState(models.TextChoices):
    PENDING = "pending", _("待答复")
    GRANTED = "granted", _("同意共享")
    REFUSED = "refused", _("不予共享")


class SharingRequestQuerySet(StatefulQuerySet):
    def for_user(self, user: Any) -> SharingRequestQuerySet:
        from projects.visibility import reads_all_projects, unit_ids_of

        if not user.is_authenticated:
            return self.none()
        if reads_all_projects(user):
            return self
        units = unit_ids_of(user)
        return self.filter(Q(requester_id__in=units) | Q(resource__provider_id__in=units))


class SharingRequest(DetailPage, StatefulModel):
    """A unit's request for another unit's resource; the provider answers within the policy's
    ``sharing_response_days`` (Art. 14). Its state is machine ``sharing_request``."""

    MACHINE = "sharing_request"
    detail_url_name = "catalog:sharing_detail"

    resource = kept_fk(DataResource, related_name="requests")
    requester = kept_fk(
        "accounts.Organisation", verbose_name=_("申请单位"), related_name="sharing_requests"
    )
    purpose = models.TextField(_("用途"))
    state = state_field(SharingState, 8, default=SharingState.PENDING)
    requested_on = models.DateField(_("申请日期"))
    due_on = models.DateField(_("答复期限"))
    answered_on = optional_date(_("答复日期"))
    answer = models.TextField(_("答复意见"), blank=True)
    requested_by = by_user()
    answered_by = maybe_by_user()

    objects = SharingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = verbose_name_plural = _("共享申请")
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.requester} → {self.resource}"

    @property
    def is_overdue(self) -> bool:
        """Pending after its answer period (Art. 14; R31.2 counts these)."""
        from core.dates import today

        return self.state == SharingState.PENDING and self.due_on < today()


class SharingFeedback(models.Model):
    """The requester's report of how a granted resource is used (Art. 14 feedback)."""

    request = models.ForeignKey(SharingRequest, on_delete=models.CASCADE, related_name="feedback")
    usage = models.TextField(_("使用情况"))
    satisfied = models.BooleanField(_("满足需要"), default=True)
    reported_by = by_user()
    reported_on = models.DateField(_("反馈日期"))

    class Meta:
        ordering = ["request", "-reported_on"]
        verbose_name = verbose_name_plural = _("共享使用反馈")

    def __str__(self):
        return f"{self.request} 反馈"


class OMRunState(models.TextChoices):
    RUNNING = "running", _("判定中")
    DECIDED = "decided", _("已决定")
    FAILED = "failed", _("判定失败")


class OMRunQuerySet(StatefulQuerySet):
    def for_user(self, user: Any) -> OMRunQuerySet:
        """A run's counts cover every system of the city: only those who read every project
        (Finance, BDB, DRC, the city government, Audit) see runs."""
        from projects.visibility import reads_all_projects

        return self if reads_all_projects(user) else self.none()


class OMRun(StatefulModel):
    """One run of the O&M funding decision (R28.4, R31-R33): the budget year, the policy version
    in force, when and by whom, and how many systems it decided and found eligible. Its
    decisions hold only what differs per system; what the run shares is stored here once.
    A run is a machine (``om_run``): running while its one INSERT … SELECT decides every
    system, then decided, or failed (stored without decisions when the database refused)."""

    MACHINE = "om_run"

    code = models.CharField(_("批次"), max_length=40, unique=True)
    budget_year = models.PositiveSmallIntegerField(_("预算年度"))
    policy = kept_fk("policy.PolicyVersion", related_name="+", verbose_name=_("政策版本"))
    decided_at = models.DateTimeField(_("决定时间"))
    decided_by = maybe_by_user(verbose_name=_("决定人"))
    systems = models.PositiveIntegerField(_("系统数"), default=0)
    eligible = models.PositiveIntegerField(_("可安排数"), default=0)
    state = state_field(OMRunState, 8, default=OMRunState.RUNNING)

    objects = OMRunQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = verbose_name_plural = _("运维经费决定批次")
        indexes = [models.Index(fields=["budget_year", "decided_at"])]

    def __str__(self) -> str:
        return self.code


class OMDecisionQuerySet(UnitScopedQuerySet):
    unit_field = "system__unit_id"


class OMDecision(DetailPage, models.Model):
    """O&M funding decision for one system in one run (hence one budget year): eligible or not,
    with every failed condition (rule id, article, kind, facts) and the warnings; the budget
    year, policy version and time are the run's (R28.4, R31-R33)."""

    # a yearly run writes 100,000 rows: the row keeps only what differs per system, and the
    # two composite indexes serve the pages (a system's history; a run's list and counts)
    system = kept_fk(InformationSystem, related_name="om_decisions", db_index=False)
    run = kept_fk(OMRun, related_name="decisions", db_index=False)
    eligible = models.BooleanField(_("可安排运维经费"))
    reasons = models.JSONField(_("不符合的条件"), default=list)
    warnings = models.JSONField(_("提示"), default=list)

    detail_url_name = "catalog:om_detail"

    objects = OMDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-run_id", "system_id"]
        verbose_name = verbose_name_plural = _("运维经费决定")
        indexes = [
            models.Index(fields=["system", "run"]),
            models.Index(fields=["run", "eligible"]),
        ]

    def __str__(self):
        return f"{self.system.code} {self.budget_year} {'可安排' if self.eligible else '不予安排'}"

    @property
    def budget_year(self) -> int:
        return self.run.budget_year

    @property
    def policy(self):
        return self.run.policy

    @property
    def decided_at(self):
        return self.run.decided_at

    @cached_property
    def explained_reasons(self) -> list[dict]:
        """The stored failed conditions with their words (message, remedy) rendered from the
        recorded facts."""
        return explain(self.reasons, self.system.name)

    @cached_property
    def explained_warnings(self) -> list[dict]:
        return explain(self.warnings, self.system.name)
