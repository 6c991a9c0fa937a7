"""The lists of the delivery chapter, one filter set each, used by the pages and the API
alike (``core.filters``): approved projects by phase, the calendar of statutory deadlines, and
the incidents, acceptances and extension requests across projects."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.filters import BooleanFilter, CharFilter, ChoiceFilter, ListFilter, NumberFilter
from projects.models import Project

from .deadlines import STATUS_LABELS
from .models import (
    Acceptance,
    AcceptancePath,
    AcceptanceState,
    ExtensionRequest,
    ExtensionState,
    Incident,
    IncidentKind,
    IncidentState,
    Phase,
)

PROJECT_SEARCH = ("code", "name", "unit__name", "unit__short_name")
ROW_SEARCH = ("project__code", "project__name", "project__unit__name")

# What the calendar lists: "pending" (the default) leaves out what is done.
CALENDAR_STATUSES = [
    ("pending", _("未完成（默认）")),
    *((key, _(label)) for key, label in STATUS_LABELS.items() if key != "done"),
    ("done", _(STATUS_LABELS["done"])),
    ("all", _("全部")),
]
KIND_LABELS = {
    "annual_report": _("年度绩效评价报告（第二十三条）"),
    "acceptance": _("竣工验收（第二十八条）"),
    "self_evaluation": _("项目自评价（第三十条）"),
    "rectification": _("限期整改（第二十四条）"),
}


class DeliveryFilter(ListFilter):
    """Approved projects by delivery phase; a project not started yet has no delivery record
    and counts as 开工准备."""

    search_fields = PROJECT_SEARCH
    phase = ChoiceFilter(choices=Phase.choices, method="by_phase", label=_("阶段"))
    suspended = BooleanFilter(method="by_suspension", label=_("已暂停"))
    unit = NumberFilter(field_name="unit_id", label=_("建设单位编号"))

    class Meta:
        model = Project
        fields: list[str] = []

    def by_phase(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == Phase.PREPARING:
            return queryset.filter(Q(delivery__isnull=True) | Q(delivery__phase=Phase.PREPARING))
        return queryset.filter(delivery__phase=value)

    def by_suspension(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(suspended_at__isnull=not value)


class CalendarFilter(ListFilter):
    """The projects whose clocks are listed, and which of their items: the status, kind and
    month filter the computed items (``views.calendar_rows``)."""

    search_fields = PROJECT_SEARCH
    unit = NumberFilter(field_name="unit_id", label=_("建设单位编号"))
    status = ChoiceFilter(choices=CALENDAR_STATUSES, method="keep", label=_("状态"))
    kind = ChoiceFilter(choices=list(KIND_LABELS.items()), method="keep", label=_("事项"))
    month = CharFilter(
        method="keep",
        label=_("到期月份"),
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("月份格式应为 2026-04。"))],
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def keep(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        """Filters of the computed items, not of the projects."""
        return queryset

    def option(self, name: str, default: str = "") -> str:
        if not self.is_bound or not self.is_valid():
            return default
        return str(self.form.cleaned_data.get(name) or default)


class IncidentFilter(ListFilter):
    search_fields = (*ROW_SEARCH, "description")
    state = ChoiceFilter(choices=IncidentState.choices, label=_("状态"))
    kind = ChoiceFilter(choices=IncidentKind.choices, label=_("类型"))
    project = NumberFilter(field_name="project_id", label=_("项目编号"))
    open = BooleanFilter(method="still_open", label=_("未关闭"))

    class Meta:
        model = Incident
        fields: list[str] = []

    def still_open(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if value is None:
            return queryset
        closed = Q(state=IncidentState.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)


class AcceptanceFilter(ListFilter):
    search_fields = ROW_SEARCH
    state = ChoiceFilter(choices=AcceptanceState.choices, label=_("状态"))
    path = ChoiceFilter(choices=AcceptancePath.choices, label=_("验收方式"))
    project = NumberFilter(field_name="project_id", label=_("项目编号"))

    class Meta:
        model = Acceptance
        fields: list[str] = []


class ExtensionFilter(ListFilter):
    search_fields = (*ROW_SEARCH, "reason")
    state = ChoiceFilter(choices=ExtensionState.choices, label=_("状态"))
    project = NumberFilter(field_name="project_id", label=_("项目编号"))

    class Meta:
        model = ExtensionRequest
        fields: list[str] = []
