"""The lists of the evidence chapter, one filter set each (page and API)."""

from django.utils.translation import gettext_lazy as _

from core.filters import ChoiceFilter, ListFilter, NumberFilter

from .models import CollectionFinding, FindingState

SUBJECTS = (("project", _("项目")), ("system", _("系统")))


class CollectionFindingFilter(ListFilter):
    search_fields = ("item_name", "source_name", "project__name", "system__name")
    state = ChoiceFilter(choices=FindingState.choices, label=_("状态"))
    subject = ChoiceFilter(choices=SUBJECTS, method="by_subject", label=_("对象"))
    unit = NumberFilter(method="by_unit", label=_("单位编号"))

    class Meta:
        model = CollectionFinding
        fields: list[str] = []

    def by_subject(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False}) if value else queryset

    def by_unit(self, queryset, name, value):
        if value is None:
            return queryset
        from django.db.models import Q

        return queryset.filter(Q(project__unit_id=value) | Q(system__unit_id=value))
