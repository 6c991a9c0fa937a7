"""Every change of state of the projects chapter (Art. 8, 9, 4, 12-14, 19, 20).

Each action: load through scoping and lock the project row (so that two reviewers acting at
once produce one transition: the second finds the state changed and gets ActionConflict),
check the transition of ``lifecycle.TRANSITIONS`` and the actor's role, evaluate the gate,
mutate, record one ledger event, notify. Missing and forbidden look the same (ActionForbidden →
404).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Authority, OrgKind, Role
from accounts.scoping import for_user
from core.actions import action
from core.enums import ActionCode
from core.errors import ActionConflict, ActionForbidden, ActionInvalid
from core.ledger import record_event
from core.money import format_wan
from core.notify import notify
from core.validate import amount_wan, choice, pk_of, raise_if, text
from core.validate import year as valid_year
from planning.models import MasterPlanItem
from policy.engine import GateContext, enforce, evaluate_gate
from policy.lookup import policy_in_force
from policy.paths import approval_path_for

from . import lifecycle
from .models import (
    AUTHORITY_REVIEWER_ROLE,
    JOINT_REVIEW_AUTHORITIES,
    JOINT_REVIEW_TOPIC,
    ApprovalPath,
    Channel,
    Chapter,
    ChapterDeclaration,
    ClassifiedStub,
    Framework,
    FrameworkDistrict,
    FrameworkParticipant,
    FrameworkState,
    FundingSource,
    Hosting,
    ListCriterion,
    Project,
    ProjectKind,
    ProjectListEntry,
    ProjectListState,
    ProjectListVersion,
    ProjectState,
    RecipientKind,
    Review,
    ReviewCopy,
    ReviewKind,
    ReviewState,
    ShareType,
    Stage,
    Verdict,
)
from .rules import ever_listed
from .services import joint_review_status, latest_round, next_project_code, project_context
from .visibility import (
    authorities_of,
    consultant_org_ids,
    is_unit_staff,
    may_act_on_review,
    unit_ids_of,
)

NOT_FOUND = "未找到该对象，或您无权访问。"
_amount_wan = amount_wan  # the stub action has a parameter of that name
S = ProjectState


# -- guards and helpers ----------------------------------------------------------------------


def _as_int(value) -> int | None:
    """A primary key given as an object, an int or a string (forms and the API send text)."""
    try:
        return int(pk_of(value))
    except (TypeError, ValueError):
        return None


def _load_project(project, user, *, lock=True) -> Project:
    qs = for_user(Project, user)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=pk_of(project))
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise ActionForbidden(NOT_FOUND) from exc


def _load_review(review, user) -> tuple[Project, Review]:
    """Lock the project first, then the review: every action on a project takes locks in this
    order, so concurrent reviewers serialise instead of deadlocking."""
    review_pk = pk_of(review)
    project_id = Review.objects.filter(pk=review_pk).values_list("project_id", flat=True).first()
    if project_id is None:
        raise ActionForbidden(NOT_FOUND)
    project = _load_project(project_id, user)
    review = Review.objects.select_for_update().get(pk=review_pk)
    return project, review


def _require_transition(project, code, user) -> lifecycle.Transition:
    t = lifecycle.transition(code)
    if project.state not in t.sources:
        raise ActionConflict(
            f"项目当前状态为“{project.get_state_display()}”，不能{t.label}"
            "（可能已被他人处理，请刷新页面）。"
        )
    if not user.has_role(*t.roles):
        raise ActionForbidden(f"您没有“{t.label}”的权限。")
    return t


def _require_unit_staff(user, project) -> None:
    if not is_unit_staff(user, project.unit_id):
        raise ActionForbidden("只有本项目建设单位的填报人或负责人可以办理此事项。")


def _require_review_actor(user, review) -> None:
    if not review.is_open:
        raise ActionConflict(
            f"该审核环节已{review.get_state_display()}，不能重复办理（可能已被他人处理）。"
        )
    if not may_act_on_review(user, review):
        raise ActionForbidden("您不是该审核环节的承办人。")


def _gate(code, project, user, **facts):
    ctx = project_context(project, user, **facts)
    return enforce(evaluate_gate(code, ctx, organisation=project.unit)), ctx


def _project_link(project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _move(project, target, code, *, actor, reason="", decision=None, data=None, ctx=None):
    """Set the project's state and record the ledger event of the transition."""
    source = project.state
    project.state = target
    project.save()
    record_event(
        code,
        actor=actor,
        obj=project,
        organisation=project.unit_id,
        from_state=source,
        to_state=target,
        reason=reason,
        policy_version=(ctx.policy.code if ctx else getattr(project.policy, "code", "")),
        decision_id=getattr(decision, "pk", None),
        data=data or {},
    )


def unit_staff(unit_id) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation_id=unit_id,
            memberships__role__in=(Role.UNIT_OFFICER, Role.UNIT_HEAD),
        ).distinct()
    )


def reviewers_of(authority) -> list[User]:
    role = AUTHORITY_REVIEWER_ROLE.get(authority)
    if role is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=role,
            memberships__organisation__authority=authority,
            memberships__organisation__is_active=True,
        ).distinct()
    )


def experts_of(consultant_id) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.CONSULTANT,
            memberships__organisation_id=consultant_id,
        ).distinct()
    )


def _review_recipients(review) -> list[User]:
    if review.assignee_id:
        return [review.assignee]
    if review.kind == ReviewKind.EVALUATION:
        return experts_of(review.consultant_id)
    return reviewers_of(review.authority)


def _open_review(project, kind, *, authority="", stage=Stage.FSR, consultant=None, assignee=None):
    rnd = latest_round(project, kind, stage) + 1
    review = Review.objects.create(
        project=project,
        kind=kind,
        stage=stage,
        round=rnd,
        authority=authority,
        consultant=consultant,
        assignee=assignee,
    )
    notify(
        _review_recipients(review),
        title=f"待办：{project.code}《{project.name}》{review.get_kind_display()}",
        body=f"{project.unit.display_name}的项目等待您办理（{review.get_kind_display()}）。",
        link=_project_link(project),
    )
    return review


def _close_review(review, state, user, *, opinion="", **fields) -> None:
    review.state = state
    review.opinion = opinion
    review.decided_at = timezone.now()
    review.decided_by = user
    if review.assignee_id is None:
        review.assignee = user
    for key, value in fields.items():
        setattr(review, key, value)
    review.save()


def _supersede_open_reviews(project, except_pk=None) -> None:
    Review.objects.filter(project=project, state__in=["pending", "in_progress"]).exclude(
        pk=except_pk
    ).update(state=ReviewState.SUPERSEDED)


