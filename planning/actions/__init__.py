"""Every change of state of the planning chapter (Art. 6, 7), one action each: the city plan
(``city_plan``), department master plans (``master_plan``) and data governance
(``governance``)."""

from .city_plan import (
    approve_city_plan,
    create_city_plan,
    reassess_city_plan,
    return_city_plan,
    submit_city_plan,
    update_city_plan,
)
from .governance import record_data_governance
from .master_plan import (
    FILING_AUTHORITIES,
    add_master_plan_item,
    change_master_plan_item,
    confirm_master_plan_filing,
    create_master_plan,
    file_master_plan,
    remove_master_plan_item,
    update_master_plan,
)

__all__ = [
    "FILING_AUTHORITIES",
    "add_master_plan_item",
    "approve_city_plan",
    "change_master_plan_item",
    "confirm_master_plan_filing",
    "create_city_plan",
    "create_master_plan",
    "file_master_plan",
    "reassess_city_plan",
    "record_data_governance",
    "remove_master_plan_item",
    "return_city_plan",
    "submit_city_plan",
    "update_city_plan",
    "update_master_plan",
]
