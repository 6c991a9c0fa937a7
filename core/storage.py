"""Stored files encrypted at rest with SM4-GCM (GB/T 39786-2021 level 3, issue 16 point 2).

``EncryptedFileSystemStorage`` is the default storage (``STORAGES["default"]``). Every file it
saves lies on disk as

    GVSM4\\x01 | key-id length (1 byte) | key id (ASCII) | nonce (12) | ciphertext | tag (16)

under the active ``sm4`` key of the key store outside the database (``core.keys``); the
magic, the key id and the stored name are the GCM associated data, so a file moved to another
name, or given another key id, does not decrypt. Files are created 0600. Opening a file
decrypts it whole (at most ``GOVIT_UPLOAD_MAX_BYTES``) and refuses one whose tag does not
verify with ``TamperedFile``; a file without the magic is a legacy plain file, read as it
is until ``manage.py keys reencrypt`` encrypts it. Callers keep using
``version.file.open("rb")``; the SM3 digest recorded at upload is still checked on the
decrypted bytes (``documents.services.verify_version``, the download view).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from . import keys
from .crypto import GCM_NONCE, GCM_TAG, DecryptionError, sm4_gcm_decrypt, sm4_gcm_encrypt

MAGIC = b"GVSM4\x01"
FILE_MODE = 0o600


class TamperedFile(OSError):
    """A stored file's ciphertext, key id or name was altered: it is refused, not served."""


def _header(key_id: str) -> bytes:
    raw = key_id.encode("ascii")
    return MAGIC + bytes([len(raw)]) + raw


def _aad(header: bytes, name: str) -> bytes:
    return header + name.replace("\\", "/").encode("utf-8")


def seal(name: str, plaintext: bytes) -> bytes:
    """The on-disk form of ``plaintext`` stored as ``name``, under the active sm4 key."""
    key_id = keys.active_id("sm4")
    header = _header(key_id)
    return header + sm4_gcm_encrypt(keys.read("sm4", key_id), plaintext, _aad(header, name))


def key_id_of(raw: bytes) -> str | None:
    """The key id in an encrypted file's header; ``None`` for a legacy plain file."""
    if not raw.startswith(MAGIC) or len(raw) <= len(MAGIC):
        return None
    length = raw[len(MAGIC)]
    return raw[len(MAGIC) + 1 : len(MAGIC) + 1 + length].decode("ascii", "replace")


def unseal(name: str, raw: bytes) -> bytes:
    """The plaintext of a stored file (a legacy plain file as it is)."""
    key_id = key_id_of(raw)
    if key_id is None:
        return raw
    header = _header(key_id)
    try:
        key = keys.read("sm4", key_id)
        return sm4_gcm_decrypt(key, raw[len(header) :], _aad(header, name))
    except (DecryptionError, keys.KeyStoreError) as exc:
        raise TamperedFile(f"文件“{name}”未通过 SM4-GCM 校验，已拒绝读取：{exc}") from exc


def _write_private(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) with mode 0600 and write ``data``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, FILE_MODE)


@deconstructible(path="core.storage.EncryptedFileSystemStorage")
class EncryptedFileSystemStorage(FileSystemStorage):
    """A ``FileSystemStorage`` whose files are SM4-GCM encrypted and 0600 (see the module)."""

    def _save(self, name: str, content: Any) -> str:
        plaintext = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        if isinstance(plaintext, str):
            plaintext = plaintext.encode("utf-8")
        while True:
            full_path = Path(self.path(name))
            directory = full_path.parent
            if self.directory_permissions_mode is not None:
                old_umask = os.umask(0o777 & ~self.directory_permissions_mode)
                try:
                    directory.mkdir(parents=True, exist_ok=True)
                finally:
                    os.umask(old_umask)
            else:
                directory.mkdir(parents=True, exist_ok=True)
            stored = str(name).replace("\\", "/")
            try:
                _write_private(full_path, seal(stored, plaintext))
            except FileExistsError:
                name = self.get_available_name(name)
                continue
            return stored

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if any(flag in mode for flag in "wax+"):
            raise ValueError("加密存储的文件只能整份保存，不能就地写入。")
        with open(self.path(name), "rb") as fh:
            raw = fh.read()
        plaintext = unseal(name, raw)
        if "b" not in mode:
            return ContentFile(plaintext.decode("utf-8"), name=name)
        return ContentFile(plaintext, name=name)

    def size(self, name: str) -> int:
        """The plaintext size, from the on-disk size less the header and the GCM framing."""
        raw_size = os.path.getsize(self.path(name))
        with open(self.path(name), "rb") as fh:
            head = fh.read(len(MAGIC) + 1 + 255)
        key_id = key_id_of(head)
        if key_id is None:
            return raw_size
        return raw_size - len(_header(key_id)) - GCM_NONCE - GCM_TAG

    def stored_key_id(self, name: str) -> str | None:
        """The key id a stored file is encrypted under (``None``: legacy plain file)."""
        with open(self.path(name), "rb") as fh:
            return key_id_of(fh.read(len(MAGIC) + 1 + 255))

    def reencrypt(self, name: str) -> bool:
        """Re-encrypt ``name`` under the active key if it is plain or under another key;
        ``True`` when rewritten. The new file replaces the old one atomically, 0600."""
        path = Path(self.path(name))
        raw = path.read_bytes()
        if key_id_of(raw) == keys.active_id("sm4"):
            return False
        plaintext = unseal(name, raw)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            _write_private(tmp, seal(name, plaintext))
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return True
