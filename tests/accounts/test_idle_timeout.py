"""A session idle for longer than GOVIT_IDLE_TIMEOUT_SECONDS ends (MLPS level 3); activity is
recorded at most once a minute, so reading pages does not write the session every time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import middleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_800_000_000}
    monkeypatch.setattr(middleware.time, "time", lambda: now["t"])
    return now


def _session_writes(client, url="/policy/measures/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum(
        1 for q in captured if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    )


def test_an_idle_session_ends_and_an_active_one_goes_on(client, personas, clock, settings):
    settings.GOVIT_IDLE_TIMEOUT_SECONDS = 30 * 60
    client.force_login(personas.bdb)
    assert client.get("/").status_code == 200
    for _ in range(4):  # active every 20 minutes: never idle for 30
        clock["t"] += 20 * 60
        assert client.get("/").status_code == 200
    clock["t"] += 30 * 60 + 1
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_activity_is_written_at_most_once_a_minute(client, personas, clock):
    client.force_login(personas.bdb)
    client.get("/policy/measures/")  # records the first activity
    clock["t"] += 10
    assert _session_writes(client) == 0
    clock["t"] += 60
    assert _session_writes(client) == 1
