"""Demo projects, one or more in every state of the lifecycle, built with the real actions by
the real demo roles (so the demo ledger tells how each got there). Idempotent: when projects
already exist nothing is added.

Also: a published project list, a returned and a rejected project, a cross-department
framework with BDB's opinion, a classified-project stub and a requirement received from the
渝快办 channel."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Organisation
from core.dates import today

from . import actions
from .models import ListCriterion, Project, ProjectState, ReviewKind
from .walk import Walker

S = ProjectState

# (unit user, project name, master-plan item, 万元, target state)
JW_PLAN = [
    ("智慧教育综合服务平台（二期）", "智慧教育综合服务平台（二期）", "3500", S.APPROVED),
    ("学生资助精准认定系统", "学生资助精准认定系统", "800", S.APPROVED),
    ("教育数据资源标准体系及数据治理工程", None, "1200", S.DRC_REVIEW),
    ("学生资助数据共享接口改造", "学生资助精准认定系统", "260", S.JOINT_REVIEW),
    ("智慧教育平台移动端", "智慧教育综合服务平台（二期）", "3200", S.FSR_APPROVED),
    ("教育督导信息系统", "学生资助精准认定系统", "4200", S.DESIGN_REVIEW),
    ("教育考试安全监管平台", "学生资助精准认定系统", "3800", S.DESIGN_DRC_REVIEW),
]
WJ_PLAN = [
    ("互联网医院监管平台", "互联网医院监管平台", "1500", S.EVALUATION),
    ("全民健康信息平台运维", "全民健康信息平台运维", "600", S.LISTED),
    ("电子健康档案共享调阅系统", "电子健康档案共享调阅系统", "900", S.LIST_REVIEW),
    ("全民健康信息数据治理与标准化工程", None, "700", S.SUBMITTED),
    ("基层医疗机构数据直报系统", "互联网医院监管平台", "450", S.DRAFT),
]


def _walk(walker, name, item, wan, target):
    if walker.officer.username == "jw_tianbao":
        # the platform the 市教委 expansions improve (R31.4.systems-named), catalogued first
        from catalog.demo import register

        register(walker.officer, "JW-SYS-001", "重庆市教育管理公共服务平台",
                 curate_by=walker.p["dsj_shenhe"])  # fmt: skip
    project = walker.create(name, wan, item_name=item or name)
    if project.kind == "expansion":
        walker.attach(project, "post_evaluation", "原项目第三方后评价报告")
    if target == S.LIST_REVIEW:  # 签收 by BDB, decision still open
        project = walker.walk(project, S.SUBMITTED)
        review = walker.open_review(project, ReviewKind.LIST)
        actions.start_review(review, acting_user=walker.p["dsj_shenhe"])
        return project
    return walker.walk(project, target)


def _returned_and_rejected(walker, people):
    returned = walker.create("教育装备管理系统", "300", item_name="学生资助精准认定系统")
    walker.submit(returned)
    review = walker.open_review(returned, ReviewKind.LIST)
    actions.start_review(review, acting_user=people["dsj_shenhe"])
    actions.decide_list_review(
        review,
        acting_user=people["dsj_shenhe"],
        decision="return",
        criteria={c: {"verdict": "partial", "opinion": "需补充。"} for c in ListCriterion.values},
        opinion="请补充与市级共性平台的整合方案和数据共享清单后重新报送。",
    )
    rejected = walker.create("教育系统独立机房改造", "2000", item_name="学生资助精准认定系统")
    walker.submit(rejected)
    review = walker.open_review(rejected, ReviewKind.LIST)
    actions.decide_list_review(
        review,
        acting_user=people["dsj_shenhe"],
        decision="reject",
        criteria={
            c: {"verdict": "fail", "opinion": "不符合集约化要求。"} for c in ListCriterion.values
        },
        opinion="应依托数字重庆云部署，不新建独立机房（第二十条），不予列入。",
    )


def _framework(people):
    jw, wj = people["jw_tianbao"], people["wj_tianbao"]
    fw = actions.create_framework(
        acting_user=jw,
        lead_unit=jw.primary_organisation,
        title="医教协同学生健康管理平台",
        goals="打通学生体检、疫苗接种和在校健康数据，实现一数一源、协同服务。",
        main_content="学生健康档案、体检数据共享、校园传染病监测预警。",
        data_catalog="学生基本信息、体检结果、疫苗接种记录、传染病报告。",
    )
    actions.set_framework_participant(
        fw,
        acting_user=jw,
        unit=jw.primary_organisation,
        business_flow="学校采集学生基本信息，推送至健康档案。",
        data_flow="学籍库 → 市一体化数据资源平台 → 卫健健康档案。",
        interfaces="学籍查询接口、体检结果回传接口。",
        content_items=["学生健康档案", "校园传染病监测预警"],
    )
    actions.set_framework_participant(
        fw,
        acting_user=jw,
        unit=wj.primary_organisation,
        business_flow="医疗机构体检结果、疫苗接种记录归集。",
        data_flow="卫健数据 → 市一体化数据资源平台 → 教育部门。",
        interfaces="体检数据共享接口、接种记录查询接口。",
        content_items=["体检数据共享"],
    )
    district = Organisation.objects.filter(kind="district").order_by("pk").first()
    if district is not None:
        actions.add_framework_district(
            fw,
            acting_user=jw,
            district=district,
            linked_project=f"{district.display_name}学生健康服务配套项目",
        )
    actions.submit_framework(fw, acting_user=jw)
    actions.review_framework(
        fw,
        acting_user=people["dsj_shenhe"],
        agree=True,
        opinion="框架方案分工清晰、内容不重复，同意各参与单位据此申报本部门项目。",
    )


@transaction.atomic
def seed_projects(people: dict) -> None:
    if Project.objects.exists():
        return
    jw_walker = Walker(people, "jw_tianbao")
    wj_walker = Walker(people, "wj_tianbao")
    for name, item, wan, target in JW_PLAN:
        _walk(jw_walker, name, item, wan, target)
    for name, item, wan, target in WJ_PLAN:
        _walk(wj_walker, name, item, wan, target)
    _returned_and_rejected(jw_walker, people)
    _framework(people)
    drc = people["fgw_jingban"]
    actions.record_classified_stub(
        acting_user=drc,
        unit=people["jw_tianbao"].primary_organisation,
        year=today().year,
        amount_wan="560",
    )
    actions.receive_external_requirement(
        acting_user=people["wj_tianbao"],
        external_ref="YKB-2026-000123",
        unit=people["wj_tianbao"].primary_organisation,
        name="群众就医一件事线上办理需求",
        kind="new",
        year=today().year + 2,
        total_investment_wan="150",
        requirement="来自渝快办平台的群众诉求汇总：挂号、缴费、报告查询一次办理。",
    )
