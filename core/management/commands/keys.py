"""``manage.py keys init|list|rotate <purpose>``: the key store outside the database.

``init`` makes the missing active key of every purpose (once, at installation; then escrow
the store as the production guide says), ``list`` prints the inventory, ``rotate`` adds a new
active key for one purpose (items keep the id of the key they were made with, so old keys
stay readable)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import keys


class Command(BaseCommand):
    help = "密钥库：init 生成缺少的密钥，list 列出密钥，rotate <用途> 轮换密钥。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["init", "list", "rotate"])
        parser.add_argument("purpose", nargs="?", choices=sorted(keys.PURPOSES))

    def handle(self, *args: Any, operation: str, purpose: str | None, **options: Any) -> None:
        if operation == "init":
            self._init()
        elif operation == "rotate":
            if purpose is None:
                raise CommandError("请指定要轮换的密钥用途：" + "、".join(sorted(keys.PURPOSES)))
            key_id = keys.create(purpose)
            self.stdout.write(f"已生成并启用 {purpose} 密钥 {key_id}；旧密钥保留用于核验。")
        for row in keys.inventory():
            mark = "（使用中）" if row["active"] else ""
            self.stdout.write(f"{row['purpose']}\t{row['id']}{mark}")

    def _init(self) -> None:
        active = keys.active_ids()
        for purpose in sorted(keys.PURPOSES):
            if purpose in active:
                self.stdout.write(f"{purpose} 密钥已存在：{active[purpose]}")
                continue
            self.stdout.write(f"已生成 {purpose} 密钥：{keys.create(purpose)}")
        self.stdout.write(f"密钥库：{keys.key_dir()}。请按生产指南托管备份密钥库。")
