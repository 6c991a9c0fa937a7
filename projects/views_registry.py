"""Pages of the project list versions (Art. 8 ¶2), cross-department frameworks (Art. 13),
classified stubs (Art. 8 ¶3) and the project lifecycle table. Views load through scoping and
filter with the chapter's filter sets; every form is an action's contract posted to its action
page, and the framework page shows the "您现在可以办理" card."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.scoping import for_user, get_visible_or_404
from core.filters import for_page
from core.forms import contract_form
from core.listing import paginate_sorted
from core.offers import next_steps
from core.views import act
from core.xlsx import download
from policy.registry import registry
from policy.views import machine_rows

from . import exports
from .actions import (
    create_framework,
    publish_project_list,
    record_classified_stub,
)
from .filters import FrameworkFilter, ProjectListFilter, StubFilter
from .machines import PROJECT, RESUBMIT_TARGET
from .models import (
    ClassifiedStub,
    Framework,
    FrameworkParticipant,
    Project,
    ProjectListVersion,
    ProjectState,
)
from .rules import LISTED_STATES, ever_listed, overlapping_items
from .visibility import reads_all_projects

# -- project list versions (Art. 8 ¶2, R8.2) ---------------------------------------------------


@login_required
def project_lists(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = for_user(ProjectListVersion, user)
    filters, qs = for_page(ProjectListFilter, request, visible.select_related("published_by"))
    qs = qs.annotate(entry_count=Count("entries"), total=Sum("entries__amount"))
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"year": "year", "number": "number", "published": "published_at"},
        default_sort="-published",
    )
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    is_bdb = publish_project_list.permitted(None, user)
    ctx.update(years=years, year=request.GET.get("year", ""), filters=filters, is_bdb=is_bdb)
    if is_bdb:
        ctx["pending"] = _listed_by_year(user)
        default_year = ctx["pending"][0][0] if ctx["pending"] else (years[0] if years else None)
        ctx["publish_form"] = contract_form(
            publish_project_list.Input, initial={"year": default_year}
        )
    return render(request, "projects/lists.html", ctx)


def _listed_by_year(user) -> list[tuple[int, int]]:
    """(year, number of projects a publication of that year would include), newest first."""
    counts: dict[int, int] = {}
    candidates = (
        for_user(Project, user)
        .filter(state__in=[*LISTED_STATES, ProjectState.RETURNED])
        .only("year", "state", "returned_from")
    )
    for project in candidates:
        if ever_listed(project):
            counts[project.year] = counts.get(project.year, 0) + 1
    return sorted(counts.items(), reverse=True)


def _previous_version(version):
    return (
        ProjectListVersion.objects.filter(year=version.year, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def list_diff(version, previous) -> dict:
    """What changed from ``previous`` to ``version``: entries added, removed, and changed in
    amount or priority (each a dict with the old and new entry)."""
    if previous is None:
        return {"added": [], "removed": [], "changed": [], "has_changes": False}
    new = {e.project_id: e for e in version.entries.all()}
    old = {e.project_id: e for e in previous.entries.all()}
    added = [new[pid] for pid in new if pid not in old]
    removed = [old[pid] for pid in old if pid not in new]
    changed = []
    for pid, entry in new.items():
        before = old.get(pid)
        if before is None:
            continue
        fields = []
        if before.amount != entry.amount:
            fields.append("amount")
        if before.priority != entry.priority:
            fields.append("priority")
        if fields:
            changed.append({"old": before, "new": entry, "fields": fields})
    return {
        "added": added,
        "removed": removed,
        "changed": changed,
        "has_changes": bool(added or removed or changed),
    }


@login_required
def list_version(request, pk):
    user = request.user
    version = get_visible_or_404(
        ProjectListVersion.objects.select_related("published_by"), user, pk=pk
    )
    entries = list(version.entries.select_related("project").order_by("priority", "project_id"))
    visible = set(
        for_user(Project, user)
        .filter(pk__in=[e.project_id for e in entries])
        .values_list("pk", flat=True)
    )
    for entry in entries:
        entry.linkable = entry.project_id in visible
    previous = _previous_version(version)
    diff = list_diff(version, previous)
    changed_ids = {c["new"].project_id for c in diff["changed"]}
    added_ids = {e.project_id for e in diff["added"]}
    for entry in entries:
        entry.is_added = previous is not None and entry.project_id in added_ids
        entry.is_changed = entry.project_id in changed_ids
    total = sum((e.amount for e in entries), Decimal(0))
    ctx = {
        "version": version,
        "entries": entries,
        "total": total,
        "previous": previous,
        "diff": diff,
        "later": ProjectListVersion.objects.filter(year=version.year, number__gt=version.number)
        .order_by("number")
        .first(),
    }
    return render(request, "projects/list_version.html", ctx)


@login_required
def list_version_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_visible_or_404(ProjectListVersion, request.user, pk=pk)
    return download(
        exports.list_version_xlsx(version), f"{version.year}年项目清单第{version.number}版.xlsx"
    )


# -- cross-department frameworks (Art. 13, R13.1, R13.2) ---------------------------------------


@login_required
def frameworks(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = for_user(Framework, user).select_related("lead_unit")
    filters, qs = for_page(FrameworkFilter, request, visible)
    qs = qs.annotate(participant_count=Count("participants", distinct=True))
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"title": "title", "lead": "lead_unit__name", "created": "created_at"},
        default_sort="-created",
    )
    ctx.update(filters=filters, can_create=create_framework.permitted(None, user))
    return render(request, "projects/framework_list.html", ctx)


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    framework = get_visible_or_404(
        Framework.objects.select_related("lead_unit", "reviewed_by", "created_by"), user, pk=pk
    )
    participants = list(framework.participants.select_related("unit"))
    overlaps = overlapping_items(framework.participants.select_related("unit"))
    overlapping = {item for item, _units in overlaps}
    for participant in participants:
        participant.items = [
            (item, "".join(str(item).split()).lower() in overlapping)
            for item in participant.content_items or []
        ]
    steps = next_steps(framework, user)
    ctx = {
        "framework": framework,
        "participants": participants,
        "districts": list(framework.districts.select_related("district")),
        "overlaps": overlaps,
        "projects": for_user(Project, user).filter(framework=framework).select_related("unit"),
        "steps": steps,
        # the participants' rows link to their edit page while the plan may be changed
        "can_edit": "projects.set_framework_participant" in steps.names(),
    }
    return render(request, "projects/framework_detail.html", ctx)


@login_required
def framework_participant_edit(request: HttpRequest, pk: int, participant_pk: int) -> Any:
    """The participant's edit page (its unit stays): the action page of its row."""
    participant = get_visible_or_404(FrameworkParticipant, request.user, pk=participant_pk)
    if participant.framework_id != pk:
        raise Http404
    return act(request, "projects.change_framework_participant", participant.pk)


