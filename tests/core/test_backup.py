"""Backup and restore round trip (issue 16 point 9): a backup restores into an empty database,
and the restored ledger and every stored file verify."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.backup import MANIFEST, BackupError, backup, check_manifest
from core.enums import ActionCode
from core.ledger import record_event
from documents import actions as document_actions
from planning import actions as planning_actions

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROOT = Path(settings.BASE_DIR)


def _content(personas, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = personas.jw_officer.primary_organisation
    plan = planning_actions.create_master_plan(
        acting_user=personas.jw_officer, unit=unit, title="方案", start_year=2025, end_year=2029
    )
    document_actions.upload_document(
        plan,
        acting_user=personas.jw_officer,
        doc_type="other",
        file=SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"),
    )
    for i in range(5):
        record_event(ActionCode.ORG_UPDATED, object_repr=f"对象{i}")


def _restore_into_empty(
    backup_dir: Path, tmp_path: Path, database_url: str
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVIT_", "DJANGO_"))}
    env.update(
        DATABASE_URL=database_url,
        GOVIT_DEBUG="1",
        GOVIT_VAR_DIR=str(tmp_path / "restored-var"),
        GOVIT_KEY_DIR=str(settings.GOVIT_KEY_DIR),
        GOVIT_KEYS_AUTOCREATE="0",
        GOVIT_ANCHOR_DIR=str(tmp_path / "restored-anchors"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# transaction=True: a SQLite backup reads committed data (core.backup refuses inside a
# transaction, where SQLite's backup API would wait for ever)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_an_empty_sqlite_database(personas, tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL round trip is the next test")
    _content(personas, tmp_path, settings)
    made = backup(tmp_path / "backups")
    manifest = check_manifest(made)
    paths = {row["path"] for row in manifest["files"]}
    assert "database.sqlite3" in paths and "keys.txt" in paths
    assert any(p.startswith("media/") for p in paths) and any(
        p.startswith("anchors/") for p in paths
    )
    result = _restore_into_empty(made, tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "审计事件校验通过" in result.stdout and "1 个文件与摘要一致" in result.stdout


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_an_empty_postgresql_database(personas, tmp_path, settings):
    _content(personas, tmp_path, settings)
    made = backup(tmp_path / "backups")
    name = f"govit_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
        result = _restore_into_empty(made, tmp_path, url)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "审计事件校验通过" in result.stdout
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_altered_backup_is_refused(personas, tmp_path, settings):
    _content(personas, tmp_path, settings)
    made = backup(tmp_path / "backups")
    manifest = json.loads((made / MANIFEST).read_text())
    media_file = next(
        made / row["path"] for row in manifest["files"] if row["path"].startswith("media/")
    )
    media_file.write_bytes(media_file.read_bytes() + b"x")
    with pytest.raises(BackupError, match="SM3"):
        check_manifest(made)
    (made / MANIFEST).write_text(json.dumps({**manifest, "made_at": "2000-01-01"}))
    with pytest.raises(BackupError, match="签名"):
        check_manifest(made)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_database_that_is_not_empty(personas, tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("shown on SQLite")
    _content(personas, tmp_path, settings)
    made = backup(tmp_path / "backups")
    target = tmp_path / "used.sqlite3"
    first = _restore_into_empty(made, tmp_path, f"sqlite:///{target}")
    assert first.returncode == 0, first.stderr
    again = _restore_into_empty(made, tmp_path, f"sqlite:///{target}")
    assert again.returncode != 0 and "只能恢复到空数据库" in again.stderr


@pytest.mark.django_db
def test_a_sqlite_backup_inside_a_transaction_is_refused_not_hung(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from core.backup import dump_database

    with pytest.raises(BackupError, match="事务"):
        dump_database(tmp_path)
