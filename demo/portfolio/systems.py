"""The O&M catalog mix, bulk-created as the actions would leave it (moved from bench_catalog).

Systems in blocks of consecutive numbers per unit, each providing one data resource with
three information items; 20 authoritative base resources (人口, 法人, …) of the last four
units; sharing requests answered in time, pending and overdue. The mix, by system number
modulo 100: 60 % sound (some with stale assessments or zombie signs: warnings only), 2 %
isolated with both approvals, and ineligible: 5 % not catalogued (R31.3), 3 % isolated without
approval (R31.1), 3 % overdue request, 2 % private-only resource, 3 % duplicate collection
(R31.2), 6 % failed or missing crypto/MLPS assessment or major hazard (R32.1), 2 % failed
acceptance (R28.4, when linked to a failed delivery); plus four units with a system that should
have been integrated (R33.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from catalog.actions import item_key
from catalog.models import (
    DataResource,
    InformationItem,
    InformationSystem,
    IsolationState,
    SharingRequest,
)
from core.dates import today as today_

PENDING_UNITS = 4  # units with a system that should have been integrated (R33.1)
AUTH_UNITS = 4  # providers of the authoritative base resources

AUTHORITATIVE = [
    ("人口", ["身份证号:char", "姓名:char", "性别:char", "出生日期:date", "户籍地址:char"]),
    ("法人", ["统一社会信用代码:char", "法人名称:char", "法定代表人:char", "成立日期:date"]),
    ("自然资源和空间地理", ["不动产单元号:char", "宗地面积:number", "坐落:char"]),
    ("社会信用", ["信用主体代码:char", "失信类别:char", "认定日期:date"]),
    ("电子证照", ["证照编号:char", "证照类型:char", "签发日期:date"]),
]
DUPLICATED = ["身份证\u3000号:char", "统一社会信用代码:char", "不动产单元号:char"]
MIX = (
    (60, "ok"),
    (65, "uncatalogued"),
    (68, "isolated"),
    (70, "isolated_ok"),
    (73, "overdue"),
    (75, "private"),
    (78, "duplicate"),
    (80, "crypto_fail"),
    (82, "mlps_fail"),
    (83, "never_assessed"),
    (84, "hazard"),
    (86, "failed_acceptance"),
    (90, "passed_acceptance"),
)


def kind_of(i: int) -> str:
    """The eligibility bucket of system ``i``."""
    b = i % 100
    return next((kind for upper, kind in MIX if b < upper), "ok")


@dataclass(frozen=True)
class Spec:
    """``count`` systems coded ``{prefix}{i:06d}`` in ``units`` (consecutive blocks), their
    resources coded ``{resource_prefix}D{unit:03d}/{i:06d}`` and the authoritative ones
    ``{resource_prefix}A{k:02d}/000001``; ``label`` starts their names."""

    count: int
    units: Sequence[int]
    prefix: str
    resource_prefix: str = ""
    label: str = "基准测试"
    batch: int = 5_000

    @property
    def per_unit(self) -> int:
        return max(1, self.count // len(self.units))

    def unit_number(self, i: int) -> int:
        return min(i // self.per_unit, len(self.units) - 1)

    def unit(self, i: int) -> int:
        return self.units[self.unit_number(i)]


def _isolation_state(kind: str, b: int) -> str:
    if kind == "isolated_ok":
        return IsolationState.APPROVED
    if kind == "isolated":
        return IsolationState.AWAITING_GOV if b == 66 else IsolationState.AWAITING_BDB
    return IsolationState.NOT_NEEDED


def _crypto(kind: str, b: int) -> str:
    if kind == "never_assessed":
        return ""
    if kind == "crypto_fail":
        return "fail"
    return "basic" if b % 2 else "pass"


def _system(spec: Spec, i: int, now: dt.datetime, day: Any) -> InformationSystem:
    kind = kind_of(i)
    recent, stale = day(60), day(420)
    b = i % 100
    return InformationSystem(
        code=f"{spec.prefix}{i:06d}",
        name=f"{spec.label}系统{i:06d}",
        unit_id=spec.unit(i),
        category="business",
        catalogued=kind != "uncatalogued",
        curated_at=now,
        network="isolated" if kind in ("isolated", "isolated_ok") else "extranet",
        isolation_reason="依法不能共享。" if kind.startswith("isolated") else "",
        isolation_bdb_reviewed_on=day(200) if kind == "isolated_ok" or b == 66 else None,
        isolation_gov_approved_on=day(150) if kind == "isolated_ok" else None,
        # the Art. 31 state its dates stand for, as the review actions would have left it
        isolation_state=_isolation_state(kind, b),
        mlps_level=3,
        mlps_evaluated_on=None if kind == "never_assessed" else (stale if b < 5 else recent),
        mlps_result="" if kind == "never_assessed" else "fail" if kind == "mlps_fail" else "pass",
        crypto_assessed_on=None if kind == "never_assessed" else (stale if b < 3 else recent),
        crypto_result=_crypto(kind, b),
        major_hazard=kind == "hazard",
        hazard_note="高危漏洞未修复。" if kind == "hazard" else "",
        integration_status="pending"
        if i % spec.per_unit == 0 and i // spec.per_unit < PENDING_UNITS
        else "not_needed",
        users_count=500,
        monthly_visits=3 if 5 <= b < 8 else 20_000,
        last_maintained_on=day(30),
        detached_from_business=b == 8,
    )


def _resource(spec: Spec, i: int, unit_id: int) -> DataResource:
    private = kind_of(i) == "private"
    u = spec.unit_number(i)
    return DataResource(
        classification="department",
        class_code=f"D{u:03d}",
        resource_code=f"{spec.resource_prefix}D{u:03d}/{i:06d}",
        name=f"业务数据{i:06d}",
        provider_id=unit_id,
        summary=f"{spec.label}资源",
        format="database",
        share_type="unconditional",
        share_method="platform_api",
        open_type="conditional" if private else "closed",
        open_scope="named" if private else "all",
        named_recipients="某科技公司" if private else "",
        update_cycle="daily",
    )


def _items(i: int, resource: DataResource) -> list[InformationItem]:
    specs = [f"业务字段{i % 89}甲:char", f"业务字段{i % 83}乙:number", "办理日期:date"]
    if kind_of(i) == "duplicate":
        specs[0] = DUPLICATED[i % len(DUPLICATED)]
    items = []
    for item in specs:
        name, dtype = item.split(":")
        items.append(
            InformationItem(
                resource=resource, name=name, data_type=dtype, key=item_key(name, dtype)
            )
        )
    return items


def _requests(spec: Spec, i: int, day: Any) -> tuple | None:
    """(requester, state, asked, due, answered) of system ``i``'s sharing request, if any."""
    b = i % 100
    requester = spec.units[(spec.unit_number(i) + 1) % len(spec.units)]
    if kind_of(i) == "overdue":
        return requester, "pending", day(20), day(5), None
    if b < 10:
        return requester, "granted", day(40), day(30), day(35)
    if b in (86, 87):
        return requester, "pending", day(2), day(-8), None
    return None


