"""Every change of state of the delivery chapter (Art. 16, 22-24, 28-30).

Each action locks the project row, checks who acts, evaluates its gate, mutates, records one
ledger event and notifies, in one transaction (``core.actions.action``)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from accounts.recipients import (
    consultant_org_ids,
    experts_of,
    is_unit_staff,
    reviewers_of,
    unit_staff,
)
from accounts.roles import Authority, OrgKind, Role
from core.actions import action
from core.dates import today
from core.enums import ActionCode
from core.errors import ActionConflict, ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.notify import notify
from core.validate import choice, pk_of, raise_if, text
from core.validate import past_date as valid_past_date
from core.validate import year as valid_year
from investment.models import EvaluationKind, EvaluationResult
from policy.engine import enforce, evaluate_gate
from projects.models import Project, ProjectState

from .models import (
    Acceptance,
    AcceptancePath,
    AcceptanceState,
    AnnualReport,
    Delivery,
    ExtensionRequest,
    ExtensionState,
    Incident,
    IncidentKind,
    IncidentState,
    Milestone,
    Phase,
    PostEvaluation,
    PostEvaluationState,
    SupervisionReport,
    SupervisorAssignment,
)
from .services import (
    acceptance_path_for,
    delivery_context,
    investment_execution,
    progress_percent,
    visible_projects,
)

NOT_FOUND = "未找到该对象，或您无权访问。"
OVERSIGHT = (Role.DRC_OFFICER, Role.FINANCE_OFFICER)  # Art. 24


def _project(project, user) -> Project:
    try:
        return visible_projects(user).select_for_update().get(pk=pk_of(project))
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise ActionForbidden(NOT_FOUND) from exc


def _delivery(project) -> Delivery:
    if project.state != ProjectState.APPROVED:
        raise ActionConflict("项目批复后才能进入建设实施阶段。")
    delivery, _created = Delivery.objects.select_for_update().get_or_create(project=project)
    return delivery


def _unit(user, project) -> None:
    if not is_unit_staff(user, project.unit_id):
        raise ActionForbidden("只有本项目建设单位的人员可以办理此事项。")


def _link(project) -> str:
    return reverse("delivery:project", args=[project.pk])


def _date(value, field, label, errors, *, required=True):
    value = valid_past_date(value, field, label, errors)
    if value is None and required and field not in errors:
        errors[field] = f"请填写{label}。"
    return value


def _event(
    code,
    user,
    project,
    reason,
    *,
    obj=None,
    source="",
    target="",
    decision=None,
    ctx=None,
    data=None,
):
    record_event(
        code,
        actor=user,
        obj=obj or project,
        organisation=project.unit_id,
        from_state=source,
        to_state=target,
        reason=reason,
        policy_version=ctx.policy.code if ctx else "",
        decision_id=getattr(decision, "pk", None),
        data=data or {},
    )


def _gate(code, project, user, **facts):
    ctx = delivery_context(project, user, **facts)
    return enforce(evaluate_gate(code, ctx, organisation=project.unit)), ctx


def _set_phase(delivery, phase, user, code, reason, **kwargs):
    source = delivery.phase
    delivery.phase = phase
    delivery.save()
    _event(
        code, user, delivery.project, reason, obj=delivery, source=source, target=phase, **kwargs
    )


# -- start of construction (Art. 16, 22) -------------------------------------------------------


@action
def set_implementation(
    project, *, acting_user, implementing_agency, responsible_person, responsible_phone=""
) -> Delivery:
    project = _project(project, acting_user)
    _unit(acting_user, project)
    delivery = _delivery(project)
    errors: dict = {}
    delivery.implementing_agency = text(
        implementing_agency, "implementing_agency", "项目实施机构", errors, max_length=200
    )
    delivery.responsible_person = text(
        responsible_person, "responsible_person", "项目负责人", errors, max_length=50
    )
    delivery.responsible_phone = text(
        responsible_phone, "responsible_phone", "负责人电话", errors, required=False, max_length=30
    )
    raise_if(errors)
    delivery.save()
    _event(
        ActionCode.DELIVERY_UPDATED,
        acting_user,
        project,
        f"实施机构 {delivery.implementing_agency}，负责人 {delivery.responsible_person}（第十六条）",
        obj=delivery,
    )
    return delivery


@action
def assign_supervisor(
    project, *, acting_user, supervisor, contract_number=""
) -> SupervisorAssignment:
    """Record the engineering supervisor chosen by procurement (Art. 22)."""
    project = _project(project, acting_user)
    _unit(acting_user, project)
    _delivery(project)
    org = Organisation.objects.filter(
        pk=pk_of(supervisor), kind=OrgKind.SUPERVISOR, is_active=True
    ).first()
    if org is None:
        raise ActionInvalid("请选择工程监理单位。", {"supervisor": "请选择在册的工程监理单位。"})
    SupervisorAssignment.objects.filter(project=project, is_active=True).update(is_active=False)
    assignment = SupervisorAssignment.objects.create(
        project=project,
        supervisor=org,
        contract_number=(contract_number or "").strip(),
        assigned_by=acting_user,
    )
    _event(
        ActionCode.SUPERVISOR_ASSIGNED,
        acting_user,
        project,
        f"登记工程监理单位 {org.name}（第二十二条）",
        obj=assignment,
    )
    notify(
        experts_of_supervisor(org.pk),
        title=f"监理项目：{project.code}《{project.name}》",
        link=_link(project),
    )
    return assignment


def experts_of_supervisor(org_id):
    from accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.SUPERVISOR,
            memberships__organisation_id=org_id,
        ).distinct()
    )


@action
def start_construction(project, *, acting_user, started_on) -> Delivery:
    project = _project(project, acting_user)
    _unit(acting_user, project)
    delivery = _delivery(project)
    if delivery.phase != Phase.PREPARING:
        raise ActionConflict(f"项目当前为“{delivery.get_phase_display()}”，不能再次开工。")
    errors: dict = {}
    started = _date(started_on, "started_on", "开工日期", errors)
    raise_if(errors)
    decision, ctx = _gate("delivery.start", project, acting_user)
    delivery.started_on = started
    _set_phase(
        delivery,
        Phase.CONSTRUCTION,
        acting_user,
        ActionCode.CONSTRUCTION_STARTED,
        f"{started:%Y-%m-%d} 开工建设",
        decision=decision,
        ctx=ctx,
    )
    return delivery


@action
def add_milestone(project, *, acting_user, name, planned_on, weight=1) -> Milestone:
    project = _project(project, acting_user)
    _unit(acting_user, project)
    _delivery(project)
    errors: dict = {}
    name = text(name, "name", "里程碑名称", errors, max_length=100)
    try:
        planned = dt.date.fromisoformat(str(planned_on))
    except ValueError:
        errors["planned_on"] = "日期格式应为 2027-06-30。"
        planned = None
    try:
        weight = int(weight)
        if not 1 <= weight <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["weight"] = "权重应为 1—100 的整数。"
    raise_if(errors)
    milestone = Milestone.objects.create(
        project=project, name=name, planned_on=planned, weight=weight
    )
    _event(
        ActionCode.MILESTONE_RECORDED,
        acting_user,
        project,
        f"新增里程碑“{name}”，计划 {planned:%Y-%m-%d}",
        obj=milestone,
    )
    return milestone


@action
def complete_milestone(milestone, *, acting_user, done_on) -> Milestone:
    m = Milestone.objects.filter(pk=pk_of(milestone)).first()
    if m is None:
        raise ActionForbidden(NOT_FOUND)
    project = _project(m.project_id, acting_user)
    _unit(acting_user, project)
    errors: dict = {}
    m.done_on = _date(done_on, "done_on", "完成日期", errors)
    raise_if(errors)
    m.save()
    _event(
        ActionCode.MILESTONE_RECORDED,
        acting_user,
        project,
        f"里程碑“{m.name}”于 {m.done_on:%Y-%m-%d} 完成",
        obj=m,
    )
    return m


# -- supervision and annual reports (Art. 22, 23) ------------------------------------------------


@action
def submit_supervision_report(
    project, *, acting_user, period, content, opinion
) -> SupervisionReport:
    project = _project(project, acting_user)
    assignment = SupervisorAssignment.objects.filter(project=project, is_active=True).first()
    if assignment is None or assignment.supervisor_id not in {
        m.organisation_id for m in acting_user.active_memberships() if m.role == Role.SUPERVISOR
    }:
        raise ActionForbidden("只有本项目的工程监理单位可以提交监理报告。")
    errors: dict = {}
    period = text(period, "period", "报告期", errors, max_length=40)
    content = text(content, "content", "监理情况", errors)
    opinion = text(opinion, "opinion", "监理意见", errors)
    raise_if(errors)
    report = SupervisionReport.objects.create(
        project=project, period=period, content=content, opinion=opinion, submitted_by=acting_user
    )
    _event(
        ActionCode.SUPERVISION_REPORTED,
        acting_user,
        project,
        f"提交监理报告（{period}）",
        obj=report,
    )
    notify(
        unit_staff(project.unit_id), title=f"监理报告：{project.code} {period}", link=_link(project)
    )
    return report


@action
def submit_annual_report(
    project, *, acting_user, year, summary, user_opinions, supervisor_opinion, trial_effects=""
) -> AnnualReport:
    """The annual performance report (Art. 23): progress and investment execution are computed
    from milestones and payments, not typed."""
    project = _project(project, acting_user)
    _unit(acting_user, project)
    delivery = _delivery(project)
    if delivery.phase not in (Phase.CONSTRUCTION, Phase.TRIAL, Phase.COMPLETED):
        raise ActionConflict("项目开工后、验收前提交年度绩效评价报告。")
    errors: dict = {}
    year = valid_year(year, "year", "年度", errors)
    raise_if(errors)
    if AnnualReport.objects.filter(project=project, year=year).exists():
        raise ActionConflict(f"{year} 年度报告已提交。")
    decision, ctx = _gate(
        "delivery.annual_report",
        project,
        acting_user,
        year=year,
        summary=summary,
        user_opinions=user_opinions,
        supervisor_opinion=supervisor_opinion,
        trial_effects=trial_effects,
        in_trial=delivery.phase == Phase.TRIAL,
    )
    planned, paid = investment_execution(project, year)
    report = AnnualReport.objects.create(
        project=project,
        year=year,
        summary=summary.strip(),
        user_opinions=user_opinions.strip(),
        supervisor_opinion=supervisor_opinion.strip(),
        trial_effects=(trial_effects or "").strip(),
        progress_percent=progress_percent(project),
        plan_amount=planned,
        paid_amount=paid,
        submitted_by=acting_user,
    )
    _event(
        ActionCode.ANNUAL_REPORT_SUBMITTED,
        acting_user,
        project,
        f"提交 {year} 年度绩效评价报告，进度 {report.progress_percent}%",
        obj=report,
        decision=decision,
        ctx=ctx,
    )
    notify(
        reviewers_of(Authority.DRC) + reviewers_of(Authority.BDB),
        title=f"年度绩效评价报告：{project.code} {year}",
        link=_link(project),
    )
    return report


# -- incidents (Art. 24) ------------------------------------------------------------------------


@action
def report_incident(project, *, acting_user, kind, description) -> Incident:
    project = _project(project, acting_user)
    _unit(acting_user, project)
    errors: dict = {}
    kind = choice(kind, "kind", "类型", IncidentKind.choices, errors)
    description = text(description, "description", "情况说明", errors)
    raise_if(errors)
    incident = Incident.objects.create(
        project=project, kind=kind, description=description, reported_by=acting_user
    )
    _event(
        ActionCode.INCIDENT_REPORTED,
        acting_user,
        project,
        f"报告{incident.get_kind_display()}：{description[:80]}",
        obj=incident,
    )
    notify(
        reviewers_of(Authority.DRC) + reviewers_of(Authority.FINANCE),
        title=f"重大事项报告：{project.code}《{project.name}》",
        body=description,
        link=_link(project),
    )
    return incident


def _load_incident(incident, user) -> tuple[Project, Incident]:
    row = Incident.objects.filter(pk=pk_of(incident)).values_list("project_id", flat=True).first()
    if row is None:
        raise ActionForbidden(NOT_FOUND)
    project = _project(row, user)
    return project, Incident.objects.select_for_update().get(pk=pk_of(incident))


def _oversight(user) -> None:
    if not user.has_role(*OVERSIGHT):
        raise ActionForbidden("只有市发展改革委、市财政局可以处理重大事项（第二十四条）。")


@action
def order_rectification(incident, *, acting_user, deadline, order_text) -> Incident:
    _oversight(acting_user)
    project, incident = _load_incident(incident, acting_user)
    if incident.state == IncidentState.CLOSED:
        raise ActionConflict("该事项已解除。")
    if incident.state == IncidentState.SUSPENDED:
        # Moving a suspended incident to "rectifying" would leave the project suspended with
        # no incident left to lift it from.
        raise ActionConflict("项目因该事项处于暂停状态，请先解除暂停，再责令限期整改。")
    errors: dict = {}
    try:
        due = dt.date.fromisoformat(str(deadline))
        if due <= today():
            errors["deadline"] = "整改期限应晚于今天。"
    except ValueError:
        errors["deadline"] = "日期格式应为 2027-06-30。"
        due = None
    order_text = text(order_text, "order_text", "整改要求", errors)
    raise_if(errors)
    source = incident.state
    incident.state = IncidentState.RECTIFYING
    incident.rectification_deadline = due
    incident.order_text = order_text
    incident.ordered_by = acting_user
    incident.save()
    _event(
        ActionCode.RECTIFICATION_ORDERED,
        acting_user,
        project,
        f"责令限期整改，期限 {due:%Y-%m-%d}：{order_text}",
        obj=incident,
        source=source,
        target=incident.state,
    )
    notify(
        unit_staff(project.unit_id),
        title=f"限期整改：{project.code}，期限 {due:%Y-%m-%d}",
        body=order_text,
        link=_link(project),
    )
    return incident


@action
def suspend_project(incident, *, acting_user, order_text) -> Incident:
    """Suspend the project: transitions and payments are blocked until lifted (R24.1)."""
    _oversight(acting_user)
    project, incident = _load_incident(incident, acting_user)
    if project.suspended_at:
        raise ActionConflict("项目已处于暂停状态。")
    errors: dict = {}
    order_text = text(order_text, "order_text", "暂停理由", errors)
    raise_if(errors)
    source = incident.state
    incident.state = IncidentState.SUSPENDED
    incident.order_text = order_text
    incident.ordered_by = acting_user
    incident.save()
    project.suspended_at = timezone.now()
    project.save(update_fields=["suspended_at", "updated_at"])
    _event(
        ActionCode.PROJECT_SUSPENDED,
        acting_user,
        project,
        f"暂停项目：{order_text}（第二十四条）",
        source=source,
        target="suspended",
    )
    notify(
        unit_staff(project.unit_id) + reviewers_of(Authority.FINANCE) + reviewers_of(Authority.DRC),
        title=f"项目暂停：{project.code}《{project.name}》",
        body=order_text,
        link=_link(project),
    )
    return incident


@action
def lift_suspension(incident, *, acting_user, opinion) -> Incident:
    _oversight(acting_user)
    project, incident = _load_incident(incident, acting_user)
    if incident.state != IncidentState.SUSPENDED or not project.suspended_at:
        raise ActionConflict("该事项未处于暂停状态。")
    errors: dict = {}
    opinion = text(opinion, "opinion", "解除意见", errors)
    raise_if(errors)
    incident.state = IncidentState.CLOSED
    incident.closed_at = timezone.now()
    incident.save()
    project.suspended_at = None
    project.save(update_fields=["suspended_at", "updated_at"])
    _event(
        ActionCode.SUSPENSION_LIFTED,
        acting_user,
        project,
        f"解除暂停：{opinion}",
        source="suspended",
        target="active",
    )
    notify(
        unit_staff(project.unit_id),
        title=f"解除暂停：{project.code}",
        body=opinion,
        link=_link(project),
    )
    return incident


@action
def close_incident(incident, *, acting_user, opinion) -> Incident:
    _oversight(acting_user)
    project, incident = _load_incident(incident, acting_user)
    if incident.state == IncidentState.SUSPENDED:
        raise ActionConflict("项目处于暂停状态，请使用“解除暂停”。")
    if incident.state == IncidentState.CLOSED:
        raise ActionConflict("该事项已解除。")
    errors: dict = {}
    opinion = text(opinion, "opinion", "意见", errors)
    raise_if(errors)
    source = incident.state
    incident.state = IncidentState.CLOSED
    incident.closed_at = timezone.now()
    incident.save()
    _event(
        ActionCode.INCIDENT_CLOSED,
        acting_user,
        project,
        f"整改完成：{opinion}",
        obj=incident,
        source=source,
        target=incident.state,
    )
    return incident


# -- trial, completion, archives, acceptance (Art. 28, 29) -------------------------------------


@action
def start_trial(project, *, acting_user, trial_started_on) -> Delivery:
    project = _project(project, acting_user)
    _unit(acting_user, project)
    delivery = _delivery(project)
    if delivery.phase != Phase.CONSTRUCTION:
        raise ActionConflict(f"项目当前为“{delivery.get_phase_display()}”，不能开始试运行。")
    errors: dict = {}
    on = _date(trial_started_on, "trial_started_on", "试运行开始日期", errors)
    raise_if(errors)
    decision, ctx = _gate("delivery.advance", project, acting_user)
    delivery.trial_started_on = on
    _set_phase(
        delivery,
        Phase.TRIAL,
        acting_user,
        ActionCode.TRIAL_STARTED,
        f"{on:%Y-%m-%d} 开始试运行",
        decision=decision,
        ctx=ctx,
    )
    return delivery


@action
def complete_construction(project, *, acting_user, completed_on) -> Delivery:
    """Record the completion date: it starts the acceptance window (Art. 28)."""
    project = _project(project, acting_user)
    _unit(acting_user, project)
    delivery = _delivery(project)
    if delivery.phase not in (Phase.CONSTRUCTION, Phase.TRIAL):
        raise ActionConflict(f"项目当前为“{delivery.get_phase_display()}”，不能登记建成。")
    errors: dict = {}
    on = _date(completed_on, "completed_on", "建成日期", errors)
    if on and delivery.started_on and on < delivery.started_on:
        errors["completed_on"] = "建成日期不能早于开工日期。"
    raise_if(errors)
    decision, ctx = _gate("delivery.advance", project, acting_user)
    delivery.completed_on = on
    delivery.acceptance_path = acceptance_path_for(project)
    _set_phase(
        delivery,
        Phase.COMPLETED,
        acting_user,
        ActionCode.CONSTRUCTION_COMPLETED,
        f"{on:%Y-%m-%d} 建成，{delivery.get_acceptance_path_display()}；验收期限 {ctx.param('acceptance_window_months')} 个月",
        decision=decision,
        ctx=ctx,
    )
    return delivery


@action
def accept_archives(project, *, acting_user, checklist, accepted_on) -> Delivery:
    """Archive acceptance (档案验收), recorded by BDB on the archive checklist (Art. 29)."""
    if not acting_user.has_role(Role.BDB_REVIEWER):
        raise ActionForbidden("档案验收结果由市大数据发展局登记。")
    project = _project(project, acting_user)
    delivery = _delivery(project)
    errors: dict = {}
    on = _date(accepted_on, "accepted_on", "档案验收日期", errors)
    items = {str(k): bool(v) for k, v in (checklist or {}).items()}
    if not items or not all(items.values()):
        errors["checklist"] = "档案清单各项均须齐全后才能通过档案验收。"
    raise_if(errors)
    delivery.archive_checklist = items
    delivery.archive_accepted_on = on
    delivery.save()
    _event(
        ActionCode.ARCHIVES_ACCEPTED,
        acting_user,
        project,
        f"{on:%Y-%m-%d} 通过档案验收（第二十九条）",
        obj=delivery,
    )
    notify(unit_staff(project.unit_id), title=f"档案验收通过：{project.code}", link=_link(project))
    return delivery


def _extension_until(project):
    value = (
        ExtensionRequest.objects.filter(project=project, state=ExtensionState.GRANTED)
        .order_by("-requested_until")
        .values_list("requested_until", flat=True)
        .first()
    )
    return value.isoformat() if value else None


@action
def apply_acceptance(project, *, acting_user) -> Acceptance:
    """At or above the threshold: apply to BDB, which organises the acceptance (Art. 28)."""
    project = _project(project, acting_user)
    _unit(acting_user, project)
    _delivery(project)
    if Acceptance.objects.filter(project=project, state=AcceptanceState.APPLIED).exists():
        raise ActionConflict("已申请竣工验收，等待市大数据发展局组织。")
    decision, ctx = _gate(
        "delivery.acceptance",
        project,
        acting_user,
        path=AcceptancePath.BDB,
        extension_until=_extension_until(project),
    )
    acceptance = Acceptance.objects.create(
        project=project,
        path=AcceptancePath.BDB,
        state=AcceptanceState.APPLIED,
        applied_by=acting_user,
    )
    _event(
        ActionCode.ACCEPTANCE_APPLIED,
        acting_user,
        project,
        "申请市大数据发展局组织竣工验收（第二十八条）",
        obj=acceptance,
        decision=decision,
        ctx=ctx,
    )
    notify(
        reviewers_of(Authority.BDB),
        title=f"竣工验收申请：{project.code}《{project.name}》",
        link=_link(project),
    )
    return acceptance


def _held_on(value, delivery, errors):
    """The date the acceptance was held: not in the future, not before completion, and not
    before the archive acceptance that must precede it (Art. 29)."""
    held = _date(value, "held_on", "验收日期", errors)
    if held is None or "held_on" in errors:
        return held
    if delivery.completed_on and held < delivery.completed_on:
        errors["held_on"] = f"验收日期不能早于建成日期 {delivery.completed_on:%Y-%m-%d}。"
    elif delivery.archive_accepted_on and held < delivery.archive_accepted_on:
        errors["held_on"] = (
            f"验收日期不能早于档案验收日期 {delivery.archive_accepted_on:%Y-%m-%d}（第二十九条）。"
        )
    return held


def _record_result(delivery, acceptance, passed, user, held_on, conclusion):
    acceptance.state = AcceptanceState.PASSED if passed else AcceptanceState.FAILED
    acceptance.held_on = held_on
    acceptance.conclusion = conclusion
    acceptance.decided_by = user
    acceptance.save()
    delivery.accepted_on = held_on if passed else None
    delivery.om_ineligible = not passed  # Art. 28 ¶3: failed acceptance, no O&M funding
    from catalog.actions import sync_system_for_project  # the master catalog follows (Art. 15)

    sync_system_for_project(delivery.project, user, passed=passed)
    _set_phase(
        delivery,
        Phase.ACCEPTED if passed else Phase.FAILED,
        user,
        ActionCode.ACCEPTANCE_DECIDED,
        f"竣工验收{'通过' if passed else '不通过'}（{held_on:%Y-%m-%d}）：{conclusion}"
        + ("" if passed else "；不得安排运行维护经费（第二十八条）"),
    )


@action
def decide_acceptance(acceptance, *, acting_user, passed, held_on, conclusion) -> Acceptance:
    """BDB records the result of the acceptance it organised."""
    if not acting_user.has_role(Role.BDB_REVIEWER):
        raise ActionForbidden("只有市大数据发展局可以登记其组织的验收结果。")
    row = (
        Acceptance.objects.filter(pk=pk_of(acceptance)).values_list("project_id", flat=True).first()
    )
    if row is None:
        raise ActionForbidden(NOT_FOUND)
    project = _project(row, acting_user)
    acceptance = Acceptance.objects.select_for_update().get(pk=pk_of(acceptance))
    if acceptance.state != AcceptanceState.APPLIED:
        raise ActionConflict("该验收已有结果。")
    delivery = _delivery(project)
    errors: dict = {}
    held = _held_on(held_on, delivery, errors)
    conclusion = text(conclusion, "conclusion", "验收结论", errors)
    raise_if(errors)
    _record_result(delivery, acceptance, bool(passed), acting_user, held, conclusion)
    notify(
        unit_staff(project.unit_id),
        title=f"竣工验收{'通过' if passed else '不通过'}：{project.code}",
        body=conclusion,
        link=_link(project),
    )
    return acceptance


@action
def file_unit_acceptance(project, *, acting_user, passed, held_on, conclusion) -> Acceptance:
    """Below the threshold the unit organises acceptance and files the result with BDB."""
    project = _project(project, acting_user)
    _unit(acting_user, project)
    delivery = _delivery(project)
    errors: dict = {}
    held = _held_on(held_on, delivery, errors)
    conclusion = text(conclusion, "conclusion", "验收结论", errors)
    raise_if(errors)
    decision, ctx = _gate(
        "delivery.acceptance",
        project,
        acting_user,
        path=AcceptancePath.UNIT,
        extension_until=_extension_until(project),
    )
    acceptance = Acceptance.objects.create(
        project=project,
        path=AcceptancePath.UNIT,
        state=AcceptanceState.APPLIED,
        applied_by=acting_user,
        filed_with_bdb_at=timezone.now(),
    )
    _record_result(delivery, acceptance, bool(passed), acting_user, held, conclusion)
    _event(
        ActionCode.ACCEPTANCE_FILED,
        acting_user,
        project,
        "建设单位组织验收，结果报市大数据发展局备案（第二十八条）",
        obj=acceptance,
        decision=decision,
        ctx=ctx,
    )
    notify(
        reviewers_of(Authority.BDB),
        title=f"竣工验收备案：{project.code}《{project.name}》",
        body=conclusion,
        link=_link(project),
    )
    return acceptance


@action
def request_extension(project, *, acting_user, requested_until, reason) -> ExtensionRequest:
    project = _project(project, acting_user)
    _unit(acting_user, project)
    delivery = _delivery(project)
    if delivery.phase != Phase.COMPLETED:
        raise ActionConflict("建成后、验收前才能申请延期验收。")
    errors: dict = {}
    try:
        until = dt.date.fromisoformat(str(requested_until))
        if until <= today():
            errors["requested_until"] = "延期日期应晚于今天。"
    except ValueError:
        errors["requested_until"] = "日期格式应为 2027-06-30。"
        until = None
    reason = text(reason, "reason", "延期理由", errors)
    raise_if(errors)
    req = ExtensionRequest.objects.create(
        project=project, requested_until=until, reason=reason, requested_by=acting_user
    )
    _event(
        ActionCode.EXTENSION_REQUESTED,
        acting_user,
        project,
        f"申请延期验收至 {until:%Y-%m-%d}：{reason}",
        obj=req,
    )
    notify(
        reviewers_of(Authority.BDB),
        title=f"验收延期申请：{project.code}",
        body=reason,
        link=_link(project),
    )
    return req


@action
def decide_extension(request, *, acting_user, grant, opinion) -> ExtensionRequest:
    if not acting_user.has_role(Role.BDB_REVIEWER):
        raise ActionForbidden("只有市大数据发展局可以审核延期申请。")
    row = (
        ExtensionRequest.objects.filter(pk=pk_of(request))
        .values_list("project_id", flat=True)
        .first()
    )
    if row is None:
        raise ActionForbidden(NOT_FOUND)
    project = _project(row, acting_user)
    req = ExtensionRequest.objects.select_for_update().get(pk=pk_of(request))
    if req.state != ExtensionState.PENDING:
        raise ActionConflict("该申请已审核。")
    errors: dict = {}
    opinion = text(opinion, "opinion", "审核意见", errors)
    raise_if(errors)
    req.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
    req.opinion = opinion
    req.decided_by = acting_user
    req.decided_at = timezone.now()
    req.save()
    _event(
        ActionCode.EXTENSION_DECIDED,
        acting_user,
        project,
        f"{req.get_state_display()}：{opinion}",
        obj=req,
        source=ExtensionState.PENDING,
        target=req.state,
    )
    notify(
        unit_staff(project.unit_id),
        title=f"延期申请{req.get_state_display()}：{project.code}",
        body=opinion,
        link=_link(project),
    )
    return req


@action
def go_live(project, *, acting_user, golive_on) -> Delivery:
    project = _project(project, acting_user)
    _unit(acting_user, project)
    delivery = _delivery(project)
    if delivery.phase != Phase.ACCEPTED:
        raise ActionConflict("竣工验收通过后才能登记正式上线运行。")
    errors: dict = {}
    on = _date(golive_on, "golive_on", "正式上线日期", errors)
    raise_if(errors)
    delivery.golive_on = on
    delivery.save()
    _event(ActionCode.WENT_LIVE, acting_user, project, f"{on:%Y-%m-%d} 正式上线运行", obj=delivery)
    return delivery


# -- evaluation (Art. 30) -----------------------------------------------------------------------


def _grade_and_score(grade, score, conclusion, errors):
    grade = text(grade, "grade", "评价等级", errors, max_length=10)
    conclusion = text(conclusion, "conclusion", "主要结论", errors)
    value = None
    if score not in (None, ""):
        from decimal import Decimal, InvalidOperation

        try:
            value = Decimal(str(score))
            if not Decimal(0) <= value <= Decimal(100):
                raise InvalidOperation
        except InvalidOperation:
            errors["score"] = "评分应为 0—100 的数字。"
    return grade, value, conclusion


@action
def submit_self_evaluation(
    project, *, acting_user, completed_on, grade, conclusion, score=None
) -> EvaluationResult:
    """The unit's self-evaluation within the policy window, sent to DRC, Finance and BDB."""
    project = _project(project, acting_user)
    _unit(acting_user, project)
    _delivery(project)
    errors: dict = {}
    on = _date(completed_on, "completed_on", "完成日期", errors)
    grade, value, conclusion = _grade_and_score(grade, score, conclusion, errors)
    raise_if(errors)
    decision, ctx = _gate(
        "delivery.self_evaluation", project, acting_user, completed_on=on.isoformat()
    )
    result = EvaluationResult.objects.create(
        project=project,
        kind=EvaluationKind.SELF,
        completed_on=on,
        grade=grade,
        score=value,
        conclusion=conclusion,
        recorded_by=acting_user,
    )
    _event(
        ActionCode.SELF_EVALUATION_SUBMITTED,
        acting_user,
        project,
        f"提交自评价（{grade}）",
        obj=result,
        decision=decision,
        ctx=ctx,
    )
    notify(
        reviewers_of(Authority.DRC) + reviewers_of(Authority.FINANCE) + reviewers_of(Authority.BDB),
        title=f"项目自评价：{project.code}《{project.name}》（{grade}）",
        body=conclusion,
        link=_link(project),
    )
    return result


