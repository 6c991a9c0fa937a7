"""The O&M funding conditions (Art. 28, 31, 32, 33, with 17, 18, 20 as warnings), each declared
once as database expressions over ``InformationSystem``: when it holds (``when``) and the facts
it records (``facts``). Their words are ``catalog.om_words``; their evaluation for one system or
a yearly run of 100,000 is ``catalog.eligibility``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import JSONObject, Trim
from django.db.models.lookups import Exact

from core.dates import add_months
from core.enums import Severity
from core.sqljson import JSONList, JSONMerge, JSONValue, joined_json_array, json_literal

from .models import (
    AssessmentResult,
    DataResource,
    InformationItem,
    InformationSystem,
    IntegrationStatus,
    IsolationState,
    OpenScope,
    ShareType,
    SharingRequest,
    SharingState,
    SystemStatus,
)
from .om_words import MISSING_BDB, MISSING_GOV, OM_RULE_META


@dataclass(frozen=True)
class Params:
    """The numbers a run uses: the day and the policy in force, with the cut-off dates derived
    from its periods (R17.1, R18.1, Art. 33 idle months)."""

    today: dt.date
    policy: Any
    mlps_months: int
    crypto_months: int
    min_visits: int
    idle_months: int
    sources: dict  # item key -> authoritative sources, see _authoritative_sources

    @classmethod
    def of(cls, policy: Any, today: dt.date) -> Params:
        p = policy.p
        return cls(
            today=today,
            policy=policy,
            mlps_months=p.mlps_evaluation_period_months,
            crypto_months=p.crypto_assessment_period_months,
            min_visits=p.zombie_min_monthly_visits,
            idle_months=p.zombie_idle_months,
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
    """One way a rule fails: ``when`` (a boolean expression over a system) and the ``facts`` it
    records (expressions, evaluated only for systems it holds for). ``kind`` names its words
    (``om_words.WORDS``)."""

    rule_id: str
    kind: str
    when: Callable[[Params], Any]
    facts: Callable[[Params], dict]

    @property
    def article(self) -> str:
        return OM_RULE_META[self.rule_id][0]

    @property
    def blocks(self) -> bool:
        return OM_RULE_META[self.rule_id][2] == Severity.BLOCK


# -- the sets the conditions look up -----------------------------------------------------------

LINKS = DataResource.systems.through
SYSTEM_PROJECTS = InformationSystem.projects.through


def _ids(queryset: QuerySet, field: str = "informationsystem_id") -> QuerySet:
    return queryset.order_by().values(field)


def _failed_projects() -> QuerySet:
    from delivery.models import Delivery

    return SYSTEM_PROJECTS.objects.filter(
        project_id__in=Delivery.objects.filter(om_ineligible=True).values("project_id")
    )


def _overdue(p: Params) -> QuerySet:
    return SharingRequest.objects.filter(state=SharingState.PENDING, due_on__lt=p.today)


def _private_links() -> QuerySet:
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
    any_other_unit: list[str] = []
    only_unit: dict[int, list[str]] = {}
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


def _pending_units() -> QuerySet:
    return InformationSystem.objects.filter(integration_status=IntegrationStatus.PENDING).values(
        "unit_id"
    )


def _list_of(queryset: QuerySet, group: str, value: Any) -> JSONValue:
    """The values of ``queryset`` (correlated to the system) as one JSON array."""
    return JSONValue(
        Subquery(queryset.order_by().values(group).annotate(v=JSONList(value)).values("v"))
    )


def _duplicates_facts(p: Params) -> dict:
    copies = InformationItem.objects.filter(
        _copied_from_other_unit(p), resource__systems=OuterRef("pk")
    )
    entry = JSONMerge(JSONObject(item=F("name")), _source_of_copy(p))
    return {"duplicates": _list_of(copies, "resource__systems", entry)}


def _zombie_signs(p: Params) -> list[tuple[Any, str]]:
    """(condition, sign code) of each indicator of a zombie system (Art. 33)."""
    return [
        (Q(detached_from_business=True), "detached"),
        (~Exact(Trim("replaceable_by"), Value("")), "replaceable"),
        (Q(monthly_visits__lt=p.min_visits), "unused"),
        (Q(last_maintained_on__lt=p.idle_before), "unmaintained"),
        (Q(status=SystemStatus.STOPPED), "stopped"),
    ]


def _zombie_when(p: Params) -> Any:
    return functools.reduce(operator.or_, (condition for condition, _code in _zombie_signs(p)))


def _zombie_facts(p: Params) -> dict:
    signs = joined_json_array([(c, Value(f'"{code}"')) for c, code in _zombie_signs(p)])
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
    rule_id: str  # of the period rule
    months: str  # Params attribute of the period


CRYPTO = Assessment("crypto", "crypto_result", "crypto_assessed_on", "R18.1", "crypto_months")
MLPS = Assessment("mlps", "mlps_result", "mlps_evaluated_on", "R17.1", "mlps_months")


def _assessment_conditions(a: Assessment) -> list[Condition]:
    """R32.1: the assessment failed, or was never done."""
    return [
        Condition(
            "R32.1",
            f"{a.kind}_failed",
            when=lambda p: Q(**{a.result: AssessmentResult.FAIL}),
            facts=lambda p: {a.result: F(a.result), a.on: F(a.on)},
        ),
        Condition(
            "R32.1",
            f"{a.kind}_missing",
            when=lambda p: Q(**{a.result: ""}),
            facts=lambda p: {a.result: F(a.result)},
        ),
    ]


def _period_condition(a: Assessment) -> Condition:
    """R17.1 / R18.1 (warning): the last assessment is older than the policy's period."""
    return Condition(
        a.rule_id,
        f"{a.kind}_period",
        when=lambda p: Q(**{f"{a.on}__lte": p.overdue_by(getattr(p, a.months))}),
        facts=lambda p: {a.on: F(a.on), "period_months": Value(getattr(p, a.months))},
    )


