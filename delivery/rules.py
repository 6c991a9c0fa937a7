"""Rules of construction, acceptance and evaluation (Art. 16, 22-24, 28-30) and their gates.

- ``delivery.start`` before the start of construction (R24.1, R16.1, R22.1);
- ``delivery.advance`` before trial operation and completion (R24.1);
- ``delivery.annual_report`` before an annual performance report (R23.1);
- ``delivery.acceptance`` before applying for or filing a completion acceptance (R24.1, R28.1,
  R29.1, R28.2, R28.3, and R19.2 on a filed result);
- ``delivery.acceptance_result`` before BDB records the result of the acceptance it organised
  (R19.2);
- ``delivery.self_evaluation`` before a self-evaluation (R30.1).

The states an action needs (a project under construction, completed …) are the machines'
(``machines.py``); the rules here read the facts of the project and of the input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from core.dates import add_months
from core.enums import Severity
from core.findings import Violation
from core.money import format_wan
from documents.services import document_types_present
from policy.engine import GateContext
from policy.registry import gate, rule, violation

from .models import (
    AcceptancePath,
    ArchiveFailure,
    CryptoEvaluation,
    Delivery,
    ProductReliability,
    SecurityReview,
)
from .services import (
    ACCEPTANCE_MATERIALS,
    acceptance_path_for,
    has_contract,
    has_supervisor,
    stored_delivery,
)

Found = Iterator[Violation]


def _delivery(ctx: GateContext) -> Delivery:
    """The project's delivery record as the rules saw it (kept with the decision)."""
    found = ctx.fact("delivery", lambda: stored_delivery(ctx.subject))
    return found or Delivery(project=ctx.subject)


def _joined(labels: list[str]) -> str:
    return "、".join(labels)


@rule(id="R16.1", article="第十六条", title=_("开工前须明确实施机构、负责人并完成采购和合同"))
def ready_to_start(ctx: GateContext) -> Found:
    project = ctx.subject
    delivery = _delivery(ctx)
    missing = []
    if not delivery.implementing_agency.strip():
        missing.append("项目实施机构")
    if not delivery.responsible_person.strip():
        missing.append("项目负责人")
    if not ctx.fact("has_contract", lambda: has_contract(project)):
        missing.append("采购结果及合同")
    if missing:
        yield violation(
            N_(
                "开工前尚缺：%(missing)s（第十六条：项目建设单位应明确项目实施机构和"
                "项目负责人，依法开展招标采购、工程监理、合同管理）。"
            ),
            remedy=N_("请在“建设实施”中登记实施机构和负责人，在“合同与支付”中登记采购合同。"),
            facts={"missing": missing},
            params={"missing": _joined(missing)},
        )


@rule(id="R22.1", article="第二十二条", title=_("建设项目须委托工程监理"))
def supervisor_assigned(ctx: GateContext) -> Found:
    assigned = ctx.fact("supervisor_assigned", lambda: has_supervisor(ctx.subject))
    if not assigned:
        yield violation(
            N_("项目尚未登记工程监理单位（第二十二条：政务信息化建设项目应当实行工程监理制）。"),
            remedy=N_("请登记通过采购确定的工程监理单位。"),
            facts={},
            params={},
        )


@rule(id="R24.1", article="第二十四条", title=_("暂停期间不得推进或支付"))
def not_suspended(ctx: GateContext) -> Found:
    project = ctx.subject
    if project.terminated_at:
        yield violation(
            N_("项目已终止，不能办理（第二十四条）。"),
            remedy=N_("如需恢复请联系市发展改革委。"),
            facts={},
            params={},
        )
    elif project.suspended_at:
        yield violation(
            N_("项目于 %(since)s 被暂停（第二十四条），暂停解除前不能办理。"),
            remedy=N_("请按处理意见整改，由市发展改革委或市财政局解除暂停后再办理。"),
            facts={"suspended_at": project.suspended_at.isoformat()},
            params={"since": f"{project.suspended_at:%Y-%m-%d}"},
        )


