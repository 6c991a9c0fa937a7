"""Organisation and user management pages: platform admin only, every change through actions."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import actions
from accounts.models import ApiToken, Membership, Organisation, User, hash_token
from accounts.roles import OrgKind, Role
from core.enums import ActionCode
from core.errors import ActionForbidden
from core.models import LedgerEvent

STRONG = "Chongqing#2026ok"


@pytest.fixture
def admin_client(client, personas):
    """The installation's superuser, which holds both the system and the security
    administrator's duties until they are appointed (``accounts.duties``): these tests walk
    the directory pages; tests/accounts/test_separation.py keeps the two duties apart."""
    install = User.objects.create_superuser("install", password=STRONG, full_name="安装账号")
    client.force_login(install)
    return client


def _text(response) -> str:
    return response.content.decode()


def _all_urls(personas):
    user = personas.wj_officer
    org = Organisation.objects.get(name="重庆市教育委员会")
    membership = Membership.objects.filter(user=user, is_active=True).first()
    token, _raw = actions.create_api_token(user, acting_user=user, name="对接")
    get_urls = [
        reverse("accounts:org_list"),
        reverse("accounts:org_create"),
        reverse("accounts:org_detail", args=[org.pk]),
        reverse("accounts:org_edit", args=[org.pk]),
        reverse("accounts:user_list"),
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[user.pk]),
        reverse("accounts:user_edit", args=[user.pk]),
        reverse("accounts:user_reset_password", args=[user.pk]),
    ]
    post_urls = [
        reverse("accounts:user_grant_role", args=[user.pk]),
        reverse("accounts:user_revoke_role", args=[user.pk, membership.pk]),
        reverse("accounts:user_deactivate", args=[user.pk]),
        reverse("accounts:user_activate", args=[user.pk]),
        reverse("accounts:user_unlock", args=[user.pk]),
        reverse("accounts:token_revoke", args=[user.pk, token.pk]),
    ]
    return get_urls, post_urls


@pytest.mark.parametrize("who", ["jw_officer", "auditor"])
def test_every_page_is_404_for_non_admins(client, personas, who):
    get_urls, post_urls = _all_urls(personas)
    client.force_login(getattr(personas, who))
    for url in get_urls + post_urls:
        assert client.get(url).status_code == 404, url
    for url in get_urls + post_urls:
        assert client.post(url, {"reason": "越权", "name": "x"}).status_code == 404, url
    # and nothing changed
    assert Membership.objects.filter(user=personas.wj_officer, is_active=True).exists()
    assert User.objects.get(pk=personas.wj_officer.pk).is_active
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


def test_anonymous_is_sent_to_sign_in(client, people):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_every_page_renders_for_admin(admin_client, personas):
    get_urls, _post = _all_urls(personas)
    for url in get_urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_nav_shows_management_to_admin_only(client, personas):
    client.force_login(personas.admin)
    text = _text(client.get("/"))
    assert "组织管理" in text and "用户管理" in text
    client.force_login(personas.jw_officer)
    text = _text(client.get("/"))
    assert "组织管理" not in text and "用户管理" not in text


# -- organisations -----------------------------------------------------------------------------


def test_org_list_search_filter_sort_and_paginate(admin_client, personas):
    for i in range(25):
        actions.create_organisation(
            acting_user=personas.admin,
            name=f"重庆市测试单位{i:02d}",
            kind=OrgKind.UNIT,
            unit_category="1",
        )
    url = reverse("accounts:org_list")
    first = _text(admin_client.get(url))
    assert first.count('data-testid="org-row"') == 20
    total = Organisation.objects.count()
    assert total > 40
    second = admin_client.get(url, {"page": 2})
    assert second.status_code == 200
    page2 = second.context["page_obj"]
    assert page2.number == 2 and page2.paginator.count == total
    assert f"共 {total} 条，第 2/3 页" in _text(second)
    last = admin_client.get(url, {"page": 3}).context["page_obj"]
    seen = [o.pk for o in admin_client.get(url).context["page_obj"]]
    seen += [o.pk for o in page2] + [o.pk for o in last]
    assert sorted(seen) == sorted(Organisation.objects.values_list("pk", flat=True))

    found = admin_client.get(url, {"q": "教委"})
    assert [o.name for o in found.context["page_obj"]] == ["重庆市教育委员会"]

    authorities = admin_client.get(url, {"kind": "authority"}).context["page_obj"]
    assert {o.kind for o in authorities} == {"authority"} and len(authorities) == 9

    desc = admin_client.get(url, {"sort": "-name", "q": "测试单位"}).context["page_obj"]
    assert desc[0].name == "重庆市测试单位24"
    by_members = admin_client.get(url, {"sort": "-members"}).context["page_obj"]
    assert by_members[0].member_count == 3  # the operator's three administrators
    assert "sort=name" in _text(admin_client.get(url))  # sortable headers

    empty = admin_client.get(url, {"members": "none", "q": "测试单位"}).context["page_obj"]
    assert empty.paginator.count == 25

    nothing = admin_client.get(url, {"q": "不存在的组织"})
    assert 'data-testid="empty-state"' in _text(nothing)


def test_create_org_with_errors_keeps_input_and_saves_nothing(admin_client):
    before = Organisation.objects.count()
    response = admin_client.post(
        reverse("accounts:org_create"),
        {"name": "重庆市新设委员会", "short_name": "新设委", "kind": "unit", "is_active": "on"},
    )
    assert response.status_code == 422  # the action page answers an invalid form with 422
    text = _text(response)
    assert "填写内容有误，请按提示修改。" in text
    assert "市级项目建设单位须选择第二条规定的单位类别（区县单位除外）。" in text
    assert 'value="重庆市新设委员会"' in text and 'value="新设委"' in text
    assert Organisation.objects.count() == before
    assert not LedgerEvent.objects.filter(object_repr="重庆市新设委员会").exists()


def test_create_org_form_validation_in_chinese(admin_client):
    response = admin_client.post(reverse("accounts:org_create"), {"name": ""})
    text = _text(response)
    assert "请填写名称。" in text and "请选择组织类型。" in text


def test_create_and_edit_org(admin_client):
    response = admin_client.post(
        reverse("accounts:org_create"),
        {"name": "重庆市新设委员会", "kind": "unit", "unit_category": "1", "is_active": "on"},
    )
    org = Organisation.objects.get(name="重庆市新设委员会")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:org_detail", args=[org.pk])
    assert LedgerEvent.objects.filter(action=ActionCode.ORG_CREATED, organisation=org).exists()

    edit_url = reverse("accounts:org_edit", args=[org.pk])
    assert 'value="重庆市新设委员会"' in _text(admin_client.get(edit_url))
    response = admin_client.post(
        edit_url,
        {"name": "重庆市新设委员会", "short_name": "新设委", "kind": "unit", "unit_category": "1"},
        follow=True,
    )
    assert "已保存" in _text(response)
    org.refresh_from_db()
    assert org.short_name == "新设委" and not org.is_active  # checkbox left unticked


def test_edit_org_duplicate_authority_shown_under_field(admin_client):
    org = Organisation.objects.get(name="重庆市财政局")
    response = admin_client.post(
        reverse("accounts:org_edit", args=[org.pk]),
        {"name": org.name, "kind": "authority", "authority": "bdb", "is_active": "on"},
    )
    assert response.status_code == 422
    text = _text(response)
    assert "组织信息有误，请按提示修改。" in text
    # under its field: the action's error goes onto the form
    assert re.search(
        r'name="authority".*?invalid-feedback[^>]*>该主管部门已由“重庆市大数据', text, re.S
    )
    org.refresh_from_db()
    assert org.authority == "finance"


def test_org_detail_shows_members_and_ledger(admin_client, personas):
    org = Organisation.objects.get(name="重庆市教育委员会")
    response = admin_client.get(reverse("accounts:org_detail", args=[org.pk]))
    text = _text(response)
    assert personas.jw_officer.full_name in text and "填报人" in text
    assert personas.jw_head.full_name in text and "单位负责人" in text
    assert personas.wj_officer.full_name not in text
    events = list(response.context["events"])
    assert events and all(e.organisation_id == org.pk for e in events)
    assert any(e.action == ActionCode.ORG_CREATED for e in events)


# -- users -------------------------------------------------------------------------------------


def test_user_list_search_filter_sort(admin_client, personas):
    url = reverse("accounts:user_list")
    page = admin_client.get(url).context["page_obj"]
    assert page.paginator.count == User.objects.count()
    assert [u.username for u in admin_client.get(url, {"q": "jw_"}).context["page_obj"]] == [
        "jw_fuze",
        "jw_tianbao",
    ]
    bdb = admin_client.get(url, {"role": Role.BDB_REVIEWER}).context["page_obj"]
    assert {u.username for u in bdb} == {"dsj_shenhe", "dsj_shenhe2"}

    actions.set_user_active(personas.drc, acting_user=personas.admin, active=False, reason="x")
    inactive = admin_client.get(url, {"active": "0"}).context["page_obj"]
    assert [u.username for u in inactive] == ["fgw_jingban"]

    User.objects.filter(pk=personas.cac.pk).update(
        locked_until=timezone.now() + timezone.timedelta(minutes=5)
    )
    locked = admin_client.get(url, {"locked": "1"})
    assert [u.username for u in locked.context["page_obj"]] == ["wxb_shencha"]
    assert "已锁定" in _text(locked)

    desc = admin_client.get(url, {"sort": "-username"}).context["page_obj"]
    assert desc[0].username == "zx_pinggu"
    # an unknown sort key falls back to the default
    assert admin_client.get(url, {"sort": "password"}).context["page_obj"][0].username == "admin"


def test_create_user_grant_role_and_ledger(admin_client, personas):
    response = admin_client.post(
        reverse("accounts:user_create"),
        {
            "username": "zgh_tianbao",
            "full_name": "钱进（市总工会填报人）",
            "email": "qj@example.cn",
            "phone": "13800000000",
            "password": STRONG,
            "password_confirm": STRONG,
        },
    )
    user = User.objects.get(username="zgh_tianbao")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.check_password(STRONG) and user.full_name == "钱进（市总工会填报人）"

    org = Organisation.objects.get(name="重庆市总工会")
    response = admin_client.post(
        reverse("accounts:user_grant_role", args=[user.pk]),
        {"organisation": org.pk, "role": Role.UNIT_OFFICER},
        follow=True,
    )
    assert "已授予“市总工会 · 填报人”角色。" in _text(response)
    assert Membership.objects.filter(user=user, organisation=org, is_active=True).exists()
    event = LedgerEvent.objects.get(action=ActionCode.ROLE_GRANTED, object_id=str(user.pk))
    assert event.organisation_id == org.pk and event.actor.username == "install"


def test_create_user_with_first_role_in_one_step(admin_client):
    org = Organisation.objects.get(name="重庆市人民检察院")
    url = reverse("accounts:user_create") + f"?organisation={org.pk}"
    assert f'<option value="{org.pk}" selected>' in _text(admin_client.get(url))
    admin_client.post(
        url,
        {
            "username": "jcy_fuze",
            "full_name": "孔亮",
            "password": STRONG,
            "password_confirm": STRONG,
            "organisation": org.pk,
            "role": Role.UNIT_HEAD,
        },
    )
    user = User.objects.get(username="jcy_fuze")
    assert user.role_codes() == {Role.UNIT_HEAD}


def test_create_user_with_unfitting_first_role_creates_nothing(admin_client):
    org = Organisation.objects.get(name="重庆市人民检察院")
    response = admin_client.post(
        reverse("accounts:user_create"),
        {
            "username": "jcy_wrong",
            "full_name": "错角",
            "password": STRONG,
            "password_confirm": STRONG,
            "organisation": org.pk,
            "role": Role.AUDITOR,
        },
    )
    assert "不能担任“审计人员”" in _text(response)
    assert not User.objects.filter(username="jcy_wrong").exists()
    assert not LedgerEvent.objects.filter(object_repr="错角").exists()


def test_create_user_errors_in_chinese_and_input_kept(admin_client, personas):
    url = reverse("accounts:user_create")
    response = admin_client.post(
        url,
        {
            "username": "jw_tianbao",
            "full_name": "重名者",
            "password": STRONG,
            "password_confirm": STRONG,
        },
    )
    text = _text(response)
    assert "登录名已被使用，请换一个。" in text and 'value="重名者"' in text

    response = admin_client.post(
        url,
        {
            "username": "weak_pw",
            "full_name": "弱密码",
            "password": "abcdefghijkl",
            "password_confirm": "abcdefghijkl",
        },
    )
    text = _text(response)
    assert "密码不符合要求。" in text
    assert "密码须至少包含小写字母、大写字母、数字、符号中的三类。" in text
    assert 'value="weak_pw"' in text

    response = admin_client.post(
        url,
        {"username": "mismatch", "full_name": "甲", "password": STRONG, "password_confirm": "x"},
    )
    assert "两次输入的密码不一致。" in _text(response)
    assert not User.objects.filter(username__in=["weak_pw", "mismatch"]).exists()


def test_bdb_reviewer_role_in_education_commission_is_refused(admin_client, personas):
    user = personas.jw_officer
    org = Organisation.objects.get(name="重庆市教育委员会")
    response = admin_client.post(
        reverse("accounts:user_grant_role", args=[user.pk]),
        {"organisation": org.pk, "role": Role.BDB_REVIEWER},
    )
    assert response.status_code == 422
    text = _text(response)
    assert "“重庆市教育委员会”的人员不能担任“大数据局审核人”" in text
    assert "角色与组织类型不符。" in text
    assert f'<option value="{org.pk}" selected>' in text  # the choice is kept
    assert not Membership.objects.filter(user=user, role=Role.BDB_REVIEWER).exists()
    assert not LedgerEvent.objects.filter(
        action=ActionCode.ROLE_GRANTED, to_state=Role.BDB_REVIEWER, object_id=str(user.pk)
    ).exists()


def test_revoke_role_needs_a_reason(admin_client, personas):
    user = personas.jw_officer
    membership = Membership.objects.get(user=user, is_active=True)
    url = reverse("accounts:user_revoke_role", args=[user.pk, membership.pk])
    response = admin_client.post(url, {"reason": ""}, follow=True)
    assert "请填写撤销理由。" in _text(response)
    membership.refresh_from_db()
    assert membership.is_active
    response = admin_client.post(url, {"reason": "岗位调整"}, follow=True)
    assert "已撤销“市教委 · 填报人”角色。" in _text(response)
    membership.refresh_from_db()
    assert not membership.is_active
    event = LedgerEvent.objects.get(action=ActionCode.ROLE_REVOKED)
    assert event.reason == "岗位调整"


def test_deactivated_user_cannot_sign_in(admin_client, client, personas, password):
    user = personas.jw_officer
    url = reverse("accounts:user_deactivate", args=[user.pk])
    response = admin_client.post(url, {"reason": ""}, follow=True)
    assert "请填写停用理由。" in _text(response)
    response = admin_client.post(url, {"reason": "调离本单位"}, follow=True)
    assert "账号已停用。" in _text(response)
    user.refresh_from_db()
    assert not user.is_active
    admin_client.logout()
    assert client.login(username="jw_tianbao", password=password) is False

    client.force_login(personas.admin)
    client.post(reverse("accounts:user_activate", args=[user.pk]), {"reason": ""})
    client.logout()
    assert client.login(username="jw_tianbao", password=password) is True


def test_admin_cannot_deactivate_self(client, personas):
    client.force_login(personas.admin)
    url = reverse("accounts:user_deactivate", args=[personas.admin.pk])
    response = client.post(url, {"reason": "试试"}, follow=True)
    assert "不能停用自己的账号。" in _text(response)
    personas.admin.refresh_from_db()
    assert personas.admin.is_active


def test_edit_user(admin_client, personas):
    user = personas.wj_officer
    url = reverse("accounts:user_edit", args=[user.pk])
    response = admin_client.post(url, {"full_name": "", "email": "not-an-email"})
    assert "请填写姓名。" in _text(response)
    # a phone number that is not one is refused on its field, and nothing is lost
    response = admin_client.post(
        url, {"full_name": "王芳", "email": "wf@example.cn", "phone": "139"}
    )
    assert "不是有效的电话号码" in _text(response) and 'value="王芳"' in response.content.decode()
    response = admin_client.post(
        url, {"full_name": "王芳", "email": "wf@example.cn", "phone": "13900000000"}, follow=True
    )
    assert "已保存" in _text(response)
    user.refresh_from_db()
    assert (user.full_name, user.email, user.phone) == ("王芳", "wf@example.cn", "13900000000")


def test_reset_password_and_unlock(admin_client, client, personas):
    user = personas.wj_officer
    User.objects.filter(pk=user.pk).update(
        failed_logins=5, locked_until=timezone.now() + timezone.timedelta(minutes=10)
    )
    detail = _text(admin_client.get(reverse("accounts:user_detail", args=[user.pk])))
    assert 'data-testid="locked-badge"' in detail and 'data-testid="act-unlock-user"' in detail
    response = admin_client.post(reverse("accounts:user_unlock", args=[user.pk]), follow=True)
    assert "账号已解锁。" in _text(response)
    user.refresh_from_db()
    assert not user.is_locked()

    url = reverse("accounts:user_reset_password", args=[user.pk])
    response = admin_client.post(url, {"password": "x", "password_confirm": "y"})
    assert "两次输入的密码不一致。" in _text(response)
    response = admin_client.post(url, {"password": STRONG, "password_confirm": STRONG}, follow=True)
    assert "密码已重置，已通知该用户。" in _text(response)
    assert client.login(username=user.username, password=STRONG)


def test_token_made_by_its_holder_shown_once_and_only_hash_stored(admin_client, personas):
    """Each person makes their own tokens (三权分立): nobody mints one for someone else."""
    from django.test import Client

    user = personas.drc
    client = Client()  # the holder's browser, beside the administrator's
    client.force_login(user)
    response = client.post(reverse("accounts:my_tokens"), {"name": "渝快办对接", "validity": "90"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = _text(response)
    raw = re.search(r"gvt_[A-Za-z0-9_\-]{20,}", text).group(0)
    assert text.count(raw) == 1
    assert "离开本页后将无法再次查看" in text
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hash_token(raw) and token.key_prefix == raw[:10]
    assert token.created_by == user
    assert token.expires_at > timezone.now() + timezone.timedelta(days=89)
    for field in ApiToken._meta.concrete_fields:
        assert getattr(token, field.attname) != raw
    assert raw not in str(list(LedgerEvent.objects.values_list("data", flat=True)))
    mine = _text(client.get(reverse("accounts:my_tokens")))
    assert raw not in mine and token.key_prefix in mine and "渝快办对接" in mine

    missing_name = client.post(reverse("accounts:my_tokens"), {"name": "", "validity": "90"})
    assert "请填写令牌用途。" in _text(missing_name)

    # the administrators see it on the person's page, and cannot make one for them
    detail = _text(admin_client.get(reverse("accounts:user_detail", args=[user.pk])))
    assert raw not in detail and token.key_prefix in detail and "渝快办对接" in detail
    for admin in (personas.admin, personas.security):
        with pytest.raises(ActionForbidden):
            actions.create_api_token(user, acting_user=admin, name="代建")
    assert ApiToken.objects.filter(user=user).count() == 1

    response = client.post(
        f"/act/accounts.revoke_api_token/{token.pk}/",
        {"next": reverse("accounts:my_tokens")},
        follow=True,
    )
    assert "已吊销" in _text(response)
    token.refresh_from_db()
    assert token.revoked_at is not None
    # another person cannot revoke it (it does not exist for them)
    other = ApiToken.objects.create(
        user=personas.bdb,
        name="x",
        key_prefix="gvt_x",
        key_hash="h",
        created_by=personas.bdb,
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    assert client.post(f"/act/accounts.revoke_api_token/{other.pk}/").status_code == 404


# -- to-dos ------------------------------------------------------------------------------------


def test_admin_todos_on_workbench(client, personas):
    admin = personas.admin
    user = actions.create_user(
        acting_user=admin, username="no_role", full_name="无角色者", password=STRONG
    )
    User.objects.filter(pk=personas.cac.pk).update(
        failed_logins=5, locked_until=timezone.now() + timezone.timedelta(minutes=5)
    )
    client.force_login(personas.security)  # roles and lockouts: the security duty
    text = _text(client.get("/"))
    assert "为 无角色者 分配角色" in text
    assert reverse("accounts:user_detail", args=[user.pk]) + "#roles" in text
    assert f"解锁 {personas.cac}" in text
    assert "开通账号" not in text
    client.force_login(admin)  # organisations without accounts: the system duty
    text = _text(client.get("/"))
    assert "为 无角色者 分配角色" not in text and f"解锁 {personas.cac}" not in text
    procuratorate = Organisation.objects.get(name="重庆市人民检察院")
    assert "为 市检察院 开通账号" in text
    assert reverse("accounts:user_create") + f"?organisation={procuratorate.pk}" in text
    assert "为 市教委 开通账号" not in text  # 市教委 has people
    assert "为 渝中区 开通账号" not in text  # districts and other kinds are not asked for

    client.force_login(personas.jw_officer)
    text = _text(client.get("/"))
    assert "分配角色" not in text and "开通账号" not in text and "解锁" not in text


def test_todo_disappears_once_the_role_is_granted(client, personas):
    admin = personas.admin
    user = actions.create_user(
        acting_user=admin, username="no_role", full_name="无角色者", password=STRONG
    )
    org = Organisation.objects.get(name="重庆市总工会")
    client.force_login(personas.security)
    assert "为 无角色者 分配角色" in _text(client.get("/"))
    actions.grant_role(user, org, Role.UNIT_OFFICER, acting_user=personas.security)
    assert "为 无角色者 分配角色" not in _text(client.get("/"))
    client.force_login(admin)
    assert "为 市总工会 开通账号" not in _text(client.get("/"))
