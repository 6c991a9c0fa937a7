"""Failed sign-ins counted per source address besides the per-account lock; one message for a
wrong name and a wrong password; names that are nobody's counted, not written to the ledger
(MLPS level 3: GB/T 22239-2019 8.1.4.1)."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from accounts.events import SecurityEvent
from accounts.models import SignInAddress
from core.enums import ActionCode
from core.models import LedgerEvent

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _post(client, username, password, ip="10.0.0.9", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _error(response) -> str:
    html = response.content.decode()
    start = html.index('data-testid="login-error">') + len('data-testid="login-error">')
    return html[start : html.index("</div>", start)]


def test_one_message_for_wrong_name_and_wrong_password(client, personas):
    wrong_name = _error(_post(client, "nobody-here", "Whatever@123"))
    wrong_password = _error(_post(client, "jw_tianbao", "Whatever@123"))
    assert wrong_name == wrong_password and "登录名或密码错误" in wrong_name


def test_unknown_names_are_counted_and_write_no_ledger_row(client, db):
    before = LedgerEvent.objects.count()
    for name in ("guess1", "guess2", "guess3"):
        _post(client, name, "x")
    assert not LedgerEvent.objects.filter(action=ActionCode.LOGIN_FAILED).exists()
    assert LedgerEvent.objects.count() == before
    address = SignInAddress.objects.get(ip="10.0.0.9")
    assert (address.failures, address.unknown_names) == (3, 3)


@override_settings(GOVIT_LOGIN_IP_MAX_FAILURES=3, GOVIT_LOGIN_IP_BLOCK_MINUTES=10)
def test_an_address_is_refused_after_repeated_failures_whatever_the_name(
    client, personas, password
):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _post(client, "guess1", "x")
        _post(client, "guess2", "x")
        _post(client, "wj_tianbao", "x")
        refused = _post(client, "jw_tianbao", password)
        assert "该地址登录失败次数过多" in _error(refused) and "10 分钟" in _error(refused)
        assert "_auth_user_id" not in client.session
        # a refused attempt is not checked against the account, nor counted against it
        _post(client, "jw_tianbao", "wrong")
        personas.jw_officer.refresh_from_db()
        assert personas.jw_officer.failed_logins == 0
        event = LedgerEvent.objects.get(action=SecurityEvent.ADDRESS_THROTTLED)
        assert event.data["ip"] == "10.0.0.9" and event.data["unknown_names"] == 2
        # another address is not affected
        other = _post(client, "jw_tianbao", password, ip="10.0.0.10")
        assert other.status_code == 302
        client.post("/accounts/logout/")
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        assert _post(client, "jw_tianbao", password).status_code == 302
        client.post("/accounts/logout/")
        _post(client, "guess3", "x")  # counting starts again after the block
        assert SignInAddress.objects.get(ip="10.0.0.9").failures == 1


@override_settings(GOVIT_LOGIN_IP_MAX_FAILURES=2, GOVIT_LOGIN_IP_WINDOW_MINUTES=5)
def test_failures_outside_the_window_start_again(client, db):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _post(client, "guess1", "x")
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        _post(client, "guess2", "x")
        assert not SignInAddress.objects.get(ip="10.0.0.9").is_blocked()


@override_settings(GOVIT_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR", GOVIT_LOGIN_IP_MAX_FAILURES=2)
def test_behind_the_proxy_the_address_it_appends_is_counted(client, db):
    for _ in range(2):
        _post(client, "guess", "x", ip="192.0.2.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    assert SignInAddress.objects.get(ip="203.0.113.5").is_blocked()
    assert not SignInAddress.objects.filter(ip="192.0.2.1").exists()