# -- project fields --------------------------------------------------------------------------

TEXT_FIELDS = {
    "requirement": "项目需求说明",
    "basis": "建设依据",
    "integration_plan": "系统整合方案",
    "sharing_plan": "数据共享方案",
    "hosting_justification": "不部署在数字重庆云的理由",
    "secure_reliable_statement": "软硬件产品安全可靠情况说明",
    "share_recipients": "共享对象名单",
    "share_conditions": "共享条件或不予共享依据",
    "crypto_status": "密码应用情况",
}
BOOL_FIELDS = ("new_civil_works", "energy_intensive")


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "是")
    return bool(value)


def _plan_item_of(unit_id, ref, errors):
    if ref in (None, ""):
        return None
    qs = MasterPlanItem.objects.filter(revision__unit_id=unit_id)
    item = None
    if str(ref).isdigit():
        item = qs.filter(pk=int(ref)).first()
    if item is None:
        try:
            item = qs.filter(key=str(ref)).order_by("-revision__number").first()
        except Exception:
            item = None
    if item is None:
        errors["plan_item"] = "所选总体方案项目不属于本单位。"
    return item


def _project_fields(fields: dict, unit_id, errors: dict, *, partial: bool) -> dict:
    """Validate the editable fields of a project; with ``partial`` only those given."""
    clean: dict = {}

    def given(name):
        return not partial or name in fields

    if given("name"):
        clean["name"] = text(fields.get("name"), "name", "项目名称", errors, max_length=200)
    if given("kind"):
        clean["kind"] = choice(fields.get("kind"), "kind", "项目类型", ProjectKind.choices, errors)
    if given("year"):
        clean["year"] = valid_year(fields.get("year"), "year", "申报年度", errors)
    if given("total_investment_wan"):
        clean["total_investment"] = amount_wan(
            fields.get("total_investment_wan"), "total_investment_wan", "总投资", errors
        )
    if given("funding_source"):
        clean["funding_source"] = choice(
            fields.get("funding_source") or FundingSource.FISCAL,
            "funding_source",
            "资金来源",
            FundingSource.choices,
            errors,
        )
    if given("hosting"):
        clean["hosting"] = choice(
            fields.get("hosting") or Hosting.CQ_CLOUD,
            "hosting",
            "部署方式",
            Hosting.choices,
            errors,
        )
    if given("share_type"):
        clean["share_type"] = choice(
            fields.get("share_type") or ShareType.CONDITIONAL,
            "share_type",
            "数据共享类型",
            ShareType.choices,
            errors,
        )
    if given("share_recipient_kind"):
        clean["share_recipient_kind"] = choice(
            fields.get("share_recipient_kind") or RecipientKind.ALL_GOV,
            "share_recipient_kind",
            "共享对象",
            RecipientKind.choices,
            errors,
        )
    for name, label in TEXT_FIELDS.items():
        if given(name):
            clean[name] = text(fields.get(name), name, label, errors, required=False)
    for name in BOOL_FIELDS:
        if given(name):
            clean[name] = _as_bool(fields.get(name))
    if given("mlps_level"):
        level = fields.get("mlps_level")
        if level in (None, ""):
            clean["mlps_level"] = None
        elif str(level) not in ("1", "2", "3", "4", "5"):
            errors["mlps_level"] = "等级保护级别应为 1—5 级。"
        else:
            clean["mlps_level"] = int(level)
    if given("plan_item"):
        clean["plan_item"] = _plan_item_of(unit_id, fields.get("plan_item"), errors)
    if given("framework"):
        ref = fields.get("framework")
        clean["framework"] = None
        if ref not in (None, ""):
            framework = Framework.objects.filter(pk=pk_of(ref)).first()
            if framework is None:
                errors["framework"] = "所选跨部门项目不存在。"
            clean["framework"] = framework
    if given("predecessor"):
        ref = fields.get("predecessor")
        clean["predecessor"] = None
        if ref not in (None, ""):
            predecessor = Project.objects.filter(pk=pk_of(ref), unit_id=unit_id).first()
            if predecessor is None:
                errors["predecessor"] = "原项目须为本单位的项目。"
            clean["predecessor"] = predecessor
    return clean


def _refuse_classified(unit, user, is_classified) -> None:
    if not _as_bool(is_classified):
        return
    ctx = GateContext(
        subject=None, policy=policy_in_force(unit), actor=user, facts={"is_classified": True}
    )
    enforce(
        evaluate_gate("projects.create", ctx, organisation=unit, subject_type="projects.project")
    )


# -- unit: create, edit, submit, withdraw, resubmit -----------------------------------------


@action
def create_project(*, acting_user, unit, is_classified=False, **fields) -> Project:
    """A unit drafts a project requirement (Art. 8). Classified projects are refused (R8.3).
    The channel is always this platform; requirements of 渝快办 come through
    ``receive_external_requirement``."""
    return _create_project(acting_user, unit, is_classified, fields)


def _create_project(
    acting_user, unit, is_classified, fields, *, channel=Channel.PLATFORM, external_ref=None
):
    unit = Organisation.objects.filter(pk=_as_int(unit), kind=OrgKind.UNIT).first()
    if unit is None or unit.pk not in unit_ids_of(acting_user):
        raise ActionForbidden("只有项目建设单位的填报人或负责人可以为本单位新建项目。")
    _refuse_classified(unit, acting_user, is_classified)
    errors: dict = {}
    clean = _project_fields(fields, unit.pk, errors, partial=False)
    raise_if(errors)
    project = Project.objects.create(
        unit=unit,
        code=next_project_code(clean["year"]),
        created_by=acting_user,
        channel=channel,
        external_ref=external_ref,
        **clean,
    )
    record_event(
        ActionCode.PROJECT_CREATED,
        actor=acting_user,
        obj=project,
        organisation=unit.pk,
        to_state=project.state,
        reason=f"新建项目需求，总投资 {format_wan(project.total_investment)} 万元",
        data={"kind": project.kind, "total_investment": project.total_investment},
    )
    return project


