"""Password complexity for MLPS level 3 (GB/T 22239-2019 8.1.4.1 a)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least three of: lower case, upper case, digit, symbol."""

    classes = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")

    def validate(self, password, user=None):
        present = sum(1 for pattern in self.classes if re.search(pattern, password))
        if present < 3:
            raise ValidationError(
                _("密码须至少包含小写字母、大写字母、数字、符号中的三类。"),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须至少包含小写字母、大写字母、数字、符号中的三类。")


class MinimumLengthValidator:
    """Chinese message for the length rule (Django 5.2's zh_Hans catalogue misses this msgid)."""

    def __init__(self, min_length=10):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要 %(min_length)d 个字符。"),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
