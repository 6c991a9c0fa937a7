"""Issue 16, point 6: API tokens expire within the policy's longest life, a person changes their
own password, must change it after the admin's reset and when it is older than the policy
allows (platform security requirements: MLPS level 3 identity authentication, GB/T 22239-2019
8.1.4.1)."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from accounts import actions
from accounts.demo import seed_directory
from accounts.models import User
from core.enums import ActionCode
from core.errors import ActionInvalid
from core.models import LedgerEvent, Notification
from policy.lookup import forget_policies
from policy.models import PolicyParameter

pytestmark = pytest.mark.django_db

CHANGE = "/accounts/password/"
NEW = "Chongqing#2027x"


def _set_policy(key: str, value: str) -> None:
    """The municipal policy (the platform's rules are read from it) with ``key`` = ``value``."""
    assert PolicyParameter.objects.filter(policy__division_code="", key=key).update(value=value)
    forget_policies()  # an update() sends no signal: the process's kept versions are stale


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _change(client, old, new=NEW, again=None, **extra):
    data = {"old_password": old, "password": new, "password_confirm": again or new, **extra}
    return client.post(CHANGE, data)


# -- API tokens ---------------------------------------------------------------------------------


def test_token_longer_than_the_policy_allows_is_refused(personas):
    with pytest.raises(ActionInvalid) as refused:
        actions.create_api_token(personas.drc, acting_user=personas.drc, name="对接", validity="91")
    assert "90 天" in str(refused.value) and "validity" in refused.value.errors
    with pytest.raises(ActionInvalid):  # no token lives for ever
        actions.create_api_token(personas.drc, acting_user=personas.drc, name="对接", validity=0)
    assert not personas.drc.api_tokens.exists()
    assert not LedgerEvent.objects.filter(action=ActionCode.TOKEN_CREATED).exists()


def test_token_at_the_longest_life_and_by_default(personas):
    now = timezone.now()
    token, _raw = actions.create_api_token(
        personas.drc, acting_user=personas.drc, name="对接", validity="90"
    )
    assert now + dt.timedelta(days=90) <= token.expires_at <= timezone.now() + dt.timedelta(days=90)
    token, _raw = actions.create_api_token(personas.drc, acting_user=personas.drc, name="默认")
    assert token.expires_at > now + dt.timedelta(days=89, hours=23)
    assert token.expires_at <= timezone.now() + dt.timedelta(days=90)


def test_the_longest_life_is_the_policys(personas):
    _set_policy("api_token_max_days", "30")
    token, _raw = actions.create_api_token(personas.drc, acting_user=personas.drc, name="对接")
    assert token.expires_at <= timezone.now() + dt.timedelta(days=30)
    with pytest.raises(ActionInvalid, match="30 天"):
        actions.create_api_token(personas.drc, acting_user=personas.drc, name="对接", validity="31")


def test_expired_token_is_refused_by_the_api(client, personas):
    _token, raw = actions.create_api_token(personas.drc, acting_user=personas.drc, name="对接")
    assert client.get("/api/me", headers=_bearer(raw)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=90, minutes=1)):
        assert client.get("/api/me", headers=_bearer(raw)).status_code == 401


def test_token_page_names_the_longest_life_and_refuses_more(client, personas):
    client.force_login(personas.drc)  # one's own tokens (三权分立)
    url = "/accounts/tokens/"
    page = client.get(url).content.decode()
    assert "最长 90 天" in page and 'value="90"' in page
    refused = client.post(url, {"name": "对接", "validity": "365"})
    assert refused.status_code == 200 and "1 至 90 天" in refused.content.decode()
    assert not personas.drc.api_tokens.exists()
    created = client.post(url, {"name": "对接", "validity": ""})
    token = personas.drc.api_tokens.get()
    assert token.expires_at.astimezone().strftime("%Y-%m-%d") in created.content.decode()


# -- changing one's own password ----------------------------------------------------------------


def test_user_menu_links_to_the_change_page(client, personas):
    client.force_login(personas.jw_officer)
    assert f'href="{CHANGE}"' in client.get("/").content.decode()
    assert client.get(CHANGE).status_code == 200


def test_wrong_current_password_is_refused(client, personas, password):
    client.force_login(personas.jw_officer)
    response = _change(client, "not-my-password")
    assert response.status_code == 200 and "当前密码不正确" in response.content.decode()
    personas.jw_officer.refresh_from_db()
    assert personas.jw_officer.check_password(password)
    assert not LedgerEvent.objects.filter(action=ActionCode.PASSWORD_CHANGED).exists()


@pytest.mark.parametrize(
    ("new", "again", "says"),
    [
        ("abc", None, "密码太短"),
        ("abcdefghijkl", None, "三类"),
        ("Jw_tianbao2027", None, "密码不符合要求"),  # like the login name
        (NEW, "Chongqing#2027y", "两次输入的密码不一致"),
        ("Govit@2026demo", None, "不能与当前密码相同"),
    ],
)
def test_weak_or_mistyped_new_password_is_refused(client, personas, password, new, again, says):
    client.force_login(personas.jw_officer)
    response = _change(client, password, new, again)
    assert response.status_code == 200 and says in response.content.decode()
    personas.jw_officer.refresh_from_db()
    assert personas.jw_officer.check_password(password)


