"""The delivery pages drive the real actions through the "您现在可以办理" card: gate findings
beside the disabled buttons, the forms posted to ``/act/<action>/<pk>/``, both acceptance
paths, suspension, and who sees which project."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Organisation
from accounts.roles import OrgKind
from core.todos import todos_for
from delivery import actions
from delivery.models import (
    Acceptance,
    AcceptancePath,
    AcceptanceState,
    Delivery,
    Incident,
    Phase,
    PostEvaluation,
)
from delivery.services import acceptance_path_for
from investment import actions as money

from .helpers import ART19, BIG, delivered


def page(project):
    return reverse("delivery:project", args=[project.pk])


def act(name, target):
    """Where the card posts an action's form (``core.views.act``)."""
    return reverse("core:act", args=[f"delivery.{name}", target.pk])


def phase_of(project):
    phase = Delivery.objects.filter(project=project).values_list("phase", flat=True).first()
    return phase or Phase.PREPARING


ARCHIVE_POST = {
    "accepted_on": "2025-11-05",
    "checklist": [
        "approval",
        "procurement",
        "design",
        "supervision",
        "trial",
        "finance",
        "electronic",
    ],
}


def big_documents_project(walker, personas):
    """A project exactly at the threshold (3,000万, 含本数), carried to completion with every
    material."""
    return delivered(walker, personas, name=BIG, wan="3000", target="documents")


