"""Encryption at rest (issue 16 point 2): stored files and telephone numbers are SM4-GCM
encrypted under a key outside the database whose id each item carries; files are 0600;
downloads decrypt and still check the SM3 digest; a rotation re-encrypts everything."""

import os
import stat
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from accounts.filters import UserFilter
from accounts.models import Organisation, User
from core import keys
from core.encrypted import (
    PREFIX,
    decrypt_to_plain,
    encrypt_plain,
    encrypted_fields,
    raw_values,
    value_key_id,
)
from core.storage import MAGIC, key_id_of, seal
from delivery.models import Delivery
from documents import actions as document_actions
from documents.services import verify_version
from planning import actions as planning_actions

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + "密码应用方案".encode()
PHONE = "13800138000"


@pytest.fixture
def own_keys(settings, tmp_path):
    """A key store of this test's own (a rotation must not change the session's keys)."""
    settings.GOVIT_KEY_DIR = tmp_path / "keys"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.GOVIT_KEY_DIR


@pytest.fixture
def version(own_keys, personas):
    plan = planning_actions.create_master_plan(
        acting_user=personas.jw_officer,
        unit=personas.jw_officer.primary_organisation,
        title="方案",
        start_year=2025,
        end_year=2029,
    )
    document = document_actions.upload_document(
        plan,
        acting_user=personas.jw_officer,
        doc_type="other",
        file=SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf"),
    )
    return document.current_version()


def _url(version):
    return f"/documents/{version.document_id}/versions/{version.number}/download/"


def _raw(model, pk, column):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_stored_file_is_ciphertext_mode_0600_with_its_key_id(version):
    path = version.file.path
    raw = open(path, "rb").read()
    assert raw.startswith(MAGIC) and PDF not in raw and b"%PDF" not in raw
    assert key_id_of(raw) == keys.active_id("sm4")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with version.file.open("rb") as fh:
        assert fh.read() == PDF
    assert version.file.size == len(PDF) and verify_version(version)


def test_download_decrypts_and_serves_the_original_bytes(version, login, personas):
    response = login(personas.jw_officer).get(_url(version))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_tampered_ciphertext_is_refused(version, login, personas):
    raw = bytearray(open(version.file.path, "rb").read())
    raw[-20] ^= 0x01  # one bit of the ciphertext
    open(version.file.path, "wb").write(bytes(raw))
    response = login(personas.jw_officer).get(_url(version))
    assert response.status_code == 409 and "未通过完整性校验" in response.content.decode()
    assert b"%PDF" not in response.content
    assert not verify_version(version)


def test_a_file_moved_to_another_name_does_not_decrypt(version, login, personas):
    """The stored name is GCM associated data: a ciphertext swapped in from another file fails."""
    open(version.file.path, "wb").write(seal("documents/other.pdf", PDF))
    assert login(personas.jw_officer).get(_url(version)).status_code == 409


def test_a_re_encrypted_altered_file_is_refused_by_its_sm3(version, login, personas):
    """Someone holding the key re-encrypts an edited file: the tag holds, the SM3 does not."""
    open(version.file.path, "wb").write(seal(version.file.name, PDF + b"% edited"))
    response = login(personas.jw_officer).get(_url(version))
    assert response.status_code == 409 and "SM3" in response.content.decode()
    assert not verify_version(version)


def test_a_legacy_plain_file_is_read_then_encrypted_by_reencrypt(version, login, personas):
    open(version.file.path, "wb").write(PDF)
    assert b"".join(login(personas.jw_officer).get(_url(version)).streaming_content) == PDF
    out = StringIO()
    call_command("keys", "reencrypt", stdout=out)
    assert "文件 1 个" in out.getvalue()
    raw = open(version.file.path, "rb").read()
    assert raw.startswith(MAGIC) and PDF not in raw
    assert verify_version(version)


def test_phone_numbers_are_ciphertext_in_the_database(own_keys, personas):
    user = personas.jw_officer
    user.phone = PHONE
    user.save(update_fields=["phone"])
    stored = _raw(User, user.pk, "phone")
    assert stored.startswith(f"{PREFIX}{keys.active_id('sm4')}:") and PHONE not in stored
    assert User.objects.get(pk=user.pk).phone == PHONE
    assert list(User.objects.filter(pk=user.pk).values_list("phone", flat=True)) == [PHONE]
    org = user.primary_organisation
    Organisation.objects.filter(pk=org.pk).update(contact_phone="023-63800000")
    assert "63800000" not in _raw(Organisation, org.pk, "contact_phone")
    assert Organisation.objects.get(pk=org.pk).contact_phone == "023-63800000"
    # an empty number stays empty, so "has a number" still filters
    User.objects.exclude(pk=user.pk).update(phone="")
    assert _raw(User, personas.jw_head.pk, "phone") == ""
    assert list(User.objects.exclude(phone="")) == [user]


