"""Checks on an uploaded file before it is stored, and its digests.

One streaming pass reads the file in chunks: it checks that the content matches the extension
(magic bytes; text must decode as UTF-8 or GB18030 without NUL) and computes SHA-256 and SM3
(GB/T 32905-2016). Limits come from settings ``GOVIT_UPLOAD_MAX_BYTES`` and
``GOVIT_UPLOAD_EXTENSIONS``. Every refusal is an ``ActionInvalid`` with a Chinese sentence
naming the limit.
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from core.errors import ActionInvalid
from core.uploads import format_size, max_upload_bytes

CHUNK_SIZE = 64 * 1024
MAX_NAME_LENGTH = 200
DEFAULT_EXTENSIONS = (
    "pdf",
    "ofd",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "wps",
    "et",
    "zip",
    "jpg",
    "jpeg",
    "png",
    "txt",
)
# Suffixes that, hidden inside a name (``通知.exe.pdf``), suggest a disguised program.
EXECUTABLE_SUFFIXES = frozenset(
    {"exe", "bat", "cmd", "com", "js", "vbs", "sh", "ps1", "scr", "dll", "msi", "jar", "pif"}
)

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
PDF = b"%PDF"
# extension -> (magic prefix or None for text, MIME type, Chinese name of the format)
FORMATS: dict[str, tuple[bytes | None, str, str]] = {
    "pdf": (PDF, "application/pdf", "PDF"),
    "ofd": (ZIP, "application/ofd", "OFD"),
    "docx": (
        ZIP,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    "xlsx": (ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "zip": (ZIP, "application/zip", "ZIP"),
    "doc": (OLE, "application/msword", "Word"),
    "xls": (OLE, "application/vnd.ms-excel", "Excel"),
    "wps": (OLE, "application/vnd.ms-works", N_("WPS 文字")),
    "et": (OLE, "application/vnd.ms-excel", N_("WPS 表格")),
    "png": (PNG, "image/png", N_("PNG 图片")),
    "jpg": (JPEG, "image/jpeg", N_("JPEG 图片")),
    "jpeg": (JPEG, "image/jpeg", N_("JPEG 图片")),
    "txt": (None, "text/plain", N_("文本")),
}
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def allowed_extensions() -> tuple[str, ...]:
    exts = getattr(settings, "GOVIT_UPLOAD_EXTENSIONS", DEFAULT_EXTENSIONS)
    return tuple(e.strip().lower().lstrip(".") for e in exts if e.strip())


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks established about a file: safe name, format and digests."""

    name: str
    extension: str
    size: int
    content_type: str
    sha256: str
    sm3: str


def _refuse(message: str, **params: object) -> NoReturn:
    """Refuse the file: ``message`` is a translatable template filled with ``params``."""
    text = _(message) % params if params else _(message)
    raise ActionInvalid(text, {"file": text})


def clean_filename(raw: str) -> str:
    """The file name without any directory part; refuses traversal, control characters,
    over-long names and executables hidden behind a second extension."""
    raw = (raw or "").strip()
    if ".." in raw:
        _refuse(N_("文件名不能包含“..”（疑似路径穿越），请重命名后再上传。"))
    if any(unicodedata.category(ch).startswith("C") for ch in raw):
        _refuse(N_("文件名含有控制字符或不可见字符，请重命名后再上传。"))
    name = raw.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or (name.startswith(".") and name.count(".") == 1):
        _refuse(N_("文件名不能为空，请重命名后再上传。"))
    if len(name) > MAX_NAME_LENGTH:
        _refuse(
            N_("文件名长度 %(n)s 个字符，超过上限 %(limit)s 个字符。"),
            n=len(name),
            limit=MAX_NAME_LENGTH,
        )
    parts = name.split(".")
    if len(parts) < 2 or not parts[-1]:
        _refuse(
            N_("文件“%(name)s”没有扩展名，允许的格式：%(allowed)s。"),
            name=name,
            allowed="、".join(allowed_extensions()),
        )
    hidden = [p.lower() for p in parts[1:-1] if p.lower() in EXECUTABLE_SUFFIXES]
    if hidden:
        _refuse(
            N_("文件名“%(name)s”中隐藏了可执行文件扩展名 .%(ext)s，不允许上传。"),
            name=name,
            ext=hidden[0],
        )
    return name


