"""Forms of the delivery pages. They check input shape; the actions check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import YEAR_ERRORS, StyledForm
from core.widgets import DateInput

from .models import IncidentKind

DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("日期格式应为 2026-03-18。")}

# Archive acceptance (档案验收, Art. 29): the parts of a project archive BDB checks. The labels
# are stored as the keys of ``Delivery.archive_checklist`` so the record reads by itself.
ARCHIVE_ITEMS = {
    "approval": _("立项审批文件"),
    "procurement": _("招标采购及合同文件"),
    "design": _("设计及实施过程文件"),
    "supervision": _("工程监理文件"),
    "trial": _("测试及试运行文件"),
    "finance": _("财务及审计文件"),
    "electronic": _("电子文件及其元数据"),
}


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )


def _text(label, rows=3, required=True, max_length=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": _("请填写%(label)s。") % {"label": label}},
    )


def _line(label, max_length, required=True):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={"required": _("请填写%(label)s。") % {"label": label}},
    )


class ImplementationForm(StyledForm):
    implementing_agency = _line(_("项目实施机构"), 200)
    responsible_person = _line(_("项目负责人"), 50)
    responsible_phone = _line(_("负责人电话"), 30, required=False)


class OrganisationChoiceForm(StyledForm):
    """A form whose first field picks an organisation from a queryset given by the view."""

    org_field = ""
    org_label = ""

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            label=self.org_label,
            queryset=organisations,
            empty_label=_("请选择"),
            error_messages={
                "required": _("请选择%(label)s。") % {"label": self.org_label},
                "invalid_choice": _("请选择在册的%(label)s。") % {"label": self.org_label},
            },
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields = {self.org_field: field, **self.fields}


class SupervisorForm(OrganisationChoiceForm):
    org_field = "supervisor"
    org_label = _("工程监理单位")
    contract_number = _line(_("监理合同编号"), 60, required=False)


class ConsultantForm(OrganisationChoiceForm):
    org_field = "consultant"
    org_label = _("第三方评价机构")


class StartForm(StyledForm):
    started_on = _date(_("开工日期"))


class TrialForm(StyledForm):
    trial_started_on = _date(_("试运行开始日期"))


class CompleteForm(StyledForm):
    completed_on = _date(_("建成日期"))


class GoLiveForm(StyledForm):
    golive_on = _date(_("正式上线运行日期"))


class MilestoneForm(StyledForm):
    name = _line(_("里程碑名称"), 100)
    planned_on = forms.DateField(
        label=_("计划完成日期"),
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )
    weight = forms.IntegerField(
        label=_("权重"),
        min_value=1,
        max_value=100,
        initial=1,
        error_messages={
            "required": _("请填写权重。"),
            "invalid": _("权重应为 1—100 的整数。"),
            "min_value": _("权重应为 1—100 的整数。"),
            "max_value": _("权重应为 1—100 的整数。"),
        },
    )


class MilestoneDoneForm(StyledForm):
    done_on = _date(_("实际完成日期"))


class SupervisionReportForm(StyledForm):
    period = _line(_("报告期"), 40)
    content = _text(_("监理情况"), rows=4)
    opinion = _text(_("监理意见"))


class AnnualReportForm(StyledForm):
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, error_messages=YEAR_ERRORS
    )
    summary = _text(_("建设进展与绩效情况"), rows=4)
    user_opinions = _text(_("使用单位意见"))
    supervisor_opinion = _text(_("监理单位意见"))
    trial_effects = _text(_("试运行效果（试运行期间必填）"), required=False)


class IncidentForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=IncidentKind.choices,
        error_messages={"required": _("请选择类型。")},
    )
    description = _text(_("情况说明"), rows=4)


class RectificationForm(StyledForm):
    deadline = forms.DateField(
        label=_("整改期限"),
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )
    order_text = _text(_("整改要求"))


class SuspendForm(StyledForm):
    order_text = _text(_("暂停理由"))


class OpinionForm(StyledForm):
    opinion = _text(_("意见"), rows=2)


class ArchiveForm(StyledForm):
    accepted_on = _date(_("档案验收日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ARCHIVE_ITEMS.items():
            self.fields[f"item_{key}"] = forms.BooleanField(
                label=label,
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def item_fields(self):
        return [self[f"item_{key}"] for key in ARCHIVE_ITEMS]

    def checklist(self) -> dict:
        return {
            str(label): bool(self.cleaned_data.get(f"item_{key}"))
            for key, label in ARCHIVE_ITEMS.items()
        }


class ResultForm(StyledForm):
    """An acceptance result (BDB's decision or the unit's own acceptance); the button pressed
    says passed or failed."""

    held_on = _date(_("验收日期"))
    conclusion = _text(_("验收结论"))


class ExtensionForm(StyledForm):
    requested_until = forms.DateField(
        label=_("申请延期至"),
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )
    reason = _text(_("延期理由"))


class EvaluationForm(StyledForm):
    completed_on = _date(_("完成日期"))
    grade = _line(_("评价等级"), 10)
    score = forms.DecimalField(
        label=_("评分（0—100，可不填）"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "invalid": _("评分应为 0—100 的数字。"),
            "min_value": _("评分应为 0—100 的数字。"),
            "max_value": _("评分应为 0—100 的数字。"),
        },
    )
    conclusion = _text(_("主要结论与整改意见"), rows=4)
