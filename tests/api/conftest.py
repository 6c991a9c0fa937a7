"""Fixtures for the JSON API: bearer tokens."""

import pytest

from accounts.actions import create_api_token


@pytest.fixture
def make_token(personas):
    """Create an API token for ``user`` (made by the platform admin); returns (token, raw)."""

    def _make(user, **kwargs):
        return create_api_token(user, acting_user=user, name="测试", **kwargs)

    return _make


@pytest.fixture
def bearer():
    """Request headers that authenticate with a raw token."""

    def _headers(raw: str) -> dict:
        return {"Authorization": f"Bearer {raw}"}

    return _headers


@pytest.fixture(scope="module")
def connection_kept_across_requests():
    """Django closes the database connection when a request finishes; its test client turns
    that off, a WSGI client (schemathesis, httpx's WSGI transport) does not, and on PostgreSQL
    the closed connection would take the test's transaction (and its data) with it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def committed_city(django_db_setup, django_db_blocker, tmp_path_factory, _key_dir):
    """The demo city seeded once for a module that calls the app through WSGI."""
    from tests.conftest import demo_city

    yield from demo_city(django_db_blocker, tmp_path_factory, _key_dir)


@pytest.fixture(scope="module")
def auditor_token(committed_city, django_db_blocker):
    """A raw API token of the demo auditor, made by herself (tokens are their holder's)."""
    auditor = committed_city["sjj_shenji"]
    with django_db_blocker.unblock():
        _, raw = create_api_token(auditor, acting_user=auditor, name="接口测试")
    return raw
