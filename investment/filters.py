"""The lists of the investment chapter, one filter set each, used by the page and the API
alike: a value that is not valid (``?state=nonsense``, ``?year=明年``) is an error, never
ignored."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import OrgKind
from core.filters import ChoiceFilter, ListFilter, ModelChoiceFilter, NumberFilter

from .models import (
    Art11Request,
    Art11State,
    BudgetLine,
    ChangeClass,
    ChangeRequest,
    ChangeState,
    Contract,
    Payment,
    PlanEntry,
    ProcurementMethod,
)


class YearFilter(NumberFilter):
    """A four-digit year (2000–2100)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("年度"))
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(**kwargs)


def _project() -> NumberFilter:
    return NumberFilter(field_name="project_id", label=_("项目（内部编号）"), min_value=1)


def _unit() -> ModelChoiceFilter:
    return ModelChoiceFilter(
        field_name="project__unit",
        queryset=Organisation.objects.filter(kind=OrgKind.UNIT).order_by("name"),
        label=_("建设单位"),
        empty_label=_("全部单位"),
    )


class PlanEntryFilter(ListFilter):
    """The projects of one plan version."""

    search_fields = ("project__code", "project__name", "project__unit__name")
    unit = _unit()

    class Meta:
        model = PlanEntry
        fields: list[str] = []


class BudgetLineFilter(ListFilter):
    search_fields = ("project__code", "project__name", "subject")
    year = YearFilter(field_name="year", label=_("预算年度"))
    project = _project()
    unit = _unit()

    class Meta:
        model = BudgetLine
        fields: list[str] = []


class Art11Filter(ListFilter):
    search_fields = ("project__code", "project__name", "basis")
    year = YearFilter(field_name="year")
    state = ChoiceFilter(choices=Art11State.choices, label=_("状态"), empty_label=_("全部状态"))
    project = _project()

    class Meta:
        model = Art11Request
        fields: list[str] = []


class ChangeFilter(ListFilter):
    search_fields = ("project__code", "project__name")
    state = ChoiceFilter(choices=ChangeState.choices, label=_("状态"), empty_label=_("全部状态"))
    classification = ChoiceFilter(
        choices=ChangeClass.choices, label=_("分类"), empty_label=_("全部分类")
    )
    project = _project()
    unit = _unit()

    class Meta:
        model = ChangeRequest
        fields: list[str] = []


class ContractFilter(ListFilter):
    search_fields = ("number", "title", "supplier")
    method = ChoiceFilter(choices=ProcurementMethod.choices, label=_("采购方式"))

    class Meta:
        model = Contract
        fields: list[str] = []


class PaymentFilter(ListFilter):
    search_fields = ("voucher_number", "payee", "contract__number")
    contract = NumberFilter(field_name="contract_id", label=_("合同编号（内部编号）"), min_value=1)
    budget_line = NumberFilter(field_name="budget_line_id", label=_("预算指标编号"), min_value=1)

    class Meta:
        model = Payment
        fields: list[str] = []
