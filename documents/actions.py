"""Every change of state of documents: upload, add a version, withdraw.

Each action: guard (the subject must be visible to the acting user and, when the subject
defines ``can_attach(user, doc_type)``, attachable by them), check the file (``validation``),
store it under a random name, record one ledger event with the digests. Missing and forbidden
both raise ``ActionForbidden`` with the same message, which pages turn into 404.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from accounts.models import Organisation
from accounts.scoping import for_user
from core.actions import action
from core.enums import ActionCode
from core.errors import ActionConflict, ActionForbidden, ActionInvalid
from core.ledger import record_event

from .models import Chapter, DocType, Document, DocumentVersion
from .services import may_attach, subject_visible
from .validation import CheckedUpload, check_upload

NOT_FOUND = "未找到该对象，或您无权访问。"
NOT_ATTACHABLE = "您无权为该对象上传或作废文件。"
MAX_NOTE = 500
MAX_TITLE = 200


# -- guards --------------------------------------------------------------------------------


def _pk(value):
    return getattr(value, "pk", value)


def _require_attach(subject, user, doc_type) -> None:
    if subject is None or not subject_visible(subject, user):
        raise ActionForbidden(NOT_FOUND)
    if not may_attach(subject, user, doc_type):
        raise ActionForbidden(NOT_ATTACHABLE)


def _load_document(user, document) -> Document:
    """The document as ``user`` may see it, row-locked (serialises version numbering)."""
    try:
        return for_user(Document, user).select_for_update().get(pk=_pk(document))
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise ActionForbidden(NOT_FOUND) from exc


def owner_of(subject) -> Organisation | None:
    """The unit owning the subject: its ``document_organisation``, ``unit`` or
    ``organisation`` attribute, whichever is an Organisation."""
    for attr in ("document_organisation", "unit", "organisation"):
        value = getattr(subject, attr, None)
        if isinstance(value, Organisation):
            return value
    return None


def _check_file(file, errors: dict) -> CheckedUpload | None:
    try:
        return check_upload(file)
    except ActionInvalid as exc:
        errors["file"] = exc.message
        return None


def _raise_if(errors: dict) -> None:
    if errors:
        raise ActionInvalid("；".join(errors.values()), errors)


def _text(value, field, label, errors, *, required=False, max_length) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = f"请填写{label}。"
    elif len(value) > max_length:
        errors[field] = f"{label}不能超过 {max_length} 个字。"
    return value


def _store_version(document, *, number, file, checked: CheckedUpload, note, user):
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


def _digest_data(version: DocumentVersion, **extra) -> dict:
    return {
        "version": version.number,
        "file_name": version.original_name,
        "size": version.size,
        "content_type": version.content_type,
        "sha256": version.sha256,
        "sm3": version.sm3,
        **extra,
    }


# -- actions -------------------------------------------------------------------------------


@action
def upload_document(
    subject, *, acting_user, doc_type, title, file, chapter="", note=""
) -> Document:
    """Attach a new document (version 1) to ``subject`` after checking the file."""
    _require_attach(subject, acting_user, doc_type)
    errors: dict = {}
    if doc_type not in DocType.values:
        errors["doc_type"] = "请选择材料类型。"
    chapter = (chapter or "").strip()
    if chapter and chapter not in Chapter.values:
        errors["chapter"] = "请选择有效的章节。"
    elif doc_type == DocType.CHAPTER and not chapter:
        errors["chapter"] = "报告章节附件须选择所属章节。"
    title = _text(title, "title", "文件名称", errors, max_length=MAX_TITLE)
    note = _text(note, "note", "说明", errors, max_length=MAX_NOTE)
    checked = _check_file(file, errors)
    _raise_if(errors)
    if not title:
        title = checked.name.rsplit(".", 1)[0][:MAX_TITLE]

    organisation = owner_of(subject)
    document = Document.objects.create(
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        subject_id=subject.pk,
        doc_type=doc_type,
        title=title,
        chapter=chapter,
        organisation=organisation,
        created_by=acting_user,
    )
    version = _store_version(
        document, number=1, file=file, checked=checked, note=note, user=acting_user
    )
    record_event(
        ActionCode.DOCUMENT_UPLOADED,
        actor=acting_user,
        obj=document,
        organisation=organisation,
        reason=f"上传《{title}》（{DocType(doc_type).label}）第1版",
        data=_digest_data(
            version,
            doc_type=doc_type,
            chapter=chapter,
            subject_type=document.subject_type.app_labeled_name,
            subject_id=document.subject_id,
            subject_repr=str(subject)[:255],
        ),
    )
    return document


@action
def add_document_version(document, *, acting_user, file, note="") -> DocumentVersion:
    """Upload a new version of ``document``; earlier versions stay stored and downloadable."""
    document = _load_document(acting_user, document)
    _require_attach(document.subject, acting_user, document.doc_type)
    if document.is_withdrawn:
        raise ActionConflict("该文件已作废，不能再上传新版本。")
    errors: dict = {}
    note = _text(note, "note", "说明", errors, max_length=MAX_NOTE)
    checked = _check_file(file, errors)
    _raise_if(errors)
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = _store_version(
        document, number=number, file=file, checked=checked, note=note, user=acting_user
    )
    record_event(
        ActionCode.DOCUMENT_VERSION_ADDED,
        actor=acting_user,
        obj=document,
        organisation=document.organisation_id,
        reason=f"《{document.title}》上传第{number}版" + (f"：{note}" if note else ""),
        data=_digest_data(version),
    )
    return version


@action
def withdraw_document(document, *, acting_user, reason) -> Document:
    """Withdraw (作废) a document; it stays stored and visible in history, marked withdrawn."""
    document = _load_document(acting_user, document)
    _require_attach(document.subject, acting_user, document.doc_type)
    if document.is_withdrawn:
        raise ActionConflict("该文件已作废。")
    errors: dict = {}
    reason = _text(reason, "reason", "作废原因", errors, required=True, max_length=MAX_NOTE)
    _raise_if(errors)
    document.is_withdrawn = True
    document.withdrawn_at = timezone.now()
    document.withdrawn_by = acting_user
    document.withdraw_reason = reason
    document.save(update_fields=["is_withdrawn", "withdrawn_at", "withdrawn_by", "withdraw_reason"])
    record_event(
        ActionCode.DOCUMENT_WITHDRAWN,
        actor=acting_user,
        obj=document,
        organisation=document.organisation_id,
        from_state="active",
        to_state="withdrawn",
        reason=reason,
    )
    return document
