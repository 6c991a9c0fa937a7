"""Rules of a unit's submission (Art. 8, 14, 20) and its gates; the framework rules of Art. 13
and the planning rules of Art. 6, 7 take part in the same gates."""

from __future__ import annotations

from core.enums import Severity
from policy.registry import gate, rule, violation

from ..models import Hosting, RecipientKind, ShareType
from .common import _, subject


@rule(id="R8.1", article="第八条", title=_("须按报备的总体方案提交项目需求说明"))
def requirement_description(ctx):
    project = subject(ctx)
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
    project = subject(ctx)
    if project.hosting == Hosting.OTHER and not project.hosting_justification.strip():
        yield violation(
            "项目选择不部署在数字重庆云，但未说明理由；第二十条要求政务信息系统原则上依托"
            "数字重庆云部署，确需其他方式部署的应说明理由。",
            remedy="请改为部署在数字重庆云，或在“不部署在数字重庆云的理由”中写明理由。",
            facts={"hosting": project.hosting},
        )


@rule(
    id="R14.4.preview",
    article="第十四条",
    title=_("应普遍共享的数据不得仅向特定企业或组织开放"),
    severity=Severity.WARN,
)
def sharing_scope_preview(ctx):
    yield from _sharing_scope(subject(ctx))


@rule(id="R14.4", article="第十四条", title=_("应普遍共享的数据不得仅向特定企业或组织开放"))
def sharing_scope(ctx):
    yield from _sharing_scope(subject(ctx))


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
    action="projects.create_project",
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
        # the catalog chapter joins with the O&M conditions of Art. 31-33 (its project_rules)
    ],
    action="projects.submit_project",
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
        # a returned project meets the catalog conditions again when it comes back (joined by
        # the catalog chapter's project_rules)
    ],
    action="projects.resubmit_project",
)