AWAITING = (IsolationState.AWAITING_BDB, IsolationState.AWAITING_GOV)


def _missing_approvals(p: Params) -> dict:
    """What an isolated system still lacks, in the words of Art. 31."""
    missing = joined_json_array(
        [
            (Q(isolation_state=IsolationState.AWAITING_BDB), Value(f'"{MISSING_BDB}"')),
            (Q(isolation_state__in=AWAITING), Value(f'"{MISSING_GOV}"')),
        ]
    )
    return {"missing": JSONValue(missing)}


def _overdue_count(p: Params) -> dict:
    # the overdue filter sits inside the count so the lookup starts from the system's links,
    # not from every overdue request (SQLite has no statistics to know better)
    requests = Count(
        "dataresource__requests",
        filter=Q(
            dataresource__requests__state=SharingState.PENDING,
            dataresource__requests__due_on__lt=p.today,
        ),
    )
    links = LINKS.objects.filter(informationsystem_id=OuterRef("pk")).order_by()
    return {
        "overdue_requests": Subquery(
            links.values("informationsystem_id").annotate(n=requests).values("n")  # type: ignore[misc]
        )
    }


def _failed_acceptance_facts(p: Params) -> dict:
    # joined rather than _failed_projects(): inside a correlated subquery SQLite would rebuild
    # that set for each refused system
    projects = SYSTEM_PROJECTS.objects.filter(
        informationsystem_id=OuterRef("pk"), project__delivery__om_ineligible=True
    )
    return {"projects": _list_of(projects, "informationsystem_id", "project__code")}


def _pending_systems_facts(p: Params) -> dict:
    pending = InformationSystem.objects.filter(
        unit_id=OuterRef("unit_id"), integration_status=IntegrationStatus.PENDING
    )
    return {"pending_systems": _list_of(pending, "unit_id", "code")}


