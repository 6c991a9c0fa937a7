"""Rules of DRC's approvals and the preliminary design (Art. 4, 9, 14, 19) with their gates."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from core.enums import Severity
from core.money import format_wan
from policy.registry import gate, rule, violation

from ..models import ApprovalPath, Chapter, ReviewState
from .common import CHAPTER_LABELS, _, subject
from .facts import design_content_review_state, document_types, isolation_reviews

# -- approvals (Art. 9, 4, 14, 19) ---------------------------------------------------------


def missing_chapter_opinions(opinions: dict | None) -> list[str]:
    """The chapters of Art. 14 without an opinion, by their labels."""
    return [
        str(CHAPTER_LABELS[c])
        for c in Chapter.values
        if not str((opinions or {}).get(c, "")).strip()
    ]


@rule(id="R14.2.approval", article="第十四条", title=_("批复文件须对五个章节逐一出具意见"))
def approval_chapter_opinions(ctx):
    if "chapter_opinions" not in ctx.facts:
        return  # asked before DRC has typed the opinions
    missing = missing_chapter_opinions(ctx.facts.get("chapter_opinions"))
    if missing:
        yield violation(
            f"批复意见缺少对以下章节的意见：{'、'.join(missing)}（第十四条）。",
            remedy="请在批复意见中对五个章节逐一填写意见。",
            facts={"missing": missing},
        )
    if not str(ctx.facts.get("document_number", "")).strip():
        yield violation(
            "请填写批复文号。",
            remedy="如：渝发改数〔2026〕12号。",
            facts={},
        )


@rule(id="R14.3", article="第十四条", title=_("批复前须有数据资源目录和密码应用方案"))
def catalog_and_crypto_plan(ctx):
    present = document_types(ctx)
    missing = [
        label
        for key, label in (("data_catalog", "数据资源目录"), ("crypto_plan", "密码应用方案"))
        if key not in present
    ]
    if missing:
        yield violation(
            f"项目缺少{'、'.join(missing)}，不能批复（第十四条）。",
            remedy="请退回项目建设单位补充上传（审批中不能上传），重新报送后再批复。",
            facts={"missing": missing},
        )


@rule(id="R19.1", article="第十九条", title=_("批复时须说明软硬件产品安全可靠情况"))
def secure_reliable_statement(ctx):
    project = subject(ctx)
    if not project.secure_reliable_statement.strip():
        yield violation(
            "项目未说明软硬件产品的安全可靠情况（第十九条）。",
            remedy="请退回项目建设单位，在项目信息中填写“软硬件产品安全可靠情况说明”后重新报送。",
            facts={},
        )


@rule(id="R14.5", article="第十四条", title=_("记录共享、安全和密码情况"), severity=Severity.INFO)
def record_status(ctx):
    project = subject(ctx)
    yield violation(
        f"批复时记录：数据共享类型“{project.get_share_type_display()}”，共享对象"
        f"“{project.get_share_recipient_kind_display()}”，拟定等保级别 "
        f"{project.mlps_level or '未填'}，密码应用情况“{project.crypto_status or '未填'}”"
        "（第十四条，供投资、运维经费和验收决定使用）。",
        facts={
            "share_type": project.share_type,
            "share_recipient_kind": project.share_recipient_kind,
            "mlps_level": project.mlps_level,
            "crypto_status": project.crypto_status,
        },
    )


@rule(id="R9.1.single", article="第九条", title=_("一次审批仅适用于门槛以下项目"))
def single_stage_below_threshold(ctx):
    project = subject(ctx)
    if project.approval_path != ApprovalPath.SINGLE:
        yield violation(
            "项目按两阶段审批（总投资达到门槛，第九条），不能一次批复可研报告及概（预）算。",
            remedy="请先批复可行性研究报告。",
            facts={"approval_path": project.approval_path},
        )


@rule(id="R9.1.two-stage", article="第九条", title=_("门槛以上项目须先批复可研报告"))
def fsr_first(ctx):
    project = subject(ctx)
    if project.approval_path != ApprovalPath.TWO:
        yield violation(
            "项目按一次审批（总投资低于门槛，第九条），无需单独批复可行性研究报告。",
            remedy="请直接批复可研报告及概（预）算（代初步设计）。",
            facts={"approval_path": project.approval_path},
        )


@rule(id="R9.1.design-after-fsr", article="第九条", title=_("初步设计须依据可研批复编制"))
def design_after_fsr(ctx):
    project = subject(ctx)
    if project.approval_path != ApprovalPath.TWO or project.fsr_approved_at is None:
        yield violation(
            "初步设计及概（预）算须在可行性研究报告批复后，依据批复要求编制（第九条）。",
            remedy="请等待可行性研究报告批复。",
            facts={"approval_path": project.approval_path},
        )


@rule(id="R4.1", article="第四条", title=_("初步设计内容须经大数据局审核后再批复"))
def design_content_reviewed(ctx):
    state = design_content_review_state(ctx)
    if state != ReviewState.AGREED:
        yield violation(
            "初步设计方案尚未经市大数据发展局内容审核同意，市发展改革委不能批复（第四条）。",
            remedy="请等待市大数据发展局完成初步设计内容审核。",
            facts={"review_state": state or None},
        )


@rule(id="R9.1.amount", article="第九条", title=_("核定总投资须为正数"))
def approved_amount_positive(ctx):
    if "approved_amount" not in ctx.facts:
        return  # asked before DRC has typed the amount
    amount = ctx.facts.get("approved_amount")
    if amount is None or amount <= 0:
        yield violation(
            "请填写大于零的核定总投资。",
            remedy="按评估和审查意见核定的总投资（万元）。",
            facts={"approved_amount": str(amount)},
        )


@rule(id="R9.1.single-amount", article="第九条", title=_("一次审批的核定总投资须低于门槛"))
def single_stage_amount_below_threshold(ctx):
    """The path follows the amount: a single-stage approval cannot approve a total at or
    above the threshold (含本数), which needs the FSR first."""
    amount = ctx.facts.get("approved_amount")
    threshold = ctx.policy.p.approval_threshold
    if amount is not None and amount >= threshold:
        yield violation(
            N_(
                "核定总投资 %(amount)s 万元达到两阶段审批门槛 %(threshold)s 万元（含本数），"
                "不能按一次审批批复可研报告及概（预）算（第九条）。"
            ),
            remedy=N_(
                "请核定低于门槛的总投资；确需按该金额建设的，请退回项目建设单位调整总投资，"
                "重新报送后按两阶段审批先批复可行性研究报告。"
            ),
            facts={"approved_amount": amount, "approval_threshold": threshold},
            params={"amount": format_wan(amount), "threshold": format_wan(threshold)},
        )


@rule(id="R9.1.over-request", article="第九条", title=_("核定总投资超出申报须说明理由"))
def over_request_reasoned(ctx):
    """Approving more than the unit requested is possible, but the reason is on the record."""
    amount = ctx.facts.get("approved_amount")
    requested = ctx.facts.get("total_investment")
    if amount is None or requested is None or amount <= requested:
        return
    if not str(ctx.facts.get("over_request_reason", "")).strip():
        yield violation(
            N_(
                "核定总投资 %(amount)s 万元高于申报总投资 %(requested)s 万元，"
                "未说明理由（第九条）。"
            ),
            remedy=N_("请在“核定总投资超出申报的理由”中说明，或按申报总投资核定。"),
            facts={"approved_amount": amount, "total_investment": requested},
            params={"amount": format_wan(amount), "requested": format_wan(requested)},
        )


@rule(
    id="R31.1.isolated-project",
    article="第三十一条",
    title=_("孤网项目须经大数据局初审、市政府批准"),
)
def isolated_project_approved(ctx):
    """Art. 31: a project that cannot share is built only after BDB's initial review and the
    city government's approval; DRC cannot approve it before both agreed."""
    project = subject(ctx)
    if not project.isolated_network:
        return
    status = isolation_reviews(ctx)
    missing = [
        label
        for authority, label in (("bdb", "市大数据发展局初审"), ("gov", "市政府批准"))
        if status.get(authority) != ReviewState.AGREED
    ]
    if missing:
        yield violation(
            N_(
                "本项目拟建设孤网（不能与其他系统联网共享），尚缺%(missing)s，不能批复"
                "（第三十一条：联网通办是原则，孤网是例外）。"
            ),
            remedy=N_(
                "请等待市大数据发展局初审同意并报市政府批准；不予同意的，请改为联网共享方案。"
            ),
            facts={"isolation_reviews": status},
            params={"missing": "、".join(missing)},
        )


