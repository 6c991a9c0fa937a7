"""Fixtures for the JSON API: bearer tokens."""

import pytest

from accounts.actions import create_api_token


@pytest.fixture
def make_token(personas):
    """Create an API token for ``user`` (made by the platform admin); returns (token, raw)."""

    def _make(user, **kwargs):
        return create_api_token(user, acting_user=personas.admin, name="测试", **kwargs)

    return _make


@pytest.fixture
def bearer():
    """Request headers that authenticate with a raw token."""

    def _headers(raw: str) -> dict:
        return {"Authorization": f"Bearer {raw}"}

    return _headers
