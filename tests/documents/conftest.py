"""Documents fixtures: a temporary MEDIA_ROOT, a master plan of 市教委 as the subject, and
small files whose content matches (or not) their extension."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from planning import actions as planning_actions

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def jw_unit(personas):
    return personas.jw_officer.primary_organisation


@pytest.fixture
def plan(personas, jw_unit):
    """Given a draft master plan of 市教委 (visible to its unit, BDB, DRC, CAC, Audit)."""
    return planning_actions.create_master_plan(
        acting_user=personas.jw_officer,
        unit=jw_unit,
        title="教育信息化整合建设总体方案",
        start_year=2025,
        end_year=2029,
    )


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture
def pdf_file():
    def _make(name="可行性研究报告.pdf", content=PDF):
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    return _make
