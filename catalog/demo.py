"""Demo catalog data, built with the real actions by the real demo roles, and the small builders
the demo, the tests and the benchmark share (as ``projects/walk.py`` does for projects).

``seed_catalog(people)`` gives the demo units systems that are eligible for O&M funding and
systems refused for each distinct reason (R28.4, R31.1, R31.2 overdue request / private-only
resource / duplicate collection, R31.3, R32.1, R33.1), data resources with information items (an
authoritative 人口 resource of 市卫生健康委 and a duplicate of it at 市教委), sharing requests
(answered, pending, overdue) with usage feedback, and one decision run for next year.

Idempotent: objects that exist (by code) are left alone. Call it after ``seed_projects``: the
failed acceptance of R28.4 walks a project of its own, and ``seed_projects`` adds nothing once
any project exists.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.roles import Role
from core.dates import today

from . import actions
from .models import (
    DataResource,
    InformationSystem,
    IsolationState,
    OMRun,
    OMRunState,
    SharingRequest,
    SharingState,
)

FAILED_PROJECT = "教育收费监管系统"  # walked to a failed acceptance (R28.4)


def sound(**over) -> dict:
    """Fields of a system that meets every O&M condition (assessed recently, in use)."""
    recent = (today() - dt.timedelta(days=60)).isoformat()
    fields = {
        "category": "business",
        "mlps_level": 3,
        "mlps_filing_number": "50010399001-00001",
        "mlps_evaluated_on": recent,
        "mlps_result": "pass",
        "crypto_assessed_on": recent,
        "crypto_result": "pass",
        "users_count": 1200,
        "monthly_visits": 35000,
        "last_maintained_on": (today() - dt.timedelta(days=20)).isoformat(),
    }
    fields.update(over)
    return fields


def bdb_reviewer():
    """A reviewer of the Big Data Development Bureau (from the demo directory)."""
    from accounts.models import User

    return (
        User.objects.filter(memberships__role=Role.BDB_REVIEWER, is_active=True)
        .order_by("username")
        .first()
    )


def register(officer, code, name, *, curate_by=None, **over) -> InformationSystem:
    """A system of the officer's unit, sound unless ``over`` says otherwise, curated into the
    master catalog when ``curate_by`` (a BDB reviewer) is given. A system that should have
    been integrated is marked so by BDB (Art. 33). Returns an existing one as is."""
    existing = InformationSystem.objects.filter(code=code).first()
    if existing is not None:
        return existing
    integration = over.pop("integration_status", None)
    system = actions.register_system(
        acting_user=officer,
        unit=officer.primary_organisation,
        code=code,
        name=name,
        **sound(**over),
    )
    if integration and integration != system.integration_status:
        system = actions.update_system(
            system, acting_user=curate_by or bdb_reviewer(), integration_status=integration
        )
    if curate_by is not None:
        system = actions.curate_system(system, acting_user=curate_by)
    return system


def publish_resource(officer, code, name, items, *, systems=(), **over) -> DataResource:
    """A data resource of the officer's unit; ``items`` as "名称:类型[:长度]" strings."""
    existing = DataResource.objects.filter(resource_code=code).first()
    if existing is not None:
        return existing
    fields = {
        "classification": "department",
        "class_code": code.split("/")[0],
        "resource_code": code,
        "name": name,
        "summary": f"{name}（示例）",
        "format": "database",
        "share_type": "unconditional",
        "share_method": "platform_api",
        "open_type": "closed",
        "update_cycle": "daily",
    }
    fields.update(over)
    rows = []
    for spec in items:
        bits = spec.split(":")
        rows.append(
            {"name": bits[0], "data_type": bits[1], "length": bits[2] if len(bits) > 2 else None}
        )
    # BDB names the authoritative sources (Art. 31)
    return actions.save_resource(
        acting_user=bdb_reviewer() if fields.get("is_authoritative") else officer,
        provider=officer.primary_organisation,
        items=rows,
        systems=[s.pk for s in systems],
        **fields,
    )


def ask(officer, resource, purpose) -> SharingRequest:
    """A sharing request of the officer's unit (existing one with the same purpose reused)."""
    existing = SharingRequest.objects.filter(
        resource=resource, requester=officer.primary_organisation, purpose=purpose
    ).first()
    if existing is not None:
        return existing
    return actions.request_sharing(
        resource, acting_user=officer, requester=officer.primary_organisation, purpose=purpose
    )


