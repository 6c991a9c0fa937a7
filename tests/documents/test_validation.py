"""Upload checks: every refusal names its limit in Chinese; digests are SHA-256 and SM3."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from core.crypto import sm3_hex
from core.errors import ActionInvalid
from documents.validation import CHUNK_SIZE, check_upload, format_size

from .conftest import PDF, docx_bytes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def refused(file, **kwargs) -> str:
    with pytest.raises(ActionInvalid) as exc:
        check_upload(file, **kwargs)
    assert exc.value.errors["file"] == exc.value.message
    return exc.value.message


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "name, content, mime",
    [
        ("报告.pdf", PDF, "application/pdf"),
        ("报告.PDF", PDF, "application/pdf"),
        ("方案.docx", docx_bytes(), None),
        ("方案.ofd", docx_bytes(), "application/ofd"),
        ("旧方案.doc", OLE, "application/msword"),
        ("表格.et", OLE, None),
        ("截图.png", PNG, "image/png"),
        ("照片.jpg", b"\xff\xd8\xff\xe0" + b"JFIF" * 8, "image/jpeg"),
        ("说明.txt", "数据资源共享分析\n".encode(), "text/plain"),
        ("说明-gbk.txt", "数据资源共享分析\n".encode("gb18030"), "text/plain"),
        ("v1.2 终稿.pdf", PDF, "application/pdf"),
    ],
)
def test_accepts_files_whose_content_matches_the_extension(name, content, mime):
    checked = check_upload(upload(name, content))
    assert checked.name == name and checked.size == len(content)
    if mime:
        assert checked.content_type == mime


def test_refuses_empty_file():
    assert "为空（0 字节）" in refused(upload("空.pdf", b""))
    assert refused(None) == "请选择要上传的文件。"


def test_refuses_file_over_the_size_limit(settings):
    settings.GOVIT_UPLOAD_MAX_BYTES = 20
    message = refused(upload("大文件.pdf", PDF))
    assert message == f"文件大小 {len(PDF)} B 超过上限 20 B。"
    settings.GOVIT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
    big = ContentFile(PDF, name="big.pdf")
    big.size = int(61.2 * 1024 * 1024)  # the size Django reports for the upload
    assert refused(big) == "文件大小 61.2 MB 超过上限 50 MB。"


def test_refuses_extension_not_allowed(settings):
    message = refused(upload("setup.exe", b"MZ\x90\x00"))
    assert message.startswith("不支持的文件格式 .exe，允许：pdf、ofd、doc、docx")
    assert refused(upload("无扩展名", PDF)).startswith("文件“无扩展名”没有扩展名")
    settings.GOVIT_UPLOAD_EXTENSIONS = ["pdf"]
    assert refused(upload("截图.png", PNG)) == "不支持的文件格式 .png，允许：pdf。"


@pytest.mark.parametrize(
    "name, content, label",
    [
        ("伪装.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "PDF"),
        ("伪装.docx", PDF, "Word"),
        ("伪装.doc", docx_bytes(), "Word"),
        ("伪装.png", b"\xff\xd8\xff\xe0JFIF", "PNG 图片"),
        ("伪装.zip", OLE, "ZIP"),
    ],
)
def test_refuses_content_not_matching_the_extension(name, content, label):
    ext = name.rsplit(".", 1)[1]
    assert (
        refused(upload(name, content))
        == f"文件“{name}”的内容不是 {label} 格式，与扩展名 .{ext} 不符。"
    )


def test_refuses_binary_or_badly_encoded_text():
    assert "不是有效的文本文件" in refused(upload("a.txt", b"MZ\x90\x00\x03\x00"))
    assert "不是有效的文本文件" in refused(upload("b.txt", b"\xff\xfe\xff\x80\x80"))


def test_refuses_path_traversal_and_control_characters():
    # A plain File keeps the raw name (UploadedFile already drops directories).
    assert "路径穿越" in refused(ContentFile(PDF, name="../../etc/passwd.pdf"))
    assert "路径穿越" in refused(upload("x.pdf", PDF), name="..\\..\\boot.pdf")
    assert "控制字符" in refused(upload("x.pdf", PDF), name="报告\x00.pdf")
    # U+202E (right-to-left override) makes "abcfdp.exe" display as "abcexe.pdf".
    assert "控制字符" in refused(upload("x.pdf", PDF), name="abc\u202efdp.exe")
    assert check_upload(ContentFile(PDF, name="dir/sub/报告.pdf")).name == "报告.pdf"


def test_refuses_over_long_name():
    name = "长" * 197 + ".pdf"
    assert (
        refused(upload("x.pdf", PDF), name=name) == "文件名长度 201 个字符，超过上限 200 个字符。"
    )
    assert check_upload(upload("x.pdf", PDF), name="长" * 196 + ".pdf")


@pytest.mark.parametrize("name", ["通知.exe.pdf", "a.bat.docx", "scan.JS.png", "x.ps1.txt"])
def test_refuses_executable_hidden_behind_a_second_extension(name):
    inner = name.split(".")[1].lower()
    assert refused(upload("x.pdf", PDF), name=name) == (
        f"文件名“{name}”中隐藏了可执行文件扩展名 .{inner}，不允许上传。"
    )


def test_digests_are_sha256_and_sm3_of_the_whole_content_streamed_in_chunks():
    content = PDF + bytes(range(256)) * ((3 * CHUNK_SIZE) // 256 + 7)
    assert len(content) > 3 * CHUNK_SIZE
    checked = check_upload(upload("大.pdf", content))
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.sm3 == sm3_hex(content)  # one-shot SM3 of the same bytes


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016 Appendix A example 1: SM3("abc").
    checked = check_upload(upload("abc.txt", b"abc"))
    assert checked.sm3 == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_format_size():
    assert format_size(512) == "512 B"
    assert format_size(1536) == "1.5 KB"
    assert format_size(50 * 1024 * 1024) == "50 MB"
    assert format_size(int(61.2 * 1024 * 1024)) == "61.2 MB"
