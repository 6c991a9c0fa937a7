"""Planning to-dos: unit staff file their draft revisions; the city government decides on
submitted city plans; BDB revises returned ones; the three authorities confirm filings."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Authority, Role
from core.todos import Todo, provider

from .models import (
    UNIT_STAFF_ROLES,
    CityPlanState,
    CityPlanVersion,
    MasterPlanFiling,
    MasterPlanRevision,
    RevisionState,
)

LIMIT = 10
FILING_ROLE_OF = {
    Authority.BDB: Role.BDB_REVIEWER,
    Authority.DRC: Role.DRC_OFFICER,
    Authority.CAC: Role.CAC_REVIEWER,
}


def _city_plan_todos(
    state: CityPlanState, category: str, title: str, detail: Callable[[CityPlanVersion], str]
) -> list[Todo]:
    """A to-do for each version of the city plan in ``state`` (``title`` names it as ``%(v)s``),
    opening the plan's page."""
    versions = CityPlanVersion.objects.filter(state=state).select_related("plan")[:LIMIT]
    return [
        Todo(
            title=title % {"v": v},
            url=reverse("planning:city_plan_detail", args=[v.plan_id]),
            category=category,
            detail=detail(v),
        )
        for v in versions
    ]


@provider
def planning_todos(user) -> list:
    if not user.is_authenticated:
        return []
    category = _("规划管理")
    items: list[Todo] = []
    memberships = user.active_memberships()
    unit_ids = {m.organisation_id for m in memberships if m.role in UNIT_STAFF_ROLES}
    if unit_ids:
        drafts = (
            MasterPlanRevision.objects.filter(unit_id__in=unit_ids, state=RevisionState.DRAFT)
            .select_related("plan", "unit")
            .order_by("created_at")[:LIMIT]
        )
        for rev in drafts:
            items.append(
                Todo(
                    title=_("报备总体方案《%(title)s》第%(n)s版")
                    % {"title": rev.plan.title, "n": rev.number},
                    url=reverse("planning:master_plan_detail", args=[rev.plan_id]),
                    category=category,
                    detail=_(
                        "修订稿尚未报备：经本部门集体审议后向市大数据发展局、市发展改革委、市委网信办报备（第六条）。"
                    ),
                )
            )
    if user.has_role(Role.GOV_APPROVER):
        submitted = _("市大数据发展局报请批准（第六条）。")
        items += _city_plan_todos(
            CityPlanState.SUBMITTED, category, _("审批市级规划：%(v)s"), lambda v: submitted
        )
    if user.has_role(Role.BDB_REVIEWER):
        items += _city_plan_todos(
            CityPlanState.RETURNED,
            category,
            _("修改后重新报批：%(v)s"),
            lambda v: v.decision_opinion,
        )
    authority_ids = [
        m.organisation_id
        for m in memberships
        if m.organisation.authority in FILING_ROLE_OF
        and m.role == FILING_ROLE_OF[m.organisation.authority]
    ]
    if authority_ids:
        filings = (
            MasterPlanFiling.objects.filter(
                authority_id__in=authority_ids, received_at__isnull=True
            )
            .select_related("revision__plan", "revision__unit")
            .order_by("filed_at")[:LIMIT]
        )
        for filing in filings:
            rev = filing.revision
            items.append(
                Todo(
                    title=_("查收总体方案报备：%(unit)s《%(title)s》第%(n)s版")
                    % {"unit": rev.unit.display_name, "title": rev.plan.title, "n": rev.number},
                    url=reverse("planning:master_plan_detail", args=[rev.plan_id])
                    + f"?rev={rev.number}",
                    category=category,
                )
            )
    return items
