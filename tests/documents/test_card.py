"""A document's page offers a new version and withdrawal on its "您现在可以办理" card to those
its subject lets attach files; a withdrawn document is closed, and forcing it anyway is a
refusal citing R29.1 (第二十九条). The panel's upload form is the upload action's contract."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.offers import next_steps
from documents import actions
from documents.models import DocType, Document
from planning.models import MasterPlan

from .conftest import PDF


def _upload(plan, user):
    return actions.upload_document(
        plan,
        acting_user=user,
        doc_type=DocType.FSR,
        title="可研报告",
        file=SimpleUploadedFile("a.pdf", PDF),
    )


def _names(document, user) -> set[str]:
    return next_steps(document, user).names()


def test_card_offers_version_and_withdrawal_to_those_who_may_attach(personas, plan, monkeypatch):
    doc = _upload(plan, personas.jw_officer)
    assert _names(doc, personas.jw_head) == {
        "documents.add_document_version",
        "documents.withdraw_document",
    }
    # the subject decides who may attach: BDB reads the plan but may not change its study
    monkeypatch.setattr(
        MasterPlan,
        "can_attach",
        lambda self, user, doc_type: user.primary_organisation == self.unit,
        raising=False,
    )
    assert next_steps(doc, personas.bdb).offers == []
    assert next_steps(doc, personas.auditor).offers == []


def test_R29_1_withdrawn_document_is_closed(personas, plan):
    doc = _upload(plan, personas.jw_officer)
    actions.withdraw_document(doc, acting_user=personas.jw_officer, reason="误传")
    doc.refresh_from_db()
    assert next_steps(doc, personas.jw_officer).offers == []
    [finding] = actions.add_document_version.check(doc, personas.jw_officer)
    assert finding.rule_id == "R29.1.withdrawn-final" and finding.article == "第二十九条"
    assert finding.blocks and "电子档案" in finding.remedy
    [finding] = actions.withdraw_document.check(doc, personas.jw_officer)
    assert finding.rule_id == "R29.1.withdrawn-once"


def test_new_version_through_the_card_form(personas, login, plan):
    doc = _upload(plan, personas.jw_officer)
    client = login(personas.jw_officer)
    html = client.get(f"/documents/{doc.pk}/").content.decode()
    assert 'data-testid="act-add-document-version"' in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    prefix = f"add_document_version-{doc.pk}"
    resp = client.post(
        f"/act/documents.add_document_version/{doc.pk}/",
        {
            f"{prefix}-upload": SimpleUploadedFile("第二稿.pdf", PDF + b"% v2\n"),
            f"{prefix}-note": "按意见修改",
            "next": f"/documents/{doc.pk}/",
        },
    )
    assert resp.status_code == 302 and resp.url == f"/documents/{doc.pk}/"
    assert doc.versions.get(number=2).note == "按意见修改"
    # a file refused by the checks goes back onto the form, in Chinese
    bad = client.post(
        f"/act/documents.add_document_version/{doc.pk}/",
        {f"{prefix}-upload": SimpleUploadedFile("伪装.pdf", b"MZ\x90\x00")},
    )
    assert bad.status_code == 422
    assert "文件“伪装.pdf”的内容不是 PDF 格式" in bad.content.decode()
    assert doc.versions.count() == 2


def test_panel_form_posts_the_contract_with_its_prefix(personas, login, plan):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(MasterPlan)
    prefix = f"documents-{ct.pk}-{plan.pk}"
    resp = login(personas.jw_officer).post(
        f"/documents/upload/{ct.pk}/{plan.pk}/",
        {
            f"{prefix}-doc_type": "chapter",
            f"{prefix}-chapter": "crypto",
            f"{prefix}-title": "",
            f"{prefix}-upload": SimpleUploadedFile("密码应用方案.pdf", PDF),
        },
    )
    doc = Document.objects.get()
    assert resp.status_code == 302 and resp.url == f"/documents/{doc.pk}/"
    assert (doc.doc_type, doc.chapter, doc.title) == ("chapter", "crypto", "密码应用方案")


def test_the_json_api_cannot_carry_a_file(personas, login):
    from ..api.helpers import assert_error, post_json

    client = login(personas.jw_officer)
    response = post_json(
        client, "/api/actions/documents.upload_document", {"doc_type": "fsr", "upload": "x"}
    )
    body = assert_error(response, 422, "invalid")
    assert body["errors"]["upload"] == "文件须作为上传文件提交。"
    assert not Document.objects.exists()


def test_nothing_is_offered_on_a_document_whose_subject_is_hidden(personas, plan, monkeypatch):
    """Seeing the subject comes first, whatever the subject's ``can_attach`` says."""
    from core.errors import ActionForbidden

    doc = _upload(plan, personas.jw_officer)
    monkeypatch.setattr(MasterPlan, "can_attach", lambda *args: True, raising=False)
    assert next_steps(doc, personas.wj_officer).offers == []
    with pytest.raises(ActionForbidden):
        actions.withdraw_document(doc, acting_user=personas.wj_officer, reason="越权")
    doc.refresh_from_db()
    assert not doc.is_withdrawn
