"""One input contract per action: a typed model validated once, with Chinese messages.

A contract is a pydantic model (a Ninja ``Schema``) whose fields are declared with the field
types below. Each type parses and checks its value itself and raises a message that names
the field in Chinese ("请填写项目名称。"), so the same words reach a user whether the input
came from a page form (``core.forms.contract_form``), the JSON API (the contract is the
endpoint's payload) or a spreadsheet row (the catalog import, ``catalog/xlsx.py``).

    class CreateProjectIn(Contract):
        name: str = Text(_("项目名称"), required=True, max_length=200)
        total_investment_wan: Decimal | None = Wan(_("总投资"))

Each field type returns a pydantic field with its parser attached; every field has a default
and contracts validate defaults, so a missing required field is reported by its own type with
its label rather than by pydantic's generic "missing".
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, ClassVar, TypeVar

from django.db import models
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, ValidationError, create_model
from pydantic_core import PydanticCustomError

from .errors import ActionInvalid

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_WAN = Decimal("10000000000")

C = TypeVar("C", bound="Contract")


@dataclass(frozen=True)
class UI:
    """How a field is shown on a page form (read by ``core.forms``)."""

    kind: str  # text | textarea | choice | multi | bool | date | money | int | opinions |
    # password | file
    label: Any
    required: bool = False
    help: Any = ""
    rows: int = 0
    choices: tuple[tuple[str, Any], ...] = ()
    keys: tuple[tuple[str, Any], ...] = ()  # opinions: one text per key
    max_length: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: when an optional field is needed all the same ("列入项目清单时"): the page marks it, and
    #: the rule that needs it (not the field) refuses the input without it
    required_when: Any = ""


def ui_of(info: Any) -> UI | None:
    for item in getattr(info, "metadata", ()):
        if isinstance(item, UI):
            return item
    return None


def fail(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as it is (already in Chinese)."""
    return PydanticCustomError("govit", message.replace("{", "{{").replace("}", "}}"))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_digits(text: str) -> str:
    """Full-width digits and punctuation to ASCII, thousands separators removed."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace(",", "").replace("，", "").replace(" ", "").strip()


# -- field types ------------------------------------------------------------------------------


_NO_DEFAULT: Any = object()


def _field(ui: UI, parse: Callable[[Any], Any], default: Any = None, factory: Any = None) -> Any:
    """A pydantic field that parses with ``parse`` and carries its page description ``ui``."""
    if factory is not None:
        info = Field(default_factory=factory, title=str(ui.label))
    else:
        info = Field(default=default, title=str(ui.label))
    if ui.help:
        info.description = str(ui.help)
    info.metadata.extend([BeforeValidator(parse), ui])
    return info


def Text(
    label: Any,
    *,
    required: bool = False,
    max_length: int | None = None,
    rows: int = 0,
    help: Any = "",
    required_when: Any = "",
) -> Any:
    """Text, stripped; ``rows`` > 0 shows a text area."""

    def parse(value: object) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                value = str(value)
            else:
                raise fail(_("%(label)s应为文本。") % {"label": label})
        value = value.strip()
        if required and not value:
            raise fail(_("请填写%(label)s。") % {"label": label})
        if max_length and len(value) > max_length:
            raise fail(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_length})
        return value

    kind = "textarea" if rows else "text"
    ui = UI(
        kind, label, required, help, rows=rows, max_length=max_length, required_when=required_when
    )
    return _field(ui, parse, "")


def _choices_of(choices: Any) -> tuple[tuple[str, Any], ...]:
    if isinstance(choices, type) and issubclass(choices, Enum):
        return tuple((m.value, getattr(m, "label", m.value)) for m in choices)
    return tuple((str(k), v) for k, v in choices)


def Choice(
    choices: Any,
    label: Any,
    *,
    required: bool = True,
    help: Any = "",
    accept_labels: bool = True,
    required_when: Any = "",
) -> Any:
    """One of ``choices`` (a TextChoices class or pairs); a spreadsheet may give the label
    ("孤网") or a label's first part before "（" instead of the code."""
    options = _choices_of(choices)

    def parse(value: object) -> str:
        if isinstance(value, Enum):
            value = value.value
        if _blank(value):
            if required:
                raise fail(_("请选择%(label)s。") % {"label": label})
            return ""
        value = str(value).strip()
        codes = {code for code, _label in options}
        if value in codes:
            return value
        if accept_labels:
            for code, text in options:
                text = str(text)
                if value in (text, text.split("（")[0], text.split("(")[0].strip()):
                    return code
        allowed = "、".join(str(text) for _code, text in options)
        raise fail(
            _("%(label)s“%(value)s”无效，可选：%(allowed)s。")
            % {"label": label, "value": value, "allowed": allowed}
        )

    ui = UI("choice", label, required, help, choices=options, required_when=required_when)
    return _field(ui, parse, "")


