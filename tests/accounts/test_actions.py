"""accounts/actions.py: organisation rules, accounts, roles, passwords and tokens."""

import pytest

from accounts import actions
from accounts.models import ApiToken, Membership, Organisation, User, hash_token
from accounts.roles import Authority, OrgKind, Role, UnitCategory
from core.enums import ActionCode
from core.errors import ActionForbidden, ActionInvalid
from core.models import LedgerEvent, Notification

STRONG = "Chongqing#2026ok"


@pytest.fixture
def admin(personas):
    return personas.admin


def _org(admin, **fields):
    return actions.create_organisation(acting_user=admin, **fields)


def _invalid(func, *args, **kwargs) -> ActionInvalid:
    with pytest.raises(ActionInvalid) as info:
        func(*args, **kwargs)
    return info.value


# -- _validate_org -----------------------------------------------------------------------------


def test_city_unit_needs_a_category(admin):
    exc = _invalid(_org, admin, name="重庆市某某局", kind=OrgKind.UNIT)
    assert "第二条" in exc.errors["unit_category"]
    assert not Organisation.objects.filter(name="重庆市某某局").exists()


def test_district_unit_needs_no_category(admin):
    district = Organisation.objects.get(kind=OrgKind.DISTRICT, division_code="500103")
    org = _org(admin, name="渝中区某某中心", kind=OrgKind.UNIT, district=district)
    assert org.unit_category == "" and org.district == district


def test_category_and_authority_are_cleared_for_other_kinds(admin):
    org = _org(
        admin,
        name="某某咨询公司",
        kind=OrgKind.CONSULTANT,
        unit_category=UnitCategory.COURT,
        authority=Authority.BDB,
    )
    org.refresh_from_db()
    assert org.unit_category == "" and org.authority == ""


def test_authority_needs_its_code_and_codes_are_unique(admin):
    exc = _invalid(_org, admin, name="某主管部门", kind=OrgKind.AUTHORITY)
    assert exc.errors["authority"] == "主管部门须选择其部门代码。"
    exc = _invalid(_org, admin, name="第二个大数据局", kind=OrgKind.AUTHORITY, authority="bdb")
    assert "重庆市大数据应用发展管理局" in exc.errors["authority"]


def test_district_needs_a_six_digit_division_code(admin):
    exc = _invalid(_org, admin, name="某某区", kind=OrgKind.DISTRICT)
    assert "行政区划代码" in exc.errors["division_code"]
    exc = _invalid(_org, admin, name="某某区", kind=OrgKind.DISTRICT, division_code="5001")
    assert exc.errors["division_code"] == "行政区划代码须为 6 位数字。"
    assert _org(admin, name="某某区", kind=OrgKind.DISTRICT, division_code="500104").pk


def test_only_units_belong_to_a_district(admin):
    district = Organisation.objects.get(kind=OrgKind.DISTRICT, division_code="500103")
    exc = _invalid(_org, admin, name="某某监理", kind=OrgKind.SUPERVISOR, district=district)
    assert exc.errors["district"] == "只有项目建设单位可以归属区县。"


def test_names_are_unique(admin):
    exc = _invalid(_org, admin, name="重庆市教育委员会", kind=OrgKind.UNIT, unit_category="1")
    assert exc.errors["name"] == "已有同名组织。"


def test_update_organisation_records_what_changed(admin):
    org = Organisation.objects.get(name="重庆市总工会")
    actions.update_organisation(org, acting_user=admin, contact_phone="023-12345678")
    event = LedgerEvent.objects.filter(action=ActionCode.ORG_UPDATED).first()
    assert event.organisation_id == org.pk
    assert event.data["changed"] == {"contact_phone": ["", "023-12345678"]}


def test_non_admin_cannot_manage_organisations(personas):
    with pytest.raises(ActionForbidden):
        _org(personas.jw_officer, name="越权单位", kind=OrgKind.UNIT, unit_category="1")


# -- accounts ----------------------------------------------------------------------------------


def test_create_user_records_event_and_hashes_password(admin):
    user = actions.create_user(
        acting_user=admin, username="new_person", full_name="新人", password=STRONG
    )
    assert user.check_password(STRONG) and user.password != STRONG
    assert LedgerEvent.objects.filter(
        action=ActionCode.USER_CREATED, object_id=str(user.pk)
    ).exists()


def test_duplicate_username_is_refused_case_insensitively(admin):
    exc = _invalid(
        actions.create_user,
        acting_user=admin,
        username="JW_TIANBAO",
        full_name="重名者",
        password=STRONG,
    )
    assert exc.errors["username"] == "登录名已被使用，请换一个。"
    assert User.objects.filter(username__iexact="jw_tianbao").count() == 1


def test_weak_password_is_refused_in_chinese(admin):
    exc = _invalid(
        actions.create_user,
        acting_user=admin,
        username="weak_one",
        full_name="弱密码",
        password="abcdefghijk",
    )
    assert "三类" in exc.errors["password"]
    assert not User.objects.filter(username="weak_one").exists()


def test_update_user_cannot_rename(admin, personas):
    actions.update_user(
        personas.jw_officer, acting_user=admin, username="renamed", phone="138 0000 0000"
    )
    personas.jw_officer.refresh_from_db()
    assert personas.jw_officer.username == "jw_tianbao"
    assert personas.jw_officer.phone == "13800000000"  # typed with spaces, kept normalised


def test_self_deactivation_is_refused(admin):
    exc = _invalid(actions.set_user_active, admin, acting_user=admin, active=False)
    assert exc.message == "不能停用自己的账号。"
    admin.refresh_from_db()
    assert admin.is_active


