"""What the investment API's routes share: error responses, pagination, the refusal of money
sent as a JSON number with a fraction, and loading a project through the user's scope."""

import json
from typing import Any

from django.utils.translation import gettext as _

from accounts.scoping import get_visible_or_404
from core.contracts import Contract
from core.errors import ActionInvalid
from projects.models import Project

PLAN = ["年度投资计划"]
PERFORMANCE = ["绩效目标表"]
BUDGET = ["预算与对账"]
ART11 = ["第十一条事项"]
PAYMENT = ["合同与支付"]
CHANGE = ["批复基线与项目调整"]

FRACTION = '金额（万元）须以字符串传入（如 "812.5"），不接受带小数的 JSON 数字，以免经过浮点运算。'


class _Fraction:
    """A JSON number with a fraction or an exponent, as the body spelled it."""


def refuse_fractions(request: Any) -> None:
    """Money fields (``*_wan``, and everything under them) must not arrive as JSON numbers with
    a fraction: a client that sends them has most likely passed the amount through a float.
    The body is read as sent (the contracts see the numbers already parsed); every such field
    is reported at once (422)."""
    try:
        body = json.loads(request.body or b"{}", parse_float=lambda _text: _Fraction())
    except ValueError:
        return  # the payload's own validation answers
    errors: dict[str, str] = {}

    def walk(value: Any, path: str, money: bool) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                money_key = money or str(key).endswith("_wan")
                walk(item, f"{path}.{key}" if path else str(key), money_key)
        elif isinstance(value, list):
            for n, item in enumerate(value, start=1):
                walk(item, f"{path}.{n}", money)
        elif money and isinstance(value, _Fraction):
            errors[path] = _(FRACTION)

    walk(body, "", False)
    if errors:
        raise ActionInvalid(_(Contract.INVALID), errors)


def project_of(request: Any, project_id: int) -> Project:
    return get_visible_or_404(Project.objects.select_related("unit"), request.auth, pk=project_id)


def with_year(payload: Contract, year: int) -> dict[str, Any]:
    """The payload with the year of the address."""
    return {**payload.model_dump(exclude_unset=True), "year": year}
