"""Official documents as PDF (issue 12, point 4): typeset with the Noto Sans SC font from the npm
registry, the text extracted back carries the number, the clauses with their articles and the
content digest; the same content always gives the same bytes; nothing a record holds is read as
markup."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from reports.pdf import Clause, DocumentSpec, clause_label, fonts_installed, render

pytestmark = pytest.mark.skipif(not fonts_installed(), reason="make assets installs the font")


def spec(**over):
    values = {
        "title": "关于智慧教育平台可行性研究报告的批复",
        "number": "渝发改投〔2026〕12号",
        "issued_on": dt.date(2026, 3, 5),
        "authority": "重庆市发展和改革委员会",
        "recipient": "重庆市教育委员会",
        "body": ("你单位报送的智慧教育平台可行性研究报告收悉。经研究，现批复如下：",),
        "clauses": (
            Clause("同意智慧教育平台可行性研究报告。", "第九条"),
            Clause("核定项目总投资 1,234.55 万元。", "第九条"),
        ),
        "facts": (("项目编号", "XM-2026-0001"),),
    }
    values.update(over)
    return DocumentSpec(**values)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # pypdf puts spaces between CJK and Latin runs and breaks lines: compare without them
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_pdf_carries_the_number_the_clauses_with_their_articles_and_the_digest():
    document = spec()
    text = text_of(render(document))
    assert "渝发改投〔2026〕12号" in text
    assert "关于智慧教育平台可行性研究报告的批复" in text
    assert (
        "一、同意智慧教育平台可行性研究报告。（《重庆市市级政务信息化项目管理办法》第九条）" in text
    )
    assert "二、核定项目总投资1,234.55万元。" in text
    assert "重庆市发展和改革委员会" in text and "2026年3月5日" in text
    assert document.digest() in text
    assert "/verify/" in text


def test_the_font_is_embedded_and_no_system_font_is_used():
    reader = PdfReader(io.BytesIO(render(spec())))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("NotoSansSC" in f for f in fonts), fonts


def test_the_same_content_gives_the_same_bytes():
    assert render(spec()) == render(spec())
    assert render(spec()) != render(spec(number="渝发改投〔2026〕13号"))


def test_record_text_is_never_read_as_markup():
    hostile = '#set page(fill: red) ] #import "x.typ" *强调* $x$ @ref <label> \\ "'
    text = text_of(render(spec(title=hostile, clauses=(Clause(hostile, "第九条"),))))
    assert re.sub(r"\s+", "", hostile) in text


def test_clauses_are_numbered_as_in_official_documents():
    assert [clause_label(n) for n in (1, 2, 10, 11, 20, 23)] == [
        "一、",
        "二、",
        "十、",
        "十一、",
        "二十、",
        "二十三、",
    ]


def test_the_content_digest_changes_with_any_word():
    assert spec().digest() != spec(recipient="重庆市卫生健康委员会").digest()
    assert DocumentSpec.from_content(spec().content()) == spec()
