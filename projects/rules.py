"""Rules of the approval lifecycle (Art. 4, 8-10, 12-14, 19, 20, 27) and the gates that use them.

Every rule reads the project (``ctx.subject``) and facts loaded by ``services``; every number
comes from the policy in force (``ctx.param``). Gate codes are those of ``lifecycle.TRANSITIONS``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.enums import Severity
from core.money import format_wan
from policy.registry import gate, rule, violation

from .models import (
    JOINT_REVIEW_TOPIC,
    ApprovalPath,
    Chapter,
    Framework,
    Hosting,
    ListCriterion,
    ProjectKind,
    ProjectState,
    RecipientKind,
    ReviewKind,
    ReviewState,
    ShareType,
    Stage,
)
from .services import (
    current_stage,
    declared_chapters,
    document_facts,
    is_on_published_list,
    joint_review_status,
    latest_review,
)

CHAPTER_LABELS = dict(Chapter.choices)
CRITERION_LABELS = dict(ListCriterion.choices)


def _p(ctx):
    return ctx.subject


# -- submission (Art. 8, 13, 20) -----------------------------------------------------------


@rule(id="R8.1", article="第八条", title=_("须按报备的总体方案提交项目需求说明"))
def requirement_description(ctx):
    project = _p(ctx)
    if not project.requirement.strip():
        yield violation(
            f"项目“{project.name}”尚未填写项目需求说明；第八条规定项目建设单位应按照报备的"
            "总体方案编制并提交项目需求说明。",
            remedy="请在“项目需求说明”中写明建设内容、业务需求和预期效果。",
            facts={"project": project.code},
        )
    if project.plan_item_id is None:
        yield violation(
            f"项目“{project.name}”未关联总体方案中的项目，无法确认需求来自报备的总体方案（第八条）。",
            remedy="请在“总体方案项目”中选择本单位现行报备总体方案里的对应项目。",
            facts={"project": project.code},
        )


@rule(id="R8.3", article="第八条", title=_("涉密项目不在平台办理"))
def classified_refused(ctx):
    if ctx.facts.get("is_classified") or getattr(ctx.subject, "is_classified", False):
        yield violation(
            "涉密项目不得在本平台填报任何内容（第八条）。",
            remedy="请通过线下涉密渠道向市发展改革委报送；如需计入计划总额，"
            "请联系市发展改革委授权经办人登记不含涉密内容的项目存根（编号、单位、金额）。",
            facts={"channel": "offline"},
        )


@rule(id="R20.1", article="第二十条", title=_("原则上部署在数字重庆云，其他部署须说明理由"))
def hosting_on_cloud(ctx):
    project = _p(ctx)
    if project.hosting == Hosting.OTHER and not project.hosting_justification.strip():
        yield violation(
            "项目选择不部署在数字重庆云，但未说明理由；第二十条要求政务信息系统原则上依托"
            "数字重庆云部署，确需其他方式部署的应说明理由。",
            remedy="请改为部署在数字重庆云，或在“不部署在数字重庆云的理由”中写明理由。",
            facts={"hosting": project.hosting},
        )


@rule(id="R13.1", article="第十三条", title=_("跨部门项目须先取得大数据局对框架方案的审核意见"))
def framework_opinion_first(ctx):
    project = _p(ctx)
    framework = project.framework
    if framework is None:
        return
    participants = {p.unit_id for p in framework.participants.all()} | {framework.lead_unit_id}
    if project.unit_id not in participants:
        yield violation(
            f"本单位不是跨部门项目“{framework.title}”的牵头或参与单位，不能以其名义申报（第十三条）。",
            remedy="请牵头单位在框架方案中增加本单位为参与单位，并重新报大数据局审核。",
            facts={"framework": framework.title},
        )
    if not framework.has_bdb_opinion:
        yield violation(
            f"跨部门项目“{framework.title}”的框架方案尚未取得市大数据发展局审核意见"
            f"（当前：{framework.get_state_display()}）；第十三条规定审核意见是各参与单位"
            "申报本部门项目的必要附件。",
            remedy="请牵头单位将框架方案报市大数据发展局审核，取得审核意见后再申报。",
            facts={"framework": framework.title, "framework_state": framework.state},
        )


def _framework_of(ctx):
    """The framework a rule looks at: the subject itself, or the project's framework."""
    subject = ctx.subject
    return subject if isinstance(subject, Framework) else getattr(subject, "framework", None)


