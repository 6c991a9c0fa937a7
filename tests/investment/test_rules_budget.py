"""Budgets follow the plan (Art. 10 ¶2, R10.2) and the exceptional path of Art. 11 (R11.1):
Finance initiates → BDB lists → DRC approves and adjusts the plan → Finance budgets."""

from decimal import Decimal

import pytest

from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent
from investment import actions, services
from investment.models import Art11State, BudgetLine, PlanState, PlanVersionKind
from policy.models import Outcome
from projects.models import ProjectState

pytestmark = pytest.mark.django_db
OM = "重庆市教育管理公共服务平台运维"
WAN = Decimal("10000")


def publish(personas, year, *entries):
    """DRC puts (project, 万元) entries into the year's draft and publishes it."""
    for project, wan in entries:
        actions.add_plan_entry(acting_user=personas.drc, year=year, project=project, amount_wan=wan)
    return actions.publish_plan(acting_user=personas.drc, year=year, basis="年度计划")


def budget(personas, project, wan, year=None):
    return actions.add_budget_line(
        acting_user=personas.finance, project=project, year=year or project.year, amount_wan=wan
    )


def last_budget_decision(project):
    event = LedgerEvent.objects.filter(
        action=ActionCode.BUDGET_LINE_ADDED, object_id=str(project.pk)
    ).latest("seq")
    from policy.models import Decision

    return Decision.objects.get(pk=event.decision_id)


@pytest.fixture
def om(walker):
    """The listed O&M project of 市教委 (eligible for any year's plan)."""
    return walker.walk(walker.create(OM, "150"), ProjectState.LISTED)


# -- R10.2 budget follows the plan -------------------------------------------------------------


def test_R10_2_budget_for_project_not_in_published_plan_refused(approved, personas):
    # given the project only in the draft of the year's plan (not yet published)
    actions.add_plan_entry(
        acting_user=personas.drc, year=approved.year, project=approved, amount_wan="800"
    )
    # when Finance arranges a budget, then R10.2 refuses it
    with pytest.raises(ActionBlocked) as exc:
        budget(personas, approved, "800")
    [finding] = exc.value.findings
    assert finding.rule_id == "R10.2" and finding.article == "第十条"
    assert "不在现行的" in finding.message and "第十一条" in finding.remedy
    assert not BudgetLine.objects.exists()


def test_R10_2_budget_for_another_year_refused(approved, personas):
    publish(personas, approved.year, (approved, "800"))
    with pytest.raises(ActionBlocked):
        budget(personas, approved, "800", year=approved.year + 1)


def test_R10_2_budget_equal_to_plan_passes_and_reconciles(approved, personas):
    publish(personas, approved.year, (approved, "800"))
    line = budget(personas, approved, "800")
    assert line.amount == 800 * WAN
    assert last_budget_decision(approved).outcome == Outcome.PASS
    rec = services.reconcile(approved.year)
    assert rec["rows"] == []
    assert rec["plan_total"] == rec["budget_total"] == 800 * WAN


def test_R10_2_budget_unequal_to_plan_warns_and_is_reported(approved, personas):
    publish(personas, approved.year, (approved, "800"))
    line = budget(personas, approved, "700")
    # recorded, with a warning
    assert line.pk
    decision = last_budget_decision(approved)
    assert decision.outcome == Outcome.WARN
    [finding] = decision.findings
    assert finding["rule_id"] == "R10.2.amount" and finding["severity"] == "warn"
    assert "700.00 万元" in finding["message"] and "800.00 万元" in finding["message"]
    # and reported by the reconciliation
    [row] = services.reconcile(approved.year)["rows"]
    assert (row.code, row.plan_amount, row.budget_amount) == (approved.code, 800 * WAN, 700 * WAN)
    assert row.difference == -100 * WAN and row.problem == "预算与计划金额不一致"
    # a second line making up the difference passes and clears the mismatch
    budget(personas, approved, "100")
    assert last_budget_decision(approved).outcome == Outcome.PASS
    assert services.reconcile(approved.year)["rows"] == []


def test_R10_2_planned_project_without_budget_is_reported(approved, om, personas):
    publish(personas, approved.year, (approved, "800"), (om, "150"))
    budget(personas, approved, "800")
    [row] = services.reconcile(approved.year)["rows"]
    assert row.code == om.code and row.budget_amount == 0 and row.problem == "计划项目未安排预算"


