"""The electronic archive (R29.1): one zip with every document version, decision and ledger
event of the project and a manifest of SM3 digests; ``verify_archive`` finds any altered,
missing or extra file."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.crypto import sm3_hex
from core.enums import ActionCode
from core.models import LedgerEvent
from delivery.archive import export_archive
from documents.actions import add_document_version
from documents.models import Document, DocumentVersion
from projects.models import Review


@pytest.fixture
def archived(built, personas, tmp_path):
    """A completed project with its materials (one in two versions), exported to a file."""
    project = built(target="documents")
    document = Document.objects.of(project).filter(doc_type="audit_report").get()
    add_document_version(
        document,
        acting_user=personas.jw_officer,
        file=ContentFile(b"%PDF-1.4\n% v2\n%%EOF\n", name="审计报告（修订）.pdf"),
        note="修订",
    )
    path = tmp_path / "archive.zip"
    path.write_bytes(export_archive(project))
    return project, path


def verify(path):
    out = io.StringIO()
    try:
        call_command("verify_archive", str(path), stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def rewrite(path, *, change=None, drop=None, add=None):
    """Copy the zip with one file changed, dropped or added."""
    with zipfile.ZipFile(path) as zf:
        items = {name: zf.read(name) for name in zf.namelist()}
    if change:
        content = bytearray(items[change])
        content[len(content) // 2] ^= 0x01
        items[change] = bytes(content)
    if drop:
        del items[drop]
    if add:
        items[add] = b"extra"
    out = path.with_name("tampered.zip")
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in items.items():
            zf.writestr(name, content)
    return out


def test_export_holds_documents_decisions_ledger_and_manifest(archived):
    project, path = archived
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        manifest_bytes = zf.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        decisions = json.loads(zf.read("decisions.json"))
        ledger = json.loads(zf.read("ledger.json"))
        record = json.loads(zf.read("project.json"))
        assert zf.read("manifest.sm3").decode().split()[0] == sm3_hex(manifest_bytes)
    documents = [n for n in names if n.startswith("documents/")]
    # every version of every document of the project and of its reviews
    expected = DocumentVersion.objects.filter(
        document__in=Document.objects.of(project)
    ).count() + sum(
        DocumentVersion.objects.filter(document__in=Document.objects.of(review)).count()
        for review in Review.objects.filter(project=project)
    )
    assert len(documents) == expected >= 8
    audit = Document.objects.of(project).get(doc_type="audit_report")
    assert any(n.startswith(f"documents/{audit.pk}-v2-") for n in documents)
    assert {"project.json", "decisions.json", "ledger.json"} <= names
    listed = {row["path"] for row in manifest["files"]}
    assert listed == names - {"manifest.json", "manifest.sm3"}
    assert all(len(row["sm3"]) == 64 and len(row["sha256"]) == 64 for row in manifest["files"])
    assert manifest["project"]["code"] == project.code
    # the gates of the delivery chapter and of the approval are in the decisions
    gates = {d["gate"] for d in decisions}
    assert {"delivery.start", "delivery.advance"} <= gates
    # the ledger has the project's own events, its delivery's, its documents' and its reviews'
    actions = {e["action"] for e in ledger}
    assert {ActionCode.CONSTRUCTION_STARTED, ActionCode.DOCUMENT_VERSION_ADDED} <= actions
    types = {e["object_type"] for e in ledger}
    assert {"projects.project", "delivery.delivery", "documents.document"} <= types
    reviews = {
        str(pk) for pk in Review.objects.filter(project=project).values_list("pk", flat=True)
    }
    assert reviews & {e["object_id"] for e in ledger if e["object_type"] == "projects.review"}
    assert record["project"]["fields"]["code"] == project.code
    assert "delivery.delivery" in record["records"]
    # no event of another project slipped in
    others = LedgerEvent.objects.filter(object_type="projects.project").exclude(
        object_id=str(project.pk)
    )
    assert not {str(pk) for pk in others.values_list("object_id", flat=True)} & {
        e["object_id"] for e in ledger if e["object_type"] == "projects.project"
    }


def test_intact_archive_verifies(archived):
    _project, path = archived
    code, output = verify(path)
    assert code == 0
    assert "档案完好" in output


def test_an_altered_byte_is_reported(archived):
    _project, path = archived
    with zipfile.ZipFile(path) as zf:
        target = sorted(n for n in zf.namelist() if n.startswith("documents/"))[0]
    code, output = verify(rewrite(path, change=target))
    assert code == 1
    assert f"被改动：{target}" in output


def test_a_missing_and_an_extra_file_are_reported(archived):
    _project, path = archived
    code, output = verify(rewrite(path, drop="ledger.json", add="documents/99-v1-x.pdf"))
    assert code == 1
    assert "缺失：ledger.json" in output
    assert "多出：documents/99-v1-x.pdf" in output


def test_an_edited_manifest_is_reported(archived):
    _project, path = archived
    code, output = verify(rewrite(path, change="manifest.json"))
    assert code == 1
    assert "manifest.json" in output


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    code, output = verify(path)
    assert code == 1 and "zip" in output


def test_archive_download_only_for_those_who_see_the_project(built, personas, login):
    project = built(target="construction")
    url = reverse("delivery:archive", args=[project.pk])
    response = login(personas.jw_officer).get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert project.code in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
    assert login(personas.wj_officer).get(url).status_code == 404


def test_each_archive_download_is_a_ledger_event_with_the_manifest_sm3(built, personas, client):
    import io
    import zipfile

    from core.enums import ActionCode
    from core.models import LedgerEvent

    project = built(target="documents")
    client.force_login(personas.jw_officer)
    response = client.get(f"/delivery/projects/{project.pk}/archive/")
    content = b"".join(response.streaming_content)
    manifest_sm3 = zipfile.ZipFile(io.BytesIO(content)).read("manifest.sm3").decode().strip()
    event = LedgerEvent.objects.get(action=ActionCode.ARCHIVE_EXPORTED, object_id=str(project.pk))
    assert event.data["manifest_sm3"] == manifest_sm3