def overlapping_items(framework) -> list[tuple[str, list[str]]]:
    """Content items claimed by two or more participating units (normalised text)."""
    claims: dict[str, list[str]] = {}
    for participant in framework.participants.all():
        for item in participant.content_items or []:
            key = "".join(str(item).split()).lower()
            if key:
                claims.setdefault(key, []).append(participant.unit.display_name)
    return [(item, units) for item, units in claims.items() if len(set(units)) > 1]


@rule(id="R13.1.overlap", article="第十三条", title=_("各参与单位建设内容不得重复"))
def framework_no_overlap(ctx):
    framework = _framework_of(ctx)
    if framework is None:
        return
    for item, units in overlapping_items(framework):
        yield violation(
            f"建设内容“{item}”同时由{'、'.join(sorted(set(units)))}承担，各参与单位的项目"
            "内容不得重复（第十三条）。",
            remedy="请牵头单位调整分工，使每项建设内容只由一个单位承担。",
            facts={"item": item, "units": sorted(set(units))},
        )


@rule(id="R13.2", article="第十三条", title=_("需区县配合的项目须登记区县及其配套项目"))
def district_cooperation(ctx):
    framework = _framework_of(ctx)
    if framework is None:
        return
    for link in framework.districts.all():
        if not link.linked_project.strip():
            yield violation(
                f"区县“{link.district.display_name}”参与跨部门项目“{framework.title}”，"
                "但未登记其配套项目（第十三条）。",
                remedy="请登记该区县的配套项目名称。",
                facts={"district": link.district.display_name},
            )


@rule(
    id="R14.4.preview",
    article="第十四条",
    title=_("应普遍共享的数据不得仅向特定企业或组织开放"),
    severity=Severity.WARN,
)
def sharing_scope_preview(ctx):
    yield from _sharing_scope(_p(ctx))


@rule(id="R14.4", article="第十四条", title=_("应普遍共享的数据不得仅向特定企业或组织开放"))
def sharing_scope(ctx):
    yield from _sharing_scope(_p(ctx))


def _sharing_scope(project):
    if (
        project.share_type == ShareType.UNCONDITIONAL
        and project.share_recipient_kind == RecipientKind.NAMED_PRIVATE
    ):
        yield violation(
            "项目数据为无条件共享（应普遍共享），但共享对象仅为特定企业或组织"
            f"（{project.share_recipients or '未列名'}）；第十四条规定应普遍共享的数据"
            "不得仅向特定企业、社会组织开放。",
            remedy="请把共享对象改为全市政务部门，或改为有条件共享并写明条件。",
            facts={"share_type": project.share_type, "recipients": project.share_recipients},
        )
    if project.share_type in (ShareType.CONDITIONAL, ShareType.NONE) and not (
        project.share_conditions.strip()
    ):
        label = "共享条件" if project.share_type == ShareType.CONDITIONAL else "不予共享的法律依据"
        yield violation(
            f"数据共享类型为“{project.get_share_type_display()}”，但未写明{label}（第十四条）。",
            remedy=f"请在“共享条件或不予共享依据”中写明{label}。",
            facts={"share_type": project.share_type},
        )


gate(
    "projects.create",
    title=_("新建项目需求"),
    rules=["R8.3"],
    action="projects.actions.create_project",
)
gate(
    "projects.submit",
    title=_("申报项目需求"),
    rules=[
        "R8.3",
        "R8.1",
        "R6.3",
        "R7.1",
        "R13.1",
        "R13.2",
        "R20.1",
        "R14.4.preview",
        # registered by the catalog chapter: the O&M conditions fed back as gates
        "R33.1.new-project",
        "R31.2.expansion",
        "R32.1.expansion",
    ],
    action="projects.actions.submit_project",
)
gate(
    "projects.resubmit",
    title=_("修改后重新报送"),
    rules=[
        "R8.3",
        "R8.1",
        "R13.1",
        "R20.1",
        "R14.4.preview",
        # a returned project meets the catalog conditions again when it comes back
        "R33.1.new-project",
        "R31.2.expansion",
        "R32.1.expansion",
    ],
    action="projects.actions.resubmit_project",
)


