"""The hand-written peer of ``compile_plan`` (bench_investment): the same inserts in SQL.

A plan compilation stores (1) the entries, (2) one decision whose snapshot holds every
candidate's facts and whose findings give the refused candidates' reasons (the first 500), and
(3) one ledger event. The peer computes the candidates' facts and eligibility once into a
temporary table, writes (1) and (2) from it, the JSON built by the database
(``jsonb_agg``/``json_group_array``), and (3) through ``record_event`` (one row). Its SQL knows the cases of the benchmark's data only: construction
projects approved with a complete table or still in approval without one, listed O&M projects
(nothing suspended, no incomplete table); for these it stores what compile_plan stores.
"""

from __future__ import annotations

import json
import uuid

from django.db import connection

from core.enums import ActionCode, choice_labels
from core.ledger import record_event
from investment.actions.plan import open_draft
from investment.eligibility import COMPILE_GATE, reasons_of
from policy.lookup import policy_in_force
from policy.models import Decision
from policy.snapshot import rule_digest
from projects.models import ProjectState
from projects.rules.plan import LISTED_STATES

NO_TABLE = "尚未填报绩效目标表"
TEMP = "bench_compile_candidates"


def _dialect(pg: bool) -> dict[str, str]:
    """The JSON words of each database (SQLite's lose their JSON type through a subquery's
    column, hence json(...) around every nested value read from one)."""
    if pg:
        return {
            "arr": "jsonb_build_array",
            "obj": "jsonb_build_object",
            "j": "",
            "true": "true",
            "false": "false",
            "label": "(%s::jsonb ->> p.state)",
            "empty": "'[]'::jsonb",
        }
    return {
        "arr": "json_array",
        "obj": "json_object",
        "j": "json",
        "true": "json('true')",
        "false": "json('false')",
        "label": "json_extract(%s, '$.' || p.state)",
        "empty": "json('[]')",
    }


def _agg(pg: bool, expr: str, source: str) -> str:
    """A JSON array of ``expr`` over the rows of ``source`` in its order ("code")."""
    if pg:
        return f"(SELECT COALESCE(jsonb_agg({expr} ORDER BY c.code), '[]'::jsonb) FROM {source})"
    return (
        f"(SELECT json_group_array(json({expr})) FROM (SELECT * FROM {source} ORDER BY c.code) c)"
    )


