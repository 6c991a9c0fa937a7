"""Rules of BDB's list review (Art. 8, R8.2), DRC's acceptance (Art. 9, 12, 14), the evaluation
report (R14.2) and the joint technical review (R9.3), with their gates. A rule about what a
reviewer types (criteria, chapter opinions, the evaluator) is left out while the input is not
there yet: the page asks before the form is filled in."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_noop as N_

from core.enums import Severity
from core.money import format_wan
from policy.registry import gate, rule, violation

from ..models import (
    JOINT_REVIEW_TOPIC,
    ApprovalPath,
    Chapter,
    ListCriterion,
    ProjectKind,
    ProjectState,
    ReviewState,
    Stage,
)
from ..models.registry import ROLLING_YEARS
from ..services import current_stage
from .approval import catalog_and_crypto_plan, missing_chapter_opinions, secure_reliable_statement
from .common import CHAPTER_LABELS, CRITERION_LABELS, _, subject
from .facts import chapter_attachments, declared, document_types, joint_review, published_list


@rule(id="R8.2", article="第八条", title=_("大数据局须逐项出具审核意见并确定优先级"))
def list_review_complete(ctx):
    if "criteria" not in ctx.facts:
        # asked before the reviewer has typed the opinions: the same condition, told ahead
        yield violation(
            N_(
                "列入项目清单须对建设依据、系统整合方案、数据共享方案、跨部门共性需求和数据治理"
                "逐项选择审核结论并填写意见，并确定优先级；任一项结论为“不符合”的不能列入（第八条）。"
            ),
            remedy=N_("退回修改或不予列入时，只须填写审核意见。"),
            facts={},
            severity=Severity.INFO,
        )
        return
    criteria = ctx.facts.get("criteria") or {}
    missing = [
        str(CRITERION_LABELS[c])
        for c in ListCriterion.values
        if not (criteria.get(c) or {}).get("verdict")
        or not str((criteria.get(c) or {}).get("opinion", "")).strip()
    ]
    if missing:
        yield violation(
            f"列入项目清单前须对每项审核内容出具意见，尚缺：{'、'.join(missing)}（第八条）。",
            remedy="请对建设依据、系统整合方案、数据共享方案、跨部门共性需求和数据治理逐项"
            "选择审核结论并填写意见。",
            facts={"missing": missing},
        )
    failed = [
        str(CRITERION_LABELS[c])
        for c in ListCriterion.values
        if (criteria.get(c) or {}).get("verdict") == "fail"
    ]
    if failed:
        yield violation(
            f"以下审核内容结论为“不符合”：{'、'.join(failed)}，不能列入项目清单（第八条）。",
            remedy="请退回项目建设单位修改，或作出不予列入的决定。",
            facts={"failed": failed},
        )
    if not ctx.facts.get("priority"):
        yield violation(
            "列入项目清单须确定项目优先级（第八条：根据轻重缓急和财力情况）。",
            remedy="请选择优先级（1 为最高）。",
            facts={},
        )


OUTSOURCE = N_("建议充分发挥职能部门作用或者采用服务外包，减少自建自管自用自维（第二十一条）。")


@rule(
    id="R21.1",
    article="第二十一条",
    title=_("人均投资规模过大或不具备运维能力的项目宜服务外包"),
    severity=Severity.WARN,
)
def outsourcing_advised(ctx):
    """An advisory, never a block: the measures say such projects *should* use a functional
    department or outsourcing. The amount is the approved one when DRC has typed it."""
    project = subject(ctx)
    amount = ctx.facts.get("approved_amount") or project.total_investment
    figure = ctx.policy.p.per_user_investment_advisory
    if project.served_users:
        per_user = (Decimal(amount) / project.served_users).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if per_user > figure:
            yield violation(
                N_(
                    "人均投资规模 %(per_user)s 元（总投资 %(amount)s 万元，预计服务用户 "
                    "%(users)s 人）高于提示线 %(figure)s 元（第二十一条）。"
                ),
                remedy=OUTSOURCE,
                facts={"per_user": per_user, "served_users": project.served_users},
                params={
                    "per_user": f"{per_user:,.2f}",
                    "amount": format_wan(amount),
                    "users": project.served_users,
                    "figure": f"{figure:,.2f}",
                },
            )
    if project.lacks_om_capacity:
        yield violation(
            N_("项目建设单位不具备建设运行维护能力（第二十一条）。"),
            remedy=OUTSOURCE,
            facts={"lacks_om_capacity": True},
            params={},
        )


@rule(
    id="R8.4.window",
    article="第八条",
    title=_("项目清单按三年滚动规划编制"),
    severity=Severity.WARN,
)
def beyond_the_rolling_window(ctx):
    """A project may be listed for a later year; one beyond this year and the two following
    is listed now but enters a published list only when its year comes into the window."""
    project = subject(ctx)
    first = ctx.today.year
    last = first + ROLLING_YEARS - 1
    if project.year > last:
        yield violation(
            N_(
                "项目申报年度 %(year)s 年超出本期三年滚动规划（%(first)s—%(last)s 年）："
                "列入后将在 %(from)s 年及以后发布的项目清单中滚动纳入（第八条）。"
            ),
            remedy=N_("如需提前实施，请建设单位修改申报年度。"),
            facts={"year": project.year, "window": [first, last]},
            params={"year": project.year, "first": first, "last": last,
                    "from": project.year - ROLLING_YEARS + 1},
        )  # fmt: skip


gate(
    "projects.list",
    title=_("列入项目清单"),
    rules=["R8.2", "R8.4.window", "R13.1.overlap", "R21.1"],
    action="projects.decide_list_review",
)


# -- DRC acceptance (Art. 9, 12, 14) -------------------------------------------------------


@rule(id="R9.2", article="第九条", title=_("发展改革委只受理已纳入项目清单的项目"))
def accepted_only_if_listed(ctx):
    project = subject(ctx)
    if project.state != ProjectState.LISTED or not published_list(ctx):
        yield violation(
            f"项目“{project.name}”不在已发布的 {project.year} 年项目清单中，"
            "市发展改革委不能受理（第九条：统一受理已纳入项目清单的项目申请）。",
            remedy="请等待市大数据发展局发布包含该项目的项目清单后再受理。",
            facts={"state": project.state, "year": project.year},
        )


@rule(id="R9.2.consultant", article="第九条", title=_("须委托第三方咨询评估机构"))
def consultant_assigned(ctx):
    if "consultant" in ctx.facts and ctx.facts["consultant"] is None:
        yield violation(
            "受理项目须委托第三方咨询评估机构开展项目评估（第九条）。",
            remedy="请选择一家第三方咨询评估机构。",
            facts={},
        )


def _missing_chapters(ctx, stage) -> list[str]:
    present = declared(ctx, stage) | chapter_attachments(ctx, stage)
    return [str(CHAPTER_LABELS[c]) for c in Chapter.values if c not in present]


@rule(id="R14.1", article="第十四条", title=_("报告须包含五个必备章节"))
def five_chapters(ctx):
    project = subject(ctx)
    stage = ctx.facts.get("stage") or current_stage(project)
    missing = _missing_chapters(ctx, stage)
    if missing:
        what = "初步设计" if stage == Stage.DESIGN else "可行性研究报告"
        yield violation(
            f"{what}缺少以下章节：{'、'.join(missing)}；第十四条要求编制数据资源收集治理及业务"
            "应用梳理、数据资源共享分析、网络安全保护措施、密码应用方案、集约化建设五个章节。",
            remedy="请在项目页“报告章节”中逐章填写内容或上传章节附件。",
            facts={"stage": stage, "missing": missing},
        )


@rule(id="R14.1.post-evaluation", article="第十四条", title=_("改扩建项目须附原项目后评价报告"))
def expansion_post_evaluation(ctx):
    project = subject(ctx)
    if project.kind != ProjectKind.EXPANSION:
        return
    if "post_evaluation" not in document_types(ctx):
        yield violation(
            "改扩建项目须提交原项目的第三方后评价报告（第十四条）。",
            remedy="请上传原项目的第三方后评价报告（文件类型“原项目第三方后评价报告”）。",
            facts={"kind": project.kind, "predecessor": getattr(project.predecessor, "code", "")},
        )


R12_DOCS = {
    "energy_assessment": "节能评估",
    "site_selection": "选址意见",
    "land_prereview": "用地预审",
    "env_assessment": "环境影响评价",
}


@rule(id="R12.1", article="第十二条", title=_("新建土建或高耗能项目须办理节能、选址、用地、环评"))
def civil_works_assessments(ctx):
    project = subject(ctx)
    if not (project.new_civil_works or project.energy_intensive):
        return
    present = document_types(ctx)
    missing = [label for key, label in R12_DOCS.items() if key not in present]
    if missing:
        reason = "新建土建工程" if project.new_civil_works else "高耗能"
        yield violation(
            f"项目含{reason}，须提供{'、'.join(missing)}（第十二条：政务信息化项目原则上不需"
            "办理，但涉及新建土建工程、高耗能项目的除外）。",
            remedy="请上传缺少的审批文件后再报市发展改革委受理。",
            facts={"missing": missing, "new_civil_works": project.new_civil_works},
        )


@rule(id="R9.1.path", article="第九条", title=_("按政策门槛确定审批阶段"), severity=Severity.INFO)
def path_by_threshold(ctx):
    total = ctx.facts["total_investment"]
    threshold = ctx.policy.p.approval_threshold
    two = total >= threshold
    yield violation(
        # the policy by its name: the message is read by people (its code is in the facts)
        f"总投资 {format_wan(total)} 万元{'达到' if two else '低于'}《{ctx.policy.name}》的"
        f"审批门槛 {format_wan(threshold)} 万元（第九条{'，含本数' if two else ''}），"
        + (
            "须先批复可研报告，再批复初步设计及概（预）算。"
            if two
            else "一次批复可研报告及概（预）算。"
        ),
        facts={
            "total_investment": str(total),
            "approval_threshold": str(threshold),
            "path": ApprovalPath.TWO if two else ApprovalPath.SINGLE,
            "policy": ctx.policy.code,
        },
    )


@rule(
    id="R14.3.early",
    article="第十四条",
    title=_("受理时提示：批复前须有数据资源目录和密码应用方案"),
    severity=Severity.WARN,
)
def catalog_and_crypto_plan_early(ctx):
    """The same check as R14.3, as a warning when DRC accepts: the unit can still add the
    documents before approval instead of being returned at the end."""
    for v in catalog_and_crypto_plan(ctx):
        yield violation(
            v.message.replace("不能批复", "批复前须补齐"),
            remedy="请项目建设单位在评估和联合技术审查期间补充上传。",
            facts=v.facts,
        )


@rule(
    id="R19.1.early",
    article="第十九条",
    title=_("受理时提示：批复时须说明软硬件产品安全可靠情况"),
    severity=Severity.WARN,
)
def secure_reliable_statement_early(ctx):
    for v in secure_reliable_statement(ctx):
        yield violation(v.message, remedy="请项目建设单位在批复前补充说明。", facts=v.facts)


gate(
    "projects.accept",
    title=_("受理并委托第三方评估"),
    rules=[
        "R9.2",
        "R9.2.consultant",
        "R14.1",
        "R14.1.post-evaluation",
        "R12.1",
        "R9.1.path",
        "R14.3.early",
        "R19.1.early",
    ],
    action="projects.accept_project",
)


# -- evaluation report (Art. 9, 14) --------------------------------------------------------


@rule(id="R14.2", article="第十四条", title=_("评估报告须对五个章节逐一出具意见"))
def evaluation_chapter_opinions(ctx):
    if "chapter_opinions" not in ctx.facts:
        return  # asked before the evaluator has typed the opinions
    missing = missing_chapter_opinions(ctx.facts.get("chapter_opinions"))
    if missing:
        yield violation(
            f"评估报告缺少对以下章节的意见：{'、'.join(missing)}（第十四条）。",
            remedy="请对五个章节逐一填写评估意见。",
            facts={"missing": missing},
        )
    if not ctx.facts.get("has_report"):
        yield violation(
            "尚未上传评估报告正文（第九条：第三方咨询评估机构编制项目评估报告）。",
            remedy="请上传评估报告文件，或在评估结论中完整填写报告内容。",
            facts={},
        )


gate(
    "projects.evaluation.report",
    title=_("提交评估报告"),
    rules=["R14.2"],
    action="projects.submit_evaluation_report",
)


# -- joint review (Art. 9) -----------------------------------------------------------------


@rule(id="R9.3", article="第九条", title=_("联合技术审查须五个主管部门全部同意"))
def joint_review_complete(ctx):
    status = joint_review(ctx, Stage.FSR)
    waiting = [str(JOINT_REVIEW_TOPIC[a]) for a, s in status.items() if s != ReviewState.AGREED]
    if waiting:
        yield violation(
            f"联合技术审查尚未完成：{'、'.join(waiting)}主管部门尚未同意（第九条：网络安全、"
            "预算管理、政务数据资源、密码应用、保密工作主管部门共同参与技术审查）。",
            remedy="请等待各主管部门出具同意意见；被退回的须修改后重新报送。",
            facts={"status": status},
        )


gate(
    "projects.joint_review.complete",
    title=_("联合技术审查会签完成"),
    rules=["R9.3"],
    action="projects.give_joint_opinion",
)
