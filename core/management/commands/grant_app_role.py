"""`manage.py grant_app_role govit_app`: give the application's database role what it needs
and nothing more (PostgreSQL).

Production runs two roles: the **owner** (`govit_owner`) owns the schema and runs
`migrate`; the **application** role (`govit_app`) owns nothing and connects for every request
and task. As a non-owner it cannot `ALTER TABLE … DISABLE TRIGGER`, `TRUNCATE` or drop
anything; on the audit ledger it may only read and append. Run this as the owner after each
`migrate` (new tables need their grants).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

LEDGER = "core_ledgerevent"


def grant_statements(role: str) -> list[str]:
    quoted = connection.ops.quote_name(role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"REVOKE UPDATE, DELETE ON {LEDGER} FROM {quoted}",
    ]


class Command(BaseCommand):
    help = "（PostgreSQL）为应用数据库角色授予最小权限：可读写业务表，审计日志只能读和追加，不能清空或停用触发器。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="应用使用的数据库角色，如 govit_app")

    def handle(self, *args: Any, role: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("只有 PostgreSQL 需要区分属主角色和应用角色。")
        with connection.cursor() as cursor:
            for sql in grant_statements(role):
                cursor.execute(sql)
        self.stdout.write(self.style.SUCCESS(f"已为 {role} 授予应用所需的最小权限。"))
