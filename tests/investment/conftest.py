"""Investment fixtures: approved projects built by the real lifecycle, and helpers."""

import pytest

from investment import actions
from investment.models import IndicatorCategory


def full_indicators():
    """One indicator under every second-level category: a complete table."""
    return [
        {
            "category": c.pk,
            "name": f"{c.name}示例",
            "target_value": "100",
            "unit": "%",
            "is_quantitative": True,
            "formula": "完成数/计划数×100%",
        }
        for c in IndicatorCategory.objects.filter(parent__isnull=False)
    ]


@pytest.fixture
def approved(walker):
    """An 800万 single-stage project of 市教委, approved, with a complete performance table."""
    project = walker.create("学生资助精准认定系统", "800")
    project = walker.walk(project, "approved")
    actions.save_performance_table(
        project,
        acting_user=walker.officer,
        year=project.year,
        overall_goal="实现学生资助对象精准认定。",
        indicators=full_indicators(),
    )
    return project
