"""The projects chapter over JSON (Art. 8, 9, 4, 12-14): projects and their lifecycle, reviews,
the published project list, cross-department frameworks, classified stubs and the 渝快办
intake. Mounted at ``/api/projects/``.

Every object is loaded through ``accounts.scoping`` and every change of state is an action of
``projects/actions.py``. Missing and forbidden objects answer the same 404 (an action's
``ActionForbidden`` too); a blocking gate answers 409 with its findings (rule, article,
message, remedy, facts); invalid input answers 422 with Chinese messages per field.
"""

import json
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from accounts.api import ApiTokenAuth
from accounts.models import Organisation
from accounts.roles import OrgKind
from accounts.scoping import for_user, get_visible_or_404
from core.api import MAX_PAGE_SIZE, ErrorOut
from core.errors import ActionConflict, ActionInvalid
from policy.engine import preview_gate
from policy.lookup import NoPolicyInForce

from . import actions, lifecycle, services
from .models import (
    ClassifiedStub,
    Framework,
    Project,
    ProjectKind,
    ProjectListVersion,
    ProjectState,
    Review,
)
from .schemas import (
    AcceptIn,
    AgreeIn,
    ApproveIn,
    ChapterIn,
    ChapterOpinionsIn,
    ChapterOut,
    ClassifiedStubIn,
    ClassifiedStubOut,
    CopyIn,
    FrameworkDistrictIn,
    FrameworkIn,
    FrameworkOut,
    GatePreviewOut,
    ListDecisionIn,
    OpinionIn,
    ParticipantIn,
    ProjectCreateIn,
    ProjectListOut,
    ProjectOut,
    ProjectSummaryOut,
    ProjectUpdateIn,
    PublishListIn,
    ReviewOut,
    TransferIn,
    TransitionOut,
    WithdrawIn,
    YukuaibanIn,
)
from .visibility import unit_ids_of

router = Router(tags=["项目"])

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ACT_ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PAGINATION = {
    "page_size": settings.GOVIT_PAGE_SIZE,
    "max_page_size": MAX_PAGE_SIZE,
}

FLOAT_AMOUNT = '{label}须以字符串传入（如 "812.5"），不接受带小数的 JSON 数字，以免经过浮点运算。'


# -- helpers ----------------------------------------------------------------------------------


def _projects():
    return Project.objects.select_related("unit", "policy", "plan_item")


def _project(request, project_id: int) -> Project:
    return get_visible_or_404(_projects(), request.auth, pk=project_id)


def _reload(project) -> Project:
    """The project as it is after an action, for the response (the actor has just acted on
    it, so it was visible to them)."""
    return _projects().get(pk=project.pk)


def _review(request, review_id: int) -> Review:
    return get_visible_or_404(Review, request.auth, pk=review_id)


def _review_out(review) -> Review:
    return Review.objects.select_related("consultant", "assignee", "decided_by").get(pk=review.pk)


def _own_unit(user, unit_id, field: str) -> int:
    """The unit given, or the user's only unit when none is given."""
    if unit_id is not None:
        return unit_id
    units = sorted(unit_ids_of(user))
    if len(units) == 1:
        return units[0]
    raise ActionInvalid("请选择建设单位。", {field: "请填写建设单位编号。"})


def _check_amount(value, field: str, label: str, *, allow_decimal: bool = True) -> None:
    """JSON numbers with a fraction arrive as Decimal (``DecimalJSONParser``); where a
    machine client must send text, they are refused so that no float ever carried money."""
    if value is None:
        return
    if isinstance(value, float) or (isinstance(value, Decimal) and not allow_decimal):
        raise ActionInvalid(
            "填写内容有误，请按提示修改。", {field: FLOAT_AMOUNT.format(label=label)}
        )