def test_R10_2_budget_of_project_removed_by_plan_adjustment_has_no_plan(approved, om, personas):
    # given a published plan with two projects, both budgeted as planned
    year = approved.year
    first = publish(personas, year, (approved, "800"), (om, "150"))
    budget(personas, approved, "800")
    budget(personas, om, "150", year)
    assert services.reconcile(year)["rows"] == []
    # when DRC adjusts the plan and removes the O&M project
    draft = actions.open_plan_version(acting_user=personas.drc, year=year, basis="压减运维经费")
    entry = draft.entries.get(project=om)
    actions.remove_plan_entry(entry, acting_user=personas.drc)
    adjusted = actions.publish_plan(acting_user=personas.drc, year=year)
    first.refresh_from_db()
    assert first.state == PlanState.SUPERSEDED and adjusted.kind == PlanVersionKind.ADJUSTMENT
    # then its budget line stands without a plan entry
    rec = services.reconcile(year)
    [row] = rec["rows"]
    assert row.code == om.code and row.plan_amount is None and row.budget_amount == 150 * WAN
    assert row.problem == "预算无对应计划" and row.difference == 150 * WAN
    assert rec["version"] == adjusted and rec["plan_total"] == 800 * WAN
    assert rec["budget_total"] == 950 * WAN
    assert services.version_diff(first, adjusted)["removed"] == [(om.code, 150 * WAN)]
    # and a new budget line for it is refused
    with pytest.raises(ActionBlocked):
        budget(personas, om, "10", year)


def test_R10_2_only_finance_arranges_budgets(approved, personas):
    publish(personas, approved.year, (approved, "800"))
    with pytest.raises(ActionForbidden):
        actions.add_budget_line(
            acting_user=personas.drc, project=approved, year=approved.year, amount_wan="800"
        )


# -- R11.1 the Art. 11 path --------------------------------------------------------------------


def initiate(personas, project, **overrides):
    data = {
        "project": project,
        "year": project.year,
        "amount_wan": "800",
        "basis": "市委、市政府关于加快推进教育数字化的工作部署（渝委办〔2026〕12号）",
        "budget_source": "市级预备费",
    }
    data.update(overrides)
    return actions.initiate_art11(acting_user=personas.finance, **data)


def events(req, code):
    return LedgerEvent.objects.filter(action=code, object_id=str(req.pk))


@pytest.mark.parametrize(
    ("field", "words"),
    [("basis", "国家或市委、市政府明确要求的依据"), ("budget_source", "预算来源")],
)
@pytest.mark.parametrize("empty", ["", "   ", None])
def test_R11_1_missing_basis_or_budget_source_refused(approved, personas, field, words, empty):
    with pytest.raises(ActionBlocked) as exc:
        initiate(personas, approved, **{field: empty})
    [finding] = exc.value.findings
    assert finding.rule_id == "R11.1" and finding.article == "第十一条"
    assert words in finding.message
    assert not approved.art11_requests.exists()


