"""What a sanction stops (Art. 35 ¶1, R35.1), through ``core.actions.guard``: every action of
every chapter is asked, so the rule lives with the decision and no chapter re-derives it.

- 暂停项目建设 (until lifted) and 终止项目实施 (for ever) stop every action on the project —
  its state transitions, contracts, payments, budget lines, plan entries, changes, acceptance
  — except what the unit must still report and keep on record (``STILL_ALLOWED``);
- 暂缓安排投资计划 stops the investment chapter's plan-entry actions (``PLAN_ENTRY_ACTIONS``)
  for the project, or for every new or expansion project of the unit;
- 通报批评 stops nothing: it is a public notice.

Never stopped: the supervision chapter's own actions (answering, reporting a rectification,
lifting), actions on its records (evidence attached to an order), actions marked
``unguarded``, and the other chapters' actions listed in ``STILL_ALLOWED``: the delivery
chapter's own Art. 24 handling of incidents (itself supervision) and the reports a unit owes
whatever the state of its project (an incident, the annual performance report, the
supervisor's report, documents). Actions on other projects are never stopped.

The names are the registry names (``<app>.<function>``) of the other chapters, listed here
once; ``tests/supervision/test_effects.py`` checks that each still exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from core.actions import Action, guard
from core.findings import Finding
from core.memo import page_rows, read_along_any
from planning.models import ItemKind
from policy.gates import refusal
from projects.models import Project

from .models import DeferralScope, Sanction, SanctionKind
from .notices import zh

K = SanctionKind

# entering an annual plan or its adjustment (Art. 10, 11): stopped by a deferral.
# ``compile_plan`` acts on no project: the investment chapter's eligibility must ask
# ``deferred_projects`` for it (see the chapter's report).
PLAN_ENTRY_ACTIONS = frozenset(
    {
        "investment.add_plan_entry",
        "investment.change_plan_entry",
        "investment.approve_art11",
        "investment.compile_plan",
    }
)
# what goes on while a project is suspended or terminated
STILL_ALLOWED = frozenset(
    {
        # Art. 24 handling by DRC and Finance: supervision acts themselves
        "delivery.order_rectification",
        "delivery.suspend_project",
        "delivery.lift_suspension",
        "delivery.close_incident",
        # what the unit and its supervisor still report and keep on record
        "delivery.report_incident",
        "delivery.submit_annual_report",
        "delivery.submit_supervision_report",
        "documents.upload_document",
        "documents.add_document_version",
        "documents.withdraw_document",
    }
)
# the unit's projects a unit-wide deferral binds: its new investment (新建、改扩建)
DEFERRED_KINDS = (ItemKind.NEW, ItemKind.EXPANSION)


def stopped_by(kind: str, action: Action) -> bool:
    """Would a sanction of ``kind`` in force stop ``action`` on its project?"""
    if action.unguarded or action.name in STILL_ALLOWED:
        return False
    if kind in (K.SUSPENSION, K.TERMINATION):
        return True
    if kind == K.DEFERRAL:
        return action.name in PLAN_ENTRY_ACTIONS
    return False


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
            "label": zh(action.label),
        },
    )


def sanctions_against(project: Any) -> list[Sanction]:
    """The sanctions against ``project``, with their authorities and projects: read once per
    page (``core.memo``) for the card's guards, the unit's duties and the supervision panel."""
    return page_rows(
        "sanctions_against",
        project,
        lambda: list(Sanction.objects.against(project).select_related("authority", "project")),
    )


# the project page reads with its project whether any sanction may bind it (core.memo): its
# own, or a unit-wide deferral of its unit (``against`` without the test of being in force)
read_along_any(
    "projects.project",
    "sanctions_against",
    lambda ref: Sanction.objects.filter(
        Q(project_id=ref("pk"))
        | Q(kind=SanctionKind.DEFERRAL, scope=DeferralScope.UNIT, unit_id=ref("unit_id"))
    ),
)


@guard
def sanctions_in_force(action: Action, obj: Any, user: Any) -> Iterator[Finding]:
    """The sanctions in force on the action's project that stop it."""
    project = project_under(action, obj)
    if project is None:
        return
    for sanction in sanctions_against(project):
        if stopped_by(sanction.kind, action) and binds(sanction, project):
            yield sanction_finding(sanction, action)


def deferred_projects(projects: Any) -> dict[int, Sanction]:
    """The projects among ``projects`` a deferral in force binds, with the deferral: for
    the investment chapter's compilation of a whole plan (one query)."""
    projects = list(projects)
    units = {p.unit_id for p in projects}
    deferrals = list(
        Sanction.objects.in_force()
        .filter(kind=K.DEFERRAL, unit_id__in=units)
        .select_related("authority")
    )
    found = {}
    for project in projects:
        for sanction in deferrals:
            if sanction.unit_id == project.unit_id and (
                sanction.project_id == project.pk
                or (sanction.scope == DeferralScope.UNIT and binds(sanction, project))
            ):
                found[project.pk] = sanction
    return found
