"""The inputs of the accounts actions, each declared once: the admin pages' forms, the action
API and the demo directory all use them (``core.contracts``)."""

from __future__ import annotations

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.contracts import Choice, Contract, Flag, Int, Ref, Secret, Text
from core.identifiers import CreditCode, Phone

from .roles import Authority, OrgKind, Role, UnitCategory

PASSWORD_HELP = L("至少 10 位，含小写字母、大写字母、数字、符号中的三类。")


# -- organisations ------------------------------------------------------------------------------


class OrganisationIn(Contract):
    """A body that uses the platform (Art. 2: the units; Art. 4, 5: the authorities)."""

    SECTIONS = (
        (L("名称与类型"), ("name", "short_name", "kind")),
        (L("类别与归属"), ("unit_category", "authority", "district", "division_code")),
        (L("联系信息"), ("credit_code", "contact_phone", "is_active")),
    )

    name: str = Text(L("名称"), required=True, max_length=100)
    short_name: str = Text(L("简称"), max_length=30, help=L("列表和菜单中显示，如“市教委”。"))
    kind: str = Choice(OrgKind, L("组织类型"))
    unit_category: str = Choice(
        UnitCategory,
        L("建设单位类别（第二条）"),
        required=False,
        help=L("仅项目建设单位填写；区县所属单位可不选。"),
    )
    authority: str = Choice(
        Authority,
        L("主管部门代码"),
        required=False,
        help=L("仅主管部门填写，每个代码只能登记一个组织。"),
    )
    district: int | None = Ref(
        L("所属区县"), required=False, help=L("区县所属的项目建设单位选择其区县。")
    )
    division_code: str = Text(
        L("行政区划代码"), max_length=12, help=L("区县填写 6 位代码，如渝中区 500103。")
    )
    credit_code: str = CreditCode(L("统一社会信用代码"))
    contact_phone: str = Phone(L("联系电话"))

    def problems(self) -> dict[str, str]:
        """What each kind of organisation must name (Art. 2 categories, authority codes,
        district division codes)."""
        errors: dict[str, str] = {}
        if self.kind == OrgKind.UNIT and not self.unit_category and not self.district:
            errors["unit_category"] = _(
                "市级项目建设单位须选择第二条规定的单位类别（区县单位除外）。"
            )
        if self.kind == OrgKind.AUTHORITY and not self.authority:
            errors["authority"] = _("主管部门须选择其部门代码。")
        if self.kind == OrgKind.DISTRICT and not self.division_code:
            errors["division_code"] = _("区县须填写行政区划代码（6 位数字）。")
        if self.division_code and not (
            self.division_code.isdigit() and len(self.division_code) == 6
        ):
            errors["division_code"] = _("行政区划代码须为 6 位数字。")
        if self.district and self.kind != OrgKind.UNIT:
            errors["district"] = _("只有项目建设单位可以归属区县。")
        return errors


class OrganisationChangeIn(OrganisationIn):
    """An organisation's details changed; a deactivated organisation's roles lapse."""

    is_active: bool = Flag(L("启用"), help=L("停用后，该组织人员的角色随之失效。"))


# -- people --------------------------------------------------------------------------------------


class PasswordProblems:
    """The second password box must repeat the first (when it is given: a machine client
    sends the password once)."""

    password: str
    password_confirm: str

    def problems(self) -> dict[str, str]:
        if self.password_confirm and self.password_confirm != self.password:
            return {"password_confirm": _("两次输入的密码不一致。")}
        return {}


class UserProfileIn(Contract):
    """A person's name and contacts (the login name never changes)."""

    full_name: str = Text(L("姓名"), required=True, max_length=50)
    email: str = Text(L("电子邮箱"), max_length=254)
    phone: str = Phone(L("手机"))

    def problems(self) -> dict[str, str]:
        if self.email:
            try:
                validate_email(self.email)
            except ValidationError:
                return {"email": _("请填写有效的电子邮箱，如 name@example.cn。")}
        return {}


