"""Document pages: upload from a subject's panel with Chinese messages, detail with digests,
download as attachment with the original name, 404 for users who cannot see the subject."""

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory

from documents import actions
from documents.models import DocType, Document
from documents.panel import documents_panel_context
from planning.models import MasterPlan

from .conftest import PDF

NEXT = "/planning/master-plans/"


def upload_url(plan):
    ct = ContentType.objects.get_for_model(MasterPlan)
    return f"/documents/upload/{ct.pk}/{plan.pk}/"


def post_upload(client, plan, file, **extra):
    data = {"doc_type": "fsr", "title": "可研报告", "chapter": "", "next": NEXT, "upload": file}
    data.update(extra)
    return client.post(upload_url(plan), data)


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


def test_upload_through_the_page_redirects_back_with_a_message(personas, login, plan):
    client = login(personas.jw_officer)
    resp = post_upload(client, plan, SimpleUploadedFile("可行性研究报告.pdf", PDF))
    assert resp.status_code == 302 and resp.url == NEXT
    assert messages_of(resp) == ["已上传《可研报告》（第1版）。"]
    doc = Document.objects.get()
    assert doc.current_version().original_name == "可行性研究报告.pdf"


def test_refused_upload_shows_the_reason_as_a_message(personas, login, plan, settings):
    settings.GOVIT_UPLOAD_MAX_BYTES = 10
    client = login(personas.jw_officer)
    resp = post_upload(client, plan, SimpleUploadedFile("报告.pdf", PDF))
    assert resp.status_code == 302 and resp.url == NEXT
    assert messages_of(resp) == [f"文件大小 {len(PDF)} B 超过上限 10 B。"]
    resp = post_upload(client, plan, SimpleUploadedFile("a.exe", b"MZ"))
    assert messages_of(resp)[-1].startswith("不支持的文件格式 .exe，允许：pdf、")
    resp = client.post(upload_url(plan), {"doc_type": "", "next": NEXT}, follow=True)
    assert "请选择材料类型。" in resp.content.decode()
    assert not Document.objects.exists()


def test_upload_with_htmx_answers_a_client_redirect(personas, login, plan):
    client = login(personas.jw_officer)
    resp = client.post(
        upload_url(plan),
        {"doc_type": "fsr", "title": "", "next": NEXT, "upload": SimpleUploadedFile("a.pdf", PDF)},
        headers={"HX-Request": "true"},
    )
    assert resp.headers["HX-Redirect"] == NEXT
    assert Document.objects.count() == 1


def test_offsite_next_is_ignored(personas, login, plan):
    client = login(personas.jw_officer)
    resp = post_upload(client, plan, SimpleUploadedFile("a.pdf", PDF), next="https://evil.example/")
    doc = Document.objects.get()
    assert resp.url == f"/documents/{doc.pk}/"


def test_detail_lists_versions_with_digests_and_old_version_downloads(personas, login, plan):
    doc = actions.upload_document(
        plan,
        acting_user=personas.jw_officer,
        doc_type=DocType.FSR,
        title="可研报告",
        file=SimpleUploadedFile("可研报告 第一稿.pdf", PDF),
    )
    client = login(personas.jw_officer)
    v2_content = PDF + b"% v2\n"
    resp = client.post(
        f"/documents/{doc.pk}/new-version/",
        {"upload": SimpleUploadedFile("可研报告 第二稿.pdf", v2_content), "note": "修改"},
    )
    assert resp.status_code == 302 and messages_of(resp) == ["已上传《可研报告》第2版。"]
    v1, v2 = doc.versions.order_by("number")
    html = client.get(f"/documents/{doc.pk}/").content.decode()
    for text in (v1.sha256, v1.sm3, v2.sha256, v2.sm3, "第1版", "第2版", "可研报告 第一稿.pdf"):
        assert text in html
    assert f"{len(PDF)} B" in html and str(personas.jw_officer) in html

    old = client.get(f"/documents/{doc.pk}/versions/1/download/")
    assert old.status_code == 200 and b"".join(old.streaming_content) == PDF
    assert old["Content-Type"] == "application/pdf"
    disposition = old["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%8F%AF%E7%A0%94" in disposition  # 可研…
    new = client.get(f"/documents/{doc.pk}/versions/2/download/")
    assert b"".join(new.streaming_content) == v2_content
    assert client.get(f"/documents/{doc.pk}/versions/3/download/").status_code == 404


def test_users_who_cannot_see_the_subject_get_404(personas, login, plan):
    doc = actions.upload_document(
        plan,
        acting_user=personas.jw_officer,
        doc_type=DocType.FSR,
        title="可研报告",
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    client = login(personas.wj_officer)
    assert client.get(f"/documents/{doc.pk}/").status_code == 404
    assert client.get(f"/documents/{doc.pk}/versions/1/download/").status_code == 404
    assert client.get(f"/documents/{doc.pk}/new-version/").status_code == 404
    assert client.post(f"/documents/{doc.pk}/withdraw/", {"reason": "x"}).status_code == 404
    resp = post_upload(client, plan, SimpleUploadedFile("b.pdf", PDF))
    assert resp.status_code == 404
    assert client.get("/documents/upload/99999/1/").status_code == 405
    assert client.post("/documents/upload/99999/1/").status_code == 404
    assert Document.objects.count() == 1
    # the auditor reads it
    assert (
        login(personas.auditor).get(f"/documents/{doc.pk}/versions/1/download/").status_code == 200
    )


def test_withdraw_through_the_page(personas, login, plan):
    doc = actions.upload_document(
        plan,
        acting_user=personas.jw_officer,
        doc_type=DocType.FSR,
        title="可研报告",
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    client = login(personas.jw_officer)
    bad = client.post(f"/documents/{doc.pk}/withdraw/", {"reason": ""})
    assert bad.status_code == 422 and "请填写作废原因。" in bad.content.decode()
    resp = client.post(f"/documents/{doc.pk}/withdraw/", {"reason": "误传"}, follow=True)
    html = resp.content.decode()
    assert "已作废《可研报告》。" in html and 'data-testid="withdrawn"' in html
    assert "上传新版本" not in html


def test_panel_lists_documents_and_offers_the_upload_form(personas, plan, rf: RequestFactory):
    actions.upload_document(
        plan,
        acting_user=personas.jw_officer,
        doc_type=DocType.REQUIREMENT,
        title="需求说明书",
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    request = rf.get(NEXT)
    request.user = personas.jw_officer
    html = Template("{% load documents_tags %}{% documents_panel plan %}").render(
        Context({"plan": plan, "request": request})
    )
    assert "需求说明书" in html and "项目需求说明" in html and 'data-testid="upload-form"' in html
    assert upload_url(plan) in html and f'value="{NEXT}"' in html
    assert "数据资源共享分析" in html  # chapter choices

    ctx = documents_panel_context(plan, personas.jw_officer, doc_types=["fsr", "design"])
    assert ctx["documents"] == [] and [v for v, _ in ctx["doc_type_choices"]] == ["fsr", "design"]
    assert not documents_panel_context(plan, personas.wj_officer)["can_upload"]