@action
def update_project(project, *, acting_user, is_classified=False, **fields) -> Project:
    """Edit a draft or returned project. Every changed field is recorded in the ledger."""
    project = _load_project(project, acting_user)
    _require_unit_staff(acting_user, project)
    _refuse_classified(project.unit, acting_user, is_classified)
    if not project.is_editable:
        raise ActionConflict(
            f"项目当前状态为“{project.get_state_display()}”，只有草稿或被退回的项目可以修改。"
        )
    errors: dict = {}
    clean = _project_fields(fields, project.unit_id, errors, partial=True)
    raise_if(errors)
    changed = {}
    for key, value in clean.items():
        if getattr(project, key) != value:
            changed[key] = [str(getattr(project, key)), str(value)]
            setattr(project, key, value)
    if not changed:
        return project
    project.save()
    record_event(
        ActionCode.PROJECT_UPDATED,
        actor=acting_user,
        obj=project,
        organisation=project.unit_id,
        reason="修改：" + "、".join(str(Project._meta.get_field(k).verbose_name) for k in changed),
        data={"changed": changed},
    )
    return project


@action
def declare_chapter(project, *, acting_user, stage, chapter, text_content="") -> ChapterDeclaration:
    """Write one of the five chapters of Art. 14 for the FSR or the preliminary design."""
    project = _load_project(project, acting_user)
    _require_unit_staff(acting_user, project)
    if not project.can_edit_chapters(acting_user):
        raise ActionConflict(f"项目当前状态为“{project.get_state_display()}”，不能修改报告章节。")
    errors: dict = {}
    stage = choice(stage, "stage", "阶段", Stage.choices, errors)
    chapter = choice(chapter, "chapter", "章节", Chapter.choices, errors)
    body = text(text_content, "text_content", "章节内容", errors, required=False)
    raise_if(errors)
    declaration, _created = ChapterDeclaration.objects.update_or_create(
        project=project,
        stage=stage,
        chapter=chapter,
        defaults={"text": body, "updated_by": acting_user},
    )
    record_event(
        ActionCode.PROJECT_CHAPTER_DECLARED,
        actor=acting_user,
        obj=project,
        organisation=project.unit_id,
        reason=f"{Stage(stage).label}：{Chapter(chapter).label}",
        data={"stage": stage, "chapter": chapter, "length": len(body)},
    )
    return declaration


@action
def submit_project(project, *, acting_user) -> Project:
    """Submit the requirement to BDB for the project list (Art. 8; gates R8.1, R6.3, R7.1,
    R13.1, R20.1)."""
    project = _load_project(project, acting_user)
    _require_unit_staff(acting_user, project)
    _require_transition(project, "submit", acting_user)
    decision, ctx = _gate("projects.submit", project, acting_user)
    project.submitted_at = timezone.now()
    _move(
        project,
        S.SUBMITTED,
        ActionCode.PROJECT_SUBMITTED,
        actor=acting_user,
        reason="申报项目需求，报市大数据发展局审核（第八条）",
        decision=decision,
        ctx=ctx,
    )
    _open_review(project, ReviewKind.LIST, authority=Authority.BDB)
    return project


@action
def withdraw_project(project, *, acting_user, reason="") -> Project:
    """撤回: the submitter takes the project back before BDB has started its review."""
    project = _load_project(project, acting_user)
    _require_unit_staff(acting_user, project)
    _require_transition(project, "withdraw", acting_user)
    review = (
        Review.objects.select_for_update()
        .filter(project=project, kind=ReviewKind.LIST, state__in=["pending", "in_progress"])
        .first()
    )
    if review is not None and review.state != ReviewState.PENDING:
        raise ActionConflict("市大数据发展局已开始审核，不能撤回；如需修改，请联系审核人退回。")
    _supersede_open_reviews(project)
    _move(
        project,
        S.DRAFT,
        ActionCode.PROJECT_WITHDRAWN,
        actor=acting_user,
        reason=reason.strip() or "审核开始前撤回申报",
    )
    return project


@action
def resubmit_project(project, *, acting_user) -> Project:
    """Send a returned project back to the step that returned it, with a new round."""
    project = _load_project(project, acting_user)
    _require_unit_staff(acting_user, project)
    _require_transition(project, "resubmit", acting_user)
    target = lifecycle.RESUBMIT_TARGET.get(project.returned_from, S.SUBMITTED)
    code = "projects.design.submit" if target == S.DESIGN_REVIEW else "projects.resubmit"
    decision, ctx = _gate(code, project, acting_user, stage=_stage_of(target))
    returned_from = project.returned_from
    project.returned_from = ""
    _move(
        project,
        target,
        ActionCode.PROJECT_RESUBMITTED,
        actor=acting_user,
        reason=f"修改后重新报送至“{ProjectState(target).label}”",
        decision=decision,
        ctx=ctx,
        data={"returned_from": returned_from},
    )
    _open_reviews_for(project, target)
    return project


def _stage_of(state) -> str:
    return Stage.DESIGN if state in (S.DESIGN_REVIEW, S.DESIGN_DRC_REVIEW) else Stage.FSR


def _open_reviews_for(project, state) -> None:
    if state == S.SUBMITTED:
        _open_review(project, ReviewKind.LIST, authority=Authority.BDB)
    elif state == S.JOINT_REVIEW:
        _open_joint_review(project)
    elif state == S.DESIGN_REVIEW:
        _open_review(
            project, ReviewKind.DESIGN_CONTENT, authority=Authority.BDB, stage=Stage.DESIGN
        )


def _open_joint_review(project) -> None:
    rnd = latest_round(project, ReviewKind.JOINT, Stage.FSR) + 1
    for authority in JOINT_REVIEW_AUTHORITIES:
        review = Review.objects.create(
            project=project, kind=ReviewKind.JOINT, stage=Stage.FSR, round=rnd, authority=authority
        )
        notify(
            reviewers_of(authority),
            title=f"待办：{project.code}《{project.name}》联合技术审查（{JOINT_REVIEW_TOPIC[authority]}）",
            link=_project_link(project),
        )
        del review


# -- reviewers: 签收, 转办, 抄送, return, reject ---------------------------------------------


@action
def start_review(review, *, acting_user) -> Review:
    """签收: the reviewer takes the review; for BDB's list review the project leaves the
    submitter's hands (withdrawal is no longer possible)."""
    project, review = _load_review(review, acting_user)
    if review.state == ReviewState.IN_PROGRESS and _same_desk(review, acting_user):
        # Two colleagues signing at once: the second finds it taken (not "not yours").
        raise ActionConflict("该审核已被签收（可能已被同事签收，请刷新页面）。")
    _require_review_actor(acting_user, review)
    if review.state != ReviewState.PENDING:
        raise ActionConflict("该审核已被签收。")
    if review.kind == ReviewKind.LIST:
        _require_transition(project, "start_list_review", acting_user)
    review.state = ReviewState.IN_PROGRESS
    review.assignee = acting_user
    review.started_at = timezone.now()
    review.save()
    if review.kind == ReviewKind.LIST:
        _move(
            project,
            S.LIST_REVIEW,
            ActionCode.REVIEW_STARTED,
            actor=acting_user,
            reason="市大数据发展局签收，开始审核（第八条）",
        )
    else:
        record_event(
            ActionCode.REVIEW_STARTED,
            actor=acting_user,
            obj=review,
            organisation=project.unit_id,
            reason=f"签收{review.get_kind_display()}",
        )
    return review


