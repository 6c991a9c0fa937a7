"""Backup and restore of everything the platform needs to come back (issue 16 point 9).

A backup is a directory ``<GOVIT_BACKUP_DIR>/govit-<time>/`` holding:

- ``database.sqlite3`` (SQLite's online backup API) or ``database.pgdump`` (``pg_dump -Fc``);
- ``media/`` — the stored files exactly as they lie on disk (encrypted at rest, so a backup
  is as confidential as the store);
- ``anchors/`` — the ledger's signed checkpoints;
- ``keys.txt`` — the escrow note: which keys (purpose and id, never their bytes) the data
  needs; the keys themselves are escrowed separately, by the security administrator;
- ``manifest.json`` — every file's size and SM3 digest, signed with the platform's SM2 key.

``restore`` checks the manifest first (signature and every digest), loads the database into
an empty one, puts the files and checkpoints back, then verifies the ledger against its
checkpoints and every stored file against its recorded digest.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import keys
from .crypto import sm2_sign_hex, sm2_verify, sm3_hex

MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message says why in Chinese."""


@dataclass(frozen=True)
class Restored:
    files: int
    events: int
    checkpoint_seq: int | None


def _copy_tree(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        target.mkdir(parents=True, exist_ok=True)


def _db_settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def dump_database(target: Path) -> Path:
    db = _db_settings()
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:
            # SQLite's backup API waits for this connection's own open write transaction
            # and never returns; a backup copies committed data only anyway.
            raise BackupError("不能在未提交的事务中备份 SQLite 数据库，请在事务之外运行备份。")
        path = target / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(path)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return path
    if connection.vendor == "postgresql":
        path = target / "database.pgdump"
        subprocess.run(
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                "--no-acl",
                *_pg_args(db),
                "-f",
                str(path),
                db["NAME"],
            ],
            check=True,
            env=_pg_env(db),
            capture_output=True,
        )
        return path
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def _manifest_rows(root: Path) -> list[dict[str, Any]]:
    rows = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST):
        data = path.read_bytes()
        rows.append({"path": str(path.relative_to(root)), "size": len(data), "sm3": sm3_hex(data)})
    return rows


def _signed(content: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(content, sort_keys=True, ensure_ascii=False).encode()
    key_id = keys.active_id("sm2")
    return {
        **content,
        "signed_by": key_id,
        "signature": sm2_sign_hex(keys.read("sm2", key_id), body),
    }


def backup(destination: Path | None = None) -> Path:
    """Make a backup; returns its directory."""
    from .anchors import write_checkpoint

    write_checkpoint()  # the backup carries the newest head of the ledger
    base = Path(destination or settings.GOVIT_BACKUP_DIR)
    target = base / f"govit-{timezone.now():%Y%m%d-%H%M%S}"
    target.mkdir(parents=True, exist_ok=False)
    os.chmod(target, 0o700)
    dump_database(target)
    _copy_tree(Path(settings.MEDIA_ROOT), target / "media")
    _copy_tree(Path(settings.GOVIT_ANCHOR_DIR), target / "anchors")
    note = ["# 密钥托管说明：本备份所需的密钥（用途、编号；密钥本身由安全管理员另行托管）"]
    note += [
        f"{k['purpose']}\t{k['id']}\t{'在用' if k['active'] else ''}" for k in keys.inventory()
    ]
    (target / "keys.txt").write_text("\n".join(note) + "\n", encoding="utf-8")
    content = {
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "database": connection.vendor,
        "files": _manifest_rows(target),
    }
    (target / MANIFEST).write_text(
        json.dumps(_signed(content), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return target


def check_manifest(source: Path) -> dict[str, Any]:
    """The manifest, once its SM2 signature and every file's SM3 digest are confirmed."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{source} 不是备份目录（缺少 {MANIFEST}）。") from exc
    signature = manifest.pop("signature", "")
    signer = manifest.pop("signed_by", "")
    body = json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode()
    if not sm2_verify(keys.public_pem(signer), body, signature):
        raise BackupError("备份清单的 SM2 签名无效：备份被改动或不是本平台所做。")
    for row in manifest["files"]:
        path = source / row["path"]
        if not path.is_file() or sm3_hex(path.read_bytes()) != row["sm3"]:
            raise BackupError(f"备份文件 {row['path']} 缺失或与清单的 SM3 摘要不符。")
    return manifest


def _database_is_empty() -> bool:
    return "core_ledgerevent" not in connection.introspection.table_names()


def load_database(source: Path) -> None:
    db = _db_settings()
    if not _database_is_empty():
        raise BackupError("只能恢复到空数据库：目标数据库已有数据表。")
    if connection.vendor == "sqlite":
        dump = sqlite3.connect(source / "database.sqlite3")
        try:
            connection.ensure_connection()
            dump.backup(connection.connection)
        finally:
            dump.close()
        return
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-acl",
            *_pg_args(db),
            "-d",
            db["NAME"],
            str(source / "database.pgdump"),
        ],
        check=True,
        env=_pg_env(db),
        capture_output=True,
    )


def restore(source: Path) -> Restored:
    """Restore a backup into an empty database, then verify the ledger and every file."""
    from django.core.management import call_command

    from .ledger import verify_ledger

    manifest = check_manifest(source)
    if manifest["database"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['database']}，不能恢复到 {connection.vendor}。")
    load_database(source)
    _copy_tree(source / "media", Path(settings.MEDIA_ROOT))
    _copy_tree(source / "anchors", Path(settings.GOVIT_ANCHOR_DIR))
    connection.close()
    result = verify_ledger()
    if not result.ok:
        raise BackupError(f"恢复后审计日志校验失败：{result.problem}")
    call_command("verify_documents", verbosity=0)
    media = [row for row in manifest["files"] if row["path"].startswith("media/")]
    return Restored(files=len(media), events=result.checked, checkpoint_seq=result.checkpoint_seq)
