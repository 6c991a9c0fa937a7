"""The organisations of a generated city: Chongqing's municipal units and its 38 districts and
counties, each district with its own units.

The authorities, the consultant, the supervisor and the demo people come from
``accounts.demo.seed_directory`` (through the actions, so the ledger records them); the many
project-building units here are bulk-created as the admin's ``create_organisation`` would
leave them. Names already in the directory are reused, never duplicated.
"""

from __future__ import annotations

from collections.abc import Iterator

from accounts.models import Organisation
from accounts.roles import OrgKind, UnitCategory

#: 重庆市 26 区 and 12 县 (自治县) with their administrative division codes (GB/T 2260)
DISTRICTS: list[tuple[str, str]] = [
    ("万州区", "500101"),
    ("涪陵区", "500102"),
    ("渝中区", "500103"),
    ("大渡口区", "500104"),
    ("江北区", "500105"),
    ("沙坪坝区", "500106"),
    ("九龙坡区", "500107"),
    ("南岸区", "500108"),
    ("北碚区", "500109"),
    ("綦江区", "500110"),
    ("大足区", "500111"),
    ("渝北区", "500112"),
    ("巴南区", "500113"),
    ("黔江区", "500114"),
    ("长寿区", "500115"),
    ("江津区", "500116"),
    ("合川区", "500117"),
    ("永川区", "500118"),
    ("南川区", "500119"),
    ("璧山区", "500120"),
    ("铜梁区", "500151"),
    ("潼南区", "500152"),
    ("荣昌区", "500153"),
    ("开州区", "500154"),
    ("梁平区", "500155"),
    ("武隆区", "500156"),
    ("城口县", "500229"),
    ("丰都县", "500230"),
    ("垫江县", "500231"),
    ("忠县", "500233"),
    ("云阳县", "500235"),
    ("奉节县", "500236"),
    ("巫山县", "500237"),
    ("巫溪县", "500238"),
    ("石柱土家族自治县", "500240"),
    ("秀山土家族苗族自治县", "500241"),
    ("酉阳土家族苗族自治县", "500242"),
    ("彭水苗族土家族自治县", "500243"),
]

_G = UnitCategory.PARTY_GOV
#: municipal project-building units of the six categories of Art. 2 (name, short name, category)
MUNICIPAL: list[tuple[str, str, str]] = [
    ("中共重庆市委办公厅", "市委办公厅", _G),
    ("重庆市人民政府办公厅", "市政府办公厅", _G),
    ("重庆市人大常委会办公厅", "市人大办公厅", _G),
    ("重庆市政协办公厅", "市政协办公厅", _G),
    ("重庆市教育委员会", "市教委", _G),
    ("重庆市科学技术局", "市科技局", _G),
    ("重庆市经济和信息化委员会", "市经济信息委", _G),
    ("重庆市民族宗教事务委员会", "市民族宗教委", _G),
    ("重庆市民政局", "市民政局", _G),
    ("重庆市司法局", "市司法局", _G),
    ("重庆市人力资源和社会保障局", "市人力社保局", _G),
    ("重庆市规划和自然资源局", "市规划自然资源局", _G),
    ("重庆市生态环境局", "市生态环境局", _G),
    ("重庆市住房和城乡建设委员会", "市住房城乡建委", _G),
    ("重庆市城市管理局", "市城市管理局", _G),
    ("重庆市交通运输委员会", "市交通局", _G),
    ("重庆市水利局", "市水利局", _G),
    ("重庆市农业农村委员会", "市农业农村委", _G),
    ("重庆市商务委员会", "市商务委", _G),
    ("重庆市文化和旅游发展委员会", "市文化旅游委", _G),
    ("重庆市卫生健康委员会", "市卫生健康委", _G),
    ("重庆市退役军人事务局", "市退役军人局", _G),
    ("重庆市应急管理局", "市应急管理局", _G),
    ("重庆市人民政府国有资产监督管理委员会", "市国资委", _G),
    ("重庆市市场监督管理局", "市市场监管局", _G),
    ("重庆市体育局", "市体育局", _G),
    ("重庆市统计局", "市统计局", _G),
    ("重庆市医疗保障局", "市医保局", _G),
    ("重庆市林业局", "市林业局", _G),
    ("重庆市机关事务管理局", "市机关事务局", _G),
    ("重庆市信访办公室", "市信访办", _G),
    ("重庆市地方金融管理局", "市金融管理局", _G),
    ("重庆市人民政府外事办公室", "市政府外办", _G),
    ("重庆市人民政府口岸和物流办公室", "市政府口岸物流办", _G),
    ("重庆市粮食和物资储备局", "市粮食物资局", _G),
    ("重庆市药品监督管理局", "市药监局", _G),
    ("重庆市知识产权局", "市知识产权局", _G),
    ("重庆市公共资源交易监督管理局", "市公共资源交易监管局", _G),
    ("重庆市高级人民法院", "市高法院", UnitCategory.COURT),
    ("重庆市第一中级人民法院", "市一中法院", UnitCategory.COURT),
    ("重庆市第五中级人民法院", "市五中法院", UnitCategory.COURT),
    ("重庆市人民检察院", "市检察院", UnitCategory.PROCURATORATE),
    ("重庆市人民检察院第一分院", "市检一分院", UnitCategory.PROCURATORATE),
    ("重庆市总工会", "市总工会", UnitCategory.PARTY_ORG),
    ("共青团重庆市委员会", "团市委", UnitCategory.PARTY_ORG),
    ("重庆市妇女联合会", "市妇联", UnitCategory.PARTY_ORG),
    ("重庆市科学技术协会", "市科协", UnitCategory.PARTY_ORG),
    ("重庆市残疾人联合会", "市残联", UnitCategory.PARTY_ORG),
    ("重庆市工商业联合会", "市工商联", UnitCategory.PARTY_ORG),
    ("重庆市医药卫生学校", "市医药卫校", UnitCategory.VOCATIONAL),
    ("重庆市工业学校", "市工业学校", UnitCategory.VOCATIONAL),
    ("重庆市经贸中等专业学校", "市经贸中专", UnitCategory.VOCATIONAL),
    ("重庆大学", "重庆大学", UnitCategory.UNIVERSITY_HOSPITAL),
    ("西南大学", "西南大学", UnitCategory.UNIVERSITY_HOSPITAL),
    ("重庆医科大学附属第一医院", "重医附一院", UnitCategory.UNIVERSITY_HOSPITAL),
    ("重庆市人民医院", "市人民医院", UnitCategory.UNIVERSITY_HOSPITAL),
]

