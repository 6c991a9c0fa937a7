"""Authentication: session for browsers (CSRF-checked), bearer tokens for machines; 401 JSON."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.actions import revoke_api_token
from accounts.models import ApiToken

from .helpers import assert_error, post_json

APPROVAL_PATH = "/api/policy/approval-path"


@pytest.mark.parametrize("url", ["/api/me", "/api/organisations", "/api/ledger", "/api/rules"])
def test_no_auth_is_401_json_in_chinese(db, client, url):
    response = client.get(url)
    body = assert_error(response, 401, "unauthenticated")
    assert body["message"] == "请先登录或提供有效的接口令牌。"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_auth_post_is_401_not_csrf_403(db):
    client = Client(enforce_csrf_checks=True)
    response = post_json(client, APPROVAL_PATH, {"organisation_id": 1, "total_investment_wan": "1"})
    assert_error(response, 401, "unauthenticated")


def test_session_auth(personas, login):
    response = login(personas.jw_officer).get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == "jw_tianbao"


def test_token_auth_records_last_use(personas, client, make_token, bearer):
    token, raw = make_token(personas.jw_officer)
    assert raw.startswith("gvt_") and token.last_used_at is None
    response = client.get("/api/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == "jw_tianbao"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_last_use_is_written_at_most_once_a_minute(
    personas, client, make_token, bearer, django_assert_num_queries
):
    token, raw = make_token(personas.jw_officer)
    client.get("/api/me", headers=bearer(raw))
    token.refresh_from_db()
    first = token.last_used_at
    with time_machine.travel(first + dt.timedelta(seconds=30)):
        client.get("/api/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at == first  # no write within the minute
    with time_machine.travel(first + dt.timedelta(seconds=61)):
        client.get("/api/me", headers=bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at > first


def test_revoked_token_is_401(personas, client, make_token, bearer):
    token, raw = make_token(personas.jw_officer)
    revoke_api_token(token, acting_user=personas.security)
    assert_error(client.get("/api/me", headers=bearer(raw)), 401, "unauthenticated")


def test_expired_token_is_401(personas, client, make_token, bearer):
    _token, raw = make_token(personas.jw_officer, validity="90")
    assert client.get("/api/me", headers=bearer(raw)).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=91)):
        assert_error(client.get("/api/me", headers=bearer(raw)), 401, "unauthenticated")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer gvt_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Basic amh3OnBhc3M=",
        "gvt_without_scheme",
    ],
)
def test_wrong_token_is_401(personas, client, header):
    response = client.get("/api/me", headers={"Authorization": header})
    assert_error(response, 401, "unauthenticated")
    assert not ApiToken.objects.filter(last_used_at__isnull=False).exists()


def test_token_of_deactivated_user_is_401(personas, client, make_token, bearer):
    _token, raw = make_token(personas.jw_officer)
    personas.jw_officer.is_active = False
    personas.jw_officer.save(update_fields=["is_active"])
    assert_error(client.get("/api/me", headers=bearer(raw)), 401, "unauthenticated")


def test_wrong_token_does_not_fall_back_to_session(personas, login):
    client = login(personas.jw_officer)
    response = client.get("/api/me", headers={"Authorization": "Bearer gvt_wrong"})
    assert_error(response, 401, "unauthenticated")


def test_session_post_needs_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.jw_officer)
    data = {
        "organisation_id": personas.jw_officer.primary_organisation.pk,
        "total_investment_wan": "800",
    }
    body = assert_error(post_json(client, APPROVAL_PATH, data), 403, "csrf_failed")
    assert "CSRF" in body["message"]

    assert client.get("/api/docs").status_code == 200  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = post_json(client, APPROVAL_PATH, data, headers={"X-CSRFToken": csrf})
    assert response.status_code == 201, response.content


def test_token_post_needs_no_csrf_token(personas, make_token, bearer):
    _token, raw = make_token(personas.jw_officer)
    client = Client(enforce_csrf_checks=True)
    data = {
        "organisation_id": personas.jw_officer.primary_organisation.pk,
        "total_investment_wan": "800",
    }
    response = post_json(client, APPROVAL_PATH, data, headers=bearer(raw))
    assert response.status_code == 201, response.content


def test_token_digest_is_hmac_sm3_and_older_digests_are_upgraded(
    personas, client, make_token, bearer, tmp_path, settings
):
    """A token is stored as HMAC-SM3 under a key outside the database; a token stored as
    SHA-256 before keeps working and is upgraded at its next use; a rotated key keeps the
    tokens made under the old one."""
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import hash_token, legacy_token_digest
    from core.crypto import hmac_sm3_hex
    from core.keys import read

    settings.GOVIT_KEY_DIR = tmp_path / "keys"
    token, raw = make_token(personas.jw_officer)
    assert token.key_hash == hmac_sm3_hex(read("token_hmac"), raw.encode()) == hash_token(raw)
    assert token.key_hash != legacy_token_digest(raw)
    ApiToken.objects.filter(pk=token.pk).update(key_hash=legacy_token_digest(raw))
    assert client.get("/api/me", headers=bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.key_hash == hash_token(raw)  # upgraded
    out = StringIO()
    call_command("keys", "rotate", "token_hmac", stdout=out)
    assert "token_hmac" in out.getvalue() and token.key_hash != hash_token(raw)
    assert client.get("/api/me", headers=bearer(raw)).status_code == 200
    token.refresh_from_db()
    assert token.key_hash == hash_token(raw)  # now under the new key


def test_keys_init_makes_every_missing_key_once(tmp_path, settings):
    from io import StringIO

    from django.core.management import call_command

    from core import keys

    settings.GOVIT_KEY_DIR = tmp_path / "keys"
    call_command("keys", "init", stdout=StringIO())
    first = keys.active_ids()
    assert set(first) == set(keys.PURPOSES)
    call_command("keys", "init", stdout=StringIO())
    assert keys.active_ids() == first
