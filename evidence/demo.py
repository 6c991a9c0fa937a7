"""Demo evidence, built with the real actions after the other chapters' demo data: 市教委
proposes a student health-record platform that duplicates 市卫生健康委's catalogued
电子健康档案共享调阅系统 and plans to collect 公民身份号码, which 市卫生健康委's authoritative
全员人口基础信息 provides; BDB has started its list review with the evidence beside it. A
catalogued 市教委 system's copy of an authoritative item is confirmed as duplicate collection.
Published lists cover this year and the two following (the 3-year rolling list). Idempotent."""

from __future__ import annotations

from core.dates import today
from projects.models import Project, ProjectListState, ProjectListVersion, ProjectState, ReviewKind
from projects.walk import Walker

from . import actions, check
from .models import CollectionFinding, FindingState
from .reindex import rebuild

DUPLICATE_NAME = "学生电子健康档案共享调阅平台"


def _duplicate_project(people: dict) -> Project | None:
    if Project.objects.filter(name=DUPLICATE_NAME).exists():
        return None
    walker = Walker(people, "jw_tianbao")
    project = walker.create(
        DUPLICATE_NAME,
        "680",
        item_name="学生资助精准认定系统",
        requirement="汇聚中小学生电子健康档案，支持医疗机构和学校共享调阅学生健康档案和体检结果。",
    )
    actions.describe_requirement(
        project,
        acting_user=people["jw_tianbao"],
        goals="学生健康档案一数一源，家校医协同。",
        functions="电子健康档案共享调阅\n学生体检结果调阅\n慢病学生健康管理",
        collected_items="公民身份号码\n学生姓名\n体检结果",
        shared_items="慢病标识",
    )
    walker.submit(project)
    return project


def _rolling_years(people: dict) -> None:
    """A project listed for each of this year and the two following, and this year's list
    published again so that it carries all three (Art. 8: 3年滚动规划)."""
    walker = Walker(people, "jw_tianbao")
    added = False
    for offset, name in enumerate(("教育统计分析系统", "教育装备资产管理系统", "校园安全预警系统")):
        year = today().year + offset
        if ProjectListVersion.objects.filter(year=year, state=ProjectListState.PUBLISHED).exists():
            continue
        project = walker.create(name, str(300 + 100 * offset), item_name="学生资助精准认定系统",
                                year=year)  # fmt: skip
        walker.walk(project, ProjectState.LISTED)
        added = True
    if added:
        walker.publish(today().year)


def seed_evidence(people: dict) -> None:
    """``people`` by username (``accounts.demo.seed_directory``)."""
    _rolling_years(people)
    project = _duplicate_project(people)
    rebuild()
    if project is None:
        return
    if check.current_set(project) is None:
        check.take_snapshot(project, trigger="projects.submit_project")
    review = Walker(people, "jw_tianbao").open_review(project, ReviewKind.LIST)
    from projects import actions as project_actions

    project_actions.start_review(review, acting_user=people["dsj_shenhe"])
    system_copy = CollectionFinding.objects.filter(
        system__isnull=False, state=FindingState.OPEN
    ).first()
    if system_copy is not None:
        actions.confirm_duplicate_collection(
            system_copy,
            acting_user=people["dsj_shenhe"],
            reason="该信息项由全员人口基础信息权威提供，应通过共享获取（第三十一条）。",
        )
