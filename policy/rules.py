"""Rules that need only a unit and an amount. The approval path of Art. 9 is decided here and
reused by the approval lifecycle."""

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from core.enums import Severity
from core.money import format_wan

from .engine import GateContext
from .paths import ApprovalPath, approval_path_for
from .registry import Violation, gate, rule, violation


@rule(
    id="R9.1",
    article="第九条",
    title=_("按总投资确定审批阶段"),
    severity=Severity.INFO,
)
def approval_stages(ctx: GateContext) -> Iterator[Violation]:
    """Always says which path applies, so the user sees the reason for the stages ahead."""
    total = ctx.facts["total_investment"]
    threshold = ctx.policy.p.approval_threshold
    facts = {
        "total_investment": str(total),
        "approval_threshold": str(threshold),
        "policy": ctx.policy.code,
    }
    if approval_path_for(total, ctx.policy) == ApprovalPath.TWO:
        yield violation(
            f"项目总投资 {format_wan(total)} 万元，达到 {format_wan(threshold)} 万元审批门槛"
            f"（第九条，含本数），须先批复可行性研究报告，再编制初步设计及概（预）算。",
            remedy="先报可行性研究报告，取得批复后再报初步设计及概（预）算方案。",
            facts={**facts, "path": ApprovalPath.TWO.value},
        )
    else:
        yield violation(
            f"项目总投资 {format_wan(total)} 万元，低于 {format_wan(threshold)} 万元审批门槛"
            f"（第九条），可直接编制可行性研究报告及概（预）算（代初步设计），一次审批。",
            remedy="编制可研报告及概（预）算（代初步设计）一并报批。",
            facts={**facts, "path": ApprovalPath.SINGLE.value},
        )


@rule(
    id="R9.1.positive-amount",
    article="第九条",
    title=_("总投资须为正数"),
    severity=Severity.BLOCK,
)
def positive_investment(ctx: GateContext) -> Iterator[Violation]:
    total = ctx.facts["total_investment"]
    if total <= 0:
        yield violation(
            f"总投资 {format_wan(total)} 万元无效，无法确定第九条规定的审批阶段。",
            remedy="请填写大于零的总投资金额（单位：万元）。",
            facts={"total_investment": str(total)},
        )


gate(
    "policy.approval_path",
    title=_("审批路径测算"),
    rules=["R9.1.positive-amount", "R9.1"],
)
