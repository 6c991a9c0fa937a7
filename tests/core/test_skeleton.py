"""The skeleton every chapter is built on: machines, actions that can be asked, contracts,
the next-steps card and the action API."""

import datetime as dt
from decimal import Decimal

import pytest

from core import actions as action_registry
from core.contracts import Contract, Day, Flag, Opinions, Text, Wan, Year
from core.errors import ActionInvalid
from core.forms import contract_form
from core.machines import UndeclaredStateChange, machines
from core.offers import next_steps
from planning import actions
from planning.models import CityPlanState, CityPlanVersion
from policy.checks import check_machines


def test_every_machine_names_gates_and_actions_that_exist():
    assert machines(), "no machine registered"
    assert check_machines() == []


def test_every_transition_action_takes_its_own_transition():
    """An action that names a transition belongs to the machine whose table names it."""
    registered = action_registry.registered()
    for m in machines():
        for t in m.transitions:
            if not t.action:  # taken by the platform itself (a scan, a sweep), not a person
                continue
            act = registered[t.action]
            if act.transition:
                assert act.machine is m, (m.key, t.code, act.name)


def test_lifecycles_page_renders_every_machine(personas, login):
    html = login(personas.jw_officer).get("/policy/lifecycles/").content.decode()
    for m in machines():
        assert f'data-machine="{m.key}"' in html
        assert str(m.label) in html


def _city_plan(personas):
    plan = actions.create_city_plan(
        acting_user=personas.bdb, title="规划", start_year=2026, end_year=2030, summary="要点"
    )
    return plan, plan.versions.get()


def test_a_raw_save_cannot_change_a_state(personas):
    _plan, version = _city_plan(personas)
    version.state = CityPlanState.APPROVED
    with pytest.raises(UndeclaredStateChange):
        version.save()
    with pytest.raises(UndeclaredStateChange):
        CityPlanVersion.objects.filter(pk=version.pk).update(state=CityPlanState.SUBMITTED)
    version.refresh_from_db()
    assert version.state == CityPlanState.DRAFT


def test_check_changes_nothing_and_execute_agrees(personas):
    _plan, version = _city_plan(personas)
    findings = actions.submit_city_plan.check(version, personas.bdb)
    assert [f.rule_id for f in findings if f.blocks] == ["R6.1"]
    version.refresh_from_db()
    assert version.state == CityPlanState.DRAFT
    actions.update_city_plan(version.pk, acting_user=personas.bdb, data_orientation="数据治理")
    version.refresh_from_db()
    assert actions.submit_city_plan.check(version, personas.bdb) == []
    actions.submit_city_plan(version.pk, acting_user=personas.bdb)
    version.refresh_from_db()
    # now the state refuses, citing the transition's article and requirement
    [finding] = actions.submit_city_plan.check(version, personas.bdb)
    assert finding.blocks and finding.article == "第六条" and finding.rule_id == "R6.1.state"


def test_the_card_offers_what_the_check_passes(personas):
    plan, _version = _city_plan(personas)
    steps = next_steps(plan, personas.bdb)
    names = {o.action.name for o in steps.blocked}
    assert "planning.submit_city_plan" in names  # blocked: no data orientation yet
    assert "planning.update_city_plan" in steps.names()
    # the city government sees nothing to do on a draft; a unit neither
    assert next_steps(plan, personas.gov).offers == []
    assert next_steps(plan, personas.jw_officer).offers == []


def test_api_does_every_action_with_its_contract(personas, login):
    plan, version = _city_plan(personas)
    client = login(personas.bdb)
    steps = client.get(f"/api/next-steps/planning.cityplan/{plan.pk}").json()
    offers = {o["action"]: o for o in steps["offers"]}
    assert offers["planning.submit_city_plan"]["enabled"] is False
    assert offers["planning.submit_city_plan"]["findings"][0]["article"] == "第六条"
    resp = client.post(
        f"/api/actions/planning.update_city_plan/{version.pk}",
        {"data_orientation": "数据治理"},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    version.refresh_from_db()
    assert version.summary == "要点"  # a partial update keeps what it does not name
    resp = client.post(f"/api/actions/planning.submit_city_plan/{version.pk}")
    assert resp.status_code == 200 and resp.json()["url"] == f"/planning/city-plans/{plan.pk}/"
    again = client.post(f"/api/actions/planning.submit_city_plan/{version.pk}")
    assert again.status_code == 409 and again.json()["findings"][0]["rule_id"] == "R6.1.state"
    # others: the same 404 as a missing object
    unit = login(personas.jw_officer)
    resp = unit.post(
        f"/api/actions/planning.approve_city_plan/{version.pk}", {}, content_type="application/json"
    )
    assert resp.status_code == 404
    assert unit.get("/api/next-steps/planning.cityplan/999999").status_code == 404


class _Sample(Contract):
    name: str = Text("名称", required=True, max_length=5)
    amount_wan: Decimal | None = Wan("总投资")
    year: int | None = Year("年度")
    on: dt.date | None = Day("日期", past=True)
    flag: bool = Flag("标记")
    opinions: dict[str, str] = Opinions((("a", "甲"), ("b", "乙")), "意见")


def test_contract_messages_name_the_field_in_chinese():
    with pytest.raises(ActionInvalid) as exc_info:
        _Sample.parse(
            {"name": "长长长长长长", "amount_wan": 1.5, "year": "明年", "on": "2999-01-01"}
        )
    errors = exc_info.value.errors
    assert errors["name"] == "名称不能超过 5 个字。"
    assert "浮点数" in errors["amount_wan"]
    assert errors["year"].startswith("请填写年度")
    assert errors["on"] == "日期不能晚于今天。"
    assert errors["opinions"] == "请填写意见：甲、乙。"


def test_contract_accepts_what_people_type():
    clean = _Sample.parse(
        {"name": "系统", "amount_wan": "１，２３４.５", "year": " 2026 ", "flag": "是",
         "opinions": {"a": "同意", "b": "同意"}}
    )  # fmt: skip
    assert clean.amount_wan == Decimal("1234.5") and clean.year == 2026 and clean.flag is True


def test_contract_form_shows_the_contract_messages():
    form = contract_form(_Sample, {"name": "", "amount_wan": "abc", "opinions__a": "同意"})
    assert not form.is_valid()
    assert form.errors["name"] == ["请填写名称。"]
    assert "应为数字" in form.errors["amount_wan"][0]
    assert form.errors["opinions__b"] == ["请填写意见：乙。"]
    good = contract_form(
        _Sample,
        {
            "name": "系统",
            "amount_wan": "800",
            "year": "2026",
            "opinions__a": "x",
            "opinions__b": "y",
        },
    )
    assert good.is_valid(), good.errors
    assert good.contract.opinions == {"a": "x", "b": "y"}


def test_core_imports_no_chapter():
    """Core is the skeleton the chapters are built on: it names none of them (not even
    lazily), so that a chapter can be added or removed without touching it."""
    import ast
    from pathlib import Path

    from django.conf import settings

    core = Path(settings.BASE_DIR) / "core"
    chapters = {"accounts", "catalog", "delivery", "demo", "documents", "evidence",
                "investment", "planning", "policy", "projects", "reports", "supervision"}  # fmt: skip
    found = []
    for path in core.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [f"{path.relative_to(core)}:{node.lineno} {n}" for n in names
                      if n.split(".")[0] in chapters]  # fmt: skip
    assert found == []
