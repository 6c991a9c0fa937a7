"""Rules of construction, acceptance and evaluation (Art. 16, 22-24, 28-30) and their gates."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.dates import add_months
from core.enums import Severity
from core.money import format_wan
from documents.services import document_types_present
from investment.models import Contract
from policy.registry import gate, rule, violation

from .models import AcceptancePath, Delivery, SupervisorAssignment
from .services import ACCEPTANCE_MATERIALS, acceptance_path_for


def _delivery(ctx) -> Delivery:
    return Delivery.objects.get(project=ctx.subject)


@rule(id="R16.1", article="第十六条", title=_("开工前须明确实施机构、负责人并完成采购和合同"))
def ready_to_start(ctx):
    project = ctx.subject
    delivery = Delivery.objects.filter(project=project).first()
    missing = []
    if delivery is None or not delivery.implementing_agency.strip():
        missing.append("项目实施机构")
    if delivery is None or not delivery.responsible_person.strip():
        missing.append("项目负责人")
    if not Contract.objects.filter(project=project).exists():
        missing.append("采购结果及合同")
    if missing:
        yield violation(
            f"开工前尚缺：{'、'.join(missing)}（第十六条：项目建设单位应明确项目实施机构和"
            "项目负责人，依法开展招标采购、工程监理、合同管理）。",
            remedy="请在“建设实施”中登记实施机构和负责人，在“合同与支付”中登记采购合同。",
            facts={"missing": missing},
        )


@rule(id="R22.1", article="第二十二条", title=_("建设项目须委托工程监理"))
def supervisor_assigned(ctx):
    if not SupervisorAssignment.objects.filter(project=ctx.subject, is_active=True).exists():
        yield violation(
            "项目尚未登记工程监理单位（第二十二条：政务信息化建设项目应当实行工程监理制）。",
            remedy="请登记通过采购确定的工程监理单位。",
            facts={},
        )


@rule(id="R24.1", article="第二十四条", title=_("暂停期间不得推进或支付"))
def not_suspended(ctx):
    project = ctx.subject
    if project.terminated_at:
        yield violation(
            "项目已终止，不能办理（第二十四条）。", remedy="如需恢复请联系市发展改革委。", facts={}
        )
    elif project.suspended_at:
        yield violation(
            f"项目于 {project.suspended_at:%Y-%m-%d} 被暂停（第二十四条），暂停解除前不能办理。",
            remedy="请按处理意见整改，由市发展改革委或市财政局解除暂停后再办理。",
            facts={"suspended_at": project.suspended_at.isoformat()},
        )


gate(
    "delivery.start",
    title=_("开工建设"),
    rules=["R24.1", "R16.1", "R22.1"],
    action="delivery.actions.start_construction",
)
gate(
    "delivery.advance",
    title=_("试运行、建成"),
    rules=["R24.1"],
    action="delivery.actions.complete_construction",
)


@rule(id="R23.1", article="第二十三条", title=_("年度绩效评价报告须附使用单位和监理单位意见"))
def annual_report_content(ctx):
    f = ctx.facts
    missing = [
        label
        for key, label in (
            ("summary", "建设进展与绩效情况"),
            ("user_opinions", "使用单位意见"),
            ("supervisor_opinion", "监理单位意见"),
        )
        if not str(f.get(key, "")).strip()
    ]
    if f.get("in_trial") and not str(f.get("trial_effects", "")).strip():
        missing.append("试运行效果")
    if missing:
        yield violation(
            f"年度绩效评价报告缺少：{'、'.join(missing)}（第二十三条）。",
            remedy="请补充后再提交。",
            facts={"missing": missing},
        )


gate(
    "delivery.annual_report",
    title=_("提交年度绩效评价报告"),
    rules=["R23.1"],
    action="delivery.actions.submit_annual_report",
)


@rule(id="R28.2", article="第二十八条", title=_("竣工验收材料须齐全"))
def acceptance_materials(ctx):
    project = ctx.subject
    present = document_types_present([project]).get(project.pk, set())
    missing = [label for key, label in ACCEPTANCE_MATERIALS.items() if key not in present]
    if missing:
        yield violation(
            f"竣工验收材料不全，缺少：{'、'.join(missing)}（第二十八条）。",
            remedy="请在项目文件中上传缺少的材料后再申请或报备验收。",
            facts={"missing": missing},
        )


@rule(id="R29.1", article="第二十九条", title=_("竣工验收前须通过档案验收"))
def archives_first(ctx):
    delivery = _delivery(ctx)
    if delivery.archive_accepted_on is None:
        yield violation(
            "项目档案尚未通过档案验收，不能进行竣工验收（第二十九条）。",
            remedy="请整理项目档案，经档案验收合格后再申请竣工验收。",
            facts={},
        )


@rule(id="R28.1", article="第二十八条", title=_("按投资门槛确定验收组织方式"))
def acceptance_path(ctx):
    project = ctx.subject
    expected = acceptance_path_for(project)
    chosen = ctx.facts.get("path")
    if chosen and chosen != expected:
        label = AcceptancePath(expected).label
        # The threshold of the project's own policy (a district may set its own, Art. 39).
        threshold = (project.policy or ctx.policy).param("approval_threshold")
        total = project.approved_total or project.total_investment
        yield violation(
            f"本项目总投资 {format_wan(total)} 万元，对应的验收方式为“{label}”（第二十八条："
            f"{format_wan(threshold)} 万元（含）以上由市大数据发展局组织竣工验收，以下由项目"
            "建设单位组织验收并报市大数据发展局备案）。",
            remedy=f"请按“{label}”办理。",
            facts={
                "expected": expected,
                "chosen": chosen,
                "total_investment": str(total),
                "approval_threshold": str(threshold),
            },
        )
    delivery = _delivery(ctx)
    if delivery.phase not in ("completed",):
        yield violation(
            f"项目当前为“{delivery.get_phase_display()}”，建成后才能验收（第二十八条）。",
            remedy="请先登记建成日期。",
            facts={"phase": delivery.phase},
        )


@rule(
    id="R28.3",
    article="第二十八条",
    title=_("超过验收期限须申请延期"),
    severity=Severity.WARN,
)
def acceptance_late(ctx):
    delivery = _delivery(ctx)
    on = dt.date.fromisoformat(ctx.facts["today"])
    if delivery.completed_on is None:
        return
    end = add_months(delivery.completed_on, int(ctx.param("acceptance_window_months")))
    extension = ctx.facts.get("extension_until")
    limit = max(end, dt.date.fromisoformat(extension)) if extension else end
    if on > limit:
        yield violation(
            f"已超过验收期限 {limit:%Y-%m-%d}（建成后 {ctx.param('acceptance_window_months')} 个月，"
            "第二十八条）且未获延期。",
            remedy="逾期情况将记录为问题；不能按期验收的应提前向市大数据发展局申请延期。",
            facts={"deadline": limit.isoformat()},
        )


gate(
    "delivery.acceptance",
    title=_("申请或报备竣工验收"),
    rules=["R24.1", "R28.1", "R29.1", "R28.2", "R28.3"],
    action="delivery.actions.apply_acceptance",
)


@rule(id="R30.1", article="第三十条", title=_("自评价在验收运行后的规定期间内开展"))
def self_evaluation_window(ctx):
    delivery = _delivery(ctx)
    if delivery.accepted_on is None or delivery.golive_on is None:
        yield violation(
            "项目尚未完成竣工验收并正式上线运行，不能开展自评价（第三十条）。",
            remedy="请在竣工验收并正式运行后开展自评价。",
            facts={},
        )
        return
    base = max(delivery.accepted_on, delivery.golive_on)
    start = add_months(base, int(ctx.param("self_eval_start_months")))
    end = add_months(base, int(ctx.param("self_eval_end_months")))
    on = dt.date.fromisoformat(ctx.facts["completed_on"])
    if on < start:
        yield violation(
            f"自评价窗口自 {start:%Y-%m-%d} 开始（验收运行后 {ctx.param('self_eval_start_months')}"
            f"—{ctx.param('self_eval_end_months')} 个月，第三十条），现在尚未到期。",
            remedy=f"请在 {start:%Y-%m-%d} 至 {end:%Y-%m-%d} 之间开展自评价。",
            facts={"start": start.isoformat(), "end": end.isoformat()},
        )
    elif on > end:
        yield violation(
            f"自评价窗口已于 {end:%Y-%m-%d} 结束，本次自评价逾期（第三十条）。",
            remedy="逾期情况将记录在案。",
            facts={"start": start.isoformat(), "end": end.isoformat()},
            severity=Severity.WARN,
        )


gate(
    "delivery.self_evaluation",
    title=_("提交自评价"),
    rules=["R30.1"],
    action="delivery.actions.submit_self_evaluation",
)
