"""Identifiers of mainland China typed into forms: telephone numbers (libphonenumber) and
unified social credit codes (python-stdnum, GB 32100-2015), as contract fields."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .contracts import UI, _field, fail, normalise_digits


def Phone(label: Any, *, required: bool = False, help: Any = "") -> Any:
    """A telephone number of mainland China (mobile, or landline with its area code and an
    optional extension), checked with libphonenumber; full-width digits are accepted. Stored
    as typed, normalised: ``13800000000``, ``023-63800000``, ``023-63800000-123``."""

    def parse(value: object) -> str:
        text = normalise_digits(str(value or "")).replace("－", "-").replace("—", "-")
        if not text:
            if required:
                raise fail(_("请填写%(label)s。") % {"label": label})
            return ""
        return _checked_phone(text, label)

    ui = UI(
        "text", label, required, help or _("手机号，或区号加座机号，如 023-63800000"), max_length=30
    )
    return _field(ui, parse, "")


def _checked_phone(text: str, label: Any) -> str:
    import phonenumbers

    main, _sep, extension = text.partition("转") if "转" in text else _split_extension(text)
    try:
        number = phonenumbers.parse(main, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number_for_region(number, "CN"):
        raise fail(
            _(
                "%(label)s“%(value)s”不是有效的电话号码：请填写 11 位手机号，或区号加座机号，如 023-63800000。"
            )
            % {"label": label, "value": text}
        )
    national = str(number.national_number)
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
        return national
    # a landline as written in China: area code with its trunk 0, a hyphen, the number
    area = phonenumbers.length_of_geographical_area_code(number)
    formatted = f"0{national[:area]}-{national[area:]}" if area else f"0{national}"
    if not extension.isdigit() and extension:
        raise fail(_("%(label)s的分机号只能是数字。") % {"label": label})
    return f"{formatted}-{extension}" if extension else formatted


def _split_extension(text: str) -> tuple[str, str, str]:
    """``023-63800000-123`` → (``023-63800000``, "-", ``123``): a third group is an extension."""
    parts = text.split("-")
    if len(parts) == 3:
        return "-".join(parts[:2]), "-", parts[2]
    return text, "", ""


def CreditCode(label: Any, *, required: bool = False, help: Any = "") -> Any:
    """A unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters with its
    check character, verified with python-stdnum; spaces and lower case are normalised."""

    def parse(value: object) -> str:
        from stdnum import exceptions
        from stdnum.cn import uscc

        text = normalise_digits(str(value or "")).upper()
        if not text:
            if required:
                raise fail(_("请填写%(label)s。") % {"label": label})
            return ""
        try:
            return str(uscc.validate(text))
        except exceptions.ValidationError:
            raise fail(
                _("%(label)s“%(value)s”无效：应为 18 位（GB 32100-2015），且校验位正确，请核对。")
                % {"label": label, "value": text}
            ) from None

    ui = UI("text", label, required, help, max_length=18)
    return _field(ui, parse, "")
