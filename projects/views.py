"""Pages of the projects chapter."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.scoping import for_user, get_visible_or_404

from .models import Project


@login_required
def project_list(request):
    projects = for_user(Project, request.user).select_related("unit")
    return render(request, "projects/list.html", {"projects": projects})


@login_required
def project_detail(request, pk):
    project = get_visible_or_404(Project, request.user, pk=pk)
    return render(request, "projects/detail.html", {"project": project})
