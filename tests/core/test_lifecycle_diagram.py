"""Issue 18 pt 11: the project page draws the project's lifecycle from its machine, with the
current state filled and the way the project came drawn dark."""

import re

from core.diagram import layers, lifecycle_svg
from projects.machines import PROJECT
from projects.models import ProjectState


def test_states_are_layered_by_their_distance_from_the_first():
    rows = layers(PROJECT)
    assert rows[0] == [ProjectState.DRAFT]
    assert ProjectState.SUBMITTED in rows[1]
    assert sorted(s for row in rows for s in row) == sorted(ProjectState.values)


def test_the_diagram_marks_the_current_state_and_the_way_taken():
    svg = str(
        lifecycle_svg(
            PROJECT,
            ProjectState.LISTED,
            [("", ProjectState.DRAFT), (ProjectState.DRAFT, ProjectState.SUBMITTED),
             (ProjectState.SUBMITTED, ProjectState.LIST_REVIEW),
             (ProjectState.LIST_REVIEW, ProjectState.LISTED)],
        )
    )  # fmt: skip
    kinds = {
        state: kind for kind, state in re.findall(r'govit-state-(\w+)" data-state="(\w+)"', svg)
    }
    assert kinds[ProjectState.LISTED] == "current"
    assert kinds[ProjectState.DRAFT] == kinds[ProjectState.SUBMITTED] == "visited"
    assert kinds[ProjectState.APPROVED] == "other"
    assert sorted(kinds) == sorted(ProjectState.values)  # every state is drawn
    assert svg.count("govit-edge-taken") == 3  # draft→submitted→list review→listed
    assert "当前状态：" + PROJECT.state_label("listed") in svg
    assert "草稿 → " in svg  # the way, in words, for a screen reader
    assert 'role="img"' in svg


def test_the_project_page_shows_its_diagram(walker, personas, client):
    project = walker.submit(walker.create("学生资助精准认定系统", "800"))
    client.force_login(personas.jw_officer)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="lifecycle-diagram"' in html
    assert 'govit-state-current" data-state="submitted"' in html
    assert 'govit-state-visited" data-state="draft"' in html
    assert html.count("govit-edge-taken") == 1
