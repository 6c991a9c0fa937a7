"""Forms of the registry pages (project list versions, frameworks, classified stubs). They check
input shape; the actions check the rules and the permissions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from accounts.roles import OrgKind
from core.forms import YEAR_ERRORS, StyledForm


def _year_field(label):
    return forms.IntegerField(
        label=label, min_value=2000, max_value=2100, error_messages=YEAR_ERRORS
    )


def _text(label, rows=3, required=False, help_text=""):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required,
        help_text=help_text,
    )


def _org_choice(label, queryset, required_message):
    return forms.ModelChoiceField(
        label=label,
        queryset=queryset,
        error_messages={
            "required": required_message,
            "invalid_choice": _("所选单位无效，请重新选择。"),
        },
    )


def active_units():
    return Organisation.objects.filter(kind=OrgKind.UNIT, is_active=True).order_by("name")


def active_districts():
    return Organisation.objects.filter(kind=OrgKind.DISTRICT, is_active=True).order_by("name")


# -- project list (Art. 8 ¶2) ------------------------------------------------------------------


class PublishListForm(StyledForm):
    year = _year_field(_("清单年度"))
    note = forms.CharField(
        label=_("发布说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("如：第二批列入项目、调整优先级等。"),
    )


# -- cross-department frameworks (Art. 13) -----------------------------------------------------


class FrameworkForm(StyledForm):
    title = forms.CharField(
        label=_("跨部门项目名称"),
        max_length=200,
        error_messages={"required": _("请填写跨部门项目名称。")},
    )
    goals = _text(_("建设目标"))
    main_content = _text(_("主要建设内容"), rows=4)
    data_catalog = _text(
        _("初步数据资源目录"), rows=4, help_text=_("列明各参与单位产生和共享的数据资源。")
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["lead_unit"] = _org_choice(_("牵头单位"), units, _("请选择牵头单位。"))
            self.fields["lead_unit"].widget.attrs["class"] = "form-select"
            if units.count() == 1:
                self.fields["lead_unit"].initial = units.first().pk
            self.order_fields(["lead_unit", "title"])


class ParticipantForm(StyledForm):
    unit = _org_choice(_("参与单位"), Organisation.objects.none(), _("请选择参与单位。"))
    business_flow = _text(_("业务流"))
    data_flow = _text(_("数据流"))
    interfaces = _text(_("与整体项目的接口"))
    content_items = _text(
        _("承担的建设内容"),
        rows=4,
        help_text=_("每行一项；同一项建设内容不得由两个单位承担（第十三条）。"),
    )

    def __init__(self, *args, fixed_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units()
        if fixed_unit is not None:
            # Editing a participant: the unit is the key of the row and cannot change.
            self.fields["unit"].initial = fixed_unit.pk
            self.fields["unit"].disabled = True


class DistrictForm(StyledForm):
    district = _org_choice(_("区县"), Organisation.objects.none(), _("请选择区县。"))
    linked_project = forms.CharField(
        label=_("区县配套项目"),
        max_length=200,
        error_messages={"required": _("请填写区县配套项目名称（第十三条）。")},
    )
    note = _text(_("配合内容"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = active_districts()


FRAMEWORK_DECISIONS = (("agree", _("出具审核意见（同意）")), ("return", _("退回修改")))


class FrameworkReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=FRAMEWORK_DECISIONS,
        initial="agree",
        error_messages={
            "required": _("请选择审核结论。"),
            "invalid_choice": _("请选择有效的审核结论。"),
        },
    )
    opinion = forms.CharField(
        label=_("审核意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("请填写审核意见（第十三条：审核意见是各参与单位申报的必要附件）。")
        },
    )


# -- classified stubs (Art. 8 ¶3) --------------------------------------------------------------


class ClassifiedStubForm(StyledForm):
    unit = _org_choice(_("建设单位"), Organisation.objects.none(), _("请选择建设单位。"))
    year = _year_field(_("年度"))
    # Text, not DecimalField: the action parses 万元 exactly and words its own errors.
    amount_wan = forms.CharField(
        label=_("金额（万元）"),
        max_length=30,
        error_messages={"required": _("请填写金额（万元）。")},
    )
    code = forms.CharField(
        label=_("存根编号"),
        max_length=40,
        required=False,
        help_text=_("留空则自动编号（SM-年度-序号）。编号不得含涉密信息。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units()
