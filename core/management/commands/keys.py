"""``manage.py keys init|list|rotate <purpose>|reencrypt``: the key store outside the database.

``init`` makes the missing active key of every purpose (once, at installation; then escrow
the store as the production guide says), ``list`` prints the inventory, ``rotate`` adds a new
active key for one purpose (items keep the id of the key they were made with, so old keys
stay readable), ``reencrypt`` (or ``rotate sm4 --reencrypt``) brings every encrypted file and
personal field under the active sm4 key (core/encrypted.py); it can be run again safely."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import keys
from core.encrypted import reencrypt_all


class Command(BaseCommand):
    help = (
        "密钥库：init 生成缺少的密钥，list 列出密钥，rotate <用途> 轮换密钥，"
        "reencrypt 用当前 sm4 密钥重新加密全部文件和个人信息字段。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["init", "list", "rotate", "reencrypt"])
        parser.add_argument("purpose", nargs="?", choices=sorted(keys.PURPOSES))
        parser.add_argument(
            "--reencrypt",
            action="store_true",
            help="轮换 sm4 后立即用新密钥重新加密全部文件和个人信息字段",
        )

    def handle(
        self, *args: Any, operation: str, purpose: str | None, reencrypt: bool, **options: Any
    ) -> None:
        if operation == "init":
            self._init()
        elif operation == "rotate":
            if purpose is None:
                raise CommandError("请指定要轮换的密钥用途：" + "、".join(sorted(keys.PURPOSES)))
            if reencrypt and purpose != "sm4":
                raise CommandError("--reencrypt 只适用于 sm4 密钥。")
            key_id = keys.create(purpose)
            self.stdout.write(f"已生成并启用 {purpose} 密钥 {key_id}；旧密钥保留用于核验。")
        if operation == "reencrypt" or reencrypt:
            self._reencrypt()
            return
        for row in keys.inventory():
            mark = "（使用中）" if row["active"] else ""
            self.stdout.write(f"{row['purpose']}\t{row['id']}{mark}")

    def _reencrypt(self) -> None:
        result = reencrypt_all()
        self.stdout.write(
            f"已用 sm4 密钥 {result.key_id} 重新加密：字段 {result.fields} 个"
            f"（已是该密钥 {result.fields_current} 个），文件 {result.files} 个"
            f"（已是该密钥 {result.files_current} 个）。"
        )
        for missing in result.files_missing:
            self.stderr.write(f"存储中找不到文件：{missing}")

    def _init(self) -> None:
        active = keys.active_ids()
        for purpose in sorted(keys.PURPOSES):
            if purpose in active:
                self.stdout.write(f"{purpose} 密钥已存在：{active[purpose]}")
                continue
            self.stdout.write(f"已生成 {purpose} 密钥：{keys.create(purpose)}")
        self.stdout.write(f"密钥库：{keys.key_dir()}。请按生产指南托管备份密钥库。")