gate(
    "delivery.start",
    title=_("开工建设"),
    rules=["R24.1", "R16.1", "R22.1"],
    action="delivery.start_construction",
)
gate(
    "delivery.advance",
    title=_("试运行、建成"),
    rules=["R24.1"],
    action="delivery.complete_construction",
)

ANNUAL_REPORT_PARTS = (
    ("summary", "建设进展与绩效情况"),
    ("user_opinions", "使用单位意见"),
    ("supervisor_opinion", "监理单位意见"),
)


@rule(id="R23.1", article="第二十三条", title=_("年度绩效评价报告须附使用单位和监理单位意见"))
def annual_report_content(ctx: GateContext) -> Found:
    f = ctx.facts
    missing = [label for key, label in ANNUAL_REPORT_PARTS if not str(f.get(key, "")).strip()]
    if f.get("in_trial") and not str(f.get("trial_effects", "")).strip():
        missing.append("试运行效果")
    if missing:
        yield violation(
            N_("年度绩效评价报告缺少：%(missing)s（第二十三条）。"),
            remedy=N_("请补充后再提交。"),
            facts={"missing": missing},
            params={"missing": _joined(missing)},
        )


gate(
    "delivery.annual_report",
    title=_("提交年度绩效评价报告"),
    rules=["R23.1"],
    action="delivery.submit_annual_report",
)


@rule(id="R28.2", article="第二十八条", title=_("竣工验收材料须齐全"))
def acceptance_materials(ctx: GateContext) -> Found:
    project = ctx.subject
    present = set(
        ctx.fact(
            "document_types",
            lambda: sorted(document_types_present([project]).get(project.pk, set())),
        )
    )
    missing = [label for key, label in ACCEPTANCE_MATERIALS.items() if key not in present]
    if missing:
        yield violation(
            N_("竣工验收材料不全，缺少：%(missing)s（第二十八条）。"),
            remedy=N_("请在项目文件中上传缺少的材料后再申请或报备验收。"),
            facts={"missing": missing},
            params={"missing": _joined(missing)},
        )


@rule(id="R29.1", article="第二十九条", title=_("竣工验收前须通过档案验收"))
def archives_first(ctx: GateContext) -> Found:
    """Art. 29 ¶2: neither an archive acceptance never held nor a failed one lets the completion
    acceptance pass; a failure is cited with its date and reasons until a later one passes."""
    if _delivery(ctx).archive_accepted_on is not None:
        return
    last = ctx.fact(
        "archive_failure",
        lambda: (
            ArchiveFailure.objects.filter(project=ctx.subject).order_by("-failed_on", "-id").first()
        ),
    )
    if last is not None:
        yield violation(
            N_("项目档案于 %(on)s 档案验收不合格（%(reasons)s），不能通过竣工验收（第二十九条）。"),
            remedy=N_("请按档案验收意见整改项目档案，重新进行档案验收合格后再申请竣工验收。"),
            facts={"archive_failure": last.pk, "failed_on": last.failed_on.isoformat()},
            params={"on": f"{last.failed_on:%Y-%m-%d}", "reasons": last.reasons},
        )
    else:
        yield violation(
            N_("项目档案尚未通过档案验收，不能进行竣工验收（第二十九条）。"),
            remedy=N_("请整理项目档案，经档案验收合格后再申请竣工验收。"),
            facts={},
            params={},
        )


@rule(id="R28.1", article="第二十八条", title=_("按投资门槛确定验收组织方式"))
def acceptance_path(ctx: GateContext) -> Found:
    project = ctx.subject
    expected = ctx.fact("acceptance_path", lambda: str(acceptance_path_for(project)))
    chosen = ctx.facts.get("path")
    if chosen and chosen != expected:
        # The threshold of the project's own policy (a district may set its own, Art. 39).
        threshold = ctx.fact(
            "project_policy_threshold", lambda: (project.policy or ctx.policy).p.approval_threshold
        )
        total = project.approved_total or project.total_investment
        label = str(AcceptancePath(expected).label)
        yield violation(
            N_(
                "本项目总投资 %(total)s 万元，对应的验收方式为“%(path)s”（第二十八条："
                "%(threshold)s 万元（含）以上由市大数据发展局组织竣工验收，以下由项目"
                "建设单位组织验收并报市大数据发展局备案）。"
            ),
            remedy=N_("请按“%(path)s”办理。"),
            facts={
                "expected": expected,
                "chosen": chosen,
                "total_investment": str(total),
                "approval_threshold": str(threshold),
            },
            params={"total": format_wan(total), "path": label, "threshold": format_wan(threshold)},
        )