def test_every_telephone_field_is_encrypted():
    assert {(m._meta.label, f.name) for m, f in encrypted_fields()} >= {
        ("accounts.User", "phone"),
        ("accounts.Organisation", "contact_phone"),
        ("delivery.Delivery", "responsible_phone"),
    }
    assert Delivery._meta.get_field("responsible_phone").max_length == 30


def test_a_value_copied_to_another_column_does_not_decrypt(own_keys, personas):
    user = personas.jw_officer
    User.objects.filter(pk=user.pk).update(phone=PHONE)
    org = user.primary_organisation
    table = connection.ops.quote_name(Organisation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET contact_phone = %s WHERE id = %s",
            [_raw(User, user.pk, "phone"), org.pk],
        )
    with pytest.raises(ValueError, match="SM4-GCM"):
        Organisation.objects.get(pk=org.pk)


def test_legacy_plain_values_read_as_plain_and_the_data_migration_encrypts_them(own_keys, personas):
    user = personas.jw_officer
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET phone = %s WHERE id = %s", [PHONE, user.pk])
    assert User.objects.get(pk=user.pk).phone == PHONE

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    encrypt_plain(django_apps, editor, [("accounts.User", "phone")])
    assert value_key_id(_raw(User, user.pk, "phone")) == keys.active_id("sm4")
    assert User.objects.get(pk=user.pk).phone == PHONE
    decrypt_to_plain(django_apps, editor, [("accounts.User", "phone")])
    assert _raw(User, user.pk, "phone") == PHONE


def test_the_user_list_still_finds_a_person_by_telephone_number(own_keys, personas):
    User.objects.filter(pk=personas.jw_officer.pk).update(phone=PHONE)
    found = UserFilter({"q": "0013800"}, queryset=User.objects.all()).qs
    assert list(found) == [User.objects.get(pk=personas.jw_officer.pk)]
    by_name = UserFilter({"q": personas.jw_officer.username}, queryset=User.objects.all()).qs
    assert personas.jw_officer in by_name


def test_rotation_reencrypts_every_file_and_field_and_is_idempotent(version, personas):
    User.objects.filter(pk=personas.jw_officer.pk).update(phone=PHONE)
    old = keys.active_id("sm4")
    out = StringIO()
    call_command("keys", "rotate", "sm4", "--reencrypt", stdout=out)
    new = keys.active_id("sm4")
    assert new != old and f"已用 sm4 密钥 {new} 重新加密" in out.getvalue()
    assert "文件 1 个" in out.getvalue()
    assert old in {row["id"] for row in keys.inventory()}  # the old key stays
    assert key_id_of(open(version.file.path, "rb").read()) == new
    assert verify_version(version)
    for model, f in encrypted_fields():
        for _pk, stored in raw_values(model, f):
            assert value_key_id(stored) == new, (model, f.name, stored)
    assert User.objects.get(pk=personas.jw_officer.pk).phone == PHONE

    again = StringIO()
    call_command("keys", "reencrypt", stdout=again)
    assert "字段 0 个" in again.getvalue() and "文件 0 个（已是该密钥 1 个）" in again.getvalue()


def test_reencrypt_only_follows_an_sm4_rotation(own_keys):
    from django.core.management.base import CommandError

    before = keys.active_ids().get("token_hmac")
    with pytest.raises(CommandError, match="sm4"):
        call_command("keys", "rotate", "token_hmac", "--reencrypt", stdout=StringIO())
    assert keys.active_ids().get("token_hmac") == before


def test_the_ledger_keeps_a_changed_number_masked(own_keys, personas):
    from accounts import actions
    from core.enums import ActionCode
    from core.models import LedgerEvent

    actions.update_user(personas.jw_officer, acting_user=personas.admin, phone=PHONE)
    event = LedgerEvent.objects.filter(action=ActionCode.USER_UPDATED).latest("pk")
    assert event.data["changed"]["phone"][1] == "138****8000"
    assert PHONE not in str(event.data)
