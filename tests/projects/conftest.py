"""Projects fixtures: the demo directory with filed master plans, and a walker that drives
projects through the lifecycle with the real actions."""

import pytest

from planning.demo import seed_planning
from projects.walk import Walker


@pytest.fixture
def planned(people, settings, tmp_path):
    """The demo directory plus the demo city plan and filed master plans of 市教委 and
    市卫生健康委 (with their data-governance records)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_planning(people)
    return people


@pytest.fixture
def walker(planned):
    return Walker(planned)


@pytest.fixture
def wj_walker(planned):
    return Walker(planned, "wj_tianbao")
