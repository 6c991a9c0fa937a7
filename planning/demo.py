"""Demo planning data, created through the actions so the demo ledger shows how it came to be:
an approved city plan, filed master plans for 市教委 and 市卫生健康委, and an unfiled draft
revision for 市教委. Idempotent: parts that already exist are left alone."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.dates import today

from . import actions
from .models import CityPlan, CityPlanVersion, ItemKind, ItemStatus, MasterPlan

CITY_PLAN_TITLE = "重庆市市级政务信息化建设规划"

JW_ITEMS = [
    ("教育数据资源标准体系及数据治理工程", ItemKind.NEW, ItemStatus.BUILDING, 0, True),
    ("重庆市教育管理公共服务平台运维", ItemKind.OM, ItemStatus.OPERATING, 0, False),
    ("智慧教育综合服务平台（二期）", ItemKind.EXPANSION, ItemStatus.PLANNED, 1, False),
    ("学生资助精准认定系统", ItemKind.NEW, ItemStatus.PLANNED, 2, False),
]
WJ_ITEMS = [
    ("全民健康信息数据治理与标准化工程", ItemKind.NEW, ItemStatus.BUILDING, 0, True),
    ("全民健康信息平台运维", ItemKind.OM, ItemStatus.OPERATING, 0, False),
    ("电子健康档案共享调阅系统", ItemKind.CONTINUING, ItemStatus.BUILDING, 1, False),
    ("互联网医院监管平台", ItemKind.NEW, ItemStatus.PLANNED, 2, False),
]


def _city_plan(bdb, gov) -> None:
    if CityPlan.objects.filter(title__startswith=CITY_PLAN_TITLE).exists():
        return
    year = today().year
    plan = actions.create_city_plan(
        acting_user=bdb,
        title=f"{CITY_PLAN_TITLE}（{year - 1}—{year + 3}年）",
        start_year=year - 1,
        end_year=year + 3,
        summary="衔接国家政务信息化建设规划和重庆市国民经济和社会发展五年规划纲要，"
        "统筹建设数字重庆云、一体化数据资源体系和市级共性应用支撑平台。",
        data_orientation="坚持数据导向，突出数据治理：建立全市数据标准体系，"
        "推进已有数据汇聚治理，激发数据要素价值。",
    )
    version = CityPlanVersion.objects.get(plan=plan, number=1)
    actions.submit_city_plan(version.pk, acting_user=bdb)
    actions.approve_city_plan(
        version.pk, acting_user=gov, opinion="同意，请市大数据发展局组织实施。"
    )


def _master_plan(officer, head, title, items, governance_summary) -> MasterPlan | None:
    unit = officer.organisations_with_role("unit_officer")[0]
    if MasterPlan.objects.filter(unit=unit).exists():
        return None
    year = today().year
    actions.record_data_governance(
        acting_user=officer,
        unit=unit,
        standards_set_on=today() - dt.timedelta(days=120),
        data_aggregated=True,
        governance_summary=governance_summary,
    )
    plan = actions.create_master_plan(
        acting_user=officer,
        unit=unit,
        title=title,
        start_year=year,
        end_year=year + 4,
        data_plan="编制本行业数据资源目录和数据标准，完成存量数据汇聚治理后再推进新建项目。",
        collective_review_date=today() - dt.timedelta(days=30),
        collective_review_ref=f"党组会议纪要〔{year}〕3号",
    )
    for name, kind, status, offset, governance in items:
        actions.add_master_plan_item(
            plan.pk,
            acting_user=officer,
            name=name,
            kind=kind,
            status=status,
            planned_year=year + offset,
            is_data_governance=governance,
        )
    actions.file_master_plan(plan.pk, acting_user=head)
    return plan


@transaction.atomic
def seed_planning(users: dict) -> None:
    """``users`` by username, as returned by ``accounts.demo.seed_directory``."""
    _city_plan(users["dsj_shenhe"], users["szf_shenpi"])
    jw = _master_plan(
        users["jw_tianbao"],
        users["jw_fuze"],
        "市教委教育信息化整合建设总体方案",
        JW_ITEMS,
        "已完成学籍、教职工、学校基础数据的汇聚和清洗，建立教育数据标准 12 项。",
    )
    _master_plan(
        users["wj_tianbao"],
        users["wj_fuze"],
        "市卫生健康委全民健康信息化整合建设总体方案",
        WJ_ITEMS,
        "已完成全员人口、电子病历、电子健康档案数据汇聚治理，发布卫生健康数据标准 8 项。",
    )
    if jw is not None:
        # An unfiled change: adding a project opens revision 2, to be filed again (R6.3).
        actions.add_master_plan_item(
            jw.pk,
            acting_user=users["jw_tianbao"],
            name="职业教育产教融合数据服务平台",
            kind=ItemKind.NEW,
            status=ItemStatus.PLANNED,
            planned_year=today().year + 3,
        )
