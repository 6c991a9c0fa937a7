"""The sign-in form. Every other form of the chapter is an action's contract
(``accounts.contracts``)."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import User
from .throttle import blocked, client_ip, minutes_left


class LoginForm(AuthenticationForm):
    """Django's form with Chinese messages and a clear lockout message. A wrong name and a
    wrong password get the same message, so that it does not tell which names exist."""

    error_messages = {
        "invalid_login": _("登录名或密码错误。连续多次错误将锁定账号。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("登录名")
        self.fields["password"].label = _("密码")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        # an address with too many failures is refused before any account is asked, so that
        # it can neither guess on nor lock anybody's account (``accounts.throttle``)
        address = blocked(client_ip(self.request))
        if address is not None:
            raise forms.ValidationError(
                _("该地址登录失败次数过多，已暂停登录，请 %(minutes)s 分钟后再试。")
                % {"minutes": minutes_left(address)},
                code="throttled",
            )
        username = self.cleaned_data.get("username")
        if username:
            user = User.objects.filter(username__iexact=username).first()
            if user is not None and user.is_locked():
                raise forms.ValidationError(
                    _("账号因连续登录失败已被临时锁定，请稍后再试或联系系统管理员解锁。"),
                    code="locked",
                )
        return super().clean()
