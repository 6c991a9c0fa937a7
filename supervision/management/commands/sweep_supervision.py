"""`python manage.py sweep_supervision [--date 2027-01-01] [--enqueue]`: run the supervision
sweep now (idempotent), or enqueue the periodic background task."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "巡检监督管理期限（资料提供、限期整改），提示违规线索（可重复执行，不会重复提醒）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期巡检，如 2027-01-01")
        parser.add_argument("--enqueue", action="store_true", help="加入后台周期任务")

    def handle(self, *args, date=None, enqueue=False, **options):
        if enqueue:
            from supervision.tasks import sweep_supervision

            sweep_supervision.enqueue(reschedule=True)
            self.stdout.write("已加入后台监督管理巡检任务。")
            return
        from supervision.sweep import sweep

        try:
            on = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("日期格式应为 2027-01-01。") from exc
        result = sweep(on)
        self.stdout.write(
            f"巡检完成：逾期未答复 {result.overdue_requests} 件，逾期未整改 "
            f"{result.overdue_orders} 件，新发提醒 {result.reminders} 条，"
            f"新提示违规线索 {result.proposals} 条。"
        )
