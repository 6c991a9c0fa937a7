"""What the supervision chapter adds to other pages' "您现在可以办理" card:

- for the unit's staff, the supervision deadlines it must meet on the page's project, system or
  unit (answers, rectification reports), soonest first;
- for everyone who sees the page, the sanctions in force on the project (or on the systems'
  projects, or the unit), so that the page says why the project cannot proceed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from accounts.recipients import is_unit_staff
from core.dates import today
from core.offers import Duty, duties

from .actions.base import page_project
from .deadlines import SupervisionDue, items_of, project_items
from .effects import sanctions_against
from .models import Sanction, SanctionKind

SANCTION_TITLES = {
    SanctionKind.CRITICISM: L("已被通报批评"),
    SanctionKind.DEFERRAL: L("暂缓安排投资计划"),
    SanctionKind.SUSPENSION: L("项目建设已暂停"),
    SanctionKind.TERMINATION: L("项目实施已终止"),
}


def deadline_duties(items: list[SupervisionDue]) -> list[Duty]:
    on = today()
    rows = []
    for item in items:
        status = item.status(on)
        rows.append(
            Duty(
                title=item.text,
                url=item.url,
                due=item.due_on,
                detail=_("依据%(article)s。") % {"article": item.article}
                if status != "overdue"
                else _("依据%(article)s，已逾期。") % {"article": item.article},
                overdue=status == "overdue",
            )
        )
    return rows


def sanction_duties(sanctions: Any) -> list[Duty]:
    return [
        Duty(
            title=f"{SANCTION_TITLES[SanctionKind(s.kind)]}：{s.authority.display_name}"
            f"（{s.number}）",
            url=s.get_absolute_url(),
            detail=_("%(reasons)s（第三十五条）") % {"reasons": s.reasons},
            overdue=s.kind in (SanctionKind.SUSPENSION, SanctionKind.TERMINATION),
        )
        for s in (
            sanctions.select_related("authority")
            if hasattr(sanctions, "select_related")
            else sanctions
        )
    ]


@duties("projects.project")
@duties("delivery.delivery")
def project_duties(page_obj: Any, user: Any) -> list[Duty]:
    project = page_project(page_obj)
    if project is None:
        return []
    rows = sanction_duties(
        [s for s in sanctions_against(project) if s.kind != SanctionKind.CRITICISM]
    )
    if is_unit_staff(user, project.unit_id):
        rows += deadline_duties(project_items(project))
    return rows


@duties("accounts.organisation")
def unit_duties(page_obj: Any, user: Any) -> list[Duty]:
    rows = sanction_duties(
        Sanction.objects.in_force().filter(unit=page_obj).exclude(kind=SanctionKind.CRITICISM)
    )
    if is_unit_staff(user, page_obj.pk):
        rows += deadline_duties(items_of({"unit_id": page_obj.pk}))
    return rows


@duties("catalog.informationsystem")
def system_duties(page_obj: Any, user: Any) -> list[Duty]:
    """The catalog shows the state of the system's projects (a suspended or terminated
    project) and the unit's deadlines on the system."""
    rows = sanction_duties(
        Sanction.objects.in_force()
        .filter(project__in=page_obj.projects.all())
        .exclude(kind__in=(SanctionKind.CRITICISM, SanctionKind.DEFERRAL))
    )
    if is_unit_staff(user, page_obj.unit_id):
        rows += deadline_duties(items_of({"system_id": page_obj.pk}))
    return rows
