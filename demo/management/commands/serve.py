"""`python manage.py serve`: the development server plus the background task worker
(django-tasks `db_worker`), stopped together on Ctrl+C or any termination signal. At start-up the periodic deadline sweep is
enqueued once (it re-enqueues itself), unless one is already waiting or running."""

import datetime as dt
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, PEOPLE

# A sweep still marked RUNNING after this long was cut off (the worker stopped mid-run) and
# no longer counts as pending.
STALE_RUNNING = dt.timedelta(hours=1)


def pending_sweep_exists() -> bool:
    """Is a ``delivery.tasks.sweep_deadlines`` waiting (READY, whatever its run_after) or
    running (started recently) in the database backend?"""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from delivery.tasks import sweep_deadlines

    runs = DBTaskResult.objects.filter(task_path=sweep_deadlines.module_path)
    return (
        runs.filter(status=TaskResultStatus.READY).exists()
        or runs.filter(
            status=TaskResultStatus.RUNNING,
            started_at__gte=timezone.now() - STALE_RUNNING,
        ).exists()
    )


def enqueue_sweep_once(stdout=None) -> bool:
    """Enqueue the periodic sweep unless one is pending; returns whether it enqueued."""
    if pending_sweep_exists():
        if stdout is not None:
            stdout.write("法定期限巡检任务已在队列中。")
        return False
    call_command("sweep_deadlines", "--enqueue", stdout=stdout)
    return True


class Command(BaseCommand):
    help = "启动开发服务器（默认 http://127.0.0.1:8000，可指定地址和端口，如 0.0.0.0:8001）及后台任务进程。"

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport", nargs="?", default="127.0.0.1:8000", help="地址:端口，默认 127.0.0.1:8000"
        )

    def handle(self, *args, addrport, **options):
        from django.conf import settings

        if not settings.DEBUG:
            raise CommandError(
                "serve 是开发服务器：请用 make run（打开调试模式）；生产环境请用 gunicorn。"
            )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for person in PEOPLE:
            self.stdout.write(f"  {person.username:<18} {person.full_name}（{person.title}）")
        self.stdout.write(f"打开 http://{addrport}/ 登录。按 Ctrl+C 停止。")
        enqueue_sweep_once(self.stdout)
        worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"])
        stop_on_signals()
        try:
            call_command("runserver", addrport, use_reloader=False)
        except SystemExit:
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP stop the server like Ctrl+C, so the worker is stopped with it."""

    def stop(signum, frame):
        raise SystemExit(0)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
