"""Planning fixtures: units of the personas and a helper that builds a filed master plan."""

import datetime as dt

import pytest

from core.dates import today
from planning import actions
from planning.models import ItemKind, ItemStatus

START = 2025


@pytest.fixture
def jw_unit(personas):
    return personas.jw_officer.primary_organisation


@pytest.fixture
def wj_unit(personas):
    return personas.wj_officer.primary_organisation


@pytest.fixture
def draft_plan(personas, jw_unit):
    """Given a 5-year draft of 市教委 with a data-governance item first and a new project later."""

    def _make(start=START, end=START + 4, reviewed=True, items=None, unit=None, user=None):
        user = user or personas.jw_officer
        plan = actions.create_master_plan(
            acting_user=user,
            unit=unit or jw_unit,
            title="教育信息化整合建设总体方案",
            start_year=start,
            end_year=end,
            data_plan="数据规划：编制教育数据标准，汇聚治理存量数据。",
            collective_review_date=today() - dt.timedelta(days=7) if reviewed else None,
            collective_review_ref="党组会议纪要〔2025〕3号" if reviewed else "",
        )
        default_items = [
            dict(
                name="教育数据治理工程",
                kind=ItemKind.NEW,
                status=ItemStatus.BUILDING,
                planned_year=start,
                is_data_governance=True,
            ),
            dict(
                name="教育管理平台运维",
                kind=ItemKind.OM,
                status=ItemStatus.OPERATING,
                planned_year=start,
            ),
            dict(
                name="智慧教育平台",
                kind=ItemKind.NEW,
                status=ItemStatus.PLANNED,
                planned_year=start + 1,
            ),
        ]
        for fields in items if items is not None else default_items:
            actions.add_master_plan_item(plan.pk, acting_user=user, **fields)
        return plan

    return _make


@pytest.fixture
def filed_plan(draft_plan, personas):
    """Given the draft above, filed by the unit head."""

    def _make(**kwargs):
        plan = draft_plan(**kwargs)
        actions.file_master_plan(plan.pk, acting_user=personas.jw_head)
        return plan

    return _make
