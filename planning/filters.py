"""The lists of the planning chapter, one filter set each (page and API)."""

from django.utils.translation import gettext_lazy as _

from core.filters import ListFilter, NumberFilter

from .models import CityPlan, DataGovernanceRecord, MasterPlan


class CityPlanFilter(ListFilter):
    search_fields = ("title",)

    class Meta:
        model = CityPlan
        fields: list[str] = []


class MasterPlanFilter(ListFilter):
    search_fields = ("title", "unit__name", "unit__short_name")
    unit = NumberFilter(field_name="unit_id", label=_("建设单位编号"))

    class Meta:
        model = MasterPlan
        fields: list[str] = []


class DataGovernanceFilter(ListFilter):
    search_fields = ("unit__name", "unit__short_name", "governance_summary")
    unit = NumberFilter(field_name="unit_id", label=_("建设单位编号"))

    class Meta:
        model = DataGovernanceRecord
        fields: list[str] = []
