"""Entering the annual investment plan (Art. 10, 27): R10.1, R27.1 and R10.3 through the
actions DRC uses, ``add_plan_entry`` one project at a time and ``compile_plan`` for a whole
year, and the performance target table a unit saves (``save_performance_table``)."""

from decimal import Decimal

import pytest

from core.enums import ActionCode
from core.errors import ActionBlocked, ActionForbidden, ActionInvalid
from core.models import LedgerEvent
from investment import actions
from investment.models import IndicatorCategory, PlanEntry
from policy.models import Decision, Outcome
from projects.models import ProjectState

from .conftest import full_indicators

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"  # new construction, 2 years ahead in 市教委's master plan
OM = "重庆市教育管理公共服务平台运维"  # O&M, this year
GOVERNANCE = "教育数据资源标准体系及数据治理工程"  # new construction, this year
CONTINUING = "电子健康档案共享调阅系统"  # 市卫生健康委, continuing


def add(personas, project, wan="800", year=None):
    return actions.add_plan_entry(
        acting_user=personas.drc, year=year or project.year, project=project, amount_wan=wan
    )


def blocked(exc_info, rule_id) -> list[dict]:
    """The blocking findings of ``rule_id`` carried by an ActionBlocked."""
    findings = [f for f in exc_info.value.findings if f.blocks and f.rule_id == rule_id]
    assert findings, [f.rule_id for f in exc_info.value.findings]
    return findings


def save_table(project, officer, indicators, goal="提升业务办理效率。"):
    return actions.save_performance_table(
        project,
        acting_user=officer,
        year=project.year,
        overall_goal=goal,
        indicators=indicators,
    )


# -- R10.1 / R27.1 via add_plan_entry ---------------------------------------------------------


def test_R10_1_listed_om_project_enters_plan_without_performance_table(walker, personas):
    # given an O&M project of 市教委 listed by BDB (O&M needs no 绩效目标表, Art. 10 ¶3)
    project = walker.walk(walker.create(OM, "150"), S.LISTED)
    # when DRC puts it into the plan
    entry = add(personas, project, "150")
    # then it is in the draft with its amount, passed on R10.1, R27.1 and R10.3
    assert entry.amount == Decimal("1500000.00")
    assert entry.version.state == "draft" and entry.version.plan.year == project.year
    assert entry.decision.outcome == Outcome.PASS
    assert entry.decision.rule_ids == ["R10.1", "R27.1", "R10.3"]
    assert LedgerEvent.objects.filter(
        action=ActionCode.PLAN_ENTRY_ADDED, object_id=str(project.pk)
    ).exists()


def test_R10_1_om_project_not_listed_refused(walker, personas):
    project = walker.submit(walker.create(OM, "150"))
    with pytest.raises(ActionBlocked) as exc:
        add(personas, project, "150")
    [finding] = blocked(exc, "R10.1")
    assert finding.article == "第十条" and "未纳入项目清单" in finding.message
    assert not PlanEntry.objects.exists()


def test_R27_1_construction_project_not_approved_refused(walker, personas):
    # given a listed construction project with a complete table, still in approval
    project = walker.walk(walker.create(GOVERNANCE, "600"), S.LISTED)
    save_table(project, personas.jw_officer, full_indicators())
    # when DRC tries to put it into the plan, then Art. 27 refuses it
    with pytest.raises(ActionBlocked) as exc:
        add(personas, project, "600")
    [finding] = blocked(exc, "R27.1")
    assert finding.article == "第二十七条"
    assert "尚未批复" in finding.message and "第二十七条" in finding.message
    assert "第二十七条" in exc.value.message
    # the refusal itself is kept and explainable
    decision = Decision.objects.get(gate="investment.plan.add", outcome=Outcome.BLOCK)
    assert decision.subject_id == str(project.pk)
    assert not PlanEntry.objects.exists()


def test_R27_1_approved_construction_project_passes(approved, personas):
    entry = add(personas, approved, "800")
    assert entry.decision.outcome == Outcome.PASS
    assert entry.project == approved


def test_R10_1_continuing_project_approved_passes(wj_walker, personas):
    project = wj_walker.walk(wj_walker.create(CONTINUING, "900"), S.APPROVED)
    assert project.kind == "continuing"
    save_table(project, personas.wj_officer, full_indicators())
    assert add(personas, project, "900").decision.outcome == Outcome.PASS


