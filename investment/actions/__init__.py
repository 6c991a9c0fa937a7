"""Every change of state of the investment chapter (Art. 10, 11, 25, 26), one action each:
the annual plan (``plan``), performance target tables (``performance``), budgets
(``budget``), the Art. 11 path (``art11``), contracts and payments (``payments``), and the
baseline with its change requests (``changes``)."""

from .art11 import approve_art11, budget_art11, initiate_art11, list_art11, reject_art11
from .budget import add_budget_line
from .changes import approve_change, decide_change, reject_change, set_baseline, submit_change
from .payments import record_contract, record_payment
from .performance import save_performance_table
from .plan import (
    add_plan_entry,
    change_plan_entry,
    compile_plan,
    open_plan_version,
    publish_plan,
    remove_plan_entry,
)

__all__ = [
    "add_budget_line",
    "add_plan_entry",
    "approve_art11",
    "approve_change",
    "budget_art11",
    "change_plan_entry",
    "compile_plan",
    "decide_change",
    "initiate_art11",
    "list_art11",
    "open_plan_version",
    "publish_plan",
    "record_contract",
    "record_payment",
    "reject_art11",
    "reject_change",
    "remove_plan_entry",
    "save_performance_table",
    "set_baseline",
    "submit_change",
]
