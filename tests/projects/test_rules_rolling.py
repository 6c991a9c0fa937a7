"""Art. 8 (R8.4): the project list follows the 3-year rolling plan. A project listed for a
year beyond this year and the two following is listed with an advisory saying when it enters
a published list; within the window nothing is said."""

import pytest

from core.dates import today
from policy.models import Outcome
from projects.models import ProjectState

from .helpers import last_decision

pytestmark = pytest.mark.django_db
NEW = "学生资助精准认定系统"


def window_findings():
    decision = last_decision("projects.list")
    assert decision.outcome != Outcome.BLOCK
    return [f for f in decision.findings if f["rule_id"] == "R8.4.window"]


def test_R8_4_beyond_the_window_listed_with_an_advisory(walker):
    year = today().year + 3
    project = walker.walk(walker.create(NEW, "300", year=year), ProjectState.LISTED)
    assert project.state == ProjectState.LISTED  # an advisory never blocks
    [finding] = window_findings()
    assert finding["severity"] == "warn" and finding["article"] == "第八条"
    assert f"{year} 年超出本期三年滚动规划" in finding["message"]
    assert f"{year - 2} 年及以后" in finding["message"]


def test_R8_4_within_the_window_nothing_said(walker):
    walker.walk(walker.create(NEW, "300", year=today().year + 2), ProjectState.LISTED)
    assert window_findings() == []
