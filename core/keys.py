"""Keys kept outside the database (GB/T 39786 level 3: key management apart from the data).

The key store is a directory (``GOVIT_KEY_DIR``; in production a separate, access-controlled
mount, never the database host's data directory or a backup of the database). Each key is one
file, written mode 0600, named by its purpose and id:

    ledger_hmac-<id>.key   32 bytes   HMAC-SM3 of the audit ledger
    token_hmac-<id>.key    32 bytes   HMAC-SM3 digests of API tokens
    sm4-<id>.key           16 bytes   SM4-GCM of files and personal fields at rest
    sm2-<id>.pem                      SM2 private key (signatures of checkpoints, documents)
    sm2-<id>.pub.pem                  its public key (published on the verification page)
    active.json                       {purpose: id} — the key in use for new items

Items encrypted or signed with a key store its id, so a rotation (``manage.py keys rotate``)
adds a key, makes it active and re-encrypts at the caller's pace; old ids stay readable.
In development and tests the store creates missing keys itself; in production
(``GOVIT_KEYS_AUTOCREATE=0``) it refuses, so that keys are made once, on purpose
(``manage.py keys init``), and escrowed.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from pathlib import Path

from django.conf import settings

PURPOSES = {"ledger_hmac": 32, "token_hmac": 32, "sm4": 16, "sm2": 0}
_lock = threading.Lock()


class KeyStoreError(RuntimeError):
    """A key is missing or the store may not create it."""


def key_dir() -> Path:
    path = Path(settings.GOVIT_KEY_DIR)
    return path


def _autocreate() -> bool:
    return bool(getattr(settings, "GOVIT_KEYS_AUTOCREATE", False))


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 (never readable by others, even for an instant)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _ensure_dir() -> Path:
    path = key_dir()
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _active_file() -> Path:
    return key_dir() / "active.json"


def active_ids() -> dict[str, str]:
    try:
        return dict(json.loads(_active_file().read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def _set_active(purpose: str, key_id: str) -> None:
    ids = active_ids()
    ids[purpose] = key_id
    tmp = key_dir() / f".active-{secrets.token_hex(4)}.json"
    _write_private(tmp, json.dumps(ids, sort_keys=True).encode())
    os.replace(tmp, _active_file())


def _path(purpose: str, key_id: str) -> Path:
    suffix = ".pem" if purpose == "sm2" else ".key"
    return key_dir() / f"{purpose}-{key_id}{suffix}"


def create(purpose: str) -> str:
    """Make a new key for ``purpose``, make it active and return its id."""
    if purpose not in PURPOSES:
        raise KeyStoreError(f"unknown key purpose {purpose!r}")
    with _lock:
        _ensure_dir()
        key_id = f"{purpose[:2]}{secrets.token_hex(4)}"
        if purpose == "sm2":
            from .crypto import sm2_generate

            private_pem, public_pem = sm2_generate()
            _write_private(_path(purpose, key_id), private_pem)
            (key_dir() / f"sm2-{key_id}.pub.pem").write_bytes(public_pem)
        else:
            _write_private(_path(purpose, key_id), secrets.token_bytes(PURPOSES[purpose]))
        _set_active(purpose, key_id)
        return key_id


def active_id(purpose: str) -> str:
    """The id of the key in use for ``purpose`` (created in development when missing)."""
    key_id = active_ids().get(purpose)
    if key_id is None:
        if not _autocreate():
            raise KeyStoreError(
                f"密钥库 {key_dir()} 中没有“{purpose}”密钥：请运行 manage.py keys init 生成并托管密钥。"
            )
        with _lock:
            key_id = active_ids().get(purpose)
        if key_id is None:
            key_id = create(purpose)
    return key_id


def read(purpose: str, key_id: str | None = None) -> bytes:
    """The key bytes (for SM2: the private key PEM) of ``key_id`` or of the active key."""
    key_id = key_id or active_id(purpose)
    try:
        return _path(purpose, key_id).read_bytes()
    except FileNotFoundError as exc:
        raise KeyStoreError(f"密钥 {purpose}-{key_id} 不在密钥库 {key_dir()} 中。") from exc


def public_pem(key_id: str | None = None) -> bytes:
    """The SM2 public key, for anyone to verify signatures."""
    key_id = key_id or active_id("sm2")
    return (key_dir() / f"sm2-{key_id}.pub.pem").read_bytes()


def ids_of(purpose: str) -> list[str]:
    """Every key id the store holds for ``purpose``, the active one first (a digest made
    under a rotated key still verifies)."""
    active = active_id(purpose)
    others = [r["id"] for r in inventory() if r["purpose"] == purpose and r["id"] != active]
    return [active, *others]


def inventory() -> list[dict[str, str]]:
    """Every key file of the store (purpose, id, active), for the escrow note and backups."""
    active = active_ids()
    rows = []
    for path in sorted(key_dir().glob("*-*.key")) + sorted(key_dir().glob("sm2-*[!b].pem")):
        purpose, key_id = path.stem.split("-", 1)
        if key_id.endswith(".pub"):
            continue
        rows.append(
            {
                "purpose": purpose,
                "id": key_id,
                "active": "yes" if active.get(purpose) == key_id else "",
            }
        )
    return rows
