"""Background jobs: long work a person starts from a page (an import, an O&M run, a large
export, a batch of documents) is done by a task worker while a page shows its progress; the
person is notified when it is done (issue 18 pt 7).

A chapter registers what a kind of job does (``@job_kind("catalog.import_systems")``): a
function of the job and a ``Progress`` that returns an ``Outcome`` (a summary, a page, a
file, details). ``start_job`` files the job and enqueues ``run_job`` in the same transaction,
so that the job and its task are kept or lost together; ``run_job`` takes a job only while it
is queued (a job runs once however many workers there are).

Progress is told in ``done`` of ``total``. Work that runs in one transaction (an import is all
or nothing) would hide its progress from the page until it commits; on PostgreSQL the counter
is therefore written through a connection of its own. SQLite has a single writer: there the
counter is written only between transactions, and the page shows the work as under way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .enums import JobState, NotificationCategory
from .errors import ActionError
from .models import BackgroundJob
from .notify import notify

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """The work cannot be done as asked (not a rule's refusal): the job ends with this reason."""


@dataclass
class Outcome:
    """What a job came to: a sentence, and where to see the result."""

    summary: str
    url: str = ""
    content: bytes | None = None
    filename: str = ""
    report: dict[str, Any] = field(default_factory=dict)


JobFunc = Callable[[BackgroundJob, "Progress"], Outcome]
_KINDS: dict[str, JobFunc] = {}


def job_kind(code: str) -> Callable[[JobFunc], JobFunc]:
    """Register what jobs of kind ``code`` do."""

    def decorator(func: JobFunc) -> JobFunc:
        _KINDS[code] = func
        return func

    return decorator


def start_job(
    kind: str,
    title: str,
    owner: Any,
    *,
    params: dict[str, Any] | None = None,
    upload: Any = None,
) -> BackgroundJob:
    """File a job for ``owner`` and hand it to the task workers."""
    if kind not in _KINDS:
        raise KeyError(kind)
    with transaction.atomic():
        job = BackgroundJob(kind=kind, title=title[:200], owner=owner, params=params or {})
        if upload is not None:
            upload.seek(0)
            job.input_file.save(getattr(upload, "name", "upload"), upload, save=False)
        job.save()
        run_job.enqueue(job.pk)
    return job


def start_action_job(step: Any, target: Any, data: Any, user: Any) -> BackgroundJob:
    """Hand an action marked ``background`` to a task worker, with its validated input."""
    params = {
        "action": step.name,
        "pk": getattr(target, "pk", None),
        "data": data.model_dump(mode="json") if data is not None else None,
    }
    return start_job("core.action", step.job_title(target, data), user, params=params)


@job_kind("core.action")
def _do_action(job: BackgroundJob, progress: Progress) -> Outcome:
    """An action done by the worker as the person who asked for it (its checks, ledger event
    and notices are those of the action)."""
    from . import actions

    step = actions.get(job.params["action"])
    pk = job.params.get("pk")
    result = step.execute(pk, job.params.get("data"), acting_user=job.owner)
    target = step.load(pk, job.owner) if pk is not None and step.model is not None else None
    return Outcome(
        summary=str(step.success_message(target, result)), url=step.next_url(target, result)
    )


# -- exports too large to wait for ---------------------------------------------------------------

#: marks the request a worker replays to make an export (``core.xlsx.page_export``)
IN_JOB = "govit.in_job"


def start_export_job(request: Any, count: int) -> BackgroundJob:
    """Hand a page's export of ``count`` rows to a worker: it replays the same address with
    the same filter as the same person, and keeps the file for the job's page."""
    title = _("导出 %(n)s 条记录") % {"n": f"{count:,}"}
    params = {"path": request.path, "query": request.GET.urlencode()}
    return start_job("core.export", title, request.user, params=params)


@job_kind("core.export")
def _export(job: BackgroundJob, progress: Progress) -> Outcome:
    from urllib.parse import unquote

    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory
    from django.urls import resolve

    path, query = job.params["path"], job.params.get("query", "")
    request = RequestFactory().get(path, QueryDict(query))
    request.user = job.owner
    request.META[IN_JOB] = True
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    response = resolve(path).func(request)
    disposition = response.get("Content-Disposition", "")
    if response.status_code != 200 or "filename*=UTF-8''" not in disposition:
        raise JobFailed(_("导出条件已失效，请回到列表重新导出。"))
    filename = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    summary = _("已生成 %(name)s。") % {"name": filename}
    return Outcome(summary, content=response.content, filename=filename)


def job_url(job: BackgroundJob) -> str:
    return reverse("core:job", args=[job.pk])


class Progress:
    """Tells the job's page how far the work is (``progress(done, total)``); writes at most a
    few times a second."""

    INTERVAL = 0.5

    def __init__(self, job: BackgroundJob):
        self.job = job
        self.total = 0
        self._last = 0.0
        self._side: Any = None

    def __call__(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self._last < self.INTERVAL and done < self.total:
            return
        self._last = now
        self.job.done, self.job.total = done, self.total
        self._write(done, self.total)

    def _write(self, done: int, total: int) -> None:
        if not connection.in_atomic_block:
            BackgroundJob.objects.filter(pk=self.job.pk).update(done=done, total=total)
        elif connection.vendor == "postgresql":
            # inside the work's transaction: a connection of its own, so the page sees it now
            if self._side is None:
                self._side = connections.create_connection("default")
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {BackgroundJob._meta.db_table} SET done = %s, total = %s "
                    "WHERE id = %s",
                    [done, total, self.job.pk],
                )

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


@task()
def run_job(job_id: int) -> str:
    """Do one queued job: its registered work, then its outcome and the owner's notice."""
    taken = BackgroundJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    if not taken:
        return "skipped"  # already taken by another worker, or gone
    job = BackgroundJob.objects.select_related("owner").get(pk=job_id)
    progress = Progress(job)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            outcome = _KINDS[job.kind](job, progress)
    except ActionError as exc:
        _finish_failed(job, refusal_words(exc))
        return JobState.FAILED
    except JobFailed as exc:
        _finish_failed(job, str(exc))
        return JobState.FAILED
    except Exception:  # a job must end, and say so, whatever went wrong
        log.exception("background job %s (%s) failed", job.pk, job.kind)
        _finish_failed(job, _("处理时出错，未完成。请稍后重试；仍不成功请联系系统管理员。"))
        return JobState.FAILED
    finally:
        progress.close()
    _finish_done(job, outcome)
    return JobState.DONE


def refusal_words(exc: ActionError) -> str:
    """An action's refusal in words: its message, the fields' errors, the blocking findings."""
    words = [exc.message, *map(str, getattr(exc, "errors", {}).values())]
    words += [f.text for f in exc.findings if f.blocks]
    return " ".join(dict.fromkeys(w for w in words if w))


def _finish_done(job: BackgroundJob, outcome: Outcome) -> None:
    job.state, job.finished_at = JobState.DONE, timezone.now()
    job.summary, job.result_url, job.report = outcome.summary, outcome.url, outcome.report
    job.done = max(job.done, job.total)
    if outcome.content is not None:
        job.result_name = outcome.filename
        job.result_file.save(outcome.filename, ContentFile(outcome.content), save=False)
    job.save()
    _tell_owner(job, _("已完成：%(title)s") % {"title": job.title}, outcome.summary)


def _finish_failed(job: BackgroundJob, why: str) -> None:
    job.state, job.finished_at, job.summary = JobState.FAILED, timezone.now(), why
    job.save(update_fields=["state", "finished_at", "summary"])
    _tell_owner(job, _("未完成：%(title)s") % {"title": job.title}, why)


def _tell_owner(job: BackgroundJob, title: str, body: str) -> None:
    notify(
        [job.owner],
        title=title,
        body=body,
        link=job_url(job),
        category=NotificationCategory.JOB,
        subject="",
    )
