"""The four machines of the projects chapter (projects/machines.py): a state changes only through
them, every transition is taken by the real actions, and the actions' own refusals cite their
requirement and article."""

import pytest

from core.errors import ActionBlocked
from core.machines import UndeclaredStateChange
from projects import actions
from projects.machines import FRAMEWORK, PROJECT, PROJECT_LIST, REVIEW
from projects.models import (
    Framework,
    FrameworkState,
    Project,
    ProjectListState,
    ProjectListVersion,
    ProjectState,
    Review,
    ReviewKind,
    ReviewState,
)

from .helpers import decide_list

pytestmark = pytest.mark.django_db
S = ProjectState
NEW = "学生资助精准认定系统"
MACHINES = (PROJECT, REVIEW, PROJECT_LIST, FRAMEWORK)


@pytest.fixture
def taken(monkeypatch):
    """The transition codes each machine takes while the test runs (moves and bulk moves)."""
    codes: dict[str, set[str]] = {m.key: set() for m in MACHINES}
    for m in MACHINES:
        move, set_many = m.move, m.set_many

        def recording_move(obj, code, *args, _m=m, _move=move, **kwargs):
            codes[_m.key].add(code)
            return _move(obj, code, *args, **kwargs)

        def recording_set_many(qs, code, _m=m, _set_many=set_many):
            codes[_m.key].add(code)
            return _set_many(qs, code)

        monkeypatch.setattr(m, "move", recording_move)
        monkeypatch.setattr(m, "set_many", recording_set_many)
    return codes


def _framework(personas, *, agree):
    unit = personas.jw_officer.primary_organisation
    fw = actions.create_framework(
        acting_user=personas.jw_officer,
        lead_unit=unit,
        title="单部门框架",
        goals="目标",
        main_content="内容",
        data_catalog="目录",
    )
    actions.set_framework_participant(
        fw,
        acting_user=personas.jw_officer,
        unit=unit,
        business_flow="业务流",
        data_flow="数据流",
        interfaces="接口",
        content_items=["统一入口"],
    )
    actions.submit_framework(fw, acting_user=personas.jw_officer)
    return actions.review_framework(fw, acting_user=personas.bdb, agree=agree, opinion="意见。")


def _return_at(walker, personas, state, kind, user, authority=None):
    wan = "3500" if state == S.DESIGN_REVIEW else "800"
    project = walker.walk(walker.create(NEW, wan), state)
    review = walker.open_review(project, kind, authority)
    actions.return_project(review, acting_user=user, opinion="请修改。")
    return actions.resubmit_project(project, acting_user=walker.officer)


def test_every_transition_of_every_machine_is_taken_by_the_actions(walker, personas, taken):
    # two stages to the end, one stage to the end
    walker.walk(walker.create(NEW, "3500"), S.APPROVED)
    walker.walk(walker.create(NEW, "800"), S.APPROVED)
    # withdrawn before signing; returned at each step and resubmitted there; rejected
    actions.withdraw_project(walker.submit(walker.create(NEW, "300")), acting_user=walker.officer)
    assert decide_list(walker.submit(walker.create(NEW, "300")), personas.bdb, "return",
                       opinion="补充。").state == S.RETURNED  # fmt: skip
    project = walker.submit(walker.create(NEW, "300"))
    decide_list(project, personas.bdb, "return", opinion="补充。")
    assert actions.resubmit_project(project, acting_user=walker.officer).state == S.SUBMITTED
    back = _return_at(walker, personas, S.JOINT_REVIEW, ReviewKind.JOINT, personas.cac, "cac")
    assert back.state == S.JOINT_REVIEW
    back = _return_at(walker, personas, S.DESIGN_REVIEW, ReviewKind.DESIGN_CONTENT, personas.bdb)
    assert back.state == S.DESIGN_REVIEW
    assert decide_list(walker.submit(walker.create(NEW, "200")), personas.bdb, "reject",
                       opinion="重复。").state == S.REJECTED  # fmt: skip
    # a second publication of the same year supersedes the first
    walker.list(walker.submit(walker.create(NEW, "100")))
    walker.publish(back.year)
    walker.publish(back.year)
    # a framework reviewed, another returned
    _framework(personas, agree=True)
    _framework(personas, agree=False)
    # an isolated network agreed by BDB, then refused by the city government (Art. 31)
    isolated = walker.submit(walker.create(NEW, "300", isolated_network=True,
                                           isolation_basis="依法须物理隔离。"))  # fmt: skip
    for authority, user, agree in (("bdb", personas.bdb, True), ("gov", personas.gov, False)):
        review = walker.open_review(isolated, ReviewKind.ISOLATION, authority)
        actions.review_project_isolation(review, acting_user=user, agree=agree, opinion="意见。")
    for m in MACHINES:
        assert taken[m.key] == set(m.by_code), (m.key, set(m.by_code) - taken[m.key])