def Year(label: Any, *, required: bool = True, help: Any = "") -> Any:
    def parse(value: Any) -> int | None:
        if _blank(value):
            if required:
                raise fail(_("请填写%(label)s（四位年份，如 2025）。") % {"label": label})
            return None
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise fail(_("请填写%(label)s（四位年份，如 2025）。") % {"label": label}) from None
        if not MIN_YEAR <= number <= MAX_YEAR:
            raise fail(
                _("%(label)s须在 %(a)s—%(b)s 年之间。")
                % {"label": label, "a": MIN_YEAR, "b": MAX_YEAR}
            )
        return number

    return _field(UI("int", label, required, help), parse)


def Int(
    label: Any,
    *,
    required: bool = True,
    minimum: int | None = None,
    maximum: int | None = None,
    help: Any = "",
    required_when: Any = "",
) -> Any:
    def parse(value: Any) -> int | None:
        if _blank(value):
            if required:
                raise fail(_("请填写%(label)s。") % {"label": label})
            return None
        if isinstance(value, bool):
            raise fail(_("%(label)s应为整数。") % {"label": label})
        try:
            text = normalise_digits(str(value))
            number = int(Decimal(text)) if Decimal(text) == int(Decimal(text)) else None
        except (InvalidOperation, ValueError):
            number = None
        if number is None:
            raise fail(_("%(label)s应为整数。") % {"label": label})
        if minimum is not None and number < minimum:
            raise fail(_("%(label)s不能小于 %(n)s。") % {"label": label, "n": minimum})
        if maximum is not None and number > maximum:
            raise fail(_("%(label)s不能大于 %(n)s。") % {"label": label, "n": maximum})
        return number

    return _field(UI("int", label, required, help, required_when=required_when), parse)


def _decimal(value: Any, label: Any, example: str) -> Decimal:
    if isinstance(value, float):
        raise fail(_("%(label)s须以文本或 Decimal 传入，不接受浮点数。") % {"label": label})
    if isinstance(value, bool):
        raise fail(_("%(label)s应为数字，%(example)s。") % {"label": label, "example": example})
    try:
        number = Decimal(normalise_digits(str(value)))
    except InvalidOperation:
        raise fail(
            _("%(label)s应为数字，%(example)s。") % {"label": label, "example": example}
        ) from None
    if not number.is_finite():
        raise fail(_("%(label)s应为数字，%(example)s。") % {"label": label, "example": example})
    return number


