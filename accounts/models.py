"""Organisations (units, authorities, consultants, supervisors, districts), people and their roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.encrypted import EncryptedCharField
from core.model_parts import creation_time, kept_fk, optional_fk, optional_time

from .roles import Authority, OrgKind, Role, UnitCategory
from .visibility import sees_all_accounts, sees_everything, visible_organisation_ids


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_user(self, user: Any) -> OrganisationQuerySet:
        """The organisation directory is visible to every signed-in user: the names of
        government bodies are not secret. Editing is for platform admins only."""
        if not user.is_authenticated:
            return self.none()
        return self

    def authorities(self) -> OrganisationQuerySet:
        return self.filter(kind=OrgKind.AUTHORITY)

    def units(self) -> OrganisationQuerySet:
        return self.filter(kind=OrgKind.UNIT)


class Organisation(models.Model):
    """A body that uses the platform: a 项目建设单位 (Art. 2), an authority (Art. 4-5, 35-36),
    a third-party consultant (Art. 9), an engineering supervisor (Art. 22) or a district (Art. 39)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    unit_category = models.CharField(
        _("建设单位类别（第二条）"), max_length=2, choices=UnitCategory.choices, blank=True
    )
    authority = models.CharField(
        _("主管部门代码"), max_length=20, choices=Authority.choices, blank=True
    )
    district = optional_fk(
        "self",
        verbose_name=_("所属区县"),
        related_name="district_units",
        limit_choices_to={"kind": OrgKind.DISTRICT},
    )
    division_code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True, help_text=_("区县填写，如渝中区 500103。")
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = creation_time(_("创建时间"))

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = verbose_name_plural = _("组织")
        constraints = [
            models.UniqueConstraint(
                fields=["authority"],
                condition=~models.Q(authority=""),
                name="organisation_one_per_authority",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="unit") | models.Q(unit_category=""),
                name="organisation_category_only_for_units",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="authority") | models.Q(authority=""),
                name="organisation_authority_code_only_for_authorities",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class UserQuerySet(models.QuerySet["User"]):
    def for_user(self, user: Any) -> UserQuerySet:
        """Admins and Audit see every account; others see themselves and the people of their
        own organisations."""
        if sees_all_accounts(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        colleagues = Q(
            memberships__organisation_id__in=visible_organisation_ids(user),
            memberships__is_active=True,
        )
        return self.filter(colleagues | Q(pk=user.pk)).distinct()


class GovUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person. Failed-login counting and lockout follow MLPS level 3 (GB/T 22239-2019 8.1.4.1)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedCharField(_("手机"), max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = optional_time(_("锁定至"))
    # MLPS level 3 identity authentication (GB/T 22239-2019 8.1.4.1): a password set by the
    # admin is changed by its owner at the next sign-in, and every password is changed when
    # older than the policy's ``password_max_age_days`` (``accounts.password_policy``)
    password_changed_at = optional_time(_("密码修改时间"))
    password_must_change = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("管理员重置密码后，本人登录时须先修改密码。")
    )

    objects = GovUserManager()  # type: ignore[misc]
    _memberships_cache: list[Membership] | None = None  # active_memberships(), per instance

    class Meta:
        ordering = ["username"]
        verbose_name = verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def is_locked(self, at: dt.datetime | None = None) -> bool:
        return bool(self.locked_until and self.locked_until > (at or timezone.now()))

    # -- roles ---------------------------------------------------------------------------
    def active_memberships(self) -> list[Membership]:
        cache = getattr(self, "_memberships_cache", None)
        if cache is None:
            cache = list(
                self.memberships.filter(is_active=True, organisation__is_active=True)
                .select_related("organisation")
                .order_by("id")
            )
            self._memberships_cache = cache
        return cache

    def role_codes(self) -> set[str]:
        return {m.role for m in self.active_memberships()}

    def reads_everything(self) -> bool:
        """Audit and the platform admin read every record (``accounts.visibility``); core's
        ledger asks the user, so that core names no role."""
        return sees_everything(self)

    def reads_whole_ledger(self) -> bool:
        """The audit administrator (安全审计员) reads every ledger event and the security log,
        and nothing else of the business (三权分立, ``accounts.duties``)."""
        return bool(self.is_authenticated and self.has_role(Role.AUDIT_ADMIN))

    def organisation_ids(self) -> set[int]:
        """The organisations the user holds an active role in."""
        return visible_organisation_ids(self)

    def menu_roles(self) -> set[str]:
        """The roles whose menu entries the user sees (``core.navigation``): a superuser
        sees the platform administrator's too."""
        codes = self.role_codes()
        return codes | {Role.PLATFORM_ADMIN} if self.is_superuser else codes

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))

    def organisations_with_role(self, *roles: str) -> list[Organisation]:
        return [m.organisation for m in self.active_memberships() if m.role in roles]

    @property
    def primary_organisation(self) -> Organisation | None:
        memberships = self.active_memberships()
        return memberships[0].organisation if memberships else None


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: Any) -> MembershipQuerySet:
        """Admins and Audit see every role grant; others the grants in their organisations."""
        if sees_all_accounts(user):
            return self
        return self.filter(organisation_id__in=visible_organisation_ids(user))


