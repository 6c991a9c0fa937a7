"""The input of the approval-path estimate (Art. 9): the unit and the total investment in
万元, for the page, the API and the action alike (``core.contracts``)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as L

from core.contracts import Contract, Ref, Wan


class ApprovalPathEstimateIn(Contract):
    """A unit and an amount; zero is accepted here and refused by the gate (R9.1), so that
    the refusal is a stored decision citing its article."""

    organisation_id: int | None = Ref(L("建设单位"), help=L("项目建设单位"))
    total_investment_wan: Decimal | None = Wan(
        L("总投资"), allow_zero=True, help=L("单位万元，如 3500 或 812.5，按十进制精确计算。")
    )
