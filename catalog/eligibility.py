"""O&M funding eligibility (Art. 28, 31, 32, 33, with 17, 18, 20 as warnings): the conditions of
``catalog.conditions`` evaluated for any set of systems in one SELECT.

The same SELECT, wrapped in an ``INSERT``, stores a yearly run of 100,000 decisions without a
Python round trip per system (``decide``). The same conditions serve as rules in the registry
(the rules page, the ``catalog.om_funding`` gate) and as gates elsewhere: a unit with
un-integrated systems cannot submit new projects; a system failing R31.2 or R32.1 cannot be
expanded (``catalog.project_rules``).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Case, F, Field, JSONField, Q, QuerySet, Value, When
from django.db.models.functions import JSONObject
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.enums import ActionCode
from core.sqljson import ByVendor, joined_json_array, json_literal
from policy.lookup import policy_in_force
from policy.registry import gate, registry, violation

from .conditions import BLOCKING, WARNING, Condition, Params
from .machines import OM_RUN
from .models import InformationSystem, OMDecision, OMRun
from .om_words import OM_RULE_META, OM_RULES, explain

__all__ = ["decide", "evaluate_systems", "explain", "keep_failed_run", "tune_for_batch"]


def _entry(c: Condition, p: Params) -> JSONObject:
    return JSONObject(
        rule_id=Value(c.rule_id),
        article=Value(c.article),
        kind=Value(c.kind),
        facts=JSONObject(**c.facts(p)),
    )


def _any(conditions: Iterable[Condition], p: Params) -> Q:
    """Whether any of the conditions holds: an OR that stops at the first hit."""
    return functools.reduce(operator.or_, (Q(c.when(p)) for c in conditions))


def _found(conditions: list[Condition], p: Params) -> Case:
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


def _systems(system_ids: Iterable[int] | None = None) -> QuerySet:
    systems = InformationSystem.objects.order_by()
    if system_ids is not None:
        systems = systems.filter(pk__in=list(system_ids))
    return systems


def _evaluated(p: Params, system_ids: Iterable[int] | None = None) -> QuerySet:
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


def evaluate_systems(
    system_ids: Iterable[int] | None = None, *, today: dt.date | None = None, policy: Any = None
) -> dict[int, dict[str, Any]]:
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


def tune_for_batch(connection: Any) -> None:
    """PostgreSQL settings for one yearly run, for this transaction only: its condition sets
    are hashed only when they fit in ``work_mem`` (the 4 MB default makes it rescan a list for
    each of 100,000 systems), and JIT would spend seconds compiling this long statement to save
    milliseconds running it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL jit = off")


STORED_FIELDS = ("run", "system", "eligible", "reasons", "warnings")


def _column(name: str) -> str:
    field = OMDecision._meta.get_field(name)
    assert isinstance(field, Field)
    return field.column


def _insert_sql(connection: Any, p: Params, system_ids: Iterable[int] | None) -> tuple[str, list]:
    """The run's one ``INSERT … SELECT`` (its first parameter is the run's id)."""
    qn = connection.ops.quote_name
    select, params = _evaluated(p, system_ids).query.sql_with_params()
    columns = ", ".join(qn(_column(f)) for f in STORED_FIELDS)
    # OFFSET 0 keeps the SELECT a subquery evaluated row by row as the INSERT consumes it;
    # flattened into the INSERT (SQLite and PostgreSQL both would), the two uses of the reasons
    # would evaluate every condition twice
    fence = "LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else "OFFSET 0"
    sql = (
        f"INSERT INTO {qn(OMDecision._meta.db_table)} ({columns}) "
        f"SELECT %s, x.{qn('om_system')}, x.{qn('om_reasons')} = '[]', x.{qn('om_reasons')}, "
        f"x.{qn('om_warnings')} FROM ({select} {fence}) x"
    )
    return sql, list(params)


def _new_run(budget_year: int, policy: Any, decided_by: Any, using: str = "default") -> OMRun:
    return OMRun.objects.using(using).create(
        code=f"{budget_year}-{uuid.uuid4().hex[:12]}",
        budget_year=budget_year,
        policy=policy,
        decided_at=timezone.now(),
        decided_by=decided_by,
    )


def summary_of(run: OMRun) -> dict[str, Any]:
    """What a run reports: its number, counts, policy version and budget year."""
    return {
        "run": run.code,
        "systems": run.systems,
        "eligible": run.eligible,
        "policy": run.policy.code,
        "budget_year": run.budget_year,
    }


