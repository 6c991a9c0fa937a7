"""/api/investment/: the annual plan, budgets, the Art. 11 path, payments and changes over JSON
(第十条、第十一条、第二十五条、第二十六条、第三十七条), scoped per user."""

import datetime as dt
import json

import pytest

from investment import actions
from investment.models import (
    BudgetLine,
    ChangeRequest,
    EvaluationResult,
    IndicatorCategory,
    Payment,
    PlanState,
    PlanVersion,
)
from tests.investment.conftest import full_indicators

from .helpers import assert_error, post_json

BASE = "/api/investment"
ITEMS = [{"name": "软件开发", "amount_wan": "600"}, {"name": "硬件", "amount_wan": "200"}]


@pytest.fixture
def approved(walker):
    """An 800万 single-stage project of 市教委, approved, with a complete performance table."""
    project = walker.create("学生资助精准认定系统", "800")
    project = walker.walk(project, "approved")
    actions.save_performance_table(
        project,
        acting_user=walker.officer,
        year=project.year,
        overall_goal="实现学生资助对象精准认定。",
        indicators=full_indicators(),
    )
    return project


@pytest.fixture
def year(approved):
    """The plan year: the project's year (the planned year of its master-plan item)."""
    return approved.year


@pytest.fixture
def published(approved, personas, year):
    """The approved project in the published 2026 plan at 800万."""
    actions.compile_plan(acting_user=personas.drc, year=year)
    actions.publish_plan(acting_user=personas.drc, year=year)
    return approved


@pytest.fixture
def budgeted(published, personas, year):
    """…with an 800万 budget line and a 600万 contract; returns (project, line, contract)."""
    line = actions.add_budget_line(
        acting_user=personas.finance, project=published, year=year, amount_wan="800"
    )
    contract = actions.record_contract(
        published,
        acting_user=personas.jw_officer,
        number="HT-1",
        title="开发合同",
        supplier="某公司",
        method="open",
        amount_wan="600",
        signed_on="2026-01-10",
    )
    return published, line, contract


@pytest.fixture
def with_baseline(approved, personas, login):
    response = post_json(
        login(personas.jw_officer),
        f"{BASE}/projects/{approved.pk}/baseline",
        {"items": ITEMS, "goals": "实现学生资助对象精准认定。", "planned_completion": "2027-06-30"},
    )
    assert response.status_code == 201, response.content
    return approved


def _change(client, project, software, hardware, **extra):
    data = {
        "reason": "技术方案优化。",
        "circumstance": "optimise",
        "items": [
            {"name": "软件开发", "amount_wan": software},
            {"name": "硬件", "amount_wan": hardware},
        ],
        **extra,
    }
    return post_json(client, f"{BASE}/projects/{project.pk}/changes", data)


# -- plan ------------------------------------------------------------------------------------


