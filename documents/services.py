"""Read helpers other chapters use to find materials of a subject and to evaluate gates
(e.g. "the feasibility study and its five chapters are attached", Art. 14). No user scoping
here: callers load the subject for the user first. No state changes (see ``actions.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from accounts.scoping import for_user
from core.crypto import same, sm3_hex
from core.memo import memoised
from core.storage import TamperedFile

from .models import Document, DocumentVersion
from .validation import digests_of


def _content_type(model_or_obj) -> ContentType:
    # Cached by ContentTypeManager: no query after the first call for a model.
    return ContentType.objects.get_for_model(model_or_obj, for_concrete_model=False)


def documents_of(subject, doc_type=None, chapter=None) -> QuerySet[Document]:
    """The subject's documents that are not withdrawn, newest first, with their versions
    prefetched (``current_version()`` costs no query)."""
    qs = Document.objects.of(subject).active()
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if chapter:
        qs = qs.filter(chapter=chapter)
    return qs.with_versions().select_related("created_by")


def subject_visible(subject, user) -> bool:
    """Whether ``user`` can see ``subject`` through its model's ``for_user``."""
    model = type(subject)

    def visible() -> bool:
        try:
            return for_user(model, user).filter(pk=subject.pk).exists()
        except TypeError:  # the subject model is not scoped: not exposed to users
            return False

    return memoised(visibility_key(subject, user), visible)


def visibility_key(subject: Any, user: Any) -> tuple[str, str, Any, Any]:
    """The memo key (``core.memo``) of "``user`` sees ``subject``"."""
    return ("visible", subject._meta.label_lower, subject.pk, user.pk)


def may_attach(subject, user, doc_type) -> bool:
    """Whether ``user`` may upload (or withdraw) documents of ``doc_type`` on ``subject``:
    the subject's own ``can_attach(user, doc_type)`` decides when it defines one; otherwise
    seeing the subject is enough."""
    if not getattr(user, "is_authenticated", False):
        return False
    can_attach = getattr(subject, "can_attach", None)
    if callable(can_attach):
        return bool(can_attach(user, doc_type))
    return subject_visible(subject, user)


def visible_documents(subject, user, *, include_withdrawn=False) -> QuerySet[Document]:
    """The subject's documents as ``user`` may see them (none if the subject is not visible)."""
    if not subject_visible(subject, user):
        return Document.objects.none()
    qs = Document.objects.of(subject)
    if not include_withdrawn:
        qs = qs.active()
    return qs.with_versions().select_related("created_by", "withdrawn_by")


def visible_documents_of(subjects: list[Any]) -> dict[Any, list[Document]]:
    """The active documents of several subjects of one model, which the caller has read
    through ``for_user`` (so they are visible), in one query: subject pk → documents, newest
    first, versions prefetched."""
    if not subjects:
        return {}
    ct = ContentType.objects.get_for_model(subjects[0], for_concrete_model=False)
    grouped: dict[Any, list[Document]] = {s.pk: [] for s in subjects}
    docs = (
        Document.objects.filter(subject_type=ct, subject_id__in=list(grouped))
        .active()
        .with_versions()
        .select_related("created_by", "withdrawn_by")
    )
    for doc in docs:
        grouped[doc.subject_id].append(doc)
    return grouped


def has_document(subject, doc_type, chapter=None) -> bool:
    """Whether the subject has a non-withdrawn document of ``doc_type`` (and ``chapter``)."""
    qs = Document.objects.of(subject).active().filter(doc_type=doc_type)
    if chapter:
        qs = qs.filter(chapter=chapter)
    return qs.exists()


def _subject_pks(subjects: Iterable) -> tuple[ContentType | None, list]:
    subjects = list(subjects)
    if not subjects:
        return None, []
    return _content_type(subjects[0]), [s.pk for s in subjects]


def _present(subjects: Iterable, field: str) -> dict[int, set[str]]:
    """``{subject pk: {value of field, …}}`` over the non-withdrawn documents of many subjects
    of one model, in ONE query; every subject appears, with an empty set when it has none."""
    ct, pks = _subject_pks(subjects)
    result: dict[int, set[str]] = {pk: set() for pk in pks}
    if ct is None:
        return result
    rows = (
        Document.objects.filter(subject_type=ct, subject_id__in=pks, is_withdrawn=False)
        .exclude(**{field: ""})
        .order_by()
        .values_list("subject_id", field)
        .distinct()
    )
    for subject_id, value in rows:
        result.setdefault(subject_id, set()).add(value)
    return result


def document_types_present(subjects: Iterable) -> dict[int, set[str]]:
    """``{subject pk: {doc_type, …}}`` of non-withdrawn documents, for many subjects of the
    same model in ONE query (gate evaluation over a list stays query-count-stable)."""
    return _present(subjects, "doc_type")


def chapters_present(subjects: Iterable) -> dict[int, set[str]]:
    """``{subject pk: {chapter, …}}`` of non-withdrawn documents that name a chapter of
    Art. 14 (R14.1), in ONE query for many subjects of the same model."""
    return _present(subjects, "chapter")


def verify_version(version: DocumentVersion) -> bool:
    """Re-hash the stored file (decrypted) and compare with the digests recorded at upload;
    a file whose SM4-GCM tag fails (``core.storage.TamperedFile``) does not verify either."""
    try:
        with version.file.open("rb") as fh:
            sha256, sm3 = digests_of(fh)
    except TamperedFile:
        return False
    return sha256 == version.sha256 and sm3 == version.sm3


def verified_content(version: DocumentVersion) -> bytes:
    """The decrypted bytes of a stored version, only when their SM3 digest is the one
    recorded at upload; ``TamperedFile`` otherwise (the caller refuses to serve it)."""
    with version.file.open("rb") as fh:
        content = bytes(fh.read())
    if not same(sm3_hex(content), version.sm3):
        raise TamperedFile(f"文件“{version.original_name}”的 SM3 摘要与上传时记录的不一致。")
    return content