def make_overdue(request, days_late=5) -> SharingRequest:
    """Move a pending request's dates into the past. ``request_sharing`` always dates a request
    today (no back-dating through the action, rightly); a demo or test that needs a request
    whose answer period has already run out shifts the stored dates instead."""
    period = (request.due_on - request.requested_on).days
    due = today() - dt.timedelta(days=days_late)
    SharingRequest.objects.filter(pk=request.pk, state=SharingState.PENDING).update(
        requested_on=due - dt.timedelta(days=period), due_on=due
    )
    request.refresh_from_db()
    return request


# -- the demo ----------------------------------------------------------------------------------


def _health(people):
    """市卫生健康委: the authoritative 人口 resource and systems for R31.2 and R32.1."""
    wj, bdb = people["wj_tianbao"], people["dsj_shenhe"]
    platform = register(wj, "WJ-SYS-001", "全民健康信息平台", curate_by=bdb)
    ehr = register(wj, "WJ-SYS-002", "电子健康档案共享调阅系统", curate_by=bdb)
    hospital = register(wj, "WJ-SYS-003", "互联网医院监管平台", curate_by=bdb)
    licensing = register(wj, "WJ-SYS-004", "医疗机构执业登记系统", curate_by=bdb)
    register(
        wj,
        "WJ-SYS-005",
        "卫生监督执法系统",
        curate_by=bdb,
        mlps_result="fail",  # R32.1: 等保测评不符合
    )
    register(
        wj,
        "WJ-SYS-006",
        "妇幼健康服务系统",
        curate_by=bdb,
        # eligible, but both assessments are older than the policy period (R17.1, R18.1 warn)
        mlps_evaluated_on=(today() - dt.timedelta(days=420)).isoformat(),
        crypto_assessed_on=(today() - dt.timedelta(days=400)).isoformat(),
    )
    population = publish_resource(
        wj,
        "A01.01/000001",
        "全员人口基础信息",
        ["身份证号:char:18", "姓名:char:50", "性别:char:2", "出生日期:date"],
        systems=[platform],
        classification="base",
        share_type="conditional",
        share_conditions="经申请审核后向政务部门共享，用于法定职责。",
        is_authoritative=True,
    )
    # The same items in the authoritative resource's own unit: not duplicate collection.
    publish_resource(
        wj,
        "C05.02/000001",
        "电子健康档案",
        ["身份证号:char:18", "姓名:char:50", "建档日期:date", "慢病标识:bool"],
        systems=[ehr],
        share_type="conditional",
        share_conditions="仅限医疗卫生机构调阅。",
    )
    publish_resource(
        wj,
        "C05.03/000001",
        "互联网诊疗服务信息",
        ["诊疗机构编码:char:30", "诊疗人次:number"],
        systems=[hospital],
        open_type="conditional",
        open_scope="named",  # R31.2/R14.4: unconditional data opened only to one company
        named_recipients="某互联网医疗科技有限公司",
    )
    licence = publish_resource(
        wj,
        "C05.04/000001",
        "医疗机构执业许可信息",
        ["许可证号:char:40", "机构名称:char:100", "执业地址:char:200", "有效期至:date"],
        systems=[licensing],
    )
    return population, licence


def _education(people, population, licence):
    """市教委: an eligible platform, isolated networks (R31.1: one awaiting the city
    government, one approved) and a system not yet curated (R31.3). None of its systems fails
    R31.2 or R32.1, so that its new projects still flow (Art. 31, 32 stop a unit's new and
    expansion projects while it owns such a system: see 市高法院 and 市卫生健康委)."""
    jw, wj, bdb, gov = (
        people["jw_tianbao"],
        people["wj_tianbao"],
        people["dsj_shenhe"],
        people["szf_shenpi"],
    )
    platform = register(jw, "JW-SYS-001", "重庆市教育管理公共服务平台", curate_by=bdb)
    video = register(
        jw,
        "JW-SYS-005",
        "校园安全视频监控专网系统",
        curate_by=bdb,
        network="isolated",
        isolation_reason="涉及未成年人视频图像，依据《未成年人保护法》不宜联网共享。",
    )
    if video.isolation_state == IsolationState.AWAITING_BDB:
        actions.review_isolation(video, acting_user=bdb)  # R31.1: city government not yet
    exam = register(
        jw,
        "JW-SYS-006",
        "国家教育考试指挥系统",
        curate_by=bdb,
        network="isolated",
        isolation_reason="国家教育考试试题属于国家秘密，考试指挥网络依规物理隔离。",
    )
    if exam.isolation_state == IsolationState.AWAITING_BDB:
        exam = actions.review_isolation(exam, acting_user=bdb)
    if exam.isolation_state == IsolationState.AWAITING_GOV:
        actions.review_isolation(exam, acting_user=gov)  # the approved exception: eligible
    register(jw, "JW-SYS-007", "教育统计分析系统")  # not curated: R31.3
    publish_resource(
        jw,
        "A02.01/000001",
        "学籍信息",
        ["学籍号:char:19", "学校代码:char:10", "入学年份:number:4"],
        systems=[platform],
    )
    # Sharing: an answered request with feedback, an overdue one, a pending one.
    granted = ask(jw, population, "学生资助对象身份核验")
    if granted.state == SharingState.PENDING:
        actions.answer_sharing(
            granted, acting_user=wj, grant=True, answer="同意通过共享平台接口方式共享。"
        )
    if not granted.feedback.exists():
        actions.report_sharing_usage(
            granted,
            acting_user=jw,
            usage="已接入资助对象身份核验，月均调用 12,000 次，核验准确率 99.8%。",
            satisfied=True,
        )
    overdue = ask(jw, licence, "校医院及医务室执业资质核验")
    if overdue.state == SharingState.PENDING and overdue.due_on >= today():
        make_overdue(overdue)  # R31.2: answer period ran out, no answer
    ask(people["jt_tianbao"], licence, "交通枢纽急救站点资质核查")  # pending, within period


