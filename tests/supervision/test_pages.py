"""The chapter's pages: each authority's workspace, the lists with their filter sets, the page of
each record with its card, a unit's compliance page, a project's supervision page, the public
criticisms and the official notices; what other chapters' pages show (duties, the panel)."""

import pytest

from catalog.models import InformationSystem
from supervision import actions

from .conftest import SANCTION


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_workspace_of_an_authority_and_of_a_unit(
    personas, login, project, overdue_order, order_on
):
    order = overdue_order(project)
    page = html(login(personas.drc).get("/supervision/"))
    assert 'data-testid="sanctionable"' in page and order.number in page
    # a unit goes to its own compliance page; a consultant has no workspace
    response = login(personas.jw_officer).get("/supervision/")
    assert response.status_code == 302 and response.url == f"/supervision/units/{project.unit_id}/"
    assert login(personas.consultant).get("/supervision/").status_code == 404


@pytest.mark.parametrize(
    "path", ["requests", "orders", "sanctions", "audit-findings", "violations", "notices", "units"]
)
def test_every_list_renders(personas, login, project, overdue_order, path):
    overdue_order(project)
    assert login(personas.drc).get(f"/supervision/{path}/").status_code == 200


def test_a_list_filters_and_shows_a_bad_filter(personas, login, project, order_on, overdue_order):
    late = overdue_order(project)
    on_time = order_on(project)
    page = html(login(personas.drc).get("/supervision/orders/?state=overdue"))
    assert late.number in page and on_time.number not in page
    page = html(login(personas.drc).get("/supervision/orders/?state=nonsense"))
    assert 'data-testid="filter-error"' in page and late.number not in page


def test_the_unit_answers_on_the_request_page(personas, login, project, request_on):
    req = request_on(project)
    page = html(login(personas.jw_officer).get(req.get_absolute_url()))
    assert (
        'data-testid="act-answer-request-open"' in page
        and 'data-testid="act-decline-request"' in page
    )
    assert 'data-testid="notice-number"' in page and "documents" in page
    # the issuer is offered nothing yet; another unit does not see the request
    page = html(login(personas.drc).get(req.get_absolute_url()))
    assert "act-answer-request" not in page and "act-withdraw-request" in page
    assert login(personas.wj_officer).get(req.get_absolute_url()).status_code == 404
    # the answer posted to the card's action
    response = login(personas.jw_officer).post(
        f"/act/supervision.answer_request/{req.pk}/",
        {"answer": "材料已上传。", "attest": "on"},
    )
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.state == "answered"


def test_the_order_page_offers_the_sanctions_to_drc_and_finance_only(
    personas, login, project, overdue_order
):
    order = overdue_order(project)
    page = html(login(personas.drc).get(order.get_absolute_url()))
    for testid in (
        "issue-criticism",
        "defer-investment",
        "suspend-construction",
        "terminate-project",
    ):
        assert f'data-testid="act-{testid}-open"' in page, testid
    page = html(login(personas.bdb).get(order.get_absolute_url()))
    assert "act-suspend-construction" not in page
    page = html(login(personas.jw_officer).get(order.get_absolute_url()))
    assert (
        'data-testid="act-report-rectification-open"' in page
        and "act-suspend-construction" not in page
    )


def test_a_sanction_shows_on_the_project_and_unit_pages(personas, login, project, overdue_order):
    order = overdue_order(project)
    sanction = actions.suspend_construction(order, acting_user=personas.drc, **SANCTION)
    page = html(login(personas.jw_officer).get(f"/projects/{project.pk}/"))
    assert "项目建设已暂停" in page and sanction.number in page
    page = html(login(personas.jw_officer).get(f"/supervision/projects/{project.pk}/"))
    assert 'data-testid="open-sanctions"' in page and sanction.number in page
    page = html(login(personas.jw_officer).get(f"/supervision/units/{project.unit_id}/"))
    assert sanction.number in page
    page = html(login(personas.jw_officer).get(sanction.get_absolute_url()))
    assert sanction.reasons in page and 'data-testid="notice"' in page
    assert (
        login(personas.wj_officer).get(f"/supervision/units/{project.unit_id}/").status_code == 404
    )