def test_compile_and_publish_via_api(approved, personas, client, make_token, bearer, year):
    _token, raw = make_token(personas.drc)
    headers = bearer(raw)

    response = post_json(client, f"{BASE}/plans/{year}/compile", {}, headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 1 and body["added"] == 1 and body["refused"] == []
    assert body["decision_id"]

    plan = client.get(f"{BASE}/plans/{year}", headers=headers).json()
    assert plan["draft_version"] == 1 and plan["current_version"] is None
    assert plan["shown_version"] == 1
    [entry] = plan["entries"]
    assert entry["project_code"] == approved.code
    assert entry["amount"] == "8000000.00" and entry["amount_wan"] == "800.00"
    assert entry["unit_name"] == "重庆市教育委员会"

    response = post_json(client, f"{BASE}/plans/{year}/publish", {}, headers=headers)
    assert response.status_code == 200, response.content
    version = response.json()
    assert version["state"] == "published" and version["state_label"] == "已发布（现行）"
    assert version["entry_count"] == 1 and version["total_wan"] == "800.00"
    assert version["published_at"] and version["published_by_name"]

    plans = client.get(f"{BASE}/plans", headers=headers).json()
    assert plans["items"] == [
        {
            "year": year,
            "created_at": plans["items"][0]["created_at"],
            "current_version": 1,
            "draft_version": None,
            "versions": 1,
        }
    ]
    diff = client.get(f"{BASE}/plans/{year}/versions/1/diff", headers=headers).json()
    assert diff["from_version"] is None and diff["to_version"] == 1
    assert diff["added"] == [
        {"project_code": approved.code, "amount": "8000000.00", "amount_wan": "800.00"}
    ]
    # publishing again: the version is published already, which the refusal cites
    body = assert_error(
        post_json(client, f"{BASE}/plans/{year}/publish", {}, headers=headers), 409, "blocked"
    )
    assert [(f["rule_id"], f["article"]) for f in body["findings"]] == [("R10.1.state", "第十条")]


def test_compile_refuses_incomplete_table_with_article(approved, personas, login, year):
    actions.save_performance_table(
        approved, acting_user=personas.jw_officer, year=year, overall_goal="目标", indicators=[]
    )
    body = post_json(login(personas.drc), f"{BASE}/plans/{year}/compile", {}).json()
    assert body["added"] == 0
    [refused] = body["refused"]
    assert refused["project"] == approved.code
    assert [(f["rule_id"], f["article"]) for f in refused["findings"]] == [("R10.3", "第十条")]


def test_adjustment_edit_remove_and_diff(published, personas, login, year):
    client = login(personas.drc)
    response = post_json(client, f"{BASE}/plans/{year}/open", {"basis": "年中调整"})
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "adjustment" and response.json()["number"] == 2
    plan = client.get(f"{BASE}/plans/{year}", {"version": 2}).json()
    entry_id = plan["entries"][0]["id"]

    response = client.patch(
        f"{BASE}/plans/{year}/entries/{entry_id}",
        {"amount_wan": "650.5"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["amount_wan"] == "650.50" and response.json()["version"] == 2
    diff = client.get(f"{BASE}/plans/{year}/versions/2/diff").json()
    assert diff["from_version"] == 1
    assert diff["changed"] == [
        {
            "project_code": published.code,
            "before": "8000000.00",
            "before_wan": "800.00",
            "after": "6505000.00",
            "after_wan": "650.50",
        }
    ]
    # the published version's entry cannot be edited
    current_entry = client.get(f"{BASE}/plans/{year}").json()["entries"][0]["id"]
    body = assert_error(
        client.patch(
            f"{BASE}/plans/{year}/entries/{current_entry}",
            {"amount_wan": "1"},
            content_type="application/json",
        ),
        409,
        "blocked",
    )
    assert body["findings"][0]["rule_id"] == "R10.1.state"
    response = client.delete(f"{BASE}/plans/{year}/entries/{entry_id}")
    assert response.status_code == 204, response.content
    assert (
        client.get(f"{BASE}/plans/{year}/versions/2/diff").json()["removed"][0]["project_code"]
        == published.code
    )
    # an empty adjustment cannot be published
    body = assert_error(post_json(client, f"{BASE}/plans/{year}/publish", {}), 409, "blocked")
    assert [f["rule_id"] for f in body["findings"]] == ["R10.1.empty"]


def test_add_entry_and_evaluations_follow_visibility(approved, personas, login, year):
    EvaluationResult.objects.create(
        project=approved,
        kind="self",
        completed_on=dt.date(2026, 3, 1),
        score="92.50",
        grade="优",
        conclusion="目标基本实现。",
        recorded_by=personas.jw_officer,
    )
    client = login(personas.drc)
    response = post_json(
        client,
        f"{BASE}/plans/{year}/entries",
        {"project_id": approved.pk, "amount_wan": "800", "note": "续建"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["decision_id"] and body["note"] == "续建"
    assert [(e["kind"], e["score"], e["grade"]) for e in body["evaluations"]] == [
        ("self", "92.50", "优")
    ]
    body = assert_error(
        post_json(
            client, f"{BASE}/plans/{year}/entries", {"project_id": approved.pk, "amount_wan": "1"}
        ),
        409,
        "blocked",
    )
    assert [f["rule_id"] for f in body["findings"]] == ["R10.1.once"]
    # the plan is public; another unit's evaluation results are not
    entries = login(personas.wj_officer).get(f"{BASE}/plans/{year}").json()["entries"]
    assert entries[0]["project_code"] == approved.code and entries[0]["evaluations"] == []


# -- budgets ---------------------------------------------------------------------------------


def test_budget_refused_for_project_not_in_plan(approved, personas, login, year):
    client = login(personas.finance)
    body = assert_error(
        post_json(
            client,
            f"{BASE}/budgets",
            {"project_id": approved.pk, "year": year, "amount_wan": "800"},
        ),
        409,
        "blocked",
    )
    finding = next(f for f in body["findings"] if f["rule_id"] == "R10.2")
    assert finding["article"] == "第十条" and finding["severity"] == "block"
    assert "第十一条" in finding["remedy"]
    assert body["decision_id"] and not BudgetLine.objects.exists()


def test_budget_with_warning_and_reconciliation(published, personas, login, year):
    client = login(personas.finance)
    response = post_json(
        client,
        f"{BASE}/budgets",
        {"project_id": published.pk, "year": year, "amount_wan": "700", "subject": "信息化"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "7000000.00" and body["amount_wan"] == "700.00"
    assert body["paid"] == "0.00" and body["decision_id"]
    assert [(w["rule_id"], w["article"]) for w in body["warnings"]] == [("R10.2.amount", "第十条")]

    listed = client.get(f"{BASE}/budgets", {"year": year, "project": published.pk}).json()
    assert [b["id"] for b in listed["items"]] == [body["id"]]
    assert client.get(f"{BASE}/budgets", {"year": 2025}).json()["count"] == 0

    rec = client.get(f"{BASE}/reconciliation/{year}").json()
    assert rec["version"] == 1 and rec["entries"] == 1
    assert rec["plan_total_wan"] == "800.00" and rec["budget_total_wan"] == "700.00"
    [row] = rec["rows"]
    assert row["project_code"] == published.code and row["difference_wan"] == "-100.00"
    assert row["problem"] == "预算与计划金额不一致"
    # another unit sees the public plan total but neither the row nor the budget
    other = login(personas.wj_officer).get(f"{BASE}/reconciliation/{year}").json()
    assert other["rows"] == [] and other["plan_total_wan"] == "800.00"
    assert other["budget_total_wan"] == "0.00"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"project_id": %d, "year": 2026, "amount_wan": 700.5}', "amount_wan"),
        ('{"project_id": %d, "year": 2026, "amount_wan": 7e2}', "amount_wan"),
    ],
)
def test_float_amount_is_422(published, personas, login, raw, field):
    client = login(personas.finance)
    response = client.post(f"{BASE}/budgets", raw % published.pk, content_type="application/json")
    body = assert_error(response, 422, "invalid")
    assert "不接受带小数的 JSON 数字" in body["errors"][field]
    assert not BudgetLine.objects.exists()


def test_float_in_nested_items_is_422(approved, personas, login):
    data = {"goals": "目标", "items": [{"name": "软件开发", "amount_wan": "600"}]}
    raw = json.dumps(data).replace('"600"', "600.0")
    response = login(personas.jw_officer).post(
        f"{BASE}/projects/{approved.pk}/baseline", raw, content_type="application/json"
    )
    body = assert_error(response, 422, "invalid")
    assert set(body["errors"]) == {"items.1.amount_wan"}


def test_integer_and_text_amounts_are_accepted(published, personas, login, year):
    response = post_json(
        login(personas.finance),
        f"{BASE}/budgets",
        {"project_id": published.pk, "year": year, "amount_wan": 800},
    )
    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == []


# -- Art. 11 -----------------------------------------------------------------------------------


def test_art11_path(approved, personas, login, client, year):
    finance = login(personas.finance)
    missing = assert_error(
        post_json(
            finance,
            f"{BASE}/art11",
            {
                "project_id": approved.pk,
                "year": year,
                "amount_wan": "300",
                "basis": "",
                "budget_source": "",
            },
        ),
        409,
        "blocked",
    )
    assert missing["findings"][0]["article"] == "第十一条"

    response = post_json(
        finance,
        f"{BASE}/art11",
        {
            "project_id": approved.pk,
            "year": year,
            "amount_wan": "300",
            "basis": "市政府专题会议纪要〔2026〕5号",
            "budget_source": "预备费",
        },
    )
    assert response.status_code == 201, response.content
    req = response.json()
    assert req["state"] == "initiated" and req["amount_wan"] == "300.00"
    url = f"{BASE}/art11/{req['id']}"

    # only BDB lists, only DRC approves: others get 404
    assert_error(post_json(finance, f"{url}/list", {}), 404, "not_found")
    assert post_json(login(personas.bdb), f"{url}/list", {}).json()["state"] == "listed"
    body = post_json(login(personas.drc), f"{url}/approve", {"opinion": "同意"}).json()
    assert body["state"] == "approved"
    assert PlanVersion.objects.get(plan__year=year, state=PlanState.PUBLISHED).entries.count() == 1
    body = post_json(login(personas.finance), f"{url}/budget", {"subject": "信息化"}).json()
    assert body["state"] == "budgeted" and len(body["history"]) == 4
    assert BudgetLine.objects.get().via_art11_id == req["id"]

    listed = client.get(f"{BASE}/art11", {"state": "budgeted"}).json()
    assert [r["id"] for r in listed["items"]] == [req["id"]]
    assert_error(login(personas.wj_officer).get(url), 404, "not_found")


# -- contracts and payments ------------------------------------------------------------------


def test_payment_over_the_limit_is_409(budgeted, personas, login):
    project, line, contract = budgeted
    client = login(personas.jw_officer)
    url = f"{BASE}/projects/{project.pk}/payments"

    def pay(wan, voucher):
        return post_json(
            client,
            url,
            {
                "contract_id": contract.pk,
                "budget_line_id": line.pk,
                "paid_on": "2026-02-01",
                "amount_wan": wan,
                "payee": "某公司",
                "voucher_number": voucher,
            },
        )

    response = pay("500", "GK-1")
    assert response.status_code == 201, response.content
    assert response.json()["amount_wan"] == "500.00"
    assert response.json()["contract_number"] == "HT-1"

    body = assert_error(pay("301", "GK-2"), 409, "blocked")
    assert "第二十五条" in body["message"]
    assert {f["article"] for f in body["findings"]} == {"第二十五条"}
    assert {f["rule_id"] for f in body["findings"]} == {"R25.1"}
    assert "可支付余额为 300.00 万元" in body["findings"][0]["remedy"]
    assert Payment.objects.count() == 1

    payments = client.get(url).json()
    assert [p["voucher_number"] for p in payments["items"]] == ["GK-1"]
    contracts = client.get(f"{BASE}/projects/{project.pk}/contracts").json()
    assert contracts["items"][0]["paid_wan"] == "500.00"
    budgets = login(personas.finance).get(f"{BASE}/budgets").json()
    assert budgets["items"][0]["paid_wan"] == "500.00"


def test_contract_create_and_validation(published, personas, login):
    client = login(personas.jw_officer)
    url = f"{BASE}/projects/{published.pk}/contracts"
    data = {
        "number": "HT-9",
        "title": "运维合同",
        "supplier": "某公司",
        "method": "open",
        "amount_wan": "100",
        "signed_on": "2026-03-01",
    }
    response = post_json(client, url, data)
    assert response.status_code == 201, response.content
    assert response.json()["method_label"] == "公开招标"
    # the contract's own check answers first, then what depends on the project
    body = assert_error(post_json(client, url, {**data, "method": "bribe"}), 422, "invalid")
    assert set(body["errors"]) == {"method"} and "公开招标" in body["errors"]["method"]
    body = assert_error(post_json(client, url, data), 422, "invalid")
    assert body["errors"] == {"number": "该合同编号已登记。"}


def test_payment_against_another_projects_contract_is_422(budgeted, personas, walker, login):
    _project, line, contract = budgeted
    other = walker.create("智慧教育综合服务平台（二期）", "300")
    response = post_json(
        login(personas.jw_officer),
        f"{BASE}/projects/{other.pk}/payments",
        {
            "contract_id": contract.pk,
            "budget_line_id": line.pk,
            "paid_on": "2026-02-01",
            "amount_wan": "1",
            "payee": "某公司",
            "voucher_number": "GK-X",
        },
    )
    body = assert_error(response, 422, "invalid")
    assert "contract_id" in body["errors"]


# -- performance tables ----------------------------------------------------------------------


def test_performance_table_get_and_put(walker, personas, login):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "approved")
    year = project.year
    client = login(personas.jw_officer)
    url = f"{BASE}/projects/{project.pk}/performance/{year}"
    assert_error(client.get(url), 404, "not_found")

    tree = client.get(f"{BASE}/indicator-tree").json()
    assert [r["name"] for r in tree] == ["产出指标", "效益指标", "满意度指标"]
    assert [c["name"] for c in tree[2]["children"]] == ["服务对象满意度指标"]
    leaf = tree[0]["children"][0]["id"]
    response = client.put(
        url,
        {
            "overall_goal": "精准认定",
            "indicators": [
                {"category_id": leaf, "name": "认定人数", "target_value": "10000", "unit": "人"}
            ],
        },
        content_type="application/json",
    )
    body = assert_error(response, 422, "invalid")
    assert "indicators.1.formula" in body["errors"]

    indicators = [
        {**{k: v for k, v in i.items() if k != "category"}, "category_id": i["category"]}
        for i in full_indicators()
    ]
    response = client.put(
        url, {"overall_goal": "精准认定", "indicators": indicators}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["complete"] is True and body["problems"] == []
    assert len(body["indicators"]) == IndicatorCategory.objects.filter(parent__isnull=False).count()
    assert client.get(url).json() == body
    assert_error(login(personas.wj_officer).get(url), 404, "not_found")


# -- baseline and changes --------------------------------------------------------------------


def test_ten_percent_change_is_a_filing(with_baseline, personas, login):
    client = login(personas.jw_officer)
    baseline = client.get(f"{BASE}/projects/{with_baseline.pk}/baseline").json()
    assert baseline["approved_total_wan"] == "800.00"
    assert baseline["items"][0] == {
        "name": "软件开发",
        "amount": "6000000.00",
        "amount_wan": "600.00",
    }

    response = _change(client, with_baseline, "680", "120")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["classification"] == "filing" and body["state"] == "filed"
    assert body["moved_amount_wan"] == "80.00" and body["failed_conditions"] == []
    assert all(c["passed"] and c["article"] == "第二十六条" for c in body["conditions"])
    assert body["diff"][0] == {
        "name": "软件开发",
        "before": "6000000.00",
        "before_wan": "600.00",
        "after": "6800000.00",
        "after_wan": "680.00",
        "delta": "800000.00",
        "delta_wan": "80.00",
    }
    # the filing took effect: the baseline shows the current items
    baseline = client.get(f"{BASE}/projects/{with_baseline.pk}/baseline").json()
    assert baseline["current_items"][0]["amount_wan"] == "680.00"
    # DRC cannot "decide" a filing: its state says why, citing Art. 26
    refused = assert_error(
        post_json(
            login(personas.drc),
            f"{BASE}/changes/{body['id']}/decide",
            {"approve": True, "opinion": "同意"},
        ),
        409,
        "blocked",
    )
    assert [(f["rule_id"], f["article"]) for f in refused["findings"]] == [
        ("R26.1.state", "第二十六条")
    ]


def test_sixteen_percent_change_needs_approval(with_baseline, personas, login):
    client = login(personas.jw_officer)
    response = _change(client, with_baseline, "728", "72")  # 128万 = 16% of 800万
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["classification"] == "approval" and body["state"] == "pending"
    assert body["failed_conditions"] == ["ratio"]
    ratio = next(c for c in body["conditions"] if c["key"] == "ratio")
    assert ratio["passed"] is False and ratio["article"] == "第二十六条"
    assert ratio["facts"]["cumulative_wan"] == "128.00" and ratio["facts"]["limit_wan"] == "120.00"

    # a second request waits for the first
    waits = assert_error(_change(client, with_baseline, "700", "100"), 409, "blocked")
    assert [f["rule_id"] for f in waits["findings"]] == ["R26.1.one-pending"]
    # the unit cannot decide; DRC can
    url = f"{BASE}/changes/{body['id']}/decide"
    assert_error(post_json(client, url, {"approve": True, "opinion": "同意"}), 404, "not_found")
    drc = login(personas.drc)
    assert_error(post_json(drc, url, {"approve": True, "opinion": ""}), 422, "invalid")
    decided = post_json(drc, url, {"approve": True, "opinion": "同意调整"}).json()
    assert decided["state"] == "approved" and decided["decision_opinion"] == "同意调整"
    assert decided["decided_by_name"]

    listed = drc.get(f"{BASE}/changes", {"project": with_baseline.pk, "state": "approved"}).json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    assert drc.get(f"{BASE}/changes", {"classification": "filing"}).json()["count"] == 0


def test_change_affecting_plan_is_art11(with_baseline, personas, login):
    response = _change(login(personas.jw_officer), with_baseline, "900", "200", changes_plan=True)
    body = response.json()
    assert body["classification"] == "art11"
    assert set(body["failed_conditions"]) == {"total", "ratio"}


def test_change_needs_a_baseline(approved, personas, login):
    body = assert_error(_change(login(personas.jw_officer), approved, "680", "120"), 409, "blocked")
    assert [(f["rule_id"], f["article"]) for f in body["findings"]] == [
        ("R26.1.baseline-first", "第二十六条")
    ]
    assert not ChangeRequest.objects.exists()


# -- scoping ---------------------------------------------------------------------------------


def test_another_units_project_is_404(with_baseline, personas, login, year):
    change = _change(login(personas.jw_officer), with_baseline, "680", "120").json()
    client = login(personas.wj_officer)
    pid = with_baseline.pk
    for url in (
        f"{BASE}/projects/{pid}/baseline",
        f"{BASE}/projects/{pid}/contracts",
        f"{BASE}/projects/{pid}/payments",
        f"{BASE}/projects/{pid}/performance/{year}",
        f"{BASE}/changes/{change['id']}",
    ):
        assert_error(client.get(url), 404, "not_found")
    assert client.get(f"{BASE}/changes").json()["count"] == 0
    assert_error(
        post_json(
            client,
            f"{BASE}/projects/{pid}/contracts",
            {
                "number": "X",
                "title": "X",
                "supplier": "X",
                "method": "open",
                "amount_wan": "1",
                "signed_on": "2026-01-01",
            },
        ),
        404,
        "not_found",
    )
    assert_error(_change(client, with_baseline, "700", "100"), 404, "not_found")


def test_audit_reads_but_cannot_write(budgeted, personas, client, make_token, bearer, year):
    project, _line, _contract = budgeted
    _token, raw = make_token(personas.auditor)
    headers = bearer(raw)
    for url in (
        f"{BASE}/plans",
        f"{BASE}/plans/{year}",
        f"{BASE}/budgets",
        f"{BASE}/reconciliation/{year}",
        f"{BASE}/projects/{project.pk}/contracts",
        f"{BASE}/projects/{project.pk}/payments",
        f"{BASE}/projects/{project.pk}/performance/{year}",
        f"{BASE}/changes",
        f"{BASE}/art11",
    ):
        assert client.get(url, headers=headers).status_code == 200, url
    assert client.get(f"{BASE}/budgets", headers=headers).json()["count"] == 1
    writes = [
        (f"{BASE}/budgets", {"project_id": project.pk, "year": year, "amount_wan": "1"}),
        (f"{BASE}/plans/{year}/compile", {}),
        (f"{BASE}/plans/{year}/open", {}),
        (
            f"{BASE}/projects/{project.pk}/contracts",
            {
                "number": "A-1",
                "title": "审计",
                "supplier": "某公司",
                "method": "open",
                "amount_wan": "1",
                "signed_on": "2026-01-01",
            },
        ),
        (f"{BASE}/projects/{project.pk}/baseline", {"items": ITEMS, "goals": "目标"}),
    ]
    for url, data in writes:
        response = post_json(client, url, data, headers=headers)
        assert response.status_code in (403, 404), (url, response.content)
    assert BudgetLine.objects.count() == 1


def test_unauthenticated_is_401(db, client):
    assert_error(client.get(f"{BASE}/plans"), 401, "unauthenticated")


def test_openapi_has_the_investment_paths_in_chinese(db, client):
    schema = client.get("/api/openapi.json").json()
    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/investment/")}
    assert "/api/investment/plans/{year}/compile" in paths
    assert "/api/investment/changes/{change_id}/decide" in paths
    for ops in paths.values():
        for op in ops.values():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"])
            assert any("\u4e00" <= ch <= "\u9fff" for ch in op["description"])


# -- filter sets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/changes?state=nonsense", "state"),
        ("/changes?classification=maybe", "classification"),
        ("/budgets?year=明年", "year"),
        ("/art11?state=done", "state"),
        ("/plans/{year}?unit=999999", "unit"),
    ],
)
def test_an_invalid_filter_value_is_422_not_ignored(published, personas, login, year, url, field):
    body = assert_error(login(personas.drc).get(BASE + url.format(year=year)), 422, "invalid")
    assert field in body["errors"] and body["message"] == "筛选条件无效，请检查后重试。"


def test_filters_narrow_the_lists(with_baseline, personas, login, year):
    client = login(personas.jw_officer)
    _change(client, with_baseline, "680", "120")
    drc = login(personas.drc)
    unit = with_baseline.unit_id
    assert drc.get(f"{BASE}/changes", {"unit": unit, "q": with_baseline.code}).json()["count"] == 1
    assert drc.get(f"{BASE}/changes", {"q": "没有这个项目"}).json()["count"] == 0
    schema = drc.get("/api/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/investment/changes"]["get"]["parameters"]}
    assert {"state", "classification", "unit", "project", "q"} <= params


def test_every_action_is_also_in_the_generic_api(with_baseline, personas, login):
    """``/api/actions/investment.submit_change/{id}`` takes the same contract."""
    client = login(personas.jw_officer)
    response = post_json(
        client,
        f"/api/actions/investment.submit_change/{with_baseline.pk}",
        {"reason": "优化", "circumstance": "optimise", "items": ITEMS},
    )
    assert response.status_code == 200, response.content
    change = ChangeRequest.objects.get()
    assert response.json()["result_type"] == "investment.changerequest"
    assert response.json()["url"] == f"/investment/changes/{change.pk}/"
    bad = post_json(
        client,
        f"/api/actions/investment.record_contract/{with_baseline.pk}",
        {"number": "", "method": "bribe", "amount_wan": "-1"},
    )
    errors = assert_error(bad, 422, "invalid")["errors"]
    assert errors["number"] == "请填写合同编号。" and "采购方式" in errors["method"]
