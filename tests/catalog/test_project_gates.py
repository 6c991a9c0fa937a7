"""The O&M conditions as gates of the approval lifecycle (Art. 31-33): a unit with systems that
should have been integrated cannot submit a new project (R33.1.new-project); an expansion
project whose predecessor's system does not share data as required (R31.4) or fails
the security requirements (R32.1.new-project) is blocked.

The rules are tested directly on the project's gate context, and through
``projects.actions.submit_project``, whose ``projects.submit`` gate must hold them."""

import pytest

from catalog import actions
from catalog.demo import publish_resource, register, sound
from catalog.models import InformationSystem
from core.errors import ActionBlocked
from delivery import actions as delivery
from policy.lookup import forget_policies
from policy.models import Decision, Outcome, PolicyParameter
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


def scope(value):
    """The reading of Art. 31/32 in the municipal policy in force (unit or system)."""
    PolicyParameter.objects.filter(
        policy__code="cq-municipal-2021", key="art31_block_scope"
    ).update(value=value)
    forget_policies()  # an update() sends no signal: the process's kept versions are stale


def not_sharing(personas, system):
    """A resource of ``system`` that should be shared by all but is open to one bank only."""
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


def test_R32_1_expansion_of_system_failing_security_is_blocked(walker, personas, predecessor):
    project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, crypto_result="fail")
    expansion = _expansion(walker, project)
    (finding,) = findings(expansion, "R32.1.new-project")
    assert finding.blocks and finding.article == "第三十二条"
    assert "不得新建、改扩建" in finding.message and system.code in finding.message
    assert finding.facts == {"system": system.code, "kind": "crypto_failed", "scope": "unit"}
    assert findings(expansion, "R31.4") == []


def test_R31_2_expansion_of_system_not_sharing_is_blocked(walker, personas, predecessor):
    project, system = predecessor
    not_sharing(personas, system)
    expansion = _expansion(walker, project)
    (finding,) = findings(expansion, "R31.4")
    assert finding.blocks and finding.article == "第三十一条"
    assert "A02.09/000001" in finding.message and finding.facts["system"] == system.code
    assert findings(expansion, "R32.1.new-project") == []


def test_R31_2_R32_1_expansion_of_sound_system_passes(walker, predecessor):
    expansion = _expansion(walker, predecessor[0])
    assert findings(expansion, "R31.4") == []
    assert findings(expansion, "R32.1.new-project") == []


def test_R32_1_unit_wide_a_new_project_of_the_unit_is_blocked(walker, personas, predecessor):
    """The owner's reading (the policy's default): the subject of Art. 32 is the unit, so a
    failing system stops every new project of the unit, not only its own expansion."""
    _project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, crypto_result="fail")
    project = walker.create("学生资助精准认定系统", "800")
    (finding,) = findings(project, "R32.1.new-project")
    assert finding.facts["scope"] == "unit" and "按单位适用" in finding.message
    with pytest.raises(ActionBlocked) as exc:
        walker.submit(project)
    assert "R32.1.new-project" in {f.rule_id for f in exc.value.findings}
    # the decision records which reading applied
    decision = Decision.objects.filter(gate="projects.submit").latest("created_at")
    assert decision.inputs["art31_block_scope"] == "unit"


def test_R32_1_unit_wide_spares_continuing_and_om_projects(walker, personas, predecessor):
    _project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, mlps_result="fail")
    for kind in ("continuing", "om"):
        project = walker.create("学生资助精准认定系统", "800", kind=kind)
        assert findings(project, "R32.1.new-project") == []


def test_R32_1_unit_wide_spares_other_units(wj_walker, personas, predecessor):
    _project, system = predecessor  # 市教委's system fails; 市卫生健康委 builds
    actions.update_system(system, acting_user=personas.jw_officer, crypto_result="fail")
    project = wj_walker.create("互联网医院监管平台", "1500")
    assert findings(project, "R32.1.new-project") == []


def test_R31_2_R32_1_system_reading_stops_only_the_expansion_of_that_system(
    walker, personas, predecessor
):
    """A policy version may choose the narrower reading: only an expansion of the failing
    system is stopped, and the decision says so."""
    scope("system")
    project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, crypto_result="fail")
    new = walker.create("学生资助精准认定系统", "800")
    assert findings(new, "R32.1.new-project") == []
    (finding,) = findings(_expansion(walker, project), "R32.1.new-project")
    assert finding.facts["scope"] == "system" and "仅限改扩建该系统" in finding.message


