"""To-dos of the investment chapter appear for the people who must act, and only for them."""

from __future__ import annotations

from django.urls import reverse

from core.dates import today
from core.todos import todos_for
from investment import actions
from investment.todos import investment_todos

from .conftest import full_indicators


def titles(user) -> list[str]:
    return [t.title for t in todos_for(user)]


def has(user, fragment) -> bool:
    return any(fragment in t for t in titles(user))


def baseline(project, personas):
    actions.set_baseline(
        project,
        acting_user=personas.jw_officer,
        goals="精准认定。",
        items=[{"name": "软件开发", "amount_wan": "600"}, {"name": "硬件", "amount_wan": "200"}],
    )


def test_pending_change_is_drcs_to_do(approved, personas, client):
    baseline(approved, personas)
    change = actions.submit_change(
        approved,
        acting_user=personas.jw_officer,
        reason="调整",
        circumstance="",  # no circumstance: approval needed
        items=[{"name": "软件开发", "amount_wan": "650"}, {"name": "硬件", "amount_wan": "150"}],
    )
    assert has(personas.drc, "审批项目调整")
    for other in (personas.finance, personas.bdb, personas.jw_officer, personas.auditor):
        assert not has(other, "审批项目调整")
    client.force_login(personas.drc)
    workbench = client.get(reverse("core:workbench")).content.decode()
    assert reverse("investment:change_detail", args=[change.pk]) in workbench
    actions.decide_change(change, acting_user=personas.drc, approve=True, opinion="同意")
    assert not has(personas.drc, "审批项目调整")


def test_art11_steps_move_the_to_do_along(approved, personas):
    req = actions.initiate_art11(
        acting_user=personas.finance,
        project=approved,
        year=approved.year,
        amount_wan="800",
        basis="市政府明确要求。",
        budget_source="预备费",
    )
    assert has(personas.bdb, "将第十一条事项纳入项目清单")
    assert not has(personas.drc, "第十一条") and not has(personas.finance, "第十一条")
    actions.list_art11(req, acting_user=personas.bdb)
    assert not has(personas.bdb, "第十一条")
    assert has(personas.drc, "审批第十一条事项")
    actions.approve_art11(req, acting_user=personas.drc)
    assert not has(personas.drc, "第十一条")
    assert has(personas.finance, "安排第十一条事项预算")
    actions.budget_art11(req, acting_user=personas.finance)
    assert not any("第十一条" in t for t in titles(personas.finance))


def test_finance_budgets_the_current_plan(walker, personas, django_assert_max_num_queries):
    year = today().year
    project = walker.walk(walker.create("学生资助精准认定系统", "800", year=year), "approved")
    actions.save_performance_table(
        project,
        acting_user=personas.jw_officer,
        year=year,
        overall_goal="精准认定。",
        indicators=full_indicators(),
    )
    actions.compile_plan(acting_user=personas.drc, year=year)
    actions.publish_plan(acting_user=personas.drc, year=year)
    personas.finance.active_memberships()  # the membership cache is the user's, not ours
    with django_assert_max_num_queries(6):
        todos = investment_todos(personas.finance)
    assert [t.title for t in todos] == [f"安排 {year} 年预算：{project.code}《{project.name}》"]
    assert not has(personas.drc, "安排") and not has(personas.jw_officer, f"安排 {year} 年预算")
    actions.add_budget_line(
        acting_user=personas.finance, project=project, year=year, amount_wan="800"
    )
    assert not has(personas.finance, f"安排 {year} 年预算")


def test_unit_records_baseline_and_completes_next_years_table(
    approved, walker, personas, django_assert_max_num_queries
):
    next_year = today().year + 1
    candidate = walker.walk(
        walker.create("智慧教育综合服务平台（二期）", "500", year=next_year), "submitted"
    )
    officer = personas.jw_officer
    officer.active_memberships()
    with django_assert_max_num_queries(8):
        todos = investment_todos(officer)
    got = [t.title for t in todos]
    assert f"登记批复基线：{approved.code}《{approved.name}》" in got
    assert f"填报 {next_year} 年绩效目标表：{candidate.code}《{candidate.name}》" in got
    # the other unit and the authorities have none of these
    for other in (personas.wj_officer, personas.drc, personas.finance):
        assert not has(other, "登记批复基线") and not has(other, "绩效目标表")

    baseline(approved, personas)
    actions.save_performance_table(
        candidate,
        acting_user=officer,
        year=next_year,
        overall_goal="建成二期平台。",
        indicators=full_indicators(),
    )
    assert not has(officer, "登记批复基线") and not has(officer, "绩效目标表")