def _transport(people):
    """市交通局: a system that should have been integrated and was not (R33.1); every system
    of the unit is refused, even a sound one."""
    jt, bdb = people["jt_tianbao"], people["dsj_shenhe"]
    register(
        jt,
        "JT-SYS-001",
        "交通运输综合执法旧系统",
        curate_by=bdb,
        integration_status="pending",
        replaceable_by="交通运输综合执法平台",
    )
    register(jt, "JT-SYS-002", "公路养护管理系统", curate_by=bdb)


def _court(people, population):
    """市高法院: an eligible system with zombie indicators (a warning only), one refused for
    each way of failing R32.1 (密评 failed or never done, 等保 failed or never done, a major
    hazard), a system collecting an item the authoritative 人口 resource provides (R31.2) and
    an isolated network whose initial review BDB refused (R31.1)."""
    fy, bdb = people["fy_tianbao"], people["dsj_shenhe"]
    aid = register(fy, "FY-SYS-006", "司法救助管理系统", curate_by=bdb)
    # 身份证　号 (a full-width space) is 身份证号 again: collected instead of shared (R31.2).
    publish_resource(
        fy,
        "A03.03/000001",
        "司法救助对象信息",
        ["身份证\u3000号:char:18", "救助项目:char:50", "救助金额:money"],
        systems=[aid],
    )
    register(fy, "FY-SYS-007", "法院门户网站管理系统", curate_by=bdb, crypto_result="fail")
    register(
        fy,
        "FY-SYS-008",
        "法官培训管理系统",
        curate_by=bdb,
        major_hazard=True,
        hazard_note="数据库存在未修复的高危漏洞，且管理后台暴露在互联网。",
    )
    register(fy, "FY-SYS-001", "诉讼服务网（旧版）", curate_by=bdb, monthly_visits=3)
    register(
        fy,
        "FY-SYS-002",
        "审判流程管理系统",
        curate_by=bdb,
        crypto_result="",
        crypto_assessed_on=None,
    )
    register(fy, "FY-SYS-003", "执行案件管理系统", curate_by=bdb, mlps_result="fail")
    register(
        fy,
        "FY-SYS-004",
        "电子卷宗随案生成系统",
        curate_by=bdb,
        mlps_result="",
        mlps_evaluated_on=None,
    )
    recording = register(
        fy,
        "FY-SYS-005",
        "庭审录音录像存储系统",
        curate_by=bdb,
        network="isolated",
        isolation_reason="庭审录像涉及个人隐私。",
    )
    if recording.isolation_state == IsolationState.AWAITING_BDB:
        actions.review_isolation(
            recording,
            acting_user=bdb,
            refuse=True,
            opinion="所述理由不属于法律法规禁止共享的情形，应接入政务外网按需共享。",
        )


