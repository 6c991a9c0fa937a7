"""The O&M conditions as gates of the approval lifecycle (Art. 31-33): a unit with systems that
should have been integrated cannot submit a new project (R33.1.new-project); an expansion
project whose predecessor's system does not share data as required (R31.2.expansion) or fails
the security requirements (R32.1.expansion) is blocked.

The rules are tested directly on the project's gate context, and through
``projects.actions.submit_project``, whose ``projects.submit`` gate must hold them."""

import pytest

from catalog import actions
from catalog.demo import publish_resource, register, sound
from catalog.models import InformationSystem
from core.errors import ActionBlocked
from delivery import actions as delivery
from policy.models import Decision, Outcome
from policy.registry import registry
from projects.models import ProjectState
from projects.services import project_context
from tests.delivery.helpers import ART19, delivered

pytestmark = pytest.mark.django_db

EXPANSION = "智慧教育综合服务平台（二期）"


def findings(project, rule_id):
    return registry.rules[rule_id].evaluate(project_context(project))


def require_in_submit_gate(rule_id):
    """The rule is part of the ``projects.submit`` gate: a rule dropped from the gate fails the
    test instead of skipping it."""
    assert rule_id in registry.gates["projects.submit"][2], (
        f"{rule_id} is not part of the projects.submit gate"
    )


# -- R33.1.new-project ----------------------------------------------------------------------------


@pytest.fixture
def unintegrated(personas):
    return register(
        personas.wj_officer,
        "WJ-OLD",
        "旧版卫生监督系统",
        curate_by=personas.bdb,
        integration_status="pending",
    )


def test_R33_1_new_project_rule_blocks_unit_with_unintegrated_system(wj_walker, unintegrated):
    project = wj_walker.create("互联网医院监管平台", "1500")
    (finding,) = findings(project, "R33.1.new-project")
    assert finding.blocks and finding.article == "第三十三条"
    assert "WJ-OLD" in finding.message and finding.facts == {"pending_systems": ["WJ-OLD"]}


def test_R33_1_new_project_rule_passes_other_units(walker, unintegrated):
    project = walker.create("学生资助精准认定系统", "800")  # 市教委: nothing pending
    assert findings(project, "R33.1.new-project") == []


def test_R33_1_new_project_rule_passes_after_integration(wj_walker, personas, unintegrated):
    # BDB verifies the integration and clears the mark
    actions.update_system(unintegrated, acting_user=personas.bdb, integration_status="done")
    project = wj_walker.create("互联网医院监管平台", "1500")
    assert findings(project, "R33.1.new-project") == []


def test_R33_1_new_project_blocked_at_submission(wj_walker, unintegrated):
    require_in_submit_gate("R33.1.new-project")
    project = wj_walker.create("互联网医院监管平台", "1500")
    with pytest.raises(ActionBlocked) as exc:
        wj_walker.submit(project)
    assert "R33.1.new-project" in {f.rule_id for f in exc.value.findings}
    project.refresh_from_db()
    assert project.state == ProjectState.DRAFT
    # the refusal is a stored decision with its policy version
    decision = Decision.objects.filter(gate="projects.submit").latest("created_at")
    assert decision.outcome == Outcome.BLOCK and decision.policy.code == "cq-municipal-2021"


def test_R33_1_returned_project_is_blocked_at_resubmission(wj_walker, personas):
    from projects import actions as projects
    from projects.models import Review

    project = wj_walker.walk(
        wj_walker.create("互联网医院监管平台", "1500"), ProjectState.DRC_REVIEW
    )
    review = Review.objects.open().get(project=project, kind="drc_approval")
    projects.return_project(review, acting_user=personas.drc, opinion="请修改概算。")
    # meanwhile BDB finds a system of the unit that should have been integrated
    register(
        personas.wj_officer,
        "WJ-OLD",
        "旧版卫生监督系统",
        curate_by=personas.bdb,
        integration_status="pending",
    )
    with pytest.raises(ActionBlocked) as exc:
        projects.resubmit_project(project, acting_user=personas.wj_officer)
    assert "R33.1.new-project" in {f.rule_id for f in exc.value.findings}
    project.refresh_from_db()
    assert project.state == ProjectState.RETURNED


