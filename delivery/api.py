"""The delivery chapter over JSON (Art. 16, 22-24, 28-30): an approved project's construction,
supervision, annual reports, incidents, trial operation, completion, archives, acceptance on
the threshold's two paths, extensions, go-live and evaluations, with every statutory clock.
Mounted at ``/api/delivery/``.

Projects are loaded through ``services.visible_projects`` (the projects chapter's ``for_user``
plus, for a supervision company, the projects it supervises and, for a consultancy, those it
post-evaluates). Every change of state is an action of ``delivery/actions.py``. Missing and
forbidden objects answer the same 404 (an action's ``ActionForbidden`` too); a blocking gate
answers 409 with its findings (rule, article, message, remedy, facts); a conflict of state
answers 409; invalid input answers 422 with Chinese messages per field.
"""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from core.api import MAX_PAGE_SIZE, ErrorOut
from core.dates import today
from core.money import wan_str, yuan_str
from investment.models import EvaluationResult
from projects.models import Project, ProjectState

from . import actions
from .deadlines import due_items
from .models import (
    Acceptance,
    AcceptancePath,
    AnnualReport,
    Delivery,
    ExtensionRequest,
    Incident,
    Milestone,
    PostEvaluation,
    SupervisionReport,
    SupervisorAssignment,
)
from .schemas import (
    AcceptanceOut,
    AcceptanceResultIn,
    AnnualReportIn,
    AnnualReportOut,
    ArchivesIn,
    CalendarItemOut,
    CommissionIn,
    CompleteIn,
    EvaluationIn,
    EvaluationOut,
    ExtensionDecideIn,
    ExtensionIn,
    ExtensionOut,
    GoLiveIn,
    ImplementationIn,
    IncidentIn,
    IncidentOut,
    MilestoneDoneIn,
    MilestoneIn,
    MilestoneOut,
    OpinionIn,
    PostEvaluationOut,
    ProjectDeliveryOut,
    RectificationIn,
    StartIn,
    SupervisionReportIn,
    SupervisionReportOut,
    SupervisorIn,
    SupervisorOut,
    SuspendIn,
    TrialIn,
    due_item_out,
)
from .services import (
    acceptance_path_for,
    clock_facts,
    policy_params,
    progress_percent,
    visible_projects,
)
from .sweep import ACTIVE_PHASES

router = Router(tags=["建设实施与验收"])

START = ["开工与监理"]
REPORTS = ["建设进度与年度报告"]
INCIDENTS = ["重大事项"]
ACCEPT = ["建成与竣工验收"]
EVALUATE = ["自评价与后评价"]

READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ACT_ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PAGINATION = {"page_size": settings.GOVIT_PAGE_SIZE, "max_page_size": MAX_PAGE_SIZE}


# -- helpers ----------------------------------------------------------------------------------


def _project(request, project_id: int) -> Project:
    """An approved project the user sees in the delivery chapter, or 404."""
    try:
        return (
            visible_projects(request.auth)
            .filter(state=ProjectState.APPROVED)
            .select_related("unit", "policy")
            .get(pk=project_id)
        )
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def _rows(model, user):
    """Rows of the delivery chapter: visible exactly when their project is."""
    return model.objects.filter(project__in=visible_projects(user))


def _overview(project: Project) -> dict:
    project.refresh_from_db(fields=["suspended_at", "terminated_at"])
    delivery = Delivery.objects.filter(project=project).first() or Delivery(project=project)
    on = today()
    total = project.approved_total or project.total_investment
    path = delivery.acceptance_path or acceptance_path_for(project)
    evaluations = EvaluationResult.objects.filter(project=project).order_by("-completed_on", "-id")
    return {
        "project_id": project.pk,
        "project_code": project.code,
        "project_name": project.name,
        "unit_id": project.unit_id,
        "unit_name": project.unit.name,
        "total_investment": yuan_str(total),
        "total_investment_wan": wan_str(total),
        "suspended": bool(project.suspended_at),
        "phase": delivery.phase,
        "phase_label": str(delivery.get_phase_display()),
        "implementing_agency": delivery.implementing_agency,
        "responsible_person": delivery.responsible_person,
        "responsible_phone": delivery.responsible_phone,
        "started_on": delivery.started_on,
        "trial_started_on": delivery.trial_started_on,
        "completed_on": delivery.completed_on,
        "acceptance_path": path,
        "acceptance_path_label": str(AcceptancePath(path).label),
        "accepted_on": delivery.accepted_on,
        "golive_on": delivery.golive_on,
        "om_ineligible": delivery.om_ineligible,
        "archive_accepted_on": delivery.archive_accepted_on,
        "archive_checklist": delivery.archive_checklist,
        "progress_percent": str(progress_percent(project)),
        "today": on,
        "supervisor": SupervisorAssignment.objects.filter(project=project, is_active=True)
        .select_related("supervisor")
        .first(),
        "due_items": [
            due_item_out(i, on)
            for i in due_items(clock_facts(project, delivery), policy_params(project), on)
        ],
        "milestones": Milestone.objects.filter(project=project),
        "supervision_reports": SupervisionReport.objects.filter(project=project).select_related(
            "submitted_by"
        ),
        "annual_reports": AnnualReport.objects.filter(project=project),
        "incidents": Incident.objects.filter(project=project),
        "extension_requests": ExtensionRequest.objects.filter(project=project),
        "acceptances": Acceptance.objects.filter(project=project),
        "post_evaluations": PostEvaluation.objects.filter(project=project).select_related(
            "consultant", "result"
        ),
        "evaluations": evaluations,
    }


