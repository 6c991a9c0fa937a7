"""Document pages: upload from any subject's panel, detail with versions and digests,
download, new version, withdraw. Views only load (through scoping) and call actions;
missing and forbidden objects answer 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.scoping import get_visible_or_404
from core.pageactions import run_action as _run

from . import actions
from .forms import UploadForm, VersionForm, WithdrawForm
from .models import Document, DocumentVersion
from .services import may_attach


def _next_url(request, fallback: str) -> str:
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def _back(request, url: str):
    # htmx requests get a client-side redirect so the page reloads and shows the message.
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _subject_or_404(content_type_id, subject_id, user):
    ct = get_object_or_404(ContentType, pk=content_type_id)
    model = ct.model_class()
    if model is None:
        raise Http404
    try:
        return get_visible_or_404(model, user, pk=subject_id)
    except TypeError as exc:  # a model without for_user is never exposed
        raise Http404 from exc


@login_required
@require_POST
def upload(request, content_type_id, subject_id):
    subject = _subject_or_404(content_type_id, subject_id, request.user)
    form = UploadForm(request.POST)
    fallback = reverse("core:workbench")
    if not form.is_valid():
        messages.error(request, form.error_text())
        return _back(request, _next_url(request, fallback))
    data = form.cleaned_data
    document, ok = _run(
        request,
        lambda: actions.upload_document(
            subject,
            acting_user=request.user,
            doc_type=data["doc_type"],
            title=data["title"],
            chapter=data["chapter"],
            note=data["note"],
            file=request.FILES.get("file"),
        ),
    )
    if ok:
        messages.success(request, f"已上传《{document.title}》（第1版）。")
        fallback = reverse("documents:detail", args=[document.pk])
    return _back(request, _next_url(request, fallback))


def _detail_context(request, document, **extra):
    versions = list(document.versions.select_related("uploaded_by").order_by("-number"))
    subject = document.subject
    can_edit = (
        subject is not None
        and not document.is_withdrawn
        and may_attach(subject, request.user, document.doc_type)
    )
    return {
        "document": document,
        "versions": versions,
        "current": versions[0] if versions else None,
        "subject": subject,
        "subject_label": document.subject_type.name,
        "can_edit": can_edit,
        "version_form": VersionForm(),
        "withdraw_form": WithdrawForm(),
        "next": _next_url(request, ""),
        **extra,
    }


@login_required
def detail(request, pk):
    document = get_visible_or_404(
        Document.objects.select_related("subject_type", "organisation", "created_by"),
        request.user,
        pk=pk,
    )
    return render(request, "documents/detail.html", _detail_context(request, document))


@login_required
def download(request, pk, number):
    document = get_visible_or_404(Document, request.user, pk=pk)
    version = get_object_or_404(DocumentVersion, document=document, number=number)
    try:
        fh = version.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(
        fh,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type or "application/octet-stream",
    )


@login_required
def new_version(request, pk):
    document = get_visible_or_404(Document, request.user, pk=pk)
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version, ok = _run(
            request,
            lambda: actions.add_document_version(
                document,
                acting_user=request.user,
                file=request.FILES.get("file"),
                note=form.cleaned_data["note"],
            ),
        )
        if ok:
            messages.success(request, f"已上传《{document.title}》第{version.number}版。")
            return _back(request, reverse("documents:detail", args=[document.pk]))
    elif request.method == "POST":
        messages.error(request, form.error_text())
    ctx = _detail_context(request, document, version_form=form)
    if not ctx["can_edit"]:
        raise Http404
    return render(request, "documents/version_form.html", ctx)


@login_required
def withdraw(request, pk):
    document = get_visible_or_404(Document, request.user, pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _doc, ok = _run(
            request,
            lambda: actions.withdraw_document(
                document, acting_user=request.user, reason=form.cleaned_data["reason"]
            ),
            success=f"已作废《{document.title}》。",
        )
        if ok:
            return _back(
                request, _next_url(request, reverse("documents:detail", args=[document.pk]))
            )
    elif request.method == "POST":
        messages.error(request, form.error_text())
    ctx = _detail_context(request, document, withdraw_form=form)
    if not ctx["can_edit"]:
        raise Http404
    return render(request, "documents/withdraw_form.html", ctx)
