"""Enumerations shared by every app: ledger action codes live here so that the ledger has one
closed vocabulary."""

from django.db import models
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


class Severity(models.TextChoices):
    BLOCK = "block", _("阻断")
    WARN = "warn", _("提醒")
    INFO = "info", _("提示")
