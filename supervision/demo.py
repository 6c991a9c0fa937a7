"""Demo supervision data, created through the actions after the other chapters' demo data, so
the demo ledger shows how it came to be:

- requests for materials: one answered and closed, one unanswered past its deadline;
- rectification orders: one verified as done; one overdue with a 通报批评; one not rectified
  with the project's investment deferred (暂缓安排投资计划); one overdue on a project first
  suspended and then terminated (终止项目实施);
- audit findings: one the unit responded to, passed to Finance; one still open;
- the register: proposals of the platform (from contracts recorded before a project's approval,
  entered here as the units' pre-platform ledgers) confirmed, dismissed and still open, and an
  entry recorded and concluded with its responsible persons.

Idempotent: a part that already exists is left alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from core.dates import today
from projects.models import Project

from . import actions
from .models import (
    AuditFinding,
    RectificationOrder,
    SupervisionRequest,
    ViolationEntry,
    ViolationState,
)
from .sweep import sweep


def _day(offset: int) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def _project(name: str) -> Project | None:
    return Project.objects.filter(name=name).select_related("unit").first()


def _requests(p: dict[str, Any]) -> None:
    answered = _project("教育数据共享交换平台")
    if answered and not SupervisionRequest.objects.filter(project=answered).exists():
        req = actions.request_materials(
            answered,
            acting_user=p["fgw_jingban"],
            purpose="performance",
            matter="请提供项目建设进度报告、合同及支付台账、监理月报（近 6 个月）。",
            issued_on=_day(-20),
            deadline=_day(10),
        )
        actions.answer_request(
            req,
            acting_user=p["jw_tianbao"],
            answer="已提供建设进度报告 1 份、合同 3 份及支付台账、监理月报 6 份。",
            attest=True,
        )
        actions.accept_answer(req, acting_user=p["fgw_jingban"], opinion="资料齐全，办结。")
    late = _project("全民健康数据质量监测系统")
    if late and not SupervisionRequest.objects.filter(project=late).exists():
        actions.request_materials(
            late,
            acting_user=p["sjj_shenji"],
            purpose="audit",
            matter="请提供项目资金支付凭证、财务决算报告和竣工财务审计报告。",
            issued_on=_day(-30),
            deadline=_day(-5),
        )


ORDER = {
    "requirement": "立即停止违规行为，按要求完成整改并报送整改情况报告及佐证材料。",
}


def _order(project: Project, user: Any, **fields: Any) -> RectificationOrder:
    return actions.order_rectification(project, acting_user=user, **{**ORDER, **fields})


def _orders(p: dict[str, Any]) -> None:
    drc, finance, bdb = p["fgw_jingban"], p["czj_jingban"], p["dsj_shenhe"]
    shared = _project("互联网医院处方流转监管子系统")
    if shared and not RectificationOrder.objects.filter(project=shared).exists():
        order = _order(
            shared,
            bdb,
            duty="data_sharing",
            problem="处方流转数据未按共享目录接入市一体化数据资源平台。",
            breached="政务数据应当按照目录共享",
            breached_article="第三十一条",
            issued_on=_day(-40),
            deadline=_day(10),
        )
        actions.report_rectification(
            order, acting_user=p["wj_tianbao"], report="已完成 12 类处方流转数据接入，日更新。"
        )
        actions.verify_rectified(order, acting_user=bdb, opinion="经抽查，数据已按目录共享。")
    criticised = _project("学生资助资金发放监管系统")
    if criticised and not RectificationOrder.objects.filter(project=criticised).exists():
        _order(
            criticised,
            drc,
            duty="approval",
            problem="擅自增加移动端缴费模块，超出批复建设内容。",
            breached="项目应当严格按照批复的建设内容实施",
            breached_article="第二十五条",
            issued_on=_day(-60),
            deadline=_day(-20),
        )
    deferred = _project("医疗机构电子证照管理系统")
    if deferred and not RectificationOrder.objects.filter(project=deferred).exists():
        order = _order(
            deferred,
            finance,
            duty="funds",
            problem="运维合同款在建设资金中列支 46 万元。",
            breached="建设资金和运行维护经费应当分别核算",
            breached_article="第二十五条",
            issued_on=_day(-45),
            deadline=_day(15),
        )
        actions.report_rectification(order, acting_user=p["wj_tianbao"], report="已调整会计科目。")
        actions.verify_not_rectified(
            order, acting_user=finance, opinion="未退回建设资金账户，整改不到位。"
        )
        actions.defer_investment(
            order,
            acting_user=finance,
            scope="project",
            reasons="整改后仍不符合要求：违规列支的运维费用未退回建设资金账户。",
        )
    ended = _project("教育数据治理平台（一期）")
    if ended and not RectificationOrder.objects.filter(project=ended).exists():
        _order(
            ended,
            drc,
            duty="approval",
            problem="批复后一年未开工，建设单位无法落实实施机构和建设资金。",
            breached="项目应当按照批复要求组织实施",
            breached_article="第十六条",
            issued_on=_day(-90),
            deadline=_day(-30),
        )


def _sanctions(p: dict[str, Any]) -> None:
    """On the orders the sweep found overdue: a criticism; a suspension, then a termination."""
    drc = p["fgw_jingban"]
    criticised = _project("学生资助资金发放监管系统")
    order = RectificationOrder.objects.filter(project=criticised, state="overdue").first()
    if order is not None and not order.sanctions.exists():
        actions.issue_criticism(
            order,
            acting_user=drc,
            reasons="逾期未整改，且未说明原因。对市教委予以通报批评，责令继续整改。",
        )
    ended = _project("教育数据治理平台（一期）")
    order = RectificationOrder.objects.filter(project=ended, state="overdue").first()
    if order is not None and not order.sanctions.exists():
        actions.suspend_construction(
            order, acting_user=drc, reasons="逾期未整改，暂停项目建设，待落实实施条件。"
        )
        actions.terminate_project(
            order,
            acting_user=drc,
            reasons="暂停后仍无法落实实施机构和建设资金，建设目标已由其他项目覆盖，终止项目实施。",
        )


def _audit(p: dict[str, Any]) -> None:
    auditor = p["sjj_shenji"]
    project = _project("教育数据共享交换平台")
    if project and not AuditFinding.objects.filter(project=project).exists():
        finding = actions.record_audit_finding(
            project,
            acting_user=auditor,
            aspect="legality",
            facts="以“技术服务费”名义列支 2 台服务器采购款，未履行政府采购程序。",
            amount=Decimal("380000"),
            recommendation="补办采购手续或退回资金，追究相关人员责任。",
        )
        actions.respond_to_audit_finding(
            finding,
            acting_user=p["jw_tianbao"],
            response="已调整会计科目，正在补办政府采购手续，预计 1 个月内完成。",
        )
        actions.refer_audit_finding(
            finding, acting_user=auditor, to="finance", note="涉及政府采购程序，请依法处理。"
        )
    unit = p["wj_tianbao"].primary_organisation
    if not AuditFinding.objects.filter(unit=unit, project=None).exists():
        actions.record_unit_audit_finding(
            unit,
            acting_user=auditor,
            aspect="efficiency",
            facts="3 个已建系统近一年月访问量不足 100 次，资金使用效益低。",
            recommendation="评估整合或下线，停止安排运维经费。",
        )


# contracts from units' ledgers before the platform: the facts the proposals are made from
LEGACY = (
    ("教育数据资源标准体系及数据治理工程", "LS-2025-001"),
    ("互联网医院监管平台", "LS-2025-002"),
    ("智慧教育平台移动端", "LS-2025-003"),
)


def _register(p: dict[str, Any]) -> None:
    from investment.models import Contract

    for name, number in LEGACY:
        project = _project(name)
        if project is None or project.approved_at is not None:
            continue
        Contract.objects.get_or_create(
            project=project,
            number=number,
            defaults={
                "title": "（平台上线前签订，补录）软件开发合同",
                "supplier": "某信息技术有限公司",
                "method": "single",
                "amount": Decimal("1200000"),
                "signed_on": today() - dt.timedelta(days=200),
                "created_by": project.created_by,
            },
        )
    sweep()  # the proposals, and the overdue requests and orders
    proposals = list(
        ViolationEntry.objects.filter(state=ViolationState.PROPOSED).order_by("pk")[:3]
    )
    if len(proposals) >= 2:
        actions.confirm_violation(
            proposals[0],
            acting_user=p["fgw_jingban"],
            reason="经核实，项目未经审批即签订开发合同，属实。",
        )
        actions.dismiss_violation(
            proposals[1],
            acting_user=p["czj_jingban"],
            reason="合同为框架协议，未实际履行和支付，不构成违规。",
        )
    wj = p["wj_tianbao"].primary_organisation
    if not ViolationEntry.objects.filter(unit=wj, origin="recorded").exists():
        entry = actions.record_unit_violation(
            wj,
            acting_user=p["czj_jingban"],
            kind="om_funds_misused",
            facts="2025 年运维经费 32 万元用于购置办公电脑。",
            occurred_on=_day(-300),
        )
        for name, post, role in (
            ("赵某", "信息中心主任", "principal"),
            ("钱某", "信息中心财务人员", "other"),
        ):
            actions.add_responsible_person(
                entry, acting_user=p["czj_jingban"], name=name, post=post, role=role
            )
        actions.record_violation_outcome(
            entry,
            acting_user=p["czj_jingban"],
            under_funds_regulation=True,
            referred_for_discipline=True,
            referred_to="驻市卫生健康委纪检监察组",
            outcome="收回违规使用资金 32 万元，依照《财政违法行为处罚处分条例》查处，责任人员移送处分。",
        )


@transaction.atomic
def seed_supervision(people: dict[str, Any]) -> None:
    """``people`` by username, as returned by ``accounts.demo.seed_directory``."""
    _requests(people)
    _orders(people)
    _audit(people)
    _register(people)  # runs the sweep: the past deadlines become overdue
    _sanctions(people)
