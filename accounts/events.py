"""The accounts chapter's own ledger codes beyond ``core.enums.ActionCode``: the second factor
and the per-address sign-in limit (MLPS level 3: GB/T 22239-2019 8.1.4.1), named for people
through ``core.enums.register_event_words``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.TextChoices):
    SECOND_FACTOR_ENROLLED = "auth.otp_enrolled", _("启用双因素认证")
    SECOND_FACTOR_VERIFIED = "auth.otp_verified", _("双因素认证通过")
    SECOND_FACTOR_FAILED = "auth.otp_failed", _("动态口令错误")
    SECOND_FACTOR_RESET = "user.otp_reset", _("重置双因素认证")
    ADDRESS_THROTTLED = "auth.address_throttled", _("来源地址登录受限")