def _same_desk(review, user) -> bool:
    """May ``user`` take over ``review``? Same authority's reviewers, or the same consultant."""
    if review.kind == ReviewKind.EVALUATION:
        return review.consultant_id in consultant_org_ids(user)
    role = AUTHORITY_REVIEWER_ROLE.get(review.authority)
    return review.authority in authorities_of(user) and user.has_role(role)


@action
def transfer_review(review, *, acting_user, to_user, note="") -> Review:
    """转办: hand a review to a colleague of the same authority (or consultant)."""
    project, review = _load_review(review, acting_user)
    _require_review_actor(acting_user, review)
    target = User.objects.filter(pk=pk_of(to_user), is_active=True).first()
    if target is None or target.pk == acting_user.pk or not _same_desk(review, target):
        raise ActionInvalid(
            "只能转办给本单位同一岗位的其他在岗人员。",
            {"to_user": "请选择本单位具有相同审核角色的同事。"},
        )
    previous = review.assignee
    review.assignee = target
    review.save()
    record_event(
        ActionCode.REVIEW_TRANSFERRED,
        actor=acting_user,
        obj=review,
        organisation=project.unit_id,
        reason=f"转办给{target.get_full_name() or target.username}" + (f"：{note}" if note else ""),
        data={"from": getattr(previous, "username", acting_user.username), "to": target.username},
    )
    notify(
        [target],
        title=f"转办：{project.code}《{project.name}》{review.get_kind_display()}",
        body=note,
        link=_project_link(project),
    )
    return review


@action
def copy_review(review, *, acting_user, recipients, note="") -> list[ReviewCopy]:
    """抄送: give others read-only sight of a review step (and its project)."""
    project, review = _load_review(review, acting_user)
    if not (may_act_on_review(acting_user, review) or acting_user.has_role(Role.DRC_OFFICER)):
        raise ActionForbidden("只有该环节的承办人可以抄送。")
    users = list(User.objects.filter(pk__in=[pk_of(r) for r in recipients], is_active=True))
    if not users:
        raise ActionInvalid("请选择抄送对象。", {"recipients": "请至少选择一位抄送对象。"})
    copies = []
    for user in users:
        copy, created = ReviewCopy.objects.get_or_create(
            review=review, recipient=user, defaults={"copied_by": acting_user, "note": note[:200]}
        )
        if created:
            copies.append(copy)
    record_event(
        ActionCode.REVIEW_COPIED,
        actor=acting_user,
        obj=review,
        organisation=project.unit_id,
        reason="抄送：" + "、".join(u.get_full_name() or u.username for u in users),
        data={"recipients": [u.username for u in users]},
    )
    notify(
        [c.recipient for c in copies],
        title=f"抄送：{project.code}《{project.name}》{review.get_kind_display()}",
        body=note,
        link=_project_link(project),
    )
    return copies


def _require_opinion(opinion, label="退回或不予通过的理由") -> str:
    errors: dict = {}
    value = text(opinion, "opinion", label, errors)
    raise_if(errors, f"请填写{label}。")
    return value


@action
def return_project(review, *, acting_user, opinion) -> Project:
    """退回修改 at any review: the unit revises and resubmits to the same step."""
    project, review = _load_review(review, acting_user)
    _require_review_actor(acting_user, review)
    _sign_list_review_implicitly(project, review)
    _require_transition(project, "return", acting_user)
    opinion = _require_opinion(opinion)
    return _return(project, review, acting_user, opinion)


def _sign_list_review_implicitly(project, review) -> None:
    """Deciding BDB's list review (list, return or reject) implies 签收."""
    if (
        review.kind == ReviewKind.LIST
        and project.state == S.SUBMITTED
        and review.state == ReviewState.PENDING
    ):
        project.state = S.LIST_REVIEW


def _return(project, review, user, opinion) -> Project:
    _close_review(review, ReviewState.RETURNED, user, opinion=opinion)
    _supersede_open_reviews(project, except_pk=review.pk)
    project.returned_from = project.state
    _move(
        project,
        S.RETURNED,
        ActionCode.PROJECT_RETURNED,
        actor=user,
        reason=f"{review.get_kind_display()}{('（' + review.topic + '）') if review.topic else ''}"
        f"退回：{opinion}",
        data={"review_id": review.pk, "returned_from": project.returned_from},
    )
    notify(
        unit_staff(project.unit_id),
        title=f"退回修改：{project.code}《{project.name}》",
        body=opinion,
        link=_project_link(project),
    )
    return project


@action
def reject_project(review, *, acting_user, opinion) -> Project:
    """不予通过: BDB does not list, or DRC does not approve. Final; reasons required."""
    project, review = _load_review(review, acting_user)
    _require_review_actor(acting_user, review)
    _sign_list_review_implicitly(project, review)
    _require_transition(project, "reject", acting_user)
    opinion = _require_opinion(opinion)
    return _reject(project, review, acting_user, opinion)


def _reject(project, review, user, opinion) -> Project:
    _close_review(review, ReviewState.REJECTED, user, opinion=opinion)
    _supersede_open_reviews(project, except_pk=review.pk)
    _move(
        project,
        S.REJECTED,
        ActionCode.PROJECT_REJECTED,
        actor=user,
        reason=f"{review.get_kind_display()}不予通过：{opinion}",
        data={"review_id": review.pk},
    )
    notify(
        unit_staff(project.unit_id),
        title=f"不予通过：{project.code}《{project.name}》",
        body=opinion,
        link=_project_link(project),
    )
    return project


# -- BDB list review and the published project list (Art. 8) -------------------------------


def _clean_criteria(criteria, errors) -> dict:
    clean = {}
    verdicts = dict(Verdict.choices)
    for key in ListCriterion.values:
        entry = (criteria or {}).get(key) or {}
        verdict = entry.get("verdict") or ""
        if verdict and verdict not in verdicts:
            errors[f"criteria.{key}"] = f"审核结论“{verdict}”无效。"
        clean[key] = {"verdict": verdict, "opinion": str(entry.get("opinion", "")).strip()}
    return clean