# -- BDB list review (Art. 8) --------------------------------------------------------------


@rule(id="R8.2", article="第八条", title=_("大数据局须逐项出具审核意见并确定优先级"))
def list_review_complete(ctx):
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


gate(
    "projects.list",
    title=_("列入项目清单"),
    rules=["R8.2", "R13.1.overlap"],
    action="projects.actions.decide_list_review",
)


# -- DRC acceptance (Art. 9, 12, 14) -------------------------------------------------------


@rule(id="R9.2", article="第九条", title=_("发展改革委只受理已纳入项目清单的项目"))
def accepted_only_if_listed(ctx):
    project = _p(ctx)
    if project.state != ProjectState.LISTED or is_on_published_list(project) is None:
        yield violation(
            f"项目“{project.name}”不在已发布的 {project.year} 年项目清单中，"
            "市发展改革委不能受理（第九条：统一受理已纳入项目清单的项目申请）。",
            remedy="请等待市大数据发展局发布包含该项目的项目清单后再受理。",
            facts={"state": project.state, "year": project.year},
        )


@rule(id="R9.2.consultant", article="第九条", title=_("须委托第三方咨询评估机构"))
def consultant_assigned(ctx):
    consultant = ctx.facts.get("consultant")
    if consultant is None:
        yield violation(
            "受理项目须委托第三方咨询评估机构开展项目评估（第九条）。",
            remedy="请选择一家第三方咨询评估机构。",
            facts={},
        )


def _missing_chapters(project, stage) -> list[str]:
    declared = declared_chapters(project, stage)
    attached = document_facts(project).chapter_docs.get(stage, set())
    return [str(CHAPTER_LABELS[c]) for c in Chapter.values if c not in declared | attached]


@rule(id="R14.1", article="第十四条", title=_("报告须包含五个必备章节"))
def five_chapters(ctx):
    project = _p(ctx)
    stage = ctx.facts.get("stage") or current_stage(project)
    missing = _missing_chapters(project, stage)
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
    project = _p(ctx)
    if project.kind != ProjectKind.EXPANSION:
        return
    if "post_evaluation" not in document_facts(project).types:
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
    project = _p(ctx)
    if not (project.new_civil_works or project.energy_intensive):
        return
    present = document_facts(project).types
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
    threshold = ctx.param("approval_threshold")
    two = total >= threshold
    yield violation(
        f"总投资 {format_wan(total)} 万元{'达到' if two else '低于'}政策 {ctx.policy.code} 的"
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
    action="projects.actions.accept_project",
)


# -- evaluation report (Art. 9, 14) --------------------------------------------------------


def _missing_chapter_opinions(opinions: dict) -> list[str]:
    return [
        str(CHAPTER_LABELS[c])
        for c in Chapter.values
        if not str((opinions or {}).get(c, "")).strip()
    ]


@rule(id="R14.2", article="第十四条", title=_("评估报告须对五个章节逐一出具意见"))
def evaluation_chapter_opinions(ctx):
    missing = _missing_chapter_opinions(ctx.facts.get("chapter_opinions"))
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
    action="projects.actions.submit_evaluation_report",
)


# -- joint review (Art. 9) -----------------------------------------------------------------


@rule(id="R9.3", article="第九条", title=_("联合技术审查须五个主管部门全部同意"))
def joint_review_complete(ctx):
    project = _p(ctx)
    status = joint_review_status(project, Stage.FSR)
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
    action="projects.actions.give_joint_opinion",
)


# -- approvals (Art. 9, 4, 14, 19) ---------------------------------------------------------


@rule(id="R14.2.approval", article="第十四条", title=_("批复文件须对五个章节逐一出具意见"))
def approval_chapter_opinions(ctx):
    missing = _missing_chapter_opinions(ctx.facts.get("chapter_opinions"))
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
    present = document_facts(_p(ctx)).types
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
    project = _p(ctx)
    if not project.secure_reliable_statement.strip():
        yield violation(
            "项目未说明软硬件产品的安全可靠情况（第十九条）。",
            remedy="请退回项目建设单位，在项目信息中填写“软硬件产品安全可靠情况说明”后重新报送。",
            facts={},
        )


