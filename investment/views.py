"""Pages of the investment chapter."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.scoping import for_user, get_visible_or_404

from .models import AnnualPlan, ChangeRequest


@login_required
def plan_detail(request, year):
    plan = get_visible_or_404(AnnualPlan, request.user, year=year)
    return render(request, "investment/plan.html", {"plan": plan})


@login_required
def change_detail(request, pk):
    change = get_visible_or_404(ChangeRequest, request.user, pk=pk)
    return render(request, "investment/change.html", {"change": change, "all": for_user})
