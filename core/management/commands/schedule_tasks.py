"""``manage.py schedule_tasks``: enqueue each periodic task once (see ``core.schedules``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.schedules import enqueue_once, periodic_tasks


class Command(BaseCommand):
    help = "将周期性后台任务（期限巡检、审计日志锚定、健康度快照）各加入队列一次；已在队列中的不重复加入。"

    def handle(self, *args: Any, **options: Any) -> None:
        for task in periodic_tasks():
            done = enqueue_once(task)
            state = "已加入队列" if done else "已在队列中"
            self.stdout.write(f"{task.module_path}：{state}")
