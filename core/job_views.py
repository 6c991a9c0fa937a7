"""The pages of background jobs (``core.jobs``): one's own jobs, a job's progress (polled by the
page while it runs) and its result file. Only the person who started a job sees it; anyone
else's, or one that does not exist, is 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .listing import paginate_sorted
from .models import BackgroundJob


def _own(request: HttpRequest, pk: int) -> BackgroundJob:
    return get_object_or_404(BackgroundJob, pk=pk, owner_id=request.user.pk)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = BackgroundJob.objects.filter(owner_id=request.user.pk)
    _page, ctx = paginate_sorted(
        request,
        jobs,
        sortable={"created": "created_at", "title": "title", "state": "state"},
        default_sort="-created",
        search_fields=("title",),
    )
    return render(request, "core/jobs.html", ctx)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "core/job.html", {"job": _own(request, pk)})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the job page, which the page asks for again while the job runs;
    when the job has ended, the whole page is reloaded (its result is more than a bar)."""
    job = _own(request, pk)
    response = render(request, "core/_job_progress.html", {"job": job})
    if job.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own(request, pk)
    if not job.result_file:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)