def test_deactivate_and_activate_are_recorded_with_reason(admin, personas):
    user = personas.jw_officer
    actions.set_user_active(user, acting_user=admin, active=False, reason="调离")
    user.refresh_from_db()
    assert not user.is_active
    event = LedgerEvent.objects.filter(action=ActionCode.USER_DEACTIVATED).first()
    assert event.reason == "调离" and event.object_id == str(user.pk)
    actions.set_user_active(user, acting_user=admin, active=True)
    user.refresh_from_db()
    assert user.is_active
    assert LedgerEvent.objects.filter(action=ActionCode.USER_ACTIVATED).exists()


def test_reset_password_unlocks_and_notifies(admin, personas):
    from django.utils import timezone

    user = personas.wj_officer
    User.objects.filter(pk=user.pk).update(
        failed_logins=5, locked_until=timezone.now() + timezone.timedelta(minutes=10)
    )
    actions.reset_password(user, acting_user=personas.security, new_password=STRONG)
    user.refresh_from_db()
    assert user.check_password(STRONG)
    assert user.failed_logins == 0 and user.locked_until is None
    note = Notification.objects.get(recipient=user, title="您的密码已被安全管理员重置")
    assert note.read_at is None
    assert LedgerEvent.objects.filter(
        action=ActionCode.PASSWORD_RESET, object_id=str(user.pk)
    ).exists()


def test_reset_password_checks_complexity(admin, personas):
    exc = _invalid(
        actions.reset_password,
        personas.wj_officer,
        acting_user=personas.security,
        new_password="aaaaaaaaaaaa",
    )
    assert "password" in exc.errors


def test_unlock_user(admin, personas):
    from django.utils import timezone

    user = personas.drc
    User.objects.filter(pk=user.pk).update(
        failed_logins=5, locked_until=timezone.now() + timezone.timedelta(minutes=10)
    )
    actions.unlock_user(user, acting_user=personas.security)
    user.refresh_from_db()
    assert not user.is_locked() and user.failed_logins == 0
    assert LedgerEvent.objects.filter(action=ActionCode.USER_UNLOCKED).exists()


# -- roles -------------------------------------------------------------------------------------


def test_grant_role_must_fit_the_organisation(admin, personas):
    jw = Organisation.objects.get(name="重庆市教育委员会")
    exc = _invalid(
        actions.grant_role,
        personas.wj_officer,
        jw,
        Role.BDB_REVIEWER,
        acting_user=personas.security,
    )
    assert "不能担任“大数据局审核人”" in exc.message
    assert "填报人" in exc.message and "单位负责人" in exc.message


def test_grant_role_twice_is_refused(admin, personas):
    jw = Organisation.objects.get(name="重庆市教育委员会")
    exc = _invalid(
        actions.grant_role,
        personas.jw_officer,
        jw,
        Role.UNIT_OFFICER,
        acting_user=personas.security,
    )
    assert exc.message == "该用户已拥有此角色。"


def test_grant_role_records_and_notifies(admin, personas):
    user = actions.create_user(
        acting_user=admin, username="role_less", full_name="无角色者", password=STRONG
    )
    org = Organisation.objects.get(name="重庆市总工会")
    membership = actions.grant_role(user, org, Role.UNIT_HEAD, acting_user=personas.security)
    assert membership.granted_by == personas.security
    event = LedgerEvent.objects.get(action=ActionCode.ROLE_GRANTED, object_id=str(user.pk))
    assert event.organisation_id == org.pk and event.to_state == Role.UNIT_HEAD
    assert Notification.objects.filter(recipient=user, title__contains="单位负责人").exists()


def test_revoke_role_records_role_revoked(admin, personas):
    membership = Membership.objects.get(user=personas.jw_officer, is_active=True)
    actions.revoke_role(membership, acting_user=personas.security, reason="岗位调整")
    membership.refresh_from_db()
    assert not membership.is_active and membership.revoked_at is not None
    event = LedgerEvent.objects.filter(action=ActionCode.ROLE_REVOKED).first()
    assert event.object_id == str(personas.jw_officer.pk)
    assert event.from_state == Role.UNIT_OFFICER and event.reason == "岗位调整"
    assert event.organisation_id == membership.organisation_id
    # Revoking again changes nothing and records nothing more.
    actions.revoke_role(membership, acting_user=personas.security)
    assert LedgerEvent.objects.filter(action=ActionCode.ROLE_REVOKED).count() == 1


def test_non_admin_cannot_grant_roles(personas):
    jw = Organisation.objects.get(name="重庆市教育委员会")
    with pytest.raises(ActionForbidden):
        actions.grant_role(personas.jw_head, jw, Role.UNIT_HEAD, acting_user=personas.jw_officer)


# -- tokens ------------------------------------------------------------------------------------


def test_api_token_stores_only_the_hash(admin, personas):
    token, raw = actions.create_api_token(personas.drc, acting_user=personas.drc, name=" 对接 ")
    assert raw.startswith(ApiToken.PREFIX)
    token.refresh_from_db()
    assert token.name == "对接" and token.key_hash == hash_token(raw)
    assert token.key_prefix == raw[:10] and raw not in (token.key_hash, token.key_prefix)
    event = LedgerEvent.objects.get(action=ActionCode.TOKEN_CREATED)
    assert raw not in str(event.data)


def test_api_token_needs_a_purpose(admin, personas):
    exc = _invalid(actions.create_api_token, personas.drc, acting_user=personas.drc, name="  ")
    assert exc.errors["name"] == "请填写令牌用途。"


def test_revoke_api_token(admin, personas):
    token, _raw = actions.create_api_token(personas.drc, acting_user=personas.drc, name="对接")
    actions.revoke_api_token(token, acting_user=personas.security)
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_usable()
    actions.revoke_api_token(token, acting_user=personas.security)
    assert LedgerEvent.objects.filter(action=ActionCode.TOKEN_REVOKED).count() == 1
