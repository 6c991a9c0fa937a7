"""Official documents of the demo city's acts (issue 12, point 4): one per act, stored as a
document version of the project (so in its electronic archive), signed with the platform's SM2
key, verifiable on /verify/ by number or digest, found altered when the stored file is changed;
the supervision chapter issues its notices through the same function."""

import io
import re
import zipfile

import pytest
from pypdf import PdfReader

from core.dates import today
from core.storage import seal
from delivery.archive import export_archive
from documents.models import Document
from projects.models import Project, Review, ReviewKind, ReviewState
from reports import builders
from reports.documents import is_genuine, issue_after_act, issue_document, pdf_bytes
from reports.models import DocumentKind, OfficialDocument
from reports.pdf import Clause, DocumentSpec, fonts_installed

pytestmark = pytest.mark.skipif(not fonts_installed(), reason="make assets installs the font")


def text(official):
    reader = PdfReader(io.BytesIO(pdf_bytes(official)))
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))


def test_every_act_of_the_demo_has_its_document(city, db):
    approvals = Review.objects.filter(kind=ReviewKind.DRC_APPROVAL, state=ReviewState.AGREED)
    lists = Review.objects.filter(
        kind=ReviewKind.LIST,
        state__in=(ReviewState.AGREED, ReviewState.RETURNED, ReviewState.REJECTED),
        decided_by__isnull=False,
    )
    issued = OfficialDocument.objects
    assert issued.filter(kind=DocumentKind.APPROVAL).count() == approvals.count() > 0
    assert issued.filter(kind=DocumentKind.LIST_REVIEW).count() == lists.count() > 0
    assert issued.filter(kind=DocumentKind.JOINT_REVIEW).exists()
    assert issued.filter(kind=DocumentKind.ACCEPTANCE).exists()
    assert issued.filter(kind=DocumentKind.OM_NOTICE).exists()


def test_the_approval_reply_says_what_drc_decided(city, db):
    review = Review.objects.filter(kind=ReviewKind.DRC_APPROVAL, state=ReviewState.AGREED).first()
    official = OfficialDocument.objects.get(kind=DocumentKind.APPROVAL, source_id=str(review.pk))
    words = text(official)
    project = review.project
    assert official.number == review.document_number and official.number in words
    assert f"关于{project.name}" in words and "的批复" in words
    assert "（《重庆市市级政务信息化项目管理办法》第九条）" in words
    assert project.unit.name in words and official.content_sm3 in words


def test_a_document_is_a_version_of_the_project_and_in_its_archive(city, db):
    official = OfficialDocument.objects.filter(kind=DocumentKind.APPROVAL).first()
    document = official.document
    assert document.subject == official.project
    assert (
        document.current_version().number == 1
        and document.current_version().sm3 == official.file_sm3
    )
    with zipfile.ZipFile(io.BytesIO(export_archive(official.project))) as zf:
        names = [n for n in zf.namelist() if n.startswith(f"documents/{document.pk}-v1-")]
        assert names and zf.read(names[0]) == pdf_bytes(official)


def test_issuing_again_returns_the_same_document(city, db):
    review = Review.objects.filter(kind=ReviewKind.DRC_APPROVAL, state=ReviewState.AGREED).first()
    before = Document.objects.count()
    first = builders.issue_approval(review)
    assert builders.issue_approval(review) == first
    assert Document.objects.count() == before


def test_the_verification_page_confirms_by_number_and_by_digest(city, client, db):
    official = OfficialDocument.objects.filter(kind=DocumentKind.LIST_REVIEW).first()
    for query in (official.number, official.content_sm3, official.file_sm3):
        page = client.get("/verify/", {"q": query})
        body = page.content.decode()
        assert page.status_code == 200 and official.number in body and "真实、未改动" in body
    assert "没有出具过" in client.get("/verify/", {"q": "渝数据审〔2099〕1号"}).content.decode()


def test_an_altered_file_is_found(city, db):
    official = OfficialDocument.objects.filter(kind=DocumentKind.JOINT_REVIEW).first()
    assert is_genuine(official)
    pdf_bytes_before = pdf_bytes(official)
    version = official.document.current_version()
    # the file lies SM4-GCM encrypted (core/storage.py): bytes appended to it break its tag
    with open(version.file.path, "ab") as fh:
        fh.write(b"%% appended")
    assert not is_genuine(official)
    # re-encrypted with the platform's key after an edit: the tag holds, the SM3 does not
    with open(version.file.path, "wb") as fh:
        fh.write(seal(version.file.name, pdf_bytes_before + b"%% appended"))
    assert not is_genuine(official)
    with open(version.file.path, "wb") as fh:
        fh.write(seal(version.file.name, pdf_bytes_before))
    assert is_genuine(official)


def test_a_forged_signature_is_found(city, db):
    official = OfficialDocument.objects.filter(kind=DocumentKind.ACCEPTANCE).first()
    official.signature = official.signature[:-4] + (
        "0000" if official.signature[-4:] != "0000" else "1111"
    )
    assert not is_genuine(official)


def test_the_supervision_chapter_issues_its_notices_the_same_way(city, db):
    project = Project.objects.filter(state="approved").first()
    actor = city["fgw_jingban"]
    official = issue_document(
        lambda number: DocumentSpec(
            title=f"关于{project.name}限期整改的通知书",
            number=number,
            issued_on=today(),
            authority="重庆市发展和改革委员会",
            recipient=project.unit.name,
            clauses=(Clause("请于30日内完成整改并报送整改情况。", "第三十五条"),),
        ),
        kind=DocumentKind.RECTIFICATION,
        subject=project,
        project=project,
        source=("supervision.rectificationorder", "1"),
        actor=actor,
        prefix="渝发改督",
    )
    assert official.number == f"渝发改督〔{today().year}〕1号"
    assert "第三十五条" in text(official) and is_genuine(official)


def test_an_act_issues_its_document_after_it_committed(city, db):
    class Act:
        name = "projects.decide_list_review"

    review = Review.objects.filter(kind=ReviewKind.LIST, decided_by__isnull=False).first()
    OfficialDocument.objects.filter(
        kind=DocumentKind.LIST_REVIEW, source_id=str(review.pk)
    ).delete()
    issue_after_act(sender=None, action=Act(), obj=review, result=review.project)
    assert OfficialDocument.objects.filter(
        kind=DocumentKind.LIST_REVIEW, source_id=str(review.pk)
    ).exists()


def test_the_project_page_panel_lists_its_documents_and_serves_the_pdf(city, client, db):
    from django.template.loader import render_to_string

    from core.offers import panels_for

    official = OfficialDocument.objects.filter(kind=DocumentKind.APPROVAL).first()
    user = city["fgw_jingban"]
    panels = panels_for(official.project, user)
    html = render_to_string("includes/panels.html", {"panels": panels})
    assert 'data-testid="official-documents"' in html and official.number in html
    assert 'data-testid="health-panel"' in html
    client.force_login(user)
    pdf = client.get(f"/reports/documents/{official.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == pdf_bytes(official)
    client.force_login(city["zx_pinggu"])  # a consultant sees no unit's O&M notice
    other = OfficialDocument.objects.filter(kind=DocumentKind.OM_NOTICE).first()
    assert client.get(f"/reports/documents/{other.pk}.pdf").status_code == 404
