"""The lists of the projects chapter, one filter set each (page and API alike)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.filters import ChoiceFilter, ListFilter, NumberFilter

from .models import (
    ApprovalPath,
    ClassifiedStub,
    Framework,
    FrameworkState,
    Project,
    ProjectKind,
    ProjectListVersion,
    ProjectState,
)


class ProjectFilter(ListFilter):
    """Projects by state, kind, approval path, year and unit; ``q`` finds a code, a name or a
    unit."""

    search_fields = ("code", "name", "unit__name", "unit__short_name")
    state = ChoiceFilter(choices=ProjectState.choices, label=_("状态"))
    kind = ChoiceFilter(choices=ProjectKind.choices, label=_("类型"))
    path = ChoiceFilter(
        field_name="approval_path", choices=ApprovalPath.choices, label=_("审批路径")
    )
    year = NumberFilter(label=_("年度"))
    unit = NumberFilter(field_name="unit_id", label=_("建设单位编号"))

    class Meta:
        model = Project
        fields: list[str] = []


class ProjectListFilter(ListFilter):
    """Versions of the published project list by year."""

    year = NumberFilter(label=_("年度"))

    class Meta:
        model = ProjectListVersion
        fields: list[str] = []


class FrameworkFilter(ListFilter):
    search_fields = ("title", "lead_unit__name", "lead_unit__short_name")
    state = ChoiceFilter(choices=FrameworkState.choices, label=_("状态"))

    class Meta:
        model = Framework
        fields: list[str] = []


class StubFilter(ListFilter):
    search_fields = ("code", "unit__name", "unit__short_name")
    year = NumberFilter(label=_("年度"))

    class Meta:
        model = ClassifiedStub
        fields: list[str] = []
