"""`python manage.py verify_ledger`: exit 0 when the audit ledger is intact, 1 otherwise."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.anchors import write_checkpoint
from core.ledger import verify_ledger


class Command(BaseCommand):
    help = (
        "校验审计日志：SM3 哈希链、HMAC-SM3 密封及已签名的检查点；完好时退出码为 0，"
        "否则指出第一个缺失或被改动的事件。--checkpoint 在校验通过后签名记录当前链头。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint", action="store_true", help="校验通过后写入一个已签名的检查点"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_ledger()
        if not result.ok:
            raise CommandError(
                f"审计日志校验失败：{result.problem}（已校验 {result.checked} 条完好事件，"
                f"第一个缺失或被破坏的事件为 #{result.broken_seq}）"
            )
        note = f"，与检查点 #{result.checkpoint_seq} 一致" if result.checkpoint_seq else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"审计日志完好：共 {result.checked} 条事件，哈希链与密封校验通过{note}。"
            )
        )
        if options["checkpoint"]:
            checkpoint = write_checkpoint()
            if checkpoint is not None:
                self.stdout.write(f"已写入检查点 #{checkpoint.seq}（{checkpoint.at}）。")
