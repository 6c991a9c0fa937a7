"""Enumerations shared by every app: ledger action codes live here so that the ledger has one
closed vocabulary."""

import functools
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ActionCode(models.TextChoices):
    """What happened, as recorded in the audit ledger."""

    # accounts
    LOGIN = "auth.login", _("登录")
    LOGOUT = "auth.logout", _("退出")
    LOGIN_FAILED = "auth.login_failed", _("登录失败")
    ACCOUNT_LOCKED = "auth.locked", _("账号锁定")
    PASSWORD_CHANGED = "auth.password_changed", _("修改密码")
    ORG_CREATED = "org.created", _("新建组织")
    ORG_UPDATED = "org.updated", _("修改组织")
    USER_CREATED = "user.created", _("新建用户")
    USER_UPDATED = "user.updated", _("修改用户")
    USER_DEACTIVATED = "user.deactivated", _("停用用户")
    USER_ACTIVATED = "user.activated", _("启用用户")
    USER_UNLOCKED = "user.unlocked", _("解锁用户")
    PASSWORD_RESET = "user.password_reset", _("重置密码")
    ROLE_GRANTED = "role.granted", _("授予角色")
    ROLE_REVOKED = "role.revoked", _("撤销角色")
    TOKEN_CREATED = "token.created", _("创建接口令牌")
    TOKEN_REVOKED = "token.revoked", _("吊销接口令牌")
    # policy
    POLICY_CREATED = "policy.created", _("新建政策版本")
    GATE_EVALUATED = "policy.gate_evaluated", _("规则评估")
    # planning (Art. 6, 7)
    CITY_PLAN_CREATED = "planning.city_plan_created", _("新建市级政务信息化建设规划")
    CITY_PLAN_UPDATED = "planning.city_plan_updated", _("修改市级规划草稿")
    CITY_PLAN_SUBMITTED = "planning.city_plan_submitted", _("市级规划报市政府审批")
    CITY_PLAN_APPROVED = "planning.city_plan_approved", _("市政府批准市级规划")
    CITY_PLAN_RETURNED = "planning.city_plan_returned", _("市政府退回市级规划")
    CITY_PLAN_REASSESSED = "planning.city_plan_reassessed", _("市级规划评估论证并提出调整")
    MASTER_PLAN_CREATED = "planning.master_plan_created", _("新建整合建设总体方案")
    MASTER_PLAN_UPDATED = "planning.master_plan_updated", _("修改整合建设总体方案")
    MASTER_PLAN_REVISION_CREATED = "planning.master_plan_revision_created", _("新建总体方案修订稿")
    MASTER_PLAN_ITEM_ADDED = "planning.master_plan_item_added", _("总体方案增加项目")
    MASTER_PLAN_ITEM_CHANGED = "planning.master_plan_item_changed", _("总体方案调整项目")
    MASTER_PLAN_ITEM_REMOVED = "planning.master_plan_item_removed", _("总体方案删减项目")
    MASTER_PLAN_FILED = "planning.master_plan_filed", _("总体方案报备")
    MASTER_PLAN_FILING_RECEIVED = "planning.master_plan_filing_received", _("确认收到总体方案报备")
    DATA_GOVERNANCE_RECORDED = "planning.data_governance_recorded", _("登记数据标准与数据治理情况")
    # documents (Art. 14)
    DOCUMENT_UPLOADED = "documents.uploaded", _("上传文件")
    DOCUMENT_VERSION_ADDED = "documents.version_added", _("上传文件新版本")
    DOCUMENT_WITHDRAWN = "documents.withdrawn", _("作废文件")
    # projects (Art. 8, 9, 12-15, 19, 20)
    PROJECT_CREATED = "projects.created", _("新建项目需求")
    PROJECT_UPDATED = "projects.updated", _("修改项目需求")
    PROJECT_SUBMITTED = "projects.submitted", _("申报项目需求")
    PROJECT_WITHDRAWN = "projects.withdrawn", _("撤回申报")
    PROJECT_RESUBMITTED = "projects.resubmitted", _("修改后重新报送")
    PROJECT_CHAPTER_DECLARED = "projects.chapter_declared", _("填写报告章节")
    REVIEW_STARTED = "projects.review_started", _("签收审核")
    REVIEW_OPINION = "projects.review_opinion", _("出具审核意见")
    REVIEW_TRANSFERRED = "projects.review_transferred", _("转办")
    REVIEW_COPIED = "projects.review_copied", _("抄送")
    PROJECT_LISTED = "projects.listed", _("列入项目清单")
    PROJECT_RETURNED = "projects.returned", _("退回修改")
    PROJECT_REJECTED = "projects.rejected", _("不予通过")
    PROJECT_LIST_PUBLISHED = "projects.list_published", _("发布项目清单")
    PROJECT_ACCEPTED = "projects.accepted", _("受理并委托第三方评估")
    EVALUATION_REPORTED = "projects.evaluation_reported", _("提交评估报告")
    JOINT_REVIEW_COMPLETED = "projects.joint_review_completed", _("联合技术审查完成")
    FSR_APPROVED = "projects.fsr_approved", _("批复可行性研究报告")
    DESIGN_SUBMITTED = "projects.design_submitted", _("报送初步设计及概算")
    DESIGN_CONTENT_REVIEWED = "projects.design_content_reviewed", _("初步设计内容审核")
    PROJECT_APPROVED = "projects.approved", _("项目批复")
    EXTERNAL_REQUIREMENT_RECEIVED = "projects.external_received", _("接收渝快办需求")
    CLASSIFIED_STUB_RECORDED = "projects.classified_stub", _("登记涉密项目存根")
    FRAMEWORK_CREATED = "projects.framework_created", _("新建跨部门项目框架方案")
    FRAMEWORK_UPDATED = "projects.framework_updated", _("修改跨部门项目框架方案")
    FRAMEWORK_SUBMITTED = "projects.framework_submitted", _("框架方案报大数据局审核")
    FRAMEWORK_REVIEWED = "projects.framework_reviewed", _("大数据局出具框架方案审核意见")
    # investment (Art. 10, 11, 25, 26)
    PLAN_VERSION_OPENED = "investment.plan_version_opened", _("开始编制年度投资计划")
    PLAN_ENTRY_ADDED = "investment.plan_entry_added", _("纳入年度投资计划")
    PLAN_COMPILED = "investment.plan_compiled", _("批量编制年度投资计划")
    PLAN_ENTRY_CHANGED = "investment.plan_entry_changed", _("调整计划项目")
    PLAN_PUBLISHED = "investment.plan_published", _("发布年度投资计划")
    PERFORMANCE_TABLE_SAVED = "investment.performance_table_saved", _("填报绩效目标表")
    BUDGET_LINE_ADDED = "investment.budget_line_added", _("安排预算")
    ART11_INITIATED = "investment.art11_initiated", _("财政局发起第十一条事项")
    ART11_LISTED = "investment.art11_listed", _("大数据局纳入项目清单（第十一条）")
    ART11_APPROVED = "investment.art11_approved", _("发展改革委审批并调整计划（第十一条）")
    ART11_BUDGETED = "investment.art11_budgeted", _("财政局安排预算（第十一条）")
    CONTRACT_RECORDED = "investment.contract_recorded", _("登记合同")
    PAYMENT_RECORDED = "investment.payment_recorded", _("登记支付")
    BASELINE_RECORDED = "investment.baseline_recorded", _("登记批复基线")
    CHANGE_FILED = "investment.change_filed", _("项目调整备案")
    CHANGE_SUBMITTED = "investment.change_submitted", _("提交项目调整审批")
    CHANGE_DECIDED = "investment.change_decided", _("审批项目调整")
    # delivery (Art. 16, 22-24, 28-30)
    DELIVERY_UPDATED = "delivery.updated", _("登记实施机构和负责人")
    SUPERVISOR_ASSIGNED = "delivery.supervisor_assigned", _("登记工程监理")
    CONSTRUCTION_STARTED = "delivery.started", _("开工建设")
    MILESTONE_RECORDED = "delivery.milestone", _("登记里程碑")
    SUPERVISION_REPORTED = "delivery.supervision_reported", _("提交监理报告")
    ANNUAL_REPORT_SUBMITTED = "delivery.annual_report", _("提交年度绩效评价报告")
    INCIDENT_REPORTED = "delivery.incident_reported", _("报告重大事项")
    RECTIFICATION_ORDERED = "delivery.rectification_ordered", _("责令限期整改")
    PROJECT_SUSPENDED = "delivery.suspended", _("暂停项目")
    SUSPENSION_LIFTED = "delivery.suspension_lifted", _("解除暂停")
    INCIDENT_CLOSED = "delivery.incident_closed", _("重大事项整改完成")
    TRIAL_STARTED = "delivery.trial_started", _("开始试运行")
    CONSTRUCTION_COMPLETED = "delivery.completed", _("登记建成")
    ARCHIVES_ACCEPTED = "delivery.archives_accepted", _("档案验收通过")
    ARCHIVES_FAILED = "delivery.archives_failed", _("档案验收不合格")
    ACCEPTANCE_APPLIED = "delivery.acceptance_applied", _("申请竣工验收")
    ACCEPTANCE_DECIDED = "delivery.acceptance_decided", _("登记竣工验收结果")
    ACCEPTANCE_FILED = "delivery.acceptance_filed", _("竣工验收结果备案")
    EXTENSION_REQUESTED = "delivery.extension_requested", _("申请延期验收")
    EXTENSION_DECIDED = "delivery.extension_decided", _("审核延期验收")
    WENT_LIVE = "delivery.went_live", _("正式上线运行")
    SELF_EVALUATION_SUBMITTED = "delivery.self_evaluation", _("提交自评价")
    POST_EVALUATION_COMMISSIONED = "delivery.post_evaluation_commissioned", _("委托后评价")
    POST_EVALUATION_SUBMITTED = "delivery.post_evaluation_submitted", _("提交后评价")
    DEADLINE_SWEPT = "delivery.deadline_swept", _("期限巡检")
    # catalog (Art. 14, 15, 31-33)
    SYSTEM_REGISTERED = "catalog.system_registered", _("登记政务信息系统")
    SYSTEM_UPDATED = "catalog.system_updated", _("修改系统目录信息")
    SYSTEM_CURATED = "catalog.system_curated", _("审核纳入总目录")
    SYSTEM_SYNCED = "catalog.system_synced", _("由项目更新总目录")
    SYSTEMS_IMPORTED = "catalog.systems_imported", _("导入系统目录")
    ISOLATION_REVIEWED = "catalog.isolation_reviewed", _("孤网审批")
    RESOURCE_SAVED = "catalog.resource_saved", _("编制数据资源目录")
    RESOURCES_IMPORTED = "catalog.resources_imported", _("导入数据资源目录")
    SHARING_REQUESTED = "catalog.sharing_requested", _("申请数据共享")
    SHARING_ANSWERED = "catalog.sharing_answered", _("答复共享申请")
    SHARING_FEEDBACK = "catalog.sharing_feedback", _("反馈共享使用情况")
    OM_DECIDED = "catalog.om_decided", _("生成运维经费决定")
    ART11_REJECTED = "investment.art11_rejected", _("第十一条事项不予办理")
    ARCHIVE_EXPORTED = "delivery.archive_exported", _("导出电子档案")
    # notifications (issue 18 pt 5)
    NOTIFICATION_SETTINGS_SAVED = "notifications.settings_saved", _("保存通知设置")