class Membership(models.Model):
    """A role held by a user in an organisation. Revoking deactivates; history stays."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = kept_fk(Organisation, related_name="memberships", verbose_name=_("组织"))
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    granted_at = creation_time(_("授予时间"))
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = optional_time(_("撤销时间"))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        verbose_name = verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(is_active=True),
                name="membership_unique_active_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def label(self) -> str:
        """“市教委 · 填报人”."""
        return f"{self.organisation.display_name} · {self.get_role_display()}"


def hash_token(raw: str) -> str:
    """The stored digest of a new token: HMAC-SM3 under the token key kept outside the
    database (GB/T 39786), so that a copy of the table cannot be used to test guesses."""
    from core import keys
    from core.crypto import hmac_sm3_hex

    return hmac_sm3_hex(keys.read("token_hmac"), raw.encode())


def token_digests(raw: str) -> list[str]:
    """Every digest a stored token of ``raw`` may carry: under each token key of the store,
    and the SHA-256 of tokens made before HMAC-SM3 (upgraded at their next use)."""
    from core import keys
    from core.crypto import hmac_sm3_hex

    data = raw.encode()
    keyed = [hmac_sm3_hex(keys.read("token_hmac", k), data) for k in keys.ids_of("token_hmac")]
    return [*keyed, legacy_token_digest(raw)]


def legacy_token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def for_user(self, user: Any) -> ApiTokenQuerySet:
        """Admins and Audit see every token (never its key); others only their own."""
        if sees_all_accounts(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user_id=user.pk)


class ApiToken(models.Model):
    """A bearer token for machine clients (e.g. the 渝快办 channel). Only its digest is stored;
    the raw token is shown once, when the admin creates it. It always expires."""

    PREFIX = "gvt_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    key_prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = creation_time(_("创建时间"))
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # every token expires, within the policy's ``api_token_max_days`` (MLPS level 3)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = optional_time(_("吊销时间"))
    last_used_at = optional_time(_("最近使用"))

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @classmethod
    def generate_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def is_usable(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires_at > at


class SignInAddress(models.Model):
    """Failed sign-ins counted per source address (MLPS level 3: GB/T 22239-2019 8.1.4.1),
    besides the per-account lock: after ``GOVIT_LOGIN_IP_MAX_FAILURES`` in a window the
    address is refused for a while, whatever name it types. A failure naming nobody is
    counted here only (``unknown_names``), not written to the ledger one row each."""

    ip = models.CharField(_("来源地址"), max_length=45, unique=True)
    window_start = models.DateTimeField(_("计数起点"))
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    unknown_names = models.PositiveIntegerField(_("不存在的登录名次数"), default=0)
    blocked_until = optional_time(_("限制至"))
    last_failure_at = optional_time(_("最近失败"))

    class Meta:
        verbose_name = verbose_name_plural = _("登录来源地址")

    def __str__(self) -> str:
        return self.ip

    def is_blocked(self, at: dt.datetime | None = None) -> bool:
        return bool(self.blocked_until and self.blocked_until > (at or timezone.now()))
