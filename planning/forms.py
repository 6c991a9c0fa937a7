"""Forms of the planning pages. They check input shape; the actions check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput

from .models import ItemKind, ItemStatus

YEAR_ERRORS = {
    "required": _("请填写年度。"),
    "invalid": _("请填写四位年份，如 2025。"),
    "min_value": _("年度不能早于 2000 年。"),
    "max_value": _("年度不能晚于 2100 年。"),
}


def _year_field(label):
    return forms.IntegerField(
        label=label, min_value=2000, max_value=2100, error_messages=YEAR_ERRORS
    )


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def add_action_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


class PeriodMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("终止年度不能早于起始年度。"))
        return data


class CityPlanForm(PeriodMixin, StyledForm):
    title = forms.CharField(
        label=_("规划名称"), max_length=200, error_messages={"required": _("请填写规划名称。")}
    )
    start_year = _year_field(_("起始年度"))
    end_year = _year_field(_("终止年度"))
    summary = forms.CharField(
        label=_("规划要点"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    data_orientation = forms.CharField(
        label=_("数据导向与数据治理要点"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class CityPlanVersionForm(StyledForm):
    summary = forms.CharField(
        label=_("规划要点"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    data_orientation = forms.CharField(
        label=_("数据导向与数据治理要点"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    reassessment_reason = forms.CharField(
        label=_("评估论证情况及调整理由"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ReassessForm(StyledForm):
    reassessment_reason = forms.CharField(
        label=_("评估论证情况及调整理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写评估论证情况及调整理由（第六条）。")},
    )


class DecisionForm(StyledForm):
    opinion = forms.CharField(
        label=_("审批意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MasterPlanForm(PeriodMixin, StyledForm):
    title = forms.CharField(
        label=_("方案名称"), max_length=200, error_messages={"required": _("请填写方案名称。")}
    )
    start_year = _year_field(_("起始年度"))
    end_year = _year_field(_("终止年度"))
    data_plan = forms.CharField(
        label=_("数据规划及数据治理内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    collective_review_date = forms.DateField(
        label=_("集体审议日期"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("日期格式应为 2025-03-18。")},
    )
    collective_review_ref = forms.CharField(
        label=_("集体审议纪要文号"), max_length=100, required=False
    )
    change_note = forms.CharField(
        label=_("修订说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("建设单位"),
                queryset=units,
                error_messages={
                    "required": _("请选择建设单位。"),
                    "invalid_choice": _("请选择本单位。"),
                },
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            if units.count() == 1:
                self.fields["unit"].initial = units.first().pk
            self.order_fields(["unit", "title"])
            del self.fields["change_note"]


class ItemForm(StyledForm):
    seq = forms.IntegerField(
        label=_("建设时序号"),
        min_value=1,
        required=False,
        help_text=_(
            "留空则排在最后。数据治理项目应排在同年及以后的新建项目之前（先治理、后新建）。"
        ),
        error_messages={"invalid": _("时序号须为正整数。"), "min_value": _("时序号须为正整数。")},
    )
    name = forms.CharField(
        label=_("项目名称"), max_length=200, error_messages={"required": _("请填写项目名称。")}
    )
    kind = forms.ChoiceField(
        label=_("项目类型"),
        choices=ItemKind.choices,
        error_messages={
            "required": _("请选择项目类型。"),
            "invalid_choice": _("请选择有效的项目类型。"),
        },
    )
    status = forms.ChoiceField(
        label=_("项目状态"),
        choices=ItemStatus.choices,
        error_messages={
            "required": _("请选择项目状态。"),
            "invalid_choice": _("请选择有效的项目状态。"),
        },
    )
    planned_year = _year_field(_("计划申报年度"))
    is_data_governance = forms.BooleanField(label=_("数据治理类项目"), required=False)
    description = forms.CharField(
        label=_("建设内容概述"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class DataGovernanceForm(StyledForm):
    standards_set_on = forms.DateField(
        label=_("数据标准制定完成日期"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("日期格式应为 2025-03-18。")},
    )
    data_aggregated = forms.BooleanField(label=_("已对已有数据完成汇聚治理"), required=False)
    governance_summary = forms.CharField(
        label=_("数据汇聚治理情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
