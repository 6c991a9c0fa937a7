"""`python manage.py serve`: the development server plus the background task worker
(django-tasks `db_worker`), stopped together."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "启动开发服务器（http://127.0.0.1:8000）及后台任务进程。"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for person in PEOPLE:
            self.stdout.write(f"  {person.username:<18} {person.full_name}（{person.title}）")
        self.stdout.write(f"打开 http://{addrport}/ 登录。按 Ctrl+C 停止。")
        worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"])
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