def test_a_criticism_is_a_public_notice(personas, login, project, overdue_order):
    order = overdue_order(project)
    criticism = actions.issue_criticism(order, acting_user=personas.finance, **SANCTION)
    page = html(login(personas.wj_officer).get("/supervision/notices/"))  # another unit sees it
    assert criticism.number in page
    page = html(login(personas.wj_officer).get(f"/supervision/notices/sanction/{criticism.pk}/"))
    assert 'data-testid="official-notice"' in page and "通报批评" in page


def test_the_unit_page_offers_orders_and_requests_to_authorities(personas, login, project):
    page = html(login(personas.psb).get(f"/supervision/units/{project.unit_id}/"))
    assert 'data-testid="act-order-unit-rectification-open"' in page
    assert 'data-testid="act-request-unit-materials-open"' in page
    page = html(login(personas.auditor).get(f"/supervision/units/{project.unit_id}/"))
    assert 'data-testid="act-record-unit-audit-finding-open"' in page
    assert "act-order-unit-rectification" not in page


def test_the_system_page_shows_the_supervision_panel(
    personas, login, project, overdue_order, jw_unit
):
    system = InformationSystem.objects.create(
        code="SYS-T1", name="学生资助系统", unit=jw_unit, category="business"
    )
    system.projects.add(project)
    actions.terminate_project(overdue_order(project), acting_user=personas.drc, **SANCTION)
    page = html(login(personas.drc).get(system.get_absolute_url()))
    assert 'data-testid="supervision-panel"' in page and "项目实施已终止" in page


def test_the_project_card_offers_an_order_to_the_authorities(personas, login, project):
    page = html(login(personas.drc).get(f"/projects/{project.pk}/"))
    assert 'data-testid="act-order-rectification-open"' in page
    assert 'data-testid="act-request-materials-open"' in page
    page = html(login(personas.jw_officer).get(f"/projects/{project.pk}/"))
    assert "act-order-rectification" not in page


def test_the_rules_page_shows_the_chapter_s_requirements_implemented(personas, login):
    page = html(login(personas.jw_officer).get("/policy/rules/"))
    for rid in ("R34.1", "R35.1", "R35.2", "R36.1", "R37.2", "R38.1"):
        row = page.rsplit(f'<td class="font-monospace">{rid}</td>', 1)[1].split("</tr>", 1)[0]
        assert "已实现" in row, rid


def test_the_register_page_shows_what_blocks_the_outcome(personas, login, project):
    entry = actions.record_violation(
        project, acting_user=personas.drc, kind="waste", facts="闲置设备。"
    )
    page = html(login(personas.drc).get(entry.get_absolute_url()))
    assert 'data-testid="offer-blocked" data-action="supervision.record_violation_outcome"' in page
    assert "R38.1" in page and "尚未登记负有直接责任的主管人员" in page
    assert 'data-testid="act-add-responsible-person-open"' in page
    page = html(login(personas.jw_officer).get(entry.get_absolute_url()))
    assert 'data-testid="nothing-to-do"' in page


def test_the_audit_finding_page_offers_each_role_its_act(personas, login, project):
    finding = actions.record_audit_finding(
        project, acting_user=personas.auditor, aspect="efficiency", facts="闲置。"
    )
    assert "act-respond-to-audit-finding-open" in html(
        login(personas.jw_officer).get(finding.get_absolute_url())
    )
    page = html(login(personas.auditor).get(finding.get_absolute_url()))
    assert "act-refer-audit-finding-open" in page and "act-close-audit-finding-open" in page
    page = html(login(personas.drc).get(finding.get_absolute_url()))
    assert "act-order-from-audit-finding" not in page and 'data-testid="nothing-to-do"' in page


def test_the_panel_tag_for_pages_that_do_not_render_the_registered_panels(
    personas, rf, project, overdue_order
):
    from django.template import Context, Template

    sanction = actions.issue_criticism(overdue_order(project), acting_user=personas.drc, **SANCTION)
    request = rf.get("/")
    request.user = personas.jw_officer
    out = Template("{% load supervision_tags %}{% supervision_panel project %}").render(
        Context({"request": request, "project": project})
    )
    assert 'data-testid="supervision-panel"' in out and sanction.number in out
