"""The second factor (TOTP with recovery codes) of admins and the authorities' desks: enrolment,
the second step, recovery codes, the reset by another admin (MLPS level 3: GB/T 22239-2019
8.1.4.1 d)."""

import datetime as dt
from binascii import unhexlify

import pytest
import time_machine
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.actions import enrol_second_factor, reset_second_factor
from accounts.events import SecurityEvent
from core.errors import ActionInvalid
from core.models import LedgerEvent, Notification

pytestmark = pytest.mark.django_db
ENROL = "/accounts/second-factor/enrol/"
VERIFY = "/accounts/second-factor/verify/"
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _code(key: str = KEY) -> str:
    return f"{totp(unhexlify(key)):06d}"


def _sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _enrolled(person):
    """``person`` with the test key and ten recovery codes (through the action)."""
    _device, codes = enrol_second_factor(person, acting_user=person, key=KEY, token=_code())
    return codes


def _force_verified_login(client, person):
    """Signed in and past the second step (the session names the device, as django-otp does)."""
    client.force_login(person)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=person).persistent_id
    session.save()


def _events(code, person=None):
    qs = LedgerEvent.objects.filter(action=code)
    return qs.filter(object_id=str(person.pk)) if person is not None else qs


@override_settings(GOVIT_OTP_REQUIRED=True)
def test_required_role_cannot_reach_workbench_before_second_step(client, personas, password):
    response = _sign_in(client, "dsj_shenhe", password)
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    deep = client.get("/projects/")
    assert deep["Location"].startswith(ENROL) and "next=%2Fprojects%2F" in deep["Location"]
    api = client.get("/api/me")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    page = client.get(ENROL).content.decode()
    assert "<svg" in page and "otpauth://totp/" in page and "完成绑定后才能使用平台" in page


@override_settings(GOVIT_OTP_REQUIRED=True)
def test_enrolment_then_verification_at_the_next_sign_in(client, personas, password):
    with time_machine.travel(START, tick=False):
        _sign_in(client, "admin", password)
        client.get(ENROL)
        key = client.session["govit_otp_pending_key"]
        wrong = client.post(ENROL, {"token": "000000" if _code(key) != "000000" else "111111"})
        assert "动态口令不正确" in wrong.content.decode()
        assert not TOTPDevice.objects.filter(user=personas.admin).exists()
        response = client.post(ENROL, {"token": _code(key)}, follow=True)
        html = response.content.decode()
        assert "只显示这一次" in html
        codes = client.get("/accounts/second-factor/codes/")
        assert codes.status_code == 302  # shown once only
        assert StaticToken.objects.filter(device__user=personas.admin).count() == 10
        assert client.get("/").status_code == 200
        assert _events(SecurityEvent.SECOND_FACTOR_ENROLLED, personas.admin).count() == 1
        assert Notification.objects.filter(
            recipient=personas.admin, title__contains="双因素"
        ).exists()
        client.post("/accounts/logout/")
    with time_machine.travel(START + dt.timedelta(minutes=2), tick=False):
        _sign_in(client, "admin", password)
        assert client.get("/")["Location"].startswith(VERIFY)
        refused = client.post(VERIFY, {"token": "12345"})
        assert "动态口令或恢复码不正确" in refused.content.decode()
        assert client.get("/").status_code == 302
        assert _events(SecurityEvent.SECOND_FACTOR_FAILED, personas.admin).count() == 1
    with time_machine.travel(START + dt.timedelta(minutes=3), tick=False):
        response = client.post(VERIFY, {"token": _code(key), "next": "/projects/"})
        assert response.status_code == 302 and response["Location"] == "/projects/"
        assert client.get("/").status_code == 200
        event = _events(SecurityEvent.SECOND_FACTOR_VERIFIED, personas.admin).get()
        assert event.data["method"] == "totp"
        personas.admin.refresh_from_db()
        assert personas.admin.failed_logins == 0


@override_settings(GOVIT_OTP_REQUIRED=True)
def test_recovery_code_works_once(client, personas, password):
    codes = _enrolled(personas.bdb)
    _sign_in(client, "dsj_shenhe", password)
    assert client.post(VERIFY, {"token": codes[0].upper()}).status_code == 302
    assert client.get("/").status_code == 200
    assert StaticDevice.objects.get(user=personas.bdb).token_set.count() == 9
    event = _events(SecurityEvent.SECOND_FACTOR_VERIFIED, personas.bdb).get()
    assert event.data == {**event.data, "method": "recovery_code", "recovery_codes_left": 9}
    client.post("/accounts/logout/")
    _sign_in(client, "dsj_shenhe", password)
    again = client.post(VERIFY, {"token": codes[0]})
    assert again.status_code == 200 and "动态口令或恢复码不正确" in again.content.decode()
    assert client.get("/").status_code == 302