def test_R10_1_continuing_project_not_approved_refused(wj_walker, personas):
    project = wj_walker.walk(wj_walker.create(CONTINUING, "900"), S.LISTED)
    save_table(project, personas.wj_officer, full_indicators())
    with pytest.raises(ActionBlocked) as exc:
        add(personas, project, "900")
    [finding] = blocked(exc, "R10.1")
    assert "续建项目" in finding.message and "尚未经依法审批" in finding.message


def test_R10_1_only_drc_compiles_the_plan(approved, personas):
    with pytest.raises(ActionForbidden):
        actions.add_plan_entry(
            acting_user=personas.finance, year=approved.year, project=approved, amount_wan="800"
        )


def test_R10_1_a_project_enters_a_version_once(approved, personas):
    add(personas, approved, "800")
    with pytest.raises(ActionBlocked) as exc:
        add(personas, approved, "800")
    [finding] = blocked(exc, "R10.1.once")
    assert finding.article == "第十条" and "已在本版计划中" in finding.message
    assert finding.remedy and PlanEntry.objects.count() == 1


# -- R10.1 / R27.1 / R10.3 via compile_plan ---------------------------------------------------


def test_R27_1_compile_plan_adds_the_eligible_and_refuses_the_rest_with_findings(walker, personas):
    # given, for this year: a listed O&M project (eligible) and a listed construction project
    # not yet approved (not eligible)
    om = walker.walk(walker.create(OM, "150"), S.LISTED)
    governance = walker.walk(walker.create(GOVERNANCE, "600"), S.LISTED)
    assert om.year == governance.year
    # when DRC compiles the year's plan
    result = actions.compile_plan(acting_user=personas.drc, year=om.year)
    # then the O&M project is in, with its investment as amount, and the other is refused
    # with the finding of Art. 27
    assert result["added"] == 1
    assert list(result["version"].entries.values_list("project_id", "amount")) == [
        (om.pk, Decimal("1500000.00"))
    ]
    [refused] = result["refused"]
    assert refused["project"] == governance.code
    rule_ids = {f["rule_id"] for f in refused["findings"]}
    assert "R27.1" in rule_ids and "R10.3" in rule_ids  # not approved, and no 绩效目标表
    assert all(f["severity"] == "block" and f["message"] for f in refused["findings"])
    decision = result["decision"]
    assert decision.outcome == Outcome.WARN
    assert {f["rule_id"] for f in decision.findings} == rule_ids
    assert LedgerEvent.objects.filter(action=ActionCode.PLAN_COMPILED).count() == 1


def test_R10_1_compile_plan_adds_an_approved_project_at_its_approved_total(approved, personas):
    result = actions.compile_plan(acting_user=personas.drc, year=approved.year)
    assert result["added"] == 1 and result["refused"] == []
    entry = result["version"].entries.get()
    assert entry.project == approved and entry.amount == approved.approved_total
    # compiling again adds nothing twice
    again = actions.compile_plan(acting_user=personas.drc, year=approved.year)
    assert again["added"] == 0 and again["refused"] == []


def test_R10_3_compile_plan_refuses_an_approved_project_without_table(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.APPROVED)
    result = actions.compile_plan(acting_user=personas.drc, year=project.year)
    assert result["added"] == 0
    [refused] = result["refused"]
    assert [f["rule_id"] for f in refused["findings"]] == ["R10.3"]
    assert "尚未填报绩效目标表" in refused["findings"][0]["message"]


# -- R10.3 performance target table -----------------------------------------------------------


@pytest.fixture
def approved_without_table(walker):
    return walker.walk(walker.create(NEW, "800"), S.APPROVED)


def test_R10_3_missing_performance_table_refused(approved_without_table, personas):
    with pytest.raises(ActionBlocked) as exc:
        add(personas, approved_without_table)
    [finding] = blocked(exc, "R10.3")
    assert finding.article == "第十条"
    assert "绩效目标表不完整" in finding.message and "尚未填报绩效目标表" in finding.message


def test_R10_3_incomplete_performance_table_refused(approved_without_table, personas):
    # given a table with output (产出) indicators only: benefit and satisfaction are missing
    output = IndicatorCategory.objects.get(parent=None, name="产出指标")
    only_output = [
        i
        for i in full_indicators()
        if i["category"] in set(output.children.values_list("pk", flat=True))
    ]
    save_table(approved_without_table, personas.jw_officer, only_output)
    with pytest.raises(ActionBlocked) as exc:
        add(personas, approved_without_table)
    [finding] = blocked(exc, "R10.3")
    assert "缺少效益指标" in finding.message and "缺少满意度指标" in finding.message
    assert "缺少产出指标" not in finding.message