def _reload(request, project_id: int) -> dict:
    return _overview(_project(request, project_id))


# -- reading ------------------------------------------------------------------------------------


@router.get(
    "/projects/{int:project_id}",
    summary="项目建设实施情况",
    tags=START,
    response={200: ProjectDeliveryOut, **READ_ERRORS},
)
def project_delivery(request, project_id: int):
    """一个已批复项目的建设实施情况：阶段、实施机构和负责人、工程监理、里程碑与建设进度、
    监理报告、年度绩效评价报告、重大事项、验收延期申请、竣工验收、自评价和后评价，以及
    各项法定期限（``due_items``：年度报告第二十三条、整改第二十四条、竣工验收第二十八条、
    自评价第三十条）及其今天的状态。未批复、不存在或无权查看的项目均返回 404。"""
    return _overview(_project(request, project_id))


class CalendarQuery(Schema):
    on: dt.date | None = None
    status: Literal["overdue", "due_soon", "open", "not_open", "done"] | None = None
    include_done: bool = False


@router.get(
    "/calendar",
    summary="法定期限日历",
    tags=START,
    response={200: list[CalendarItemOut], **READ_ERRORS},
)
@paginate(PageNumberPagination, **PAGINATION)
def calendar(request, filters: Query[CalendarQuery]):
    """当前用户可见的建设中、试运行、已建成和已验收项目的各项法定期限，按到期日排序。
    ``on`` 按指定日期计算状态（默认今天）；``status`` 按状态筛选（overdue 已逾期、
    due_soon 即将到期、open 进行中、not_open 未到期间、done 已完成）；默认不含已完成事项。"""
    on = filters.on or today()
    projects = (
        visible_projects(request.auth)
        .filter(state=ProjectState.APPROVED, delivery__phase__in=ACTIVE_PHASES)
        .select_related("unit", "delivery")
    )
    params_by_unit: dict[int, dict] = {}
    rows = []
    for project in projects:
        if project.unit_id not in params_by_unit:
            params_by_unit[project.unit_id] = policy_params(project)
        facts = clock_facts(project, project.delivery)
        for item in due_items(facts, params_by_unit[project.unit_id], on):
            row = due_item_out(item, on)
            if row["status"] == "done" and not (filters.include_done or filters.status):
                continue
            if filters.status and row["status"] != filters.status:
                continue
            row.update(
                project_id=project.pk,
                project_code=project.code,
                project_name=project.name,
                unit_name=project.unit.name,
            )
            rows.append(row)
    rows.sort(key=lambda r: (r["due_on"], r["project_code"], r["key"]))
    return rows


# -- start of construction (Art. 16, 22) --------------------------------------------------------


@router.post(
    "/projects/{int:project_id}/implementation",
    summary="登记实施机构和负责人",
    tags=START,
    response={200: ProjectDeliveryOut, **ACT_ERRORS},
)
def set_implementation(request, project_id: int, payload: ImplementationIn):
    """建设单位登记项目实施机构、项目负责人及电话（第十六条）。"""
    project = _project(request, project_id)
    actions.set_implementation(project, acting_user=request.auth, **payload.model_dump())
    return _reload(request, project_id)


@router.post(
    "/projects/{int:project_id}/supervisor",
    summary="登记工程监理单位",
    tags=START,
    response={201: SupervisorOut, **ACT_ERRORS},
)
def assign_supervisor(request, project_id: int, payload: SupervisorIn):
    """建设单位登记通过采购确定的工程监理单位（第二十二条）；再次登记时取代原监理单位。"""
    project = _project(request, project_id)
    assignment = actions.assign_supervisor(
        project,
        acting_user=request.auth,
        supervisor=payload.supervisor_id,
        contract_number=payload.contract_number,
    )
    return Status(201, assignment)


