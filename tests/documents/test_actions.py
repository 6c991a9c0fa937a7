"""Upload, new version and withdraw actions: rights through the subject, immutable numbered
versions, one ledger event each with the digests; the read services used by gates."""

import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.scoping import for_user
from core.crypto import sm3_hex
from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent
from documents import actions
from documents.models import Chapter, DocType, Document, DocumentVersion, VersionImmutable
from documents.services import (
    chapters_present,
    document_types_present,
    documents_of,
    has_document,
    verify_version,
    visible_documents,
)
from planning.models import MasterPlan

from .conftest import PDF

V2 = PDF.replace(b"1.7", b"2.0") + "第二版：补充密码应用方案".encode()


def upload(plan, user, pdf_file, **kwargs):
    fields = dict(doc_type=DocType.FSR, title="可行性研究报告", file=pdf_file())
    fields.update(kwargs)
    return actions.upload_document(plan, acting_user=user, **fields)


def test_upload_stores_version_1_with_digests_and_records_the_event(
    personas, plan, pdf_file, media_root
):
    doc = upload(plan, personas.jw_officer, pdf_file, note="初稿")
    assert doc.subject == plan and doc.organisation == plan.unit
    assert doc.created_by == personas.jw_officer and not doc.is_withdrawn
    v1 = doc.current_version()
    assert v1.number == 1 and v1.original_name == "可行性研究报告.pdf"
    assert v1.size == len(PDF) and v1.content_type == "application/pdf" and v1.note == "初稿"
    assert v1.sha256 == hashlib.sha256(PDF).hexdigest()
    assert v1.sm3 == sm3_hex(PDF)
    # stored under a random name in documents/YYYY/MM/, not under the user's name
    assert v1.file.name.startswith("documents/") and v1.file.name.endswith(".pdf")
    assert "可行性" not in v1.file.name
    # encrypted at rest (core/storage.py): the disk holds SM4-GCM ciphertext, opening decrypts
    assert (media_root / v1.file.name).read_bytes().startswith(b"GVSM4")
    with v1.file.open("rb") as fh:
        assert fh.read() == PDF
    assert verify_version(v1)

    event = LedgerEvent.objects.get(action=ActionCode.DOCUMENT_UPLOADED)
    assert event.actor_id == personas.jw_officer.pk
    assert event.object_type == "documents.document" and event.object_id == str(doc.pk)
    assert event.organisation_id == plan.unit_id
    assert event.data["sha256"] == v1.sha256 and event.data["sm3"] == v1.sm3
    assert event.data["size"] == len(PDF) and event.data["version"] == 1
    assert event.data["subject_id"] == plan.pk and event.data["doc_type"] == "fsr"


def test_blank_title_defaults_to_the_file_name(personas, plan, pdf_file):
    doc = upload(plan, personas.jw_officer, pdf_file, title="  ")
    assert doc.title == "可行性研究报告"


def test_refused_file_stores_nothing_and_records_nothing(personas, plan, media_root):
    bad = SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00")
    with pytest.raises(ActionInvalid) as exc:
        actions.upload_document(
            plan, acting_user=personas.jw_officer, doc_type="fsr", title="x", file=bad
        )
    assert exc.value.message == "文件“伪装.pdf”的内容不是 PDF 格式，与扩展名 .pdf 不符。"
    assert not Document.objects.exists()
    assert not LedgerEvent.objects.filter(action=ActionCode.DOCUMENT_UPLOADED).exists()
    assert not (media_root / "documents").exists()


def test_invalid_fields_are_reported_by_field(personas, plan, pdf_file):
    with pytest.raises(ActionInvalid) as exc:
        upload(plan, personas.jw_officer, pdf_file, doc_type="nonsense", chapter="nope")
    errors = exc.value.errors
    assert set(errors) == {"doc_type", "chapter"}
    # each names the value refused and what may be chosen
    assert errors["doc_type"].startswith("材料类型“nonsense”无效，可选：可行性研究报告、")
    assert errors["chapter"].startswith("章节“nope”无效，可选：数据资源收集治理及业务应用梳理、")
    assert exc.value.message == "；".join(errors.values())
    with pytest.raises(ActionInvalid) as exc:
        upload(plan, personas.jw_officer, pdf_file, doc_type=DocType.CHAPTER)
    assert exc.value.errors == {"chapter": "报告章节附件须选择所属章节。"}


def test_other_unit_cannot_upload_to_a_subject_it_cannot_see(personas, plan, pdf_file):
    with pytest.raises(ActionForbidden):
        upload(plan, personas.wj_officer, pdf_file)
    assert not Document.objects.exists()


def test_subject_can_attach_decides_who_may_upload(personas, plan, pdf_file, monkeypatch):
    # BDB sees every plan; the subject says only its unit may attach a feasibility study.
    def can_attach(self, user, doc_type):
        return user.primary_organisation == self.unit or doc_type == DocType.OPINION_ATTACHMENT

    monkeypatch.setattr(MasterPlan, "can_attach", can_attach, raising=False)
    with pytest.raises(ActionForbidden) as exc:
        upload(plan, personas.bdb, pdf_file)
    assert exc.value.message == actions.NOT_ATTACHABLE
    opinion = upload(plan, personas.bdb, pdf_file, doc_type=DocType.OPINION_ATTACHMENT)
    assert opinion.doc_type == "opinion_attachment"


