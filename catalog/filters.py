"""The lists of the catalog chapter, one filter set each, used by the pages, the exports and
the API alike: a value that is not valid (``?eligible=maybe``) is an error, never ignored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.dates import today
from core.filters import ChoiceFilter, ListFilter, ModelChoiceFilter, NumberFilter

from .models import (
    DataResource,
    InformationSystem,
    IntegrationStatus,
    Network,
    OMDecision,
    OMRun,
    OpenType,
    ResourceFormat,
    ShareType,
    SharingRequest,
    SharingState,
    SystemCategory,
    SystemStatus,
)
from .om_words import OM_RULE_META

# the blocking rules a decision can fail (R17.1 and the other warnings never refuse)
OM_RULE_IDS = [r for r, (_a, _t, severity) in OM_RULE_META.items() if severity == "block"]


class YesNoField(forms.ChoiceField):
    """Yes or no: ``1``/``true`` or ``0``/``false``; anything else is an error."""

    ALIASES = {"true": "1", "false": "0", "True": "1", "False": "0", "on": "1"}

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return self.ALIASES.get(value, value)


class YesNoFilter(ChoiceFilter):
    """A yes/no filter on a boolean field (``method`` may say what yes means instead)."""

    field_class = YesNoField

    def __init__(self, *args: Any, yes: Any = None, no: Any = None, **kwargs: Any):
        kwargs["choices"] = [("1", yes or _("是")), ("0", no or _("否"))]
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in ("", None):
            return qs
        return qs.filter(**{self.field_name: value == "1"})


def _units_with(model_field: str, model: Any) -> Any:
    def queryset(request: Any) -> QuerySet:
        return Organisation.objects.filter(
            pk__in=model.objects.order_by().values(model_field)
        ).order_by("name")

    return queryset


class SystemFilter(ListFilter):
    """The master catalog (Art. 15)."""

    search_fields = ("code", "name")
    unit = ModelChoiceFilter(
        queryset=_units_with("unit_id", InformationSystem), field_name="unit", label=_("所属单位")
    )
    category = ChoiceFilter(choices=SystemCategory.choices, label=_("系统类别"))
    status = ChoiceFilter(choices=SystemStatus.choices, label=_("运行状态"))
    network = ChoiceFilter(choices=Network.choices, label=_("部署网络"))
    catalogued = YesNoFilter(label=_("总目录"), yes=_("已纳入"), no=_("未纳入"))
    integration = ChoiceFilter(
        field_name="integration_status", choices=IntegrationStatus.choices, label=_("整合状态")
    )

    class Meta:
        model = InformationSystem
        fields: list[str] = []


class ResourceFilter(ListFilter):
    """The data resource catalog (Art. 14)."""

    search_fields = ("resource_code", "name")
    provider = ModelChoiceFilter(
        queryset=_units_with("provider_id", DataResource),
        field_name="provider",
        label=_("资源提供方"),
    )
    share_type = ChoiceFilter(choices=ShareType.choices, label=_("共享类型"))
    open_type = ChoiceFilter(choices=OpenType.choices, label=_("开放类型"))
    format = ChoiceFilter(choices=ResourceFormat.choices, label=_("资源格式"))

    class Meta:
        model = DataResource
        fields: list[str] = []


class SharingFilter(ListFilter):
    """Sharing requests (Art. 14); ``overdue`` keeps those pending past their answer date."""

    search_fields = ("resource__name", "resource__resource_code", "requester__name")
    state = ChoiceFilter(choices=SharingState.choices, label=_("状态"))
    overdue = YesNoFilter(method="only_overdue", label=_("逾期未答复"))

    class Meta:
        model = SharingRequest
        fields: list[str] = []

    def only_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = {"state": SharingState.PENDING, "due_on__lt": today()}
        return queryset.filter(**condition) if value == "1" else queryset.exclude(**condition)


class OMDecisionFilter(ListFilter):
    """O&M funding decisions (Art. 28, 31-33)."""

    search_fields = ("system__code", "system__name")
    year = NumberFilter(field_name="run__budget_year", label=_("预算年度"))
    eligible = YesNoFilter(label=_("结论"), yes=_("可安排"), no=_("不予安排"))
    unit = ModelChoiceFilter(
        queryset=_units_with("unit_id", InformationSystem),
        field_name="system__unit",
        label=_("所属单位"),
    )
    rule = ChoiceFilter(
        choices=[(r, r) for r in OM_RULE_IDS], method="failing", label=_("不符合的条件")
    )

    class Meta:
        model = OMDecision
        fields: list[str] = []

    def failing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # the rule id appears as a JSON string value only in "rule_id" of a reason
        return queryset.filter(reasons__icontains=f'"{value}"')


class OMRunFilter(ListFilter):
    """The runs of the O&M funding decision."""

    year = NumberFilter(field_name="budget_year", label=_("预算年度"))

    class Meta:
        model = OMRun
        fields: list[str] = []
