"""Issue 17: submission runs R8.5 and R31.2 on one read of the requirement profile and of
the systems it declares it changes (``core.memo`` within the gate), with a real index."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence import actions
from policy.engine import preview_gate
from projects.models import Project
from projects.services import project_context
from projects.walk import Walker

pytestmark = pytest.mark.django_db


def test_submission_reads_the_profile_and_its_systems_once(city):
    officer = city["p"].wj_officer
    project = Walker(city["people"], "wj_tianbao").create(
        "电子健康档案共享调阅系统升级", "300", item_name="电子健康档案共享调阅系统",
        requirement="汇聚居民电子健康档案和电子病历，支持共享调阅。",
    )  # fmt: skip
    actions.describe_requirement(project, acting_user=officer, functions="共享调阅",
                                 collected_items="身份证号", systems=[city["health"].pk])  # fmt: skip
    project = Project.objects.select_related("unit").get(pk=project.pk)
    with CaptureQueriesContext(connection) as captured:
        preview_gate("projects.submit", project_context(project))
    sqls = [q["sql"] for q in captured.captured_queries]
    assert sum('FROM "evidence_requirementprofile"' in s for s in sqls) == 1, sqls
    assert sum("evidence_requirementprofile_systems" in s for s in sqls) == 1, sqls
