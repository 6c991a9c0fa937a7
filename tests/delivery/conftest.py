"""Delivery fixtures: approved projects from the real lifecycle, carried through construction
with the real actions (``helpers``)."""

import pytest

from .helpers import approved, carry, prepare, upload_materials


@pytest.fixture
def built(walker):
    """Returns ``build(name, wan, target)``: an approved project carried to ``target`` phase
    (construction, trial, completed, documents: completed with every acceptance material) with
    the real actions of 市教委."""
    officer = walker.officer

    def build(name="学生资助精准认定系统", wan="800", target="construction", started="2025-03-01"):
        project = approved(walker, name, wan)
        prepare(project, officer)
        carry(project, officer, "completed" if target == "documents" else target, started=started)
        if target == "documents":
            upload_materials(project, officer)
        return project

    return build