@action
def commission_post_evaluation(project, *, acting_user, consultant) -> PostEvaluation:
    if not acting_user.has_role(Role.DRC_OFFICER, Role.BDB_REVIEWER):
        raise ActionForbidden("只有市发展改革委或市大数据发展局可以委托后评价（第三十条）。")
    project = _project(project, acting_user)
    delivery = _delivery(project)
    if delivery.phase != Phase.ACCEPTED:
        raise ActionConflict("竣工验收通过的项目才能开展后评价。")
    org = Organisation.objects.filter(
        pk=pk_of(consultant), kind=OrgKind.CONSULTANT, is_active=True
    ).first()
    if org is None:
        raise ActionInvalid("请选择评价机构。", {"consultant": "请选择在册的第三方咨询评估机构。"})
    post = PostEvaluation.objects.create(
        project=project, consultant=org, commissioned_by=acting_user
    )
    _event(
        ActionCode.POST_EVALUATION_COMMISSIONED,
        acting_user,
        project,
        f"委托{org.name}开展后评价（第三十条）",
        obj=post,
    )
    notify(
        experts_of(org.pk),
        title=f"后评价委托：{project.code}《{project.name}》",
        link=_link(project),
    )
    return post


@action
def submit_post_evaluation(
    post, *, acting_user, completed_on, grade, conclusion, score=None
) -> EvaluationResult:
    row = (
        PostEvaluation.objects.filter(pk=pk_of(post))
        .values_list("project_id", "consultant_id")
        .first()
    )
    if row is None or row[1] not in consultant_org_ids(acting_user):
        raise ActionForbidden(NOT_FOUND)
    project = _project(row[0], acting_user)
    post = PostEvaluation.objects.select_for_update().get(pk=pk_of(post))
    if post.state != PostEvaluationState.COMMISSIONED:
        raise ActionConflict("该后评价已完成。")
    errors: dict = {}
    on = _date(completed_on, "completed_on", "完成日期", errors)
    grade, value, conclusion = _grade_and_score(grade, score, conclusion, errors)
    raise_if(errors)
    result = EvaluationResult.objects.create(
        project=project,
        kind=EvaluationKind.POST,
        completed_on=on,
        grade=grade,
        score=value,
        conclusion=conclusion,
        recorded_by=acting_user,
    )
    post.state = PostEvaluationState.DONE
    post.result = result
    post.save()
    _event(
        ActionCode.POST_EVALUATION_SUBMITTED,
        acting_user,
        project,
        f"提交后评价（{grade}）",
        obj=result,
    )
    notify(
        reviewers_of(Authority.DRC) + reviewers_of(Authority.BDB) + unit_staff(project.unit_id),
        title=f"后评价结果：{project.code}（{grade}）",
        body=conclusion,
        link=_link(project),
    )
    return result