@override_settings(GOVIT_OTP_REQUIRED=True, GOVIT_LOGIN_MAX_FAILURES=2)
def test_wrong_codes_lock_the_account(client, personas, password):
    _enrolled(personas.finance)
    _sign_in(client, "czj_jingban", password)
    client.post(VERIFY, {"token": "abc"})
    with time_machine.travel(dt.timedelta(seconds=5)):  # past django-otp's own delay
        response = client.post(VERIFY, {"token": "abd"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    personas.finance.refresh_from_db()
    assert personas.finance.is_locked()
    assert "_auth_user_id" not in client.session


@override_settings(GOVIT_OTP_REQUIRED=True)
def test_unit_officer_is_not_asked(client, personas, password):
    _sign_in(client, "jw_tianbao", password)
    assert client.get("/").status_code == 200


def test_demo_setting_off_lets_an_admin_in_with_the_password(client, personas, password):
    _sign_in(client, "admin", password)
    assert client.get("/").status_code == 200


@override_settings(GOVIT_OTP_REQUIRED=True)
def test_api_token_is_not_asked_for_a_second_factor(client, personas):
    from accounts.actions import create_api_token

    _token, raw = create_api_token(personas.bdb, acting_user=personas.bdb, name="对接")
    response = client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "dsj_shenhe"


@override_settings(GOVIT_OTP_REQUIRED=True)
def test_reset_by_admin(client, personas, password):
    _enrolled(personas.bdb)
    reset_second_factor(personas.bdb, acting_user=personas.security, reason="手机遗失，已电话核实")
    assert not TOTPDevice.objects.filter(user=personas.bdb).exists()
    assert not StaticDevice.objects.filter(user=personas.bdb).exists()
    event = _events(SecurityEvent.SECOND_FACTOR_RESET, personas.bdb).get()
    assert event.actor_id == personas.security.pk and event.reason == "手机遗失，已电话核实"
    assert Notification.objects.filter(recipient=personas.bdb, title__contains="重置").exists()
    _sign_in(client, "dsj_shenhe", password)
    assert client.get("/")["Location"].startswith(ENROL)  # enrols again


def test_reset_is_offered_to_the_security_admin_and_refused_on_ones_own(client, personas):
    _enrolled(personas.security)
    _enrolled(personas.bdb)
    client.force_login(personas.security)
    assert client.get("/")["Location"].startswith(VERIFY)  # enrolled: asked, setting or not
    _force_verified_login(client, personas.security)
    page = client.get(f"/accounts/manage/users/{personas.bdb.pk}/").content.decode()
    assert "重置双因素认证" in page
    own = client.get(f"/accounts/manage/users/{personas.security.pk}/").content.decode()
    assert "重置双因素认证" not in own
    with pytest.raises(ActionInvalid, match="不能重置自己的双因素认证"):
        reset_second_factor(personas.security, acting_user=personas.security, reason="自己")
    with pytest.raises(ActionInvalid) as no_reason:
        reset_second_factor(personas.bdb, acting_user=personas.security, reason="")
    assert "请填写重置理由" in no_reason.value.errors["reason"]
    assert TOTPDevice.objects.filter(user=personas.security).exists()
    response = client.post(
        f"/accounts/manage/users/{personas.bdb.pk}/second-factor/reset/",
        {"reason": "手机遗失"},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.bdb).exists()


def test_nobody_but_the_security_admin_resets(personas):
    from core.errors import ActionForbidden

    _enrolled(personas.bdb)
    for other in (personas.drc, personas.admin, personas.audit_admin):
        with pytest.raises(ActionForbidden):
            reset_second_factor(personas.bdb, acting_user=other, reason="x")


def test_the_user_menu_leads_anyone_to_enrol(client, personas):
    """A unit officer is not required to, but may, add the second factor from the user menu."""
    client.force_login(personas.jw_officer)
    html = client.get("/").content.decode()
    assert 'data-testid="second-factor-link"' in html and "/accounts/second-factor/enrol/" in html
    page = client.get("/accounts/second-factor/enrol/")
    assert page.status_code == 200 and "otpauth://" in page.content.decode()
