"""Response schemas of the investment API (``investment/api``); the inputs are the actions'
contracts (``investment/contracts.py``).

Money goes out as Decimal strings: ``amount`` etc. in yuan with two places, the ``*_wan``
fields in 万元 (exact, no thousands separator)."""

from .common import amounts
from .plan import (
    BudgetLineCreatedOut,
    BudgetLineOut,
    CompileOut,
    IndicatorCategoryOut,
    PerformanceTableOut,
    PlanDiffOut,
    PlanEntryOut,
    PlanEvaluationOut,
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
    EstimateItemOut,
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
    "EstimateItemOut",
    "IndicatorCategoryOut",
    "PaymentOut",
    "PerformanceTableOut",
    "PlanDiffOut",
    "PlanEntryOut",
    "PlanEvaluationOut",
    "PlanOut",
    "PlanSummaryOut",
    "PlanVersionOut",
    "ReconciliationOut",
    "amounts",
]
