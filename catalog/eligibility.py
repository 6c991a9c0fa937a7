"""O&M funding eligibility (Art. 28, 31, 32, 33, with 17, 18, 20 as warnings).

The facts of many systems are loaded with a fixed number of set queries (``load_facts``),
then the registered rules below are evaluated on each system's facts. The same rules serve
three purposes: the yearly O&M decisions (``decide``), the explanation of one system's
decision, and gates elsewhere (a unit with un-integrated systems cannot submit new projects;
a system failing R31.2 or R32.1 cannot have a new or expansion project).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import uuid
from collections import defaultdict

from django.db import connections, router, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import add_months
from core.enums import Severity
from policy.engine import GateContext
from policy.lookup import policy_in_force
from policy.registry import gate, registry, rule, violation

from .models import (
    AssessmentResult,
    DataResource,
    InformationItem,
    InformationSystem,
    IntegrationStatus,
    Network,
    OMDecision,
    OpenScope,
    ShareType,
    SharingRequest,
    SharingState,
    SystemStatus,
)

SYSTEM_FIELDS = (
    "pk",
    "code",
    "name",
    "unit_id",
    "catalogued",
    "network",
    "isolation_bdb_reviewed_on",
    "isolation_gov_approved_on",
    "hosting",
    "hosting_justification",
    "mlps_level",
    "mlps_evaluated_on",
    "mlps_result",
    "crypto_assessed_on",
    "crypto_result",
    "major_hazard",
    "hazard_note",
    "status",
    "users_count",
    "monthly_visits",
    "last_maintained_on",
    "detached_from_business",
    "replaceable_by",
)
OM_RULES = [
    "R28.4",
    "R31.3",
    "R31.1",
    "R31.2",
    "R32.1",
    "R33.1",
    "R17.1",
    "R18.1",
    "R20.1.system",
    "R33.1.zombie",
]


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


DATE_FIELDS = (
    "isolation_bdb_reviewed_on",
    "isolation_gov_approved_on",
    "mlps_evaluated_on",
    "crypto_assessed_on",
    "last_maintained_on",
)


FACT_KEYS = ("system_id", *SYSTEM_FIELDS[1:])
BOOL_FIELDS = ("catalogued", "major_hazard", "detached_from_business")


def _raw_rows(queryset):
    """The rows of a values_list queryset straight from the cursor: the ORM's per-value
    converters (dates, booleans) cost more than the facts of 100,000 systems are worth. Dates
    come back as the driver gives them (date objects, or ISO text), both handled by ``_iso``;
    booleans may be 0/1 (SQLite) and are turned into bool by the caller."""
    sql, params = queryset.query.sql_with_params()
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(10_000):
            yield from chunk


@contextlib.contextmanager
def _without_cyclic_gc():
    """Building 100,000 fact dicts (and decisions) triggers the cyclic garbage collector again
    and again over every live object, which doubles the time; nothing built here is cyclic."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_facts(system_ids=None, *, today: dt.date | None = None) -> dict[int, dict]:
    """Facts of the given systems (all when None) as of ``today``, in a fixed number of set
    queries whatever their number. For a subset the related rows are restricted to it; for
    all systems no id list is sent to the database (joins and subqueries instead)."""
    with _without_cyclic_gc():
        return _load_facts(system_ids, today or timezone.localdate())


def _load_facts(system_ids, today: dt.date) -> dict[int, dict]:
    systems = InformationSystem.objects.order_by()
    ids = None
    if system_ids is not None:
        ids = list(system_ids)
        systems = systems.filter(pk__in=ids)
    facts: dict[int, dict] = {}
    units = set()
    for row in _raw_rows(systems.values_list(*SYSTEM_FIELDS)):
        f = dict(zip(FACT_KEYS, row, strict=True))
        for key in DATE_FIELDS:
            f[key] = _iso(f[key])
        for key in BOOL_FIELDS:
            f[key] = bool(f[key])
        f.update(
            failed_acceptance=[],
            unit_pending=[],
            overdue_requests=0,
            private_only=[],
            duplicates=[],
        )
        facts[f["system_id"]] = f
        units.add(f["unit_id"])
    if not facts:
        return facts
    _failed_acceptance(facts, ids)
    _unit_pending(facts, units)
    _overdue_requests(facts, ids, today)
    _private_only(facts, ids)
    _duplicates(facts, ids)
    return facts


