"""What a sanction stops (Art. 35 ¶1, R35.1), through ``core.actions.guard``: every action of
every chapter is asked, so the rule lives with the decision and no chapter re-derives it.

- 暂停项目建设 (until lifted) and 终止项目实施 (for ever) stop, on the project, every state
  transition (an action that names a transition of a machine) and the contract and payment
  actions (``CONTRACT_AND_PAYMENT_ACTIONS``);
- 终止项目实施 also stops new budget lines (its open ones are closed) and plan entries;
- 暂缓安排投资计划 stops the investment chapter's plan-entry actions (``PLAN_ENTRY_ACTIONS``)
  for the project, or for every new or expansion project of the unit;
- 通报批评 stops nothing: it is a public notice.

Nothing else is stopped: actions that record without moving a state (a milestone, an annual
report, an incident report, a document) go on, so that the unit can still report and rectify.
The supervision chapter's own actions, actions on its records (evidence attached to an order)
and actions marked ``unguarded`` are never stopped.

The action names of other chapters are listed here once; they are the registry names
(``<app>.<function>``) of the investment chapter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from core.actions import Action, guard
from core.findings import Finding
from planning.models import ItemKind
from policy.gates import refusal
from projects.models import Project

from .models import DeferralScope, Sanction, SanctionKind

K = SanctionKind

# contracts and payments of a project (Art. 25): stopped by a suspension and a termination
CONTRACT_AND_PAYMENT_ACTIONS = frozenset(
    {"investment.record_contract", "investment.record_payment"}
)
# budget lines: a termination closes them and no new one is arranged
BUDGET_ACTIONS = frozenset({"investment.add_budget_line", "investment.budget_art11"})
# entering an annual plan or its adjustment (Art. 10, 11): stopped by a deferral
PLAN_ENTRY_ACTIONS = frozenset(
    {
        "investment.add_plan_entry",
        "investment.change_plan_entry",
        "investment.compile_plan",
        "investment.approve_art11",
    }
)
# the unit's projects a unit-wide deferral binds: its new investment (新建、改扩建)
DEFERRED_KINDS = (ItemKind.NEW, ItemKind.EXPANSION)


def moves_state(action: Action) -> bool:
    """Does the action take a transition of a machine?"""
    return bool(action.transition)


def stopped_by(kind: str, action: Action) -> bool:
    """Would a sanction of ``kind`` in force stop ``action`` on its project?"""
    if kind == K.SUSPENSION:
        return moves_state(action) or action.name in CONTRACT_AND_PAYMENT_ACTIONS
    if kind == K.TERMINATION:
        return (
            moves_state(action)
            or action.name in CONTRACT_AND_PAYMENT_ACTIONS
            or action.name in BUDGET_ACTIONS
            or action.name in PLAN_ENTRY_ACTIONS
        )
    if kind == K.DEFERRAL:
        return action.name in PLAN_ENTRY_ACTIONS
    return False


def may_be_stopped(action: Action) -> bool:
    return any(stopped_by(kind, action) for kind in (K.SUSPENSION, K.TERMINATION, K.DEFERRAL))


def project_under(action: Action, obj: Any) -> Project | None:
    """The project an action of another chapter acts on, if any."""
    if obj is None or not hasattr(obj, "_meta") or obj._meta.app_label == "supervision":
        return None
    if action.name.split(".")[0] == "supervision":
        return None
    project = action.project_of(obj)
    return project if isinstance(project, Project) else None


def binds(sanction: Sanction, project: Project) -> bool:
    """A unit-wide deferral binds only the unit's new and expansion projects."""
    if sanction.kind == K.DEFERRAL and sanction.scope == DeferralScope.UNIT:
        return sanction.project_id == project.pk or project.kind in DEFERRED_KINDS
    return True


MESSAGES = {
    K.SUSPENSION: (
        "R35.1.suspended",
        N_(
            "项目于 %(on)s 被%(authority)s暂停建设（%(number)s），暂停期间不能%(label)s（第三十五条）。"
        ),
        N_("请按整改通知整改，由%(authority)s解除暂停后再办理。"),
    ),
    K.TERMINATION: (
        "R35.1.terminated",
        N_(
            "项目已于 %(on)s 被%(authority)s终止实施（%(number)s），不能再%(label)s（第三十五条）。"
        ),
        N_("终止是最终决定；如有异议，请向%(authority)s反映。"),
    ),
    K.DEFERRAL: (
        "R35.1.deferred",
        N_(
            "%(authority)s已决定暂缓安排投资计划（%(number)s，%(on)s），暂缓期间不能%(label)s（第三十五条）。"
        ),
        N_("请按整改通知整改，由%(authority)s解除暂缓后再纳入年度投资计划。"),
    ),
}


def sanction_finding(sanction: Sanction, action: Action) -> Finding:
    rule_id, message, remedy = MESSAGES[K(sanction.kind)]
    return refusal(
        rule_id,
        message,
        remedy=remedy,
        title=str(action.label),
        facts={"sanction": sanction.pk, "kind": sanction.kind, "action": action.name},
        params={
            "on": f"{timezone.localtime(sanction.created_at):%Y-%m-%d}",
            "authority": sanction.authority.display_name,
            "number": sanction.number,
            "label": str(action.label),
        },
    )


@guard
def sanctions_in_force(action: Action, obj: Any, user: Any) -> Iterator[Finding]:
    """The sanctions in force on the action's project that stop it."""
    if not may_be_stopped(action):
        return
    project = project_under(action, obj)
    if project is None:
        return
    for sanction in Sanction.objects.against(project).select_related("authority"):
        if stopped_by(sanction.kind, action) and binds(sanction, project):
            yield sanction_finding(sanction, action)
