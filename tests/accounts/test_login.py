"""Sign-in, sign-out and failed sign-in: pages, ledger events and lockout (MLPS level 3)."""

from django.test import override_settings

from core.enums import ActionCode
from core.models import LedgerEvent


def _events(action):
    return LedgerEvent.objects.filter(action=action)


def test_login_page_is_chinese(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "登录名" in html and "密码" in html and 'lang="zh-hans"' in html


def test_login_success_lands_on_workbench_and_is_recorded(client, personas, password):
    response = client.post(
        "/accounts/login/", {"username": "jw_tianbao", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    html = response.content.decode()
    assert "工作台" in html and "我的待办" in html and "市教委" in html
    event = _events(ActionCode.LOGIN).get()
    assert event.actor_id == personas.jw_officer.pk
    assert event.organisation_id == personas.jw_officer.primary_organisation.pk


def test_wrong_password_is_refused_and_recorded(client, personas):
    response = client.post("/accounts/login/", {"username": "jw_tianbao", "password": "错误密码"})
    assert response.status_code == 200
    assert "登录名或密码错误" in response.content.decode()
    event = _events(ActionCode.LOGIN_FAILED).get()
    assert event.object_id == str(personas.jw_officer.pk) and event.data["failures"] == 1
    assert "_auth_user_id" not in client.session


def test_unknown_user_failure_is_counted_not_written_to_the_ledger(client, db):
    from accounts.models import SignInAddress

    client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert not _events(ActionCode.LOGIN_FAILED).exists()
    address = SignInAddress.objects.get(ip="127.0.0.1")
    assert address.failures == 1 and address.unknown_names == 1


@override_settings(GOVIT_LOGIN_MAX_FAILURES=3)
def test_account_locks_after_repeated_failures(client, personas, password):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "jw_tianbao", "password": "bad"})
    personas.jw_officer.refresh_from_db()
    assert personas.jw_officer.is_locked()
    assert _events(ActionCode.ACCOUNT_LOCKED).count() == 1
    response = client.post("/accounts/login/", {"username": "jw_tianbao", "password": password})
    assert "已被临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_post_and_recorded(client, personas, password):
    client.post("/accounts/login/", {"username": "jw_tianbao", "password": password})
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert _events(ActionCode.LOGOUT).filter(actor_id=personas.jw_officer.pk).exists()
    assert client.get("/").status_code == 302  # back to login


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_english_locale_for_login_page(client, db):
    client.cookies["django_language"] = "en"
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in html and "Sign in" in html and "Login name" in html


def test_english_locale_for_workbench(client, personas):
    client.force_login(personas.jw_officer)
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert "Workbench" in html and "My to-dos" in html and "Unit officer" in html
    assert "我的待办" not in html


def test_language_switch_sets_cookie(client, personas):
    client.force_login(personas.jw_officer)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Workbench" in client.get("/").content.decode()


def test_short_password_message_is_chinese(personas):
    import pytest

    from accounts.actions import reset_password
    from core.errors import ActionInvalid

    with pytest.raises(ActionInvalid) as exc_info:
        reset_password(personas.jw_officer, acting_user=personas.security, new_password="Ab1!")
    assert "密码太短，至少需要 10 个字符" in exc_info.value.errors["password"]


def test_last_platform_admin_cannot_be_removed(personas):
    import pytest

    from accounts.actions import revoke_role, set_user_active
    from accounts.models import Membership
    from core.errors import ActionInvalid

    membership = Membership.objects.get(user=personas.admin, role="platform_admin")
    with pytest.raises(ActionInvalid, match="最后一个系统管理员"):
        revoke_role(membership, acting_user=personas.security)
    # a superuser (not an admin member) tries to deactivate the only admin
    from accounts.models import User

    root = User.objects.create_superuser("root", password="Root@12345678")
    with pytest.raises(ActionInvalid, match="最后一个系统管理员"):
        set_user_active(personas.admin, acting_user=root, active=False)


def test_browser_language_does_not_switch_away_from_chinese(client, db):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html and "登录名" in html
