"""The lists of the reports chapter, one filter set each (page, API and export alike).

``PortfolioFilter`` is the drill-down list of every chart: the dashboards' own filters (year,
unit, kind) plus what a chart's bar selects — a lifecycle stage reached, a health level, an
overdue clock, a supervision flag. A chart and the list it opens apply the same filter set, so
their figures are the same by construction (and ``tests/reports`` checks it).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import ChoiceFilter, ListFilter, NumberFilter
from delivery.models import Incident, IncidentState
from projects.models import Project, ProjectKind, Review, ReviewKind

from . import clocks, stages
from .health import context
from .models import HealthLevel

OVERDUE_CHOICES = [
    ("annual_report", _("年度绩效评价报告")),
    ("acceptance", _("申请竣工验收")),
    ("self_evaluation", _("项目自评价")),
    ("rectification", _("限期整改")),
]
FLAG_CHOICES = [
    ("incident_open", _("有未了结的重大事项")),
    ("rectifying", _("限期整改中")),
    ("rectification_late", _("逾期未整改")),
    ("suspended", _("已暂停")),
    ("terminated", _("已终止")),
    # the supervision chapter's (``supervision_links.FLAGS``), when it is installed
    ("order_open", _("有未结的整改通知")),
    ("sanction", _("有生效的处理措施")),
]
OPEN_INCIDENT_STATES = (IncidentState.REPORTED, IncidentState.RECTIFYING, IncidentState.SUSPENDED)


def flag_condition(flag: str) -> Q:
    """The projects a supervision flag selects (Art. 24, 35)."""
    from core.dates import today

    incidents = {
        "incident_open": Q(state__in=OPEN_INCIDENT_STATES),
        "rectifying": Q(state=IncidentState.RECTIFYING),
        "rectification_late": Q(state=IncidentState.RECTIFYING, rectification_deadline__lt=today()),
    }
    if flag in incidents:
        # the projects' ids straight from the (small) incident table, not a join with projects
        return Q(pk__in=Incident.objects.filter(incidents[flag]).values("project_id"))
    if flag in ("order_open", "sanction"):
        return supervision_flag(flag)
    if flag == "suspended":
        return Q(suspended_at__isnull=False, terminated_at__isnull=True)
    return Q(terminated_at__isnull=False)


def supervision_flag(flag: str) -> Q:
    from django.apps import apps

    if not apps.is_installed("supervision"):
        return Q(pk__in=[])
    from .supervision_links import FLAGS

    return next(condition for key, _label, condition in FLAGS if key == flag)


def flags() -> list[tuple[str, Any]]:
    """The supervision chart's flags: the supervision chapter's only when it is installed."""
    from django.apps import apps

    installed = apps.is_installed("supervision")
    return [
        (k, label) for k, label in FLAG_CHOICES if installed or k not in ("order_open", "sanction")
    ]


class ScopeFilter(ListFilter):
    """What every dashboard and list filters by: plan year, unit and kind."""

    year = NumberFilter(label=_("年度"))
    unit = NumberFilter(field_name="unit_id", label=_("建设单位编号"))
    kind = ChoiceFilter(choices=ProjectKind.choices, label=_("项目类型"))

    class Meta:
        model = Project
        fields: list[str] = []


class PortfolioFilter(ScopeFilter):
    """The portfolio list every chart drills into."""

    search_fields = ("code", "name", "unit__name", "unit__short_name")
    stage = ChoiceFilter(choices=stages.CHOICES, method="reached", label=_("已到达阶段"))
    health = ChoiceFilter(
        choices=HealthLevel.choices, field_name="health__level", label=_("健康度")
    )
    overdue = ChoiceFilter(choices=OVERDUE_CHOICES, method="late", label=_("逾期事项"))
    flag = ChoiceFilter(choices=FLAG_CHOICES, method="flagged", label=_("监督事项"))

    class Meta:
        model = Project
        fields: list[str] = []

    def reached(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return stages.reached(queryset, value)

    def late(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        ctx = context()
        return clocks.overdue_filter(value, ctx.on, ctx.p)(queryset)

    def flagged(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(flag_condition(value))


class ReviewStepFilter(ListFilter):
    """Decided review steps (the throughput chart's list): by step and by the project's year,
    unit and kind."""

    search_fields = ("project__code", "project__name")
    step = ChoiceFilter(choices=ReviewKind.choices, field_name="kind", label=_("审核环节"))
    year = NumberFilter(field_name="project__year", label=_("年度"))
    unit = NumberFilter(field_name="project__unit_id", label=_("建设单位编号"))
    kind = ChoiceFilter(
        choices=ProjectKind.choices, field_name="project__kind", label=_("项目类型")
    )

    class Meta:
        model = Review
        fields: list[str] = []


def scope_params(params: Any) -> dict[str, str]:
    """The dashboard filters present in ``params`` (to carry into drill-down links)."""
    return {k: str(params[k]) for k in ("year", "unit", "kind") if params.get(k) not in (None, "")}