def Wan(label: Any, *, required: bool = True, allow_zero: bool = False, help: Any = "") -> Any:
    """An amount typed in 万元 -> exact Decimal 万元 (convert with ``core.money.wan_to_yuan``).
    Thousands separators and full-width digits are accepted; floats are refused."""

    def parse(value: Any) -> Decimal | None:
        if _blank(value):
            if required:
                raise fail(_("请填写%(label)s（万元）。") % {"label": label})
            return None
        wan = _decimal(value, label, _("单位万元，如 3500 或 812.5"))
        if wan < 0 or (wan == 0 and not allow_zero):
            raise fail(
                (_("%(label)s不能为负数。") if allow_zero else _("%(label)s须大于零。"))
                % {"label": label}
            )
        if wan.as_tuple().exponent < -6:  # type: ignore[operator]
            raise fail(_("%(label)s最多保留六位小数（精确到元以下两位）。") % {"label": label})
        if wan >= MAX_WAN:
            raise fail(_("%(label)s超出允许范围。") % {"label": label})
        return wan

    return _field(UI("money", label, required, help), parse)


def Yuan(label: Any, *, required: bool = True, allow_zero: bool = True, help: Any = "") -> Any:
    """An amount in yuan with at most two decimal places."""

    def parse(value: Any) -> Decimal | None:
        if _blank(value):
            if required:
                raise fail(_("请填写%(label)s（元）。") % {"label": label})
            return None
        yuan = _decimal(value, label, _("单位元，如 1200000.00"))
        if yuan < 0 or (yuan == 0 and not allow_zero):
            raise fail(_("%(label)s须大于零。") % {"label": label})
        if yuan.as_tuple().exponent < -2:  # type: ignore[operator]
            raise fail(_("%(label)s最多保留两位小数。") % {"label": label})
        if yuan >= MAX_WAN * 10000:
            raise fail(_("%(label)s超出允许范围。") % {"label": label})
        return yuan

    return _field(UI("money", label, required, help, extra={"unit": "yuan"}), parse)


def Secret(
    label: Any, *, required: bool = True, max_length: int | None = None, help: Any = ""
) -> Any:
    """A password or other secret: kept exactly as typed (not stripped), shown on a page as a
    password box that never renders its value back."""

    def parse(value: Any) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise fail(_("%(label)s应为文本。") % {"label": label})
        if required and not value:
            raise fail(_("请填写%(label)s。") % {"label": label})
        if max_length and len(value) > max_length:
            raise fail(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_length})
        return value

    return _field(UI("password", label, required, help, max_length=max_length), parse, "")


def Upload(label: Any, *, required: bool = True, help: Any = "") -> Any:
    """An uploaded file (a Django ``File``) from a page form; JSON cannot carry one, so the
    API refuses anything else. What the file may contain is the chapter's check."""

    def parse(value: Any) -> Any:
        if _blank(value) or value is False:
            if required:
                raise fail(_("请选择要上传的%(label)s。") % {"label": label})
            return None
        if not callable(getattr(value, "read", None)):
            raise fail(_("%(label)s须作为上传文件提交。") % {"label": label})
        return value

    return _field(UI("file", label, required, help), parse)


def Flag(label: Any, *, help: Any = "") -> Any:
    """Yes or no; text "是", "true", "1", "on", "yes" (a spreadsheet, a form) is yes."""

    def parse(value: Any) -> bool:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "on", "yes", "是", "y")
        return bool(value)

    return _field(UI("bool", label, False, help), parse, False)


def Day(label: Any, *, required: bool = False, past: bool = False, help: Any = "") -> Any:
    """A date given as 2025-03-18 (or a date); with ``past`` it may not lie after today."""
    from .dates import today

    def parse(value: object) -> dt.date | None:
        if _blank(value):
            if required:
                raise fail(_("请填写%(label)s。") % {"label": label})
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value).strip()[:10])
            except ValueError:
                raise fail(_("%(label)s格式应为 2025-03-18。") % {"label": label}) from None
        if past and value > today():
            raise fail(_("%(label)s不能晚于今天。") % {"label": label})
        return value

    return _field(UI("date", label, required, help), parse)


