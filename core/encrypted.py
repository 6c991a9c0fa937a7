"""Personal fields encrypted at rest with SM4-GCM, and re-encryption after a key rotation
(issue 16 point 2; the files are in ``core.storage``).

``EncryptedCharField`` keeps a short personal value (a telephone number) in the database as
``sm4:<key id>:<base64 of nonce, ciphertext and tag>``; the key id names the ``sm4`` key of
the key store outside the database (``core.keys``) and, with the model and field, is the GCM
associated data, so a value copied to another column or given another key id does not
decrypt. Python code sees the plain value; an empty value stays empty (so "has a number"
still filters). A stored value without the prefix is a legacy plain value and is read as it
is. Equality and ``icontains`` lookups cannot match ciphertext (a fresh nonce per write): a
search decrypts in Python (``accounts.filters.UserFilter``).

``reencrypt_all`` (``manage.py keys reencrypt``) brings every encrypted field and every
stored file under the active key: idempotent, it skips what already is.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models

from . import keys
from .crypto import sm4_gcm_decrypt, sm4_gcm_encrypt

PREFIX = "sm4:"


def _aad(key_id: str, where: str) -> bytes:
    return f"{PREFIX}{key_id}:{where}".encode()


def encrypt_value(plain: str, where: str) -> str:
    key_id = keys.active_id("sm4")
    blob = sm4_gcm_encrypt(keys.read("sm4", key_id), plain.encode("utf-8"), _aad(key_id, where))
    return f"{PREFIX}{key_id}:{base64.b64encode(blob).decode('ascii')}"


def value_key_id(stored: str | None) -> str | None:
    """The key id of a stored value; ``None`` for an empty or legacy plain value."""
    if not stored or not stored.startswith(PREFIX):
        return None
    return stored[len(PREFIX) :].split(":", 1)[0]


def decrypt_value(stored: str, where: str) -> str:
    key_id = value_key_id(stored)
    if key_id is None:
        return stored
    payload = stored[len(PREFIX) + len(key_id) + 1 :]
    blob = base64.b64decode(payload.encode("ascii"))
    return sm4_gcm_decrypt(keys.read("sm4", key_id), blob, _aad(key_id, where)).decode("utf-8")


class EncryptedCharField(models.CharField):  # type: ignore[type-arg]
    """A ``CharField`` (``max_length`` bounds the plain value, in forms and validation)
    stored SM4-GCM encrypted in a text column (see the module)."""

    description = "SM4-GCM 加密存储的字符串"

    def get_internal_type(self) -> str:
        return "TextField"

    @property
    def where(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return decrypt_value(value, self.where)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_value(str(value), self.where)


def masked(value: str) -> str:
    """A telephone number as the ledger records it: ``138****8000`` (the ledger is a hash
    chain and cannot be re-encrypted, so it never holds the whole number)."""
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}****{value[-4:]}"


def encrypted_fields() -> list[tuple[type[models.Model], EncryptedCharField]]:
    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedCharField)
    ]


def encrypted_file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    from .storage import EncryptedFileSystemStorage

    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileSystemStorage)
    ]


def raw_values(model: Any, f: Any, using: Any = None) -> list[tuple[Any, str]]:
    """``(pk, stored value)`` of every non-empty value as it lies in the database."""
    conn = using or connection
    table = conn.ops.quote_name(model._meta.db_table)
    pk = conn.ops.quote_name(model._meta.pk.column)
    column = conn.ops.quote_name(f.column)
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")
        return list(cursor.fetchall())


def encrypt_plain(apps: Any, schema_editor: Any, targets: list[tuple[str, str]]) -> None:
    """Data migration: encrypt the legacy plain values of ``targets`` ("app.Model", field)."""
    for label, name in targets:
        model = apps.get_model(label)
        f = model._meta.get_field(name)
        for pk, stored in raw_values(model, f, schema_editor.connection):
            if value_key_id(stored) is None:
                model._base_manager.filter(pk=pk).update(**{name: stored})


def decrypt_to_plain(apps: Any, schema_editor: Any, targets: list[tuple[str, str]]) -> None:
    """Reverse of ``encrypt_plain``: write the plain values back (raw SQL, no field hooks)."""
    conn = schema_editor.connection
    for label, name in targets:
        model = apps.get_model(label)
        f = model._meta.get_field(name)
        where = f"{model._meta.label_lower}.{name}"
        table, pk, column = (
            conn.ops.quote_name(n) for n in (model._meta.db_table, model._meta.pk.column, f.column)
        )
        for key, stored in raw_values(model, f, conn):
            with conn.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",
                    [decrypt_value(stored, where), key],
                )


@dataclass
class Reencrypted:
    key_id: str
    fields: int = 0
    fields_current: int = 0
    files: int = 0
    files_current: int = 0
    files_missing: list[str] = field(default_factory=list)


def reencrypt_all() -> Reencrypted:
    """Re-encrypt every encrypted field value and every stored file not yet under the active
    sm4 key (legacy plain ones included). Rows are updated one by one with ``update`` (no
    ``save`` hooks, no ``auto_now``); a second run finds everything current."""
    result = Reencrypted(key_id=keys.active_id("sm4"))
    for model, f in encrypted_fields():
        for pk, stored in raw_values(model, f):
            if value_key_id(stored) == result.key_id:
                result.fields_current += 1
                continue
            plain = decrypt_value(stored, f.where)
            model._base_manager.filter(pk=pk).update(**{f.name: plain})
            result.fields += 1
    for model, file_field in encrypted_file_fields():
        storage: Any = file_field.storage
        for pk, name in raw_values(model, file_field):
            try:
                rewritten = storage.reencrypt(name)
            except FileNotFoundError:
                result.files_missing.append(f"{model._meta.label}#{pk} {name}")
                continue
            if rewritten:
                result.files += 1
            else:
                result.files_current += 1
    return result
