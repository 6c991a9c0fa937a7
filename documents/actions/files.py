"""Every change of documents (Art. 14, 28, 29): upload, add a version, withdraw.

Who may: the subject decides. A document is attached to a subject the user can see (missing
and forbidden look the same, 404) and, when the subject defines ``can_attach(user,
doc_type)``, only by those it allows. What may be stored: the file is checked with the input
(``documents.contracts``), stored under a random name, and one ledger event records its
SHA-256 and SM3 digests. A withdrawn document is closed: it stays in the project's
electronic archive as it was (R29.1), so it takes no new version and is not withdrawn twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from django.utils.translation import gettext_noop as N_

from accounts.models import Organisation
from core.enums import ActionCode
from core.errors import ActionForbidden
from core.findings import Finding
from core.ledger import record_event
from policy.gates import GatedAction, refusal

from ..contracts import MAX_TITLE, DocumentUploadIn, DocumentVersionIn, DocumentWithdrawIn
from ..models import DocType, Document, DocumentVersion
from ..services import may_attach, subject_visible
from ..validation import CheckedUpload

NOT_ATTACHABLE = N_("您无权为该对象上传或作废文件。")


def owner_of(subject: Any) -> Organisation | None:
    """The unit owning the subject: its ``document_organisation``, ``unit`` or
    ``organisation`` attribute, whichever is an Organisation."""
    for attr in ("document_organisation", "unit", "organisation"):
        value = getattr(subject, attr, None)
        if isinstance(value, Organisation):
            return value
    return None


def _store_version(
    document: Document, *, number: int, file: Any, checked: CheckedUpload, note: str, user: Any
) -> DocumentVersion:
    """Write the file (random name) and its row. Storage is not transactional: if a later
    step of the caller's transaction fails, the file stays as an unreferenced orphan, which
    is harmless (its name is random and unreachable) and never overwrites anything."""
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        sm3=checked.sm3,
        note=note,
        uploaded_by=user,
    )
    version.file.save(checked.name, file, save=False)
    try:
        version.save(force_insert=True)
    except Exception:
        # The row was not written: do not leave an orphan file behind.
        version.file.storage.delete(version.file.name)
        raise
    return version


def _digest_data(version: DocumentVersion, **extra: Any) -> dict[str, Any]:
    return {
        "version": version.number,
        "file_name": version.original_name,
        "size": version.size,
        "content_type": version.content_type,
        "sha256": version.sha256,
        "sm3": version.sm3,
        **extra,
    }


def detail_url(document: Document) -> str:
    return reverse("documents:detail", args=[document.pk])


class TakesFile(GatedAction):
    """An action called with the file as ``file=`` (``upload`` in the contract)."""

    def __call__(self, *args: Any, acting_user: Any, **values: Any) -> Any:
        if "file" in values:
            values.setdefault("upload", values.pop("file"))
        return self.execute(args[0] if args else None, values, acting_user=acting_user)


class UploadDocument(TakesFile):
    """Attach a new document (version 1) to a subject after checking the file:
    ``upload_document(subject, acting_user=…, doc_type=…, title=…, file=…)``. The subject is
    given as the object: it may be of any model that scopes itself (``for_user``)."""

    label = L("上传文件")
    Input = DocumentUploadIn

    def allowed(self, obj: Any, user: Any) -> bool:
        return obj is not None and subject_visible(obj, user)

    def parse_for(self, obj: Any, user: Any, data: Any) -> DocumentUploadIn:
        clean: DocumentUploadIn = super().parse_for(obj, user, data)  # type: ignore[assignment]
        if not may_attach(obj, user, clean.doc_type):
            raise ActionForbidden(_(NOT_ATTACHABLE))
        return clean

    def perform(self, obj: Any, data: DocumentUploadIn, user: Any, decision: Any) -> Document:
        checked = data.checked
        title = data.title or checked.name.rsplit(".", 1)[0][:MAX_TITLE]
        organisation = owner_of(obj)
        document = Document.objects.create(
            subject_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            subject_id=obj.pk,
            doc_type=data.doc_type,
            title=title,
            chapter=data.chapter,
            organisation=organisation,
            created_by=user,
        )
        version = _store_version(
            document, number=1, file=data.upload, checked=checked, note=data.note, user=user
        )
        record_event(
            ActionCode.DOCUMENT_UPLOADED,
            actor=user,
            obj=document,
            organisation=organisation,
            reason=f"上传《{title}》（{DocType(data.doc_type).label}）第1版",
            data=_digest_data(
                version,
                doc_type=data.doc_type,
                chapter=data.chapter,
                subject_type=str(document.subject_type),
                subject_id=document.subject_id,
                subject_repr=str(obj)[:255],
            ),
        )
        return document

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已上传《%(title)s》（第1版）。") % {"title": result.title}

    def next_url(self, obj: Any, result: Any) -> str:
        return detail_url(result)


class OnDocument(GatedAction):
    """An action on a document, offered on its page to those its subject lets attach files
    of its type; a withdrawn document is closed (R29.1)."""

    model = Document
    offered_on = "documents.document"
    requirement = "R29.1"

    def allowed(self, obj: Any, user: Any) -> bool:
        subject = obj.subject
        return (
            subject is not None
            and subject_visible(subject, user)
            and may_attach(subject, user, obj.doc_type)
        )

    def targets(self, page_obj: Any, user: Any) -> Iterator[Document]:
        if isinstance(page_obj, Document) and not page_obj.is_withdrawn:
            yield page_obj

    def organisation_of(self, obj: Any) -> Any:
        return obj.organisation

    def withdrawn(self, obj: Document, rule_id: str, template: str) -> Iterable[Finding]:
        if obj.is_withdrawn:
            when = timezone.localtime(obj.withdrawn_at) if obj.withdrawn_at else None
            yield refusal(
                rule_id,
                template,
                remedy=N_("作废的文件原样保留在电子档案中；如需提交新的材料，请上传新文件。"),
                params={"title": obj.title, "when": f"{when:%Y-%m-%d}" if when else ""},
                title=self.label,
            )

    def next_url(self, obj: Any, result: Any) -> str:
        return detail_url(obj)


class AddDocumentVersion(TakesFile, OnDocument):
    """Upload a new version of a document; earlier versions stay stored and downloadable."""

    label = L("上传新版本")
    Input = DocumentVersionIn
    hint = L("原版本保留并可下载。")
    style = "outline-primary"

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterable[Finding]:
        return self.withdrawn(
            obj,
            "R29.1.withdrawn-final",
            N_("《%(title)s》已于 %(when)s 作废，不能再上传新版本（第二十九条）。"),
        )

    def perform(
        self, obj: Document, data: DocumentVersionIn, user: Any, decision: Any
    ) -> DocumentVersion:
        number = (obj.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = _store_version(
            obj, number=number, file=data.upload, checked=data.checked, note=data.note, user=user
        )
        record_event(
            ActionCode.DOCUMENT_VERSION_ADDED,
            actor=user,
            obj=obj,
            organisation=obj.organisation_id,
            reason=f"《{obj.title}》上传第{number}版" + (f"：{data.note}" if data.note else ""),
            data=_digest_data(version),
        )
        return version

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已上传《%(title)s》第%(n)s版。") % {"title": obj.title, "n": result.number}


class WithdrawDocument(OnDocument):
    """Withdraw (作废) a document with a reason; it stays stored and visible in the history,
    marked withdrawn, and no longer counts as a submitted material."""

    label = L("作废文件")
    Input = DocumentWithdrawIn
    hint = L("作废后文件仍保留，供审计查阅。")
    confirm = L("作废后该文件不再作为已提交的材料，也不能再上传新版本；文件本身仍保留供审计查阅。")
    style = "outline-danger"

    def refusals(self, obj: Any, user: Any, data: Any) -> Iterable[Finding]:
        return self.withdrawn(
            obj, "R29.1.withdrawn-once", N_("《%(title)s》已于 %(when)s 作废（第二十九条）。")
        )

    def perform(
        self, obj: Document, data: DocumentWithdrawIn, user: Any, decision: Any
    ) -> Document:
        obj.is_withdrawn = True
        obj.withdrawn_at = timezone.now()
        obj.withdrawn_by = user
        obj.withdraw_reason = data.reason
        obj.save(update_fields=["is_withdrawn", "withdrawn_at", "withdrawn_by", "withdraw_reason"])
        record_event(
            ActionCode.DOCUMENT_WITHDRAWN,
            actor=user,
            obj=obj,
            organisation=obj.organisation_id,
            from_state="active",
            to_state="withdrawn",
            reason=data.reason,
        )
        return obj

    def success_message(self, obj: Any, result: Any) -> str:
        return _("已作废《%(title)s》。") % {"title": result.title}


upload_document = UploadDocument()
add_document_version = AddDocumentVersion()
withdraw_document = WithdrawDocument()
