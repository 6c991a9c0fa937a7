"""Response schemas of the investment API (``investment/api``); the inputs are the actions'
contracts (``investment/contracts.py``).

Money goes out as Decimal strings: ``amount`` etc. in yuan with two places, the ``*_wan``
fields in 万元 (exact, no thousands separator)."""

from .common import amounts
from .plan import (
    BudgetLineCreatedOut,
    BudgetLineOut,
    CompileOut,
    EvaluationOut,
    IndicatorCategoryOut,
    PerformanceTableOut,
    PlanDiffOut,
    PlanEntryOut,
    PlanOut,
    PlanSummaryOut,
    PlanVersionOut,
    ReconciliationOut,
)
from .project import (
    Art11Out,
    BaselineOut,
    ChangeDetailOut,
    ChangeSummaryOut,
    ContractOut,
    ItemOut,
    PaymentOut,
)

__all__ = [
    "Art11Out",
    "BaselineOut",
    "BudgetLineCreatedOut",
    "BudgetLineOut",
    "ChangeDetailOut",
    "ChangeSummaryOut",
    "CompileOut",
    "ContractOut",
    "EvaluationOut",
    "IndicatorCategoryOut",
    "ItemOut",
    "PaymentOut",
    "PerformanceTableOut",
    "PlanDiffOut",
    "PlanEntryOut",
    "PlanOut",
    "PlanSummaryOut",
    "PlanVersionOut",
    "ReconciliationOut",
    "amounts",
]
