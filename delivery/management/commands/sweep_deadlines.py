"""`python manage.py sweep_deadlines [--date 2027-01-01] [--enqueue]`: run the deadline sweep
now (idempotent), or enqueue the periodic background task."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "巡检法定期限并发送到期、逾期提醒（可重复执行，不会重复提醒）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期巡检，如 2027-01-01")
        parser.add_argument("--enqueue", action="store_true", help="加入后台周期任务")

    def handle(self, *args, date=None, enqueue=False, **options):
        if enqueue:
            from delivery.tasks import sweep_deadlines

            sweep_deadlines.enqueue(reschedule=True)
            self.stdout.write("已加入后台巡检任务。")
            return
        from delivery.sweep import sweep

        try:
            on = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("日期格式应为 2027-01-01。") from exc
        created = sweep(on)
        self.stdout.write(f"巡检完成，新发提醒 {created} 条。")