class JobState(models.TextChoices):
    """Where a background job stands (``core.jobs``)."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未完成")


class NotificationCategory(models.TextChoices):
    """What a notification is about; a user chooses which categories to be told about, except
    to-do reminders: what needs action stays in the to-do list and its reminders."""

    TODO = "todo", _("待办提醒")
    PROGRESS = "progress", _("审批进展")
    SUPERVISION = "supervision", _("监督管理")
    DEADLINE = "deadline", _("期限提醒")
    COPY = "cc", _("抄送")
    ACCOUNT = "account", _("系统与账号")
    JOB = "job", _("后台任务")


#: categories nobody can mute: to-do reminders, and the notice that one's own background job
#: has finished (asked for by that person, who waits for it)
UNMUTABLE_CATEGORIES = frozenset({NotificationCategory.TODO, NotificationCategory.JOB})


class Severity(models.TextChoices):
    BLOCK = "block", _("阻断")
    WARN = "warn", _("提醒")
    INFO = "info", _("提示")


#: words of the ledger codes chapters record beyond ActionCode (supervision, evidence…), so that
#: every event reaches a person under its Chinese name (issue 18 pt 3)
_EVENT_WORDS: dict[str, Any] = {}


def register_event_words(words: Mapping[str, Any] | type[models.TextChoices]) -> None:
    """Declare the Chinese words of a chapter's ledger codes (from its ``ready``)."""
    if isinstance(words, type):
        words = dict(words.choices)
    _EVENT_WORDS.update(words)


def event_label(code: str) -> str:
    """The Chinese name of a ledger code; the code itself only when nobody declared one."""
    if code in ActionCode.values:
        return str(ActionCode(code).label)
    return str(_EVENT_WORDS.get(code, code))


def event_choices() -> list[tuple[str, str]]:
    """Every declared ledger code with its words (the ledger page's filter)."""
    declared = [*ActionCode.choices, *_EVENT_WORDS.items()]
    return [(code, str(words)) for code, words in declared]


@functools.cache
def _choice_labels(choices: type[models.Choices], language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_labels(choices: type[models.Choices]) -> dict[Any, str]:
    """value → label as plain text in the active language, translated once per language (a
    list of 100 rows asked ``get_FOO_display()`` three hundred times, a gettext each)."""
    return _choice_labels(choices, get_language())


class ShareType(models.TextChoices):
    """The sharing type of data (GB/T 21063.4; Art. 14 ¶3): of a catalog resource and of the
    data a project produces."""

    UNCONDITIONAL = "unconditional", _("无条件共享")
    CONDITIONAL = "conditional", _("有条件共享")
    NONE = "none", _("不予共享")