def _links(ids):
    """The system ↔ data resource links, restricted to ``ids`` when given."""
    links = DataResource.systems.through.objects.order_by()
    return links if ids is None else links.filter(informationsystem_id__in=ids)


def _failed_acceptance(facts, ids):
    from delivery.models import Delivery

    through = InformationSystem.projects.through.objects.order_by()
    if ids is not None:
        through = through.filter(informationsystem_id__in=ids)
    failed = Delivery.objects.filter(om_ineligible=True).values("project_id")
    for system_id, code in through.filter(project_id__in=failed).values_list(
        "informationsystem_id", "project__code"
    ):
        if system_id in facts:
            facts[system_id]["failed_acceptance"].append(code)


def _unit_pending(facts, units):
    pending = defaultdict(list)
    for unit_id, code in InformationSystem.objects.filter(
        integration_status=IntegrationStatus.PENDING
    ).values_list("unit_id", "code"):
        pending[unit_id].append(code)
    for unit_id in pending:
        pending[unit_id].sort()
    for f in facts.values():
        # the same (sorted) list for every system of the unit: read-only
        f["unit_pending"] = pending.get(f["unit_id"], [])


def _overdue_requests(facts, ids, today):
    overdue = SharingRequest.objects.filter(state=SharingState.PENDING, due_on__lt=today)
    counts = dict(
        overdue.order_by()
        .values("resource_id")
        .annotate(n=Count("id"))
        .values_list("resource_id", "n")
    )
    if not counts:
        return
    for resource_id, system_id in (
        _links(ids)
        .filter(dataresource_id__in=overdue.values("resource_id"))
        .values_list("dataresource_id", "informationsystem_id")
    ):
        if system_id in facts:
            facts[system_id]["overdue_requests"] += counts[resource_id]


def _private_only(facts, ids):
    for system_id, code in (
        _links(ids)
        .filter(
            dataresource__share_type=ShareType.UNCONDITIONAL,
            dataresource__open_scope=OpenScope.NAMED,
        )
        .values_list("informationsystem_id", "dataresource__resource_code")
    ):
        if system_id in facts:
            facts[system_id]["private_only"].append(code)


def _duplicates(facts, ids):
    """Items of a system's resources whose key (normalised name + data type) is also an item
    of an authoritative resource of another unit: collected again instead of shared. The
    finding names the item, the authoritative resource, its item and its systems."""
    authoritative = InformationItem.objects.filter(resource__is_authoritative=True)
    sources = defaultdict(list)  # key -> [(resource_code, unit_id, item name, resource_id)]
    for key, unit_id, code, name, resource_id in authoritative.order_by().values_list(
        "key", "resource__provider_id", "resource__resource_code", "name", "resource_id"
    ):
        sources[key].append((code, unit_id, name, resource_id))
    if not sources:
        return
    for key in sources:
        sources[key].sort()
    source_systems = defaultdict(list)
    for resource_id, code in (
        DataResource.systems.through.objects.filter(dataresource__is_authoritative=True)
        .order_by("informationsystem__code")
        .values_list("dataresource_id", "informationsystem__code")
    ):
        source_systems[resource_id].append(code)
    copies = InformationItem.objects.filter(
        resource__is_authoritative=False, key__in=authoritative.values("key")
    )
    collected = defaultdict(list)  # resource_id -> [(item name, key, provider unit)]
    for resource_id, name, key, unit_id in copies.order_by("id").values_list(
        "resource_id", "name", "key", "resource__provider_id"
    ):
        collected[resource_id].append((name, key, unit_id))
    for resource_id, system_id in (
        _links(ids)
        .filter(dataresource_id__in=copies.values("resource_id"))
        .values_list("dataresource_id", "informationsystem_id")
    ):
        f = facts.get(system_id)
        if f is None:
            continue
        for name, key, unit_id in collected.get(resource_id, ()):
            source = next((s for s in sources[key] if s[1] != unit_id), None)
            if source is None:  # the authoritative unit's own copies are not duplicates
                continue
            f["duplicates"].append(
                {
                    "item": name,
                    "source": source[0],
                    "source_item": source[2],
                    "source_systems": source_systems.get(source[3], []),
                }
            )


# -- rules -------------------------------------------------------------------------------------


def _f(ctx) -> dict:
    return ctx.facts