@router.post(
    "/projects/{int:project_id}/start",
    summary="开工建设",
    tags=START,
    response={200: ProjectDeliveryOut, **ACT_ERRORS},
)
def start_construction(request, project_id: int, payload: StartIn):
    """登记开工。规则关口：未明确实施机构、负责人或未登记采购合同（第十六条）、未登记工程
    监理（第二十二条）、项目被暂停（第二十四条）时返回 409 及依据条款。"""
    project = _project(request, project_id)
    actions.start_construction(project, acting_user=request.auth, started_on=payload.started_on)
    return _reload(request, project_id)


# -- milestones, supervision and annual reports (Art. 22, 23) -----------------------------------


@router.post(
    "/projects/{int:project_id}/milestones",
    summary="新增里程碑",
    tags=REPORTS,
    response={201: MilestoneOut, **ACT_ERRORS},
)
def add_milestone(request, project_id: int, payload: MilestoneIn):
    """新增建设进度里程碑；建设进度按已完成里程碑的权重占比计算。"""
    project = _project(request, project_id)
    milestone = actions.add_milestone(project, acting_user=request.auth, **payload.model_dump())
    return Status(201, milestone)


@router.post(
    "/milestones/{int:milestone_id}/complete",
    summary="登记里程碑完成",
    tags=REPORTS,
    response={200: MilestoneOut, **ACT_ERRORS},
)
def complete_milestone(request, milestone_id: int, payload: MilestoneDoneIn):
    """登记里程碑的实际完成日期（不晚于今天）。"""
    milestone = _rows(Milestone, request.auth).filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    return actions.complete_milestone(milestone, acting_user=request.auth, done_on=payload.done_on)


@router.post(
    "/projects/{int:project_id}/supervision-reports",
    summary="提交监理报告",
    tags=REPORTS,
    response={201: SupervisionReportOut, **ACT_ERRORS},
)
def submit_supervision_report(request, project_id: int, payload: SupervisionReportIn):
    """本项目的工程监理单位提交监理报告和监理意见（第二十二条）。"""
    project = _project(request, project_id)
    report = actions.submit_supervision_report(
        project, acting_user=request.auth, **payload.model_dump()
    )
    return Status(201, report)


@router.post(
    "/projects/{int:project_id}/annual-reports",
    summary="提交年度绩效评价报告",
    tags=REPORTS,
    response={201: AnnualReportOut, **ACT_ERRORS},
)
def submit_annual_report(request, project_id: int, payload: AnnualReportIn):
    """建设期内每年年底前提交年度绩效评价报告（第二十三条），须附使用单位和监理单位意见，
    试运行期间须写明试运行效果，否则返回 409。建设进度由里程碑、年度计划金额和已支付金额
    由年度投资计划和支付记录自动计算。"""
    project = _project(request, project_id)
    report = actions.submit_annual_report(project, acting_user=request.auth, **payload.model_dump())
    return Status(201, report)


# -- incidents (Art. 24) ------------------------------------------------------------------------


def _incident(request, incident_id: int) -> Incident:
    incident = _rows(Incident, request.auth).filter(pk=incident_id).first()
    if incident is None:
        raise Http404
    return incident


@router.post(
    "/projects/{int:project_id}/incidents",
    summary="报告重大事项",
    tags=INCIDENTS,
    response={201: IncidentOut, **ACT_ERRORS},
)
def report_incident(request, project_id: int, payload: IncidentIn):
    """建设单位向市发展改革委、市财政局报告建设进度严重滞后（delay）或重大损失（loss）
    （第二十四条）。"""
    project = _project(request, project_id)
    incident = actions.report_incident(project, acting_user=request.auth, **payload.model_dump())
    return Status(201, incident)


@router.post(
    "/incidents/{int:incident_id}/rectification",
    summary="责令限期整改",
    tags=INCIDENTS,
    response={200: IncidentOut, **ACT_ERRORS},
)
def order_rectification(request, incident_id: int, payload: RectificationIn):
    """市发展改革委或市财政局责令限期整改（第二十四条）；整改期限列入项目的法定期限。"""
    incident = _incident(request, incident_id)
    return actions.order_rectification(incident, acting_user=request.auth, **payload.model_dump())


