"""Forms of the project pages. They check the shape of the input (a number is a number, a
required reason is given); the actions check the rules and the lifecycle. Money is typed in
万元 as a Decimal, never a float."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm

from .models import (
    Chapter,
    FundingSource,
    Hosting,
    ListCriterion,
    ProjectKind,
    RecipientKind,
    ShareType,
    Verdict,
)

MLPS_CHOICES = [
    ("", _("未定")),
    ("1", _("第一级")),
    ("2", _("第二级")),
    ("3", _("第三级")),
    ("4", _("第四级")),
    ("5", _("第五级")),
]


def _text(label, rows=3, help_text="", required=False, error=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": error} if error else None,
    )


def _choice(label, choices, help_text="", required=True):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        error_messages={
            "required": format_lazy(_("请选择{label}。"), label=label),
            "invalid_choice": format_lazy(_("请选择有效的{label}。"), label=label),
        },
    )


def _wan_field(label, name, required=True, help_text=""):
    """An amount in 万元; ``name`` is what the error messages call it (same words as the
    action's messages)."""
    errors = {
        "required": format_lazy(_("请填写{name}（万元）。"), name=name),
        "invalid": format_lazy(_("{name}应为数字，单位万元，如 3500 或 812.5。"), name=name),
        "max_digits": format_lazy(_("{name}超出允许范围。"), name=name),
        "max_whole_digits": format_lazy(_("{name}超出允许范围。"), name=name),
        "max_decimal_places": format_lazy(
            _("{name}最多保留六位小数（精确到元以下两位）。"), name=name
        ),
    }
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=16,
        decimal_places=6,
        help_text=help_text,
        error_messages=errors,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ProjectForm(StyledForm):
    """All fields of ``actions.create_project`` / ``update_project`` (see ``_project_fields``).

    Selects that depend on the unit (master-plan items, predecessors, frameworks) are given
    by the view; a user in several units also chooses the unit."""

    name = forms.CharField(
        label=_("项目名称"),
        max_length=200,
        error_messages={
            "required": _("请填写项目名称。"),
            "max_length": _("项目名称不能超过 200 个字。"),
        },
    )
    kind = _choice(_("项目类型"), ProjectKind.choices)
    year = forms.IntegerField(
        label=_("申报年度"),
        error_messages={
            "required": _("请填写申报年度。"),
            "invalid": _("请填写四位年份，如 2026。"),
        },
    )
    total_investment_wan = _wan_field(
        _("总投资（万元）"),
        _("总投资"),
        help_text=_("单位万元，可保留小数，如 812.5；决定审批阶段（第九条门槛）。"),
    )
    funding_source = _choice(_("资金来源"), FundingSource.choices)
    plan_item = forms.ChoiceField(
        label=_("总体方案项目"),
        required=False,
        help_text=_(
            "本单位现行报备的整合建设总体方案中的项目（第八条：按报备的总体方案提出需求）。"
        ),
        error_messages={"invalid_choice": _("请选择本单位现行报备总体方案中的项目。")},
    )
    requirement = _text(
        _("项目需求说明"), 5, _("建设内容、业务需求和预期效果（第八条，申报时必填）。")
    )
    basis = _text(_("建设依据"))
    integration_plan = _text(_("系统整合方案"))
    sharing_plan = _text(_("数据共享方案"))
    new_civil_works = forms.BooleanField(label=_("含新建土建工程"), required=False)
    energy_intensive = forms.BooleanField(label=_("高耗能项目"), required=False)
    hosting = _choice(_("部署方式"), Hosting.choices, _("第二十条：原则上依托数字重庆云部署。"))
    hosting_justification = _text(_("不部署在数字重庆云的理由"), 2)
    secure_reliable_statement = _text(
        _("软硬件产品安全可靠情况说明"), 2, _("第十九条：批复时须说明。")
    )
    share_type = _choice(_("数据共享类型"), ShareType.choices)
    share_recipient_kind = _choice(
        _("共享对象"),
        RecipientKind.choices,
        _("第十四条：应普遍共享的数据不得仅向特定企业或组织开放。"),
    )
    share_recipients = _text(_("共享对象名单"), 2)
    share_conditions = _text(_("共享条件或不予共享依据"), 2)
    mlps_level = forms.ChoiceField(
        label=_("拟定等级保护级别"), choices=MLPS_CHOICES, required=False
    )
    crypto_status = _text(_("密码应用情况"), 2)
    predecessor = forms.ChoiceField(
        label=_("原项目（改扩建）"),
        required=False,
        help_text=_("改扩建项目请选择本单位的原项目，并上传原项目第三方后评价报告（第十四条）。"),
        error_messages={"invalid_choice": _("原项目须为本单位的项目。")},
    )
    framework = forms.ChoiceField(
        label=_("所属跨部门项目"),
        required=False,
        help_text=_("本单位牵头或参与的跨部门项目（第十三条）。"),
        error_messages={"invalid_choice": _("请选择本单位参与的跨部门项目。")},
    )
    is_classified = forms.BooleanField(
        label=_("涉密项目"),
        required=False,
        help_text=_("涉密项目不在本平台填报（第八条），请勾选后按提示走线下渠道。"),
    )

    def __init__(self, *args, units=None, plan_items=(), predecessors=(), frameworks=(), **kw):
        super().__init__(*args, **kw)
        self.fields["plan_item"].choices = [("", "—")] + [(str(k), v) for k, v in plan_items]
        self.fields["predecessor"].choices = [("", "—")] + [(str(k), v) for k, v in predecessors]
        self.fields["framework"].choices = [("", "—")] + [(str(k), v) for k, v in frameworks]
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("建设单位"),
                queryset=units,
                error_messages={
                    "required": _("请选择建设单位。"),
                    "invalid_choice": _("请选择本人所在的建设单位。"),
                },
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.order_fields(["unit", "name"])

    SECTIONS = (
        (
            _("基本信息"),
            (
                "unit",
                "name",
                "kind",
                "year",
                "total_investment_wan",
                "funding_source",
                "plan_item",
                "predecessor",
                "framework",
            ),
        ),
        (
            _("需求与建设方案（第八条）"),
            ("requirement", "basis", "integration_plan", "sharing_plan"),
        ),
        (
            _("部署与安全（第十二条、第十九条、第二十条）"),
            (
                "hosting",
                "hosting_justification",
                "secure_reliable_statement",
                "mlps_level",
                "crypto_status",
                "new_civil_works",
                "energy_intensive",
            ),
        ),
        (
            _("数据共享（第十四条）"),
            ("share_type", "share_recipient_kind", "share_recipients", "share_conditions"),
        ),
        (_("涉密项目（第八条）"), ("is_classified",)),
    )

    def sections(self):
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.SECTIONS
        ]

    def action_fields(self) -> dict:
        """The keyword arguments of create_project / update_project (strings as typed, the
        amount as a Decimal; the action validates and converts)."""
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        data.pop("is_classified", None)
        return data