def _failed_acceptance(people) -> bool:
    """R28.4: a small project of 市教委 walked through approval and construction, whose
    acceptance fails; acceptance puts its system into the catalog (R15.1), which the unit then
    completes and BDB curates, so that R28.4 is its only reason. Needs the filed master plan of
    ``planning.demo``; skipped (False) without it."""
    from accounts.models import Organisation
    from accounts.roles import OrgKind
    from delivery import actions as delivery
    from delivery.models import Delivery
    from delivery.services import ACCEPTANCE_MATERIALS
    from documents.actions import upload_document
    from investment import actions as money
    from planning.services import current_filed_revision
    from projects.models import Project
    from projects.walk import Walker

    jw, bdb = people["jw_tianbao"], people["dsj_shenhe"]
    project = Project.objects.filter(name=FAILED_PROJECT, unit=jw.primary_organisation).first()
    if project is None:
        if current_filed_revision(jw.primary_organisation) is None:
            return False
        walker = Walker(people, "jw_tianbao")
        project = walker.walk(
            walker.create(FAILED_PROJECT, "300", item_name="学生资助精准认定系统"), "approved"
        )
    state = Delivery.objects.filter(project=project).values_list("om_ineligible", "phase").first()
    if state is None or not state[0]:
        day = lambda n: (today() - dt.timedelta(days=n)).isoformat()  # noqa: E731
        delivery.set_implementation(
            project,
            acting_user=jw,
            implementing_agency="市教委信息中心",
            responsible_person="张明",
            responsible_phone="023-63800000",
        )
        supervisor = Organisation.objects.filter(kind=OrgKind.SUPERVISOR).order_by("pk").first()
        assert supervisor is not None, "the demo directory has a supervisor"
        delivery.assign_supervisor(project, acting_user=jw, supervisor=supervisor.pk)
        money.record_contract(
            project,
            acting_user=jw,
            number=f"HT-{project.code}",
            title="教育收费监管系统开发合同",
            supplier="重庆某信息技术有限公司",
            method="open",
            amount_wan="280",
            signed_on=day(330),
        )
        delivery.start_construction(project, acting_user=jw, started_on=day(300))
        delivery.start_trial(project, acting_user=jw, trial_started_on=day(150))
        delivery.complete_construction(project, acting_user=jw, completed_on=day(60))
        for doc_type, title in ACCEPTANCE_MATERIALS.items():
            upload_document(
                project,
                acting_user=jw,
                doc_type=doc_type,
                title=title,
                file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=f"{doc_type}.pdf"),
            )
        delivery.accept_archives(
            project,
            acting_user=bdb,
            checklist={"文书档案": True, "电子文件": True, "声像档案": True},
            accepted_on=day(40),
        )
        delivery.file_unit_acceptance(
            project,
            acting_user=jw,
            passed=False,
            held_on=day(30),
            conclusion="收费数据与财政非税系统对账差错率超标，性能测试未达标，验收不通过。",
        )
    system = InformationSystem.objects.filter(projects=project).get()
    if not system.catalogued:
        actions.update_system(system, acting_user=jw, **sound())
        actions.curate_system(system, acting_user=bdb)
    return True


def _complete_accepted_systems(people) -> None:
    """The systems the delivery demo's acceptances put into the catalog (R15.1), completed by
    市教委 with their assessments and curated by BDB: a system left without 等保 and 密评 would
    stop every new project of 市教委 (Art. 32, read unit-wide)."""
    jw, bdb = people["jw_tianbao"], people["dsj_shenhe"]
    for system in InformationSystem.objects.filter(
        unit=jw.primary_organisation, projects__isnull=False, catalogued=False
    ).distinct():
        actions.update_system(system, acting_user=jw, **sound())
        actions.curate_system(system, acting_user=bdb)


BLOCKED_PROJECT = "医疗健康大数据分析平台"


def _blocked_unit(people) -> None:
    """Art. 31, 32 read unit-wide: 市卫生健康委 owns systems that do not share as required
    (WJ-SYS-003, WJ-SYS-004) and one that failed its 等保 evaluation (WJ-SYS-005), so its
    new project stays a draft, refused at submission with each failing system named."""
    from core.errors import ActionBlocked
    from projects.models import Project
    from projects.walk import Walker

    wj = people["wj_tianbao"]
    if Project.objects.filter(name=BLOCKED_PROJECT, unit=wj.primary_organisation).exists():
        return
    walker = Walker(people, "wj_tianbao")
    project = walker.create(BLOCKED_PROJECT, "420", item_name="互联网医院监管平台")
    try:
        walker.submit(project)
    except ActionBlocked:
        pass  # the refusal is kept as the decision shown on the project's page


@transaction.atomic
def seed_catalog(people: dict) -> dict:
    """``people`` by username, as returned by ``accounts.demo.seed_directory``. Returns the
    decision run of next year (the existing one when seeded before)."""
    population, licence = _health(people)
    _complete_accepted_systems(people)
    _education(people, population, licence)
    _transport(people)
    _court(people, population)
    _failed_acceptance(people)
    _blocked_unit(people)
    year = today().year + 1
    decided = OMRun.objects.filter(budget_year=year, state=OMRunState.DECIDED)
    run = decided.order_by("-decided_at").first()
    if run is not None:
        return {"run": run.code, "budget_year": year}
    return actions.decide_om_funding(acting_user=people["czj_jingban"], budget_year=year)
