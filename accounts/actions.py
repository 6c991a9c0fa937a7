"""Actions on organisations, people, roles, tokens and sign-in (Art. 2, 4; MLPS level 3).

Only a platform admin manages organisations and people; a non-admin gets ActionForbidden,
which pages turn into 404.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.actions import action
from core.enums import ActionCode
from core.errors import ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.notify import notify

from .models import ApiToken, Membership, Organisation, User, hash_token
from .roles import OrgKind, Role, roles_allowed_for

ORG_FIELDS = (
    "name",
    "short_name",
    "kind",
    "unit_category",
    "authority",
    "district",
    "division_code",
    "credit_code",
    "contact_phone",
    "is_active",
)
USER_FIELDS = ("username", "full_name", "email", "phone")


def require_admin(user) -> None:
    if not (
        user and user.is_authenticated and (user.is_superuser or user.has_role(Role.PLATFORM_ADMIN))
    ):
        raise ActionForbidden("只有系统管理员可以管理组织和人员。")


def _validate_org(org: Organisation) -> None:
    errors = {}
    if org.kind != OrgKind.UNIT:
        org.unit_category = ""
    elif not org.unit_category and not org.district_id:
        errors["unit_category"] = "市级项目建设单位须选择第二条规定的单位类别（区县单位除外）。"
    if org.kind != OrgKind.AUTHORITY:
        org.authority = ""
    elif not org.authority:
        errors["authority"] = "主管部门须选择其部门代码。"
    if org.kind == OrgKind.DISTRICT and not org.division_code:
        errors["division_code"] = "区县须填写行政区划代码（6 位数字）。"
    if org.division_code and not (org.division_code.isdigit() and len(org.division_code) == 6):
        errors["division_code"] = "行政区划代码须为 6 位数字。"
    if org.district_id and org.kind != OrgKind.UNIT:
        errors["district"] = "只有项目建设单位可以归属区县。"
    if org.authority:
        clash = Organisation.objects.filter(authority=org.authority).exclude(pk=org.pk).first()
        if clash:
            errors["authority"] = f"该主管部门已由“{clash.name}”登记，不能重复。"
    dup = Organisation.objects.filter(name=org.name).exclude(pk=org.pk).exists()
    if dup:
        errors["name"] = "已有同名组织。"
    if errors:
        raise ActionInvalid("组织信息有误，请按提示修改。", errors)


@action
def create_organisation(*, acting_user, **fields) -> Organisation:
    """Register a new organisation (unit, authority, consultant, supervisor or district)."""
    require_admin(acting_user)
    org = Organisation(**{k: v for k, v in fields.items() if k in ORG_FIELDS})
    _validate_org(org)
    org.save()
    record_event(
        ActionCode.ORG_CREATED,
        actor=acting_user,
        obj=org,
        organisation=org,
        data={k: getattr(org, k if k != "district" else "district_id") for k in ORG_FIELDS},
    )
    return org


@action
def update_organisation(org: Organisation, *, acting_user, **fields) -> Organisation:
    """Change an organisation's details; the ledger keeps what changed."""
    require_admin(acting_user)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    before = {k: str(getattr(org, k)) for k in ORG_FIELDS}
    for key, value in fields.items():
        if key in ORG_FIELDS:
            setattr(org, key, value)
    _validate_org(org)
    changed = {
        k: [before[k], str(getattr(org, k))]
        for k in ORG_FIELDS
        if before[k] != str(getattr(org, k))
    }
    org.save()
    record_event(
        ActionCode.ORG_UPDATED,
        actor=acting_user,
        obj=org,
        organisation=org,
        data={"changed": changed},
    )
    return org


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ActionInvalid("密码不符合要求。", {"password": " ".join(exc.messages)}) from exc


@action
def create_user(*, acting_user, password: str, **fields) -> User:
    """Open an account. Roles are granted separately (grant_role)."""
    require_admin(acting_user)
    user = User(**{k: v for k, v in fields.items() if k in USER_FIELDS})
    if not user.username:
        raise ActionInvalid("请填写登录名。", {"username": "请填写登录名。"})
    if User.objects.filter(username__iexact=user.username).exists():
        raise ActionInvalid("登录名已被使用。", {"username": "登录名已被使用，请换一个。"})
    _check_password(password, user)
    user.set_password(password)
    user.save()
    record_event(
        ActionCode.USER_CREATED,
        actor=acting_user,
        obj=user,
        data={k: getattr(user, k) for k in USER_FIELDS},
    )
    return user


