"""Rules with their articles, decisions with their findings, policy versions, and the Art. 9
approval-path estimator."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.scoping import for_user, get_visible_or_404
from core.actions import registered as registered_actions
from core.errors import ActionBlocked, ActionInvalid
from core.forms import contract_form
from core.listing import paginate_sorted
from core.machines import Machine, machines
from core.pageactions import blocked_details

from .actions import estimate_approval_path
from .contracts import ApprovalPathEstimateIn
from .models import Decision, Outcome, PolicyVersion
from .registry import Finding, registry
from .requirements import REQUIREMENTS


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = sorted(registry.rules.values(), key=lambda r: _rid_key(r.id))
    gates_by_rule: dict[str, list[str]] = {}
    for code, (title, _action, rule_ids) in registry.gates.items():
        for rid in rule_ids:
            gates_by_rule.setdefault(rid, []).append(f"{title}（{code}）")
    rows = [{"rule": r, "gates": gates_by_rule.get(r.id, [])} for r in rules]
    covered = {r.requirement_id for r in rules}
    requirements = [
        {"id": rid, "article": art, "text": text, "covered": rid in covered}
        for rid, (art, text) in sorted(REQUIREMENTS.items(), key=lambda kv: _rid_key(kv[0]))
    ]
    return render(
        request,
        "policy/rules.html",
        {"rows": rows, "requirements": requirements, "covered_count": len(covered)},
    )


def _rid_key(rid: str) -> tuple[int, int, str]:
    parts = rid[1:].split(".")
    return (int(parts[0]), int(parts[1]), ".".join(parts[2:]))


@login_required
def decision_list(request: HttpRequest) -> HttpResponse:
    qs = for_user(Decision, request.user).select_related("policy", "organisation", "actor")
    outcome = request.GET.get("outcome", "")
    if outcome in Outcome.values:
        qs = qs.filter(outcome=outcome)
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={"time": "created_at", "gate": "gate", "outcome": "outcome"},
        default_sort="-time",
        search_fields=("subject_repr", "gate"),
    )
    ctx.update(outcomes=Outcome.choices, current_outcome=outcome)
    return render(request, "policy/decisions.html", ctx)


@login_required
def decision_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    decision = get_visible_or_404(
        Decision.objects.select_related("policy", "actor", "organisation"), request.user, pk=pk
    )
    findings = [Finding.from_dict(f) for f in decision.findings]
    return render(request, "policy/decision.html", {"decision": decision, "findings": findings})


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    versions = for_user(PolicyVersion, request.user).prefetch_related("parameters")
    return render(request, "policy/policies.html", {"versions": versions})


@login_required
def approval_path(request: HttpRequest) -> HttpResponse:
    """The Art. 9 estimate: the action's contract as a form over the units the user may act
    for; the stored decision is shown next, also when the gate refuses the amount."""
    step = estimate_approval_path
    user = request.user
    form = contract_form(
        ApprovalPathEstimateIn,
        request.POST if request.method == "POST" else None,
        choices=step.choices(None, user),
    )
    form.fields["organisation_id"].error_messages["invalid_choice"] = _("请选择有效的建设单位。")
    if request.method == "POST" and form.is_valid():
        try:
            decision = step.execute(None, form.contract, acting_user=user)
        except ActionBlocked as exc:
            messages.error(request, f"{exc.message} {blocked_details(exc.findings)}")
            if exc.decision is not None:
                return redirect("policy:decision", pk=exc.decision.pk)
        except ActionInvalid as exc:
            form.add_action_errors(exc.errors)
        else:
            return redirect(step.next_url(None, decision))
    return render(request, "policy/approval_path.html", {"form": form, "action": step})


# -- every lifecycle (core.machines) ---------------------------------------------------------


def machine_rows(machine: Machine) -> list[dict[str, Any]]:
    """A machine's transitions with state and role labels and each gate's rules."""
    roles = dict(Role.choices)
    rows = []
    for t in machine.transitions:
        gate = registry.gates.get(t.gate) if t.gate else None
        rows.append(
            {
                "t": t,
                "sources": [machine.state_label(s) for s in t.sources],
                "target": machine.state_label(t.target),
                "roles": [roles.get(r, r) for r in dict.fromkeys(t.roles)],
                "gate_title": gate[0] if gate else "",
                "rules": [registry.rules[rid] for rid in gate[2] if rid in registry.rules]
                if gate
                else [],
                "action": registered_actions().get(t.action),
            }
        )
    return rows


@login_required
def lifecycles(request: HttpRequest) -> HttpResponse:
    """Every object's lifecycle as a table: the platform changes a state only along these."""
    entries = [
        {
            "machine": m,
            "rows": machine_rows(m),
            "states": [(s, m.state_label(s)) for s in m.states.values],
            "terminal": [m.state_label(s) for s in m.terminal],
            "initial": m.state_label(m.initial) if m.initial else "",
        }
        for m in sorted(machines(), key=lambda m: str(m.label))
    ]
    return render(request, "policy/lifecycles.html", {"entries": entries})


def measures(request: HttpRequest) -> HttpResponse:
    """The text of the measures, article by article (anchors ``#art-8``), open to anyone: the
    steps of every page link here (issue 18 pt 12); the text is published (此件公开发布)."""
    from .measures import TITLE, chapters

    return render(request, "policy/measures.html", {"title": TITLE, "chapters": chapters()})