def decide(
    budget_year: int,
    *,
    system_ids: Iterable[int] | None = None,
    today: dt.date | None = None,
    decided_by: Any = None,
) -> dict[str, Any]:
    """Decide O&M eligibility of every (or the given) system for ``budget_year``: one OMRun
    stamped with the municipal policy in force, and one OMDecision per system written by a
    single ``INSERT … SELECT`` of the conditions, so the database does the work for every
    system. The run is stored whole or not at all, and enters ``decided`` through its machine
    (one ledger event)."""
    today = today or timezone.localdate()
    policy = policy_in_force(None, today)
    connection = connections[router.db_for_write(OMDecision)]
    sql, params = _insert_sql(connection, Params.of(policy, today), system_ids)
    with transaction.atomic(using=connection.alias):
        run = _new_run(budget_year, policy, decided_by, connection.alias)
        tune_for_batch(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [run.pk, *params])
            run.systems = cursor.rowcount
        run.eligible = run.decisions.filter(eligible=True).count()  # (run, eligible)
        summary = summary_of(run)
        OM_RUN.move(
            run,
            "decide",
            actor=decided_by,
            event=ActionCode.OM_DECIDED,
            policy_version=policy.code,
            reason=f"{budget_year} 年运维经费决定：{run.systems} 个系统，{run.eligible} 个可安排",
            data=summary,
            update_fields=["systems", "eligible"],
        )
    return summary


def keep_failed_run(budget_year: int, decided_by: Any, error: Exception) -> OMRun:
    """Record, after its transaction rolled back, that a run failed: the run without decisions
    in state ``failed``, and the ledger event saying why."""
    policy = policy_in_force(None, timezone.localdate())
    with transaction.atomic():
        run = _new_run(budget_year, policy, decided_by)
        OM_RUN.move(
            run,
            "fail",
            actor=decided_by,
            event=ActionCode.OM_DECIDED,
            policy_version=policy.code,
            reason=f"{budget_year} 年运维经费决定失败，未保存任何决定：{type(error).__name__}",
            data={"error": str(error)[:500]},
        )
    return run


def system_blocks_new_projects(system_ids: Iterable[int]) -> dict[int, list[dict]]:
    """R31.2 and R32.1 findings (with words) per system, for the new/expansion project gate."""
    out = {}
    for system_id, result in evaluate_systems(system_ids).items():
        found = [r for r in result["reasons"] if r["rule_id"] in ("R31.2", "R32.1")]
        if found:
            out[system_id] = found
    return out


# -- the conditions as registered rules --------------------------------------------------------


def _as_rule(rule_id: str) -> Any:
    """A registry rule for ``rule_id``: evaluates the system in ``ctx.subject`` (or
    ``ctx.facts["system_id"]``) once per context and yields its entries for this rule."""

    def check(ctx: Any) -> Iterator[Any]:
        system_id = ctx.facts.get("system_id") or getattr(ctx.subject, "pk", None)
        if system_id is None:
            return
        # evaluated once per context (not kept in ctx.facts, which a stored gate decision
        # records as its inputs)
        result = getattr(ctx, "_om_result", None)
        if result is None:
            # in the language of record: a gate decision stores its findings
            with translation.override(settings.LANGUAGE_CODE):
                result = evaluate_systems([system_id], policy=ctx.policy).get(
                    system_id, {"reasons": [], "warnings": []}
                )
            ctx._om_result = result
        for entry in result["reasons"] + result["warnings"]:
            if entry["rule_id"] == rule_id:
                yield violation(
                    entry.get("template") or entry["message"],
                    remedy=entry.get("remedy_template") or entry["remedy"],
                    facts=entry["facts"],
                    params=entry.get("params"),
                )

    check.__name__ = check.__qualname__ = f"om_{rule_id.replace('.', '_')}"
    check.__doc__ = f"O&M condition {rule_id}, evaluated in SQL (see catalog.conditions)."
    return check


for _rule_id, (_article, _title, _severity) in OM_RULE_META.items():
    registry.rule(id=_rule_id, article=_article, title=_title, severity=_severity)(
        _as_rule(_rule_id)
    )

gate(
    "catalog.om_funding",
    title=_("运行维护经费安排"),
    rules=OM_RULES,
    action="catalog.decide_om_funding",
)
