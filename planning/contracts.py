"""The inputs of the planning actions: each declared once, used by the page forms, the API and
the demo (``core.contracts``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as L

from core.contracts import Choice, Contract, Day, Flag, Int, Ref, Text, Year

from .models import ItemKind, ItemStatus


class PeriodProblems:
    """终止年度不能早于起始年度。"""

    start_year: int | None
    end_year: int | None

    def problems(self) -> dict[str, str]:
        start, end = self.start_year, self.end_year
        if start and end and end < start:
            return {"end_year": _("终止年度不能早于起始年度。")}
        return {}


class CityPlanIn(PeriodProblems, Contract):
    """BDB drafts the city plan (Art. 6 ¶1)."""

    title: str = Text(L("规划名称"), required=True, max_length=200)
    start_year: int | None = Year(L("起始年度"))
    end_year: int | None = Year(L("终止年度"))
    summary: str = Text(L("规划要点"), rows=5)
    data_orientation: str = Text(
        L("数据导向与数据治理要点"), rows=4, help=L("第六条：坚持数据导向，突出数据治理。")
    )


class CityPlanVersionIn(Contract):
    """BDB edits a draft or returned version."""

    summary: str = Text(L("规划要点"), rows=6)
    data_orientation: str = Text(L("数据导向与数据治理要点"), rows=4)
    reassessment_reason: str = Text(
        L("评估论证情况及调整理由"),
        rows=4,
        help=L("因国家部署或内（外）部发展环境发生重大变化影响规划实施时填写（第六条）。"),
    )


class ReassessIn(Contract):
    """Art. 6: a re-assessment proposes adjustments in a new version."""

    reassessment_reason: str = Text(L("评估论证情况及调整理由"), required=True, rows=4)
    summary: str = Text(L("规划要点"), rows=6)
    data_orientation: str = Text(L("数据导向与数据治理要点"), rows=4)


class CityPlanApproveIn(Contract):
    opinion: str = Text(L("审批意见"), rows=3)


class CityPlanReturnIn(Contract):
    opinion: str = Text(L("退回意见"), required=True, rows=3, help=L("说明需要修改的内容。"))


class MasterPlanFields(PeriodProblems, Contract):
    title: str = Text(L("方案名称"), required=True, max_length=200)
    start_year: int | None = Year(L("起始年度"))
    end_year: int | None = Year(L("终止年度"))
    data_plan: str = Text(
        L("数据规划及数据治理内容"),
        rows=4,
        help=L("第六条：总体方案应坚持数据导向，重点包含数据规划及数据治理等内容。"),
    )
    collective_review_date: dt.date | None = Day(L("集体审议日期"), past=True)
    collective_review_ref: str = Text(
        L("集体审议纪要文号"), max_length=100, help=L("如：党组会议纪要〔2024〕5号")
    )


class MasterPlanIn(MasterPlanFields):
    """A unit drafts its 整合建设总体方案 (Art. 6 ¶2)."""

    unit: int | None = Ref(L("建设单位"))


class MasterPlanUpdateIn(MasterPlanFields):
    """Changes go into the plan's draft revision (R6.3)."""

    change_note: str = Text(L("修订说明"), rows=2)


class MasterPlanItemIn(Contract):
    """A project listed in a master plan."""

    seq: int | None = Int(
        L("建设时序号"),
        required=False,
        minimum=1,
        help=L("留空则排在最后。数据治理项目应排在同年及以后的新建项目之前（先治理、后新建）。"),
    )
    name: str = Text(L("项目名称"), required=True, max_length=200)
    kind: str = Choice(ItemKind, L("项目类型"))
    status: str = Choice(ItemStatus, L("项目状态"))
    planned_year: int | None = Year(L("计划申报年度"))
    is_data_governance: bool = Flag(
        L("数据治理类项目"), help=L("数据标准制定、数据汇聚治理等（先治理）。")
    )
    description: str = Text(L("建设内容概述"), rows=3)


class DataGovernanceIn(Contract):
    """Art. 7: data standards set and existing data aggregated and governed."""

    unit: int | None = Ref(L("建设单位"))
    standards_set_on: dt.date | None = Day(L("数据标准制定完成日期"), past=True)
    data_aggregated: bool = Flag(L("已对已有数据完成汇聚治理"))
    governance_summary: str = Text(L("数据汇聚治理情况"), rows=4)

    def problems(self) -> dict[str, Any]:
        if self.data_aggregated and not self.governance_summary:
            return {"governance_summary": _("已完成汇聚治理的，请说明汇聚治理的数据范围和成果。")}
        return {}