@rule(id="R28.4", article="第二十八条", title=_("竣工验收未通过的不得安排运维经费"))
def failed_acceptance(ctx):
    f = _f(ctx)
    if f["failed_acceptance"]:
        yield violation(
            f"系统“{f['name']}”的建设项目 {'、'.join(f['failed_acceptance'])} 竣工验收未通过，"
            "不得安排运行维护经费（第二十八条）。",
            remedy="整改后重新组织验收并通过。",
            facts={"projects": f["failed_acceptance"]},
        )


@rule(id="R31.3", article="第三十一条", title=_("未纳入总目录的系统不予安排运维经费"))
def not_catalogued(ctx):
    f = _f(ctx)
    if not f["catalogued"]:
        yield violation(
            f"系统“{f['name']}”未纳入市级政务信息系统总目录，财政部门不予安排运行维护经费（第三十一条）。",
            remedy="请所属单位完善目录信息，由市大数据发展局审核纳入总目录。",
            facts={"catalogued": False},
        )


@rule(id="R31.1", article="第三十一条", title=_("孤网须经大数据局初审并报市政府批准"))
def isolated_network(ctx):
    f = _f(ctx)
    if f["network"] != Network.ISOLATED:
        return
    missing = []
    if not f["isolation_bdb_reviewed_on"]:
        missing.append("市大数据发展局初审")
    if not f["isolation_gov_approved_on"]:
        missing.append("市政府批准")
    if missing:
        yield violation(
            f"系统“{f['name']}”部署为孤网、不进行数据共享，但缺少{'和'.join(missing)}"
            "（第三十一条：联网通办是原则，孤网是例外）。",
            remedy="请说明不能共享的法律法规依据，报市大数据发展局初审后报市政府批准。",
            facts={"missing": missing},
        )


@rule(id="R31.2", article="第三十一条", title=_("未按要求共享或重复采集数据的系统"))
def not_sharing(ctx):
    f = _f(ctx)
    if f["overdue_requests"]:
        yield violation(
            f"系统“{f['name']}”提供的数据资源有 {f['overdue_requests']} 个共享申请超过答复期限未答复，"
            "未按要求共享数据（第三十一条、第十四条）。",
            remedy="请及时答复共享申请。",
            facts={"overdue_requests": f["overdue_requests"]},
        )
    if f["private_only"]:
        yield violation(
            f"系统“{f['name']}”的无条件共享资源 {'、'.join(f['private_only'])} 仅向特定企业或组织开放"
            "（第十四条、第三十一条）。",
            remedy="应普遍共享的数据不得仅向特定企业、社会组织开放，请调整开放范围。",
            facts={"resources": f["private_only"]},
        )
    if f["duplicates"]:
        names = "、".join(
            f"{d['item']}（权威来源：资源 {d['source']} 的“{d['source_item']}”"
            + (f"，系统 {'、'.join(d['source_systems'])}" if d.get("source_systems") else "")
            + "）"
            for d in f["duplicates"][:5]
        )
        yield violation(
            f"系统“{f['name']}”重复采集已有权威来源的数据：{names}（第三十一条）。",
            remedy="请改为通过共享获取上述数据，停止重复采集。",
            facts={"duplicates": f["duplicates"][:20]},
        )


@functools.lru_cache(maxsize=8192)
def _period_passed(on_iso: str, months: int, today_iso: str) -> bool:
    # cached: assessment dates repeat across systems, and a yearly run asks 200,000 times
    return add_months(dt.date.fromisoformat(on_iso), months) < dt.date.fromisoformat(today_iso)


@functools.lru_cache(maxsize=64)
def _months_before(today_iso: str, months: int) -> str:
    return add_months(dt.date.fromisoformat(today_iso), -months).isoformat()


@rule(id="R32.1", article="第三十二条", title=_("不符合密码应用和网络安全要求或存在重大安全隐患"))
def security_requirements(ctx):
    f = _f(ctx)
    if f["crypto_result"] == AssessmentResult.FAIL:
        yield violation(
            f"系统“{f['name']}”密码应用安全性评估结论为“不符合”（第三十二条）。",
            remedy="请按密评意见整改并重新评估。",
            facts={
                "crypto_result": f["crypto_result"],
                "crypto_assessed_on": f["crypto_assessed_on"],
            },
        )
    elif not f["crypto_result"]:
        yield violation(
            f"系统“{f['name']}”未开展密码应用安全性评估（第三十二条、第十八条）。",
            remedy="请开展密评并登记结论。",
            facts={"crypto_result": ""},
        )
    if f["mlps_result"] == AssessmentResult.FAIL:
        yield violation(
            f"系统“{f['name']}”等级保护测评结论为“不符合”（第三十二条）。",
            remedy="请按测评意见整改并重新测评。",
            facts={"mlps_result": f["mlps_result"], "mlps_evaluated_on": f["mlps_evaluated_on"]},
        )
    elif not f["mlps_result"]:
        yield violation(
            f"系统“{f['name']}”未开展网络安全等级保护测评（第三十二条、第十七条）。",
            remedy="请开展等保测评并登记结论。",
            facts={"mlps_result": ""},
        )
    if f["major_hazard"]:
        yield violation(
            f"系统“{f['name']}”存在重大安全隐患：{f['hazard_note'] or '未说明'}（第三十二条）。",
            remedy="请整改消除隐患后更新系统信息。",
            facts={"major_hazard": True},
        )