class UserAccountIn(PasswordProblems, UserProfileIn):
    """An account with its initial password, and optionally its first role (granted in the
    same step: if the role does not fit, no account is left)."""

    SECTIONS = (
        (L("账号"), ("username", "full_name", "email", "phone")),
        (L("初始密码"), ("password", "password_confirm")),
        (L("首个角色（可选）"), ("organisation", "role")),
    )

    username: str = Text(
        L("登录名"),
        required=True,
        max_length=150,
        help=L("字母、数字和 @ . + - _，如 jw_zhangsan。创建后不能修改。"),
    )
    password: str = Secret(L("初始密码"), help=PASSWORD_HELP)
    password_confirm: str = Secret(L("确认密码"), required=False)
    organisation: int | None = Ref(
        L("所属组织"), required=False, help=L("选择后同时授予下面的角色。")
    )
    role: str = Choice(Role, L("角色"), required=False)

    def problems(self) -> dict[str, str]:
        errors = {**UserProfileIn.problems(self), **PasswordProblems.problems(self)}
        try:
            UnicodeUsernameValidator()(self.username)
        except ValidationError:
            errors["username"] = _("登录名只能包含字母、数字和 @ . + - _。")
        if self.organisation and not self.role:
            errors["role"] = _("选择了组织时，请同时选择角色。")
        if self.role and not self.organisation:
            errors["organisation"] = _("选择了角色时，请同时选择所属组织。")
        return errors


class UserPasswordIn(PasswordProblems, Contract):
    """A new password set by the platform admin."""

    password: str = Secret(L("新密码"), help=PASSWORD_HELP)
    password_confirm: str = Secret(L("确认新密码"), required=False)


class PasswordChangeIn(PasswordProblems, Contract):
    """One's own password changed: the current one, then the new one twice."""

    old_password: str = Secret(L("当前密码"))
    password: str = Secret(L("新密码"), help=PASSWORD_HELP)
    password_confirm: str = Secret(L("确认新密码"))


class AccountDeactivateIn(Contract):
    """Why an account is closed (kept in the ledger)."""

    reason: str = Text(L("停用理由"), required=True, max_length=500, help=L("如：调离本单位"))


class AccountActivateIn(Contract):
    reason: str = Text(L("启用理由（可选）"), max_length=500)


# -- roles and tokens ------------------------------------------------------------------------------


class RoleGrantIn(Contract):
    """A role in an organisation; it must fit the organisation's kind (Art. 2, 4, 5)."""

    organisation: int | None = Ref(L("组织"))
    role: str = Choice(Role, L("角色"))


class RoleRevokeIn(Contract):
    reason: str = Text(L("撤销理由"), required=True, max_length=500)


class ApiTokenIn(Contract):
    """A bearer token for a machine client acting as the person."""

    name: str = Text(L("令牌用途"), required=True, max_length=100, help=L("如“渝快办对接”。"))
    validity: int | None = Int(
        L("有效期（天）"),
        required=False,
        help=L("不得超过平台安全要求规定的接口令牌最长有效期；留空即取最长有效期。"),
    )


# -- sign-in ---------------------------------------------------------------------------------------


class SignInIn(Contract):
    """Where a sign-in or sign-out came from (MLPS level 3 audit)."""

    ip: str = Text(L("来源地址"), max_length=45)


class SignInFailureIn(SignInIn):
    """A refused sign-in: the name typed (any text; it may name nobody)."""

    username: str = Text(L("登录名"))


# -- the second factor -----------------------------------------------------------------------------


class SecondFactorEnrolIn(Contract):
    """An authenticator app added: its key and the first code it shows, proving it was set up."""

    key: str = Text(L("密钥"), required=True, max_length=80)
    token: str = Text(
        L("动态口令"), required=True, max_length=16, help=L("认证器应用显示的 6 位数字")
    )


class SecondFactorVerifyIn(SignInIn):
    """The second step of a sign-in: a code of the authenticator app, or a recovery code."""

    token: str = Text(L("动态口令或恢复码"), required=True, max_length=16)


class SecondFactorResetIn(Contract):
    """Why a person's second factor is removed (kept in the ledger)."""

    reason: str = Text(
        L("重置理由"), required=True, max_length=500, help=L("如：手机遗失，已电话核实本人身份")
    )