def test_start_is_blocked_with_the_articles_beside_the_button(walker, personas, login):
    # given an approved project with nothing recorded for the start
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "approved")
    client = login(personas.jw_officer)
    # when the unit opens the delivery page
    html = client.get(page(project)).content.decode()
    # then the card shows the start disabled and the findings cite Art. 16 and 22
    assert 'disabled data-testid="act-start-construction"' in html
    assert "第十六条" in html and "第二十二条" in html
    assert 'data-rule="R16.1"' in html and 'data-rule="R22.1"' in html
    # and posting anyway is refused with the same articles on the page it returns to
    response = client.post(
        act("start_construction", project),
        {"started_on": "2025-03-01", "next": page(project)},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == page(project)
    assert "第十六条" in html and "第二十二条" in html
    assert phase_of(project) == Phase.PREPARING


def test_the_unit_records_the_start_through_the_page(walker, personas, login):
    project = walker.walk(walker.create("学生资助精准认定系统", "800"), "approved")
    officer = personas.jw_officer
    client = login(officer)
    client.post(
        act("set_implementation", project),
        {"implementing_agency": "市教委信息中心", "responsible_person": "张明"},
    )
    supervisor = Organisation.objects.filter(kind=OrgKind.SUPERVISOR).first()
    client.post(
        act("assign_supervisor", project),
        {"supervisor": supervisor.pk, "contract_number": "JL-9"},
    )
    money.record_contract(
        project,
        acting_user=officer,
        number="HT-1",
        title="开发合同",
        supplier="某科技公司",
        method="open",
        amount_wan="500",
        signed_on="2025-02-01",
    )
    html = client.get(page(project)).content.decode()
    assert 'data-testid="act-start-construction-open"' in html  # offered, nothing blocks
    assert 'disabled data-testid="act-start-construction"' not in html
    assert "某科技公司" in html  # the contracts summary
    response = client.post(act("start_construction", project), {"started_on": "2025-03-01"})
    assert response.status_code == 302
    assert phase_of(project) == Phase.CONSTRUCTION
    # an invalid form is shown again with its errors, nothing recorded
    response = client.post(act("add_milestone", project), {"name": "", "planned_on": "x"})
    assert response.status_code == 422
    assert "请填写里程碑名称" in response.content.decode()
    assert not project.milestones.exists()
    client.post(
        act("add_milestone", project), {"name": "需求调研", "planned_on": "2025-05-01", "weight": 2}
    )
    client.post(
        act("add_milestone", project), {"name": "上线", "planned_on": "2025-10-01", "weight": 2}
    )
    milestone = project.milestones.get(name="需求调研")
    assert 'data-testid="act-complete-milestone-open"' in client.get(page(project)).content.decode()
    client.post(act("complete_milestone", milestone), {"done_on": "2025-05-02"})
    html = client.get(page(project)).content.decode()
    assert "完成 50.0%" in html


def test_unit_path_below_the_threshold_via_post(built, personas, login):
    # given a completed project under the threshold with all materials
    project = built(target="documents")
    assert acceptance_path_for(project) == AcceptancePath.UNIT
    unit = login(personas.jw_officer)
    html = unit.get(page(project)).content.decode()
    assert 'data-path="unit"' in html
    assert 'data-present="0"' not in html  # every material ✓
    assert 'data-rule="R29.1"' in html  # archives first (Art. 29), beside the button
    assert 'disabled data-testid="act-file-unit-acceptance"' in html
    assert "act-apply-acceptance" not in html  # below the threshold: nothing to apply for
    # when filing before archive acceptance, it is refused with Art. 29
    response = unit.post(
        act("file_unit_acceptance", project),
        {"held_on": "2026-01-10", "conclusion": "通过", "passed": "1", "next": page(project)},
        follow=True,
    )
    assert "第二十九条" in response.content.decode()
    assert not Acceptance.objects.filter(project=project).exists()
    # BDB accepts the archives on the checklist
    bdb = login(personas.bdb)
    assert 'data-testid="act-accept-archives-open"' in bdb.get(page(project)).content.decode()
    bdb.post(act("accept_archives", project), ARCHIVE_POST)
    project.delivery.refresh_from_db()
    assert project.delivery.archive_accepted_on is not None
    assert project.delivery.archive_checklist["立项审批文件"] is True
    assert "act-accept-archives" not in bdb.get(page(project)).content.decode()
    # then the unit files its own acceptance with BDB
    unit = login(personas.jw_officer)
    unit.post(
        act("file_unit_acceptance", project),
        {"held_on": "2026-01-10", "conclusion": "验收通过。", "passed": "1", **ART19},
    )
    assert phase_of(project) == Phase.ACCEPTED
    acceptance = Acceptance.objects.get(project=project)
    assert acceptance.path == AcceptancePath.UNIT and acceptance.filed_with_bdb_at


def test_archive_checklist_must_be_complete(built, personas, login):
    project = built(target="completed")
    bdb = login(personas.bdb)
    response = bdb.post(
        act("accept_archives", project), {"accepted_on": "2025-11-05", "checklist": ["approval"]}
    )
    assert response.status_code == 422
    assert "档案清单各项均须齐全" in response.content.decode()
    project.delivery.refresh_from_db()
    assert project.delivery.archive_accepted_on is None


def test_bdb_path_at_the_threshold_via_post(walker, personas, login):
    project = big_documents_project(walker, personas)
    assert acceptance_path_for(project) == AcceptancePath.BDB
    login(personas.bdb).post(act("accept_archives", project), ARCHIVE_POST)
    unit = login(personas.jw_officer)
    html = unit.get(page(project)).content.decode()
    assert 'data-testid="act-apply-acceptance"' in html and 'data-path="bdb"' in html
    assert "act-file-unit-acceptance" not in html  # at the threshold BDB organises
    unit.post(act("apply_acceptance", project))
    acceptance = Acceptance.objects.get(project=project)
    assert acceptance.state == AcceptanceState.APPLIED
    assert "act-apply-acceptance" not in unit.get(page(project)).content.decode()
    assert any("组织竣工验收" in t.title for t in todos_for(personas.bdb))
    bdb = login(personas.bdb)
    assert 'data-testid="act-decide-acceptance-open"' in bdb.get(page(project)).content.decode()
    # the card's form is prefixed (several forms on one page)
    prefix = f"decide_acceptance-{acceptance.pk}"
    bdb.post(
        act("decide_acceptance", acceptance),
        {
            f"{prefix}-held_on": "2026-01-20",
            f"{prefix}-conclusion": "验收通过。",
            f"{prefix}-passed": "1",
            **{f"{prefix}-{key}": value for key, value in ART19.items()},
            f"{prefix}-new_data_centre": "on",
            f"{prefix}-pue": "1.25",
        },
    )
    acceptance.refresh_from_db()
    assert acceptance.state == AcceptanceState.PASSED
    assert phase_of(project) == Phase.ACCEPTED
    # reviewers see what Art. 19 asks of the acceptance on the delivery page
    assert acceptance.new_data_centre and str(acceptance.pue) == "1.25"
    html = bdb.get(page(project)).content.decode()
    assert 'data-testid="acceptance-art19"' in html and 'data-pue="1.25"' in html
    assert "全部安全可靠" in html and "密码应用安全性评估通过" in html
    assert "不涉及安全审查" in html and ART19["energy_note"] in html


def test_suspension_blocks_the_trial_with_article_24(built, personas, login):
    project = built(target="construction")
    unit = login(personas.jw_officer)
    unit.post(
        act("report_incident", project), {"kind": "delay", "description": "进度严重滞后三个月。"}
    )
    incident = Incident.objects.get(project=project)
    assert any("重大事项" in t.title for t in todos_for(personas.drc))
    drc = login(personas.drc)
    html = drc.get(page(project)).content.decode()
    assert 'data-testid="act-suspend-project-open"' in html
    assert 'data-testid="act-order-rectification-open"' in html
    assert "act-lift-suspension" not in html  # nothing suspended yet
    drc.post(act("suspend_project", incident), {"order_text": "暂停建设，限期整改。"})
    project.refresh_from_db()
    assert project.suspended_at is not None
    # the unit sees the trial disabled beside Art. 24
    unit = login(personas.jw_officer)
    html = unit.get(page(project)).content.decode()
    assert 'disabled data-testid="act-start-trial"' in html
    assert 'data-rule="R24.1"' in html and "第二十四条" in html
    response = unit.post(
        act("start_trial", project),
        {"trial_started_on": "2025-09-01", "next": page(project)},
        follow=True,
    )
    assert "第二十四条" in response.content.decode()
    assert phase_of(project) == Phase.CONSTRUCTION
    # lifting the suspension lets it go on
    drc = login(personas.drc)
    assert 'data-testid="act-lift-suspension-open"' in drc.get(page(project)).content.decode()
    drc.post(act("lift_suspension", incident), {"opinion": "整改到位。"})
    login(personas.jw_officer).post(act("start_trial", project), {"trial_started_on": "2025-09-01"})
    assert phase_of(project) == Phase.TRIAL


def test_other_units_and_unknown_verbs_get_404(built, personas, login):
    project = built(target="construction")
    other = login(personas.wj_officer)
    assert other.get(page(project)).status_code == 404
    trial = {"trial_started_on": "2025-09-01"}
    assert other.post(act("start_trial", project), trial).status_code == 404
    assert login(personas.jw_officer).post(act("nonsense", project)).status_code == 404
    # a reader who may not act gets 404 from the action, not a changed project
    finance = login(personas.finance)
    assert finance.get(page(project)).status_code == 200
    assert "act-start-trial" not in finance.get(page(project)).content.decode()
    assert finance.post(act("start_trial", project), trial).status_code == 404
    assert phase_of(project) == Phase.CONSTRUCTION


def test_supervisor_sees_and_reports_only_on_supervised_projects(built, personas, login):
    supervised = built(target="construction")
    other = built(target="construction")
    company = Organisation.objects.create(name="另一监理公司（测试）", kind=OrgKind.SUPERVISOR)
    actions.assign_supervisor(other, acting_user=personas.jw_officer, supervisor=company.pk)
    client = login(personas.supervisor)
    assert client.get(page(other)).status_code == 404
    listing = client.get(reverse("delivery:list")).content.decode()
    assert f'data-project="{supervised.pk}"' in listing
    assert f'data-project="{other.pk}"' not in listing
    assert any("监理报告" in t.title for t in todos_for(personas.supervisor))
    html = client.get(page(supervised)).content.decode()
    assert 'data-testid="act-submit-supervision-report-open"' in html
    client.post(
        act("submit_supervision_report", supervised),
        {"period": "2025年5月", "content": "按计划推进。", "opinion": "同意。"},
    )
    assert supervised.supervision_reports.count() == 1
    assert not any("监理报告" in t.title for t in todos_for(personas.supervisor))


def test_commissioned_post_evaluation_by_the_consultant(built, personas, login):
    project = built(target="documents")
    actions.accept_archives(
        project, acting_user=personas.bdb, checklist={"文书档案": True}, accepted_on="2025-11-05"
    )
    officer = personas.jw_officer
    actions.file_unit_acceptance(
        project, acting_user=officer, passed=True, held_on="2025-11-10", conclusion="通过", **ART19
    )
    unit = login(officer)
    unit.post(act("go_live", project), {"golive_on": "2025-11-20"})
    html = unit.get(page(project)).content.decode()
    assert 'data-testid="self-eval-window"' in html
    assert "act-go-live" not in html  # recorded once
    # the self-evaluation window opened 12 months after go-live (2026-11-20): offered now
    assert 'data-testid="act-submit-self-evaluation-open"' in html
    consultant_org = personas.consultant.active_memberships()[0].organisation
    login(personas.drc).post(
        act("commission_post_evaluation", project), {"consultant": consultant_org.pk}
    )
    post = PostEvaluation.objects.get(project=project)
    assert any("后评价" in t.title for t in todos_for(personas.consultant))
    consultant = login(personas.consultant)
    html = consultant.get(page(project)).content.decode()
    assert 'data-testid="act-submit-post-evaluation-open"' in html
    consultant.post(
        act("submit_post_evaluation", post),
        {
            "completed_on": "2026-10-01",
            "grade": "良好",
            "score": "85",
            "conclusion": "达到预期目标。",
        },
    )
    post.refresh_from_db()
    assert post.result is not None and post.result.grade == "良好"


def test_list_filters_by_phase(built, personas, login):
    building = built(target="construction")
    client = login(personas.bdb)
    html = client.get(reverse("delivery:list") + "?phase=construction").content.decode()
    assert f'data-project="{building.pk}"' in html
    html = client.get(reverse("delivery:list") + "?phase=completed").content.decode()
    assert f'data-project="{building.pk}"' not in html
    html = client.get(reverse("delivery:list") + "?phase=preparing").content.decode()
    assert f'data-project="{building.pk}"' not in html
    html = client.get(reverse("delivery:list") + "?suspended=true").content.decode()
    assert f'data-project="{building.pk}"' not in html
    # a value that is not a phase is said so, and lists nothing
    html = client.get(reverse("delivery:list") + "?phase=nonsense").content.decode()
    assert 'data-testid="filter-errors"' in html and f'data-project="{building.pk}"' not in html


@pytest.mark.parametrize("who", ["jw_officer", "bdb", "drc", "finance", "auditor"])
def test_pages_render_for_each_role(built, personas, login, who):
    project = built(target="completed")
    client = login(getattr(personas, who))
    assert client.get(page(project)).status_code == 200
    assert client.get(reverse("delivery:list")).status_code == 200
    assert client.get(reverse("delivery:calendar")).status_code == 200