def acceptance_deadline(delivery: Delivery, months: int, extension: Any) -> dt.date | None:
    """The end of the acceptance window (Art. 28), or of a granted extension past it."""
    if delivery.completed_on is None:
        return None
    end = add_months(delivery.completed_on, months)
    return max(end, dt.date.fromisoformat(extension)) if extension else end


@rule(
    id="R28.3",
    article="第二十八条",
    title=_("超过验收期限须申请延期"),
    severity=Severity.WARN,
)
def acceptance_late(ctx: GateContext) -> Found:
    months = ctx.policy.p.acceptance_window_months
    limit = acceptance_deadline(_delivery(ctx), months, ctx.facts.get("extension_until"))
    if limit is not None and dt.date.fromisoformat(ctx.facts["today"]) > limit:
        yield violation(
            N_("已超过验收期限 %(deadline)s（建成后 %(months)s 个月，第二十八条）且未获延期。"),
            remedy=N_("逾期情况将记录为问题；不能按期验收的应提前向市大数据发展局申请延期。"),
            facts={"deadline": limit.isoformat()},
            params={"deadline": limit.isoformat(), "months": months},
        )


# What Art. 19 makes an important part of the acceptance, each with what the record must say
# for the acceptance to pass (the facts of the input, ``acceptance_checks``).
ART19_PARTS = (
    ("products_reliability", "软硬件产品安全可靠情况"),
    ("crypto_evaluation", "密码应用安全性评估情况"),
    ("security_review", "安全审查情况"),
    ("energy_note", "硬件设备能源利用效率情况"),
)


def acceptance_checks(data: Any) -> dict[str, Any]:
    """The facts R19.2 reads from an acceptance result (JSON-able: the PUE as text), or none
    before the form is filled in."""
    if data is None:
        return {}
    return {
        "passed": bool(data.passed),
        "products_reliability": data.products_reliability,
        "products_note": data.products_note,
        "crypto_evaluation": data.crypto_evaluation,
        "security_review": data.security_review,
        "energy_note": data.energy_note,
        "new_data_centre": bool(data.new_data_centre),
        "pue": None if data.pue is None else str(data.pue),
    }


