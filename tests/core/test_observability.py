"""What operators watch (issue 17 point 5): health endpoints, request ids on responses and log
lines, JSON logs and Prometheus metrics."""

import datetime as dt
import json
import logging

import pytest
from django.utils import timezone

from core.observability import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_liveness_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "task_queue": "ok"}


def test_not_ready_when_tasks_wait_with_no_worker(client):
    from django_tasks_db.models import DBTaskResult

    from core.tasks import checkpoint_ledger

    settings_backend = checkpoint_ledger.get_backend()
    if not settings_backend.supports_defer:
        pytest.skip("the immediate backend runs tasks at once")
    result = checkpoint_ledger.enqueue(reschedule=False)
    DBTaskResult.objects.filter(id=result.id).update(
        enqueued_at=timezone.now() - dt.timedelta(hours=3)
    )
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "waiting" in ready.json()["task_queue"]


def test_every_response_carries_a_request_id(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    given = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-1234abcd")["X-Request-ID"]
    assert given == "proxy-1234abcd"
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID="<script>x</script>")["X-Request-ID"]
    assert hostile != "<script>x</script>" and len(hostile) == 32


def test_log_lines_are_json_with_the_request_id(settings):
    from pythonjsonlogger.json import JsonFormatter

    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(config["fmt"], rename_fields=config["rename_fields"])
    record = logging.LogRecord("govit.test", logging.WARNING, __file__, 1, "办理失败", None, None)
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["level"] == "WARNING" and line["message"] == "办理失败" and "request_id" in line


def test_metrics_for_allowed_addresses_or_the_token_only(client, settings):
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert "django_http_requests_latency_seconds" in text and "govit_tasks" in text
    assert client.get("/metrics", REMOTE_ADDR="10.9.8.7").status_code == 404
    settings.GOVIT_METRICS_TOKEN = "scrape-secret"
    allowed = client.get(
        "/metrics", REMOTE_ADDR="10.9.8.7", HTTP_AUTHORIZATION="Bearer scrape-secret"
    )
    assert allowed.status_code == 200
