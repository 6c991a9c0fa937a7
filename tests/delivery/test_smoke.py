import pytest

from core.errors import ActionBlocked
from delivery import actions
from delivery.models import Phase
from delivery.services import project_due_items
from delivery.sweep import sweep

from .helpers import ART19


def test_single_path_acceptance_and_clocks(built, personas, walker):
    project = built(target="documents")
    with pytest.raises(ActionBlocked) as exc:
        actions.file_unit_acceptance(
            project,
            acting_user=personas.jw_officer,
            passed=True,
            held_on="2026-01-10",
            conclusion="通过",
        )
    assert {f.rule_id for f in exc.value.findings} >= {"R29.1"}
    actions.accept_archives(
        project,
        acting_user=personas.bdb,
        checklist={"文书档案": True, "电子文件": True},
        accepted_on="2026-01-05",
    )
    actions.file_unit_acceptance(
        project,
        acting_user=personas.jw_officer,
        passed=True,
        held_on="2026-01-10",
        conclusion="通过",
        **ART19,
    )
    project.delivery.refresh_from_db()
    assert project.delivery.phase == Phase.ACCEPTED
    items = {i.kind: i for i in project_due_items(project)}
    assert items["acceptance"].done
    created = sweep()
    assert sweep() == 0 or created >= 0