def _check_extension(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    allowed = allowed_extensions()
    if ext not in allowed or ext not in FORMATS:
        _refuse(
            N_("不支持的文件格式 .%(ext)s，允许：%(allowed)s。"),
            ext=ext,
            allowed="、".join(allowed),
        )
    return ext


def _file_size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    return int(size)


def _chunks(file: Any) -> Iterator[bytes]:
    if hasattr(file, "chunks"):
        yield from file.chunks(CHUNK_SIZE)
        return
    file.seek(0)
    while chunk := file.read(CHUNK_SIZE):
        yield chunk


def check_upload(file: Any, *, name: str | None = None) -> CheckedUpload:
    """Check ``file`` (a Django ``File``/``UploadedFile``) and compute its digests.

    ``name`` overrides ``file.name`` (e.g. the name the client sent). The file is left
    positioned at its start so that it can be stored afterwards.
    """
    if file is None:
        _refuse(N_("请选择要上传的文件。"))
    name = clean_filename(name if name is not None else getattr(file, "name", ""))
    ext = _check_extension(name)
    size = _file_size(file)
    if size == 0:
        _refuse(N_("文件“%(name)s”为空（0 字节），请重新选择。"), name=name)
    limit = max_upload_bytes()
    if size > limit:
        _refuse(
            N_("文件大小 %(size)s 超过上限 %(limit)s。"),
            size=format_size(size),
            limit=format_size(limit),
        )

    magic, mime, label = FORMATS[ext]
    sha256 = hashlib.sha256()
    sm3 = hashes.Hash(hashes.SM3())
    head = b""
    decoders = (
        [codecs.getincrementaldecoder(enc)(errors="strict") for enc in TEXT_ENCODINGS]
        if magic is None
        else []
    )
    has_nul = False
    read = 0
    for chunk in _chunks(file):
        read += len(chunk)
        sha256.update(chunk)
        sm3.update(chunk)
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        if magic is None:
            has_nul = has_nul or b"\x00" in chunk
            decoders = _feed(decoders, chunk)
    if magic is None:
        decoders = _feed(decoders, b"", final=True)
    file.seek(0)

    if read != size:  # a file that changed under us, or a lying size
        _refuse(N_("文件读取不完整，请重新上传。"))
    if magic is not None and not head.startswith(magic):
        _refuse(
            N_("文件“%(name)s”的内容不是 %(format)s 格式，与扩展名 .%(ext)s 不符。"),
            name=name,
            format=_(label),
            ext=ext,
        )
    if magic is None and (has_nul or not decoders):
        _refuse(
            N_(
                "文件“%(name)s”不是有效的文本文件（须为 UTF-8 或 GB18030 编码，且不含二进制内容）。"
            ),
            name=name,
        )
    return CheckedUpload(
        name=name,
        extension=ext,
        size=size,
        content_type=mime,
        sha256=sha256.hexdigest(),
        sm3=sm3.finalize().hex(),
    )


def _feed(decoders: list[Any], chunk: bytes, *, final: bool = False) -> list[Any]:
    """Keep only the encodings that still decode the text seen so far."""
    alive = []
    for decoder in decoders:
        try:
            decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            continue
        alive.append(decoder)
    return alive


def digests_of(file: Any) -> tuple[str, str]:
    """(SHA-256, SM3) of a stored file, streamed; for re-verifying integrity later."""
    sha256 = hashlib.sha256()
    sm3 = hashes.Hash(hashes.SM3())
    for chunk in _chunks(file):
        sha256.update(chunk)
        sm3.update(chunk)
    return sha256.hexdigest(), sm3.finalize().hex()
