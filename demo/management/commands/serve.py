"""`python manage.py serve`: the development server plus the background task worker
(django-tasks `db_worker`), stopped together on Ctrl+C or any termination signal. At start-up each periodic task
(``settings.GOVIT_PERIODIC_TASKS``) is enqueued once (it re-enqueues itself), unless it is
already waiting or running."""

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, PEOPLE


def pending_sweep_exists() -> bool:
    """Is the deadline sweep waiting or running (``core.schedules.is_pending``)?"""
    from core.schedules import is_pending
    from delivery.tasks import sweep_deadlines

    return is_pending(sweep_deadlines)


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
        call_command("schedule_tasks", stdout=self.stdout)  # sweeps, checkpoints, health
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
