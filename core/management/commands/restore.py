"""`manage.py restore BACKUP_DIR`: restore a backup into an empty database, then verify the
ledger against its checkpoints and every file against its recorded digest."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = "把备份恢复到空数据库，并校验审计日志和每个文件的摘要。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="备份目录（manage.py backup 生成）")

    def handle(self, *args: Any, backup: str, **options: Any) -> None:
        try:
            result = restore(Path(backup))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已恢复：{result.events} 条审计事件校验通过（检查点 #{result.checkpoint_seq}），"
                f"{result.files} 个文件与摘要一致。"
            )
        )