@rule(
    id="R19.2",
    article="第十九条",
    title=_("验收须审查产品安全可靠、密码应用和安全审查、能源利用效率情况"),
)
def acceptance_art19(ctx: GateContext) -> Found:
    """Art. 19: the secure-and-reliable status of the products, the crypto application and
    security review, and the energy efficiency of the hardware and any new data centre are
    important parts of the acceptance. A passing acceptance records each; it does not pass
    with the products' status unstated, without a passed crypto evaluation (密评), with a
    failed security review, or with a new data centre above the policy's PUE ceiling. A failed
    acceptance need not state them."""
    f = ctx.facts
    if f.get("passed") is not True:
        return
    missing = [label for key, label in ART19_PARTS if not str(f.get(key) or "").strip()]
    pue = f.get("pue")
    if f.get("new_data_centre") and pue in (None, ""):
        missing.append("新建数据中心电能使用效率（PUE）")
    if missing:
        yield violation(
            N_(
                "验收结果尚未登记：%(missing)s（第十九条：项目软硬件产品的安全可靠情况，项目"
                "密码应用和安全审查情况，以及硬件设备和新建数据中心能源利用效率情况是项目验收"
                "的重要内容）。"
            ),
            remedy=N_("请在验收结果中逐项登记后再登记验收通过。"),
            facts={"missing": missing},
            params={"missing": _joined(missing)},
        )
    reliability = f.get("products_reliability")
    if reliability == ProductReliability.UNSTATED:
        yield violation(
            N_("验收时未说明项目软硬件产品的安全可靠情况，不能通过验收（第十九条）。"),
            remedy=N_("请核实项目采购的软硬件产品是否安全可靠，登记情况后再登记验收通过。"),
            facts={"products_reliability": reliability},
            params={},
        )
    elif (
        reliability == ProductReliability.PARTIAL and not str(f.get("products_note") or "").strip()
    ):
        yield violation(
            N_("软硬件产品为部分安全可靠，但未说明具体情况（第十九条）。"),
            remedy=N_("请在“安全可靠情况说明”中写明未达到安全可靠的产品及原因。"),
            facts={"products_reliability": reliability},
            params={},
        )
    crypto = f.get("crypto_evaluation")
    if crypto in (CryptoEvaluation.FAILED, CryptoEvaluation.NOT_DONE):
        yield violation(
            N_("项目%(status)s，不能通过验收（第十九条：项目密码应用情况是项目验收的重要内容）。"),
            remedy=N_("请完成密码应用安全性评估并通过后再登记验收通过。"),
            facts={"crypto_evaluation": crypto},
            params={"status": str(CryptoEvaluation(crypto).label)},
        )
    if f.get("security_review") == SecurityReview.FAILED:
        yield violation(
            N_("项目安全审查未通过，不能通过验收（第十九条）。"),
            remedy=N_("请按安全审查意见整改，通过安全审查后再登记验收通过。"),
            facts={"security_review": SecurityReview.FAILED.value},
            params={},
        )
    if f.get("new_data_centre") and pue not in (None, ""):
        ceiling = ctx.policy.p.new_data_centre_max_pue
        if Decimal(str(pue)) > ceiling:
            yield violation(
                N_(
                    "新建数据中心电能使用效率（PUE）为 %(pue)s，高于政策规定的 %(max)s"
                    "（第十九条：新建数据中心能源利用效率情况是项目验收的重要内容）。"
                ),
                remedy=N_("请采取节能措施将 PUE 降至 %(max)s 以下并重新测定后再登记验收通过。"),
                facts={"pue": str(pue), "new_data_centre_max_pue": str(ceiling)},
                params={"pue": str(pue), "max": str(ceiling)},
            )


gate(
    "delivery.acceptance",
    title=_("申请或报备竣工验收"),
    rules=["R24.1", "R28.1", "R29.1", "R28.2", "R28.3", "R19.2"],
    action="delivery.apply_acceptance",
)
gate(
    "delivery.acceptance_result",
    title=_("登记竣工验收结果"),
    rules=["R19.2"],
    action="delivery.decide_acceptance",
)


@rule(id="R30.1", article="第三十条", title=_("自评价在验收运行后的规定期间内开展"))
def self_evaluation_window(ctx: GateContext) -> Found:
    delivery = _delivery(ctx)
    if delivery.accepted_on is None or delivery.golive_on is None:
        yield violation(
            N_("项目尚未完成竣工验收并正式上线运行，不能开展自评价（第三十条）。"),
            remedy=N_("请在竣工验收并正式运行后开展自评价。"),
            facts={},
            params={},
        )
        return
    p = ctx.policy.p
    base = max(delivery.accepted_on, delivery.golive_on)
    start = add_months(base, p.self_eval_start_months)
    end = add_months(base, p.self_eval_end_months)
    on = dt.date.fromisoformat(ctx.facts["completed_on"])
    window = {"start": start.isoformat(), "end": end.isoformat()}
    if on < start:
        yield violation(
            N_(
                "自评价窗口自 %(start)s 开始（验收运行后 %(a)s—%(b)s 个月，第三十条），"
                "现在尚未到期。"
            ),
            remedy=N_("请在 %(start)s 至 %(end)s 之间开展自评价。"),
            facts=window,
            params={**window, "a": p.self_eval_start_months, "b": p.self_eval_end_months},
        )
    elif on > end:
        yield violation(
            N_("自评价窗口已于 %(end)s 结束，本次自评价逾期（第三十条）。"),
            remedy=N_("逾期情况将记录在案。"),
            facts=window,
            severity=Severity.WARN,
            params=window,
        )


gate(
    "delivery.self_evaluation",
    title=_("提交自评价"),
    rules=["R30.1"],
    action="delivery.submit_self_evaluation",
)