def test_R33_1_new_project_submission_passes_without_pending_systems(wj_walker):
    require_in_submit_gate("R33.1.new-project")
    project = wj_walker.submit(wj_walker.create("互联网医院监管平台", "1500"))
    assert project.state == ProjectState.SUBMITTED


# -- R31.2 / R32.1 expansion of a failing system ----------------------------------------------------


@pytest.fixture
def predecessor(walker, personas):
    """An accepted project of 市教委 whose system is in the catalog, sound and curated."""
    project = delivered(walker, personas, target="archived")
    delivery.file_unit_acceptance(
        project,
        acting_user=personas.jw_officer,
        passed=True,
        held_on="2025-11-20",
        conclusion="验收通过。",
        **ART19,
    )
    system = InformationSystem.objects.get(projects=project)
    actions.update_system(system, acting_user=personas.jw_officer, **sound())
    actions.curate_system(system, acting_user=personas.bdb)
    return project, system


def _expansion(walker, predecessor_project):
    project = walker.create(EXPANSION, "900", kind="expansion", predecessor=predecessor_project.pk)
    walker.attach(project, "post_evaluation", "一期后评价报告")
    return project


def test_R32_1_expansion_of_system_failing_security_is_blocked(walker, personas, predecessor):
    project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, crypto_result="fail")
    expansion = _expansion(walker, project)
    (finding,) = findings(expansion, "R32.1.expansion")
    assert finding.blocks and finding.article == "第三十二条"
    assert "不得改扩建" in finding.message and finding.facts["system_id"] == system.pk
    assert findings(expansion, "R31.2.expansion") == []


def test_R31_2_expansion_of_system_not_sharing_is_blocked(walker, personas, predecessor):
    project, system = predecessor
    publish_resource(
        personas.jw_officer,
        "A02.09/000001",
        "学生资助发放信息",
        ["资助金额:money"],
        systems=[system],
        open_type="conditional",
        open_scope="named",
        named_recipients="某商业银行",
    )
    expansion = _expansion(walker, project)
    (finding,) = findings(expansion, "R31.2.expansion")
    assert finding.blocks and finding.article == "第三十一条"
    assert finding.facts["resources"] == ["A02.09/000001"]
    assert findings(expansion, "R32.1.expansion") == []


def test_R31_2_R32_1_expansion_of_sound_system_passes(walker, predecessor):
    expansion = _expansion(walker, predecessor[0])
    assert findings(expansion, "R31.2.expansion") == []
    assert findings(expansion, "R32.1.expansion") == []


def test_R31_2_R32_1_new_project_is_not_an_expansion(walker, personas, predecessor):
    # the expansion rules look at the predecessor only; a new project has none
    _project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, crypto_result="fail")
    project = walker.create("学生资助精准认定系统", "800")
    assert findings(project, "R32.1.expansion") == []


def test_R32_1_expansion_blocked_at_submission(walker, personas, predecessor):
    require_in_submit_gate("R32.1.expansion")
    project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, mlps_result="fail")
    expansion = _expansion(walker, project)
    with pytest.raises(ActionBlocked) as exc:
        walker.submit(expansion)
    assert "R32.1.expansion" in {f.rule_id for f in exc.value.findings}


def test_R31_2_expansion_blocked_at_submission(walker, personas, predecessor):
    require_in_submit_gate("R31.2.expansion")
    project, system = predecessor
    publish_resource(
        personas.jw_officer,
        "A02.09/000001",
        "学生资助发放信息",
        ["资助金额:money"],
        systems=[system],
        open_type="conditional",
        open_scope="named",
        named_recipients="某商业银行",
    )
    with pytest.raises(ActionBlocked) as exc:
        walker.submit(_expansion(walker, project))
    assert "R31.2.expansion" in {f.rule_id for f in exc.value.findings}


def test_R31_2_R32_1_expansion_of_sound_system_submits(walker, predecessor):
    require_in_submit_gate("R32.1.expansion")
    expansion = walker.submit(_expansion(walker, predecessor[0]))
    assert expansion.state == ProjectState.SUBMITTED