def test_new_version_is_numbered_and_old_version_is_kept(personas, plan, pdf_file):
    doc = upload(plan, personas.jw_officer, pdf_file)
    v2 = actions.add_document_version(
        doc.pk,
        acting_user=personas.jw_head,
        file=SimpleUploadedFile("可研报告-修改稿.pdf", V2),
        note="按评估意见修改",
    )
    assert v2.number == 2 and v2.note == "按评估意见修改"
    assert [v.number for v in doc.versions.order_by("number")] == [1, 2]
    assert doc.current_version() == v2
    v1 = doc.versions.get(number=1)
    assert v1.file.name != v2.file.name
    with v1.file.open("rb") as fh:
        assert fh.read() == PDF
    assert v2.sha256 == hashlib.sha256(V2).hexdigest() and v2.sm3 == sm3_hex(V2)
    event = LedgerEvent.objects.get(action=ActionCode.DOCUMENT_VERSION_ADDED)
    assert event.data["version"] == 2 and event.data["sm3"] == v2.sm3
    assert "按评估意见修改" in event.reason


def test_versions_cannot_be_overwritten_or_deleted(personas, plan, pdf_file):
    v1 = upload(plan, personas.jw_officer, pdf_file).current_version()
    v1.note = "改"
    with pytest.raises(VersionImmutable):
        v1.save()
    with pytest.raises(VersionImmutable):
        v1.delete()


def test_new_version_refused_for_other_unit_and_bad_file(personas, plan, pdf_file):
    doc = upload(plan, personas.jw_officer, pdf_file)
    with pytest.raises(ActionForbidden):
        actions.add_document_version(doc, acting_user=personas.wj_officer, file=pdf_file())
    with pytest.raises(ActionInvalid) as exc:
        actions.add_document_version(
            doc, acting_user=personas.jw_officer, file=SimpleUploadedFile("空.pdf", b"")
        )
    assert "0 字节" in exc.value.message
    assert doc.versions.count() == 1


def test_withdraw_needs_a_reason_and_stops_new_versions(personas, plan, pdf_file):
    doc = upload(plan, personas.jw_officer, pdf_file)
    with pytest.raises(ActionInvalid) as exc:
        actions.withdraw_document(doc, acting_user=personas.jw_officer, reason=" ")
    assert exc.value.errors == {"reason": "请填写作废原因。"}
    with pytest.raises(ActionForbidden):
        actions.withdraw_document(doc, acting_user=personas.wj_officer, reason="误传")
    actions.withdraw_document(doc, acting_user=personas.jw_officer, reason="上传错了文件")
    doc.refresh_from_db()
    assert doc.is_withdrawn and doc.withdraw_reason == "上传错了文件"
    assert doc.withdrawn_by == personas.jw_officer
    event = LedgerEvent.objects.get(action=ActionCode.DOCUMENT_WITHDRAWN)
    assert event.reason == "上传错了文件" and event.to_state == "withdrawn"
    # a withdrawn document is closed: cited refusals (R29.1, 第二十九条), not a conflict
    with pytest.raises(ActionBlocked) as blocked:
        actions.add_document_version(doc, acting_user=personas.jw_officer, file=pdf_file())
    [finding] = blocked.value.findings
    assert finding.rule_id == "R29.1.withdrawn-final" and finding.article == "第二十九条"
    assert "不能再上传新版本" in finding.message and finding.remedy
    with pytest.raises(ActionBlocked) as blocked:
        actions.withdraw_document(doc, acting_user=personas.jw_officer, reason="再次")
    assert [f.rule_id for f in blocked.value.findings] == ["R29.1.withdrawn-once"]
    assert doc.versions.count() == 1
    assert not has_document(plan, DocType.FSR)
    assert list(documents_of(plan)) == []
    # still kept and visible in history
    assert list(visible_documents(plan, personas.jw_officer, include_withdrawn=True)) == [doc]


def test_document_visible_iff_subject_visible(personas, plan, pdf_file, jw_unit):
    doc = upload(plan, personas.jw_officer, pdf_file)
    for user in (personas.jw_officer, personas.jw_head, personas.bdb, personas.auditor):
        assert list(for_user(Document, user)) == [doc], user
        assert for_user(DocumentVersion, user).count() == 1
    for user in (personas.wj_officer, personas.finance, personas.consultant):
        assert not for_user(Document, user).exists(), user
        assert not for_user(DocumentVersion, user).exists()
        assert not visible_documents(plan, user).exists()


def test_read_services(personas, plan, pdf_file, jw_unit, django_assert_num_queries):
    other = MasterPlan.objects.create(unit=jw_unit, title="第二个方案", created_by=plan.created_by)
    empty = MasterPlan.objects.create(unit=jw_unit, title="空方案", created_by=plan.created_by)
    upload(plan, personas.jw_officer, pdf_file)
    upload(
        plan,
        personas.jw_officer,
        pdf_file,
        doc_type=DocType.CHAPTER,
        chapter=Chapter.CRYPTO,
        title="密码应用章节",
    )
    upload(other, personas.jw_officer, pdf_file, doc_type=DocType.REQUIREMENT)
    assert has_document(plan, DocType.FSR) and not has_document(other, DocType.FSR)
    assert has_document(plan, DocType.CHAPTER, Chapter.CRYPTO)
    assert not has_document(plan, DocType.CHAPTER, Chapter.SECURITY)
    assert [d.title for d in documents_of(plan, chapter=Chapter.CRYPTO)] == ["密码应用章节"]

    ContentType.objects.get_for_model(MasterPlan)  # warm the content-type cache
    subjects = [plan, other, empty]
    with django_assert_num_queries(1):
        present = document_types_present(subjects)
    assert present == {plan.pk: {"fsr", "chapter"}, other.pk: {"requirement"}, empty.pk: set()}
    with django_assert_num_queries(1):
        assert chapters_present(subjects) == {plan.pk: {"crypto"}, other.pk: set(), empty.pk: set()}
    assert document_types_present([]) == {}

    docs = list(documents_of(plan))
    with django_assert_num_queries(0):
        assert [d.current_version().number for d in docs] == [1, 1]