@rule(id="R33.1", article="第三十三条", title=_("有应整合未整合系统的单位"))
def unit_not_integrated(ctx):
    f = _f(ctx)
    pending = f.get("unit_pending") or []
    if pending:
        yield violation(
            f"所属单位有应整合而未整合的系统 {'、'.join(pending[:10])}，财政部门不安排运行维护经费，"
            "不支持新建信息化项目（第三十三条）。",
            remedy="请完成系统整合并更新整合状态。",
            facts={"pending_systems": pending[:50]},
        )


@rule(
    id="R17.1",
    article="第十七条",
    title=_("定期开展网络安全检测与风险评估"),
    severity=Severity.WARN,
)
def mlps_period(ctx):
    f = _f(ctx)
    months = ctx.param("mlps_evaluation_period_months")
    if f["mlps_evaluated_on"] and _period_passed(f["mlps_evaluated_on"], int(months), f["today"]):
        yield violation(
            f"最近一次等保测评为 {f['mlps_evaluated_on']}，已超过 {months} 个月的测评周期（第十七条）。",
            remedy="请尽快开展新一轮等保测评。",
            facts={"mlps_evaluated_on": f["mlps_evaluated_on"], "period_months": months},
        )


@rule(id="R18.1", article="第十八条", title=_("定期开展密码应用安全性评估"), severity=Severity.WARN)
def crypto_period(ctx):
    f = _f(ctx)
    months = ctx.param("crypto_assessment_period_months")
    if f["crypto_assessed_on"] and _period_passed(f["crypto_assessed_on"], int(months), f["today"]):
        yield violation(
            f"最近一次密评为 {f['crypto_assessed_on']}，已超过 {months} 个月的评估周期（第十八条）。",
            remedy="请尽快开展新一轮密评。",
            facts={"crypto_assessed_on": f["crypto_assessed_on"], "period_months": months},
        )


@rule(
    id="R20.1.system",
    article="第二十条",
    title=_("未部署在数字重庆云须说明理由"),
    severity=Severity.WARN,
)
def system_hosting(ctx):
    f = _f(ctx)
    if f["hosting"] == "other" and not (f["hosting_justification"] or "").strip():
        yield violation(
            f"系统“{f['name']}”未部署在数字重庆云，且未说明理由（第二十条）。",
            remedy="请迁移至数字重庆云或登记理由。",
            facts={"hosting": f["hosting"]},
        )


@rule(id="R33.1.zombie", article="第三十三条", title=_("僵尸系统迹象"), severity=Severity.WARN)
def zombie_indicators(ctx):
    f = _f(ctx)
    signs = []
    if f["detached_from_business"]:
        signs.append("与业务脱节")
    if (f["replaceable_by"] or "").strip():
        signs.append(f"可被“{f['replaceable_by']}”替代")
    min_visits = ctx.param("zombie_min_monthly_visits")
    if f["monthly_visits"] is not None and f["monthly_visits"] < min_visits:
        signs.append(f"月访问量仅 {f['monthly_visits']}")
    idle = ctx.param("zombie_idle_months")
    # ISO dates compare as strings
    if f["last_maintained_on"] and f["last_maintained_on"] < _months_before(f["today"], idle):
        signs.append(f"自 {f['last_maintained_on']} 起无运维")
    if f["status"] in (SystemStatus.STOPPED,):
        signs.append("已停用")
    if signs:
        yield violation(
            f"系统“{f['name']}”有僵尸系统迹象：{'、'.join(signs)}，建议整合或下线（第三十三条）。",
            remedy="请评估整合、迁移或下线。",
            facts={
                "signs": signs,
                "min_monthly_visits": min_visits,
                "idle_months": idle,
                "policy": ctx.policy.code,
            },
        )


