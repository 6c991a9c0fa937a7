"""The reusable documents panel of a subject page: its documents and an upload form.

In a view: ``ctx["documents_panel"] = documents_panel_context(plan, request.user)`` and in the
template ``{% include "documents/_panel.html" with panel=documents_panel %}``; or, without
touching the view, ``{% load documents_tags %}{% documents_panel plan %}``. The form is the
upload action's contract (``documents.contracts.DocumentUploadIn``), its fields prefixed by
the panel so that several panels can share a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext

from core.forms import contract_form

from .contracts import DocumentUploadIn
from .models import Chapter, DocType
from .services import subject_visible, visible_documents


def panel_prefix(content_type_id: int, subject_id: Any) -> str:
    return f"documents-{content_type_id}-{subject_id}"


def documents_panel_context(
    subject: Any,
    user: Any,
    doc_types: Iterable[str] | None = None,
    *,
    next_url: str = "",
    title: str = "",
    chapters: Iterable[str] | None = None,
    documents: list[Any] | None = None,
) -> dict[str, Any]:
    """What ``documents/_panel.html`` needs. ``doc_types`` restricts both the list and the
    upload select (default: every type); ``chapters`` restricts the chapter select.
    ``documents``: the subject's visible documents when the caller read those of many
    subjects at once (``visible_documents_of``); otherwise they are read here."""
    types = [DocType(t) for t in doc_types] if doc_types else list(DocType)
    wanted = {t.value for t in types}
    if documents is not None:
        docs: Any = [d for d in documents if not doc_types or d.doc_type in wanted]
    else:
        docs = visible_documents(subject, user)
        if doc_types:
            docs = docs.filter(doc_type__in=wanted)
    can_attach = getattr(subject, "can_attach", None)
    if callable(can_attach):
        upload_types = [t for t in types if can_attach(user, t.value)]
    else:
        upload_types = types if subject_visible(subject, user) else []
    chapter_choices = [Chapter(c) for c in chapters] if chapters else list(Chapter)
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    prefix = panel_prefix(ct.pk, subject.pk)
    form = contract_form(
        DocumentUploadIn,
        prefix=prefix,
        choices={
            "doc_type": [(t.value, t.label) for t in upload_types],
            "chapter": [(c.value, c.label) for c in chapter_choices],
        },
    )
    return {
        "subject": subject,
        "title": title or gettext("文件材料"),
        "documents": list(docs),
        "can_upload": bool(upload_types),
        "upload_url": reverse("documents:upload", args=[ct.pk, subject.pk]),
        "doc_type_choices": [(t.value, t.label) for t in upload_types],
        "chapter_choices": [(c.value, c.label) for c in chapter_choices],
        "form": form,
        "next": next_url,
        "dom_id": prefix,
    }
