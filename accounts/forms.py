from datetime import timedelta

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Organisation
from .roles import Authority, OrgKind, Role, UnitCategory, roles_allowed_for


class LoginForm(AuthenticationForm):
    """Django's form with Chinese messages and a clear lockout message."""

    error_messages = {
        "invalid_login": _("登录名或密码错误。连续多次错误将锁定账号。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("登录名")
        self.fields["password"].label = _("密码")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        from .models import User

        username = self.cleaned_data.get("username")
        if username:
            user = User.objects.filter(username__iexact=username).first()
            if user is not None and user.is_locked():
                raise forms.ValidationError(
                    _("账号因连续登录失败已被临时锁定，请稍后再试或联系系统管理员解锁。"),
                    code="locked",
                )
        return super().clean()


# -- management forms (platform admin) ---------------------------------------------------------
# Plain forms shaped like the models: the actions (accounts/actions.py) hold the rules and raise
# ActionInvalid; ``add_action_errors`` puts its messages under the fields they concern.


class ManageForm(forms.Form):
    """Bootstrap classes on every widget, ``is-invalid`` on fields with errors, and a place for
    an action's form-level message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_message = ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self._errors or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()

    def add_action_errors(self, exc, aliases: dict | None = None) -> None:
        """Show an ActionInvalid: its message at the top, its field errors under the fields."""
        aliases = aliases or {}
        self.action_message = exc.message
        for key, message in getattr(exc, "errors", {}).items():
            name = aliases.get(key, key)
            self.add_error(name if name in self.fields else None, message)


class OrganisationForm(ManageForm):
    name = forms.CharField(
        label=_("名称"), max_length=100, error_messages={"required": _("请填写名称。")}
    )
    short_name = forms.CharField(
        label=_("简称"),
        max_length=30,
        required=False,
        help_text=_("列表和菜单中显示，如“市教委”。"),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("", _("请选择")), *OrgKind.choices],
        error_messages={"required": _("请选择组织类型。")},
    )
    unit_category = forms.ChoiceField(
        label=_("建设单位类别（第二条）"),
        choices=[("", "—"), *UnitCategory.choices],
        required=False,
        help_text=_("仅项目建设单位填写；区县所属单位可不选。"),
    )
    authority = forms.ChoiceField(
        label=_("主管部门代码"),
        choices=[("", "—"), *Authority.choices],
        required=False,
        help_text=_("仅主管部门填写，每个代码只能登记一个组织。"),
    )
    district = forms.ModelChoiceField(
        label=_("所属区县"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("—（市级）"),
        help_text=_("区县所属的项目建设单位选择其区县。"),
    )
    division_code = forms.CharField(
        label=_("行政区划代码"),
        max_length=12,
        required=False,
        help_text=_("区县填写 6 位代码，如渝中区 500103。"),
    )
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    is_active = forms.BooleanField(
        label=_("启用"),
        required=False,
        initial=True,
        help_text=_("停用后，该组织人员的角色随之失效。"),
    )

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "short_name": instance.short_name,
                    "kind": instance.kind,
                    "unit_category": instance.unit_category,
                    "authority": instance.authority,
                    "district": instance.district_id,
                    "division_code": instance.division_code,
                    "credit_code": instance.credit_code,
                    "contact_phone": instance.contact_phone,
                    "is_active": instance.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        districts = Organisation.objects.filter(kind=OrgKind.DISTRICT).order_by("name")
        if instance is not None:
            districts = districts.exclude(pk=instance.pk)
        self.fields["district"].queryset = districts


class UserCreateForm(ManageForm):
    username = forms.CharField(
        label=_("登录名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("字母、数字和 @ . + - _，如 jw_zhangsan。创建后不能修改。"),
        error_messages={"required": _("请填写登录名。")},
    )
    full_name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名。")}
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 10 位，含小写字母、大写字母、数字、符号中的三类。"),
        error_messages={"required": _("请填写初始密码。")},
    )
    password_confirm = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入密码。")},
    )
    organisation = forms.ModelChoiceField(
        label=_("所属组织"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("—（稍后授予角色）"),
        help_text=_("选择后同时授予下面的角色。"),
    )
    role = forms.ChoiceField(label=_("角色"), choices=[("", "—"), *Role.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True).order_by(
            "kind", "name"
        )
        self.fields["organisation"].label_from_instance = org_label_with_roles

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm"):
            if data["password"] != data["password_confirm"]:
                self.add_error("password_confirm", _("两次输入的密码不一致。"))
        if data.get("organisation") and not data.get("role"):
            self.add_error("role", _("选择了组织时，请同时选择角色。"))
        if data.get("role") and not data.get("organisation"):
            self.add_error("organisation", _("选择了角色时，请同时选择所属组织。"))
        return data


class UserEditForm(ManageForm):
    full_name = forms.CharField(
        label=_("姓名"), max_length=50, error_messages={"required": _("请填写姓名。")}
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    phone = forms.CharField(label=_("手机"), max_length=20, required=False)


class PasswordResetForm(ManageForm):
    password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 10 位，含小写字母、大写字母、数字、符号中的三类。"),
        error_messages={"required": _("请填写新密码。")},
    )
    password_confirm = forms.CharField(
        label=_("确认新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入新密码。")},
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm"):
            if data["password"] != data["password_confirm"]:
                self.add_error("password_confirm", _("两次输入的密码不一致。"))
        return data


def org_label_with_roles(org) -> str:
    """“市教委 · 可授：填报人、单位负责人”: the grant form says which roles fit."""
    allowed = roles_allowed_for(org)
    names = "、".join(str(label) for value, label in Role.choices if value in allowed)
    return f"{org.name} · {_('可授')}：{names or '—'}"


class GrantRoleForm(ManageForm):
    organisation = forms.ModelChoiceField(
        label=_("组织"),
        queryset=Organisation.objects.none(),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择组织。"),
            "invalid_choice": _("请选择有效的组织。"),
        },
    )
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[("", _("请选择")), *Role.choices],
        error_messages={"required": _("请选择角色。"), "invalid_choice": _("请选择有效的角色。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True).order_by(
            "kind", "name"
        )
        self.fields["organisation"].label_from_instance = org_label_with_roles


class ReasonForm(ManageForm):
    """The reason given for revoking a role or deactivating an account (kept in the ledger)."""

    reason = forms.CharField(
        label=_("理由"), max_length=500, error_messages={"required": _("请填写理由。")}
    )

    def __init__(self, *args, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


TOKEN_VALIDITY_CHOICES = [
    ("90", _("90 天")),
    ("180", _("180 天")),
    ("365", _("1 年")),
    ("0", _("长期有效（不推荐）")),
]


class ApiTokenForm(ManageForm):
    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("如“渝快办对接”。"),
        error_messages={"required": _("请填写令牌用途。")},
    )
    validity = forms.ChoiceField(label=_("有效期"), choices=TOKEN_VALIDITY_CHOICES, initial="180")

    def expires_at(self):
        days = int(self.cleaned_data["validity"])
        return timezone.now() + timedelta(days=days) if days else None
