"""Pages of the delivery chapter."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.scoping import get_visible_or_404
from projects.models import Project

from .services import project_due_items


@login_required
def project_delivery(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    return render(
        request,
        "delivery/project.html",
        {"project": project, "due_items": project_due_items(project)},
    )


@login_required
def calendar(request):
    return render(request, "delivery/calendar.html", {})
