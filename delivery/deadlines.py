"""The statutory clocks: one engine derives every due item of a project from its delivery
record and the policy in force (Art. 23, 24, 28, 30).

- annual performance report: each year of construction/trial, due on the policy's month-day
  (12-31) of that year (Art. 23); overdue from the next day;
- completion acceptance: the policy's window (6 months) from the completion date, or the end
  of a granted extension (Art. 28);
- self-evaluation: a window from ``self_eval_start_months`` to ``self_eval_end_months`` after
  acceptance and go-live (the later of the two) (Art. 30);
- rectification: the deadline DRC or Finance set on an incident (Art. 24).

``due_items`` is a pure function of its inputs so that clock tests freeze a date and compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from core.dates import add_months

REMIND_DAYS = 30  # notify this many days before a due date

# The status of an item on a day, in the words of the pages and the API.
STATUS_LABELS = {
    "done": N_("已完成"),
    "overdue": N_("已逾期"),
    "due_soon": N_("即将到期"),
    "open": N_("进行中"),
    "not_open": N_("未开始"),
}

# What each kind of item is called on a page, in the reader's language (``DueItem.label`` is
# the Chinese of the record, used in notifications and the ledger).
TEXTS = {
    "annual_report": N_("%(year)s年度绩效评价报告"),
    "acceptance": N_("申请竣工验收"),
    "acceptance_extended": N_("申请竣工验收（已延期）"),
    "self_evaluation": N_("项目自评价"),
    "rectification": N_("限期整改"),
}


@dataclass(frozen=True)
class DueItem:
    """One statutory deadline of a project: what is due, under which article, by when."""

    key: str  # stable: kind + period, used for notification dedupe
    kind: str
    label: str
    article: str
    due_on: dt.date
    opens_on: dt.date | None
    done: bool
    extended: bool = False  # an acceptance whose window BDB extended

    @property
    def text(self) -> str:
        """The label in the reader's language."""
        kind = "acceptance_extended" if self.extended else self.kind
        year = self.key.split(":")[1] if self.kind == "annual_report" else ""
        return gettext(TEXTS[kind]) % {"year": year} if kind in TEXTS else self.label

    def status(self, on: dt.date) -> str:
        if self.done:
            return "done"
        if on > self.due_on:
            return "overdue"
        if self.opens_on is not None and on < self.opens_on:
            return "not_open"
        if (self.due_on - on).days <= REMIND_DAYS:
            return "due_soon"
        return "open"


@dataclass
class ClockFacts:
    """Everything the engine needs about one project (loaded by ``services.clock_facts``)."""

    phase: str
    started_on: dt.date | None
    completed_on: dt.date | None
    accepted_on: dt.date | None
    golive_on: dt.date | None
    report_years: set[int]
    acceptance_done: bool
    extension_until: dt.date | None
    self_evaluated_on: list[dt.date]
    rectifications: list[tuple[int, dt.date]]  # (incident id, deadline) still open


def _month_day(value: Any) -> tuple[int, int]:
    if isinstance(value, tuple | list):
        return int(value[0]), int(value[1])
    month, day = str(value).split("-")
    return int(month), int(day)


def due_items(facts: ClockFacts, params: Mapping[str, Any], on: dt.date) -> list[DueItem]:
    """Every due item of one project as of ``on``. ``params`` holds the policy parameters
    performance_report_due, acceptance_window_months, self_eval_start_months and
    self_eval_end_months."""
    items: list[DueItem] = []
    month, day = _month_day(params["performance_report_due"])
    if facts.started_on and facts.phase in ("construction", "trial", "completed", "accepted"):
        last_year = on.year
        if facts.completed_on is not None:
            last_year = min(last_year, facts.completed_on.year)
        for year in range(facts.started_on.year, last_year + 1):
            # A year's report is due when the project was still being built (or in trial) on
            # that year's due date: one completed in March reports for the previous year only.
            due = dt.date(year, month, day)
            if facts.completed_on is not None and facts.completed_on < due:
                continue
            items.append(
                DueItem(
                    key=f"annual_report:{year}",
                    kind="annual_report",
                    label=f"{year}年度绩效评价报告",
                    article="第二十三条",
                    due_on=due,
                    opens_on=None,
                    done=year in facts.report_years,
                )
            )
    if facts.completed_on is not None:
        window_end = add_months(facts.completed_on, int(params["acceptance_window_months"]))
        until = facts.extension_until
        extended = until is not None and until > window_end
        items.append(
            DueItem(
                key="acceptance",
                kind="acceptance",
                label="申请竣工验收" + ("（已延期）" if extended else ""),
                article="第二十八条",
                due_on=until if until is not None and extended else window_end,
                opens_on=facts.completed_on,
                done=facts.acceptance_done,
                extended=extended,
            )
        )
    if facts.accepted_on is not None and facts.golive_on is not None:
        base = max(facts.accepted_on, facts.golive_on)
        start = add_months(base, int(params["self_eval_start_months"]))
        end = add_months(base, int(params["self_eval_end_months"]))
        done = any(start <= d <= end for d in facts.self_evaluated_on)
        items.append(
            DueItem(
                key="self_evaluation",
                kind="self_evaluation",
                label="项目自评价",
                article="第三十条",
                due_on=end,
                opens_on=start,
                done=done,
            )
        )
    for incident_id, deadline in facts.rectifications:
        items.append(
            DueItem(
                key=f"rectification:{incident_id}",
                kind="rectification",
                label="限期整改",
                article="第二十四条",
                due_on=deadline,
                opens_on=None,
                done=False,
            )
        )
    return items
