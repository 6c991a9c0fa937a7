"""The reusable documents panel of a subject page: its documents and an upload form.

In a view: ``ctx["documents_panel"] = documents_panel_context(plan, request.user)`` and in the
template ``{% include "documents/_panel.html" with panel=documents_panel %}``; or, without
touching the view, ``{% load documents_tags %}{% documents_panel plan %}``.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext

from .models import Chapter, DocType
from .services import subject_visible, visible_documents


def documents_panel_context(
    subject, user, doc_types=None, *, next_url: str = "", title: str = "", chapters=None
) -> dict:
    """What ``documents/_panel.html`` needs. ``doc_types`` restricts both the list and the
    upload select (default: every type); ``chapters`` restricts the chapter select."""
    types = [DocType(t) for t in doc_types] if doc_types else list(DocType)
    docs = visible_documents(subject, user)
    if doc_types:
        docs = docs.filter(doc_type__in=[t.value for t in types])
    can_attach = getattr(subject, "can_attach", None)
    if callable(can_attach):
        upload_types = [t for t in types if can_attach(user, t.value)]
    else:
        upload_types = types if subject_visible(subject, user) else []
    chapter_choices = [Chapter(c) for c in chapters] if chapters else list(Chapter)
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return {
        "subject": subject,
        "title": title or gettext("文件材料"),
        "documents": list(docs),
        "can_upload": bool(upload_types),
        "upload_url": reverse("documents:upload", args=[ct.pk, subject.pk]),
        "doc_type_choices": [(t.value, t.label) for t in upload_types],
        "chapter_choices": [(c.value, c.label) for c in chapter_choices],
        "next": next_url,
        "dom_id": f"documents-{ct.pk}-{subject.pk}",
    }