@action
def update_user(user: User, *, acting_user, **fields) -> User:
    require_admin(acting_user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {k: getattr(user, k) for k in USER_FIELDS}
    for key, value in fields.items():
        if key in USER_FIELDS and key != "username":
            setattr(user, key, value)
    user.save(update_fields=[k for k in USER_FIELDS if k != "username"])
    changed = {
        k: [before[k], getattr(user, k)] for k in USER_FIELDS if before[k] != getattr(user, k)
    }
    record_event(ActionCode.USER_UPDATED, actor=acting_user, obj=user, data={"changed": changed})
    return user


@action
def set_user_active(user: User, *, acting_user, active: bool, reason: str = "") -> User:
    """Deactivate (停用) or reactivate an account. Nobody can deactivate themselves."""
    require_admin(acting_user)
    if user.pk == acting_user.pk and not active:
        raise ActionInvalid("不能停用自己的账号。")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active and user.has_role(Role.PLATFORM_ADMIN):
        _refuse_removing_last_admin(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(
        ActionCode.USER_ACTIVATED if active else ActionCode.USER_DEACTIVATED,
        actor=acting_user,
        obj=user,
        from_state=str(not active),
        to_state=str(active),
        reason=reason,
    )
    return user


@action
def reset_password(user: User, *, acting_user, new_password: str) -> User:
    require_admin(acting_user)
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_password(new_password, user)
    user.set_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    record_event(ActionCode.PASSWORD_RESET, actor=acting_user, obj=user)
    notify([user], title="您的密码已被系统管理员重置", body="请使用新密码登录，并妥善保管。")
    return user


@action
def unlock_user(user: User, *, acting_user) -> User:
    require_admin(acting_user)
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    record_event(ActionCode.USER_UNLOCKED, actor=acting_user, obj=user)
    return user


@action
def grant_role(user: User, organisation: Organisation, role: str, *, acting_user) -> Membership:
    """Give ``user`` a role in ``organisation``; the role must fit the organisation's kind."""
    require_admin(acting_user)
    if role not in Role.values:
        raise ActionInvalid("未知角色。", {"role": "请选择有效角色。"})
    allowed = roles_allowed_for(organisation)
    if role not in allowed:
        names = "、".join(str(Role(r).label) for r in sorted(allowed)) or "无"
        raise ActionInvalid(
            f"“{organisation.name}”的人员不能担任“{Role(role).label}”，可授予的角色：{names}。",
            {"role": "角色与组织类型不符。"},
        )
    if Membership.objects.filter(
        user=user, organisation=organisation, role=role, is_active=True
    ).exists():
        raise ActionInvalid("该用户已拥有此角色。", {"role": "已拥有此角色。"})
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=role, granted_by=acting_user
    )
    record_event(
        ActionCode.ROLE_GRANTED,
        actor=acting_user,
        obj=user,
        organisation=organisation,
        to_state=role,
        data={"membership": membership.pk, "role": role},
    )
    notify([user], title=f"您已被授予“{organisation.display_name} · {Role(role).label}”角色")
    return membership


def _refuse_removing_last_admin(user: User) -> None:
    """Keep at least one active platform admin, or nobody can manage the platform."""
    others = (
        Membership.objects.filter(role=Role.PLATFORM_ADMIN, is_active=True, user__is_active=True)
        .exclude(user=user)
        .exists()
    )
    if not others:
        raise ActionInvalid(
            "这是最后一个系统管理员账号，不能撤销或停用；请先为其他人员授予系统管理员角色。"
        )


@action
def revoke_role(membership: Membership, *, acting_user, reason: str = "") -> Membership:
    require_admin(acting_user)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    if membership.role == Role.PLATFORM_ADMIN:
        _refuse_removing_last_admin(membership.user)
    membership.is_active = False
    membership.revoked_at = timezone.now()
    membership.save(update_fields=["is_active", "revoked_at"])
    record_event(
        ActionCode.ROLE_REVOKED,
        actor=acting_user,
        obj=membership.user,
        organisation=membership.organisation,
        from_state=membership.role,
        reason=reason,
        data={"membership": membership.pk, "role": membership.role},
    )
    return membership


@action
def create_api_token(
    user: User, *, acting_user, name: str, expires_at=None
) -> tuple[ApiToken, str]:
    """Create a machine token; returns the token and the raw key, which is never stored."""
    require_admin(acting_user)
    if not name.strip():
        raise ActionInvalid("请填写令牌用途。", {"name": "请填写令牌用途。"})
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        key_prefix=raw[:10],
        key_hash=hash_token(raw),
        created_by=acting_user,
        expires_at=expires_at,
    )
    record_event(
        ActionCode.TOKEN_CREATED,
        actor=acting_user,
        obj=user,
        data={"token": token.pk, "name": token.name},
    )
    return token, raw


@action
def revoke_api_token(token: ApiToken, *, acting_user) -> ApiToken:
    require_admin(acting_user)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            ActionCode.TOKEN_REVOKED, actor=acting_user, obj=token.user, data={"token": token.pk}
        )
    return token


# -- sign-in (recorded for MLPS audit; called from auth signals) ----------------------------


@action
def record_login(user: User, *, acting_user, ip: str = "") -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    record_event(
        ActionCode.LOGIN,
        actor=user,
        obj=user,
        organisation=user.primary_organisation,
        data={"ip": ip},
    )


@action
def record_logout(user: User, *, acting_user, ip: str = "") -> None:
    record_event(
        ActionCode.LOGOUT,
        actor=user,
        obj=user,
        organisation=user.primary_organisation,
        data={"ip": ip},
    )


@action
def record_failed_login(username: str, *, acting_user=None, ip: str = "") -> None:
    """Count a failed sign-in; lock the account after the configured number of failures."""
    user = User.objects.select_for_update().filter(username__iexact=username).first()
    data = {"username": username[:150], "ip": ip}
    if user is None:
        record_event(
            ActionCode.LOGIN_FAILED,
            object_type="accounts.user",
            object_repr=username[:150],
            data=data,
        )
        return
    user.failed_logins += 1
    fields = ["failed_logins"]
    locked_now = user.failed_logins >= settings.GOVIT_LOGIN_MAX_FAILURES and not user.is_locked()
    if locked_now:
        user.locked_until = timezone.now() + timedelta(minutes=settings.GOVIT_LOGIN_LOCK_MINUTES)
        fields.append("locked_until")
    user.save(update_fields=fields)
    record_event(
        ActionCode.LOGIN_FAILED,
        obj=user,
        organisation=user.primary_organisation,
        data={**data, "failures": user.failed_logins},
    )
    if locked_now:
        record_event(
            ActionCode.ACCOUNT_LOCKED,
            obj=user,
            organisation=user.primary_organisation,
            data={"until": user.locked_until, "failures": user.failed_logins},
        )
