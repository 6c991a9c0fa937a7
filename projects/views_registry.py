"""Pages of the project list versions, frameworks, classified stubs and the lifecycle table."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.scoping import for_user, get_visible_or_404

from .models import Framework, ProjectListVersion


@login_required
def project_lists(request):
    versions = for_user(ProjectListVersion, request.user)
    return render(request, "projects/lists.html", {"versions": versions})


@login_required
def framework_detail(request, pk):
    framework = get_visible_or_404(Framework, request.user, pk=pk)
    return render(request, "projects/framework_detail.html", {"framework": framework})
