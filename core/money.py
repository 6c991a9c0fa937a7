"""Money is exact: Decimal yuan with two places in storage, shown to people in 万元."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import models

YUAN_PER_WAN = Decimal("10000")
CENT = Decimal("0.01")


def to_yuan(value: Decimal | int | str) -> Decimal:
    """Coerce str/int/Decimal to a Decimal of yuan with two places; floats are refused."""
    if isinstance(value, float):
        raise TypeError("金额不得使用浮点数，请使用 Decimal 或字符串。")
    try:
        return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"无效金额：{value!r}") from exc


def wan_to_yuan(value: Decimal | int | str | None) -> Decimal:
    # None is typed because optional contract fields are; a required one is never None
    return to_yuan(Decimal(str(value)) * YUAN_PER_WAN)


def format_wan(yuan: Decimal | None) -> str:
    """3500_0000 yuan -> '3,500.00' (万元)."""
    if yuan is None:
        return "—"
    wan = (Decimal(yuan) / YUAN_PER_WAN).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{wan:,.2f}"


def yuan_str(value: Decimal | None) -> str | None:
    """Decimal yuan -> "8000000.00" (how the API writes money)."""
    if value is None:
        return None
    return format(Decimal(value).quantize(CENT), "f")


def wan_str(value: Decimal | None) -> str | None:
    """Decimal yuan -> exact 万元: "800.00", or "812.345678" when cents make it longer."""
    if value is None:
        return None
    wan = Decimal(value) / YUAN_PER_WAN
    rounded = wan.quantize(CENT)
    return format(rounded if rounded == wan else wan.normalize(), "f")


if TYPE_CHECKING:
    # Any, Any: the django-stubs plugin types each field itself (Decimal, or Decimal | None
    # when null=True); Django's fields are subscriptable only under the stubs
    _DecimalField = models.DecimalField[Any, Any]
else:
    _DecimalField = models.DecimalField


class MoneyField(_DecimalField):
    """Yuan with two decimal places; up to 10^14 yuan."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "core.money.MoneyField", args, kwargs