def test_a_raw_change_of_a_state_is_refused_for_each_machine(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.get(project=project)
    version = walker.publish(walker.list(walker.submit(walker.create(NEW, "300"))).year)
    framework = _framework(personas, agree=True)
    cases = (
        (project, S.LISTED),
        (review, ReviewState.AGREED),
        (version, ProjectListState.DRAFT),
        (framework, FrameworkState.DRAFT),
    )
    for obj, state in cases:
        obj.state = state
        with pytest.raises(UndeclaredStateChange):
            obj.save()
        with pytest.raises(UndeclaredStateChange):
            type(obj).objects.filter(pk=obj.pk).update(state=state)
    assert Project.objects.get(pk=project.pk).state == S.SUBMITTED
    assert Review.objects.get(pk=review.pk).state == ReviewState.PENDING
    assert ProjectListVersion.objects.get(pk=version.pk).state == ProjectListState.PUBLISHED
    assert Framework.objects.get(pk=framework.pk).state == FrameworkState.REVIEWED


def test_a_new_object_starts_in_its_machines_initial_state(walker):
    with pytest.raises(UndeclaredStateChange):
        Project.objects.create(
            code="XM-TEST-0001",
            unit=walker.officer.primary_organisation,
            name="直接建在已批复状态",
            kind="new",
            year=2026,
            total_investment=1,
            created_by=walker.officer,
            state=S.APPROVED,
        )


# -- the actions' own refusals cite their requirement ------------------------------------------


def test_R9_3_a_review_handed_to_a_colleague_cannot_be_signed_by_another(walker, personas):
    project = walker.submit(walker.create(NEW, "800"))
    review = Review.objects.get(project=project)
    actions.transfer_review(review, acting_user=personas.bdb, to_user=personas.bdb2.pk)
    with pytest.raises(ActionBlocked) as info:
        actions.start_review(review.pk, acting_user=personas.bdb)
    [finding] = info.value.findings
    assert (finding.rule_id, finding.article) == ("R9.3.assigned", "第九条")
    assert "吴婷" in finding.message and finding.remedy
    assert actions.start_review(review.pk, acting_user=personas.bdb2).state == "in_progress"


def test_R8_2_publishing_a_year_without_listed_projects_is_refused(planned, personas):
    with pytest.raises(ActionBlocked) as info:
        actions.publish_project_list(acting_user=personas.bdb, year=2031)
    [finding] = info.value.findings
    assert (finding.rule_id, finding.article) == ("R8.2.nothing-listed", "第八条")
    assert "2031 年尚无列入项目清单的项目" in finding.message and finding.remedy
    assert not ProjectListVersion.objects.exists()


def test_a_review_decided_elsewhere_is_refused_for_its_state(walker, personas):
    project = walker.walk(walker.create(NEW, "800"), S.JOINT_REVIEW)
    cac = walker.open_review(project, ReviewKind.JOINT, "cac")
    finance = walker.open_review(project, ReviewKind.JOINT, "finance")
    actions.give_joint_opinion(cac, acting_user=personas.cac, agree=False, opinion="补充。")
    with pytest.raises(ActionBlocked) as info:
        actions.give_joint_opinion(finance, acting_user=personas.finance, agree=True)
    [finding] = info.value.findings
    assert finding.rule_id == "R9.3.state" and "已失效" in finding.message
    assert finding.article == "第九条"