class ChapterForm(StyledForm):
    """The text of one chapter; the page posts ``stage`` and ``chapter`` beside it (the
    form's prefix names them, so the five chapter forms of a page do not collide)."""

    text_content = forms.CharField(
        label=_("章节内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(StyledForm):
    """退回 / 不予通过: the reason is required (Art. 8, 9)."""

    opinion = _text(_("理由"), 3, required=True, error=_("请填写退回或不予通过的理由。"))


class WithdrawForm(StyledForm):
    reason = forms.CharField(label=_("撤回说明"), required=False, max_length=200)


LIST_DECISIONS = (("list", _("列入项目清单")), ("return", _("退回修改")), ("reject", _("不予列入")))


class ListReviewForm(StyledForm):
    """BDB's necessity review (R8.2): five criteria, a priority and a decision."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in ListCriterion.choices:
            self.fields[f"{key}_verdict"] = forms.ChoiceField(
                label=label,
                choices=[("", "—"), *Verdict.choices],
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"{key}_opinion"] = forms.CharField(
                label=format_lazy(_("{label}审核意见"), label=label),
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
        self.order_fields([*self.criteria_names(), "priority", "decision", "opinion"])

    priority = forms.TypedChoiceField(
        label=_("优先级"),
        choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 10)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1 为最高（第八条：根据轻重缓急和财力情况）。"),
    )
    decision = _choice(_("审核决定"), LIST_DECISIONS)
    opinion = _text(_("审核意见"), 2, _("退回或不予列入时必填。"))

    @staticmethod
    def criteria_names():
        names = []
        for key in ListCriterion.values:
            names += [f"{key}_verdict", f"{key}_opinion"]
        return names

    def criteria_rows(self):
        return [
            (label, self[f"{key}_verdict"], self[f"{key}_opinion"])
            for key, label in ListCriterion.choices
        ]

    def priority_fields(self):
        return [self["priority"]]

    def decision_fields(self):
        return [self["decision"], self["opinion"]]

    def criteria(self) -> dict:
        return {
            key: {
                "verdict": self.cleaned_data.get(f"{key}_verdict") or "",
                "opinion": self.cleaned_data.get(f"{key}_opinion") or "",
            }
            for key in ListCriterion.values
        }


class ChapterOpinionsMixin:
    """Five chapter opinion fields ``ch_<chapter>`` (R14.2), shown between the ``HEAD`` and
    the ``TAIL`` fields."""

    HEAD: tuple[str, ...] = ()
    TAIL: tuple[str, ...] = ("opinion",)

    def add_chapter_fields(self):
        for key, label in Chapter.choices:
            self.fields[f"ch_{key}"] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    def chapter_opinions(self) -> dict:
        return {key: self.cleaned_data.get(f"ch_{key}") or "" for key in Chapter.values}

    def chapter_fields(self):
        return [self[f"ch_{key}"] for key in Chapter.values]

    def head_fields(self):
        return [self[name] for name in self.HEAD]

    def tail_fields(self):
        return [self[name] for name in self.TAIL]


class AcceptForm(StyledForm):
    consultant = forms.ModelChoiceField(
        label=_("第三方咨询评估机构"),
        queryset=None,
        error_messages={
            "required": _("请选择第三方咨询评估机构（第九条）。"),
            "invalid_choice": _("请选择在册的第三方咨询评估机构。"),
        },
    )
    expert = forms.ModelChoiceField(
        label=_("评估专家（可选）"),
        queryset=None,
        required=False,
        help_text=_("留空则该机构任一专家均可办理。"),
        error_messages={"invalid_choice": _("评估专家须属于所选咨询评估机构。")},
    )
    note = forms.CharField(label=_("受理说明"), required=False, max_length=200)

    def __init__(self, *args, consultants=None, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants
        self.fields["expert"].queryset = experts


class EvaluationForm(ChapterOpinionsMixin, StyledForm):
    opinion = _text(
        _("评估结论"), 4, _("未上传评估报告文件时，请在此完整填写评估报告内容（第九条）。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_chapter_fields()


AGREE_CHOICES = (("1", _("同意")), ("0", _("退回修改")))


class AgreeForm(StyledForm):
    """Joint-review opinion and BDB's design-content review: agree, or return with reasons."""

    agree = forms.ChoiceField(
        label=_("意见"),
        choices=AGREE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意或退回修改。")},
    )
    opinion = _text(_("意见说明"), 2, _("退回修改时必填。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agree"].widget.attrs["class"] = "form-check-input"


class ApproveForm(ChapterOpinionsMixin, StyledForm):
    HEAD = ("document_number", "approved_amount_wan")

    document_number = forms.CharField(
        label=_("批复文号"),
        max_length=100,
        help_text=_("如：渝发改数〔2026〕12号。"),
        error_messages={"required": _("请填写批复文号。")},
    )
    approved_amount_wan = _wan_field(
        _("核定总投资（万元）"),
        _("核定总投资"),
        required=False,
        help_text=_("留空则按申报总投资核定。"),
    )
    opinion = _text(_("批复意见"), 2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_chapter_fields()


class TransferForm(StyledForm):
    to_user = forms.ModelChoiceField(
        label=_("转办给"),
        queryset=None,
        error_messages={
            "required": _("请选择本单位具有相同审核角色的同事。"),
            "invalid_choice": _("请选择本单位具有相同审核角色的同事。"),
        },
    )
    note = forms.CharField(label=_("转办说明"), required=False, max_length=200)

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = colleagues


class CopyForm(StyledForm):
    recipients = forms.ModelMultipleChoiceField(
        label=_("抄送对象"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={
            "required": _("请至少选择一位抄送对象。"),
            "invalid_choice": _("抄送对象无效。"),
            "invalid_pk_value": _("抄送对象无效。"),
        },
    )
    note = forms.CharField(label=_("抄送说明"), required=False, max_length=200)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = users
        self.fields["recipients"].widget.attrs["class"] = "form-select"
        self.fields["recipients"].label_from_instance = _user_label


def _user_label(user) -> str:
    """Name and organisations; the view prefetches the active memberships (no query here)."""
    orgs = "、".join(dict.fromkeys(m.organisation.display_name for m in user.memberships.all()))
    name = user.get_full_name() or user.username
    return f"{name}（{orgs}）" if orgs else name
