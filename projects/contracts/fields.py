"""The field types of the projects chapter's contracts, beside those of ``core.contracts``, and
the mixin that keeps the API's earlier field names working."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L
from pydantic import BeforeValidator, Field, model_validator

from core.contracts import UI, Contract, Wan, fail

# -- field types of this chapter ----------------------------------------------------------------


def _custom(ui: UI, parse: Any, default: Any = None) -> Any:
    """A pydantic field that parses with ``parse`` and is shown as ``ui`` (as core's types)."""
    info: Any = Field(default=default, title=str(ui.label))
    if ui.help:
        info.description = str(ui.help)
    info.metadata.extend([BeforeValidator(parse), ui])
    return info


def PlanItem(label: Any, *, help: Any = "") -> Any:
    """An item of the unit's master plan, by number (the page's select) or by its stable key
    (a UUID, what API clients hold); the action checks it is the unit's."""

    def parse(value: Any) -> str:
        value = getattr(value, "pk", value)
        return "" if value is None else str(value).strip()

    return _custom(UI("choice", label, False, help), parse, "")


AGREE_CHOICES = (("1", L("同意")), ("0", L("退回修改")))
YES = {"1", "true", "yes", "on", "agree", "是", "同意"}
NO = {"0", "false", "no", "off", "return", "否", "退回修改"}


def Agree(label: Any, *, help: Any = "") -> Any:
    """Agree (true) or return for revision (false): JSON booleans, or the page's choice."""

    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise fail(_("请选择同意或退回修改。"))

    return _custom(UI("choice", label, True, help, choices=AGREE_CHOICES), parse, None)


MLPS_CHOICES = (
    ("1", L("第一级")),
    ("2", L("第二级")),
    ("3", L("第三级")),
    ("4", L("第四级")),
    ("5", L("第五级")),
)


def Level(label: Any, *, help: Any = "") -> Any:
    """The proposed level of classified protection (等级保护), 1—5, or none yet."""

    def parse(value: Any) -> int | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if text not in {"1", "2", "3", "4", "5"}:
            raise fail(_("等级保护级别应为 1—5 级。"))
        return int(text)

    return _custom(UI("choice", label, False, help, choices=MLPS_CHOICES), parse, None)


def Lines(label: Any, *, help: Any = "", rows: int = 4) -> Any:
    """A list of short texts: one per line on a page (commas too), a list in JSON."""

    def parse(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = value.replace("，", "\n").replace(",", "\n").splitlines()
        if not isinstance(value, list | tuple):
            raise fail(_("%(label)s应为文本或文本的列表。") % {"label": label})
        return [str(v).strip() for v in value if str(v).strip()]

    info: Any = Field(default_factory=list, title=str(label))
    if help:
        info.description = str(help)
    info.metadata.extend([BeforeValidator(parse), UI("textarea", label, False, help, rows=rows)])
    return info


def StrictWan(label: Any, *, help: Any = "") -> Any:
    """An amount in 万元 that a machine client must send as text or an integer: a JSON number
    with a fraction may have passed through floating point at the sender (渝快办)."""
    info = Wan(label, help=help)
    inner: Any = next(m.func for m in info.metadata if isinstance(m, BeforeValidator))

    def parse(value: Any) -> Any:
        if isinstance(value, (float, Decimal)):
            raise fail(
                _(
                    '%(label)s须以字符串传入（如 "812.5"），不接受带小数的 JSON 数字，以免经过浮点运算。'
                )
                % {"label": label}
            )
        return inner(value)

    info.metadata[:] = [
        BeforeValidator(parse) if isinstance(m, BeforeValidator) else m for m in info.metadata
    ]
    info.json_schema_extra = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    return info


def given_mapping(data: Any) -> dict | None:
    """The input as a dict, when it is one (a Ninja schema hands its validators the raw data
    wrapped in a ``DjangoGetter``)."""
    data = getattr(data, "_obj", data) if type(data).__name__ == "DjangoGetter" else data
    return dict(data) if isinstance(data, Mapping) else None


class Renames(Contract):
    """Accept the API's earlier field names (``RENAMES``: old -> new) beside the new ones."""

    RENAMES: ClassVar[dict[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data: Any) -> Any:
        values = given_mapping(data)
        if not cls.RENAMES or values is None:
            return data
        for old, new in cls.RENAMES.items():
            if old in values and values.get(new) in (None, ""):
                values[new] = values.pop(old)
        return values
