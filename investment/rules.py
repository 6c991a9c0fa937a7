"""Rules of the investment chapter (Art. 10, 11, 25, 26) and their gates. R10.1 and R27.1 (which
projects may enter a plan) live with the projects chapter, which knows the approval states.

Messages are templates (``N_``) with their parameters, stored in Chinese with the decision and
shown in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from core.enums import Severity
from core.money import format_wan
from policy.registry import gate, rule, violation
from projects.models import ProjectKind

from .eligibility import table_problems

# titles stay lazy (shown in the reader's language); the registry's signature says str
_ = cast(Callable[[str], str], gettext_lazy)


@rule(id="R10.3", article="第十条", title=_("建设项目纳入计划须编制绩效目标表"))
def performance_table(ctx: Any) -> Any:
    project = ctx.subject
    if project.kind == ProjectKind.OM:
        return
    year = ctx.facts["year"]
    problems = ctx.fact("table_problems", lambda: table_problems(project.pk, year))
    if problems:
        yield violation(
            N_(
                "项目“%(name)s”申报 %(year)s 年投资计划，绩效目标表不完整：%(problems)s"
                "（第十条：申报年度投资计划时应当编制项目绩效目标表）。"
            ),
            remedy=N_(
                "请项目建设单位按产出、效益、满意度指标填报绩效目标表，定量指标写明指标值、"
                "计量单位和计算公式。"
            ),
            facts={"year": year, "problems": problems},
            params={"name": project.name, "year": year, "problems": "；".join(problems)},
        )


gate(
    "investment.plan.add",
    title=_("纳入年度投资计划"),
    rules=["R10.1", "R27.1", "R10.3"],
    action="investment.add_plan_entry",
)


@rule(id="R10.2", article="第十条", title=_("未纳入年度投资计划的项目不予纳入部门预算"))
def budget_follows_plan(ctx: Any) -> Any:
    project = ctx.subject
    year = ctx.facts["year"]
    if ctx.facts.get("plan_amount") is None:
        yield violation(
            N_("项目“%(name)s”不在现行的 %(year)s 年度投资计划中，不能安排预算（第十条）。"),
            remedy=N_("请先由市发展改革委将项目纳入年度投资计划；确需当年安排的，按第十一条办理。"),
            facts={"year": year},
            params={"name": project.name, "year": year},
        )


@rule(
    id="R10.2.amount",
    article="第十条",
    title=_("预算金额与计划金额保持一致"),
    severity=Severity.WARN,
)
def budget_equals_plan(ctx: Any) -> Any:
    planned = ctx.facts.get("plan_amount")
    after = ctx.facts.get("budget_after")
    if planned is not None and after is not None and after != planned:
        yield violation(
            N_(
                "录入后该项目 %(year)s 年预算合计 %(after)s 万元，与计划金额 %(planned)s 万元"
                "不一致（第十条：计划项目、金额与年度预算安排保持一致），将列入对账差异。"
            ),
            remedy=N_("请核对预算金额，使预算合计等于计划金额。"),
            facts={"plan_amount": str(planned), "budget_after": str(after)},
            params={
                "year": ctx.facts["year"],
                "after": format_wan(after),
                "planned": format_wan(planned),
            },
        )


gate(
    "investment.budget.add",
    title=_("安排预算"),
    rules=["R10.2", "R10.2.amount"],
    action="investment.add_budget_line",
)

ART11_PARTS = (
    ("basis", N_("国家或市委、市政府明确要求的依据")),
    ("budget_source", N_("预算来源")),
)


@rule(id="R11.1", article="第十一条", title=_("第十一条事项须有明确依据和预算来源"))
def art11_basis(ctx: Any) -> Any:
    facts = ctx.facts
    missing = [
        label
        for key, label in ART11_PARTS
        if not str(facts.get(key) or "").strip()  # None is missing too, not "None"
    ]
    if missing:
        yield violation(
            N_("发起第十一条事项须写明%(missing)s（第十一条：由市财政局发起、落实预算来源）。"),
            remedy=N_("请补充依据文件和预算来源。"),
            facts={"missing": missing},
            params={"missing": "、".join(missing)},
        )


gate(
    "investment.art11.initiate",
    title=_("发起第十一条事项"),
    rules=["R11.1"],
    action="investment.initiate_art11",
)


def _halted(project: Any) -> Any:
    if project.terminated_at:
        return violation(
            N_("项目已终止，不能支付（第二十四条、第二十五条）。"),
            remedy=N_("项目已终止。"),
            facts={"suspended": bool(project.suspended_at), "terminated": True},
            params={},
        )
    return violation(
        N_("项目已暂停，不能支付（第二十四条、第二十五条）。"),
        remedy=N_("暂停解除后方可支付。"),
        facts={"suspended": True, "terminated": False},
        params={},
    )


@rule(id="R25.1", article="第二十五条", title=_("累计支付不得超过批复总投资和当年预算"))
def payment_within_limits(ctx: Any) -> Any:
    f = ctx.facts
    project = ctx.subject
    if project.suspended_at or project.terminated_at:
        yield _halted(project)
    amount, paid, limit = f["amount"], f["paid"], f.get("limit")
    if limit is not None and paid + amount > limit:
        yield violation(
            N_(
                "本次支付 %(amount)s 万元后累计 %(after)s 万元，超过批复总投资 %(limit)s 万元"
                "（第二十五条）。"
            ),
            remedy=N_("可支付余额为 %(left)s 万元。"),
            facts={"amount": str(amount), "paid": str(paid), "limit": str(limit)},
            params={
                "amount": format_wan(amount),
                "after": format_wan(paid + amount),
                "limit": format_wan(limit),
                "left": format_wan(limit - paid),
            },
        )
    line_amount, line_paid = f["line_amount"], f["line_paid"]
    if line_paid + amount > line_amount:
        yield violation(
            N_(
                "本次支付后该预算指标累计支付 %(after)s 万元，超过预算金额 %(line)s 万元"
                "（第二十五条：资金支出按照国库集中支付制度执行）。"
            ),
            remedy=N_("该预算指标可支付余额为 %(left)s 万元。"),
            facts={
                "amount": str(amount),
                "line_paid": str(line_paid),
                "line_amount": str(line_amount),
            },
            params={
                "after": format_wan(line_paid + amount),
                "line": format_wan(line_amount),
                "left": format_wan(line_amount - line_paid),
            },
        )
    if not f.get("approved", True):
        yield violation(
            N_("建设项目尚未批复，不能支付（第二十五条：按照批复的方案实施）。"),
            remedy=N_("请在项目批复后支付。"),
            facts={},
            params={},
        )


gate(
    "investment.payment.record",
    title=_("登记支付"),
    rules=["R25.1"],
    action="investment.record_payment",
)


@rule(id="R26.1", article="第二十六条", title=_("变更申请自动分类"), severity=Severity.INFO)
def change_classification(ctx: Any) -> Any:
    result = ctx.facts["classification"]
    failed = [c for c in result["conditions"] if not c["passed"]]
    if not failed:
        yield violation(
            N_(
                "四项条件均满足：由项目建设单位调整，同时向市发展改革委、市财政局、市大数据发展局"
                "备案（第二十六条）。"
            ),
            facts={"classification": "filing"},
            params={},
        )
        return
    for c in failed:
        yield violation(
            N_("不满足“%(condition)s”（第二十六条），须履行审批手续。"),
            remedy=N_("请提交市发展改革委审批。"),
            facts={"condition": c["key"], **c["facts"]},
            severity=Severity.WARN,
            params={"condition": c["label"]},
        )
    if result["classification"] == "art11":
        yield violation(
            N_("调整涉及年度投资计划变更或增加当年预算安排，须参照第十一条办理（第二十六条）。"),
            remedy=N_("审批通过后由市财政局按第十一条发起。"),
            facts={"classification": "art11"},
            severity=Severity.WARN,
            params={},
        )


gate(
    "investment.change.submit",
    title=_("提交项目调整"),
    rules=["R26.1"],
    action="investment.submit_change",
)
