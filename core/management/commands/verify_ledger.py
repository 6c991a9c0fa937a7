"""`python manage.py verify_ledger`: exit 0 when the SM3 chain is intact, 1 otherwise."""

from django.core.management.base import BaseCommand, CommandError

from core.ledger import verify_ledger


class Command(BaseCommand):
    help = "校验审计日志的 SM3 哈希链；链完整时退出码为 0，否则指出第一个被破坏的事件。"

    def handle(self, *args, **options):
        result = verify_ledger()
        if not result.ok:
            raise CommandError(
                f"审计日志校验失败：{result.problem}（已校验 {result.checked} 条完好事件，"
                f"第一个被破坏的事件为 #{result.broken_seq}）"
            )
        self.stdout.write(
            self.style.SUCCESS(f"审计日志完好：共 {result.checked} 条事件，哈希链校验通过。")
        )
