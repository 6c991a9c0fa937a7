"""The demo data has projects in every state of the lifecycle (issue 3: done when…)."""

from core.ledger import verify_ledger
from projects.demo import seed_projects
from projects.models import ClassifiedStub, Framework, Project, ProjectListVersion, ProjectState


def test_demo_has_every_state_and_is_idempotent(planned):
    seed_projects(planned)
    states = set(Project.objects.values_list("state", flat=True))
    assert states == set(ProjectState.values)
    assert Project.objects.filter(state="approved", approval_path="two").exists()
    assert Project.objects.filter(state="approved", approval_path="single").exists()
    assert ProjectListVersion.objects.filter(state="published").exists()
    assert Framework.objects.filter(state="reviewed").exists()
    assert ClassifiedStub.objects.count() == 1
    assert Project.objects.filter(channel="yukuaiban").count() == 1
    count = Project.objects.count()
    seed_projects(planned)
    assert Project.objects.count() == count
    assert verify_ledger().ok