def test_change_keeps_the_session_and_is_recorded_without_the_password(client, personas, password):
    person = personas.jw_officer
    client.force_login(person)
    response = _change(client, password)
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    person.refresh_from_db()
    assert person.check_password(NEW) and not person.password_must_change
    assert timezone.now() - person.password_changed_at < dt.timedelta(minutes=1)
    event = LedgerEvent.objects.get(action=ActionCode.PASSWORD_CHANGED)
    assert event.actor_id == person.pk and event.object_id == str(person.pk)
    assert event.data == {"after_reset": False, "expired": False}
    assert NEW not in str(event.__dict__) and password not in str(event.__dict__)
    assert Notification.objects.filter(recipient=person, title="您的密码已修改").exists()


def test_someone_else_cannot_change_my_password(personas, password):
    from core.errors import ActionForbidden

    with pytest.raises(ActionForbidden):
        actions.change_password(
            personas.jw_officer,
            acting_user=personas.admin,
            old_password=password,
            password=NEW,
            password_confirm=NEW,
        )


# -- a change owed after the admin's reset --------------------------------------------------------


def _reset(personas, person, new="Temporary#2027a"):
    actions.reset_password(person, acting_user=personas.security, new_password=new)
    return new


def test_after_the_admins_reset_every_page_leads_to_the_change(client, personas):
    person = personas.jw_officer
    temporary = _reset(personas, person)
    person.refresh_from_db()
    assert person.password_must_change
    assert client.post("/accounts/login/", {"username": person.username, "password": temporary})
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"] == f"{CHANGE}?next=%2Fprojects%2F"
    assert client.get("/")["Location"] == CHANGE
    page = client.get(CHANGE).content.decode()
    assert "已由系统管理员重置" in page
    api = client.get("/api/me")
    assert api.status_code == 403
    assert api.json() == {
        "code": "password_change_required",
        "message": "您的密码已由系统管理员重置，请先修改密码后再继续使用。",
    }
    # done: free again, back where they were going
    done = _change(client, temporary, next="/projects/")
    assert done.status_code == 302 and done["Location"] == "/projects/"
    assert client.get("/").status_code == 200 and client.get("/api/me").status_code == 200
    event = LedgerEvent.objects.get(action=ActionCode.PASSWORD_CHANGED)
    assert event.data["after_reset"] is True


def test_sign_out_is_reachable_while_a_change_is_owed(client, personas):
    _reset(personas, personas.jw_officer)
    client.force_login(personas.jw_officer)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_token_is_not_held_by_a_change_owed(client, personas):
    """Tokens are machine clients' (they expire on their own); the person's sessions are held."""
    _token, raw = actions.create_api_token(personas.drc, acting_user=personas.drc, name="对接")
    _reset(personas, personas.drc)
    assert client.get("/api/me", headers=_bearer(raw)).status_code == 200


def test_reset_notification_says_a_change_follows(personas):
    _reset(personas, personas.jw_officer)
    note = Notification.objects.get(recipient=personas.jw_officer, title__contains="重置")
    assert "须先修改密码" in note.body


# -- a password older than the policy allows ----------------------------------------------------


def _aged(person, days):
    User.objects.filter(pk=person.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=days)
    )


def test_an_expired_password_must_be_changed(client, personas, password):
    person = personas.jw_officer
    _aged(person, 91)
    client.force_login(person)
    assert client.get("/")["Location"] == CHANGE
    assert "已使用超过 90 天" in client.get(CHANGE).content.decode()
    assert client.get("/api/me").json()["code"] == "password_change_required"
    assert _change(client, password).status_code == 302
    assert client.get("/").status_code == 200
    assert LedgerEvent.objects.get(action=ActionCode.PASSWORD_CHANGED).data["expired"] is True


def test_a_password_within_its_age_is_not_held(client, personas):
    _aged(personas.jw_officer, 89)
    client.force_login(personas.jw_officer)
    assert client.get("/").status_code == 200


def test_zero_days_is_no_limit(client, personas):
    _set_policy("password_max_age_days", "0")
    _aged(personas.jw_officer, 3650)
    client.force_login(personas.jw_officer)
    assert client.get("/").status_code == 200


def test_the_age_is_the_policys(client, personas):
    _set_policy("password_max_age_days", "30")
    _aged(personas.jw_officer, 31)
    client.force_login(personas.jw_officer)
    assert client.get("/")["Location"] == CHANGE
    assert "已使用超过 30 天" in client.get(CHANGE).content.decode()


def test_demo_seeding_restarts_the_demo_passwords_age(client, personas):
    _aged(personas.jw_officer, 400)
    seed_directory()
    client.force_login(User.objects.get(pk=personas.jw_officer.pk))
    assert client.get("/").status_code == 200


def test_a_new_account_starts_its_password_age(personas):
    person = actions.create_user(
        acting_user=personas.admin, username="new_person", full_name="新人", password=NEW
    )
    assert person.password_changed_at is not None and not person.password_must_change


@override_settings(GOVIT_OTP_REQUIRED=True)
def test_the_second_step_comes_before_the_change(client, personas):
    from binascii import unhexlify

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = "3132333435363738393031323334353637383930"
    code = f"{totp(unhexlify(key)):06d}"
    actions.enrol_second_factor(personas.bdb, acting_user=personas.bdb, key=key, token=code)
    temporary = _reset(personas, personas.bdb)
    client.post("/accounts/login/", {"username": personas.bdb.username, "password": temporary})
    assert client.get("/")["Location"].startswith("/accounts/second-factor/verify/")
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=personas.bdb).persistent_id
    session.save()
    assert client.get("/")["Location"] == CHANGE
    assert _change(client, temporary).status_code == 302
    assert client.get("/").status_code == 200  # the second step is kept with the session
