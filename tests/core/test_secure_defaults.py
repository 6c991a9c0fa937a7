"""Secure defaults (issue 16 point 6) and the SM3 password hasher (point 3)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "GOVIT_DEBUG": "0",
    "GOVIT_SECRET_KEY": "x7#Lq2!vR9$kP4&zM8*wN3^tB6@yC1%hF5(jD0)gS2+eA7=uQ9",
    "GOVIT_ALLOWED_HOSTS": "govit.example.gov.cn",
    "GOVIT_BEHIND_TLS_PROXY": "1",
    "GOVIT_KEYS_AUTOCREATE": "1",
    "DJANGO_SETTINGS_MODULE": "govit.settings",
}


def _run(code_or_args, env_extra, *, manage=False):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVIT_", "DJANGO_"))}
    env.update(env_extra)
    env["GOVIT_VAR_DIR"] = str(ROOT / "var" / "test-secure")
    args = (
        [sys.executable, "manage.py", *code_or_args]
        if manage
        else [sys.executable, "-c", code_or_args]
    )
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_debug_is_off_unless_asked_for():
    result = _run(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        {"DJANGO_SETTINGS_MODULE": "govit.settings"},
    )
    assert result.stdout.strip() == "False", result.stderr


def test_the_server_refuses_to_start_without_a_secret_key():
    result = _run("import govit.wsgi", {"DJANGO_SETTINGS_MODULE": "govit.settings"})
    assert result.returncode != 0 and "GOVIT_SECRET_KEY" in result.stderr
    started = _run("import govit.wsgi; print('ok')", PRODUCTION)
    assert started.stdout.strip() == "ok", started.stderr


def test_check_deploy_is_clean_with_the_documented_production_settings():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, manage=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_a_content_security_policy_without_inline_script(client, db):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode()


def test_sessions_end_with_the_browser():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_sm3_hasher_is_preferred_and_older_hashes_are_upgraded_at_sign_in(
    personas, client, settings
):
    settings.PASSWORD_HASHERS = [
        "core.hashers.PBKDF2SM3PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = personas.jw_officer
    user.password = make_password("Govit@2026demo", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "Govit@2026demo"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sm3$")
    assert user.check_password("Govit@2026demo")


@pytest.mark.parametrize("name", ["PBKDF2SM3PasswordHasher"])
def test_production_hasher_setting(name):
    assert settings.PASSWORD_HASHERS is not None
    from govit import settings as production

    assert production.PASSWORD_HASHERS[0] == f"core.hashers.{name}"
