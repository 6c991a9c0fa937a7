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


class Severity(models.TextChoices):
    BLOCK = "block", _("阻断")
    WARN = "warn", _("提醒")
    INFO = "info", _("提示")
