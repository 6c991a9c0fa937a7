"""The inputs of the document actions (``core.contracts``): the upload panel of any subject,
the "您现在可以办理" card of a document, and the callers in other chapters all use them.

The file itself is part of the input (``upload``): it is checked once, with the other fields
(size, format by its magic bytes, name; ``documents.validation``), and the result is kept on
the validated input so that the action stores what was checked without reading it again.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from pydantic import PrivateAttr

from core.contracts import Choice, Contract, Text, Upload
from core.errors import ActionInvalid

from .models import Chapter, DocType
from .validation import CheckedUpload, check_upload

MAX_TITLE = 200
MAX_NOTE = 500

D = TypeVar("D", bound="DocumentContract")


class DocumentContract(Contract):
    """A document input: one message naming every problem, the file's first."""

    @classmethod
    def parse(cls: type[D], data: Any = None, **values: Any) -> D:
        try:
            return super().parse(data, **values)
        except ActionInvalid as exc:
            errors = {k: str(v) for k, v in exc.errors.items()}
            raise ActionInvalid("；".join(errors.values()) or exc.message, errors) from None


class WithFile(DocumentContract):
    """An input that carries a file; ``checked`` is what the checks found (and its digests)."""

    # not "file": that name is one of the API's parameter locations (core.contracts)
    upload: Any = Upload(L("文件"))
    _checked: CheckedUpload | None = PrivateAttr(None)

    @property
    def checked(self) -> CheckedUpload:
        assert self._checked is not None, "parse() checks the file"
        return self._checked

    def problems(self) -> dict[str, str]:
        if self._checked is None:
            try:
                self._checked = check_upload(self.upload)
            except ActionInvalid as exc:
                return {"upload": exc.message}
        return {}


class DocumentUploadIn(WithFile):
    """A new document of a subject: its type (and, for a chapter annex, the chapter of
    Art. 14 it belongs to), a title (the file's name when left blank) and a note."""

    doc_type: str = Choice(DocType, L("材料类型"))
    title: str = Text(L("文件名称"), max_length=MAX_TITLE, help=L("留空则用原文件名。"))
    chapter: str = Choice(Chapter, L("章节"), required=False)
    note: str = Text(L("说明"), max_length=MAX_NOTE)

    def problems(self) -> dict[str, str]:
        errors = {}
        if self.doc_type == DocType.CHAPTER and not self.chapter:
            errors["chapter"] = _("报告章节附件须选择所属章节。")
        return {**errors, **super().problems()}


class DocumentVersionIn(WithFile):
    """A new version of a document; earlier versions stay stored and downloadable."""

    note: str = Text(L("修改说明"), max_length=MAX_NOTE)


class DocumentWithdrawIn(DocumentContract):
    """Why a document is withdrawn (作废); it stays stored and visible in the history."""

    reason: str = Text(L("作废原因"), required=True, max_length=MAX_NOTE, rows=2)