@action
def decide_list_review(
    review, *, acting_user, decision, criteria=None, priority=None, opinion=""
) -> Project:
    """BDB's necessity review (R8.2): an opinion per criterion, a priority and a decision —
    列入 (list), 退回 (return for revision) or 不予列入 (reject)."""
    project, review = _load_review(review, acting_user)
    _require_review_actor(acting_user, review)
    if review.kind != ReviewKind.LIST:
        raise ActionConflict("该环节不是项目清单审核。")
    _sign_list_review_implicitly(project, review)
    errors: dict = {}
    criteria = _clean_criteria(criteria, errors)
    decision = choice(decision, "decision", "审核决定", LIST_DECISIONS, errors)
    prio = None
    if priority not in (None, ""):
        try:
            prio = int(priority)
            if not 1 <= prio <= 9:
                raise ValueError
        except (TypeError, ValueError):
            errors["priority"] = "优先级应为 1—9 的整数，1 为最高。"
    raise_if(errors)
    review.criteria = criteria
    review.priority = prio
    if decision == "return":
        _require_transition(project, "return", acting_user)
        return _return(project, review, acting_user, _require_opinion(opinion))
    if decision == "reject":
        _require_transition(project, "reject", acting_user)
        return _reject(project, review, acting_user, _require_opinion(opinion))
    _require_transition(project, "list", acting_user)
    gate_decision, ctx = _gate(
        "projects.list", project, acting_user, criteria=criteria, priority=prio
    )
    _close_review(review, ReviewState.AGREED, acting_user, opinion=opinion.strip())
    project.priority = prio
    _move(
        project,
        S.LISTED,
        ActionCode.PROJECT_LISTED,
        actor=acting_user,
        reason=f"经审核列入项目清单，优先级 {prio}（第八条）",
        decision=gate_decision,
        ctx=ctx,
        data={"criteria": criteria, "priority": prio},
    )
    notify(
        unit_staff(project.unit_id),
        title=f"已列入项目清单：{project.code}《{project.name}》",
        link=_project_link(project),
    )
    return project


LIST_DECISIONS = (("list", "列入项目清单"), ("return", "退回修改"), ("reject", "不予列入"))