@router.post(
    "/incidents/{int:incident_id}/suspend",
    summary="暂停项目",
    tags=INCIDENTS,
    response={200: IncidentOut, **ACT_ERRORS},
)
def suspend_project(request, incident_id: int, payload: SuspendIn):
    """市发展改革委或市财政局暂停项目（第二十四条）：解除前不能开始试运行、登记建成、
    申请验收，也不能支付。"""
    incident = _incident(request, incident_id)
    return actions.suspend_project(
        incident, acting_user=request.auth, order_text=payload.order_text
    )


@router.post(
    "/incidents/{int:incident_id}/lift",
    summary="解除暂停",
    tags=INCIDENTS,
    response={200: IncidentOut, **ACT_ERRORS},
)
def lift_suspension(request, incident_id: int, payload: OpinionIn):
    """市发展改革委或市财政局解除暂停；项目恢复办理和支付。"""
    incident = _incident(request, incident_id)
    return actions.lift_suspension(incident, acting_user=request.auth, opinion=payload.opinion)


@router.post(
    "/incidents/{int:incident_id}/close",
    summary="整改完成，关闭重大事项",
    tags=INCIDENTS,
    response={200: IncidentOut, **ACT_ERRORS},
)
def close_incident(request, incident_id: int, payload: OpinionIn):
    """市发展改革委或市财政局确认整改完成，关闭事项（暂停中的事项请用“解除暂停”）。"""
    incident = _incident(request, incident_id)
    return actions.close_incident(incident, acting_user=request.auth, opinion=payload.opinion)


# -- trial, completion, archives, acceptance (Art. 28, 29) --------------------------------------


@router.post(
    "/projects/{int:project_id}/trial",
    summary="开始试运行",
    tags=ACCEPT,
    response={200: ProjectDeliveryOut, **ACT_ERRORS},
)
def start_trial(request, project_id: int, payload: TrialIn):
    """登记试运行开始日期；项目被暂停时返回 409（第二十四条）。"""
    project = _project(request, project_id)
    actions.start_trial(
        project,
        acting_user=request.auth,
        trial_started_on=payload.trial_started_on,
    )
    return _reload(request, project_id)


@router.post(
    "/projects/{int:project_id}/complete",
    summary="登记建成",
    tags=ACCEPT,
    response={200: ProjectDeliveryOut, **ACT_ERRORS},
)
def complete_construction(request, project_id: int, payload: CompleteIn):
    """登记建成日期：竣工验收期限（政策规定的月数，默认 6 个月）自此起算，验收方式按
    政策门槛确定（第二十八条）。"""
    project = _project(request, project_id)
    actions.complete_construction(
        project,
        acting_user=request.auth,
        completed_on=payload.completed_on,
    )
    return _reload(request, project_id)


@router.post(
    "/projects/{int:project_id}/archives",
    summary="登记档案验收",
    tags=ACCEPT,
    response={200: ProjectDeliveryOut, **ACT_ERRORS},
)
def accept_archives(request, project_id: int, payload: ArchivesIn):
    """市大数据发展局按档案清单登记档案验收（第二十九条）；档案验收通过后才能竣工验收。"""
    project = _project(request, project_id)
    actions.accept_archives(
        project,
        acting_user=request.auth,
        checklist=payload.checklist,
        accepted_on=payload.accepted_on,
    )
    return _reload(request, project_id)


@router.post(
    "/projects/{int:project_id}/acceptance/apply",
    summary="申请市大数据发展局组织竣工验收",
    tags=ACCEPT,
    response={201: AcceptanceOut, **ACT_ERRORS},
)
def apply_acceptance(request, project_id: int):
    """总投资达到政策门槛（含本数）的项目向市大数据发展局申请竣工验收（第二十八条）。
    规则关口：验收方式不符（门槛以下应自行组织并报备）、尚未建成、未通过档案验收（第二十九
    条）、材料不全时返回 409；超过验收期限且未获延期时记为警示。"""
    project = _project(request, project_id)
    return Status(201, actions.apply_acceptance(project, acting_user=request.auth))


@router.post(
    "/acceptances/{int:acceptance_id}/decide",
    summary="登记竣工验收结果",
    tags=ACCEPT,
    response={200: AcceptanceOut, **ACT_ERRORS},
)
def decide_acceptance(request, acceptance_id: int, payload: AcceptanceResultIn):
    """市大数据发展局登记其组织的竣工验收结果；不通过的项目不得安排运维经费（第二十八条）。"""
    acceptance = _rows(Acceptance, request.auth).filter(pk=acceptance_id).first()
    if acceptance is None:
        raise Http404
    return actions.decide_acceptance(acceptance, acting_user=request.auth, **payload.model_dump())