#: the bureaus each district has, in the order they are added when more units are asked for
DISTRICT_BUREAUS = [
    ("大数据发展局", "大数据局"),
    ("卫生健康委员会", "卫生健康委"),
    ("教育委员会", "教委"),
    ("人力资源和社会保障局", "人力社保局"),
    ("民政局", "民政局"),
    ("城市管理局", "城管局"),
    ("市场监督管理局", "市场监管局"),
    ("规划和自然资源局", "规划自然资源局"),
]


def _district_name(district: str) -> str:
    return f"重庆市{district}人民政府"


def _unit_names() -> Iterator[tuple[str, str, dict]]:
    """Every project-building unit of the city, the real ones first: the municipal units,
    one bureau per district at a time, then the municipal units' subordinate centres."""
    for name, short, category in MUNICIPAL:
        yield name, short, {"unit_category": category}
    for bureau, short_bureau in DISTRICT_BUREAUS:
        for district, _code in DISTRICTS:
            yield (
                f"重庆市{district}{bureau}",
                f"{district}{short_bureau}"[:30],
                {"district": _district_name(district)},
            )
    n = 0
    while True:  # beyond the real ones: the subordinate information centres, numbered
        n += 1
        for name, short, category in MUNICIPAL:
            yield (
                f"{name}直属单位{n:02d}",
                f"{short}直属{n:02d}"[:30],
                {"unit_category": category},
            )


def city_units(count: int) -> list[int]:
    """The ids of ``count`` project-building units (municipal units first, then district
    bureaus), creating the 38 districts and whichever unit is missing in bulk."""
    existing = dict(Organisation.objects.values_list("name", "pk"))
    districts = [
        Organisation(
            name=_district_name(d), short_name=d, kind=OrgKind.DISTRICT, division_code=code
        )
        for d, code in DISTRICTS
        if _district_name(d) not in existing
    ]
    Organisation.objects.bulk_create(districts)
    existing.update({o.name: o.pk for o in districts})
    wanted: list[str] = []
    missing: list[Organisation] = []
    names = _unit_names()
    while len(wanted) < count:
        name, short, extra = next(names)
        wanted.append(name)
        if name in existing:
            continue
        fields = dict(extra)
        if "district" in fields:
            fields["district_id"] = existing[fields.pop("district")]
        missing.append(Organisation(name=name, short_name=short, kind=OrgKind.UNIT, **fields))
    Organisation.objects.bulk_create(missing, batch_size=1_000)
    existing.update({o.name: o.pk for o in missing})
    return [existing[name] for name in wanted]


def bulk_units(name: str, short: str, count: int) -> list[int]:
    """``count`` numbered units ``{name}000``… for a benchmark, by id in number order."""
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"{name}{u:03d}", short_name=f"{short}{u:03d}", kind=OrgKind.UNIT)
            for u in range(count)
        ]
    )
    return list(
        Organisation.objects.filter(name__startswith=name)
        .order_by("name")
        .values_list("pk", flat=True)
    )
