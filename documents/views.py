"""Document pages: upload from any subject's panel, detail with versions, digests and the
"您现在可以办理" card (a new version, withdrawal), download. Views only load (through scoping)
and call actions; missing and forbidden objects answer 404."""

from __future__ import annotations

import io
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.scoping import get_visible_or_404
from core.offers import next_steps
from core.pageactions import run_action
from core.storage import TamperedFile

from .actions import upload_document
from .contracts import DocumentUploadIn
from .models import Document, DocumentVersion
from .panel import panel_prefix
from .services import verified_content

logger = logging.getLogger(__name__)


def _next_url(request: HttpRequest, fallback: str) -> str:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def _back(request: HttpRequest, url: str) -> HttpResponse:
    # htmx requests get a client-side redirect so the page reloads and shows the message.
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _subject_or_404(content_type_id: int, subject_id: int, user: Any) -> Any:
    ct = get_object_or_404(ContentType, pk=content_type_id)
    model = ct.model_class()
    if model is None:
        raise Http404
    try:
        return get_visible_or_404(model, user, pk=subject_id)
    except TypeError as exc:  # a model without for_user is never exposed
        raise Http404 from exc


def _posted(request: HttpRequest, prefix: str) -> dict[str, Any]:
    """The upload's fields as the panel posted them (its fields carry the panel's prefix)."""
    names = list(DocumentUploadIn.model_fields)
    source = {**request.POST.dict(), **request.FILES.dict()}
    if any(k.startswith(f"{prefix}-") for k in source):
        return {n: source[f"{prefix}-{n}"] for n in names if f"{prefix}-{n}" in source}
    return {n: source[n] for n in names if n in source}


@login_required
@require_POST
def upload(request: HttpRequest, content_type_id: int, subject_id: int) -> HttpResponse:
    """The upload form of a subject's documents panel posts here; back to the panel's page."""
    subject = _subject_or_404(content_type_id, subject_id, request.user)
    data = _posted(request, panel_prefix(content_type_id, subject_id))
    document, ok = run_action(
        request, lambda: upload_document.execute(subject, data, acting_user=request.user)
    )
    fallback = reverse("core:workbench")
    if ok:
        messages.success(request, upload_document.success_message(subject, document))
        fallback = reverse("documents:detail", args=[document.pk])
    return _back(request, _next_url(request, fallback))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_visible_or_404(
        Document.objects.select_related("subject_type", "organisation", "created_by"),
        request.user,
        pk=pk,
    )
    versions = list(document.versions.select_related("uploaded_by").order_by("-number"))
    context = {
        "document": document,
        "versions": versions,
        "current": versions[0] if versions else None,
        "subject": document.subject,
        "subject_label": document.subject_type.name,
        "steps": next_steps(document, request.user),
    }
    return render(request, "documents/detail.html", context)


@login_required
def download(request: HttpRequest, pk: int, number: int) -> HttpResponse | FileResponse:
    """The decrypted file, served only when its SM3 digest is the one recorded at upload."""
    document = get_visible_or_404(Document, request.user, pk=pk)
    version = get_object_or_404(DocumentVersion, document=document, number=number)
    try:
        content = verified_content(version)
    except TamperedFile:
        logger.error("document %s v%s failed its integrity check", document.pk, version.number)
        return HttpResponse(
            _(
                "文件“%(name)s”未通过完整性校验（SM4-GCM 或 SM3 摘要与上传时记录的不一致），"
                "可能已被改动，系统拒绝提供下载。请联系系统管理员从备份恢复。"
            )
            % {"name": version.original_name},
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type or "application/octet-stream",
    )
