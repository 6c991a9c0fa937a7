"""The delivery chapter over JSON (Art. 16, 22-24, 28-30): an approved project's construction,
supervision, annual reports, incidents, trial operation, completion, archives, acceptance on
the threshold's two paths, extensions, go-live and evaluations, with every statutory clock.
Mounted at ``/api/delivery/``.

Projects are read through ``services.visible_projects`` (the projects chapter's ``for_user``,
which covers a project's supervision company and its post-evaluating consultancy); lists use
the chapter's filter sets. Every change is an action of ``delivery/actions`` whose input
contract is the payload (each is also at ``POST /api/actions/delivery.<action>/<id>``).
Missing and forbidden objects answer the same 404; a refusal answers 409 with its findings
(rule, article, message, remedy, facts); invalid input answers 422 with Chinese messages per
field.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from ninja import Query
from ninja.responses import Status

from core.actions import Action
from core.api_routes import Routes, perform
from core.dates import today
from core.filters import ListFilter, apply
from core.money import wan_str, yuan_str
from investment.models import EvaluationResult
from projects.models import Project, ProjectState

from . import actions, contracts
from .clocks import calendar_projects, calendar_rows, refuse_too_many
from .deadlines import due_items
from .filters import (
    AcceptanceFilter,
    CalendarFilter,
    DeliveryFilter,
    ExtensionFilter,
    IncidentFilter,
)
from .models import (
    Acceptance,
    AcceptancePath,
    AnnualReport,
    ArchiveFailure,
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
    AnnualReportOut,
    CalendarItemOut,
    DeliveryEvaluationOut,
    DeliveryProjectOut,
    ExtensionOut,
    IncidentOut,
    MilestoneOut,
    PostEvaluationOut,
    ProjectDeliveryOut,
    SupervisionReportOut,
    SupervisorOut,
    due_item_out,
)
from .services import acceptance_path_for, clock_facts, policy_params, progress_percent

router = Routes(tags=["建设实施与验收"])

START = ["开工与监理"]
REPORTS = ["建设进度与年度报告"]
INCIDENTS = ["重大事项"]
ACCEPT = ["建成与竣工验收"]
EVALUATE = ["自评价与后评价"]
start_routes = router.tagged(START)
reports_routes = router.tagged(REPORTS)
incidents_routes = router.tagged(INCIDENTS)
accept_routes = router.tagged(ACCEPT)
evaluate_routes = router.tagged(EVALUATE)


# -- helpers ----------------------------------------------------------------------------------


def _approved(request: Any) -> QuerySet[Project]:
    return Project.objects.for_user(request.auth).filter(state=ProjectState.APPROVED)


def _project(request: Any, project_id: int) -> Project:
    """An approved project the user sees in the delivery chapter, or 404."""
    try:
        return _approved(request).select_related("unit", "policy").get(pk=project_id)
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def _rows(model: Any, request: Any, filterset: type[ListFilter]) -> QuerySet:
    """A filtered list of rows of the projects the user sees."""
    qs = model.objects.for_user(request.auth).select_related("project")
    return apply(filterset, request.GET, qs).qs


def _overview(project: Project) -> dict[str, Any]:
    delivery = Delivery.objects.filter(project=project).first() or Delivery(project=project)
    on = today()
    total = project.approved_total or project.total_investment
    path = delivery.acceptance_path or acceptance_path_for(project)
    mine = {"project": project}
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
        "archive_failures": [
            {"failed_on": f.failed_on, "reasons": f.reasons}
            for f in ArchiveFailure.objects.filter(project=project)
        ],
        "incomplete_reason": delivery.incomplete_reason,
        "progress_percent": str(progress_percent(project)),
        "today": on,
        "supervisor": SupervisorAssignment.objects.filter(project=project, is_active=True)
        .select_related("supervisor")
        .first(),
        "due_items": [
            due_item_out(i, on)
            for i in due_items(clock_facts(project, delivery), policy_params(project), on)
        ],
        "milestones": Milestone.objects.filter(**mine),
        "supervision_reports": SupervisionReport.objects.filter(**mine).select_related(
            "submitted_by"
        ),
        "annual_reports": AnnualReport.objects.filter(**mine),
        "incidents": Incident.objects.filter(**mine).select_related("project"),
        "extension_requests": ExtensionRequest.objects.filter(**mine).select_related("project"),
        "acceptances": Acceptance.objects.filter(**mine).select_related("project"),
        "post_evaluations": PostEvaluation.objects.filter(**mine).select_related(
            "consultant", "result"
        ),
        "evaluations": EvaluationResult.objects.filter(**mine).order_by("-completed_on", "-id"),
    }


def _act_on_project(request: Any, action: Action, project_id: int, payload: Any = None) -> dict:
    """Do ``action`` on the project and answer its delivery record as it now is."""
    perform(request, action, project_id, payload)
    return _overview(_project(request, project_id))


# -- reading ------------------------------------------------------------------------------------


@start_routes.list("/projects", DeliveryProjectOut, "建设项目列表")
def projects(request, filters: Query[DeliveryFilter.schema()]):  # type: ignore[valid-type]
    """当前用户可见的已批复项目及其建设阶段。可按阶段 ``phase``（未开工的项目为 preparing）、
    是否暂停 ``suspended``、建设单位 ``unit`` 筛选，``q`` 搜索项目编号、名称或单位。"""
    qs = _approved(request).select_related("unit", "delivery")
    return apply(DeliveryFilter, request.GET, qs).qs.order_by("-code")


@start_routes.read("/projects/{int:project_id}", ProjectDeliveryOut, "项目建设实施情况")
def project_delivery(request, project_id: int):
    """一个已批复项目的建设实施情况：阶段、实施机构和负责人、工程监理、里程碑与建设进度、
    监理报告、年度绩效评价报告、重大事项、验收延期申请、竣工验收、自评价和后评价，以及
    各项法定期限（``due_items``：年度报告第二十三条、整改第二十四条、竣工验收第二十八条、
    自评价第三十条）及其今天的状态。未批复、不存在或无权查看的项目均返回 404。"""
    return _overview(_project(request, project_id))


@start_routes.list("/calendar", CalendarItemOut, "法定期限日历")
def calendar(
    request,
    filters: Query[CalendarFilter.schema()],  # type: ignore[valid-type]
    on: dt.date | None = None,
    include_done: bool = False,
):
    """当前用户关注的建设中、试运行、已建成和已验收项目的各项法定期限，按到期日排序。
    ``on`` 按指定日期计算状态（默认今天）；``status`` 按状态筛选（overdue 已逾期、due_soon
    即将到期、open 进行中、not_open 未开始、done 已完成、all 全部）；默认不含已完成事项
    （``include_done=true`` 包含）；``kind`` 按事项、``month``（如 2026-04）按到期月份筛选。"""
    day = on or today()
    fs = apply(CalendarFilter, request.GET, calendar_projects(request.auth))
    status = fs.option("status") or ("all" if include_done else "pending")
    refuse_too_many(fs.qs)
    found = calendar_rows(
        request.auth,
        on=day,
        status=status,
        kind=fs.option("kind"),
        month=fs.option("month"),
        projects=fs.qs,
    )
    rows = [
        {
            **due_item_out(row.item, day),
            "project_id": row.project.pk,
            "project_code": row.project.code,
            "project_name": row.project.name,
            "unit_name": row.project.unit.name,
        }
        for row in found
        if row.project is not None
    ]
    rows.sort(key=lambda r: (r["due_on"], r["project_code"], r["key"]))
    return rows


@incidents_routes.list("/incidents", IncidentOut, "重大事项列表")
def incidents(request, filters: Query[IncidentFilter.schema()]):  # type: ignore[valid-type]
    """当前用户可见项目的重大事项（第二十四条）。可按状态 ``state``、类型 ``kind``、项目
    ``project``、是否未关闭 ``open`` 筛选。"""
    return _rows(Incident, request, IncidentFilter).order_by("-reported_at", "-id")


@accept_routes.list("/acceptances", AcceptanceOut, "竣工验收列表")
def acceptances(request, filters: Query[AcceptanceFilter.schema()]):  # type: ignore[valid-type]
    """当前用户可见项目的竣工验收（第二十八条）。可按状态 ``state``（applied 待组织验收、
    passed、failed）、验收方式 ``path``、项目 ``project`` 筛选。"""
    return _rows(Acceptance, request, AcceptanceFilter).order_by("-applied_at", "-id")


@accept_routes.list("/extensions", ExtensionOut, "验收延期申请列表")
def extensions(request, filters: Query[ExtensionFilter.schema()]):  # type: ignore[valid-type]
    """当前用户可见项目的验收延期申请（第二十八条）。可按状态 ``state``（pending 待审核）、
    项目 ``project`` 筛选。"""
    return _rows(ExtensionRequest, request, ExtensionFilter).order_by("-requested_at", "-id")


# -- start of construction (Art. 16, 22) --------------------------------------------------------


@start_routes.act(
    "/projects/{int:project_id}/implementation", ProjectDeliveryOut, "登记实施机构和负责人"
)
def set_implementation(request, project_id: int, payload: contracts.DeliveryImplementationIn):
    """建设单位登记项目实施机构、项目负责人及电话（第十六条）。"""
    return _act_on_project(request, actions.set_implementation, project_id, payload)


@start_routes.create("/projects/{int:project_id}/supervisor", SupervisorOut, "登记工程监理单位")
def assign_supervisor(request, project_id: int, payload: contracts.DeliverySupervisorIn):
    """建设单位登记通过采购确定的工程监理单位 ``supervisor``（组织编号；旧名
    ``supervisor_id`` 仍可用）（第二十二条）；再次登记时取代原监理单位。"""
    return Status(201, perform(request, actions.assign_supervisor, project_id, payload))


@start_routes.act("/projects/{int:project_id}/start", ProjectDeliveryOut, "开工建设")
def start_construction(request, project_id: int, payload: contracts.DeliveryStartIn):
    """登记开工。规则关口：未明确实施机构、负责人或未登记采购合同（第十六条）、未登记工程
    监理（第二十二条）、项目被暂停（第二十四条）时返回 409 及依据条款。"""
    return _act_on_project(request, actions.start_construction, project_id, payload)


# -- milestones, supervision and annual reports (Art. 22, 23) -----------------------------------


@reports_routes.create("/projects/{int:project_id}/milestones", MilestoneOut, "新增里程碑")
def add_milestone(request, project_id: int, payload: contracts.DeliveryMilestoneIn):
    """新增建设进度里程碑；建设进度按已完成里程碑的权重占比计算。"""
    return Status(201, perform(request, actions.add_milestone, project_id, payload))


@reports_routes.act("/milestones/{int:milestone_id}/complete", MilestoneOut, "登记里程碑完成")
def complete_milestone(request, milestone_id: int, payload: contracts.DeliveryMilestoneDoneIn):
    """登记里程碑的实际完成日期（不晚于今天）。"""
    return perform(request, actions.complete_milestone, milestone_id, payload)


@reports_routes.create(
    "/projects/{int:project_id}/supervision-reports", SupervisionReportOut, "提交监理报告"
)
def submit_supervision_report(
    request, project_id: int, payload: contracts.DeliverySupervisionReportIn
):
    """本项目的工程监理单位提交监理报告和监理意见（第二十二条）。"""
    return Status(201, perform(request, actions.submit_supervision_report, project_id, payload))


@reports_routes.create(
    "/projects/{int:project_id}/annual-reports", AnnualReportOut, "提交年度绩效评价报告"
)
def submit_annual_report(request, project_id: int, payload: contracts.DeliveryAnnualReportIn):
    """建设期内每年年底前提交年度绩效评价报告（第二十三条），须附使用单位和监理单位意见，
    试运行期间须写明试运行效果，否则返回 409。建设进度由里程碑、年度计划金额和已支付金额
    由年度投资计划和支付记录自动计算。"""
    return Status(201, perform(request, actions.submit_annual_report, project_id, payload))


# -- incidents (Art. 24) ------------------------------------------------------------------------


@incidents_routes.create("/projects/{int:project_id}/incidents", IncidentOut, "报告重大事项")
def report_incident(request, project_id: int, payload: contracts.DeliveryIncidentIn):
    """建设单位向市发展改革委、市财政局报告建设进度严重滞后（delay）或重大损失（loss）
    （第二十四条）。"""
    return Status(201, perform(request, actions.report_incident, project_id, payload))


@incidents_routes.act("/incidents/{int:incident_id}/rectification", IncidentOut, "责令限期整改")
def order_rectification(request, incident_id: int, payload: contracts.DeliveryRectificationIn):
    """市发展改革委或市财政局责令限期整改（第二十四条）；整改期限列入项目的法定期限。"""
    return perform(request, actions.order_rectification, incident_id, payload)


@incidents_routes.act("/incidents/{int:incident_id}/suspend", IncidentOut, "暂停项目")
def suspend_project(request, incident_id: int, payload: contracts.DeliverySuspensionIn):
    """市发展改革委或市财政局暂停项目（第二十四条）：解除前不能开始试运行、登记建成、
    申请验收，也不能支付。"""
    return perform(request, actions.suspend_project, incident_id, payload)


@incidents_routes.act("/incidents/{int:incident_id}/lift", IncidentOut, "解除暂停")
def lift_suspension(request, incident_id: int, payload: contracts.DeliveryIncidentOpinionIn):
    """市发展改革委或市财政局解除暂停；项目恢复办理和支付。"""
    return perform(request, actions.lift_suspension, incident_id, payload)


@incidents_routes.act("/incidents/{int:incident_id}/close", IncidentOut, "整改完成，关闭重大事项")
def close_incident(request, incident_id: int, payload: contracts.DeliveryIncidentOpinionIn):
    """市发展改革委或市财政局确认整改完成，关闭事项（暂停中的事项请用“解除暂停”）。"""
    return perform(request, actions.close_incident, incident_id, payload)


# -- trial, completion, archives, acceptance (Art. 28, 29) --------------------------------------


@accept_routes.act("/projects/{int:project_id}/trial", ProjectDeliveryOut, "开始试运行")
def start_trial(request, project_id: int, payload: contracts.DeliveryTrialIn):
    """登记试运行开始日期；项目被暂停时返回 409（第二十四条）。"""
    return _act_on_project(request, actions.start_trial, project_id, payload)


@accept_routes.act("/projects/{int:project_id}/complete", ProjectDeliveryOut, "登记建成")
def complete_construction(request, project_id: int, payload: contracts.DeliveryCompletionIn):
    """登记建成日期：竣工验收期限（政策规定的月数，默认 6 个月）自此起算，验收方式按
    政策门槛确定（第二十八条）。"""
    return _act_on_project(request, actions.complete_construction, project_id, payload)


@accept_routes.act("/projects/{int:project_id}/archives", ProjectDeliveryOut, "登记档案验收")
def accept_archives(request, project_id: int, payload: contracts.DeliveryArchivesIn):
    """市大数据发展局按档案清单登记档案验收（第二十九条）；档案验收通过后才能竣工验收。"""
    return _act_on_project(request, actions.accept_archives, project_id, payload)


@accept_routes.act(
    "/projects/{int:project_id}/archives/failed", ProjectDeliveryOut, "登记档案验收不合格"
)
def reject_archives(request, project_id: int, payload: contracts.DeliveryArchivesFailedIn):
    """市大数据发展局登记档案验收不合格及原因（第二十九条）：记录保留，建设单位整改后重新
    进行档案验收；通过前不能竣工验收。"""
    return _act_on_project(request, actions.reject_archives, project_id, payload)


@accept_routes.create(
    "/projects/{int:project_id}/acceptance/apply", AcceptanceOut, "申请市大数据发展局组织竣工验收"
)
def apply_acceptance(request, project_id: int):
    """总投资达到政策门槛（含本数）的项目向市大数据发展局申请竣工验收（第二十八条）。
    规则关口：验收方式不符（门槛以下应自行组织并报备）、尚未建成、未通过档案验收（第二十九
    条）、材料不全时返回 409；超过验收期限且未获延期时记为警示。"""
    return Status(201, perform(request, actions.apply_acceptance, project_id))


@accept_routes.act("/acceptances/{int:acceptance_id}/decide", AcceptanceOut, "登记竣工验收结果")
def decide_acceptance(request, acceptance_id: int, payload: contracts.DeliveryAcceptanceResultIn):
    """市大数据发展局登记其组织的竣工验收结果；不通过的项目不得安排运维经费（第二十八条）。"""
    return perform(request, actions.decide_acceptance, acceptance_id, payload)


@accept_routes.create(
    "/projects/{int:project_id}/acceptance/file", AcceptanceOut, "建设单位组织验收并报备"
)
def file_unit_acceptance(request, project_id: int, payload: contracts.DeliveryAcceptanceResultIn):
    """总投资低于政策门槛的项目由建设单位组织竣工验收，并将结果报市大数据发展局备案
    （第二十八条）。规则关口同申请验收；不通过的项目不得安排运维经费。"""
    return Status(201, perform(request, actions.file_unit_acceptance, project_id, payload))


@accept_routes.create("/projects/{int:project_id}/extensions", ExtensionOut, "申请延期验收")
def request_extension(request, project_id: int, payload: contracts.DeliveryExtensionIn):
    """不能按期申请竣工验收的，向市大数据发展局申请延期（第二十八条）。"""
    return Status(201, perform(request, actions.request_extension, project_id, payload))


@accept_routes.act("/extensions/{int:extension_id}/decide", ExtensionOut, "审核延期申请")
def decide_extension(request, extension_id: int, payload: contracts.DeliveryExtensionDecisionIn):
    """市大数据发展局同意或不同意延期；同意后验收期限顺延至申请日期。"""
    return perform(request, actions.decide_extension, extension_id, payload)


@accept_routes.act("/projects/{int:project_id}/golive", ProjectDeliveryOut, "登记正式上线运行")
def go_live(request, project_id: int, payload: contracts.DeliveryGoLiveIn):
    """竣工验收通过后登记正式上线运行日期；自评价期间自验收和上线中较晚者起算（第三十条）。"""
    return _act_on_project(request, actions.go_live, project_id, payload)


# -- evaluation (Art. 30) -----------------------------------------------------------------------


@evaluate_routes.create(
    "/projects/{int:project_id}/self-evaluation", DeliveryEvaluationOut, "提交自评价"
)
def submit_self_evaluation(request, project_id: int, payload: contracts.DeliveryEvaluationIn):
    """建设单位在验收运行后的规定期间（默认 12—24 个月）内提交自评价，报送市发展改革委、
    市财政局和市大数据发展局（第三十条）。期间开始前返回 409；期间结束后提交记为逾期警示。"""
    result = perform(request, actions.submit_self_evaluation, project_id, payload)
    return Status(201, EvaluationResult.objects.get(pk=result.pk))


@evaluate_routes.create(
    "/projects/{int:project_id}/post-evaluations", PostEvaluationOut, "委托第三方后评价"
)
def commission_post_evaluation(request, project_id: int, payload: contracts.DeliveryCommissionIn):
    """市发展改革委或市大数据发展局委托第三方咨询评估机构 ``consultant``（组织编号；旧名
    ``consultant_id`` 仍可用）开展后评价（第三十条）。"""
    post = perform(request, actions.commission_post_evaluation, project_id, payload)
    return Status(201, PostEvaluation.objects.select_related("consultant").get(pk=post.pk))


@evaluate_routes.create(
    "/post-evaluations/{int:post_id}/submit", DeliveryEvaluationOut, "提交后评价结果"
)
def submit_post_evaluation(request, post_id: int, payload: contracts.DeliveryEvaluationIn):
    """受托的第三方咨询评估机构提交后评价结果；结果作为评价结果记录，供编制下一年度投资计划
    时参考（第三十条、第三十七条）。"""
    result = perform(request, actions.submit_post_evaluation, post_id, payload)
    return Status(201, EvaluationResult.objects.get(pk=result.pk))