def test_R11_1_full_path_each_step_recorded_with_its_basis(approved, om, personas):
    year = approved.year
    # given a published plan of the year without the project
    original = publish(personas, year, (om, "150"))

    # 1. Finance initiates, with its basis and budget source
    with pytest.raises(ActionForbidden):
        actions.initiate_art11(
            acting_user=personas.drc,
            project=approved,
            year=year,
            amount_wan="800",
            basis="依据",
            budget_source="来源",
        )
    req = initiate(personas, approved)
    assert req.state == Art11State.INITIATED
    assert events(req, ActionCode.ART11_INITIATED).count() == 1
    # not yet listed: DRC cannot approve, Finance cannot budget; the state says why
    for act, user in (
        (actions.approve_art11, personas.drc),
        (actions.budget_art11, personas.finance),
    ):
        with pytest.raises(ActionBlocked) as exc:
            act(req, acting_user=user)
        assert [(f.rule_id, f.article) for f in exc.value.findings] == [("R11.1.state", "第十一条")]

    # 2. BDB lists it
    with pytest.raises(ActionForbidden):
        actions.list_art11(req, acting_user=personas.finance)
    req = actions.list_art11(
        req, acting_user=personas.bdb, opinion="符合申报范围及边界，纳入清单。"
    )
    assert req.state == Art11State.LISTED
    assert events(req, ActionCode.ART11_LISTED).count() == 1
    with pytest.raises(ActionBlocked):
        actions.list_art11(req, acting_user=personas.bdb)

    # 3. DRC approves and adjusts the plan: a new published adjustment containing the project
    with pytest.raises(ActionForbidden):
        actions.approve_art11(req, acting_user=personas.bdb)
    req = actions.approve_art11(req, acting_user=personas.drc)
    assert req.state == Art11State.APPROVED
    assert events(req, ActionCode.ART11_APPROVED).count() == 1
    adjusted = services.current_plan_version(year)
    original.refresh_from_db()
    assert adjusted.number == 2 and adjusted.kind == PlanVersionKind.ADJUSTMENT
    assert original.state == PlanState.SUPERSEDED
    assert "第十一条" in adjusted.basis and req.basis in adjusted.basis
    assert services.plan_amounts(adjusted) == {om.pk: 150 * WAN, approved.pk: 800 * WAN}
    diff = services.version_diff(services.previous_version(adjusted), adjusted)
    assert diff == {"added": [(approved.code, 800 * WAN)], "removed": [], "changed": []}
    assert (
        LedgerEvent.objects.filter(
            action=ActionCode.PLAN_PUBLISHED, object_id=str(adjusted.pk)
        ).count()
        == 1
    )

    # 4. Finance arranges the budget, which now follows the adjusted plan
    with pytest.raises(ActionForbidden):
        actions.budget_art11(req, acting_user=personas.drc)
    req = actions.budget_art11(req, acting_user=personas.finance, subject="政务信息化项目支出")
    assert req.state == Art11State.BUDGETED
    assert events(req, ActionCode.ART11_BUDGETED).count() == 1
    line = BudgetLine.objects.get(project=approved)
    assert line.amount == 800 * WAN and line.via_art11 == req and line.year == year
    assert [r.code for r in services.reconcile(year)["rows"]] == [om.code]  # om: no budget yet
    with pytest.raises(ActionBlocked):
        actions.budget_art11(req, acting_user=personas.finance)

    # every step is in the request's history, the first with the basis
    req.refresh_from_db()
    assert [h["state"] for h in req.history] == ["initiated", "listed", "approved", "budgeted"]
    assert [h["by"] for h in req.history] == [
        personas.finance.username,
        personas.bdb.username,
        personas.drc.username,
        personas.finance.username,
    ]
    assert req.history[0]["note"] == req.basis and req.budget_source == "市级预备费"


def test_R11_1_approval_refused_while_a_plan_draft_is_open(approved, om, personas):
    publish(personas, approved.year, (om, "150"))
    req = actions.list_art11(initiate(personas, approved), acting_user=personas.bdb)
    actions.open_plan_version(acting_user=personas.drc, year=approved.year, basis="年中调整")
    with pytest.raises(ActionBlocked) as exc:
        actions.approve_art11(req, acting_user=personas.drc)
    [finding] = exc.value.findings
    assert finding.rule_id == "R11.1.draft-open" and finding.article == "第十一条"
    assert "编制中的计划版本" in finding.message and finding.remedy
    req.refresh_from_db()
    assert req.state == Art11State.LISTED


def test_R11_1_bdb_or_drc_may_refuse_with_reasons(approved, personas):
    req = initiate(personas, approved)
    with pytest.raises(ActionForbidden):
        actions.reject_art11(req, acting_user=personas.drc, opinion="不符合")  # BDB's turn
    with pytest.raises(ActionInvalid) as exc:
        actions.reject_art11(req, acting_user=personas.bdb, opinion=" ")
    assert "不予办理的理由" in exc.value.errors["opinion"]
    req = actions.reject_art11(req, acting_user=personas.bdb, opinion="不属于申报范围及边界。")
    assert req.state == Art11State.REJECTED
    assert LedgerEvent.objects.filter(action=ActionCode.ART11_REJECTED).count() == 1
    with pytest.raises(ActionBlocked):
        actions.list_art11(req, acting_user=personas.bdb)
