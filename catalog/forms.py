"""Forms of the catalog pages. They check the shape of the input; ``catalog/actions.py`` checks
the rules (the same functions validate the API and the xlsx import)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput

from .models import (
    AssessmentResult,
    DataType,
    DeliveryMode,
    IntegrationStatus,
    Network,
    OpenScope,
    OpenType,
    ResourceAttribute,
    ResourceFormat,
    ShareMethod,
    ShareType,
    SharingState,
    SystemCategory,
    SystemStatus,
    UpdateCycle,
)

ITEM_ROWS = 8  # information-item rows offered by the resource form
HOSTING_CHOICES = [("cq_cloud", _("数字重庆云")), ("other", _("其他"))]
DATE_ERRORS = {"invalid": _("日期格式应为 2025-03-18。")}
OM_RULE_IDS = ["R28.4", "R31.1", "R31.2", "R31.3", "R32.1", "R33.1"]


def _blank(choices):
    return [("", "—"), *list(choices)]


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
    )


def _choice(label, choices, *, required=True):
    return forms.ChoiceField(
        label=label,
        choices=choices if required else _blank(choices),
        required=required,
        error_messages={
            "required": _("请选择%(label)s。") % {"label": label},
            "invalid_choice": _("请选择有效的%(label)s。") % {"label": label},
        },
    )


def _text(label, *, rows=2, required=False):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class StyledForm(forms.Form):
    """Bootstrap classes on every widget; action errors mapped onto fields (planning's habit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def add_action_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


class GroupedForm(StyledForm):
    """A long form shown in titled groups (``GROUPS``: (title, [field names]))."""

    GROUPS: list[tuple[str, list[str]]] = []

    def grouped(self):
        seen = set()
        out = []
        for title, names in self.GROUPS:
            fields = [self[n] for n in names if n in self.fields]
            seen.update(names)
            if fields:
                out.append((title, fields))
        rest = [self[n] for n in self.fields if n not in seen]
        if rest:
            out.insert(0, ("", rest))
        return out


# -- master catalog ---------------------------------------------------------------------------


class SystemForm(GroupedForm):
    """A master-catalog entry (STANDARDS.md field list). ``unit`` and ``code`` only when
    registering; the edit form sends the other fields to ``update_system``."""

    GROUPS = [
        (_("基本信息"), ["unit", "code", "name", "category", "delivery_mode", "status"]),
        (_("部署网络与孤网审批（第三十一条）"), ["network", "isolation_reason"]),
        (_("部署方式（第二十条）"), ["hosting", "hosting_justification"]),
        (
            _("网络安全等级保护（第十七条）"),
            [
                "mlps_level",
                "mlps_filing_number",
                "mlps_filing_date",
                "mlps_evaluated_on",
                "mlps_result",
            ],
        ),
        (_("密码应用安全性评估（第十八条）"), ["crypto_assessed_on", "crypto_result"]),
        (_("重大安全隐患（第三十二条）"), ["major_hazard", "hazard_note"]),
        (
            _("整合与使用情况（第三十三条）"),
            [
                "integration_status",
                "users_count",
                "monthly_visits",
                "last_maintained_on",
                "detached_from_business",
                "replaceable_by",
            ],
        ),
    ]

    name = forms.CharField(
        label=_("系统名称"), max_length=200, error_messages={"required": _("请填写系统名称。")}
    )
    category = _choice(_("系统类别"), SystemCategory.choices)
    delivery_mode = _choice(_("建设方式"), DeliveryMode.choices)
    status = _choice(_("运行状态"), SystemStatus.choices)
    network = _choice(_("部署网络"), Network.choices)
    isolation_reason = _text(
        _("不能共享的法律法规依据"),
        rows=2,
    )
    hosting = _choice(_("部署方式"), HOSTING_CHOICES)
    hosting_justification = _text(_("未部署在数字重庆云的理由"))
    mlps_level = forms.IntegerField(
        label=_("等保级别"),
        required=False,
        min_value=1,
        max_value=5,
        error_messages={
            "invalid": _("等保级别应为 1—5 的整数。"),
            "min_value": _("等保级别应为 1—5 的整数。"),
            "max_value": _("等保级别应为 1—5 的整数。"),
        },
    )
    mlps_filing_number = forms.CharField(label=_("等保备案编号"), max_length=60, required=False)
    mlps_filing_date = _date(_("等保备案日期"))
    mlps_evaluated_on = _date(_("最近等保测评日期"))
    mlps_result = _choice(_("等保测评结论"), AssessmentResult.choices, required=False)
    crypto_assessed_on = _date(_("最近密评日期"))
    crypto_result = _choice(_("密评结论"), AssessmentResult.choices, required=False)
    major_hazard = forms.BooleanField(label=_("存在重大安全隐患"), required=False)
    hazard_note = _text(_("安全隐患说明"))
    integration_status = _choice(_("整合状态"), IntegrationStatus.choices)
    users_count = forms.IntegerField(
        label=_("用户数"),
        required=False,
        min_value=0,
        error_messages={"invalid": _("请填写整数。")},
    )
    monthly_visits = forms.IntegerField(
        label=_("月访问量"),
        required=False,
        min_value=0,
        error_messages={"invalid": _("请填写整数。")},
    )
    last_maintained_on = _date(_("最近运维日期"))
    detached_from_business = forms.BooleanField(label=_("与业务脱节"), required=False)
    replaceable_by = forms.CharField(label=_("可被替代的系统"), max_length=200, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("所属单位"),
                queryset=units,
                error_messages={
                    "required": _("请选择所属单位。"),
                    "invalid_choice": _("请选择本单位。"),
                },
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            if units.count() == 1:
                self.fields["unit"].initial = units.first().pk
            self.fields["code"] = forms.CharField(
                label=_("系统编码"),
                max_length=40,
                error_messages={"required": _("请填写系统编码。")},
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.order_fields(["unit", "code", "name"])

    def action_fields(self) -> dict:
        """cleaned_data as the action expects it (dates and numbers may be None)."""
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        data.pop("code", None)
        return data


class CurateForm(StyledForm):
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False)


class ImportForm(StyledForm):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        error_messages={"required": _("请选择要导入的 .xlsx 文件。")},
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        return file


class SystemFilterForm(forms.Form):
    """GET filters of the master catalog; invalid values are ignored."""

    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=None, required=False)
    category = forms.ChoiceField(
        label=_("系统类别"), choices=_blank(SystemCategory.choices), required=False
    )
    status = forms.ChoiceField(
        label=_("运行状态"), choices=_blank(SystemStatus.choices), required=False
    )
    network = forms.ChoiceField(
        label=_("部署网络"), choices=_blank(Network.choices), required=False
    )
    catalogued = forms.ChoiceField(
        label=_("总目录"),
        choices=[("", "—"), ("1", _("已纳入")), ("0", _("未纳入"))],
        required=False,
    )
    integration = forms.ChoiceField(
        label=_("整合状态"), choices=_blank(IntegrationStatus.choices), required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def apply(self, qs):
        # a bad value drops only its own filter (cleaned_data keeps the valid ones)
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("unit"):
            qs = qs.filter(unit=data["unit"])
        for key, lookup in (
            ("category", "category"),
            ("status", "status"),
            ("network", "network"),
            ("integration", "integration_status"),
        ):
            if data.get(key):
                qs = qs.filter(**{lookup: data[key]})
        if data.get("catalogued") in ("0", "1"):
            qs = qs.filter(catalogued=data["catalogued"] == "1")
        return qs


# -- data resource catalog --------------------------------------------------------------------


class ResourceForm(GroupedForm):
    GROUPS = [
        (
            _("基本信息"),
            [
                "provider",
                "classification",
                "class_code",
                "resource_code",
                "name",
                "summary",
                "format",
                "update_cycle",
                "release_date",
                "related_codes",
                "is_authoritative",
                "systems",
            ],
        ),
        (
            _("共享与开放（第十四条）"),
            [
                "share_type",
                "share_conditions",
                "share_basis",
                "share_method",
                "open_type",
                "open_scope",
                "named_recipients",
            ],
        ),
    ]

    classification = _choice(_("资源属性"), ResourceAttribute.choices)
    class_code = forms.CharField(
        label=_("分类代码"),
        max_length=30,
        help_text=_("类(1) 项(2) 目(3) 细目，如 A01.02"),
        error_messages={"required": _("请填写分类代码。")},
    )
    resource_code = forms.CharField(
        label=_("资源代码"),
        max_length=60,
        help_text=_("分类代码/顺序号，如 A01.02/000123"),
        error_messages={"required": _("请填写资源代码。")},
    )
    name = forms.CharField(
        label=_("资源名称"), max_length=200, error_messages={"required": _("请填写资源名称。")}
    )
    summary = _text(_("资源摘要"), rows=3, required=True)
    format = _choice(_("资源格式"), ResourceFormat.choices)
    share_type = _choice(_("共享类型"), ShareType.choices)
    share_conditions = _text(_("共享条件"))
    share_basis = _text(_("不予共享依据"))
    share_method = _choice(_("共享方式"), ShareMethod.choices, required=False)
    open_type = _choice(_("开放类型"), OpenType.choices)
    open_scope = _choice(_("开放范围"), OpenScope.choices)
    named_recipients = _text(_("特定开放对象"))
    update_cycle = _choice(_("更新周期"), UpdateCycle.choices)
    release_date = _date(_("发布日期"))
    related_codes = forms.CharField(label=_("关联资源代码"), max_length=500, required=False)
    is_authoritative = forms.BooleanField(
        label=_("权威数据源"),
        required=False,
        help_text=_(
            "该资源是其信息项的权威来源；其他单位再采集同一信息项即为重复采集（第三十一条）。"
        ),
    )
    systems = forms.ModelMultipleChoiceField(
        label=_("提供系统"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args, units, systems, provider_fixed=None, bdb=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].error_messages["required"] = _("请填写资源摘要。")
        self.fields["systems"].queryset = systems
        if not bdb:
            # BDB names the authoritative sources (Art. 31); a unit sees the flag, unchangeable
            self.fields["is_authoritative"].disabled = True
            self.fields["is_authoritative"].help_text = _(
                "由市大数据发展局认定：权威来源的信息项被其他单位再采集即为重复采集（第三十一条）。"
            )
        if provider_fixed is None:
            self.fields["provider"] = forms.ModelChoiceField(
                label=_("资源提供方"),
                queryset=units,
                error_messages={
                    "required": _("请选择资源提供方。"),
                    "invalid_choice": _("请选择本单位。"),
                },
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            if units.count() == 1:
                self.fields["provider"].initial = units.first().pk
            self.order_fields(["provider"])

    def action_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("provider", None)
        data.pop("systems", None)
        return data


class ItemRowForm(StyledForm):
    name = forms.CharField(label=_("信息项名称"), max_length=100, required=False)
    data_type = forms.ChoiceField(
        label=_("数据类型"), choices=_blank(DataType.choices), required=False
    )
    length = forms.IntegerField(
        label=_("数据长度"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("数据长度应为整数。"), "min_value": _("数据长度应大于零。")},
    )
    system_code = forms.CharField(
        label=_("所属系统编码"),
        max_length=40,
        required=False,
        help_text=_("提供系统之一；只有一个提供系统时可不填"),
    )

    def add_action_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


def item_formset(data=None, items=()):
    """A fixed number of rows (at least ``ITEM_ROWS``), prefilled with ``items``."""
    initial = [
        {
            "name": i.name,
            "data_type": i.data_type,
            "length": i.length,
            "system_code": i.system.code if i.system_id else "",
        }
        for i in items
    ]
    formset_class = forms.formset_factory(
        ItemRowForm, extra=max(ITEM_ROWS - len(initial), 2), max_num=200
    )
    # Every row is validated even when it equals its initial value (Django skips unchanged
    # extra rows otherwise, and an unchanged prefilled row would be dropped on save).
    return formset_class(
        data, initial=initial, prefix="items", form_kwargs={"empty_permitted": False}
    )


def filled_rows(formset) -> list[tuple[int, dict]]:
    """(row index in the formset, item dict) of the rows the user filled in."""
    rows = []
    for n, form in enumerate(formset.forms):
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if data.get("name") or data.get("data_type") or data.get("length"):
            rows.append(
                (
                    n,
                    {
                        "name": data.get("name") or "",
                        "data_type": data.get("data_type") or "",
                        "length": data.get("length"),
                        "system_code": data.get("system_code") or "",
                    },
                )
            )
    return rows


class ResourceFilterForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("资源提供方"), queryset=None, required=False)
    share_type = forms.ChoiceField(
        label=_("共享类型"), choices=_blank(ShareType.choices), required=False
    )
    open_type = forms.ChoiceField(
        label=_("开放类型"), choices=_blank(OpenType.choices), required=False
    )
    format = forms.ChoiceField(
        label=_("资源格式"), choices=_blank(ResourceFormat.choices), required=False
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def apply(self, qs):
        # a bad value drops only its own filter (cleaned_data keeps the valid ones)
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("provider"):
            qs = qs.filter(provider=data["provider"])
        for key in ("share_type", "open_type", "format"):
            if data.get(key):
                qs = qs.filter(**{key: data[key]})
        return qs


# -- sharing (Art. 14) ----------------------------------------------------------------------


class SharingRequestForm(StyledForm):
    purpose = forms.CharField(
        label=_("用途"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写用途。")},
        help_text=_("说明使用该资源的业务事项和依据。"),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None and units.count() > 1:
            self.fields["requester"] = forms.ModelChoiceField(
                label=_("申请单位"),
                queryset=units,
                error_messages={"required": _("请选择申请单位。")},
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.order_fields(["requester", "purpose"])


class AnswerForm(StyledForm):
    grant = forms.TypedChoiceField(
        label=_("答复"),
        choices=[("1", _("同意共享")), ("0", _("不予共享"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或不予共享。")},
    )
    answer = forms.CharField(
        label=_("答复意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("不予共享的须说明理由。"),
    )


class FeedbackForm(StyledForm):
    usage = forms.CharField(
        label=_("使用情况"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写使用情况。")},
    )
    satisfied = forms.BooleanField(label=_("满足业务需要"), required=False, initial=True)


class SharingFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), choices=_blank(SharingState.choices), required=False)
    overdue = forms.BooleanField(label=_("仅看逾期未答复"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"


# -- O&M funding decisions (Art. 28, 31-33) ----------------------------------------------------


class OMRunForm(StyledForm):
    budget_year = forms.IntegerField(
        label=_("预算年度"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("请填写预算年度。"),
            "invalid": _("请填写四位年份，如 2027。"),
            "min_value": _("预算年度不能早于 2000 年。"),
            "max_value": _("预算年度不能晚于 2100 年。"),
        },
    )


class OMFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("预算年度"), coerce=int, required=False, empty_value=None)
    eligible = forms.ChoiceField(
        label=_("结论"),
        choices=[("", "—"), ("1", _("可安排")), ("0", _("不予安排"))],
        required=False,
    )
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=None, required=False)
    rule = forms.ChoiceField(
        label=_("不符合的条件"),
        choices=[("", "—")] + [(r, r) for r in OM_RULE_IDS],
        required=False,
    )
    q = forms.CharField(label=_("系统编码或名称"), required=False, max_length=100)

    def __init__(self, *args, years, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "—")] + [(str(y), str(y)) for y in years]
        self.fields["unit"].queryset = units
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )

    def apply(self, qs):
        # a bad value drops only its own filter (cleaned_data keeps the valid ones)
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("year"):
            qs = qs.filter(run__budget_year=data["year"])
        if data.get("eligible") in ("0", "1"):
            qs = qs.filter(eligible=data["eligible"] == "1")
        if data.get("unit"):
            qs = qs.filter(system__unit=data["unit"])
        if data.get("rule"):
            # the rule id appears as a JSON string value only in "rule_id" of a reason
            qs = qs.filter(reasons__icontains=f'"{data["rule"]}"')
        if data.get("q"):
            from django.db.models import Q

            q = data["q"].strip()
            qs = qs.filter(Q(system__code__icontains=q) | Q(system__name__icontains=q))
        return qs
