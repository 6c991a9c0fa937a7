"""Forms of the investment pages. They check input shape; the actions check the rules.

Amounts are typed in 万元 as text and handed to the actions unchanged (``core.validate``
turns them into Decimal yuan and says in Chinese what is wrong). Estimate items and
indicators are rows of a fixed number of blank lines, so the pages work without JavaScript."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import YEAR_ERRORS, StyledForm
from core.money import format_wan
from core.widgets import DateInput

from .models import ChangeClass, ChangeState, Circumstance, ProcurementMethod

BLANK_ITEM_ROWS = 6  # estimate items of a baseline
BLANK_NEW_ITEM_ROWS = 2  # new estimate items of a change request
BLANK_INDICATOR_ROWS = 2  # per second-level indicator category
DATE_ERRORS = {"invalid": _("日期格式应为 2025-03-18。")}


def _year(label, required=True):
    return forms.IntegerField(
        label=label,
        min_value=2000,
        max_value=2100,
        required=required,
        error_messages=YEAR_ERRORS,
    )


def _amount(label, required=True):
    return forms.CharField(
        label=label,
        max_length=30,
        required=required,
        error_messages={"required": _("请填写金额（万元）。")},
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _text(label, rows=3, required=True, message=None):
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or _("请填写此项。")},
    )


# -- annual plan ----------------------------------------------------------------------------


class OpenVersionForm(StyledForm):
    year = _year(_("年度"))
    basis = _text(
        _("编制或调整依据"),
        rows=2,
        required=False,
    )


class PublishForm(StyledForm):
    basis = _text(_("调整依据（发布计划调整时必填）"), rows=2, required=False)


class AddEntryForm(StyledForm):
    project = forms.TypedChoiceField(
        label=_("候选项目"),
        coerce=int,
        error_messages={
            "required": _("请选择项目。"),
            "invalid_choice": _("请选择候选项目。"),
        },
    )
    amount_wan = _amount(_("计划金额（万元）"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", "—")] + [
            (e.project.pk, f"{'✓' if e.eligible else '✗'} {e.project.code} {e.project.name}")
            for e in candidates
        ]


class EntryAmountForm(StyledForm):
    amount_wan = _amount(_("计划金额（万元）"), required=False)


# -- budgets ------------------------------------------------------------------------------------


class ProjectCodeMixin:
    """A project typed by its code (a select of thousands of projects would not be usable);
    the view resolves it through the user's scope."""

    def clean_project_code(self):
        return self.cleaned_data["project_code"].strip()


class BudgetLineForm(ProjectCodeMixin, StyledForm):
    project_code = forms.CharField(
        label=_("项目编号"), max_length=30, error_messages={"required": _("请填写项目编号。")}
    )
    year = _year(_("预算年度"))
    amount_wan = _amount(_("预算金额（万元）"))
    subject = forms.CharField(label=_("预算科目"), max_length=100, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class BudgetFilterForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    unit = forms.TypedChoiceField(label=_("建设单位"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("全部单位"))] + [
            (u.pk, u.display_name) for u in units
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-sm"


# -- Art. 11 ------------------------------------------------------------------------------------


class Art11Form(ProjectCodeMixin, StyledForm):
    project_code = forms.CharField(
        label=_("项目编号"), max_length=30, error_messages={"required": _("请填写项目编号。")}
    )
    year = _year(_("年度"))
    amount_wan = _amount(_("金额（万元）"))
    basis = _text(
        _("依据（国家或市委、市政府明确要求）"),
        message=_("请写明国家或市委、市政府明确要求的依据（第十一条）。"),
    )
    budget_source = forms.CharField(
        label=_("预算来源"),
        max_length=200,
        error_messages={"required": _("请写明预算来源（第十一条）。")},
    )
    change_request = forms.IntegerField(required=False, widget=forms.HiddenInput)


class Art11StepForm(StyledForm):
    opinion = _text(_("意见"), rows=2, required=False)


class Art11BudgetForm(StyledForm):
    subject = forms.CharField(label=_("预算科目"), max_length=100, required=False)


# -- contracts and payments --------------------------------------------------------------------


class ContractForm(StyledForm):
    number = forms.CharField(
        label=_("合同编号"), max_length=60, error_messages={"required": _("请填写合同编号。")}
    )
    title = forms.CharField(
        label=_("合同名称"), max_length=200, error_messages={"required": _("请填写合同名称。")}
    )
    supplier = forms.CharField(
        label=_("供应商"), max_length=200, error_messages={"required": _("请填写供应商。")}
    )
    method = forms.ChoiceField(
        label=_("采购方式"),
        choices=ProcurementMethod.choices,
        error_messages={
            "required": _("请选择采购方式。"),
            "invalid_choice": _("请选择有效的采购方式。"),
        },
    )
    amount_wan = _amount(_("合同金额（万元）"))
    signed_on = forms.DateField(
        label=_("签订日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写签订日期。"), **DATE_ERRORS},
    )


class PaymentForm(StyledForm):
    contract = forms.TypedChoiceField(
        label=_("合同"), coerce=int, error_messages={"required": _("请选择合同。")}
    )
    budget_line = forms.TypedChoiceField(
        label=_("预算指标"), coerce=int, error_messages={"required": _("请选择预算指标。")}
    )
    paid_on = forms.DateField(
        label=_("支付日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写支付日期。"), **DATE_ERRORS},
    )
    amount_wan = _amount(_("支付金额（万元）"))
    payee = forms.CharField(
        label=_("收款人"), max_length=200, error_messages={"required": _("请填写收款人。")}
    )
    voucher_number = forms.CharField(
        label=_("国库支付凭证号"),
        max_length=60,
        error_messages={"required": _("请填写国库支付凭证号。")},
    )

    def __init__(self, *args, contracts=(), lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", "—")] + [
            (c.pk, f"{c.number} {c.title}（{c.supplier}）") for c in contracts
        ]
        self.fields["budget_line"].choices = [("", "—")] + [
            (line.pk, f"{line.year}年 {line.subject or _('预算')} · {format_wan(line.amount)}万元")
            for line in lines
        ]


