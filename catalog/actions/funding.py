"""O&M funding decisions (Art. 28, 31-33): Finance (or BDB) decides, for a budget year, whether
each system of the master catalog may have O&M funding, with every failed condition, its
article and its facts (``catalog.eligibility``)."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from .. import eligibility
from ..contracts import CatalogOMRunIn
from .base import CatalogAction


class RunFailed(Exception):
    """The database refused a run; carries the budget year so that the failure can be recorded
    once the action's transaction has rolled back."""

    def __init__(self, budget_year: int, error: DatabaseError):
        super().__init__(str(error))
        self.budget_year = budget_year
        self.error = error


class DecideOMFunding(CatalogAction):
    """Finance (or BDB) decides O&M eligibility of every system for a budget year under the
    municipal policy in force: one run (machine ``om_run``) and one stored decision per system
    with its failed conditions, articles and facts. A run that fails is kept as failed."""

    name = "catalog.decide_om_funding"  # not "decide_o_m_funding"
    label = _("生成运维经费决定")
    roles = (Role.FINANCE_OFFICER, Role.BDB_REVIEWER)
    Input = CatalogOMRunIn
    article = "第三十一条"
    requirement = "R31.3"
    lock = False
    background = True  # every system of the catalog: a worker does it, the page shows progress
    confirm = _(
        "按现行政策逐系统判定能否安排运行维护经费（第二十八条、第三十一条至第三十三条）；"
        "每次生成新增一个批次，原批次保留备查。"
    )

    def policy_for(self, obj: Any) -> Any:
        from policy.lookup import policy_in_force

        return policy_in_force(None)

    def perform(self, obj: Any, data: CatalogOMRunIn, user: Any, decision: Any) -> dict:
        assert data.budget_year is not None  # a required Year
        try:
            return eligibility.decide(
                data.budget_year, system_ids=data.system_ids or None, decided_by=user
            )
        except DatabaseError as exc:
            raise RunFailed(data.budget_year, exc) from exc

    def execute(self, obj: Any = None, data: Any = None, *, acting_user: Any) -> Any:
        try:
            return super().execute(obj, data, acting_user=acting_user)
        except RunFailed as failed:
            eligibility.keep_failed_run(failed.budget_year, acting_user, failed.error)
            raise failed.error from failed

    def job_title(self, obj: Any, data: Any) -> str:
        return gettext("生成 %(year)s 年运维经费决定") % {"year": data.budget_year}

    def success_message(self, obj: Any, result: Any) -> str:
        return gettext(
            "已生成 %(year)s 年运维经费决定：%(n)s 个系统，%(ok)s 个可安排，%(no)s 个不予安排"
            "（政策版本 %(policy)s）。"
        ) % {
            "year": result["budget_year"],
            "n": result["systems"],
            "ok": result["eligible"],
            "no": result["systems"] - result["eligible"],
            "policy": result["policy"],
        }

    def next_url(self, obj: Any, result: Any) -> str:
        year = f"?year={result['budget_year']}" if result else ""
        return reverse("catalog:om_list") + year


decide_om_funding = DecideOMFunding()
