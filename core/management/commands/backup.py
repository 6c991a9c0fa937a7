"""`manage.py backup [DIR]`: back up the database, the stored files, the ledger's checkpoints
and the key escrow note into one signed directory (core/backup.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.backup import backup


class Command(BaseCommand):
    help = "备份数据库、已存储文件、审计日志检查点和密钥托管说明（带 SM2 签名的清单）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", help="备份存放目录，默认 GOVIT_BACKUP_DIR")

    def handle(self, *args: Any, directory: str | None = None, **options: Any) -> None:
        target = backup(Path(directory) if directory else None)
        self.stdout.write(self.style.SUCCESS(f"已备份到 {target}"))