def test_R31_2_declared_remedy_submits_and_needs_bdb_confirmation(walker, personas, predecessor):
    """A project declared as the sharing remedy passes at submission; BDB must confirm it at
    the list review, where the confirmation is recorded, and the later gates then pass."""
    from projects import actions as projects
    from projects.models import ListCriterion, Review

    _project, system = predecessor
    not_sharing(personas, system)
    remedy = walker.create("学生资助精准认定系统", "300", remedy_purpose="sharing")
    assert findings(remedy, "R31.4") == []
    remedy = walker.submit(remedy)
    assert remedy.state == ProjectState.SUBMITTED
    review = walker.open_review(remedy, "list")
    criteria = {c: {"verdict": "pass", "opinion": "符合。"} for c in ListCriterion.values}
    with pytest.raises(ActionBlocked) as exc:
        projects.decide_list_review(
            review, acting_user=personas.bdb, decision="list", criteria=criteria, priority=1
        )
    (finding,) = [f for f in exc.value.findings if f.rule_id == "R31.4.remedy-confirmed"]
    assert "尚待市大数据发展局" in finding.remedy
    review = Review.objects.get(pk=review.pk)
    projects.decide_list_review(
        review,
        acting_user=personas.bdb,
        decision="list",
        criteria=criteria,
        priority=1,
        confirm_remedy=True,
    )
    remedy.refresh_from_db()
    assert remedy.state == ProjectState.LISTED and remedy.remedy_confirmed_by == personas.bdb
    assert findings(remedy, "R31.4.remedy-confirmed") == []


def test_R31_2_remedy_of_another_failure_does_not_pass(walker, personas, predecessor):
    _project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, crypto_result="fail")
    # a sharing remedy does not remedy a crypto failure (Art. 32)
    project = walker.create("学生资助精准认定系统", "300", remedy_purpose="sharing")
    assert [f.rule_id for f in findings(project, "R32.1.new-project")] == ["R32.1.new-project"]


def test_R32_1_unit_wide_blocks_again_at_approval(walker, personas, predecessor):
    """A project that got through before the system failed is stopped at its approval."""
    assert "R32.1.remedy-confirmed" in registry.gates["projects.approve"][2]
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), ProjectState.DRC_REVIEW)
    _old, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, crypto_result="fail")
    with pytest.raises(ActionBlocked) as exc:
        walker.walk(project, ProjectState.APPROVED)
    assert "R32.1.remedy-confirmed" in {f.rule_id for f in exc.value.findings}


def test_R33_1_blocks_an_expansion_project_too(walker, personas, predecessor):
    project, _system = predecessor
    register(
        personas.jw_officer,
        "JW-OLD",
        "旧版学籍系统",
        curate_by=personas.bdb,
        integration_status="pending",
    )
    (finding,) = findings(_expansion(walker, project), "R33.1.new-project")
    assert finding.blocks and finding.facts == {"pending_systems": ["JW-OLD"]}


def test_R31_2_expansion_must_name_its_systems(walker):
    """An expansion without a catalogued system cannot slip past Art. 31-33 by leaving the
    link empty."""
    require_in_submit_gate("R31.4.systems-named")
    expansion = walker.create(EXPANSION, "900", kind="expansion", name_systems=False)
    walker.attach(expansion, "post_evaluation", "一期后评价报告")
    (finding,) = findings(expansion, "R31.4.systems-named")
    assert finding.blocks and "拟改造的已有系统" in finding.remedy
    with pytest.raises(ActionBlocked) as exc:
        walker.submit(expansion)
    assert "R31.4.systems-named" in {f.rule_id for f in exc.value.findings}


def test_R31_2_expansion_naming_its_predecessor_system_passes(walker, predecessor):
    assert findings(_expansion(walker, predecessor[0]), "R31.4.systems-named") == []


def test_R32_1_expansion_blocked_at_submission(walker, personas, predecessor):
    require_in_submit_gate("R32.1.new-project")
    project, system = predecessor
    actions.update_system(system, acting_user=personas.jw_officer, mlps_result="fail")
    expansion = _expansion(walker, project)
    with pytest.raises(ActionBlocked) as exc:
        walker.submit(expansion)
    assert "R32.1.new-project" in {f.rule_id for f in exc.value.findings}


def test_R31_2_expansion_blocked_at_submission(walker, personas, predecessor):
    require_in_submit_gate("R31.4")
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
    assert "R31.4" in {f.rule_id for f in exc.value.findings}


def test_R31_2_R32_1_expansion_of_sound_system_submits(walker, predecessor):
    require_in_submit_gate("R32.1.new-project")
    expansion = walker.submit(_expansion(walker, predecessor[0]))
    assert expansion.state == ProjectState.SUBMITTED