gate(
    "catalog.om_funding",
    title=_("运行维护经费安排"),
    rules=OM_RULES,
    action="catalog.actions.decide_om_funding",
)


# -- decisions ---------------------------------------------------------------------------------


def _findings(ctx, rules) -> tuple[list[dict], list[dict]]:
    """The rules' violations stamped as ``Rule.evaluate`` would, without building a Finding per
    rule and system: in a yearly run most of the million rule calls find nothing."""
    reasons, warnings = [], []
    for rule_ in rules:
        for v in rule_.func(ctx) or ():
            blocks = (v.severity or rule_.severity) == Severity.BLOCK
            (reasons if blocks else warnings).append(
                {
                    "rule_id": rule_.id,
                    "article": rule_.article,
                    "message": v.message,
                    "remedy": v.remedy,
                    "facts": v.facts,
                }
            )
    return reasons, warnings


def evaluate(facts: dict, policy, today: dt.date) -> tuple[list[dict], list[dict]]:
    """(blocking findings, warnings) of one system's facts."""
    ctx = GateContext(subject=None, policy=policy, facts={**facts, "today": today.isoformat()})
    return _findings(ctx, [registry.rules[rule_id] for rule_id in OM_RULES])


STORED_FIELDS = (
    "system",
    "budget_year",
    "eligible",
    "reasons",
    "warnings",
    "policy",
    "run",
    "decided_at",
)


def _insert_decisions(connection, rows) -> None:
    """One prepared INSERT executed for every row (``executemany``): a yearly run writes one row
    per system, and model instances with per-field preparation (``bulk_create``) cost more than
    evaluating the rules. Values are adapted once by the backend's own operations (JSON,
    datetime), so SQLite and PostgreSQL store what the ORM would."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(OMDecision._meta.get_field(f).column) for f in STORED_FIELDS)
    marks = ", ".join(["%s"] * len(STORED_FIELDS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {qn(OMDecision._meta.db_table)} ({columns}) VALUES ({marks})", rows
        )


def decide(budget_year: int, *, system_ids=None, today: dt.date | None = None, batch=5000) -> dict:
    """Decide O&M eligibility of every (or the given) system for ``budget_year`` and store one
    OMDecision each, stamped with the municipal policy in force and a run id."""
    today = today or timezone.localdate()
    policy = policy_in_force(None, today)
    facts = load_facts(system_ids, today=today)
    run = f"{budget_year}-{uuid.uuid4().hex[:12]}"
    connection = connections[router.db_for_write(OMDecision)]
    ops = connection.ops
    decided_at = ops.adapt_datetimefield_value(timezone.now())
    empty = ops.adapt_json_value([], None)
    today_iso = today.isoformat()
    # One context for the whole run, its facts swapped per system: the rules only read them.
    ctx = GateContext(subject=None, policy=policy, facts={})
    rules = [registry.rules[rule_id] for rule_id in OM_RULES]
    rows, eligible = [], 0
    # a run is stored whole or not at all
    with transaction.atomic(using=connection.alias), _without_cyclic_gc():
        for system_id, f in facts.items():
            f["today"] = today_iso
            ctx.facts = f
            reasons, warnings = _findings(ctx, rules)
            eligible += not reasons
            rows.append(
                (
                    system_id,
                    budget_year,
                    not reasons,
                    ops.adapt_json_value(reasons, None) if reasons else empty,
                    ops.adapt_json_value(warnings, None) if warnings else empty,
                    policy.pk,
                    run,
                    decided_at,
                )
            )
            if len(rows) >= batch:
                _insert_decisions(connection, rows)
                rows = []
        if rows:
            _insert_decisions(connection, rows)
    return {"run": run, "systems": len(facts), "eligible": eligible, "policy": policy.code}


def system_blocks_new_projects(system_ids) -> dict[int, list[dict]]:
    """R31.2 and R32.1 findings per system (for the new/expansion project gate)."""
    today = timezone.localdate()
    policy = policy_in_force(None, today)
    out = {}
    for system_id, f in load_facts(system_ids, today=today).items():
        ctx = GateContext(subject=None, policy=policy, facts={**f, "today": today.isoformat()})
        found = [
            finding.as_dict()
            for rule_id in ("R31.2", "R32.1")
            for finding in registry.rules[rule_id].evaluate(ctx)
        ]
        if found:
            out[system_id] = found
    return out