APPROVAL_RULES = [
    "R9.1.amount",
    "R9.1.over-request",
    "R14.2.approval",
    "R14.3",
    "R14.4",
    "R19.1",
    "R14.5",
    "R21.1",
]
gate(
    "projects.approve",
    title=_("批复可研报告及概（预）算（代初步设计）"),
    rules=["R9.1.single", "R9.1.single-amount", "R9.3", "R31.1.isolated-project", *APPROVAL_RULES],
    action="projects.approve_project",
)
gate(
    "projects.approve_fsr",
    title=_("批复可行性研究报告"),
    rules=[
        "R9.1.two-stage",
        "R9.3",
        "R31.1.isolated-project",
        "R9.1.amount",
        "R9.1.over-request",
        "R14.2.approval",
        "R14.3",
        "R14.4",
        "R19.1",
        "R14.5",
        "R21.1",
    ],
    action="projects.approve_project",
)
gate(
    "projects.design.submit",
    title=_("报送初步设计及概（预）算"),
    rules=["R9.1.design-after-fsr", "R14.1"],
    action="projects.submit_design",
)
gate(
    "projects.design.content",
    title=_("大数据局审核初步设计内容"),
    rules=["R14.1"],
    action="projects.review_design_content",
)
gate(
    "projects.approve_design",
    title=_("批复初步设计及概（预）算"),
    rules=["R9.1.design-after-fsr", "R4.1", *APPROVAL_RULES],
    action="projects.approve_project",
)
