"""The inputs of the planning actions: each declared once, used by the page forms, the API and
the demo (``core.contracts``)."""

from __future__ import annotations

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

    title: Text(L("规划名称"), required=True, max_length=200) = ""
    start_year: Year(L("起始年度")) = None
    end_year: Year(L("终止年度")) = None
    summary: Text(L("规划要点"), rows=5) = ""
    data_orientation: Text(
        L("数据导向与数据治理要点"), rows=4, help=L("第六条：坚持数据导向，突出数据治理。")
    ) = ""


class CityPlanVersionIn(Contract):
    """BDB edits a draft or returned version."""

    summary: Text(L("规划要点"), rows=6) = ""
    data_orientation: Text(L("数据导向与数据治理要点"), rows=4) = ""
    reassessment_reason: Text(
        L("评估论证情况及调整理由"),
        rows=4,
        help=L("因国家部署或内（外）部发展环境发生重大变化影响规划实施时填写（第六条）。"),
    ) = ""


class ReassessIn(Contract):
    """Art. 6: a re-assessment proposes adjustments in a new version."""

    reassessment_reason: Text(L("评估论证情况及调整理由"), required=True, rows=4) = ""
    summary: Text(L("规划要点"), rows=6) = ""
    data_orientation: Text(L("数据导向与数据治理要点"), rows=4) = ""


class CityPlanApproveIn(Contract):
    opinion: Text(L("审批意见"), rows=3) = ""


class CityPlanReturnIn(Contract):
    opinion: Text(L("退回意见"), required=True, rows=3, help=L("说明需要修改的内容。")) = ""


class MasterPlanFields(PeriodProblems, Contract):
    title: Text(L("方案名称"), required=True, max_length=200) = ""
    start_year: Year(L("起始年度")) = None
    end_year: Year(L("终止年度")) = None
    data_plan: Text(
        L("数据规划及数据治理内容"),
        rows=4,
        help=L("第六条：总体方案应坚持数据导向，重点包含数据规划及数据治理等内容。"),
    ) = ""
    collective_review_date: Day(L("集体审议日期"), past=True) = None
    collective_review_ref: Text(
        L("集体审议纪要文号"), max_length=100, help=L("如：党组会议纪要〔2024〕5号")
    ) = ""


class MasterPlanIn(MasterPlanFields):
    """A unit drafts its 整合建设总体方案 (Art. 6 ¶2)."""

    unit: Ref(L("建设单位")) = None


class MasterPlanUpdateIn(MasterPlanFields):
    """Changes go into the plan's draft revision (R6.3)."""

    change_note: Text(L("修订说明"), rows=2) = ""


class MasterPlanItemIn(Contract):
    """A project listed in a master plan."""

    seq: Int(
        L("建设时序号"),
        required=False,
        minimum=1,
        help=L("留空则排在最后。数据治理项目应排在同年及以后的新建项目之前（先治理、后新建）。"),
    ) = None
    name: Text(L("项目名称"), required=True, max_length=200) = ""
    kind: Choice(ItemKind, L("项目类型")) = ""
    status: Choice(ItemStatus, L("项目状态")) = ""
    planned_year: Year(L("计划申报年度")) = None
    is_data_governance: Flag(
        L("数据治理类项目"), help=L("数据标准制定、数据汇聚治理等（先治理）。")
    ) = False
    description: Text(L("建设内容概述"), rows=3) = ""


class DataGovernanceIn(Contract):
    """Art. 7: data standards set and existing data aggregated and governed."""

    unit: Ref(L("建设单位")) = None
    standards_set_on: Day(L("数据标准制定完成日期"), past=True) = None
    data_aggregated: Flag(L("已对已有数据完成汇聚治理")) = False
    governance_summary: Text(L("数据汇聚治理情况"), rows=4) = ""

    def problems(self) -> dict[str, Any]:
        if self.data_aggregated and not self.governance_summary:
            return {"governance_summary": _("已完成汇聚治理的，请说明汇聚治理的数据范围和成果。")}
        return {}
