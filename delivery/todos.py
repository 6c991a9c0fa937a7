"""Delivery to-dos: unit staff see overdue and due-soon statutory items of their projects; BDB
organises acceptances, decides extensions and holds archive acceptances; DRC and Finance handle
open incidents; a supervisor reports monthly; a consultant does commissioned post-evaluations."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.recipients import consultant_org_ids, unit_ids_of
from accounts.roles import Role
from core.dates import today
from core.todos import Todo, provider
from policy.lookup import NoPolicyInForce

from .deadlines import due_items
from .models import (
    Acceptance,
    AcceptancePath,
    AcceptanceState,
    Delivery,
    ExtensionRequest,
    ExtensionState,
    Incident,
    IncidentState,
    Phase,
    PostEvaluation,
    PostEvaluationState,
    SupervisionReport,
    SupervisorAssignment,
)
from .services import clock_facts, policy_params, visible_projects

LIMIT = 10
CLOCK_PHASES = (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED, Phase.ACCEPTED)


def _mine(model, user):
    """Rows of the projects the user sees in the delivery chapter (``visible_projects``:
    ``for_user`` plus supervised and post-evaluated projects)."""
    return model.objects.filter(project__in=visible_projects(user))


def _link(project_id, anchor=""):
    url = reverse("delivery:project", args=[project_id])
    return f"{url}#{anchor}" if anchor else url


def _unit_items(user, unit_ids) -> list[Todo]:
    """Overdue and due-soon items (clock facts per project: a few queries each)."""
    category = _("建设与验收")
    items: list[Todo] = []
    on = today()
    deliveries = (
        _mine(Delivery, user)
        .filter(project__unit_id__in=unit_ids, phase__in=CLOCK_PHASES)
        .select_related("project", "project__unit")
        .order_by("project__code")[:50]
    )
    params: dict = {}
    for delivery in deliveries:
        project = delivery.project
        try:
            if project.unit_id not in params:
                params[project.unit_id] = policy_params(project)
        except NoPolicyInForce:
            continue
        for item in due_items(clock_facts(project, delivery), params[project.unit_id], on):
            status = item.status(on)
            if status not in ("overdue", "due_soon"):
                continue
            verb = _("已逾期") if status == "overdue" else _("即将到期")
            items.append(
                Todo(
                    title=_("%(verb)s：%(code)s《%(name)s》%(label)s")
                    % {
                        "verb": verb,
                        "code": project.code,
                        "name": project.name,
                        "label": item.label,
                    },
                    url=_link(project.pk, "due"),
                    category=category,
                    due=item.due_on,
                    detail=_("依据%(article)s，期限 %(due)s。")
                    % {"article": item.article, "due": item.due_on.isoformat()},
                )
            )
    return items


@provider
def delivery_todos(user) -> list:
    if not user.is_authenticated:
        return []
    category = _("建设与验收")
    items: list[Todo] = []
    units = unit_ids_of(user)
    if units:
        items.extend(_unit_items(user, units))

    if user.has_role(Role.BDB_REVIEWER):
        for acc in (
            _mine(Acceptance, user)
            .filter(state=AcceptanceState.APPLIED, path=AcceptancePath.BDB)
            .select_related("project")
            .order_by("applied_at")[:LIMIT]
        ):
            items.append(
                Todo(
                    title=_("组织竣工验收：%(code)s《%(name)s》")
                    % {"code": acc.project.code, "name": acc.project.name},
                    url=_link(acc.project_id, "acceptance"),
                    category=category,
                    detail=_("项目建设单位已申请竣工验收（第二十八条）。"),
                )
            )
        for ext in (
            _mine(ExtensionRequest, user)
            .filter(state=ExtensionState.PENDING)
            .select_related("project")
            .order_by("requested_at")[:LIMIT]
        ):
            items.append(
                Todo(
                    title=_("审核验收延期申请：%(code)s，申请延期至 %(until)s")
                    % {"code": ext.project.code, "until": ext.requested_until.isoformat()},
                    url=_link(ext.project_id, "acceptance"),
                    category=category,
                    detail=ext.reason,
                )
            )
        for delivery in (
            _mine(Delivery, user)
            .filter(phase=Phase.COMPLETED, archive_accepted_on__isnull=True)
            .select_related("project")
            .order_by("completed_on")[:LIMIT]
        ):
            items.append(
                Todo(
                    title=_("档案验收：%(code)s《%(name)s》")
                    % {"code": delivery.project.code, "name": delivery.project.name},
                    url=_link(delivery.project_id, "acceptance"),
                    category=category,
                    detail=_("项目已建成，竣工验收前须通过档案验收（第二十九条）。"),
                )
            )

    if user.has_role(Role.DRC_OFFICER, Role.FINANCE_OFFICER):
        for incident in (
            _mine(Incident, user)
            .exclude(state=IncidentState.CLOSED)
            .select_related("project")
            .order_by("reported_at")[:LIMIT]
        ):
            items.append(
                Todo(
                    title=_("重大事项（%(state)s）：%(code)s %(kind)s")
                    % {
                        "state": incident.get_state_display(),
                        "code": incident.project.code,
                        "kind": incident.get_kind_display(),
                    },
                    url=_link(incident.project_id, "incidents"),
                    category=category,
                    due=incident.rectification_deadline,
                    detail=_("可责令限期整改或暂停项目（第二十四条）。"),
                )
            )

    supervisors = {
        m.organisation_id for m in user.active_memberships() if m.role == Role.SUPERVISOR
    }
    if supervisors:
        on = today()
        reported = SupervisionReport.objects.filter(
            submitted_at__year=on.year, submitted_at__month=on.month
        ).values("project_id")
        for assignment in (
            _mine(SupervisorAssignment, user)
            .filter(
                is_active=True,
                supervisor_id__in=supervisors,
                project__delivery__phase__in=(Phase.CONSTRUCTION, Phase.TRIAL),
            )
            .exclude(project_id__in=reported)
            .select_related("project")
            .order_by("project__code")[:LIMIT]
        ):
            items.append(
                Todo(
                    title=_("提交本月监理报告：%(code)s《%(name)s》")
                    % {"code": assignment.project.code, "name": assignment.project.name},
                    url=_link(assignment.project_id, "supervision"),
                    category=category,
                    detail=_("本月尚未提交监理报告（第二十二条）。"),
                )
            )

    consultants = consultant_org_ids(user)
    if consultants:
        for post in (
            _mine(PostEvaluation, user)
            .filter(consultant_id__in=consultants, state=PostEvaluationState.COMMISSIONED)
            .select_related("project")
            .order_by("commissioned_at")[:LIMIT]
        ):
            items.append(
                Todo(
                    title=_("开展后评价：%(code)s《%(name)s》")
                    % {"code": post.project.code, "name": post.project.name},
                    url=_link(post.project_id, "evaluation"),
                    category=category,
                    detail=_("受委托开展第三方后评价（第三十条）。"),
                )
            )
    return items