def build(user: Any, spec: Spec) -> dict[str, int]:
    """Bulk-create the catalog of ``spec``; returns counts."""
    now = timezone.now()
    on = today_()

    def day(n: int) -> dt.date:
        return on - dt.timedelta(days=n)

    through = DataResource.systems.through
    counts = {"systems": 0, "resources": 0, "items": 0, "requests": 0}
    for start in range(0, spec.count, spec.batch):
        numbers = range(start, min(start + spec.batch, spec.count))
        systems = [_system(spec, i, now, day) for i in numbers]
        InformationSystem.objects.bulk_create(systems)
        resources = [_resource(spec, i, s.unit_id) for i, s in zip(numbers, systems, strict=True)]
        DataResource.objects.bulk_create(resources)
        through.objects.bulk_create(
            [
                through(dataresource_id=r.pk, informationsystem_id=s.pk)
                for r, s in zip(resources, systems, strict=True)
            ]
        )
        items = [it for i, r in zip(numbers, resources, strict=True) for it in _items(i, r)]
        InformationItem.objects.bulk_create(items, batch_size=spec.batch)
        requests = [
            (r, *found)
            for i, r in zip(numbers, resources, strict=True)
            if (found := _requests(spec, i, day))
        ]
        SharingRequest.objects.bulk_create(
            [
                SharingRequest(
                    resource=r,
                    requester_id=u,
                    purpose=f"{spec.label}共享申请",
                    state=state,
                    requested_on=asked,
                    due_on=due,
                    answered_on=answered,
                    answer="同意。" if answered else "",
                    requested_by=user,
                    answered_by=user if answered else None,
                )
                for r, u, state, asked, due, answered in requests
            ]
        )
        counts["systems"] += len(systems)
        counts["resources"] += len(resources)
        counts["items"] += len(items)
        counts["requests"] += len(requests)
    counts["authoritative"] = _authoritative(spec)
    return counts


def _authoritative(spec: Spec) -> int:
    """The authoritative base resources of the last AUTH_UNITS units, each linked to its
    unit's first system."""
    auth_units = spec.units[-AUTH_UNITS:]
    n = 0
    for k, (theme, specs) in enumerate(AUTHORITATIVE * 4):
        unit = auth_units[k % len(auth_units)]
        first = (
            InformationSystem.objects.filter(unit_id=unit, code__startswith=spec.prefix)
            .order_by("pk")
            .first()
        )
        res = DataResource.objects.create(
            classification="base",
            class_code=f"A{k:02d}",
            resource_code=f"{spec.resource_prefix}A{k:02d}/000001",
            name=f"{theme}基础信息{k:02d}",
            provider_id=unit,
            summary=f"{theme}权威数据",
            format="database",
            share_type="conditional",
            share_conditions="依职责申请。",
            share_method="platform_api",
            open_type="closed",
            update_cycle="realtime",
            is_authoritative=True,
        )
        if first is not None:
            res.systems.add(first)
        InformationItem.objects.bulk_create(
            [
                InformationItem(
                    resource=res,
                    name=s.split(":")[0],
                    data_type=s.split(":")[1],
                    key=item_key(*s.split(":")),
                )
                for s in specs
            ]
        )
        n += 1
    return n


def link_projects(spec: Spec, failed: Sequence[int], accepted: Sequence[int]) -> int:
    """Link the systems of the acceptance buckets to projects (by id) whose delivery failed
    or was accepted, round robin; returns the number of links."""
    if not failed or not accepted:
        return 0
    systems = dict(
        InformationSystem.objects.filter(code__startswith=spec.prefix).values_list("code", "pk")
    )
    through = InformationSystem.projects.through
    links = []
    for i in range(spec.count):
        kind = kind_of(i)
        if kind not in ("failed_acceptance", "passed_acceptance"):
            continue
        pool = failed if kind == "failed_acceptance" else accepted
        links.append(
            through(
                informationsystem_id=systems[f"{spec.prefix}{i:06d}"],
                project_id=pool[i % len(pool)],
            )
        )
    through.objects.bulk_create(links, batch_size=spec.batch)
    return len(links)