def _plain(value):
    """Lazy translations, Decimals and dates as JSON values (as a stored decision has them)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


# -- projects ---------------------------------------------------------------------------------


@router.get(
    "/",
    summary="项目列表",
    response={200: list[ProjectSummaryOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def project_list(
    request,
    state: ProjectState | None = None,
    kind: ProjectKind | None = None,
    year: int | None = None,
    unit: int | None = None,
    q: str = "",
):
    """当前用户可见的项目，最新在前：建设单位看到本单位（及所参与跨部门项目）的项目；
    市大数据发展局、市发展改革委、市财政局、市政府看到已申报的全部项目；咨询机构只看到
    委托给本机构评估的项目；审计人员和系统管理员看到全部。

    可按状态 ``state``、类型 ``kind``、年度 ``year``、建设单位 ``unit``（组织编号）筛选，
    ``q`` 按项目名称或编号模糊查找。金额为元的十进制字符串，另附万元。"""
    qs = for_user(Project, request.auth).select_related("unit")
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if year is not None:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(unit_id=unit)
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(code__icontains=q.strip()))
    return qs.order_by("-created_at", "-pk")


@router.get("/lifecycle", summary="审批流程表", response={200: list[TransitionOut], 401: ErrorOut})
def lifecycle_table(request):
    """项目审批流程的全部环节（第八条、第九条、第四条）：每个环节离开的状态、进入的状态、
    可办理的角色、办理前评估的规则关口和依据条款。"""
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
        for t in lifecycle.TRANSITIONS
    ]


@router.post("/", summary="新建项目需求", response={201: ProjectOut, **ACT_ERRORS})
def project_create(request, payload: ProjectCreateIn):
    """建设单位新建项目需求（第八条），状态为草稿。``unit_id`` 省略时取本人所在的唯一建设
    单位。总投资 ``total_investment_wan`` 以万元计，建议以字符串传入。

    涉密项目（``is_classified: true``）不在平台办理，返回 409 及第八条的阻断原因；
    字段有误返回 422，``errors`` 按字段给出中文提示；不能为该单位建项目返回 404。"""
    user = request.auth
    _check_amount(payload.total_investment_wan, "total_investment_wan", "总投资")
    fields = payload.model_dump(exclude_none=True, exclude={"unit_id", "is_classified"})
    unit = _own_unit(user, payload.unit_id, "unit_id")
    project = actions.create_project(
        acting_user=user,
        unit=unit,
        is_classified=payload.is_classified,
        **fields,
    )
    return Status(201, _reload(project))


@router.get("/{int:project_id}", summary="项目详情", response={200: ProjectOut, **READ_ERRORS})
def project_detail(request, project_id: int):
    """一个项目的全部信息：金额（元和万元）、状态、审批路径、各审核环节及意见、报告章节、
    材料清单（当前版本的 SHA-256 和 SM3 摘要），以及当前用户可办理的环节。
    不存在或无权查看均返回 404。"""
    return _project(request, project_id)


@router.patch("/{int:project_id}", summary="修改项目需求", response={200: ProjectOut, **ACT_ERRORS})
def project_update(request, project_id: int, payload: ProjectUpdateIn):
    """修改草稿或被退回的项目，只改请求中给出的字段；每项改动记入审计日志。
    其他状态返回 409。"""
    project = _project(request, project_id)
    _check_amount(payload.total_investment_wan, "total_investment_wan", "总投资")
    fields = payload.model_dump(exclude_unset=True)
    is_classified = fields.pop("is_classified", False)
    actions.update_project(
        project,
        acting_user=request.auth,
        is_classified=bool(is_classified),
        **fields,
    )
    return _reload(project)


@router.get(
    "/{int:project_id}/findings",
    summary="办理前规则预检",
    response={200: GatePreviewOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def project_findings(
    request,
    project_id: int,
    transition: str = Query("submit", description="环节代码，见 /api/projects/lifecycle"),
):
    """预先评估某个环节的规则关口（不保存决定、不改变状态），返回每条发现的规则编号、
    依据条款、原因和处理建议；``blocks`` 为 true 时办理该环节将返回 409。"""
    project = _project(request, project_id)
    if transition not in lifecycle.BY_CODE:
        raise ActionInvalid(
            "未知的办理环节。",
            {"transition": "可选：" + "、".join(lifecycle.BY_CODE)},
        )
    t = lifecycle.transition(transition)
    findings = []
    if t.gate:
        try:
            ctx = services.project_context(project, request.auth)
        except NoPolicyInForce as exc:
            raise ActionConflict("该建设单位当前没有生效的政策版本，无法评估规则。") from exc
        findings = [_plain(f.as_dict()) for f in preview_gate(t.gate, ctx)]
    return {
        "transition": t.code,
        "gate": t.gate,
        "blocks": any(f["severity"] == "block" for f in findings),
        "findings": findings,
    }


@router.post("/{int:project_id}/submit", summary="申报", response={200: ProjectOut, **ACT_ERRORS})
def project_submit(request, project_id: int):
    """将项目需求报市大数据发展局审核（第八条）。规则关口不通过时返回 409，``findings``
    列出依据条款（如第八条：须按报备的总体方案提交项目需求说明）和处理建议。"""
    project = _project(request, project_id)
    return _reload(actions.submit_project(project, acting_user=request.auth))


@router.post(
    "/{int:project_id}/withdraw", summary="撤回申报", response={200: ProjectOut, **ACT_ERRORS}
)
def project_withdraw(request, project_id: int, payload: WithdrawIn):
    """市大数据发展局签收前，建设单位撤回申报，项目回到草稿。已签收时返回 409。"""
    project = _project(request, project_id)
    return _reload(
        actions.withdraw_project(project, acting_user=request.auth, reason=payload.reason)
    )


@router.post(
    "/{int:project_id}/resubmit", summary="修改后重新报送", response={200: ProjectOut, **ACT_ERRORS}
)
def project_resubmit(request, project_id: int):
    """被退回的项目修改后重新报送至退回它的环节（新一轮审核）。"""
    project = _project(request, project_id)
    return _reload(actions.resubmit_project(project, acting_user=request.auth))


@router.post(
    "/{int:project_id}/chapters", summary="填写报告章节", response={200: ChapterOut, **ACT_ERRORS}
)
def project_chapter(request, project_id: int, payload: ChapterIn):
    """填写可研报告或初步设计五个必备章节之一（第十四条）：数据资源收集治理、数据共享、
    网络安全、密码应用、集约化建设。"""
    project = _project(request, project_id)
    return actions.declare_chapter(
        project,
        acting_user=request.auth,
        stage=payload.stage,
        chapter=payload.chapter,
        text_content=payload.text,
    )


@router.post(
    "/{int:project_id}/accept", summary="受理并委托评估", response={200: ProjectOut, **ACT_ERRORS}
)
def project_accept(request, project_id: int, payload: AcceptIn):
    """市发展改革委受理已列入已发布项目清单的项目，委托第三方咨询评估机构（第九条），并按
    适用政策的门槛确定一次审批或两阶段审批。"""
    project = _project(request, project_id)
    return _reload(
        actions.accept_project(
            project,
            acting_user=request.auth,
            consultant=payload.consultant,
            expert=payload.expert,
            note=payload.note,
        )
    )


@router.post(
    "/{int:project_id}/submit-design",
    summary="报送初步设计及概算",
    response={200: ProjectOut, **ACT_ERRORS},
)
def project_submit_design(request, project_id: int):
    """两阶段审批的项目在可研批复后报送初步设计及概（预）算，由市大数据发展局先审核内容
    （第四条、第九条）。"""
    project = _project(request, project_id)
    return _reload(actions.submit_design(project, acting_user=request.auth))


# -- reviews ----------------------------------------------------------------------------------


@router.get(
    "/reviews/{int:review_id}", summary="审核环节详情", response={200: ReviewOut, **READ_ERRORS}
)
def review_detail(request, review_id: int):
    """一个审核环节：环节、轮次、承办部门或咨询机构、承办人、状态和意见。"""
    return _review_out(_review(request, review_id))


@router.post(
    "/reviews/{int:review_id}/start", summary="签收", response={200: ReviewOut, **ACT_ERRORS}
)
def review_start(request, review_id: int):
    """承办人签收审核；市大数据发展局签收清单审核后，建设单位不能再撤回。"""
    review = _review(request, review_id)
    return _review_out(actions.start_review(review, acting_user=request.auth))


@router.post(
    "/reviews/{int:review_id}/decide-list",
    summary="项目清单审核决定",
    response={200: ProjectOut, **ACT_ERRORS},
)
def review_decide_list(request, review_id: int, payload: ListDecisionIn):
    """市大数据发展局对建设依据、系统整合、数据共享、共性需求、数据治理逐项出具意见并确定
    优先级（第八条），决定列入项目清单、退回修改或不予列入（后两者须填写理由）。"""
    review = _review(request, review_id)
    project = actions.decide_list_review(
        review,
        acting_user=request.auth,
        decision=payload.decision,
        criteria={k: v.model_dump() for k, v in payload.criteria.items()},
        priority=payload.priority,
        opinion=payload.opinion,
    )
    return _reload(project)


@router.post(
    "/reviews/{int:review_id}/evaluation-report",
    summary="提交评估报告",
    response={200: ProjectOut, **ACT_ERRORS},
)
def review_evaluation_report(request, review_id: int, payload: ChapterOpinionsIn):
    """第三方咨询评估机构提交评估结论，对五个章节逐一出具意见（第九条、第十四条），
    项目进入联合技术审查。"""
    review = _review(request, review_id)
    project = actions.submit_evaluation_report(
        review,
        acting_user=request.auth,
        chapter_opinions=payload.chapter_opinions,
        opinion=payload.opinion,
    )
    return _reload(project)


@router.post(
    "/reviews/{int:review_id}/joint-opinion",
    summary="联合技术审查意见",
    response={200: ProjectOut, **ACT_ERRORS},
)
def review_joint_opinion(request, review_id: int, payload: AgreeIn):
    """网络安全、预算管理、政务数据资源、密码应用、保密五个主管部门之一出具意见（第九条）：
    任一部门不同意即退回修改；五个部门全部同意后报市发展改革委审批。"""
    review = _review(request, review_id)
    project = actions.give_joint_opinion(
        review,
        acting_user=request.auth,
        agree=payload.agree,
        opinion=payload.opinion,
    )
    return _reload(project)


@router.post(
    "/reviews/{int:review_id}/approve", summary="批复", response={200: ProjectOut, **ACT_ERRORS}
)
def review_approve(request, review_id: int, payload: ApproveIn):
    """市发展改革委批复（第九条）：门槛以下一次批复可研报告及概（预）算；门槛以上先批复
    可研报告，初步设计经市大数据发展局审核内容后再批复。须对五个章节逐一出具意见并填写
    批复文号；``approved_amount_wan`` 省略时按申报总投资核定。"""
    review = _review(request, review_id)
    _check_amount(payload.approved_amount_wan, "approved_amount_wan", "核定总投资")
    project = actions.approve_project(
        review,
        acting_user=request.auth,
        chapter_opinions=payload.chapter_opinions,
        document_number=payload.document_number,
        approved_amount_wan=payload.approved_amount_wan,
        opinion=payload.opinion,
    )
    return _reload(project)


@router.post(
    "/reviews/{int:review_id}/design-content",
    summary="初步设计内容审核",
    response={200: ProjectOut, **ACT_ERRORS},
)
def review_design_content(request, review_id: int, payload: AgreeIn):
    """市大数据发展局审核初步设计内容（第四条）：同意后报市发展改革委批复，或退回修改。"""
    review = _review(request, review_id)
    project = actions.review_design_content(
        review,
        acting_user=request.auth,
        agree=payload.agree,
        opinion=payload.opinion,
    )
    return _reload(project)


@router.post(
    "/reviews/{int:review_id}/return", summary="退回修改", response={200: ProjectOut, **ACT_ERRORS}
)
def review_return(request, review_id: int, payload: OpinionIn):
    """退回建设单位修改（须填写理由）；修改后重新报送至本环节。"""
    review = _review(request, review_id)
    return _reload(
        actions.return_project(review, acting_user=request.auth, opinion=payload.opinion)
    )


@router.post(
    "/reviews/{int:review_id}/reject", summary="不予通过", response={200: ProjectOut, **ACT_ERRORS}
)
def review_reject(request, review_id: int, payload: OpinionIn):
    """市大数据发展局不予列入或市发展改革委不予批复（须填写理由），项目终止。"""
    review = _review(request, review_id)
    return _reload(
        actions.reject_project(review, acting_user=request.auth, opinion=payload.opinion)
    )


@router.post(
    "/reviews/{int:review_id}/transfer", summary="转办", response={200: ReviewOut, **ACT_ERRORS}
)
def review_transfer(request, review_id: int, payload: TransferIn):
    """将审核转给本单位同一岗位的同事办理。"""
    review = _review(request, review_id)
    return _review_out(
        actions.transfer_review(
            review,
            acting_user=request.auth,
            to_user=payload.to_user,
            note=payload.note,
        )
    )


@router.post(
    "/reviews/{int:review_id}/copy", summary="抄送", response={200: ReviewOut, **ACT_ERRORS}
)
def review_copy(request, review_id: int, payload: CopyIn):
    """抄送：让他人只读查看该审核环节及其项目。"""
    review = _review(request, review_id)
    actions.copy_review(
        review,
        acting_user=request.auth,
        recipients=payload.recipients,
        note=payload.note,
    )
    return _review_out(review)


# -- the published project list (Art. 8 ¶2) -----------------------------------------------------


def _lists():
    return ProjectListVersion.objects.select_related("published_by")


@router.post("/lists", summary="发布项目清单", response={201: ProjectListOut, **ACT_ERRORS})
def list_publish(request, payload: PublishListIn):
    """市大数据发展局发布某年度项目清单的新版本：列入清单的全部项目及其建设单位、金额和
    优先级的快照；上一版本被取代（第八条）。"""
    version = actions.publish_project_list(
        acting_user=request.auth, year=payload.year, note=payload.note
    )
    return Status(201, _lists().get(pk=version.pk))


@router.get("/lists", summary="项目清单版本", response={200: list[ProjectListOut], **READ_ERRORS})
@paginate(PageNumberPagination, **PAGINATION)
def list_versions(request, year: int | None = None):
    """已发布的项目清单各版本，最新在前；可按年度 ``year`` 筛选。"""
    qs = for_user(_lists(), request.auth)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-number")


@router.get(
    "/lists/{int:list_id}", summary="项目清单详情", response={200: ProjectListOut, **READ_ERRORS}
)
def list_detail(request, list_id: int):
    """一个项目清单版本及其全部条目。"""
    return get_visible_or_404(_lists(), request.auth, pk=list_id)


# -- cross-department frameworks (Art. 13) ------------------------------------------------------


def _frameworks():
    return Framework.objects.select_related("lead_unit")


def _framework(request, framework_id: int) -> Framework:
    return get_visible_or_404(_frameworks(), request.auth, pk=framework_id)


def _framework_out(framework) -> Framework:
    return _frameworks().get(pk=framework.pk)


@router.post(
    "/frameworks", summary="新建跨部门项目框架方案", response={201: FrameworkOut, **ACT_ERRORS}
)
def framework_create(request, payload: FrameworkIn):
    """牵头单位编制跨部门项目框架方案（第十三条）：目标、主要内容、初步数据资源目录；
    牵头单位自动成为参与单位。"""
    user = request.auth
    lead = _own_unit(user, payload.lead_unit_id, "lead_unit_id")
    framework = actions.create_framework(
        acting_user=user,
        lead_unit=lead,
        **payload.model_dump(exclude={"lead_unit_id"}),
    )
    return Status(201, _framework_out(framework))


@router.get(
    "/frameworks",
    summary="跨部门项目框架方案列表",
    response={200: list[FrameworkOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def framework_list(request):
    """当前用户可见的框架方案（牵头或参与单位，及市大数据发展局等）。"""
    return for_user(_frameworks(), request.auth).order_by("-created_at", "-pk")


@router.get(
    "/frameworks/{int:framework_id}",
    summary="框架方案详情",
    response={200: FrameworkOut, **READ_ERRORS},
)
def framework_detail(request, framework_id: int):
    """一个框架方案及其参与单位分工和配合区县。"""
    return _framework(request, framework_id)


@router.post(
    "/frameworks/{int:framework_id}/participants",
    summary="登记参与单位分工",
    response={200: FrameworkOut, **ACT_ERRORS},
)
def framework_participant(request, framework_id: int, payload: ParticipantIn):
    """登记或更新参与单位的业务流、数据流、接口和承担的建设内容（建设内容不得重复）。"""
    framework = _framework(request, framework_id)
    actions.set_framework_participant(
        framework,
        acting_user=request.auth,
        unit=payload.unit_id,
        business_flow=payload.business_flow,
        data_flow=payload.data_flow,
        interfaces=payload.interfaces,
        content_items=payload.content_items,
    )
    return _framework_out(framework)


@router.post(
    "/frameworks/{int:framework_id}/districts",
    summary="登记配合区县",
    response={200: FrameworkOut, **ACT_ERRORS},
)
def framework_district(request, framework_id: int, payload: FrameworkDistrictIn):
    """登记需要配合的区县及其配套项目（第十三条）。"""
    framework = _framework(request, framework_id)
    actions.add_framework_district(
        framework,
        acting_user=request.auth,
        district=payload.district_id,
        linked_project=payload.linked_project,
        note=payload.note,
    )
    return _framework_out(framework)


@router.post(
    "/frameworks/{int:framework_id}/submit",
    summary="框架方案报审",
    response={200: FrameworkOut, **ACT_ERRORS},
)
def framework_submit(request, framework_id: int):
    """牵头单位将框架方案报市大数据发展局审核；内容不全时返回 409（第十三条）。"""
    framework = _framework(request, framework_id)
    return _framework_out(actions.submit_framework(framework, acting_user=request.auth))


@router.post(
    "/frameworks/{int:framework_id}/review",
    summary="框架方案审核意见",
    response={200: FrameworkOut, **ACT_ERRORS},
)
def framework_review(request, framework_id: int, payload: AgreeIn):
    """市大数据发展局出具审核意见（同意或退回）；各参与单位申报项目时须有该意见。"""
    framework = _framework(request, framework_id)
    return _framework_out(
        actions.review_framework(
            framework,
            acting_user=request.auth,
            agree=payload.agree,
            opinion=payload.opinion,
        )
    )


# -- classified stubs (Art. 8 ¶3) --------------------------------------------------------------


@router.post(
    "/classified-stubs", summary="登记涉密项目存根", response={201: ClassifiedStubOut, **ACT_ERRORS}
)
def stub_create(request, payload: ClassifiedStubIn):
    """市发展改革委授权经办人登记线下办理的涉密项目的非涉密存根（编号、建设单位、年度、
    金额），以保证规划和预算合计完整（第八条）。不登记任何其他内容。"""
    _check_amount(payload.amount_wan, "amount_wan", "金额")
    stub = actions.record_classified_stub(
        acting_user=request.auth,
        unit=payload.unit_id,
        year=payload.year,
        amount_wan=payload.amount_wan,
        code=payload.code,
    )
    return Status(201, ClassifiedStub.objects.select_related("unit").get(pk=stub.pk))


@router.get(
    "/classified-stubs",
    summary="涉密项目存根列表",
    response={200: list[ClassifiedStubOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def stub_list(request, year: int | None = None):
    """涉密项目存根（市发展改革委、市财政局、市大数据发展局、审计人员和系统管理员可见）。"""
    qs = for_user(ClassifiedStub.objects.select_related("unit"), request.auth)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "code")


# -- the 渝快办 online channel (Art. 8) --------------------------------------------------------

YUKUAIBAN_DESCRIPTION = """接收渝快办线上渠道推送的非涉密项目需求（第八条），建立项目草稿，来源渠道记为“渝快办”。

