"""The lists of the supervision chapter, one filter set each (pages and API)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.roles import Authority
from core.dates import today
from core.filters import BooleanFilter, ChoiceFilter, ListFilter, NumberFilter

from .authorities import SupervisionDuty
from .models import (
    AuditAspect,
    AuditFinding,
    AuditState,
    OrderSource,
    OrderState,
    RectificationOrder,
    RequestState,
    Sanction,
    SanctionKind,
    SanctionState,
    SupervisionRequest,
    ViolationEntry,
    ViolationKind,
    ViolationState,
)

SEARCH = ("number", "unit__name", "unit__short_name", "project__code", "project__name")


class SubjectFilter(ListFilter):
    """Filters every supervision list shares: the unit, the project, the issuing authority."""

    search_fields = SEARCH
    unit = NumberFilter(field_name="unit_id", label=_("建设单位编号"))
    project = NumberFilter(field_name="project_id", label=_("项目编号"))
    authority = ChoiceFilter(
        field_name="authority__authority", choices=Authority.choices, label=_("发文机关")
    )


class DeadlineFilter(SubjectFilter):
    overdue = BooleanFilter(method="past_deadline", label=_("已过期限"))

    def past_deadline(
        self, queryset: QuerySet[Any], name: str, value: bool | None
    ) -> QuerySet[Any]:
        if value is None:
            return queryset
        past = Q(deadline__lt=today())
        return queryset.filter(past) if value else queryset.exclude(past)


class SupervisionRequestFilter(DeadlineFilter):
    state = ChoiceFilter(choices=RequestState.choices, label=_("状态"))

    class Meta:
        model = SupervisionRequest
        fields: list[str] = []


class RectificationOrderFilter(DeadlineFilter):
    state = ChoiceFilter(choices=OrderState.choices, label=_("状态"))
    duty = ChoiceFilter(choices=SupervisionDuty.choices, label=_("监管事项"))
    origin = ChoiceFilter(choices=OrderSource.choices, label=_("来源"))

    class Meta:
        model = RectificationOrder
        fields: list[str] = []


class SanctionFilter(SubjectFilter):
    kind = ChoiceFilter(choices=SanctionKind.choices, label=_("处理措施"))
    state = ChoiceFilter(choices=SanctionState.choices, label=_("状态"))

    class Meta:
        model = Sanction
        fields: list[str] = []


class AuditFindingFilter(SubjectFilter):
    aspect = ChoiceFilter(choices=AuditAspect.choices, label=_("审计事项"))
    state = ChoiceFilter(choices=AuditState.choices, label=_("状态"))
    referred = BooleanFilter(
        field_name="referred_to", lookup_expr="isnull", exclude=True, label=_("已移送")
    )

    class Meta:
        model = AuditFinding
        fields: list[str] = []


class ViolationEntryFilter(ListFilter):
    search_fields = ("facts", "unit__name", "unit__short_name", "project__code")
    unit = NumberFilter(field_name="unit_id", label=_("建设单位编号"))
    project = NumberFilter(field_name="project_id", label=_("项目编号"))
    kind = ChoiceFilter(choices=ViolationKind.choices, label=_("违规类型"))
    state = ChoiceFilter(choices=ViolationState.choices, label=_("状态"))

    class Meta:
        model = ViolationEntry
        fields: list[str] = []