@router.post(
    "/projects/{int:project_id}/acceptance/file",
    summary="建设单位组织验收并报备",
    tags=ACCEPT,
    response={201: AcceptanceOut, **ACT_ERRORS},
)
def file_unit_acceptance(request, project_id: int, payload: AcceptanceResultIn):
    """总投资低于政策门槛的项目由建设单位组织竣工验收，并将结果报市大数据发展局备案
    （第二十八条）。规则关口同申请验收；不通过的项目不得安排运维经费。"""
    project = _project(request, project_id)
    acceptance = actions.file_unit_acceptance(
        project, acting_user=request.auth, **payload.model_dump()
    )
    return Status(201, acceptance)


@router.post(
    "/projects/{int:project_id}/extensions",
    summary="申请延期验收",
    tags=ACCEPT,
    response={201: ExtensionOut, **ACT_ERRORS},
)
def request_extension(request, project_id: int, payload: ExtensionIn):
    """不能按期申请竣工验收的，向市大数据发展局申请延期（第二十八条）。"""
    project = _project(request, project_id)
    extension = actions.request_extension(project, acting_user=request.auth, **payload.model_dump())
    return Status(201, extension)


@router.post(
    "/extensions/{int:extension_id}/decide",
    summary="审核延期申请",
    tags=ACCEPT,
    response={200: ExtensionOut, **ACT_ERRORS},
)
def decide_extension(request, extension_id: int, payload: ExtensionDecideIn):
    """市大数据发展局同意或不同意延期；同意后验收期限顺延至申请日期。"""
    extension = _rows(ExtensionRequest, request.auth).filter(pk=extension_id).first()
    if extension is None:
        raise Http404
    return actions.decide_extension(extension, acting_user=request.auth, **payload.model_dump())


@router.post(
    "/projects/{int:project_id}/golive",
    summary="登记正式上线运行",
    tags=ACCEPT,
    response={200: ProjectDeliveryOut, **ACT_ERRORS},
)
def go_live(request, project_id: int, payload: GoLiveIn):
    """竣工验收通过后登记正式上线运行日期；自评价期间自验收和上线中较晚者起算（第三十条）。"""
    project = _project(request, project_id)
    actions.go_live(project, acting_user=request.auth, golive_on=payload.golive_on)
    return _reload(request, project_id)


# -- evaluation (Art. 30) -----------------------------------------------------------------------


@router.post(
    "/projects/{int:project_id}/self-evaluation",
    summary="提交自评价",
    tags=EVALUATE,
    response={201: EvaluationOut, **ACT_ERRORS},
)
def submit_self_evaluation(request, project_id: int, payload: EvaluationIn):
    """建设单位在验收运行后的规定期间（默认 12—24 个月）内提交自评价，报送市发展改革委、
    市财政局和市大数据发展局（第三十条）。期间开始前返回 409；期间结束后提交记为逾期警示。"""
    project = _project(request, project_id)
    result = actions.submit_self_evaluation(
        project, acting_user=request.auth, **payload.model_dump()
    )
    return Status(201, EvaluationResult.objects.get(pk=result.pk))


@router.post(
    "/projects/{int:project_id}/post-evaluations",
    summary="委托第三方后评价",
    tags=EVALUATE,
    response={201: PostEvaluationOut, **ACT_ERRORS},
)
def commission_post_evaluation(request, project_id: int, payload: CommissionIn):
    """市发展改革委或市大数据发展局委托第三方咨询评估机构开展后评价（第三十条）。"""
    project = _project(request, project_id)
    post = actions.commission_post_evaluation(
        project,
        acting_user=request.auth,
        consultant=payload.consultant_id,
    )
    return Status(201, PostEvaluation.objects.select_related("consultant").get(pk=post.pk))


@router.post(
    "/post-evaluations/{int:post_id}/submit",
    summary="提交后评价结果",
    tags=EVALUATE,
    response={201: EvaluationOut, **ACT_ERRORS},
)
def submit_post_evaluation(request, post_id: int, payload: EvaluationIn):
    """受托的第三方咨询评估机构提交后评价结果；结果作为评价结果记录，供编制下一年度投资计划
    时参考（第三十条、第三十七条）。"""
    post = _rows(PostEvaluation, request.auth).filter(pk=post_id).first()
    if post is None:
        raise Http404
    result = actions.submit_post_evaluation(post, acting_user=request.auth, **payload.model_dump())
    return Status(201, EvaluationResult.objects.get(pk=result.pk))