def _collection_findings(*states: str) -> QuerySet:
    """BDB's decisions on duplicate collection by catalogued systems (the evidence chapter's
    ``CollectionFinding``, read by name: the catalog does not import the evidence app)."""
    finding = apps.get_model("evidence", "CollectionFinding")
    return finding.objects.filter(system__isnull=False, state__in=states).order_by()


def _cleared_by_bdb() -> QuerySet:
    """Systems whose every duplicate-collection finding BDB dismissed with a reason (Art. 31:
    BDB determines 重复采集); a copy found by key no longer counts against them."""
    standing = _collection_findings("open", "confirmed").values("system_id")
    return _collection_findings("dismissed").exclude(system_id__in=standing).values("system_id")


def _copying_systems(p: Params) -> Q:
    copies = InformationItem.objects.filter(_copied_from_other_unit(p)).values("resource_id")
    found = Q(pk__in=_ids(LINKS.objects.filter(dataresource_id__in=copies)))
    return found & ~Q(pk__in=_cleared_by_bdb())


def _confirmed_collection(p: Params) -> Q:
    """A system BDB confirmed as collecting what an authoritative source provides (the
    evidence scan also matches synonyms the key comparison misses)."""
    return Q(pk__in=_collection_findings("confirmed").values("system_id"))


def _confirmed_collection_facts(p: Params) -> dict:
    confirmed = _collection_findings("confirmed").filter(system_id=OuterRef("pk"))
    entry = JSONObject(item=F("item_name"), source=F("source_code"), source_item=F("source_item"))
    return {"duplicates": _list_of(confirmed, "system_id", entry)}


CONDITIONS = [
    Condition(
        "R28.4",
        "failed_acceptance",
        when=lambda p: Q(pk__in=_ids(_failed_projects())),
        facts=_failed_acceptance_facts,
    ),
    Condition(
        "R31.3",
        "not_catalogued",
        when=lambda p: Q(catalogued=False),
        facts=lambda p: {"catalogued": json_literal("false")},
    ),
    Condition(
        "R31.1",
        "isolated_unapproved",
        when=lambda p: Q(isolation_state__in=AWAITING),
        facts=_missing_approvals,
    ),
    Condition(
        "R31.1",
        "isolated_refused",
        when=lambda p: Q(isolation_state=IsolationState.REFUSED),
        facts=lambda p: {"isolation_reason": F("isolation_reason")},
    ),
    Condition(
        "R31.2",
        "overdue_requests",
        when=lambda p: Q(
            pk__in=_ids(LINKS.objects.filter(dataresource_id__in=_overdue(p).values("resource_id")))
        ),
        facts=_overdue_count,
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
    ),
    Condition("R31.2", "duplicates", when=_copying_systems, facts=_duplicates_facts),
    Condition(
        "R31.2",
        "confirmed_collection",
        when=_confirmed_collection,
        facts=_confirmed_collection_facts,
    ),
    *_assessment_conditions(CRYPTO),
    *_assessment_conditions(MLPS),
    Condition(
        "R32.1",
        "major_hazard",
        when=lambda p: Q(major_hazard=True),
        facts=lambda p: {"major_hazard": json_literal("true"), "hazard_note": F("hazard_note")},
    ),
    Condition(
        "R33.1",
        "unit_not_integrated",
        when=lambda p: Q(unit_id__in=_pending_units()),
        facts=_pending_systems_facts,
    ),
    _period_condition(MLPS),
    _period_condition(CRYPTO),
    Condition(
        "R20.1.system",
        "hosting_unjustified",
        when=lambda p: Q(hosting="other") & Exact(Trim("hosting_justification"), Value("")),
        facts=lambda p: {"hosting": F("hosting")},
    ),
    Condition("R33.1.zombie", "zombie", when=_zombie_when, facts=_zombie_facts),
]
BLOCKING = [c for c in CONDITIONS if c.blocks]
WARNING = [c for c in CONDITIONS if not c.blocks]
