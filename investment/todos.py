"""Investment to-dos: DRC decides change requests and approves listed Art. 11 requests; BDB
lists initiated ones; Finance budgets approved ones and every project of the current plan
still without a budget; unit staff record the baseline of approved projects and complete the
performance target tables of next year's construction projects.

A fixed, small number of queries per user whatever the size of the plan (the workbench is the
page every civil servant opens first)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.recipients import unit_ids_of
from accounts.roles import Role
from core.dates import today
from core.todos import Todo, provider
from projects.models import Project, ProjectKind, ProjectState

from .eligibility import tables_complete
from .models import Art11Request, Art11State, BudgetLine, ChangeRequest, ChangeState, PlanEntry
from .services import current_plan_version

LIMIT = 20


def _label(project) -> str:
    return f"{project.code}《{project.name}》"


def _art11(state, category, title, detail) -> list[Todo]:
    qs = (
        Art11Request.objects.filter(state=state)
        .select_related("project")
        .order_by("created_at")[:LIMIT]
    )
    return [
        Todo(
            title=title % {"p": _label(r.project)},
            url=reverse("investment:art11_detail", args=[r.pk]),
            category=category,
            detail=detail,
        )
        for r in qs
    ]


@provider
def investment_todos(user) -> list:
    if not user.is_authenticated:
        return []
    category = _("投资与资金")
    items: list[Todo] = []
    if user.has_role(Role.DRC_OFFICER):
        pending = (
            ChangeRequest.objects.filter(state=ChangeState.PENDING)
            .select_related("project")
            .order_by("created_at")[:LIMIT]
        )
        for change in pending:
            items.append(
                Todo(
                    title=_("审批项目调整：%(p)s 第%(n)s次")
                    % {"p": _label(change.project), "n": change.number},
                    url=reverse("investment:change_detail", args=[change.pk]),
                    category=category,
                    detail=change.get_classification_display(),
                )
            )
        items += _art11(
            Art11State.LISTED,
            category,
            _("审批第十一条事项并调整年度投资计划：%(p)s"),
            _("市大数据发展局已纳入项目清单（第十一条）。"),
        )
    if user.has_role(Role.BDB_REVIEWER):
        items += _art11(
            Art11State.INITIATED,
            category,
            _("将第十一条事项纳入项目清单：%(p)s"),
            _("市财政局已发起（第十一条）。"),
        )
    if user.has_role(Role.FINANCE_OFFICER):
        items += _art11(
            Art11State.APPROVED,
            category,
            _("安排第十一条事项预算：%(p)s"),
            _("市发展改革委已审批并调整年度投资计划（第十一条）。"),
        )
        items += _unbudgeted(category)
    units = unit_ids_of(user)
    if units:
        items += _unit_todos(units, category)
    return items


def _unbudgeted(category) -> list[Todo]:
    """Projects of the current year's published plan without any budget line (R10.2)."""
    year = today().year
    version = current_plan_version(year)
    if version is None:
        return []
    missing = (
        PlanEntry.objects.filter(version=version)
        .exclude(project_id__in=BudgetLine.objects.filter(year=year).values("project_id"))
        .select_related("project")
        .order_by("project__code")
    )
    count = missing.count()
    if not count:
        return []
    url = reverse("investment:reconciliation") + f"?year={year}"
    items = [
        Todo(
            title=_("安排 %(y)s 年预算：%(p)s") % {"y": year, "p": _label(e.project)},
            url=reverse("core:act", args=["investment.add_budget_line", e.project_id]),
            category=category,
            detail=_("已纳入现行年度投资计划，尚未安排预算（第十条）。"),
        )
        for e in missing[:LIMIT]
    ]
    if count > LIMIT:
        items.append(
            Todo(
                title=_("另有 %(n)s 个计划项目尚未安排 %(y)s 年预算")
                % {"n": count - LIMIT, "y": year},
                url=url,
                category=category,
            )
        )
    return items


def _unit_todos(units, category) -> list[Todo]:
    items: list[Todo] = []
    without_baseline = (
        Project.objects.filter(
            unit_id__in=units,
            state=ProjectState.APPROVED,
            approved_total__isnull=False,
            baseline__isnull=True,
        )
        .exclude(kind=ProjectKind.OM)
        .order_by("approved_at")[:LIMIT]
    )
    for project in without_baseline:
        items.append(
            Todo(
                title=_("登记批复基线：%(p)s") % {"p": _label(project)},
                url=reverse("investment:baseline", args=[project.pk]),
                category=category,
                detail=_("项目已批复，请登记概算明细，此后的调整将与之比较（第二十六条）。"),
            )
        )
    year = today().year + 1
    candidates = list(
        Project.objects.filter(unit_id__in=units, year=year)
        .exclude(kind=ProjectKind.OM)
        .exclude(state__in=[ProjectState.DRAFT, ProjectState.REJECTED])
        .order_by("code")[:LIMIT]
    )
    if candidates:
        problems = tables_complete([p.pk for p in candidates], year)
        for project in candidates:
            if problems[project.pk]:
                items.append(
                    Todo(
                        title=_("填报 %(y)s 年绩效目标表：%(p)s")
                        % {"y": year, "p": _label(project)},
                        url=reverse("investment:performance", args=[project.pk]) + f"?year={year}",
                        category=category,
                        detail="；".join(problems[project.pk]),
                    )
                )
    return items
