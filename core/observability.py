"""What operators watch: a request id on every request and log line, JSON logs, health
endpoints for the load balancer and the orchestrator, and Prometheus metrics.

- ``RequestIdMiddleware`` takes a sane ``X-Request-ID`` from the proxy (or makes one), puts it
  on the response and on every log record of the request (``RequestIdFilter``).
- ``/healthz`` answers 200 while the process runs (liveness); ``/readyz`` answers 200 only
  when the database answers and the task queue is reachable and not stuck (readiness).
- ``/metrics`` (django-prometheus: request latency by view, database and cache figures, plus
  ``govit_tasks`` by status) answers only to the addresses or the token configured.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
STUCK_AFTER = dt.timedelta(hours=2)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Give every request an id, echoed in ``X-Request-ID`` and in every log line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _SANE_ID.match(given) else uuid.uuid4().hex
        token = _request_id.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


# -- health ------------------------------------------------------------------------------------


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


def _database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"
        return False, type(exc).__name__
    return True, "ok"


def _task_queue() -> tuple[bool, str]:
    """The queue's table answers and no task waits far past its time (no worker running)."""
    try:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        cutoff = timezone.now() - STUCK_AFTER
        # django-tasks-db stores "run at once" as run_after 9999-01-01, not as NULL
        at_once = Q(run_after__isnull=True) | Q(run_after__year__gte=9999)
        late = (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            .filter((at_once & Q(enqueued_at__lt=cutoff)) | Q(run_after__lt=cutoff))
            .count()
        )
    except Exception as exc:
        return False, type(exc).__name__
    if late:
        return False, f"{late} tasks waiting over {STUCK_AFTER}"
    return True, "ok"


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database and the task queue work."""
    checks = {"database": _database(), "task_queue": _task_queue()}
    ready = all(ok for ok, _detail in checks.values())
    body = {"status": "ok" if ready else "unavailable"}
    body.update({name: detail for name, (_ok, detail) in checks.items()})
    return JsonResponse(body, status=200 if ready else 503)


# -- metrics -----------------------------------------------------------------------------------


def metrics_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "GOVIT_METRICS_TOKEN", "")
    if token and request.headers.get("Authorization", "") == f"Bearer {token}":
        return True
    return request.META.get("REMOTE_ADDR", "") in getattr(settings, "GOVIT_METRICS_ALLOWED_IPS", ())


def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse(status=404)
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)  # type: ignore[no-any-return]


class TaskCollector:
    """``govit_tasks{status=…}``: background tasks by status, read from the queue's table at
    each scrape (so several workers and app servers report one truth)."""

    @staticmethod
    def _family() -> Any:
        from prometheus_client.core import GaugeMetricFamily

        return GaugeMetricFamily("govit_tasks", "Background tasks by status", labels=["status"])

    def describe(self) -> Iterator[Any]:
        """Registering asks for the metric's name: answer without reading the database."""
        yield self._family()

    def collect(self) -> Iterator[Any]:
        family = self._family()
        try:
            from django.db.models import Count
            from django_tasks_db.models import DBTaskResult

            rows = DBTaskResult.objects.values("status").annotate(n=Count("id"))
            for row in rows:
                family.add_metric([str(row["status"]).lower()], row["n"])
        except Exception:  # the database is down: report nothing rather than fail the scrape
            pass
        yield family


def register_collectors() -> None:
    from prometheus_client import REGISTRY

    try:
        REGISTRY.register(TaskCollector())
    except ValueError:  # already registered (autoreload)
        pass
