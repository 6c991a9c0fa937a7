"""The production topology on one machine (issue 17 point 5): two stateless app servers
(gunicorn) and two task workers (`db_worker`) on one PostgreSQL database. Every task runs
exactly once, a session and an upload work through either server, and concurrent deadline
sweeps notify once."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ROOT = Path(settings.BASE_DIR)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path) -> dict:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVIT_", "DJANGO_"))}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        DJANGO_SETTINGS_MODULE="govit.settings",
        GOVIT_DEBUG="0",
        GOVIT_SECRET_KEY="topology-test-" + "k" * 40,
        GOVIT_ALLOWED_HOSTS="127.0.0.1",
        GOVIT_BEHIND_TLS_PROXY="1",  # secure cookies, HSTS, as in production
        GOVIT_VAR_DIR=str(tmp_path / "var"),  # shared: uploads, keys, anchors
        GOVIT_KEY_DIR=str(settings.GOVIT_KEY_DIR),
        GOVIT_KEYS_AUTOCREATE="0",
        GOVIT_ANCHOR_DIR=str(tmp_path / "anchors"),
        GOVIT_LOG_LEVEL="ERROR",
    )
    return env


class _BehindTLSProxy(http.cookiejar.DefaultCookiePolicy):
    """The servers run as in production, behind a TLS reverse proxy: their cookies are
    Secure, which the browser sends because, to it, the site is https (the proxy is left out
    here and its X-Forwarded-Proto header sent by the browser instead)."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A person's browser: cookies and the CSRF token of the last page."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar(policy=_BehindTLSProxy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("X-Forwarded-Proto", "https")]

    def get(self, url: str) -> tuple[int, str]:
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, url: str, fields: dict, files: dict | None = None) -> tuple[int, str]:
        # the page the form came from, as the browser saw it (https, through the proxy)
        headers = {"X-CSRFToken": self.csrf(), "Referer": url.replace("http://", "https://", 1)}
        if files:
            boundary = uuid.uuid4().hex
            body = b""
            for name, value in fields.items():
                body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, (filename, content, ctype) in files.items():
                body += (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                        f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
                    ).encode()
                    + content
                    + b"\r\n"
                )
            body += f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.read().decode()


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not start")


def _passwords_as_in_production() -> None:
    """The tests hash passwords with a fast hasher the servers (production settings) do not
    know: store the demo password with the production default for the person who signs in."""
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    import govit.settings as production
    from accounts.models import User

    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        User.objects.filter(username="jw_tianbao").update(password=make_password(DEMO_PASSWORD))


@pytest.fixture
def topology(tmp_path, people):
    call_command("seed_demo", verbosity=0)
    _passwords_as_in_production()
    env = _env(tmp_path)
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "govit.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port in ports
    ]
    procs += [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(2)
    ]
    try:
        servers = [f"http://127.0.0.1:{port}" for port in ports]
        for server in servers:
            _wait_for(f"{server}/healthz")
        yield servers
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def test_tasks_run_exactly_once_and_sweeps_notify_once(topology):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from core.models import Notification
    from delivery.tasks import sweep_deadlines

    before = Notification.objects.exclude(dedupe_key="").count()
    results = [sweep_deadlines.enqueue(reschedule=False) for _ in range(12)]
    deadline = time.monotonic() + 180
    ids = [r.id for r in results]
    while time.monotonic() < deadline:
        done = DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.SUCCESSFUL).count()
        if done == len(ids):
            break
        time.sleep(1)
    rows = list(DBTaskResult.objects.filter(id__in=ids))
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in rows), [r.status for r in rows]
    assert all(len(r.worker_ids) == 1 for r in rows)  # each claimed by exactly one worker
    assert len({w for r in rows for w in r.worker_ids}) == 2  # and both workers worked
    keyed = Notification.objects.exclude(dedupe_key="")
    assert keyed.count() > before  # the sweep found due items
    duplicates = (
        keyed.values("recipient_id", "dedupe_key").annotate(n=models_count()).filter(n__gt=1)
    )
    assert not duplicates.exists()


def models_count():
    from django.db.models import Count

    return Count("id")


def test_session_and_upload_through_either_server(topology):
    first, second = topology
    browser = Browser()
    browser.get(f"{first}/accounts/login/")
    status, _html = browser.post(
        f"{first}/accounts/login/", {"username": "jw_tianbao", "password": DEMO_PASSWORD}
    )
    assert status == 200
    status, html = browser.get(f"{second}/")
    assert status == 200 and "张明" in html  # signed in on the other server
    from django.contrib.contenttypes.models import ContentType

    from planning.models import MasterPlan

    plan = MasterPlan.objects.filter(unit__short_name="市教委").first()
    ct = ContentType.objects.get_for_model(MasterPlan)
    browser.get(f"{first}/planning/master-plans/{plan.pk}/")
    status, html = browser.post(
        f"{first}/documents/upload/{ct.pk}/{plan.pk}/",
        {"doc_type": "other", "note": "两台服务器", "next": f"/planning/master-plans/{plan.pk}/"},
        files={"upload": ("拓扑测试.pdf", PDF, "application/pdf")},
    )
    assert status == 200
    from documents.models import DocumentVersion

    found = DocumentVersion.objects.filter(original_name="拓扑测试.pdf")
    assert found.exists(), re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S)
    version = found.get()
    url = reverse("documents:download", args=[version.document_id, version.number])
    with browser.opener.open(f"{second}{url}", timeout=30) as response:  # stored by the first
        assert response.status == 200 and response.read() == PDF  # read back by the second