**认证**：仅接受接口令牌 `Authorization: Bearer gvt_…`，不接受登录会话。令牌签发给建设单位的
填报人（按单位配置对接），只能为该单位推送需求；其他单位返回 404。

**幂等**：`external_ref`（渝快办需求编号）是幂等键。首次推送建立项目并返回 **201**；同一编号
再次推送不会新建项目，返回 **200** 及首次建立的同一项目（`id` 相同，请求中的其他字段不再
生效）。该编号已被其他单位使用时返回 409。

**建设单位**：`unit_id` 或统一社会信用代码 `credit_code` 二选一。

**金额**：`total_investment_wan` 以万元计，须以字符串（如 `"812.5"`）或整数传入；带小数的
JSON 数字（如 `812.5`）返回 **422**，以免金额经过浮点运算。

**涉密项目**：`is_classified: true` 返回 **409**，`findings` 中为第八条（R8.3）的阻断原因：
涉密项目不在平台办理，请按保密规定线下报送。

字段有误返回 422，`errors` 按字段给出中文提示。"""


def _intake_unit(payload: YukuaibanIn) -> int:
    errors = {}
    unit = None
    units = Organisation.objects.filter(kind=OrgKind.UNIT)
    if payload.unit_id is None and not (payload.credit_code or "").strip():
        errors["unit_id"] = "请提供建设单位编号 unit_id 或统一社会信用代码 credit_code。"
    if payload.credit_code and payload.credit_code.strip():
        unit = units.filter(credit_code=payload.credit_code.strip()).first()
        if unit is None:
            raise Http404
        if payload.unit_id is not None and payload.unit_id != unit.pk:
            errors["credit_code"] = "统一社会信用代码与建设单位编号不一致。"
    elif payload.unit_id is not None:
        unit = units.filter(pk=payload.unit_id).first()
        if unit is None:
            raise Http404
    if errors:
        raise ActionInvalid("填写内容有误，请按提示修改。", errors)
    return unit.pk


@router.post(
    "/intake/yukuaiban",
    summary="渝快办项目需求接入",
    description=YUKUAIBAN_DESCRIPTION,
    auth=ApiTokenAuth(),
    tags=["渝快办接入"],
    response={201: ProjectOut, 200: ProjectOut, **ACT_ERRORS},
)
def intake_yukuaiban(request, payload: YukuaibanIn):
    user = request.auth
    _check_amount(
        payload.total_investment_wan, "total_investment_wan", "总投资", allow_decimal=False
    )
    unit = _intake_unit(payload)
    fields = payload.model_dump(
        exclude_none=True, exclude={"external_ref", "unit_id", "credit_code"}
    )

    def receive():
        return actions.receive_external_requirement(
            acting_user=user,
            external_ref=payload.external_ref,
            unit=unit,
            **fields,
        )

    try:
        project, created = receive()
    except IntegrityError:
        # Two deliveries of the same reference at once (PostgreSQL): the loser's insert hits
        # the unique external_ref; asking again returns the winner's project.
        project, created = receive()
    return Status(201 if created else 200, _reload(project))
