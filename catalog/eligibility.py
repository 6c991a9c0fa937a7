"""O&M funding eligibility (Art. 28, 31, 32, 33, with 17, 18, 20 as warnings).

Every condition is declared once (``CONDITIONS``) as database expressions over
``InformationSystem``: when it holds and the facts it records. Its words — the message naming
the article and the remedy — are rendered in Python from the recorded facts when a decision is
read. One SELECT evaluates the conditions for any set of
systems; the same SELECT, wrapped in an ``INSERT``, stores a yearly run of 100,000 decisions
without a Python round trip per system. The same conditions serve as rules in the registry (the
rules page, the ``catalog.om_funding`` gate) and as gates elsewhere: a unit with un-integrated
systems cannot submit new projects; a system failing R31.2 or R32.1 cannot be expanded.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import (
    Case,
    Count,
    F,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import JSONObject, Trim
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import add_months
from core.enums import Severity
from core.sqljson import ByVendor, JSONList, JSONMerge, JSONValue, joined_json_array, json_literal
from policy.lookup import policy_in_force
from policy.registry import gate, registry, violation

from .models import (
    AssessmentResult,
    DataResource,
    InformationItem,
    InformationSystem,
    IntegrationStatus,
    Network,
    OMDecision,
    OMRun,
    OpenScope,
    ShareType,
    SharingRequest,
    SharingState,
    SystemStatus,
)

# rule id -> (article, title, severity), in the order reasons are listed
OM_RULE_META = {
    "R28.4": ("第二十八条", _("竣工验收未通过的不得安排运维经费"), Severity.BLOCK),
    "R31.3": ("第三十一条", _("未纳入总目录的系统不予安排运维经费"), Severity.BLOCK),
    "R31.1": ("第三十一条", _("孤网须经大数据局初审并报市政府批准"), Severity.BLOCK),
    "R31.2": ("第三十一条", _("未按要求共享或重复采集数据的系统"), Severity.BLOCK),
    "R32.1": ("第三十二条", _("不符合密码应用和网络安全要求或存在重大安全隐患"), Severity.BLOCK),
    "R33.1": ("第三十三条", _("有应整合未整合系统的单位"), Severity.BLOCK),
    "R17.1": ("第十七条", _("定期开展网络安全检测与风险评估"), Severity.WARN),
    "R18.1": ("第十八条", _("定期开展密码应用安全性评估"), Severity.WARN),
    "R20.1.system": ("第二十条", _("未部署在数字重庆云须说明理由"), Severity.WARN),
    "R33.1.zombie": ("第三十三条", _("僵尸系统迹象"), Severity.WARN),
}
OM_RULES = list(OM_RULE_META)


@dataclass(frozen=True)
class Params:
    """The numbers a run uses: the day and the policy in force, with the cut-off dates derived
    from its periods (R17.1, R18.1, Art. 33 idle months)."""

    today: dt.date
    policy: object
    mlps_months: int
    crypto_months: int
    min_visits: int
    idle_months: int
    sources: dict  # item key -> authoritative sources, see _authoritative_sources

    @classmethod
    def of(cls, policy, today: dt.date) -> Params:
        return cls(
            today=today,
            policy=policy,
            mlps_months=int(policy.param("mlps_evaluation_period_months")),
            crypto_months=int(policy.param("crypto_assessment_period_months")),
            min_visits=int(policy.param("zombie_min_monthly_visits")),
            idle_months=int(policy.param("zombie_idle_months")),
            sources=_authoritative_sources(),
        )

    def overdue_by(self, months: int) -> dt.date:
        """The last assessment date whose period has run out: ``add_months(on, months) <
        today``. Month ends clamp (Aug 31 + 6 = Feb 28), so step back from the naive date."""
        on = add_months(self.today, -months) + dt.timedelta(days=4)
        while add_months(on, months) >= self.today:
            on -= dt.timedelta(days=1)
        return on

    @property
    def idle_before(self) -> dt.date:
        return add_months(self.today, -self.idle_months)


@dataclass(frozen=True)
class Condition:
    """One way a rule fails: ``when`` (a boolean expression over a system), the ``facts`` it
    records (expressions, evaluated only for systems it holds for) and ``words`` (message and
    remedy from the system's name and those facts)."""

    rule_id: str
    kind: str
    when: Callable[[Params], object]
    facts: Callable[[Params], dict]
    words: Callable[[str, dict], tuple[str, str]]

    @property
    def article(self) -> str:
        return OM_RULE_META[self.rule_id][0]

    @property
    def blocks(self) -> bool:
        return OM_RULE_META[self.rule_id][2] == Severity.BLOCK


# -- the sets the conditions look up -----------------------------------------------------------

LINKS = DataResource.systems.through
SYSTEM_PROJECTS = InformationSystem.projects.through


def _ids(queryset, field="informationsystem_id"):
    return queryset.order_by().values(field)


def _failed_projects():
    from delivery.models import Delivery

    return SYSTEM_PROJECTS.objects.filter(
        project_id__in=Delivery.objects.filter(om_ineligible=True).values("project_id")
    )


def _overdue(p: Params):
    return SharingRequest.objects.filter(state=SharingState.PENDING, due_on__lt=p.today)


def _private_links():
    return LINKS.objects.filter(
        dataresource__share_type=ShareType.UNCONDITIONAL,
        dataresource__open_scope=OpenScope.NAMED,
    )


def _authoritative_sources() -> dict[str, list[dict]]:
    """The items of authoritative resources by key, each with its resource, unit and systems,
    in the order a duplicate names its source (resource code, unit, item). They are the city's
    few base resources (人口, 法人, …), so a run reads them once and writes them into its SQL:
    a correlated lookup by key would match every ordinary copy of a common item."""
    systems: dict[int, list[str]] = {}
    # from the few authoritative resources to their links, not from every link to its resource
    authoritative = DataResource.objects.filter(is_authoritative=True).values("pk")
    for resource_id, code in LINKS.objects.filter(dataresource__in=authoritative).values_list(
        "dataresource_id", "informationsystem__code"
    ):
        systems.setdefault(resource_id, []).append(code)
    sources: dict[str, list[dict]] = {}
    rows = InformationItem.objects.filter(resource__is_authoritative=True).values_list(
        "key", "resource__resource_code", "resource__provider_id", "name", "resource_id"
    )
    for key, code, provider, name, resource_id in sorted(rows):
        sources.setdefault(key, []).append(
            {
                "source": code,
                "provider": provider,
                "source_item": name,
                "source_systems": sorted(systems.get(resource_id, [])),
            }
        )
    return sources


def _copied_from_other_unit(p: Params) -> Q:
    """An ordinary item whose key is an authoritative item of another unit: collected again
    instead of shared (R31.2). The authoritative unit's own copies are not duplicates."""
    any_other_unit, only_unit = [], {}
    for key, sources in p.sources.items():
        providers = {s["provider"] for s in sources}
        if len(providers) > 1:
            any_other_unit.append(key)
        else:
            only_unit.setdefault(providers.pop(), []).append(key)
    # one IN list per providing unit (a handful), which the key index answers
    found = Q(key__in=any_other_unit) if any_other_unit else Q(pk__isnull=True)
    for provider, keys in only_unit.items():
        found |= Q(key__in=keys) & ~Q(resource__provider_id=provider)
    return Q(resource__is_authoritative=False) & found


def _source_of_copy(p: Params) -> JSONValue:
    """For a copied item (see ``_copied_from_other_unit``), its first authoritative source of
    another unit as a JSON object (resource, item, systems). A key with one providing unit
    needs no unit test here: the copy is of another unit already."""
    whens = []
    for key, sources in p.sources.items():
        single_unit = len({s["provider"] for s in sources}) == 1
        for s in sources[:1] if single_unit else sources:
            condition = (
                Q(key=key) if single_unit else Q(key=key) & ~Q(resource__provider_id=s["provider"])
            )
            text = json.dumps({k: v for k, v in s.items() if k != "provider"}, ensure_ascii=False)
            whens.append(When(condition, then=Value(text)))
    if not whens:
        return json_literal("{}")
    return JSONValue(Case(*whens, default=Value("{}"), output_field=TextField()))


def _pending_units():
    return InformationSystem.objects.filter(integration_status=IntegrationStatus.PENDING).values(
        "unit_id"
    )


def _list_of(queryset, group: str, value) -> JSONValue:
    """The values of ``queryset`` (correlated to the system) as one JSON array."""
    return JSONValue(
        Subquery(queryset.order_by().values(group).annotate(v=JSONList(value)).values("v"))
    )


def _duplicates_facts(p: Params):
    copies = InformationItem.objects.filter(
        _copied_from_other_unit(p), resource__systems=OuterRef("pk")
    )
    entry = JSONMerge(JSONObject(item=F("name")), _source_of_copy(p))
    return {"duplicates": _list_of(copies, "resource__systems", entry)}


# -- words -------------------------------------------------------------------------------------


def _joined(values, limit=None) -> str:
    values = sorted(values or [])
    return "、".join(values[:limit] if limit else values)


def _duplicates_words(name, f):
    names = "、".join(
        f"{d['item']}（权威来源：资源 {d['source']} 的“{d['source_item']}”"
        + (f"，系统 {_joined(d['source_systems'])}" if d.get("source_systems") else "")
        + "）"
        for d in (f["duplicates"] or [])[:5]
    )
    return (
        f"系统“{name}”重复采集已有权威来源的数据：{names}（第三十一条）。",
        "请改为通过共享获取上述数据，停止重复采集。",
    )


ZOMBIE_SIGNS = {
    "detached": lambda f: "与业务脱节",
    "replaceable": lambda f: f"可被“{f['replaceable_by']}”替代",
    "unused": lambda f: f"月访问量仅 {f['monthly_visits']}",
    "unmaintained": lambda f: f"自 {f['last_maintained_on']} 起无运维",
    "stopped": lambda f: "已停用",
}


def zombie_sign_texts(facts: dict) -> list[str]:
    return [ZOMBIE_SIGNS[code](facts) for code in facts.get("signs") or []]


def _zombie_words(name, f):
    return (
        f"系统“{name}”有僵尸系统迹象：{'、'.join(zombie_sign_texts(f))}，建议整合或下线（第三十三条）。",
        "请评估整合、迁移或下线。",
    )


def _isolated_words(name, f):
    return (
        f"系统“{name}”部署为孤网、不进行数据共享，但缺少{'和'.join(f['missing'])}"
        "（第三十一条：联网通办是原则，孤网是例外）。",
        "请说明不能共享的法律法规依据，报市大数据发展局初审后报市政府批准。",
    )


def _zombie_when(p: Params):
    return (
        Q(detached_from_business=True)
        | ~Exact(Trim("replaceable_by"), Value(""))
        | Q(monthly_visits__lt=p.min_visits)
        | Q(last_maintained_on__lt=p.idle_before)
        | Q(status=SystemStatus.STOPPED)
    )


def _zombie_facts(p: Params):
    signs = joined_json_array(
        [
            (Q(detached_from_business=True), Value('"detached"')),
            (~Exact(Trim("replaceable_by"), Value("")), Value('"replaceable"')),
            (Q(monthly_visits__lt=p.min_visits), Value('"unused"')),
            (Q(last_maintained_on__lt=p.idle_before), Value('"unmaintained"')),
            (Q(status=SystemStatus.STOPPED), Value('"stopped"')),
        ]
    )
    return {
        "signs": JSONValue(signs),
        "monthly_visits": F("monthly_visits"),
        "last_maintained_on": F("last_maintained_on"),
        "replaceable_by": F("replaceable_by"),
        "min_monthly_visits": Value(p.min_visits),
        "idle_months": Value(p.idle_months),
        "policy": Value(p.policy.code),
    }


@dataclass(frozen=True)
class Assessment:
    """One of the two periodic assessments a system owes: 等保测评 (Art. 17) and 密评 (Art. 18);
    both must pass (Art. 32)."""

    kind: str  # "crypto" or "mlps"
    result: str  # field of the result
    on: str  # field of the date
    title: str  # as in "……结论为“不符合”"
    full_title: str  # as in "未开展……"
    short: str  # as in "最近一次……为"
    article: str
    rule_id: str  # of the period rule
    months: str  # Params attribute of the period
    period_word: str  # 测评周期 / 评估周期
    redo: str  # remedy when failed


CRYPTO = Assessment(
    "crypto",
    "crypto_result",
    "crypto_assessed_on",
    "密码应用安全性评估",
    "密码应用安全性评估",
    "密评",
    "第十八条",
    "R18.1",
    "crypto_months",
    "评估周期",
    "请按密评意见整改并重新评估。",
)
MLPS = Assessment(
    "mlps",
    "mlps_result",
    "mlps_evaluated_on",
    "等级保护测评",
    "网络安全等级保护测评",
    "等保测评",
    "第十七条",
    "R17.1",
    "mlps_months",
    "测评周期",
    "请按测评意见整改并重新测评。",
)


def _assessment_conditions(a: Assessment) -> list[Condition]:
    """R32.1: the assessment failed, or was never done."""
    return [
        Condition(
            "R32.1",
            f"{a.kind}_failed",
            when=lambda p: Q(**{a.result: AssessmentResult.FAIL}),
            facts=lambda p: {a.result: F(a.result), a.on: F(a.on)},
            words=lambda name, f: (
                f"系统“{name}”{a.title}结论为“不符合”（第三十二条）。",
                a.redo,
            ),
        ),
        Condition(
            "R32.1",
            f"{a.kind}_missing",
            when=lambda p: Q(**{a.result: ""}),
            facts=lambda p: {a.result: F(a.result)},
            words=lambda name, f: (
                f"系统“{name}”未开展{a.full_title}（第三十二条、{a.article}）。",
                f"请开展{a.short}并登记结论。",
            ),
        ),
    ]


def _period_condition(a: Assessment) -> Condition:
    """R17.1 / R18.1 (warning): the last assessment is older than the policy's period."""
    return Condition(
        a.rule_id,
        f"{a.kind}_period",
        when=lambda p: Q(**{f"{a.on}__lte": p.overdue_by(getattr(p, a.months))}),
        facts=lambda p: {a.on: F(a.on), "period_months": Value(getattr(p, a.months))},
        words=lambda name, f: (
            f"最近一次{a.short}为 {f[a.on]}，已超过 {f['period_months']} 个月的{a.period_word}"
            f"（{a.article}）。",
            f"请尽快开展新一轮{a.short}。",
        ),
    )


CONDITIONS = [
    Condition(
        "R28.4",
        "failed_acceptance",
        when=lambda p: Q(pk__in=_ids(_failed_projects())),
        facts=lambda p: {
            # joined rather than _failed_projects(): inside a correlated subquery SQLite would
            # rebuild that set for each refused system
            "projects": _list_of(
                SYSTEM_PROJECTS.objects.filter(
                    informationsystem_id=OuterRef("pk"), project__delivery__om_ineligible=True
                ),
                "informationsystem_id",
                "project__code",
            )
        },
        words=lambda name, f: (
            f"系统“{name}”的建设项目 {_joined(f['projects'])} 竣工验收未通过，"
            "不得安排运行维护经费（第二十八条）。",
            "整改后重新组织验收并通过。",
        ),
    ),
    Condition(
        "R31.3",
        "not_catalogued",
        when=lambda p: Q(catalogued=False),
        facts=lambda p: {"catalogued": json_literal("false")},
        words=lambda name, f: (
            f"系统“{name}”未纳入市级政务信息系统总目录，财政部门不予安排运行维护经费（第三十一条）。",
            "请所属单位完善目录信息，由市大数据发展局审核纳入总目录。",
        ),
    ),
    Condition(
        "R31.1",
        "isolated_unapproved",
        when=lambda p: (
            Q(network=Network.ISOLATED)
            & (
                Q(isolation_bdb_reviewed_on__isnull=True)
                | Q(isolation_gov_approved_on__isnull=True)
            )
        ),
        facts=lambda p: {
            "missing": JSONValue(
                joined_json_array(
                    [
                        (Q(isolation_bdb_reviewed_on__isnull=True), Value('"市大数据发展局初审"')),
                        (Q(isolation_gov_approved_on__isnull=True), Value('"市政府批准"')),
                    ]
                )
            )
        },
        words=_isolated_words,
    ),
    Condition(
        "R31.2",
        "overdue_requests",
        when=lambda p: Q(
            pk__in=_ids(LINKS.objects.filter(dataresource_id__in=_overdue(p).values("resource_id")))
        ),
        facts=lambda p: {
            # the overdue filter sits inside the count so the lookup starts from the system's
            # links, not from every overdue request (SQLite has no statistics to know better)
            "overdue_requests": Subquery(
                LINKS.objects.filter(informationsystem_id=OuterRef("pk"))
                .order_by()
                .values("informationsystem_id")
                .annotate(
                    n=Count(
                        "dataresource__requests",
                        filter=Q(
                            dataresource__requests__state=SharingState.PENDING,
                            dataresource__requests__due_on__lt=p.today,
                        ),
                    )
                )
                .values("n")
            )
        },
        words=lambda name, f: (
            f"系统“{name}”提供的数据资源有 {f['overdue_requests']} 个共享申请超过答复期限未答复，"
            "未按要求共享数据（第三十一条、第十四条）。",
            "请及时答复共享申请。",
        ),
    ),
    Condition(
        "R31.2",
        "private_only",
        when=lambda p: Q(pk__in=_ids(_private_links())),
        facts=lambda p: {
            "resources": _list_of(
                _private_links().filter(informationsystem_id=OuterRef("pk")),
                "informationsystem_id",
                "dataresource__resource_code",
            )
        },
        words=lambda name, f: (
            f"系统“{name}”的无条件共享资源 {_joined(f['resources'])} 仅向特定企业或组织开放"
            "（第十四条、第三十一条）。",
            "应普遍共享的数据不得仅向特定企业、社会组织开放，请调整开放范围。",
        ),
    ),
    Condition(
        "R31.2",
        "duplicates",
        when=lambda p: Q(
            pk__in=_ids(
                LINKS.objects.filter(
                    dataresource_id__in=InformationItem.objects.filter(
                        _copied_from_other_unit(p)
                    ).values("resource_id")
                )
            )
        ),
        facts=_duplicates_facts,
        words=_duplicates_words,
    ),
    *_assessment_conditions(CRYPTO),
    *_assessment_conditions(MLPS),
    Condition(
        "R32.1",
        "major_hazard",
        when=lambda p: Q(major_hazard=True),
        facts=lambda p: {"major_hazard": json_literal("true"), "hazard_note": F("hazard_note")},
        words=lambda name, f: (
            f"系统“{name}”存在重大安全隐患：{f.get('hazard_note') or '未说明'}（第三十二条）。",
            "请整改消除隐患后更新系统信息。",
        ),
    ),
    Condition(
        "R33.1",
        "unit_not_integrated",
        when=lambda p: Q(unit_id__in=_pending_units()),
        facts=lambda p: {
            "pending_systems": _list_of(
                InformationSystem.objects.filter(
                    unit_id=OuterRef("unit_id"), integration_status=IntegrationStatus.PENDING
                ),
                "unit_id",
                "code",
            )
        },
        words=lambda name, f: (
            f"所属单位有应整合而未整合的系统 {_joined(f['pending_systems'], 10)}，"
            "财政部门不安排运行维护经费，不支持新建信息化项目（第三十三条）。",
            "请完成系统整合并更新整合状态。",
        ),
    ),
    _period_condition(MLPS),
    _period_condition(CRYPTO),
    Condition(
        "R20.1.system",
        "hosting_unjustified",
        when=lambda p: Q(hosting="other") & Exact(Trim("hosting_justification"), Value("")),
        facts=lambda p: {"hosting": F("hosting")},
        words=lambda name, f: (
            f"系统“{name}”未部署在数字重庆云，且未说明理由（第二十条）。",
            "请迁移至数字重庆云或登记理由。",
        ),
    ),
    Condition(
        "R33.1.zombie",
        "zombie",
        when=_zombie_when,
        facts=_zombie_facts,
        words=_zombie_words,
    ),
]
_BY_KIND = {(c.rule_id, c.kind): c for c in CONDITIONS}


# -- evaluation --------------------------------------------------------------------------------


def _entry(c: Condition, p: Params) -> JSONObject:
    return JSONObject(
        rule_id=Value(c.rule_id),
        article=Value(c.article),
        kind=Value(c.kind),
        facts=JSONObject(**c.facts(p)),
    )


def _any(conditions, p: Params) -> Q:
    """Whether any of the conditions holds: an OR that stops at the first hit."""
    return functools.reduce(operator.or_, (Q(c.when(p)) for c in conditions))


def _found(conditions, p: Params):
    """The entries of the conditions that hold, in declaration order, as a JSON array. Most
    systems meet every condition; for them one OR (like a hand-written eligibility query) is
    all the work, and the entries are built only for the others."""
    return Case(
        When(
            _any(conditions, p),
            then=joined_json_array([(c.when(p), _entry(c, p)) for c in conditions]),
        ),
        # plain text on SQLite: JSON('[]') for each of 100,000 systems twice costs time
        default=ByVendor(Value("[]"), json_literal("[]"), output_field=JSONField()),
        output_field=JSONField(),
    )


BLOCKING = [c for c in CONDITIONS if c.blocks]
WARNING = [c for c in CONDITIONS if not c.blocks]


def _systems(system_ids=None):
    systems = InformationSystem.objects.order_by()
    if system_ids is not None:
        systems = systems.filter(pk__in=list(system_ids))
    return systems


def _evaluated(p: Params, system_ids=None):
    """(id, name, reasons text, warnings text) per system: one SELECT whatever their number."""
    return (
        _systems(system_ids)
        .annotate(
            om_system=F("pk"),
            om_name=F("name"),
            om_reasons=_found(BLOCKING, p),
            om_warnings=_found(WARNING, p),
        )
        .values_list("om_system", "om_name", "om_reasons", "om_warnings")
    )


def explain(entries, system_name: str) -> list[dict]:
    """Stored entries with their words: the message and remedy rendered from the facts."""
    out = []
    for entry in entries or []:
        condition = _BY_KIND.get((entry.get("rule_id"), entry.get("kind")))
        if condition is None:  # an entry of a condition that no longer exists keeps its record
            out.append({"message": "", "remedy": "", **entry})
            continue
        message, remedy = condition.words(system_name, entry.get("facts") or {})
        out.append({**entry, "message": message, "remedy": remedy})
    return out


def evaluate_systems(system_ids=None, *, today: dt.date | None = None, policy=None) -> dict:
    """What a decision run would say now about the given systems (all when None):
    ``{id: {"eligible", "reasons", "warnings"}}`` with words."""
    today = today or timezone.localdate()
    policy = policy or policy_in_force(None, today)
    out = {}
    for pk, name, reasons, warnings in _evaluated(Params.of(policy, today), system_ids):
        out[pk] = {
            "eligible": not reasons,
            "reasons": explain(reasons, name),
            "warnings": explain(warnings, name),
        }
    return out


def tune_for_batch(connection) -> None:
    """PostgreSQL settings for one yearly run, for this transaction only: its condition sets
    are hashed only when they fit in ``work_mem`` (the 4 MB default makes it rescan a list for
    each of 100,000 systems), and JIT would spend seconds compiling this long statement to save
    milliseconds running it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")


STORED_FIELDS = ("run", "system", "eligible", "reasons", "warnings")


def decide(
    budget_year: int, *, system_ids=None, today: dt.date | None = None, decided_by=None
) -> dict:
    """Decide O&M eligibility of every (or the given) system for ``budget_year``: one OMRun
    stamped with the municipal policy in force, and one OMDecision per system written by a
    single ``INSERT … SELECT`` of the conditions, so the database does the work for every
    system."""
    today = today or timezone.localdate()
    policy = policy_in_force(None, today)
    connection = connections[router.db_for_write(OMDecision)]
    qn = connection.ops.quote_name
    select, params = _evaluated(Params.of(policy, today), system_ids).query.sql_with_params()
    columns = ", ".join(qn(OMDecision._meta.get_field(f).column) for f in STORED_FIELDS)
    # OFFSET 0 keeps the SELECT a subquery evaluated row by row as the INSERT consumes it;
    # flattened into the INSERT (SQLite and PostgreSQL both would), the two uses of the reasons
    # would evaluate every condition twice
    fence = "LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else "OFFSET 0"
    sql = (
        f"INSERT INTO {qn(OMDecision._meta.db_table)} ({columns}) "
        f"SELECT %s, x.{qn('om_system')}, x.{qn('om_reasons')} = '[]', x.{qn('om_reasons')}, "
        f"x.{qn('om_warnings')} FROM ({select} {fence}) x"
    )
    # a run is stored whole or not at all
    with transaction.atomic(using=connection.alias):
        run = OMRun.objects.using(connection.alias).create(
            code=f"{budget_year}-{uuid.uuid4().hex[:12]}",
            budget_year=budget_year,
            policy=policy,
            decided_at=timezone.now(),
            decided_by=decided_by,
        )
        tune_for_batch(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [run.pk, *params])
            run.systems = cursor.rowcount
        run.eligible = run.decisions.filter(eligible=True).count()  # (run, eligible)
        run.save(update_fields=["systems", "eligible"])
    return {
        "run": run.code,
        "systems": run.systems,
        "eligible": run.eligible,
        "policy": policy.code,
    }


def system_blocks_new_projects(system_ids) -> dict[int, list[dict]]:
    """R31.2 and R32.1 findings (with words) per system, for the new/expansion project gate."""
    out = {}
    for system_id, result in evaluate_systems(system_ids).items():
        found = [r for r in result["reasons"] if r["rule_id"] in ("R31.2", "R32.1")]
        if found:
            out[system_id] = found
    return out


# -- the conditions as registered rules --------------------------------------------------------


def _as_rule(rule_id: str):
    """A registry rule for ``rule_id``: evaluates the system in ``ctx.subject`` (or
    ``ctx.facts["system_id"]``) once per context and yields its entries for this rule."""

    def check(ctx):
        system_id = ctx.facts.get("system_id") or getattr(ctx.subject, "pk", None)
        if system_id is None:
            return
        # evaluated once per context (not kept in ctx.facts, which a stored gate decision
        # records as its inputs)
        result = getattr(ctx, "_om_result", None)
        if result is None:
            result = evaluate_systems([system_id], policy=ctx.policy).get(
                system_id, {"reasons": [], "warnings": []}
            )
            ctx._om_result = result
        for entry in result["reasons"] + result["warnings"]:
            if entry["rule_id"] == rule_id:
                yield violation(entry["message"], remedy=entry["remedy"], facts=entry["facts"])

    check.__name__ = check.__qualname__ = f"om_{rule_id.replace('.', '_')}"
    check.__doc__ = f"O&M condition {rule_id}, evaluated in SQL (see CONDITIONS)."
    return check


for _rule_id, (_article, _title, _severity) in OM_RULE_META.items():
    registry.rule(id=_rule_id, article=_article, title=_title, severity=_severity)(
        _as_rule(_rule_id)
    )

gate(
    "catalog.om_funding",
    title=_("运行维护经费安排"),
    rules=OM_RULES,
    action="catalog.actions.decide_om_funding",
)