@action
def publish_project_list(*, acting_user, year, note="") -> ProjectListVersion:
    """Publish the year's project list as a new version: a snapshot of every listed project
    with its unit, amount and priority (Art. 8 ¶2). The previous version is superseded."""
    if not acting_user.has_role(Role.BDB_REVIEWER):
        raise ActionForbidden("只有市大数据发展局审核人可以发布项目清单。")
    errors: dict = {}
    list_year = valid_year(year, "year", "年度", errors)
    raise_if(errors)
    projects = [
        p
        for p in Project.objects.select_for_update(of=("self",))  # not the units' rows
        .filter(year=list_year)
        .select_related("unit")
        .order_by("priority", "code")
        if ever_listed(p)
    ]
    if not projects:
        raise ActionConflict(f"{list_year} 年尚无列入项目清单的项目，不能发布。")
    previous = (
        ProjectListVersion.objects.select_for_update()
        .filter(year=list_year, state=ProjectListState.PUBLISHED)
        .first()
    )
    number = (
        ProjectListVersion.objects.filter(year=list_year).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    if previous is not None:
        previous.state = ProjectListState.SUPERSEDED
        previous.save(update_fields=["state"])
    version = ProjectListVersion.objects.create(
        year=list_year, number=number, note=note.strip(), published_by=acting_user
    )
    ProjectListEntry.objects.bulk_create(
        [
            ProjectListEntry(
                version=version,
                project=p,
                unit_name=p.unit.name,
                project_name=p.name,
                kind=p.kind,
                amount=p.total_investment,
                priority=p.priority,
            )
            for p in projects
        ]
    )
    record_event(
        ActionCode.PROJECT_LIST_PUBLISHED,
        actor=acting_user,
        obj=version,
        to_state=ProjectListState.PUBLISHED,
        reason=f"发布{version}，共 {len(projects)} 个项目",
        data={
            "year": list_year,
            "number": number,
            "projects": [p.code for p in projects],
            "superseded": previous.number if previous else None,
        },
    )
    recipients = reviewers_of(Authority.DRC) + [
        u for unit_id in {p.unit_id for p in projects} for u in unit_staff(unit_id)
    ]
    notify(recipients, title=f"{version}已发布", link=reverse("projects:lists"))
    return version


# -- DRC acceptance and the consultant's evaluation (Art. 9) ---------------------------------


@action
def accept_project(project, *, acting_user, consultant, expert=None, note="") -> Project:
    """DRC accepts a listed project and commissions a third-party evaluator (R9.2). The approval
    path is fixed now by the threshold of the policy in force (R9.1)."""
    project = _load_project(project, acting_user)
    _require_transition(project, "accept", acting_user)
    org = Organisation.objects.filter(
        pk=pk_of(consultant), kind=OrgKind.CONSULTANT, is_active=True
    ).first()
    errors: dict = {}
    if consultant not in (None, "") and org is None:
        errors["consultant"] = "请选择在册的第三方咨询评估机构。"
    expert_user = None
    if expert not in (None, "") and org is not None:
        expert_user = User.objects.filter(pk=pk_of(expert), is_active=True).first()
        if expert_user is None or org.pk not in consultant_org_ids(expert_user):
            errors["expert"] = "评估专家须属于所选咨询评估机构。"
    raise_if(errors)
    policy = policy_in_force(project.unit)
    project.policy = policy
    decision, ctx = _gate(
        "projects.accept", project, acting_user, consultant=getattr(org, "name", None)
    )
    project.approval_path = approval_path_for(project.total_investment, policy)
    _move(
        project,
        S.EVALUATION,
        ActionCode.PROJECT_ACCEPTED,
        actor=acting_user,
        reason=f"受理，委托{org.name}评估；{project.get_approval_path_display()}"
        f"（总投资 {format_wan(project.total_investment)} 万元，"
        f"门槛 {format_wan(policy.p.approval_threshold)} 万元）",
        decision=decision,
        ctx=ctx,
        data={"consultant": org.name, "approval_path": project.approval_path, "note": note},
    )
    _open_review(
        project, ReviewKind.EVALUATION, consultant=org, assignee=expert_user, stage=Stage.FSR
    )
    notify(
        unit_staff(project.unit_id),
        title=f"市发展改革委已受理：{project.code}《{project.name}》",
        body=f"已委托{org.name}开展评估，审批路径：{project.get_approval_path_display()}。",
        link=_project_link(project),
    )
    return project


def _clean_chapter_opinions(opinions) -> dict:
    return {c: str((opinions or {}).get(c, "")).strip() for c in Chapter.values}


@action
def submit_evaluation_report(review, *, acting_user, chapter_opinions, opinion="") -> Project:
    """The consultant's evaluation report: a conclusion and an opinion on each of the five
    chapters (R14.2). Opens the joint technical review."""
    project, review = _load_review(review, acting_user)
    if review.kind != ReviewKind.EVALUATION:
        raise ActionConflict("该环节不是第三方评估。")
    _require_review_actor(acting_user, review)
    _require_transition(project, "report_evaluation", acting_user)
    opinions = _clean_chapter_opinions(chapter_opinions)
    from documents.services import has_document

    has_report = bool(opinion.strip()) or has_document(review, "evaluation_report")
    decision, ctx = _gate(
        "projects.evaluation.report",
        project,
        acting_user,
        chapter_opinions=opinions,
        has_report=has_report,
    )
    _close_review(
        review, ReviewState.AGREED, acting_user, opinion=opinion.strip(), chapter_opinions=opinions
    )
    _move(
        project,
        S.JOINT_REVIEW,
        ActionCode.EVALUATION_REPORTED,
        actor=acting_user,
        reason="提交项目评估报告，进入联合技术审查（第九条）",
        decision=decision,
        ctx=ctx,
        data={"chapter_opinions": opinions},
    )
    _open_joint_review(project)
    return project


# -- joint technical review (Art. 9) ---------------------------------------------------------


@action
def give_joint_opinion(review, *, acting_user, agree, opinion="") -> Project:
    """One authority's opinion in the joint review. Any one returns the project; when the last
    of the five agrees, the review is complete and goes to DRC for approval (R9.3)."""
    project, review = _load_review(review, acting_user)
    if review.kind != ReviewKind.JOINT:
        raise ActionConflict("该环节不是联合技术审查。")
    _require_review_actor(acting_user, review)
    if not _as_bool(agree):
        _require_transition(project, "return", acting_user)
        return _return(project, review, acting_user, _require_opinion(opinion))
    if project.state != S.JOINT_REVIEW:
        raise ActionConflict("项目不在联合技术审查阶段（可能已被他人处理）。")
    _close_review(review, ReviewState.AGREED, acting_user, opinion=opinion.strip())
    record_event(
        ActionCode.REVIEW_OPINION,
        actor=acting_user,
        obj=review,
        organisation=project.unit_id,
        to_state=ReviewState.AGREED,
        reason=f"联合技术审查（{review.topic}）同意" + (f"：{opinion.strip()}" if opinion else ""),
    )
    status = joint_review_status(project, Stage.FSR)
    if any(s != ReviewState.AGREED for s in status.values()):
        return project
    decision, ctx = _gate("projects.joint_review.complete", project, acting_user)
    _move(
        project,
        S.DRC_REVIEW,
        ActionCode.JOINT_REVIEW_COMPLETED,
        actor=acting_user,
        reason="网络安全、预算管理、政务数据资源、密码应用、保密五个主管部门均已同意（第九条）",
        decision=decision,
        ctx=ctx,
        data={"status": status},
    )
    _open_review(project, ReviewKind.DRC_APPROVAL, authority=Authority.DRC, stage=Stage.FSR)
    return project


# -- approvals (Art. 9, 4) -------------------------------------------------------------------


def _approval_transition(project) -> str:
    if project.state == S.DESIGN_DRC_REVIEW:
        return "approve_design"
    if project.approval_path == ApprovalPath.TWO:
        return "approve_fsr"
    return "approve_single"


@action
def approve_project(
    review,
    *,
    acting_user,
    chapter_opinions,
    document_number,
    approved_amount_wan=None,
    opinion="",
) -> Project:
    """DRC's approval (批复) with an opinion on each of the five chapters (R14.2). Below the
    threshold it approves FSR + budget in one stage; at or above it first the FSR, later the
    preliminary design + budget after BDB's content review (R9.1, R4.1)."""
    project, review = _load_review(review, acting_user)
    if review.kind != ReviewKind.DRC_APPROVAL:
        raise ActionConflict("该环节不是发展改革委审批。")
    _require_review_actor(acting_user, review)
    code = _approval_transition(project)
    t = _require_transition(project, code, acting_user)
    errors: dict = {}
    amount = amount_wan(
        approved_amount_wan if approved_amount_wan not in (None, "") else None,
        "approved_amount_wan",
        "核定总投资",
        errors,
        required=False,
    )
    raise_if(errors)
    amount = amount or project.total_investment
    opinions = _clean_chapter_opinions(chapter_opinions)
    decision, ctx = _gate(
        t.gate,
        project,
        acting_user,
        chapter_opinions=opinions,
        document_number=document_number,
        approved_amount=amount,
    )
    now = timezone.now()
    _close_review(
        review,
        ReviewState.AGREED,
        acting_user,
        opinion=opinion.strip(),
        chapter_opinions=opinions,
        document_number=document_number.strip(),
        approved_amount=amount,
    )
    if code == "approve_fsr":
        project.fsr_approved_at = now
        event, reason = (
            ActionCode.FSR_APPROVED,
            "批复可行性研究报告，请依据批复编制初步设计及概（预）算",
        )
    else:
        project.approved_at = now
        project.approved_total = amount
        event, reason = (
            ActionCode.PROJECT_APPROVED,
            f"{t.label}，核定总投资 {format_wan(amount)} 万元",
        )
    _move(
        project,
        t.target,
        event,
        actor=acting_user,
        reason=f"{reason}（{document_number.strip()}）",
        decision=decision,
        ctx=ctx,
        data={"document_number": document_number.strip(), "approved_amount": amount},
    )
    notify(
        unit_staff(project.unit_id),
        title=f"{t.label}：{project.code}《{project.name}》",
        body=f"批复文号：{document_number.strip()}",
        link=_project_link(project),
    )
    return project


@action
def submit_design(project, *, acting_user) -> Project:
    """Two-stage projects: after FSR approval the unit submits the preliminary design and
    budget, which BDB reviews for content before DRC approves (Art. 9, R4.1)."""
    project = _load_project(project, acting_user)
    _require_unit_staff(acting_user, project)
    _require_transition(project, "submit_design", acting_user)
    decision, ctx = _gate("projects.design.submit", project, acting_user, stage=Stage.DESIGN)
    _move(
        project,
        S.DESIGN_REVIEW,
        ActionCode.DESIGN_SUBMITTED,
        actor=acting_user,
        reason="报送初步设计及概（预）算，请市大数据发展局审核内容（第四条、第九条）",
        decision=decision,
        ctx=ctx,
    )
    _open_review(project, ReviewKind.DESIGN_CONTENT, authority=Authority.BDB, stage=Stage.DESIGN)
    return project


@action
def review_design_content(review, *, acting_user, agree, opinion="") -> Project:
    """BDB's content review of the preliminary design (R4.1): agree → DRC approves; or return."""
    project, review = _load_review(review, acting_user)
    if review.kind != ReviewKind.DESIGN_CONTENT:
        raise ActionConflict("该环节不是初步设计内容审核。")
    _require_review_actor(acting_user, review)
    if not _as_bool(agree):
        _require_transition(project, "return", acting_user)
        return _return(project, review, acting_user, _require_opinion(opinion))
    _require_transition(project, "review_design_content", acting_user)
    decision, ctx = _gate("projects.design.content", project, acting_user, stage=Stage.DESIGN)
    _close_review(review, ReviewState.AGREED, acting_user, opinion=opinion.strip())
    _move(
        project,
        S.DESIGN_DRC_REVIEW,
        ActionCode.DESIGN_CONTENT_REVIEWED,
        actor=acting_user,
        reason="市大数据发展局审核初步设计内容同意（第四条）",
        decision=decision,
        ctx=ctx,
    )
    _open_review(project, ReviewKind.DRC_APPROVAL, authority=Authority.DRC, stage=Stage.DESIGN)
    return project


# -- classified stubs (Art. 8 ¶3) ------------------------------------------------------------


@action
def record_classified_stub(*, acting_user, unit, year, amount_wan, code="") -> ClassifiedStub:
    """An authorised DRC officer records a non-classified stub of an offline classified project
    (code, unit, amount) so that totals stay complete (R8.3). No other field exists."""
    if not acting_user.has_role(Role.DRC_OFFICER):
        raise ActionForbidden("只有市发展改革委授权经办人可以登记涉密项目存根。")
    errors: dict = {}
    org = Organisation.objects.filter(pk=pk_of(unit), kind=OrgKind.UNIT).first()
    if org is None:
        errors["unit"] = "请选择建设单位。"
    stub_year = valid_year(year, "year", "年度", errors)
    amount = _amount_wan(amount_wan, "amount_wan", "金额", errors)
    code = (code or "").strip()
    if code and ClassifiedStub.objects.filter(code=code).exists():
        errors["code"] = "存根编号已存在。"
    raise_if(errors)
    if not code:
        # Next free number: a hand-entered code may already hold the count's number.
        seq = ClassifiedStub.objects.filter(year=stub_year).count() + 1
        while ClassifiedStub.objects.filter(code=f"SM-{stub_year}-{seq:04d}").exists():
            seq += 1
        code = f"SM-{stub_year}-{seq:04d}"
    stub = ClassifiedStub.objects.create(
        code=code, unit=org, year=stub_year, amount=amount, recorded_by=acting_user
    )
    record_event(
        ActionCode.CLASSIFIED_STUB_RECORDED,
        actor=acting_user,
        obj=stub,
        organisation=org.pk,
        reason=f"登记涉密项目存根，金额 {format_wan(amount)} 万元（第八条，内容线下办理）",
        data={"year": stub_year, "amount": amount},
    )
    return stub


# -- the 渝快办 online channel (Art. 8) ------------------------------------------------------


@action
def receive_external_requirement(*, acting_user, external_ref, unit, **fields):
    """A requirement from the 渝快办 platform. Idempotent on ``external_ref``: the same
    reference twice returns the first project. Returns (project, created)."""
    ref = (external_ref or "").strip()
    if not ref or len(ref) > 64:
        raise ActionInvalid("外部渠道编号无效。", {"external_ref": "请提供 1—64 位外部渠道编号。"})
    existing = _existing_intake(ref, unit, acting_user)
    if existing is not None:
        return existing, False
    is_classified = fields.pop("is_classified", False)
    try:
        # A savepoint: when the same reference arrives twice at the same moment, the second
        # insert hits the unique constraint and returns the first one instead.
        with transaction.atomic():
            project = _create_project(
                acting_user,
                unit,
                is_classified,
                fields,
                channel=Channel.YUKUAIBAN,
                external_ref=ref,
            )
    except IntegrityError:
        existing = _existing_intake(ref, unit, acting_user)
        if existing is None:
            raise
        return existing, False
    record_event(
        ActionCode.EXTERNAL_REQUIREMENT_RECEIVED,
        actor=acting_user,
        obj=project,
        organisation=project.unit_id,
        reason=f"接收渝快办需求 {ref}",
        data={"external_ref": ref},
    )
    return project, True


def _existing_intake(ref, unit, user):
    existing = Project.objects.filter(external_ref=ref).first()
    if existing is not None and (
        existing.unit_id != _as_int(unit) or not is_unit_staff(user, existing.unit_id)
    ):
        raise ActionConflict("该外部渠道编号已被使用，请核对后重新提交。")
    return existing


# -- cross-department frameworks (Art. 13) ---------------------------------------------------


def _load_framework(framework, user) -> Framework:
    """Check visibility, then lock the row by its key: the scoped queryset uses DISTINCT, which
    PostgreSQL refuses to combine with FOR UPDATE."""
    try:
        pk = pk_of(framework)
        if not for_user(Framework, user).filter(pk=pk).exists():
            raise Framework.DoesNotExist
        return Framework.objects.select_for_update().get(pk=pk)
    except (Framework.DoesNotExist, ValueError, TypeError) as exc:
        raise ActionForbidden(NOT_FOUND) from exc


def _require_lead(user, framework) -> None:
    if framework.lead_unit_id not in unit_ids_of(user):
        raise ActionForbidden("只有牵头单位可以编辑框架方案。")
    if framework.state not in (FrameworkState.DRAFT, FrameworkState.RETURNED):
        raise ActionConflict(f"框架方案当前为“{framework.get_state_display()}”，不能修改。")


FRAMEWORK_TEXT = {
    "goals": "建设目标",
    "main_content": "主要建设内容",
    "data_catalog": "初步数据资源目录",
}


@action
def create_framework(*, acting_user, lead_unit, title, **fields) -> Framework:
    """The lead unit drafts the framework plan of a cross-department project (R13.1)."""
    lead_unit = _as_int(lead_unit)
    if lead_unit not in unit_ids_of(acting_user):
        raise ActionForbidden("只有牵头单位的人员可以新建框架方案。")
    errors: dict = {}
    title = text(title, "title", "跨部门项目名称", errors, max_length=200)
    clean = {
        k: text(fields.get(k), k, label, errors, required=False)
        for k, label in FRAMEWORK_TEXT.items()
    }
    raise_if(errors)
    framework = Framework.objects.create(
        title=title, lead_unit_id=pk_of(lead_unit), created_by=acting_user, **clean
    )
    FrameworkParticipant.objects.create(framework=framework, unit_id=pk_of(lead_unit))
    record_event(
        ActionCode.FRAMEWORK_CREATED,
        actor=acting_user,
        obj=framework,
        organisation=framework.lead_unit_id,
        to_state=framework.state,
        reason="新建跨部门项目框架方案（第十三条）",
    )
    return framework


@action
def update_framework(framework, *, acting_user, **fields) -> Framework:
    framework = _load_framework(framework, acting_user)
    _require_lead(acting_user, framework)
    errors: dict = {}
    for key, label in FRAMEWORK_TEXT.items():
        if key in fields:
            setattr(framework, key, text(fields[key], key, label, errors, required=False))
    if "title" in fields:
        framework.title = text(fields["title"], "title", "跨部门项目名称", errors, max_length=200)
    raise_if(errors)
    framework.save()
    record_event(
        ActionCode.FRAMEWORK_UPDATED,
        actor=acting_user,
        obj=framework,
        organisation=framework.lead_unit_id,
        reason="修改框架方案：" + "、".join(sorted(fields)),
    )
    return framework


def _content_items(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", "\n").replace(",", "\n").splitlines()
    return [str(v).strip() for v in value or [] if str(v).strip()]


@action
def set_framework_participant(
    framework, *, acting_user, unit, business_flow="", data_flow="", interfaces="", content_items=()
) -> FrameworkParticipant:
    """Add or update a participating unit with its business flow, data flow, interfaces and
    the content items it undertakes."""
    framework = _load_framework(framework, acting_user)
    _require_lead(acting_user, framework)
    org = Organisation.objects.filter(pk=pk_of(unit), kind=OrgKind.UNIT).first()
    if org is None:
        raise ActionInvalid("请选择参与单位。", {"unit": "请选择项目建设单位。"})
    participant, _created = FrameworkParticipant.objects.update_or_create(
        framework=framework,
        unit=org,
        defaults={
            "business_flow": (business_flow or "").strip(),
            "data_flow": (data_flow or "").strip(),
            "interfaces": (interfaces or "").strip(),
            "content_items": _content_items(content_items),
        },
    )
    record_event(
        ActionCode.FRAMEWORK_UPDATED,
        actor=acting_user,
        obj=framework,
        organisation=framework.lead_unit_id,
        reason=f"登记参与单位{org.display_name}的分工",
        data={"unit": org.name, "content_items": participant.content_items},
    )
    return participant


@action
def add_framework_district(
    framework, *, acting_user, district, linked_project, note=""
) -> FrameworkDistrict:
    """Record a district that cooperates and its linked project (R13.2)."""
    framework = _load_framework(framework, acting_user)
    _require_lead(acting_user, framework)
    errors: dict = {}
    org = Organisation.objects.filter(pk=pk_of(district), kind=OrgKind.DISTRICT).first()
    if org is None:
        errors["district"] = "请选择区县。"
    elif framework.districts.filter(district=org).exists():
        errors["district"] = f"{org.display_name}已登记，请勿重复添加。"
    linked = text(linked_project, "linked_project", "区县配套项目", errors, max_length=200)
    raise_if(errors)
    link = FrameworkDistrict.objects.create(
        framework=framework, district=org, linked_project=linked, note=(note or "").strip()
    )
    record_event(
        ActionCode.FRAMEWORK_UPDATED,
        actor=acting_user,
        obj=framework,
        organisation=framework.lead_unit_id,
        reason=f"登记区县{org.display_name}配套项目“{linked}”（第十三条）",
    )
    return link


def _framework_gate(code, framework, user):
    ctx = GateContext(
        subject=framework,
        policy=policy_in_force(framework.lead_unit),
        actor=user,
        facts={"framework_id": framework.pk, "framework": framework.title},
    )
    return enforce(evaluate_gate(code, ctx, organisation=framework.lead_unit)), ctx


@action
def submit_framework(framework, *, acting_user) -> Framework:
    framework = _load_framework(framework, acting_user)
    _require_lead(acting_user, framework)
    decision, ctx = _framework_gate("projects.framework.submit", framework, acting_user)
    source = framework.state
    framework.state = FrameworkState.SUBMITTED
    framework.save()
    record_event(
        ActionCode.FRAMEWORK_SUBMITTED,
        actor=acting_user,
        obj=framework,
        organisation=framework.lead_unit_id,
        from_state=source,
        to_state=framework.state,
        reason="框架方案报市大数据发展局审核（第十三条）",
        policy_version=ctx.policy.code,
        decision_id=decision.pk,
    )
    notify(
        reviewers_of(Authority.BDB),
        title=f"待办：跨部门项目框架方案《{framework.title}》审核",
        link=reverse("projects:framework_detail", args=[framework.pk]),
    )
    return framework


@action
def review_framework(framework, *, acting_user, agree, opinion) -> Framework:
    """BDB's review opinion on a framework plan: required by every participant's project."""
    if not acting_user.has_role(Role.BDB_REVIEWER):
        raise ActionForbidden("只有市大数据发展局审核人可以审核框架方案。")
    framework = _load_framework(framework, acting_user)
    if framework.state != FrameworkState.SUBMITTED:
        raise ActionConflict(f"框架方案当前为“{framework.get_state_display()}”，不能审核。")
    opinion = _require_opinion(opinion, "审核意见")
    decision = None
    ctx = None
    if _as_bool(agree):
        decision, ctx = _framework_gate("projects.framework.review", framework, acting_user)
    source = framework.state
    framework.state = FrameworkState.REVIEWED if _as_bool(agree) else FrameworkState.RETURNED
    framework.bdb_opinion = opinion
    framework.reviewed_by = acting_user
    framework.reviewed_at = timezone.now()
    framework.save()
    record_event(
        ActionCode.FRAMEWORK_REVIEWED,
        actor=acting_user,
        obj=framework,
        organisation=framework.lead_unit_id,
        from_state=source,
        to_state=framework.state,
        reason=f"大数据局审核意见：{opinion}",
        policy_version=getattr(getattr(ctx, "policy", None), "code", ""),
        decision_id=getattr(decision, "pk", None),
    )
    units = {framework.lead_unit_id} | set(framework.participants.values_list("unit_id", flat=True))
    notify(
        [u for unit_id in units for u in unit_staff(unit_id)],
        title=f"框架方案《{framework.title}》：{framework.get_state_display()}",
        body=opinion,
        link=reverse("projects:framework_detail", args=[framework.pk]),
    )
    return framework