@rule(id="R14.5", article="第十四条", title=_("记录共享、安全和密码情况"), severity=Severity.INFO)
def record_status(ctx):
    project = _p(ctx)
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
    project = _p(ctx)
    if project.approval_path != ApprovalPath.SINGLE:
        yield violation(
            "项目按两阶段审批（总投资达到门槛，第九条），不能一次批复可研报告及概（预）算。",
            remedy="请先批复可行性研究报告。",
            facts={"approval_path": project.approval_path},
        )


@rule(id="R9.1.two-stage", article="第九条", title=_("门槛以上项目须先批复可研报告"))
def fsr_first(ctx):
    project = _p(ctx)
    if project.approval_path != ApprovalPath.TWO:
        yield violation(
            "项目按一次审批（总投资低于门槛，第九条），无需单独批复可行性研究报告。",
            remedy="请直接批复可研报告及概（预）算（代初步设计）。",
            facts={"approval_path": project.approval_path},
        )


@rule(id="R9.1.design-after-fsr", article="第九条", title=_("初步设计须依据可研批复编制"))
def design_after_fsr(ctx):
    project = _p(ctx)
    if project.approval_path != ApprovalPath.TWO or project.fsr_approved_at is None:
        yield violation(
            "初步设计及概（预）算须在可行性研究报告批复后，依据批复要求编制（第九条）。",
            remedy="请等待可行性研究报告批复。",
            facts={"approval_path": project.approval_path},
        )


@rule(id="R4.1", article="第四条", title=_("初步设计内容须经大数据局审核后再批复"))
def design_content_reviewed(ctx):
    project = _p(ctx)
    review = latest_review(project, ReviewKind.DESIGN_CONTENT, Stage.DESIGN)
    if review is None or review.state != ReviewState.AGREED:
        yield violation(
            "初步设计方案尚未经市大数据发展局内容审核同意，市发展改革委不能批复（第四条）。",
            remedy="请等待市大数据发展局完成初步设计内容审核。",
            facts={"review_state": getattr(review, "state", None)},
        )


@rule(id="R9.1.amount", article="第九条", title=_("核定总投资须为正数"))
def approved_amount_positive(ctx):
    amount = ctx.facts.get("approved_amount")
    if amount is None or amount <= 0:
        yield violation(
            "请填写大于零的核定总投资。",
            remedy="按评估和审查意见核定的总投资（万元）。",
            facts={"approved_amount": str(amount)},
        )


APPROVAL_RULES = ["R9.1.amount", "R14.2.approval", "R14.3", "R14.4", "R19.1", "R14.5"]
gate(
    "projects.approve",
    title=_("批复可研报告及概（预）算（代初步设计）"),
    rules=["R9.1.single", "R9.3", *APPROVAL_RULES],
    action="projects.actions.approve_project",
)
gate(
    "projects.approve_fsr",
    title=_("批复可行性研究报告"),
    rules=["R9.1.two-stage", "R9.3", "R9.1.amount", "R14.2.approval", "R14.4", "R14.5"],
    action="projects.actions.approve_project",
)
gate(
    "projects.design.submit",
    title=_("报送初步设计及概（预）算"),
    rules=["R9.1.design-after-fsr", "R14.1"],
    action="projects.actions.submit_design",
)
gate(
    "projects.design.content",
    title=_("大数据局审核初步设计内容"),
    rules=["R14.1"],
    action="projects.actions.review_design_content",
)
gate(
    "projects.approve_design",
    title=_("批复初步设计及概（预）算"),
    rules=["R9.1.design-after-fsr", "R4.1", *APPROVAL_RULES],
    action="projects.actions.approve_project",
)


# -- cross-department framework (Art. 13) --------------------------------------------------


@rule(id="R13.1.framework", article="第十三条", title=_("框架方案须写明目标、内容、分工和数据目录"))
def framework_complete(ctx):
    framework = ctx.subject
    missing = [
        label
        for value, label in (
            (framework.goals, "建设目标"),
            (framework.main_content, "主要建设内容"),
            (framework.data_catalog, "初步数据资源目录"),
        )
        if not value.strip()
    ]
    participants = list(framework.participants.all())
    if not participants:
        missing.append("参与单位")
    for p in participants:
        for value, label in (
            (p.business_flow, "业务流"),
            (p.data_flow, "数据流"),
            (p.interfaces, "接口"),
        ):
            if not value.strip():
                missing.append(f"{p.unit.display_name}的{label}")
    if missing:
        yield violation(
            f"框架方案缺少：{'、'.join(missing)}（第十三条）。",
            remedy="请补充后再报市大数据发展局审核。",
            facts={"missing": missing},
        )