def Ref(label: Any, *, required: bool = True, help: Any = "") -> Any:
    """A reference to another object by its number; the action resolves it for the user (and
    the page offers the choices the action gives)."""

    def parse(value: Any) -> int | None:
        value = getattr(value, "pk", value)
        if _blank(value):
            if required:
                raise fail(_("请选择%(label)s。") % {"label": label})
            return None
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise fail(_("请选择有效的%(label)s。") % {"label": label}) from None
        if number <= 0 or number > 2**63 - 1:
            raise fail(_("请选择有效的%(label)s。") % {"label": label})
        return number

    return _field(UI("choice", label, required, help), parse)


def Refs(label: Any, *, required: bool = False, help: Any = "") -> Any:
    def parse(value: Any) -> list[int]:
        if _blank(value):
            value = []
        if isinstance(value, (str, int)) or hasattr(value, "pk"):
            value = [value]
        numbers = []
        for item in value:
            item = getattr(item, "pk", item)
            try:
                number = int(str(item).strip())
            except (TypeError, ValueError):
                raise fail(_("请选择有效的%(label)s。") % {"label": label}) from None
            if number <= 0 or number > 2**63 - 1:
                raise fail(_("请选择有效的%(label)s。") % {"label": label})
            numbers.append(number)
        if required and not numbers:
            raise fail(_("请至少选择一个%(label)s。") % {"label": label})
        return list(dict.fromkeys(numbers))

    return _field(UI("multi", label, required, help), parse, factory=list)


def Opinions(keys: Any, label: Any, *, required: bool = True, help: Any = "", rows: int = 2) -> Any:
    """One text per key (e.g. an opinion on each of the five chapters of Art. 14). With
    ``required`` every key needs a text; the message names the ones missing."""
    options = _choices_of(keys)

    def parse(value: Any) -> dict[str, str]:
        value = value or {}
        if not isinstance(value, Mapping):
            raise fail(_("%(label)s应为对象。") % {"label": label})
        known = {code for code, _text in options}
        unknown = [str(k) for k in value if str(k) not in known]
        if unknown:
            raise fail(
                _("%(label)s含未知项：%(keys)s。") % {"label": label, "keys": "、".join(unknown)}
            )
        clean = {str(k): str(v or "").strip() for k, v in value.items()}
        missing = [str(text) for code, text in options if not clean.get(code)]
        if required and missing:
            raise fail(
                _("请填写%(label)s：%(missing)s。")
                % {"label": label, "missing": "、".join(missing)}
            )
        return {code: clean[code] for code, _text in options if clean.get(code)}

    ui = UI("opinions", label, required, help, rows=rows, keys=options)
    return _field(ui, parse, factory=dict)


# -- the contract ----------------------------------------------------------------------------


class Contract(Schema):
    """Base of every action's input. ``parse`` validates once and raises ``ActionInvalid``
    with one Chinese message per field; ``SECTIONS`` groups the fields on a page form."""

    model_config = ConfigDict(validate_default=True, extra="ignore", str_strip_whitespace=False)

    SECTIONS: ClassVar[tuple[tuple[Any, tuple[str, ...]], ...]] = ()
    INVALID: ClassVar[str] = "填写内容有误，请按提示修改。"

    @classmethod
    def parse(cls: type[C], data: Any = None, **values: Any) -> C:
        """Validate ``data`` (a mapping, or an instance) plus keyword ``values``."""
        if isinstance(data, cls) and not values:
            clean = data
        else:
            merged: dict[str, Any] = {}
            if isinstance(data, Contract):
                merged.update(data.model_dump(exclude_unset=True))
            elif data is not None:
                merged.update(dict(data))
            merged.update(values)
            try:
                clean = cls.model_validate(merged)
            except ValidationError as exc:
                raise ActionInvalid(_(cls.INVALID), errors_of(exc)) from None
        problems = clean.problems()
        if problems:
            raise ActionInvalid(_(cls.INVALID), problems)
        return clean

    def problems(self) -> dict[str, str]:
        """Errors that involve several fields (an end before a start), by field."""
        return {}

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {name: str(info.title or name) for name, info in cls.model_fields.items()}

    @classmethod
    def required_fields(cls) -> list[str]:
        return [n for n, info in cls.model_fields.items() if (ui_of(info) or UI("", "")).required]

    @classmethod
    def patch_schema(cls) -> type[Schema]:
        """The payload of a partial update (PATCH): the same fields, each optional and not
        checked on its own; the action lays what is given over the current values and
        validates the whole with this contract."""
        cached: type[Schema] | None = cls.__dict__.get("_patch_schema")
        if cached is not None:
            return cached
        fields: dict[str, Any] = {
            name: (Any, Field(None, title=info.title, description=info.description))
            for name, info in cls.model_fields.items()
        }
        schema = create_model(f"{cls.__name__}Patch", __base__=Schema, **fields)
        setattr(cls, "_patch_schema", schema)  # noqa: B010 - cached on this class, not a field
        return schema

    def given(self) -> dict[str, Any]:
        """The fields set explicitly by the caller (a partial update)."""
        return {name: getattr(self, name) for name in self.model_fields_set}


