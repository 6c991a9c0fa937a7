"""The real municipal authorities, realistic units and one demo person per role.

Used by `manage.py seed_demo` (run by `make run`) and by the test personas. Idempotent: running
it again changes nothing. Everything after the bootstrap admin is created through actions, so
the demo ledger shows how the directory came to be.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.enums import ActionCode
from core.ledger import record_event

from . import actions
from .models import Membership, Organisation, User
from .roles import Authority, OrgKind, Role, UnitCategory

DEMO_PASSWORD = "Govit@2026demo"

ORGANISATIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    # (name, short name, kind, extra fields)
    ("政务信息化平台运营中心", "平台运营", OrgKind.OPERATOR, {}),
    (
        "重庆市大数据应用发展管理局",
        "市大数据发展局",
        OrgKind.AUTHORITY,
        {"authority": Authority.BDB},
    ),
    ("重庆市发展和改革委员会", "市发展改革委", OrgKind.AUTHORITY, {"authority": Authority.DRC}),
    ("重庆市财政局", "市财政局", OrgKind.AUTHORITY, {"authority": Authority.FINANCE}),
    (
        "中共重庆市委网络安全和信息化委员会办公室",
        "市委网信办",
        OrgKind.AUTHORITY,
        {"authority": Authority.CAC},
    ),
    ("重庆市公安局", "市公安局", OrgKind.AUTHORITY, {"authority": Authority.PSB}),
    ("重庆市密码管理局", "市密码局", OrgKind.AUTHORITY, {"authority": Authority.CRYPTO}),
    ("重庆市国家保密局", "市国家保密局", OrgKind.AUTHORITY, {"authority": Authority.SECRECY}),
    ("重庆市审计局", "市审计局", OrgKind.AUTHORITY, {"authority": Authority.AUDIT}),
    ("重庆市人民政府", "市政府", OrgKind.AUTHORITY, {"authority": Authority.GOV}),
    ("重庆市教育委员会", "市教委", OrgKind.UNIT, {"unit_category": UnitCategory.PARTY_GOV}),
    (
        "重庆市卫生健康委员会",
        "市卫生健康委",
        OrgKind.UNIT,
        {"unit_category": UnitCategory.PARTY_GOV},
    ),
    ("重庆市交通运输委员会", "市交通局", OrgKind.UNIT, {"unit_category": UnitCategory.PARTY_GOV}),
    ("重庆市高级人民法院", "市高法院", OrgKind.UNIT, {"unit_category": UnitCategory.COURT}),
    ("重庆市人民检察院", "市检察院", OrgKind.UNIT, {"unit_category": UnitCategory.PROCURATORATE}),
    ("重庆市总工会", "市总工会", OrgKind.UNIT, {"unit_category": UnitCategory.PARTY_ORG}),
    ("重庆市医药卫生学校", "市医药卫校", OrgKind.UNIT, {"unit_category": UnitCategory.VOCATIONAL}),
    ("重庆市渝中区人民政府", "渝中区", OrgKind.DISTRICT, {"division_code": "500103"}),
    (
        "重庆市渝中区大数据发展局",
        "渝中区大数据局",
        OrgKind.UNIT,
        {"district": "重庆市渝中区人民政府"},
    ),
    ("重庆市工程咨询院（示例）", "市工程咨询院", OrgKind.CONSULTANT, {}),
    ("重庆渝信工程监理有限公司（示例）", "渝信监理", OrgKind.SUPERVISOR, {}),
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    title: str
    organisation: str
    role: str


PEOPLE = [
    DemoPerson(
        "admin", "系统管理员", "平台系统管理员", "政务信息化平台运营中心", Role.PLATFORM_ADMIN
    ),
    DemoPerson(
        "anquan_admin", "陈安", "平台安全管理员", "政务信息化平台运营中心", Role.SECURITY_ADMIN
    ),
    DemoPerson(
        "shenji_admin", "许审", "平台安全审计员", "政务信息化平台运营中心", Role.AUDIT_ADMIN
    ),
    DemoPerson("jw_tianbao", "张明", "市教委填报人", "重庆市教育委员会", Role.UNIT_OFFICER),
    DemoPerson("jw_fuze", "李华", "市教委负责人", "重庆市教育委员会", Role.UNIT_HEAD),
    DemoPerson(
        "wj_tianbao", "王芳", "市卫生健康委填报人", "重庆市卫生健康委员会", Role.UNIT_OFFICER
    ),
    DemoPerson("wj_fuze", "赵强", "市卫生健康委负责人", "重庆市卫生健康委员会", Role.UNIT_HEAD),
    DemoPerson("jt_tianbao", "陈静", "市交通局填报人", "重庆市交通运输委员会", Role.UNIT_OFFICER),
    DemoPerson("fy_tianbao", "刘洋", "市高法院填报人", "重庆市高级人民法院", Role.UNIT_OFFICER),
    DemoPerson(
        "yz_tianbao", "周敏", "渝中区大数据局填报人", "重庆市渝中区大数据发展局", Role.UNIT_OFFICER
    ),
    DemoPerson(
        "dsj_shenhe", "孙伟", "市大数据发展局", "重庆市大数据应用发展管理局", Role.BDB_REVIEWER
    ),
    DemoPerson(
        "dsj_shenhe2", "吴婷", "市大数据发展局", "重庆市大数据应用发展管理局", Role.BDB_REVIEWER
    ),
    DemoPerson("fgw_jingban", "郑凯", "市发展改革委", "重庆市发展和改革委员会", Role.DRC_OFFICER),
    DemoPerson("czj_jingban", "冯丽", "市财政局", "重庆市财政局", Role.FINANCE_OFFICER),
    DemoPerson(
        "wxb_shencha",
        "何军",
        "市委网信办",
        "中共重庆市委网络安全和信息化委员会办公室",
        Role.CAC_REVIEWER,
    ),
    DemoPerson("gaj_shencha", "罗斌", "市公安局", "重庆市公安局", Role.PSB_REVIEWER),
    DemoPerson("mmj_shencha", "梁燕", "市密码局", "重庆市密码管理局", Role.CRYPTO_REVIEWER),
    DemoPerson("bmj_shencha", "宋涛", "市国家保密局", "重庆市国家保密局", Role.SECRECY_REVIEWER),
    DemoPerson("szf_shenpi", "唐亮", "市政府", "重庆市人民政府", Role.GOV_APPROVER),
    DemoPerson("sjj_shenji", "韩雪", "市审计局", "重庆市审计局", Role.AUDITOR),
    DemoPerson("zx_pinggu", "曹磊", "第三方评估", "重庆市工程咨询院（示例）", Role.CONSULTANT),
    DemoPerson(
        "jl_gongchengshi", "邓超", "工程监理", "重庆渝信工程监理有限公司（示例）", Role.SUPERVISOR
    ),
]


def _bootstrap_admin(password: str) -> User:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User(username="admin", full_name="系统管理员", is_staff=True)
        admin.set_password(password)
        admin.password_changed_at = timezone.now()
        admin.save()
        record_event(ActionCode.USER_CREATED, obj=admin, reason="平台初始化：创建首个系统管理员")
    return admin


def ensure_directory(admin: User) -> dict[str, Organisation]:
    orgs = {o.name: o for o in Organisation.objects.all()}
    for name, short, kind, extra in ORGANISATIONS:
        if name in orgs:
            continue
        fields = dict(extra)
        if "district" in fields:
            fields["district"] = orgs[fields["district"]]
        orgs[name] = actions.create_organisation(
            acting_user=admin, name=name, short_name=short, kind=kind, **fields
        )
    return orgs


def _grant_bootstrap_role(
    admin: User, operator: Organisation, role: str = Role.PLATFORM_ADMIN
) -> None:
    """The first system and security administrators are appointed by the installation, not
    by a person (nobody grants a role to themselves); everyone after by the security one."""
    if not Membership.objects.filter(user=admin, role=role, is_active=True).exists():
        Membership.objects.create(user=admin, organisation=operator, role=role)
        record_event(
            ActionCode.ROLE_GRANTED,
            obj=admin,
            organisation=operator,
            to_state=role,
            reason=f"平台初始化：授予首个{Role(role).label}角色",
        )
        admin._memberships_cache = None


@transaction.atomic
def seed_directory(password: str = DEMO_PASSWORD) -> dict[str, User]:
    """Create the directory and the demo people; returns users by username."""
    admin = _bootstrap_admin(password)
    operator, _ = Organisation.objects.get_or_create(
        name=ORGANISATIONS[0][0],
        defaults={"short_name": ORGANISATIONS[0][1], "kind": OrgKind.OPERATOR},
    )
    _grant_bootstrap_role(admin, operator)
    orgs = ensure_directory(admin)
    users = {"admin": admin}
    for person in PEOPLE[1:]:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = actions.create_user(
                acting_user=admin,
                username=person.username,
                full_name=person.full_name,
                password=password,
            )
        users[person.username] = user
    security = users["anquan_admin"]
    _grant_bootstrap_role(security, operator, Role.SECURITY_ADMIN)
    for person in PEOPLE[2:]:  # roles are the security administrator's to grant (三权分立)
        org = orgs[person.organisation]
        if not Membership.objects.filter(
            user=users[person.username], organisation=org, role=person.role, is_active=True
        ).exists():
            actions.grant_role(users[person.username], org, person.role, acting_user=security)
    _restart_password_age(users)
    return users


def _restart_password_age(users: dict[str, User]) -> None:
    """The demo people's passwords start their age at every seeding, so that `make run` never
    holds them at the change page for the policy's ``password_max_age_days``; a change owed
    after an admin's reset in the demo still stands."""
    now = timezone.now()
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password_changed_at=now)
    for user in users.values():
        user.password_changed_at = now