gate(
    "projects.framework.submit",
    title=_("框架方案报大数据局审核"),
    rules=["R13.1.framework", "R13.1.overlap", "R13.2"],
    action="projects.actions.submit_framework",
)
gate(
    "projects.framework.review",
    title=_("大数据局审核框架方案"),
    rules=["R13.1.framework", "R13.1.overlap", "R13.2"],
    action="projects.actions.review_framework",
)


# -- annual investment plan entry (Art. 10, 27), used by the investment chapter -------------


def approval_complete(project) -> bool:
    return project.state == ProjectState.APPROVED


LISTED_STATES = (
    ProjectState.LISTED,
    ProjectState.EVALUATION,
    ProjectState.JOINT_REVIEW,
    ProjectState.DRC_REVIEW,
    ProjectState.FSR_APPROVED,
    ProjectState.DESIGN_REVIEW,
    ProjectState.DESIGN_DRC_REVIEW,
    ProjectState.APPROVED,
)


def ever_listed(project) -> bool:
    """On the project list: listed and not rejected since. A project returned for revision by
    a review after the listing (joint review, DRC, design) is still listed; one returned by
    BDB's list review is not."""
    if project.state == ProjectState.RETURNED:
        return getattr(project, "returned_from", "") in LISTED_STATES
    return project.state in LISTED_STATES


@rule(id="R10.1", article="第十条", title=_("纳入年度投资计划的项目范围"))
def plan_eligibility(ctx):
    project = _p(ctx)
    if project.suspended_at or project.terminated_at:
        what = "终止" if project.terminated_at else "暂停"
        yield violation(
            f"项目“{project.name}”已被{what}（第二十四条），不能纳入年度投资计划（第十条）。",
            remedy="暂停解除后再纳入计划。",
            facts={
                "suspended": bool(project.suspended_at),
                "terminated": bool(project.terminated_at),
            },
        )
    if project.kind == ProjectKind.OM:
        if not ever_listed(project):
            yield violation(
                f"运行维护项目“{project.name}”未纳入项目清单，不能纳入年度投资计划（第十条）。",
                remedy="请先经市大数据发展局审核列入项目清单。",
                facts={"kind": project.kind, "state": project.state},
            )
        return
    if project.kind == ProjectKind.CONTINUING:
        if not approval_complete(project):
            yield violation(
                f"续建项目“{project.name}”尚未经依法审批，不能纳入年度投资计划（第十条）。",
                remedy="请先完成项目审批。",
                facts={"kind": project.kind, "state": project.state},
            )
        return
    if not ever_listed(project):
        yield violation(
            f"建设项目“{project.name}”未纳入项目清单，不能纳入年度投资计划（第十条）。",
            remedy="请先经市大数据发展局审核列入项目清单。",
            facts={"kind": project.kind, "state": project.state},
        )


@rule(id="R27.1", article="第二十七条", title=_("未完成审批的建设项目不得纳入年度投资计划"))
def approval_before_plan(ctx):
    project = _p(ctx)
    if project.kind in (ProjectKind.OM, ProjectKind.CONTINUING):
        return  # covered by R10.1
    if not approval_complete(project):
        stage = (
            "初步设计及概（预）算"
            if project.approval_path == ApprovalPath.TWO
            else "可研报告及概（预）算（代初步设计）"
        )
        yield violation(
            f"建设项目“{project.name}”的{stage}尚未批复（当前：{project.get_state_display()}），"
            "不能纳入年度投资计划（第二十七条、第十条）。",
            remedy="请先完成项目审批，再申报年度投资计划。",
            facts={"state": project.state, "approval_path": project.approval_path},
        )


gate(
    "investment.plan.entry",
    title=_("纳入年度投资计划"),
    rules=["R10.1", "R27.1"],
    action="investment.actions.add_plan_entry",
)
