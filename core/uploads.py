"""The upload limit, known to every page before a file is sent (issue 18 pt 7): the size in
settings (``GOVIT_UPLOAD_MAX_BYTES``) and its words. The documents chapter checks uploads
against the same limit on the server."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "GOVIT_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def format_size(size: int) -> str:
    """``512 B``, ``12.3 KB``, ``61.2 MB``; whole numbers lose their ``.0`` (``50 MB``)."""

    def fmt(value: float, unit: str) -> str:
        text = f"{value:.1f}"
        return f"{text.removesuffix('.0')} {unit}"

    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return fmt(size / 1024, "KB")
    if size < 1024**3:
        return fmt(size / 1024 / 1024, "MB")
    return fmt(size / 1024**3, "GB")


def upload_limit(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the limit the page states and checks before an upload starts."""
    limit = max_upload_bytes()
    size = format_size(limit)
    return {
        "upload_max_bytes": limit,
        "upload_max_text": _("单个文件不超过 %(size)s") % {"size": size},
        "upload_too_large_text": _("文件超过 %(size)s 的上限，请压缩或拆分后再上传。")
        % {"size": size},
    }