# -- baseline and change requests --------------------------------------------------------------


class BaselineForm(StyledForm):
    goals = _text(_("建设目标"), rows=3, message=_("请填写建设目标。"))
    planned_completion = forms.DateField(
        label=_("计划建成日期"),
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )


class ChangeForm(StyledForm):
    circumstance = forms.ChoiceField(
        label=_("适用情形（第二十六条）"),
        choices=[("", _("不属于以下三种情形")), *Circumstance.choices],
        required=False,
    )
    goals_changed = forms.BooleanField(label=_("建设目标发生变化"), required=False)
    raises_year_budget = forms.BooleanField(label=_("需增加当年预算安排"), required=False)
    changes_plan = forms.BooleanField(label=_("涉及年度投资计划变更"), required=False)
    content_change = _text(_("建设内容调整"), rows=2, required=False)
    schedule_change = _text(_("进度调整"), rows=2, required=False)
    reason = _text(_("调整理由"), rows=3, message=_("请填写调整理由。"))


class DecideChangeForm(StyledForm):
    opinion = _text(_("审批意见"), rows=3, message=_("请填写审批意见。"))


class ChangeFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ChangeState.choices]
    )
    classification = forms.ChoiceField(
        label=_("分类"), required=False, choices=[("", _("全部分类")), *ChangeClass.choices]
    )
    unit = forms.TypedChoiceField(label=_("建设单位"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("全部单位"))] + [
            (u.pk, u.display_name) for u in units
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


# -- rows without JavaScript ---------------------------------------------------------------------


def item_rows(post, prefix="item") -> tuple[list[dict], list[dict]]:
    """Estimate items typed as ``item-N-name`` / ``item-N-amount``: returns the rows to show
    again and the non-blank items for the action (``[{"name", "amount_wan"}]``)."""
    rows, items = [], []
    n = 0
    while f"{prefix}-{n}-name" in post or f"{prefix}-{n}-amount" in post:
        name = post.get(f"{prefix}-{n}-name", "").strip()
        amount = post.get(f"{prefix}-{n}-amount", "").strip()
        rows.append({"index": n, "name": name, "amount": amount, "error": ""})
        if name or amount:
            items.append({"name": name, "amount_wan": amount, "row": n})
        n += 1
    return rows, items


def item_errors(rows, items, errors: dict) -> list[str]:
    """Put ``items.K.*`` errors of the action (K counts submitted items from 1) on their rows;
    returns the errors that belong to no row."""
    rest = []
    for key, message in errors.items():
        parts = key.split(".")
        if parts[0] == "items" and len(parts) >= 2 and parts[1].isdigit():
            k = int(parts[1]) - 1
            if 0 <= k < len(items):
                rows[items[k]["row"]]["error"] = message
                continue
        if parts[0] == "items":
            rest.append(message)
    return rest


def indicator_rows(post, tree) -> tuple[list[dict], list[dict]]:
    """Indicators typed as ``ind-<category>-<N>-<field>``: returns every row (to show again)
    and the non-blank ones for ``save_performance_table``."""
    rows, indicators = [], []
    leaves = [leaf for _root, children in tree for leaf in children]
    for leaf in leaves:
        n = 0
        while f"ind-{leaf.pk}-{n}-name" in post:
            key = f"ind-{leaf.pk}-{n}"
            row = {
                "key": key,
                "category": leaf.pk,
                "name": post.get(f"{key}-name", "").strip(),
                "target_value": post.get(f"{key}-target_value", "").strip(),
                "unit": post.get(f"{key}-unit", "").strip(),
                "formula": post.get(f"{key}-formula", "").strip(),
                "is_quantitative": bool(post.get(f"{key}-is_quantitative")),
                "errors": [],
            }
            rows.append(row)
            if row["name"] or row["target_value"] or row["unit"] or row["formula"]:
                indicators.append(row)
            n += 1
    return rows, indicators
