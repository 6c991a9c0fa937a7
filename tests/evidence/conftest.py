"""A small city for the evidence tests: 市卫生健康委 runs a catalogued health-record system
and the authoritative 人口 resource; 市教委 drafts a project that resembles the system and
plans to collect an item the authoritative resource provides."""

import pytest

from catalog.actions import item_key
from catalog.models import DataResource, InformationItem, InformationSystem
from evidence import actions
from evidence.indexing import refresh
from tests.conftest import Personas

SIMILAR = {
    "name": "学生电子健康档案共享调阅平台",
    "requirement": "汇聚学生电子健康档案和电子病历，实现医疗机构共享调阅和检查检验结果互认。",
}


def system(unit, code, name, resources=(), **fields):
    """A catalogued system with its resources: (name, summary, [items], authoritative)."""
    s = InformationSystem.objects.create(
        code=code, name=name, unit=unit, category="business", catalogued=True, **fields
    )
    for number, (rname, summary, items, authoritative) in enumerate(resources, start=1):
        r = DataResource.objects.create(
            classification="base" if authoritative else "department",
            class_code="B01",
            resource_code=f"{code}/{number}",
            name=rname,
            provider=unit,
            summary=summary,
            format="database",
            share_type="unconditional",
            share_method="platform_api",
            open_type="closed",
            update_cycle="daily",
            is_authoritative=authoritative,
        )
        r.systems.add(s)
        for item in items:
            InformationItem.objects.create(
                resource=r, name=item, data_type="char", key=item_key(item, "char"), system=s
            )
    return s


@pytest.fixture
def city(planned):
    """The units, a health system, the authoritative 人口 resource, indexed."""
    p = Personas(planned)
    wj = p.wj_officer.primary_organisation
    health = system(
        wj,
        "WJ-001",
        "电子健康档案共享调阅系统",
        [
            ("居民电子健康档案", "汇聚居民电子健康档案和电子病历，支持医疗机构共享调阅、检查检验结果互认。",
             ["姓名", "诊断结果", "检验报告"], False),
        ],
    )  # fmt: skip
    people_db = system(
        wj,
        "WJ-002",
        "人口健康基础信息库",
        [("人口基础信息", "全市人口基础信息权威来源。", ["身份证号", "出生日期"], True)],
    )
    refresh([health, people_db])
    return {"p": p, "wj": wj, "jw": p.jw_officer.primary_organisation, "health": health,
            "people_db": people_db, "people": planned}  # fmt: skip


@pytest.fixture
def drafted(city, walker):
    """市教委's draft resembling the health system, with its profile."""
    project = walker.create(
        SIMILAR["name"], "500", item_name="学生资助精准认定系统", requirement=SIMILAR["requirement"]
    )
    actions.describe_requirement(
        project,
        acting_user=city["p"].jw_officer,
        goals="学生健康档案一数一源。",
        functions="电子健康档案共享调阅\n检查检验结果互认",
        collected_items="公民身份号码、学生体质监测结果",
        shared_items="诊断结果",
    )
    return project