def test_R10_3_quantitative_indicator_without_unit_refused_on_save(
    approved_without_table, personas
):
    rows = full_indicators()
    rows[0]["unit"] = ""
    with pytest.raises(ActionInvalid) as exc:
        save_table(approved_without_table, personas.jw_officer, rows)
    assert exc.value.errors["indicators.1.unit"] == "第 1 行：定量指标须填写计量单位。"


def test_R10_3_quantitative_indicator_without_formula_refused_on_save(
    approved_without_table, personas
):
    rows = full_indicators()
    rows[2]["formula"] = "  "
    with pytest.raises(ActionInvalid) as exc:
        save_table(approved_without_table, personas.jw_officer, rows)
    assert exc.value.errors == {"indicators.3.formula": "第 3 行：定量指标须填写计算公式。"}


def test_R10_3_qualitative_indicator_needs_no_unit_or_formula(approved_without_table, personas):
    rows = full_indicators()
    rows[-1].update(is_quantitative=False, unit="", formula="", target_value="满意度明显提升")
    table = save_table(approved_without_table, personas.jw_officer, rows)
    assert table.indicators.count() == len(rows)
    assert add(personas, approved_without_table).decision.outcome == Outcome.PASS


def test_R10_3_complete_table_passes_and_replaces_the_previous_one(approved, personas):
    # the fixture saved a complete table; saving again replaces, not duplicates, indicators
    table = save_table(approved, personas.jw_officer, full_indicators())
    assert table.indicators.count() == len(full_indicators())
    assert add(personas, approved).decision.outcome == Outcome.PASS


def test_R10_3_only_the_unit_saves_its_table(approved, personas):
    with pytest.raises(ActionForbidden):
        save_table(approved, personas.wj_officer, full_indicators())


def test_R10_1_compile_plan_refuses_a_continuing_project_not_approved_as_the_gate_does(
    wj_walker, personas
):
    project = wj_walker.walk(wj_walker.create(CONTINUING, "900"), S.LISTED)
    save_table(project, personas.wj_officer, full_indicators())
    result = actions.compile_plan(acting_user=personas.drc, year=project.year)
    [refused] = result["refused"]
    assert [f["rule_id"] for f in refused["findings"]] == ["R10.1"]
    assert "续建项目" in refused["findings"][0]["message"]


def test_R10_1_compile_plan_keeps_an_om_project_returned_after_listing(walker, personas):
    # listed, then returned for revision by a later review: still on the list (as the gate);
    # the state is set as a fact here (the projects chapter's machine owns the return)
    from core.machines import machine_of_model, moving_bulk
    from projects.models import Project

    om = walker.walk(walker.create(OM, "150"), S.LISTED)
    with moving_bulk(machine_of_model("projects.Project")):
        Project.objects.filter(pk=om.pk).update(state=S.RETURNED, returned_from=S.LISTED)
    result = actions.compile_plan(acting_user=personas.drc, year=om.year)
    assert result["added"] == 1 and result["refused"] == []


def test_R10_3_problems_of_stored_tables_are_found_in_bulk(approved, walker, personas):
    # given the approved project's complete table, and a second table edited outside the
    # actions (e.g. by the admin): an indicator without value, one without unit or formula
    from investment.eligibility import table_problems, tables_complete
    from investment.models import Indicator, PerformanceTable

    other = walker.walk(walker.create(GOVERNANCE, "600"), S.LISTED)
    save_table(other, personas.jw_officer, full_indicators())
    table = PerformanceTable.objects.get(project=other)
    first, second = table.indicators.order_by("id")[:2]
    Indicator.objects.filter(pk=first.pk).update(target_value=" ")
    Indicator.objects.filter(pk=second.pk).update(unit="", formula="")
    assert tables_complete([approved.pk], approved.year) == {approved.pk: []}
    assert table_problems(other.pk, other.year) == [
        f"指标“{first.name}”未填写指标值",
        f"定量指标“{second.name}”未填写计量单位或计算公式",
    ]


def test_R10_1_a_suspended_project_cannot_enter_the_plan(approved, personas):
    from django.utils import timezone

    from core.errors import ActionBlocked
    from projects.models import Project

    Project.objects.filter(pk=approved.pk).update(suspended_at=timezone.now())
    with pytest.raises(ActionBlocked) as exc:
        actions.add_plan_entry(
            acting_user=personas.drc, year=approved.year, project=approved, amount_wan="800"
        )
    assert any("第二十四条" in f.message for f in exc.value.findings)