def compile_by_hand(drc, year: int, leaves: int, eligible: int) -> None:
    pg = connection.vendor == "postgresql"
    d = _dialect(pg)
    j = d["j"]
    draft = open_draft(year, drc)
    policy = policy_in_force(None)
    listed = ", ".join(f"'{s}'" for s in LISTED_STATES)
    table = "SELECT 1 FROM investment_performancetable t WHERE t.project_id = p.id AND t.year = %s"
    # the candidates with their facts (CANDIDATE_FACTS) and whether they enter the plan, once
    candidates = (
        "SELECT p.id, p.code, p.name, p.kind, p.state,"
        f" {d['label']} AS label,"
        f" CASE WHEN p.state IN ({listed}) THEN {d['true']} ELSE {d['false']} END AS listed,"
        f" CASE WHEN p.kind <> 'om' AND NOT EXISTS ({table})"
        f"   THEN {d['arr']}('{NO_TABLE}') ELSE {d['empty']} END AS problems,"
        " COALESCE(p.approved_total, p.total_investment) AS amount,"
        " (p.kind = 'om' OR (p.state = 'approved' AND (SELECT count(*)"
        "   FROM investment_indicator i JOIN investment_performancetable t"
        "   ON t.id = i.table_id WHERE t.project_id = p.id AND t.year = %s) >= %s)) AS ok"
        " FROM projects_project p WHERE p.year = %s AND p.state NOT IN ('draft', 'rejected')"
    )
    labels = json.dumps({str(k): v for k, v in choice_labels(ProjectState).items()})
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMP} AS {candidates}", [labels, year, year, leaves, year]
        )
        cursor.execute(
            "INSERT INTO investment_planentry (version_id, project_id, amount, note)"
            f" SELECT %s, c.id, c.amount, '' FROM {TEMP} c WHERE c.ok",
            [draft.pk],
        )
        assert cursor.rowcount == eligible, cursor.rowcount
        cursor.execute(f"SELECT c.code FROM {TEMP} c WHERE NOT c.ok ORDER BY c.code")
        refused_codes = [code for (code,) in cursor.fetchall()]
        facts = (
            f"{d['arr']}(c.code, c.name, c.kind, c.state, c.label, {j}(c.listed),"
            f" {d['false']}, {j}(c.problems))"
        )
        refused = f"(SELECT * FROM {TEMP} c WHERE NOT c.ok ORDER BY c.code LIMIT 250) c"

        # the two reasons of a construction project still in approval (R27.1, or R10.1 for
        # a continuing one; R10.3)
        def either(continuing: str, other: str) -> str:
            return f"CASE WHEN c.kind = 'continuing' THEN '{continuing}' ELSE '{other}' END"

        rule = either("R10.1", "R27.1")
        article = either("第十条", "第二十七条")
        before = either("续建项目“", "建设项目“")
        after = either("”尚未经依法审批（", "”尚未完成审批（")
        template = either(
            "续建项目“%%(name)s”尚未经依法审批（%%(state)s）。",
            "建设项目“%%(name)s”尚未完成审批（%%(state)s）。",
        )
        r27 = (
            f"{d['obj']}('rule_id', {rule}, 'article', {article}, 'severity', 'block',"
            f" 'title', '', 'message', {before} || c.name || {after} || c.label || '）。',"
            " 'remedy', '请先完成项目审批。',"
            f" 'facts', {d['obj']}('state', c.state, 'project', c.code),"
            f" 'template', {template}, 'remedy_template', '请先完成项目审批。',"
            f" 'params', {d['obj']}('name', c.name, 'state', c.label))"
        )
        r103 = (
            f"{d['obj']}('rule_id', 'R10.3', 'article', '第十条', 'severity', 'block',"
            " 'title', '', 'message', '项目“' || c.name || '”的' || %s || '年绩效目标表不完整：'"
            f" || '{NO_TABLE}' || '。', 'remedy', '请项目建设单位填报完整的绩效目标表。',"
            f" 'facts', {d['obj']}('problems', {j}(c.problems), 'project', c.code),"
            " 'template', '项目“%%(name)s”的%%(year)s年绩效目标表不完整：%%(problems)s。',"
            " 'remedy_template', '请项目建设单位填报完整的绩效目标表。',"
            f" 'params', {d['obj']}('name', c.name, 'year', %s, 'problems', '{NO_TABLE}'))"
        )
        findings = _agg(pg, f"{d['arr']}({r27}, {r103})", refused)
        if pg:
            flatten = f"(SELECT COALESCE(jsonb_agg(x), '[]'::jsonb) FROM jsonb_array_elements({findings}) a, jsonb_array_elements(a) x)"
        else:
            flatten = f"(SELECT json_group_array(json(x.value)) FROM json_each({findings}) a, json_each(a.value) x)"
        snapshot = (
            f"{d['obj']}('aggregate', %s, 'year', %s, 'candidates', {_agg(pg, facts, TEMP + ' c')})"
        )
        columns = ", ".join(f.column for f in Decision._meta.concrete_fields)
        n = len(refused_codes)
        inputs = (
            f"{d['obj']}('year', %s, 'candidates', {eligible + n}, 'added', {eligible},"
            f" 'refused', {n})"
        )
        decision_id = uuid.uuid4()
        cursor.execute(
            f"INSERT INTO policy_decision ({columns}) SELECT %s, %s, 'investment.planversion',"
            f" %s, %s, NULL, %s, {inputs}, %s, {snapshot}, %s, 'warn', {flatten}, %s,"
            " CURRENT_TIMESTAMP",
            [
                decision_id.hex if not pg else decision_id,
                COMPILE_GATE,
                str(draft.pk),
                str(draft),
                policy.pk,
                year,
                json.dumps(["R10.1", "R27.1", "R10.3"]),
                COMPILE_GATE,
                year,
                json.dumps({COMPILE_GATE: rule_digest(reasons_of)}),
                str(year),
                str(year),
                drc.pk,
            ],
        )
        cursor.execute(f"DROP TABLE {TEMP}")
    record_event(
        ActionCode.PLAN_COMPILED,
        actor=drc,
        obj=draft,
        reason=f"{draft}：纳入 {eligible} 个项目，{len(refused_codes)} 个不符合条件",
        policy_version=policy.code,
        decision_id=decision_id,
        data={"added": eligible, "refused": refused_codes[:200]},
    )
