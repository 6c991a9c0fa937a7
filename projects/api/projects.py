"""Projects and their lifecycle over JSON (Art. 8, 9, 4, 12-14)."""

import json
from typing import Any, cast

from django.core.serializers.json import DjangoJSONEncoder
from ninja import Query, Schema
from ninja.responses import Status

from accounts.scoping import for_user, get_visible_or_404
from core.api import ErrorOut
from core.api_routes import perform
from core.dates import today
from core.errors import ActionInvalid
from core.filters import apply
from core.xlsx import download, strict_filter
from policy.engine import preview_findings

from .. import actions, exports
from ..contracts import (
    ProjectAcceptIn,
    ProjectChapterIn,
    ProjectCreateIn,
    ProjectUpdateIn,
    ProjectWithdrawIn,
)
from ..filters import ProjectFilter
from ..machines import PROJECT
from ..models import Project, ProjectState
from ..schemas import (
    SUMMARY_FIELDS,
    ChapterOut,
    GatePreviewOut,
    ProjectOut,
    ProjectSummaryOut,
    TransitionOut,
)
from ..services import project_context
from .common import partial, project_out, projects
from .router import router

ProjectPatch = partial(ProjectUpdateIn)


def _plain(value: Any) -> Any:
    """Lazy translations, Decimals and dates as JSON values (as a stored decision has them)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


@router.list("/", ProjectSummaryOut, "项目列表")
def project_list(request, filters: Query[ProjectFilter.schema()]):  # type: ignore[valid-type]
    """当前用户可见的项目，最新在前：建设单位看到本单位（及所参与跨部门项目）的项目；
    市大数据发展局、市发展改革委、市财政局、市政府看到已申报的全部项目；咨询机构只看到
    委托给本机构评估的项目；审计人员和系统管理员看到全部。

    可按状态 ``state``、类型 ``kind``、审批路径 ``path``、年度 ``year``、建设单位 ``unit``
    （组织编号）筛选，``q`` 按项目编号、名称或建设单位模糊查找；筛选值无效时返回 422。
    金额为元的十进制字符串，另附万元。"""
    visible = for_user(Project, request.auth).select_related("unit").only(*SUMMARY_FIELDS)
    return apply(ProjectFilter, request.GET, visible).qs.order_by("-created_at", "-pk")


@router.export("/export", "导出项目列表（Excel）")
def project_list_export(request, filters: Query[ProjectFilter.schema()]):  # type: ignore[valid-type]
    """当前用户可见并经筛选的项目（筛选条件同项目列表，无效的筛选值返回 422），列同项目列表
    页面：项目编号、名称、建设单位、类型、年度、总投资（万元，精确值，合计行等于该列之和）、
    状态、审批路径、更新日期。"""
    visible = for_user(Project, request.auth)
    rows = strict_filter(ProjectFilter, request.GET, visible).order_by("-created_at", "-pk")
    return download(exports.project_list_xlsx(rows), f"项目-{today():%Y%m%d}.xlsx")


@router.get("/lifecycle", summary="审批流程表", response={200: list[TransitionOut], 401: ErrorOut})
def lifecycle_table(request):
    """项目审批流程的全部环节（第八条、第九条、第四条）：每个环节离开的状态、进入的状态、
    可办理的角色、办理前评估的规则关口、办理的动作和依据条款。"""
    return [
        {
            "code": t.code,
            "label": str(t.label),
            "sources": list(t.sources),
            "source_labels": [str(ProjectState(s).label) for s in t.sources],
            "target": t.target,
            "target_label": str(ProjectState(t.target).label),
            "roles": [str(r) for r in t.roles],
            "gate": t.gate,
            "action": t.action,
            "article": t.article,
        }
        for t in PROJECT.transitions
    ]


@router.create("/", ProjectOut, "新建项目需求")
def project_create(request, payload: ProjectCreateIn):
    """建设单位新建项目需求（第八条），状态为草稿。``unit`` 省略时取本人所在的唯一建设单位
    （旧字段名 ``unit_id`` 仍可用）。总投资 ``total_investment_wan`` 以万元计，建议以字符串
    传入。

    涉密项目（``is_classified: true``）不在平台办理，返回 409 及第八条的阻断原因；
    字段有误返回 422，``errors`` 按字段给出中文提示；不能为该单位建项目返回 404。"""
    project = perform(request, actions.create_project, None, payload)
    return Status(201, project_out(project))


@router.read("/{int:project_id}", ProjectOut, "项目详情")
def project_detail(request, project_id: int):
    """一个项目的全部信息：金额（元和万元）、状态、审批路径、各审核环节及意见、报告章节、
    材料清单（当前版本的 SHA-256 和 SM3 摘要），以及当前用户可办理的环节。
    不存在或无权查看均返回 404。"""
    return get_visible_or_404(projects(), request.auth, pk=project_id)


@router.act("/{int:project_id}", ProjectOut, "修改项目需求", method="PATCH")
def project_update(request, project_id: int, payload: ProjectPatch):  # type: ignore[valid-type]
    """修改草稿或被退回的项目，只改请求中给出的字段（字段同新建）；每项改动记入审计日志。
    其他状态返回 409。"""
    given = cast(Schema, payload).model_dump(exclude_unset=True)
    perform(request, actions.update_project, project_id, given)
    return project_out(project_id)


@router.read("/{int:project_id}/findings", GatePreviewOut, "办理前规则预检")
def project_findings(request, project_id: int, transition: str = "submit"):
    """预先评估某个环节（``transition``，见 /api/projects/lifecycle）的规则关口（不保存决定、
    不改变状态），返回每条发现的规则编号、依据条款、原因和处理建议；``blocks`` 为 true 时
    办理该环节将返回 409。该建设单位没有生效的政策时没有发现。"""
    project = get_visible_or_404(projects(), request.auth, pk=project_id)
    if transition not in PROJECT.by_code:
        raise ActionInvalid(
            "未知的办理环节。", {"transition": "可选：" + "、".join(PROJECT.by_code)}
        )
    t = PROJECT[transition]
    found = (
        preview_findings(t.gate, lambda: project_context(project, request.auth)) if t.gate else []
    )
    findings = [_plain(f.as_dict()) for f in found]
    return {
        "transition": t.code,
        "gate": t.gate,
        "blocks": any(f["severity"] == "block" for f in findings),
        "findings": findings,
    }


@router.act("/{int:project_id}/submit", ProjectOut, "申报")
def project_submit(request, project_id: int):
    """将项目需求报市大数据发展局审核（第八条）。规则关口不通过时返回 409，``findings``
    列出依据条款（如第八条：须按报备的总体方案提交项目需求说明）和处理建议。"""
    return project_out(perform(request, actions.submit_project, project_id))


@router.act("/{int:project_id}/withdraw", ProjectOut, "撤回申报")
def project_withdraw(request, project_id: int, payload: ProjectWithdrawIn):
    """市大数据发展局签收前，建设单位撤回申报，项目回到草稿。已签收时返回 409。"""
    return project_out(perform(request, actions.withdraw_project, project_id, payload))


@router.act("/{int:project_id}/resubmit", ProjectOut, "修改后重新报送")
def project_resubmit(request, project_id: int):
    """被退回的项目修改后重新报送至退回它的环节（新一轮审核）。"""
    return project_out(perform(request, actions.resubmit_project, project_id))


@router.act("/{int:project_id}/chapters", ChapterOut, "填写报告章节")
def project_chapter(request, project_id: int, payload: ProjectChapterIn):
    """填写可研报告或初步设计五个必备章节之一（第十四条）：数据资源收集治理、数据共享、
    网络安全、密码应用、集约化建设。``stage`` 省略时为当前阶段；旧字段名 ``text`` 仍可用。"""
    return perform(request, actions.declare_chapter, project_id, payload)


@router.act("/{int:project_id}/accept", ProjectOut, "受理并委托评估")
def project_accept(request, project_id: int, payload: ProjectAcceptIn):
    """市发展改革委受理已列入已发布项目清单的项目，委托第三方咨询评估机构（第九条），并按
    适用政策的门槛确定一次审批或两阶段审批。"""
    return project_out(perform(request, actions.accept_project, project_id, payload))


@router.act("/{int:project_id}/submit-design", ProjectOut, "报送初步设计及概算")
def project_submit_design(request, project_id: int):
    """两阶段审批的项目在可研批复后报送初步设计及概（预）算，由市大数据发展局先审核内容
    （第四条、第九条）。"""
    return project_out(perform(request, actions.submit_design, project_id))