# pydantic's own error types (types outside our field types) in Chinese
PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "string_too_long": "不能超过 {max_length} 个字",
    "string_too_short": "不能少于 {min_length} 个字",
    "date_parsing": "日期格式应为 2025-03-18",
    "date_from_datetime_parsing": "日期格式应为 2025-03-18",
    "date_type": "日期格式应为 2025-03-18",
    "datetime_parsing": "时间格式应为 2025-03-18T09:30:00+08:00",
    "datetime_from_date_parsing": "时间格式应为 2025-03-18T09:30:00+08:00",
    "datetime_type": "时间格式应为 2025-03-18T09:30:00+08:00",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "literal_error": "可选值：{expected}",
    "enum": "可选值：{expected}",
    "json_invalid": "请求体不是有效的 JSON",
    "too_long": "条目过多",
    "too_short": "条目过少",
    "extra_forbidden": "不能修改此字段",
}
LOCATION_PREFIXES = {"body", "query", "path", "header", "cookie", "form", "file", "payload"}


def error_message(error: Mapping[str, Any]) -> str:
    """The Chinese message of one pydantic error (ours carry their own)."""
    if error.get("type") == "govit":
        return str(error.get("msg", ""))
    template = _(PYDANTIC_MESSAGES.get(str(error.get("type", "")), "格式无效"))
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip("：:") or _("格式无效")


def error_field(error: Mapping[str, Any]) -> str:
    """``items.1.data_type`` from ``["body", "payload", "items", 0, "data_type"]`` (items
    numbered from 1, as a person counts rows)."""
    loc = list(error.get("loc") or ())
    while loc and str(loc[0]) in LOCATION_PREFIXES:
        loc.pop(0)
    return ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in loc) or "request"


def errors_of(exc: ValidationError | Iterable[Mapping[str, Any]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    items = exc.errors() if isinstance(exc, ValidationError) else exc
    for error in items:
        errors.setdefault(error_field(error), error_message(error))
    return errors


def initial_of(contract: type[Contract], obj: models.Model | Mapping[str, Any]) -> dict[str, Any]:
    """The contract's fields read from an object (or a mapping), for an edit form or a merge
    with a partial update. A ``<name>_wan`` field is read from ``<name>`` in yuan."""
    from .money import YUAN_PER_WAN

    values: dict[str, Any] = {}
    for name in contract.model_fields:
        source = name
        if isinstance(obj, Mapping):
            if name in obj:
                values[name] = obj[name]
            continue
        if not hasattr(obj, source) and name.endswith("_wan") and hasattr(obj, name[:-4]):
            yuan = getattr(obj, name[:-4])
            values[name] = None if yuan is None else (Decimal(yuan) / YUAN_PER_WAN).normalize()
            continue
        if hasattr(obj, f"{source}_id") and not isinstance(
            getattr(type(obj), source, None), property
        ):
            values[name] = getattr(obj, f"{source}_id")
            continue
        if hasattr(obj, source):
            values[name] = getattr(obj, source)
    return values
