"""Registry pages of the projects chapter: the versioned project list (R8.2) with its diff and
xlsx export, and the lifecycle table of the project's machine; navigation under 项目审批."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.navigation import items_for
from projects import actions
from projects.exports import XLSX_HEADERS
from projects.machines import PROJECT
from projects.models import ProjectListState, ProjectListVersion, ProjectState, ReviewKind
from tests import xlsx_check

YEAR = 2026
LISTS = "/projects/lists/"


def _listed(walker, name, wan, priority):
    project = walker.create(name, wan, year=YEAR)
    walker.submit(project)
    project = walker.list(project, priority=priority)
    assert project.state == ProjectState.LISTED
    return project


def _return_at_joint_review(walker, personas, project):
    project = walker.walk(project, ProjectState.JOINT_REVIEW)
    review = walker.open_review(project, ReviewKind.JOINT, "cac")
    return actions.return_project(review, acting_user=personas.cac, opinion="请补充网络安全方案。")


def _reject_at_drc(walker, personas, project):
    project = walker.walk(project, ProjectState.DRC_REVIEW)
    review = walker.open_review(project, ReviewKind.DRC_APPROVAL)
    return actions.reject_project(review, acting_user=personas.drc, opinion="建设必要性不足。")


@pytest.fixture
def two_versions(planned, personas, login, walker):
    """v1: A (800, p1) and B (1,200, p2). Then DRC rejects A (removed); B is returned by the
    joint review, which keeps it on the list, and its amount revised to 1,500 (changed); C is
    listed (added): v2."""
    a = _listed(walker, "学生资助精准认定系统", "800", 1)
    b = _listed(walker, "教育数据资源标准体系及数据治理工程", "1200", 2)
    bdb = login(personas.bdb)
    resp = bdb.post(f"{LISTS}publish/", {"year": YEAR, "note": "第一批"})
    v1 = ProjectListVersion.objects.get(year=YEAR, number=1)
    assert resp.status_code == 302 and resp["Location"] == f"{LISTS}{v1.pk}/"
    assert _reject_at_drc(walker, personas, a).state == ProjectState.REJECTED
    assert _return_at_joint_review(walker, personas, b).state == ProjectState.RETURNED
    actions.update_project(b, acting_user=walker.officer, total_investment_wan="1500")
    c = _listed(walker, "智慧教育综合服务平台（二期）", "3500", 3)
    bdb.post(f"{LISTS}publish/", {"year": YEAR, "note": "第二批"})
    v2 = ProjectListVersion.objects.get(year=YEAR, number=2)
    return v1, v2, (a, b, c)


def test_R8_2_publishing_a_new_version_supersedes_the_old_and_shows_the_diff(
    two_versions, personas, login
):
    v1, v2, (a, b, c) = two_versions
    v1.refresh_from_db()
    assert v1.state == ProjectListState.SUPERSEDED and v2.state == ProjectListState.PUBLISHED
    assert [e.project for e in v1.entries.all()] == [a, b]
    assert {e.project for e in v2.entries.all()} == {b, c}
    client = login(personas.jw_officer)
    html = client.get(LISTS).content.decode()
    assert html.count('data-testid="list-version-row"') == 2
    assert "已被新版本取代" in html and "已发布" in html
    assert "2,000.00" in html and "5,000.00" in html  # totals of v1 and v2 in 万元
    html = client.get(f"{LISTS}{v2.pk}/").content.decode()
    added = html.split('data-testid="diff-added"')[1].split("</ul>")[0]
    removed = html.split('data-testid="diff-removed"')[1].split("</ul>")[0]
    changed = html.split('data-testid="diff-changed"')[1].split("</ul>")[0]
    assert "智慧教育综合服务平台（二期）" in added and "3,500.00" in added
    assert "学生资助精准认定系统" in removed
    assert "教育数据资源标准体系及数据治理工程" in changed
    assert "1,200.00 → 1,500.00" in changed
    assert f'href="/projects/{c.pk}/"' in html  # the unit's own project is linked
    old = client.get(f"{LISTS}{v1.pk}/").content.decode()
    assert "这是本年度第一版项目清单" in old and f'href="{LISTS}{v2.pk}/"' in old
    # BDB sees what the next publication would hold: B (returned after listing) and C
    assert "2026 年：2 个已列入项目" in login(personas.bdb).get(LISTS).content.decode()


def test_R8_2_list_is_readable_by_all_but_projects_link_only_where_visible(
    two_versions, personas, login
):
    _v1, v2, (_a, _b, c) = two_versions
    html = login(personas.wj_officer).get(f"{LISTS}{v2.pk}/").content.decode()
    assert "智慧教育综合服务平台（二期）" in html and f'href="/projects/{c.pk}/"' not in html
    assert login(personas.wj_officer).get(f"{LISTS}99999/").status_code == 404


def test_R8_2_only_bdb_publishes_and_not_without_listed_projects(planned, personas, login):
    officer = login(personas.jw_officer)
    assert 'data-testid="publish-list"' not in officer.get(LISTS).content.decode()
    assert officer.post(f"{LISTS}publish/", {"year": YEAR}).status_code == 404
    bdb = login(personas.bdb)
    assert 'data-testid="publish-list"' in bdb.get(LISTS).content.decode()
    resp = bdb.post(f"{LISTS}publish/", {"year": YEAR}, follow=True)
    assert "尚无列入项目清单的项目" in resp.content.decode()
    resp = bdb.post(f"{LISTS}publish/", {"year": "二〇二六"}, follow=True)
    assert "四位年份" in resp.content.decode()
    assert not ProjectListVersion.objects.exists()


def test_R8_2_xlsx_export(planned, personas, login, walker):
    _listed(walker, "学生资助精准认定系统", "812.5", 1)
    _listed(walker, "教育数据资源标准体系及数据治理工程", "1200.25", 2)
    version = walker.publish(YEAR)
    resp = login(personas.finance).get(f"{LISTS}{version.pk}/xlsx/")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in resp["Content-Disposition"] and ".xlsx" in resp["Content-Disposition"]
    ws = load_workbook(BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == XLSX_HEADERS and "总投资（万元）" in rows[0]
    assert ws.freeze_panes == "A2"
    body = rows[1:-1]
    assert [r[3] for r in body] == ["学生资助精准认定系统", "教育数据资源标准体系及数据治理工程"]
    assert [r[1] for r in body] == ["重庆市教育委员会"] * 2
    assert [Decimal(str(r[5])) for r in body] == [Decimal("812.5"), Decimal("1200.25")]
    assert [r[6] for r in body] == [1, 2]
    assert ws.cell(row=2, column=6).number_format == "#,##0.00"
    total = rows[-1]
    assert total[0] == "合计" and Decimal(str(total[5])) == Decimal("2012.75")
    assert login(personas.jw_officer).get(f"{LISTS}999/xlsx/").status_code == 404
    # one rule for every export: a named sheet with an autofilter, SUM() equal to 合计
    xlsx_check.check_file(resp.content)
    assert ws.title == f"{YEAR}年第{version.number}版" and ws.auto_filter.ref == "A1:G3"
    assert xlsx_check.check_money(ws, "总投资（万元）") == Decimal("2012.75")


def test_R8_2_list_export_sums_exact_amounts_not_rounded_rows(planned, personas, walker):
    # given two entries of 1,234,550.00 yuan (123.455 万元 each)
    from projects.exports import list_version_xlsx
    from projects.models import ProjectListEntry

    _listed(walker, "学生资助精准认定系统", "812.5", 1)
    _listed(walker, "教育数据资源标准体系及数据治理工程", "1200.25", 2)
    version = walker.publish(YEAR)
    ProjectListEntry.objects.filter(version=version).update(amount=Decimal("1234550.00"))
    ws = xlsx_check.read(list_version_xlsx(version)).worksheets[0]
    # then the rows hold 123.455 (shown 123.46) and 合计 their exact sum 246.91, not 246.92
    assert [xlsx_check.exact(ws.cell(r, 6).value) for r in (2, 3)] == [Decimal("123.455")] * 2
    assert xlsx_check.check_money(ws, "总投资（万元）") == Decimal("246.91")


def test_lifecycle_page_lists_every_transition_with_gates_and_articles(personas, login):
    html = login(personas.jw_officer).get("/projects/lifecycle/").content.decode()
    for t in PROJECT.transitions:
        assert f'data-code="{t.code}"' in html
        if t.gate:
            assert t.gate in html
    assert html.count('data-testid="transition"') == len(PROJECT.transitions)
    # roles and states by their labels; rules with their articles, linked to the rule page
    assert "大数据局审核人" in html and "已列入项目清单" in html
    assert "第十三条 · R13.1" in html and "第九条 · R9.3" in html
    assert 'href="/policy/rules/"' in html
    # gates outside the state machine: creating a project, the framework plan
    assert "projects.create" in html and "projects.framework.submit" in html


def test_navigation_group_of_the_registry_pages(personas):
    def links(user):
        group = next(e for e in items_for(user) if str(e["label"]) == "项目审批")
        return {c["url_name"] for c in group["children"]}

    assert {"projects:lists", "projects:frameworks", "projects:lifecycle"} <= links(
        personas.jw_officer
    )
    assert "projects:stubs" not in links(personas.jw_officer)
    assert "projects:stubs" in links(personas.drc)
    assert "projects:frameworks" not in links(personas.consultant)
