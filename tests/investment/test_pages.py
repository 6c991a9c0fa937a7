"""Pages of the investment chapter: each role's path through the real views and actions."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from investment import actions
from investment.models import (
    Art11Request,
    Art11State,
    BudgetLine,
    ChangeRequest,
    ChangeState,
    EvaluationResult,
    PlanState,
    PlanVersion,
)

from .conftest import full_indicators

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(response) -> str:
    return response.content.decode()


def plan_url(year) -> str:
    return reverse("investment:plan", args=[year])


def act_url(name, obj=None) -> str:
    """The page of an action (what the card posts to)."""
    if obj is None:
        return reverse("core:act_new", args=[f"investment.{name}"])
    return reverse("core:act", args=[f"investment.{name}", getattr(obj, "pk", obj)])


def publish(personas, year):
    actions.compile_plan(acting_user=personas.drc, year=year)
    return actions.publish_plan(acting_user=personas.drc, year=year)


def set_baseline(project, personas):
    return actions.set_baseline(
        project,
        acting_user=personas.jw_officer,
        goals="实现学生资助对象精准认定。",
        items=[{"name": "软件开发", "amount_wan": "600"}, {"name": "硬件", "amount_wan": "200"}],
    )


def change_post(software, hardware, **extra) -> dict:
    data = {
        "item-0-name": "软件开发",
        "item-0-amount": software,
        "item-1-name": "硬件",
        "item-1-amount": hardware,
        "item-2-name": "",
        "item-2-amount": "",
        "circumstance": "optimise",
        "reason": "根据业务发展优化技术方案。",
    }
    data.update(extra)
    return data


# -- annual plan ---------------------------------------------------------------------------------


def test_drc_compiles_refuses_unapproved_and_publishes(approved, walker, personas, client):
    """Given an approved project and a listed one of the same year, when DRC compiles and
    publishes through the pages, then the approved one enters and the listed one is refused
    with its article (第二十七条)."""
    listed = walker.walk(
        walker.create("智慧教育综合服务平台（二期）", "500", year=approved.year), "listed"
    )
    EvaluationResult.objects.create(
        project=approved,
        kind="self",
        completed_on="2026-06-30",
        score=Decimal("92.50"),
        grade="优",
        conclusion="目标基本实现，数据共享仍需加强。",
        recorded_by=personas.jw_officer,
    )
    client.force_login(personas.drc)
    year = approved.year

    page = client.get(plan_url(year))
    assert page.status_code == 200
    body = text(page)
    assert "候选项目" in body and approved.code in body and listed.code in body
    assert "第二十七条" in body  # the listed project's eligibility is shown beside it

    response = client.post(act_url("compile_plan"), {"year": year}, follow=True)
    body = text(response)
    assert response.status_code == 200
    assert 'data-testid="compile-result"' in body
    assert "纳入 1 个项目" in body
    assert listed.code in body and "第二十七条" in body and "R27.1" in body
    assert "目标基本实现" in body  # the evaluation result beside the entry (R37.1)

    draft = PlanVersion.objects.get(plan__year=year, state=PlanState.DRAFT)
    assert 'data-testid="act-publish-plan"' in body  # offered on the plan's card
    response = client.post(act_url("publish_plan", draft), {"basis": ""}, follow=True)
    assert response.status_code == 200
    current = PlanVersion.objects.get(plan__year=year, state=PlanState.PUBLISHED)
    assert list(current.entries.values_list("project_id", flat=True)) == [approved.pk]
    assert "已发布（现行）" in text(response)

    # an adjustment: open with its basis, change the amount, publish; the version page diffs
    client.post(reverse("investment:plan_open"), {"year": year, "basis": "年中调整"})
    draft = PlanVersion.objects.get(plan__year=year, state=PlanState.DRAFT)
    entry = draft.entries.get()
    client.post(act_url("change_plan_entry", entry), {"amount_wan": "750"})
    client.post(act_url("publish_plan", draft), {"basis": "年中调整"})
    draft.refresh_from_db()
    assert draft.state == PlanState.PUBLISHED
    body = text(client.get(reverse("investment:version", args=[draft.pk])))
    assert 'data-testid="diff-changed"' in body and "800.00" in body and "750.00" in body


def test_adding_an_unapproved_project_shows_the_findings(approved, walker, personas, client):
    listed = walker.walk(
        walker.create("智慧教育综合服务平台（二期）", "500", year=approved.year), "listed"
    )
    client.force_login(personas.drc)
    back = plan_url(approved.year)
    response = client.post(
        act_url("add_plan_entry", listed),
        {"year": approved.year, "amount_wan": "500", "next": back},
        follow=True,
    )
    body = text(response)
    # the refusal names its article; the candidate beside it shows the finding with its rule
    assert "尚未批复" in body and "第二十七条" in body and 'data-rule="R27.1"' in body
    response = client.post(
        act_url("add_plan_entry", approved),
        {"year": approved.year, "amount_wan": "800", "next": back},
        follow=True,
    )
    assert "已纳入计划" in text(response)


def test_unit_fills_the_performance_table(walker, personas, client):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "submitted")
    client.force_login(personas.jw_officer)
    url = reverse("investment:performance", args=[project.pk]) + f"?year={project.year}"
    body = text(client.get(url))
    assert "产出指标" in body and "数量指标" in body and "满意度指标" in body
    data = {"overall_goal": "精准认定。"}
    for n, row in enumerate(full_indicators()):
        key = f"ind-{row['category']}-0"
        data.update(
            {
                f"{key}-name": row["name"],
                f"{key}-target_value": row["target_value"],
                f"{key}-unit": row["unit"],
                f"{key}-is_quantitative": "1",
                f"{key}-formula": row["formula"] if n else "",  # the first one lacks a formula
            }
        )
    body = text(client.post(url, data))
    assert "定量指标须填写计算公式" in body
    data[f"ind-{full_indicators()[0]['category']}-0-formula"] = "完成数/计划数"
    response = client.post(url, data, follow=True)
    assert "绩效目标表完整" in text(response)
    # another unit's officer cannot see it; Finance can read but not save
    client.force_login(personas.wj_officer)
    assert client.get(url).status_code == 404
    client.force_login(personas.finance)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 404


# -- budgets and reconciliation ----------------------------------------------------------------


def test_finance_budget_refused_for_a_project_not_in_the_plan(approved, personas, client):
    client.force_login(personas.finance)
    # Finance finds the project by its code and goes on to the action's page
    response = client.get(reverse("investment:budget_add"), {"code": approved.code})
    url = act_url("add_budget_line", approved)
    assert response.status_code == 302 and response["Location"] == url
    body = text(client.get(url))
    assert 'data-rule="R10.2"' in body and "第十条" in body and "第十一条" in body
    response = client.post(url, {"year": approved.year, "amount_wan": "800"}, follow=True)
    assert "不在现行的" in text(response) and "第十条" in text(response)
    assert not BudgetLine.objects.exists()
    missing = text(client.get(reverse("investment:budget_add"), {"code": "XM-0000-9999"}))
    assert "未找到项目编号" in missing


def test_budget_warning_and_reconciliation_mismatch(approved, personas, client):
    year = approved.year
    publish(personas, year)
    client.force_login(personas.finance)
    response = client.post(
        act_url("add_budget_line", approved),
        {"year": year, "amount_wan": "700", "subject": "信息化"},
        follow=True,
    )
    body = text(response)
    assert BudgetLine.objects.get().amount == Decimal("7000000.00")
    # saved, with the notice; the line keeps its warning beside it
    assert 'data-testid="line-warnings"' in body and 'data-rule="R10.2.amount"' in body
    assert "将列入对账差异" in body

    listing = text(client.get(reverse("investment:budgets") + f"?year={year}"))
    assert approved.code in listing and "700.00" in listing

    body = text(client.get(reverse("investment:reconciliation") + f"?year={year}"))
    assert 'data-testid="recon-row"' in body
    assert approved.code in body and "预算与计划金额不一致" in body
    assert "-100.00" in body


# -- Art. 11 -------------------------------------------------------------------------------------


def test_art11_path_step_by_step(approved, personas, client):
    year = approved.year
    client.force_login(personas.finance)
    response = client.post(
        act_url("initiate_art11", approved),
        {
            "year": year,
            "amount_wan": "800",
            "basis": "市政府常务会议纪要〔2026〕12号明确要求当年实施。",
            "budget_source": "市级预备费",
        },
    )
    req = Art11Request.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    # BDB lists; the card offers the step only to the role whose step it is
    page = reverse("investment:art11_detail", args=[req.pk])
    assert "act-list-art11" not in text(client.get(page))
    client.force_login(personas.bdb)
    assert 'data-testid="act-list-art11"' in text(client.get(page))
    client.post(act_url("list_art11", req), {"opinion": "同意"})
    client.force_login(personas.drc)
    client.post(act_url("approve_art11", req), {"opinion": "同意"})
    client.force_login(personas.finance)
    client.post(act_url("budget_art11", req), {"subject": "预备费"})
    req.refresh_from_db()
    assert req.state == Art11State.BUDGETED
    assert [h["state"] for h in req.history] == ["initiated", "listed", "approved", "budgeted"]
    body = text(client.get(reverse("investment:art11_detail", args=[req.pk])))
    assert "财政局已安排预算" in body and "市级预备费" in body
    assert BudgetLine.objects.get().via_art11 == req


# -- project money: contracts, payments, changes ----------------------------------------------


def test_contract_and_payment_with_r25_block(approved, personas, client):
    year = approved.year
    publish(personas, year)
    actions.add_budget_line(
        acting_user=personas.finance, project=approved, year=year, amount_wan="300"
    )
    client.force_login(personas.jw_officer)
    money = text(client.get(reverse("investment:project", args=[approved.pk])))
    assert 'data-testid="act-record-contract"' in money  # on the project's card
    client.post(
        reverse("investment:contract_add", args=[approved.pk]),
        {
            "number": "HT-1",
            "title": "开发合同",
            "supplier": "某科技公司",
            "method": "open",
            "amount_wan": "600",
            "signed_on": "2026-01-10",
        },
    )
    contract = approved.contracts.get()
    line = BudgetLine.objects.get()
    url = act_url("record_payment", contract)
    payment = {
        "budget_line_id": line.pk,
        "paid_on": "2026-02-01",
        "amount_wan": "200",
        "payee": "某科技公司",
        "voucher_number": "GK-1",
    }
    response = client.post(url, payment, follow=True)
    assert 'data-testid="paid-total"' in text(response) and "200.00" in text(response)
    response = client.post(
        url, {**payment, "amount_wan": "150", "voucher_number": "GK-2"}, follow=True
    )
    body = text(response)
    assert "第二十五条" in body and "超过预算金额 300.00 万元" in body
    assert approved.contracts.get().payments.count() == 1


def test_unit_files_a_change_and_drc_approves_one(approved, personas, client):
    client.force_login(personas.jw_officer)
    money = reverse("investment:project", args=[approved.pk])
    card = text(client.get(money))
    # the baseline is offered (on its own page); a change is shown blocked, and why
    assert 'data-testid="act-set-baseline"' in card
    assert reverse("investment:baseline", args=[approved.pk]) in card
    assert 'data-rule="R26.1.baseline-first"' in card
    response = client.post(
        reverse("investment:baseline", args=[approved.pk]),
        {
            "item-0-name": "软件开发",
            "item-0-amount": "600",
            "item-1-name": "硬件",
            "item-1-amount": "200",
            "item-2-name": "",
            "item-2-amount": "",
            "goals": "实现学生资助对象精准认定。",
        },
    )
    assert response.status_code == 302
    assert approved.baseline.approved_total == Decimal("8000000.00")

    # 10 %: every condition met -> a filing, in force at once
    response = client.post(
        reverse("investment:change_add", args=[approved.pk]), change_post("680", "120"), follow=True
    )
    first = ChangeRequest.objects.get(number=1)
    assert first.state == ChangeState.FILED
    body = text(response)
    assert "建设单位调整并备案" in body
    assert body.count('data-testid="condition"') == 4
    assert 'data-passed="0"' not in body and "✗" not in body

    # another 48万 makes 128万 = 16 % of 800万: the ratio line fails, approval is needed
    response = client.post(
        reverse("investment:change_add", args=[approved.pk]), change_post("728", "72"), follow=True
    )
    second = ChangeRequest.objects.get(number=2)
    assert second.state == ChangeState.PENDING
    body = text(response)
    ratio_line = body.split('data-key="ratio"')[1].split("</li>")[0]
    assert 'data-passed="0"' in ratio_line and "✗" in ratio_line and "第二十六条" in ratio_line
    assert "须履行审批手续" in body
    assert "600.00" in body and "728.00" in body  # diffed against the original baseline

    # the unit cannot decide; DRC approves
    decide = act_url("approve_change", second)
    assert client.post(decide, {"opinion": "同意"}).status_code == 404
    client.force_login(personas.drc)
    page = text(client.get(reverse("investment:change_detail", args=[second.pk])))
    assert 'data-testid="act-approve-change"' in page and 'data-testid="act-reject-change"' in page
    client.post(decide, {"opinion": "同意调整。"})
    second.refresh_from_db()
    assert second.state == ChangeState.APPROVED and second.decided_by == personas.drc

    register = text(client.get(reverse("investment:changes") + "?state=approved"))
    assert approved.code in register and "第2次" in register and "第1次" not in register


# -- who sees what -------------------------------------------------------------------------------


def test_another_units_officer_gets_404(approved, personas, client):
    client.force_login(personas.wj_officer)
    for name in ("project", "baseline", "contract_add", "change_add"):
        assert client.get(reverse(f"investment:{name}", args=[approved.pk])).status_code == 404
    client.force_login(personas.jw_officer)
    assert client.get(reverse("investment:project", args=[approved.pk])).status_code == 200
    # units do not see the reconciliation of every project's budget
    assert client.get(reverse("investment:reconciliation")).status_code == 404


def test_audit_reads_but_cannot_write(approved, personas, client):
    year = approved.year
    version = publish(personas, year)
    set_baseline(approved, personas)
    change = actions.submit_change(
        approved,
        acting_user=personas.jw_officer,
        reason="调整",
        circumstance="",
        items=[{"name": "软件开发", "amount_wan": "700"}, {"name": "硬件", "amount_wan": "100"}],
    )
    req = actions.initiate_art11(
        acting_user=personas.finance,
        project=approved,
        year=year,
        amount_wan="10",
        basis="市政府明确要求。",
        budget_source="预备费",
    )
    client.force_login(personas.auditor)
    for url in (
        reverse("investment:plans"),
        plan_url(year),
        reverse("investment:project", args=[approved.pk]),
        reverse("investment:change_detail", args=[change.pk]),
        reverse("investment:changes"),
        reverse("investment:budgets"),
        reverse("investment:reconciliation") + f"?year={year}",
        reverse("investment:art11"),
        reverse("investment:art11_detail", args=[req.pk]),
    ):
        assert client.get(url).status_code == 200, url
    page = text(client.get(reverse("investment:change_detail", args=[change.pk])))
    assert "approve-change" not in page
    posts = [
        (act_url("compile_plan"), {"year": year}),
        (act_url("publish_plan", version), {}),
        (reverse("investment:plan_open"), {"year": year + 1}),
        (act_url("add_budget_line", approved), {"year": year, "amount_wan": "1"}),
        (act_url("approve_change", change), {"opinion": "同意"}),
        (act_url("list_art11", req), {}),
        (act_url("initiate_art11", approved), {}),
        (reverse("investment:contract_add", args=[approved.pk]), {}),
        (reverse("investment:change_add", args=[approved.pk]), {}),
    ]
    assert client.get(reverse("investment:budget_add")).status_code == 404
    for url, data in posts:
        assert client.post(url, data).status_code in (403, 404), url
    change.refresh_from_db()
    req.refresh_from_db()
    assert change.state == ChangeState.PENDING and req.state == Art11State.INITIATED
    assert PlanVersion.objects.filter(plan__year=year + 1).count() == 0


# -- exports -------------------------------------------------------------------------------------


def test_exports_are_xlsx(approved, personas, client):
    year = approved.year
    version = publish(personas, year)
    set_baseline(approved, personas)
    actions.submit_change(
        approved,
        acting_user=personas.jw_officer,
        reason="优化",
        circumstance="optimise",
        items=[{"name": "软件开发", "amount_wan": "680"}, {"name": "硬件", "amount_wan": "120"}],
    )
    client.force_login(personas.drc)
    for url in (
        reverse("investment:version_export", args=[version.pk]),
        reverse("investment:reconciliation_export", args=[year]),
        reverse("investment:changes_export") + "?state=filed",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == XLSX
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content[:2] == b"PK"
    client.force_login(personas.wj_officer)
    assert client.get(reverse("investment:reconciliation_export", args=[year])).status_code == 404


def test_every_form_page_renders_for_its_role(approved, personas, client):
    year = approved.year
    version = publish(personas, year)
    client.force_login(personas.jw_officer)
    for name in ("baseline", "contract_add", "performance"):
        assert client.get(reverse(f"investment:{name}", args=[approved.pk])).status_code == 200
    set_baseline(approved, personas)
    body = text(client.get(reverse("investment:change_add", args=[approved.pk])))
    assert 'value="600"' in body and 'value="200"' in body  # current items, in 万元
    change = actions.submit_change(
        approved,
        acting_user=personas.jw_officer,
        reason="增加当年预算",
        circumstance="optimise",
        raises_year_budget=True,
        items=[{"name": "软件开发", "amount_wan": "700"}, {"name": "硬件", "amount_wan": "200"}],
    )
    assert change.classification == "art11"
    client.force_login(personas.drc)
    actions.decide_change(change, acting_user=personas.drc, approve=True, opinion="同意")
    for url in (
        reverse("investment:plans"),
        reverse("investment:version", args=[version.pk]),
        reverse("investment:performance", args=[approved.pk]),
        reverse("investment:changes"),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(personas.finance)
    body = text(client.get(reverse("investment:change_detail", args=[change.pk])))
    assert "按第十一条发起" in body
    # the card of the change offers the Art. 11 path, its form filled from the change
    assert reverse("core:act", args=["investment.initiate_art11", approved.pk]) in body
    body = text(client.get(act_url("initiate_art11", approved)))
    assert approved.code in body and 'value="100"' in body  # the amount the total grows by
    body = text(client.get(act_url("add_budget_line", approved)))
    assert approved.code in body and 'value="800"' in body  # the plan amount not yet budgeted


def test_units_see_the_published_plan_not_the_draft(approved, personas, client):
    year = approved.year
    actions.compile_plan(acting_user=personas.drc, year=year)
    client.force_login(personas.wj_officer)
    body = text(client.get(plan_url(year) + "?v=draft"))
    assert "本年度计划尚未发布" in body and approved.code not in body
    assert 'data-testid="candidates"' not in body and "compile-plan" not in body
    actions.publish_plan(acting_user=personas.drc, year=year)
    body = text(client.get(plan_url(year)))
    # the plan is public to every unit; the entry links only where the project is visible
    assert approved.code in body
    assert reverse("investment:project", args=[approved.pk]) not in body
    assert client.post(act_url("compile_plan"), {"year": year}).status_code == 404


def test_lists_filter_with_their_filter_sets(approved, personas, client):
    """An invalid filter value shows on the filter form and lists nothing; it is not ignored."""
    set_baseline(approved, personas)
    actions.submit_change(
        approved,
        acting_user=personas.jw_officer,
        reason="优化",
        circumstance="optimise",
        items=[{"name": "软件开发", "amount_wan": "680"}, {"name": "硬件", "amount_wan": "120"}],
    )
    client.force_login(personas.drc)
    url = reverse("investment:changes")
    assert approved.code in text(client.get(url, {"state": "filed"}))
    assert approved.code not in text(client.get(url, {"state": "pending"}))
    body = text(client.get(url, {"state": "nonsense"}))
    assert approved.code not in body and "invalid-feedback" in body
    client.force_login(personas.finance)
    body = text(client.get(reverse("investment:budgets"), {"year": "明年"}))
    assert "invalid-feedback" in body