# -- classified stubs (Art. 8 ¶3, R8.3) --------------------------------------------------------


@login_required
def stubs(request: HttpRequest) -> Any:
    """The stubs and their totals by year; DRC records one here (the form posts to this page:
    the action ``record_classified_stub``)."""
    user = request.user
    if request.method == "POST":
        return act(request, "projects.record_classified_stub")
    filters, qs = for_page(
        StubFilter, request, for_user(ClassifiedStub, user).select_related("unit", "recorded_by")
    )
    totals = list(
        qs.order_by()
        .values("year")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("-year")
    )
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "code": "code",
            "unit": "unit__name",
            "year": "year",
            "amount": "amount",
            "time": "recorded_at",
        },
        default_sort="-year",
    )
    form = None
    if record_classified_stub.permitted(None, user):
        form = contract_form(
            record_classified_stub.Input, choices=record_classified_stub.choices(None, user)
        )
    ctx.update(form=form, filters=filters, totals=totals, can_read=reads_all_projects(user))
    return render(request, "projects/stub_list.html", ctx)


# -- the lifecycle table -------------------------------------------------------------------------


def other_gates() -> list[dict]:
    """Gates of this chapter that guard actions outside the project's machine (creating a
    project, the framework plan)."""
    used = {t.gate for t in PROJECT.transitions}
    rows = []
    for code, (title, action, rule_ids) in registry.gates.items():
        if code.startswith("projects.") and code not in used:
            rules = [registry.rules[r] for r in rule_ids if r in registry.rules]
            rows.append({"code": code, "title": title, "action": action, "rules": rules})
    return rows


@login_required
def lifecycle_table(request: HttpRequest) -> HttpResponse:
    """The project's machine as a table (every machine is on /policy/lifecycles/), with where
    a returned project goes back to and the chapter's other gates."""
    ctx = {
        "rows": machine_rows(PROJECT),
        "others": other_gates(),
        "terminal": [PROJECT.state_label(s) for s in PROJECT.terminal],
        "resubmit": [
            (ProjectState(a).label, ProjectState(b).label) for a, b in RESUBMIT_TARGET.items()
        ],
    }
    return render(request, "projects/lifecycle.html", ctx)
