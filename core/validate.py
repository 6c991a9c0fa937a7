"""Input validation shared by actions: each helper cleans one value and, on bad input, puts a
Chinese message in ``errors[field]``; ``raise_if`` then raises one ActionInvalid for them all,
so the user sees every problem of a form at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from .dates import today
from .errors import ActionInvalid
from .money import wan_to_yuan

MIN_YEAR, MAX_YEAR = 2000, 2100


def pk_of(value):
    return getattr(value, "pk", value)


def past_date(value, field: str, label: str, errors: dict):
    """Parse an ISO date that may not lie in the future."""
    if value and not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            errors[field] = f"{label}格式应为 2025-03-18。"
            return None
    if value and value > today():
        errors[field] = f"{label}不能晚于今天。"
    return value or None


def text(value, field, label, errors, *, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = f"请填写{label}。"
    elif max_length and len(value) > max_length:
        errors[field] = f"{label}不能超过 {max_length} 个字。"
    return value


def year(value, field, label, errors) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = f"请填写{label}（四位年份，如 2025）。"
        return None
    if not MIN_YEAR <= number <= MAX_YEAR:
        errors[field] = f"{label}须在 {MIN_YEAR}—{MAX_YEAR} 年之间。"
        return None
    return number


def amount_wan(value, field, label, errors, *, required=True) -> Decimal | None:
    """An amount typed in 万元 (str or Decimal, never float) -> Decimal yuan, > 0."""
    if value in (None, ""):
        if required:
            errors[field] = f"请填写{label}（万元）。"
        return None
    if isinstance(value, float):
        errors[field] = f"{label}须以文本或 Decimal 传入，不接受浮点数。"
        return None
    try:
        wan = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        errors[field] = f"{label}应为数字，单位万元，如 3500 或 812.5。"
        return None
    if not wan.is_finite() or wan <= 0:
        errors[field] = f"{label}须大于零。"
        return None
    if wan.as_tuple().exponent < -6:
        errors[field] = f"{label}最多保留六位小数（精确到元以下两位）。"
        return None
    if wan >= Decimal("10000000000"):
        errors[field] = f"{label}超出允许范围。"
        return None
    return wan_to_yuan(wan)


def choice(value, field, label, choices, errors, *, required=True):
    allowed = dict(choices)
    if value in (None, ""):
        if required:
            errors[field] = f"请选择{label}。"
        return ""
    if value not in allowed:
        errors[field] = (
            f"{label}“{value}”无效，可选：{'、'.join(str(v) for v in allowed.values())}。"
        )
        return ""
    return value


def raise_if(errors, message="填写内容有误，请按提示修改。"):
    if errors:
        raise ActionInvalid(message, errors)
