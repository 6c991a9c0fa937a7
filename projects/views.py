"""Pages of the project lifecycle (Art. 8, 9, 4, 12-14, 19, 20).

Views only load (through scoping), preview gates and call the functions of ``actions.py``;
missing and forbidden objects answer 404. The project page offers each user exactly the
actions they may take now, each with the findings of its gate beside the button; a form that
fails comes back with the typed data and the errors in place, a success redirects back with a
message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organisation, User
from accounts.roles import OrgKind, Role
from accounts.scoping import for_user, get_visible_or_404, units_user_may_act_for
from core.dates import today
from core.errors import ActionBlocked, ActionError, ActionForbidden
from core.listing import paginate_sorted
from core.models import LedgerEvent
from core.money import YUAN_PER_WAN
from core.pageactions import any_blocks as _blocks
from core.pageactions import run_action
from documents.models import DocType
from documents.panel import documents_panel_context
from planning.services import current_filed_revision
from policy.engine import preview_findings as _preview
from policy.models import Decision

from . import actions, lifecycle
from .forms import (
    AcceptForm,
    AgreeForm,
    ApproveForm,
    ChapterForm,
    CopyForm,
    EvaluationForm,
    ListReviewForm,
    ProjectForm,
    ReasonForm,
    TransferForm,
    WithdrawForm,
)
from .models import (
    AUTHORITY_REVIEWER_ROLE,
    JOINT_REVIEW_AUTHORITIES,
    JOINT_REVIEW_TOPIC,
    ApprovalPath,
    Chapter,
    ChapterDeclaration,
    Framework,
    ListCriterion,
    Project,
    ProjectKind,
    ProjectState,
    Review,
    ReviewKind,
    ReviewState,
    Stage,
    Verdict,
)
from .services import joint_review_status, project_context
from .visibility import is_unit_staff, may_act_on_review, unit_ids_of


def _keep_on_form(request, findings, form):
    """A blocked form keeps its findings to show them beside its button."""
    if form is not None:
        form.blocked_findings = findings


_run = partial(run_action, on_findings=_keep_on_form)


S = ProjectState


# -- helpers (the same shape as planning/views.py) -------------------------------------------


def _wan_text(yuan) -> str:
    """Yuan -> the 万元 amount as a user would type it (800, 812.5)."""
    if yuan is None:
        return ""
    return format((Decimal(yuan) / YUAN_PER_WAN).normalize(), "f")


# Facts a review form supplies itself: the preview fills them in as if the form were complete,
# so that the findings beside a form are those of the project (what the reviewer cannot fix
# by typing); the rules on the typed opinions run again when the form is posted.
FULL_CHAPTER_OPINIONS = {c: "…" for c in Chapter.values}
FULL_CRITERIA = {c: {"verdict": Verdict.PASS, "opinion": "…"} for c in ListCriterion.values}


# -- project list ----------------------------------------------------------------------------


def _creatable_units(user):
    """Units the user may create a project for: their own unit memberships (Art. 8)."""
    return units_user_may_act_for(user).filter(pk__in=unit_ids_of(user)).order_by("name")


LIST_FILTERS = {
    "state": ProjectState.values,
    "kind": ProjectKind.values,
    "path": ApprovalPath.values,
}


@login_required
def project_list(request):
    user = request.user
    visible = for_user(Project, user)
    qs = visible.select_related("unit")
    get = request.GET
    filters = {}
    if get.get("state") in ProjectState.values:
        filters["state"] = get["state"]
        qs = qs.filter(state=get["state"])
    if get.get("kind") in ProjectKind.values:
        filters["kind"] = get["kind"]
        qs = qs.filter(kind=get["kind"])
    if get.get("path") in ApprovalPath.values:
        filters["path"] = get["path"]
        qs = qs.filter(approval_path=get["path"])
    if get.get("year", "").isdigit():
        filters["year"] = get["year"]
        qs = qs.filter(year=int(get["year"]))
    if get.get("unit", "").isdigit():
        filters["unit"] = get["unit"]
        qs = qs.filter(unit_id=int(get["unit"]))
    _page, ctx = paginate_sorted(
        request,
        qs,
        sortable={
            "code": "code",
            "name": "name",
            "unit": "unit__name",
            "amount": "total_investment",
            "year": "year",
            "state": "state",
            "updated": "updated_at",
        },
        default_sort="-updated",
        search_fields=("code", "name", "unit__name", "unit__short_name"),
    )
    ctx.update(
        filters=filters,
        states=ProjectState.choices,
        kinds=ProjectKind.choices,
        paths=ApprovalPath.choices,
        years=sorted(set(visible.order_by().values_list("year", flat=True)), reverse=True),
        units=for_user(Organisation, user)
        .filter(pk__in=visible.order_by().values("unit_id"))
        .order_by("name"),
        can_create=_creatable_units(user).exists(),
    )
    return render(request, "projects/list.html", ctx)


# -- create / edit ---------------------------------------------------------------------------


def _form_choices(user, units, project=None) -> dict:
    """The unit-dependent selects: items of each unit's current filed master plan, the unit's
    own projects (predecessors) and the cross-department frameworks it takes part in."""
    units = list(units)
    many = len(units) > 1
    plan_items = []
    for unit in units:
        revision = current_filed_revision(unit)
        if revision is None:
            continue
        for item in revision.items.order_by("seq"):
            label = f"{item.name}（{item.get_kind_display()}，{item.planned_year}年）"
            plan_items.append((item.pk, f"{unit.display_name} · {label}" if many else label))
    if (
        project is not None
        and project.plan_item_id
        and project.plan_item_id not in {pk for pk, _label in plan_items}
    ):
        plan_items.append((project.plan_item_id, f"{project.plan_item.name}（原报备版本）"))
    unit_pks = [u.pk for u in units]
    own = for_user(Project, user).filter(unit_id__in=unit_pks).order_by("-year", "code")
    if project is not None:
        own = own.exclude(pk=project.pk)
    frameworks = (
        for_user(Framework, user)
        .filter(Q(lead_unit_id__in=unit_pks) | Q(participants__unit_id__in=unit_pks))
        .distinct()
        .order_by("title")
    )
    return {
        "plan_items": plan_items,
        "predecessors": [(p.pk, f"{p.code} {p.name}") for p in own],
        "frameworks": [(f.pk, f"{f.title}（{f.get_state_display()}）") for f in frameworks],
    }


def _classified_refusal(request, user, unit, project=None):
    """The 涉密项目 box is ticked: let the action refuse it (R8.3) and return its findings."""
    try:
        if project is None:
            actions.create_project(acting_user=user, unit=unit.pk, is_classified=True)
        else:
            actions.update_project(project.pk, acting_user=user, is_classified=True)
    except ActionForbidden as exc:
        raise Http404 from exc
    except ActionBlocked as exc:
        messages.error(request, exc.message)
        return exc.findings
    except ActionError as exc:
        messages.error(request, exc.message)
    return []


@login_required
def project_create(request):
    user = request.user
    units = _creatable_units(user)
    if not units.exists():
        raise Http404
    unit_list = list(units)
    initial = {
        "year": today().year + 1,
        "kind": ProjectKind.NEW,
        "funding_source": "fiscal",
        "hosting": "cq_cloud",
        "share_type": "conditional",
        "share_recipient_kind": "all_gov",
    }
    if len(unit_list) > 1:
        initial["unit"] = unit_list[0].pk
    form = ProjectForm(
        request.POST or None,
        initial=initial,
        units=units if len(unit_list) > 1 else None,
        **_form_choices(user, unit_list),
    )
    findings = []
    if request.method == "POST":
        chosen = unit_list[0]
        if len(unit_list) > 1:
            chosen = next(
                (u for u in unit_list if str(u.pk) == request.POST.get("unit")), unit_list[0]
            )
        if request.POST.get("is_classified"):
            findings = _classified_refusal(request, user, chosen)
        elif form.is_valid():
            unit = form.cleaned_data.get("unit") or chosen
            data = form.action_fields()
            project, ok = _run(
                request,
                lambda: actions.create_project(acting_user=user, unit=unit.pk, **data),
                form=form,
                success=_("已新建项目需求草稿，请完善报告章节和材料后申报。"),
            )
            if ok:
                return redirect("projects:detail", pk=project.pk)
        else:
            messages.error(request, _("填写内容有误，请按提示修改。"))
    return render(
        request, "projects/form.html", {"form": form, "project": None, "findings": findings}
    )


def _editable_project(request, pk) -> Project:
    project = get_visible_or_404(
        Project.objects.select_related("unit", "plan_item"), request.user, pk=pk
    )
    if not is_unit_staff(request.user, project.unit_id):
        raise Http404
    return project


PROJECT_FIELDS = (
    "name",
    "kind",
    "year",
    "funding_source",
    "requirement",
    "basis",
    "integration_plan",
    "sharing_plan",
    "new_civil_works",
    "energy_intensive",
    "hosting",
    "hosting_justification",
    "secure_reliable_statement",
    "share_type",
    "share_recipient_kind",
    "share_recipients",
    "share_conditions",
    "crypto_status",
)


@login_required
def project_edit(request, pk):
    user = request.user
    project = _editable_project(request, pk)
    if not project.is_editable:
        messages.error(
            request,
            _("项目当前状态为“%(state)s”，只有草稿或被退回的项目可以修改。")
            % {"state": project.get_state_display()},
        )
        return redirect("projects:detail", pk=project.pk)
    initial = {f: getattr(project, f) for f in PROJECT_FIELDS}
    initial.update(
        total_investment_wan=_wan_text(project.total_investment),
        plan_item=project.plan_item_id or "",
        predecessor=project.predecessor_id or "",
        framework=project.framework_id or "",
        mlps_level=str(project.mlps_level or ""),
    )
    form = ProjectForm(
        request.POST or None, initial=initial, **_form_choices(user, [project.unit], project)
    )
    findings = []
    if request.method == "POST":
        if request.POST.get("is_classified"):
            findings = _classified_refusal(request, user, project.unit, project)
        elif form.is_valid():
            data = form.action_fields()
            _result, ok = _run(
                request,
                lambda: actions.update_project(project.pk, acting_user=user, **data),
                form=form,
                success=_("已保存修改。"),
            )
            if ok:
                return redirect("projects:detail", pk=project.pk)
        else:
            messages.error(request, _("填写内容有误，请按提示修改。"))
    return render(
        request, "projects/form.html", {"form": form, "project": project, "findings": findings}
    )


# -- the project page ------------------------------------------------------------------------


@dataclass
class Act:
    """One action the user may take now: a button or a form, and its gate's findings."""

    key: str
    label: str
    url: str
    findings: list | None = None  # None: no gate is evaluated before this action
    form: object = None
    hint: str = ""
    style: str = "primary"
    testid: str = ""

    @property
    def blocked(self) -> bool:
        return _blocks(self.findings or [])

    @property
    def gated(self) -> bool:
        return self.findings is not None


def _url(name, *args) -> str:
    return reverse(name, args=args)


def _editable_stage(project) -> str:
    """The stage whose chapters the unit writes now: the design once the FSR is approved
    (also when the design review returned the project), otherwise the FSR."""
    return Stage.DESIGN if project.fsr_approved_at else Stage.FSR


def _chapters(project, user, bound) -> list[dict]:
    stages = [Stage.FSR]
    if project.approval_path == ApprovalPath.TWO and project.fsr_approved_at:
        stages.append(Stage.DESIGN)
    rows = {
        (c.stage, c.chapter): c
        for c in ChapterDeclaration.objects.filter(project=project).select_related("updated_by")
    }
    editable = project.can_edit_chapters(user)
    edit_stage = _editable_stage(project)
    result = []
    for stage in stages:
        chapters = []
        for key, label in Chapter.choices:
            declared = rows.get((stage, key))
            form = None
            if editable and stage == edit_stage:
                prefix = f"ch-{stage}-{key}"
                form = bound.get(prefix) or ChapterForm(
                    prefix=prefix, initial={"text_content": declared.text if declared else ""}
                )
            chapters.append({"key": key, "label": label, "declared": declared, "form": form})
        result.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "chapters": chapters,
                "missing": [
                    c["label"]
                    for c in chapters
                    if not (c["declared"] and c["declared"].text.strip())
                ],
            }
        )
    return result


def _unit_acts(project, user, bound) -> list[Act]:
    if not is_unit_staff(user, project.unit_id):
        return []
    acts = []
    state = project.state
    ctx = lambda **facts: lambda: project_context(project, user, **facts)  # noqa: E731
    if lifecycle.can_take(user, "submit", state):
        acts.append(
            Act(
                "submit",
                _("申报"),
                _url("projects:action", project.pk, "submit"),
                _preview("projects.submit", ctx()),
                hint=_("报市大数据发展局审核，列入项目清单（第八条）。"),
                testid="submit-button",
            )
        )
    if lifecycle.can_take(user, "withdraw", state):
        acts.append(
            Act(
                "withdraw",
                _("撤回"),
                _url("projects:action", project.pk, "withdraw"),
                form=bound.get("withdraw") or WithdrawForm(prefix="withdraw"),
                hint=_("市大数据发展局签收前可以撤回，修改后重新申报。"),
                style="outline-secondary",
                testid="withdraw-button",
            )
        )
    if lifecycle.can_take(user, "resubmit", state):
        target = lifecycle.RESUBMIT_TARGET.get(project.returned_from, S.SUBMITTED)
        design = target == S.DESIGN_REVIEW
        code = "projects.design.submit" if design else "projects.resubmit"
        acts.append(
            Act(
                "resubmit",
                _("修改后重新报送"),
                _url("projects:action", project.pk, "resubmit"),
                _preview(code, ctx(stage=Stage.DESIGN if design else Stage.FSR)),
                hint=_("重新报送至“%(step)s”。") % {"step": ProjectState(target).label},
                testid="resubmit-button",
            )
        )
    if lifecycle.can_take(user, "submit_design", state):
        acts.append(
            Act(
                "submit_design",
                _("报送初步设计及概（预）算"),
                _url("projects:action", project.pk, "submit_design"),
                _preview("projects.design.submit", ctx(stage=Stage.DESIGN)),
                hint=_(
                    "依据可研批复编制，报市大数据发展局审核内容后由市发展改革委批复（第九条、第四条）。"
                ),
                testid="submit-design-button",
            )
        )
    return acts


def _consultants():
    return Organisation.objects.filter(kind=OrgKind.CONSULTANT, is_active=True).order_by("name")


def _experts():
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.CONSULTANT,
            memberships__organisation__kind=OrgKind.CONSULTANT,
        )
        .distinct()
        .order_by("username")
    )


def _accept_form(data=None):
    return AcceptForm(data, prefix="accept", consultants=_consultants(), experts=_experts())


def _drc_acts(project, user, bound) -> list[Act]:
    if not lifecycle.can_take(user, "accept", project.state):
        return []
    findings = _preview(
        "projects.accept",
        lambda: project_context(project, user, consultant="（受理时选择）"),
    )
    return [
        Act(
            "accept",
            _("受理并委托第三方评估"),
            _url("projects:action", project.pk, "accept"),
            findings,
            form=bound.get("accept") or _accept_form(),
            hint=_("受理已纳入项目清单的项目，按政策门槛确定审批阶段（第九条）。"),
            testid="accept-button",
        )
    ]


def _colleagues(review, user):
    """Who the review may be transferred to: the same authority's reviewers, or the experts
    of the same consultant organisation."""
    if review.kind == ReviewKind.EVALUATION:
        pks = [u.pk for u in actions.experts_of(review.consultant_id)]
    elif review.authority in AUTHORITY_REVIEWER_ROLE:
        pks = [u.pk for u in actions.reviewers_of(review.authority)]
    else:
        pks = []
    return for_user(User, user).filter(pk__in=pks).exclude(pk=user.pk).order_by("username")


def _copy_users(user):
    """抄送 may go to anyone on the platform (e.g. 市公安局): active users with an active
    membership, labelled with their organisations."""
    return (
        User.objects.filter(is_active=True, memberships__is_active=True)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("username")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_active=True).select_related("organisation"),
            )
        )
    )


def _approval_gate(project) -> str:
    if project.state == S.DESIGN_DRC_REVIEW:
        return "projects.approve_design"
    if project.approval_path == ApprovalPath.TWO:
        return "projects.approve_fsr"
    return "projects.approve"


REVIEW_DOC_TYPES = {
    ReviewKind.EVALUATION: [DocType.EVALUATION_REPORT, DocType.OPINION_ATTACHMENT, DocType.OTHER],
    ReviewKind.DRC_APPROVAL: [DocType.APPROVAL_DOCUMENT, DocType.OPINION_ATTACHMENT, DocType.OTHER],
}


def _review_form(review, verb, bound, factory):
    prefix = f"r{review.pk}-{verb}"
    return bound.get(prefix) or factory(prefix)


def _review_acts(project, review, user, bound) -> list[Act]:
    """The forms of one open review for the person who may act on it."""
    state = project.state
    acts: list[Act] = []

    def url(verb):
        return _url("projects:review_action", review.pk, verb)

    def ctx(**facts):
        return lambda: project_context(project, user, **facts)

    if review.state == ReviewState.PENDING and review.kind != ReviewKind.LIST:
        acts.append(
            Act("start", _("签收"), url("start"), hint=_("签收后由您办理。"), testid="start-button")
        )
    if review.kind == ReviewKind.LIST and state in (S.SUBMITTED, S.LIST_REVIEW):
        if review.state == ReviewState.PENDING:
            acts.append(
                Act(
                    "start",
                    _("签收"),
                    url("start"),
                    hint=_("签收后项目建设单位不能再撤回。"),
                    testid="start-button",
                )
            )
        acts.append(
            Act(
                "list",
                _("提交审核结论"),
                url("list"),
                _preview("projects.list", ctx(criteria=FULL_CRITERIA, priority=1)),
                form=_review_form(review, "list", bound, lambda p: ListReviewForm(prefix=p)),
                hint=_("逐项出具审核意见并确定优先级（第八条）。"),
                testid="list-button",
            )
        )
    if review.kind == ReviewKind.EVALUATION and lifecycle.can_take(
        user, "report_evaluation", state
    ):
        acts.append(
            Act(
                "evaluate",
                _("提交评估报告"),
                url("evaluate"),
                _preview(
                    "projects.evaluation.report",
                    ctx(chapter_opinions=FULL_CHAPTER_OPINIONS, has_report=True),
                ),
                form=_review_form(review, "evaluate", bound, lambda p: EvaluationForm(prefix=p)),
                hint=_("对五个章节逐一出具评估意见（第十四条），可在下方上传评估报告。"),
                testid="evaluate-button",
            )
        )
    if review.kind == ReviewKind.JOINT and state == S.JOINT_REVIEW:
        acts.append(
            Act(
                "joint",
                _("提交审查意见"),
                url("joint"),
                form=_review_form(review, "joint", bound, lambda p: AgreeForm(prefix=p)),
                hint=_("%(topic)s主管部门意见；五个主管部门均同意后报市发展改革委批复（第九条）。")
                % {"topic": review.topic},
                testid="joint-button",
            )
        )
    if review.kind == ReviewKind.DRC_APPROVAL and state in (S.DRC_REVIEW, S.DESIGN_DRC_REVIEW):
        code = _approval_gate(project)
        acts.append(
            Act(
                "approve",
                lifecycle.transition(
                    {
                        "projects.approve": "approve_single",
                        "projects.approve_fsr": "approve_fsr",
                        "projects.approve_design": "approve_design",
                    }[code]
                ).label,
                url("approve"),
                _preview(
                    code,
                    ctx(
                        chapter_opinions=FULL_CHAPTER_OPINIONS,
                        document_number="…",
                        approved_amount=project.total_investment,
                    ),
                ),
                form=_review_form(review, "approve", bound, lambda p: ApproveForm(prefix=p)),
                hint=_("对五个章节逐一出具意见并填写批复文号（第九条、第十四条）。"),
                testid="approve-button",
            )
        )
    if review.kind == ReviewKind.DESIGN_CONTENT and state == S.DESIGN_REVIEW:
        acts.append(
            Act(
                "design",
                _("提交内容审核意见"),
                url("design"),
                _preview("projects.design.content", ctx(stage=Stage.DESIGN)),
                form=_review_form(review, "design", bound, lambda p: AgreeForm(prefix=p)),
                hint=_("初步设计方案内容须经市大数据发展局审核同意后再报批（第四条）。"),
                testid="design-button",
            )
        )
    if review.kind == ReviewKind.DRC_APPROVAL:
        if lifecycle.can_take(user, "return", state):
            acts.append(
                Act(
                    "return",
                    _("退回修改"),
                    url("return"),
                    form=_review_form(review, "return", bound, lambda p: ReasonForm(prefix=p)),
                    style="outline-warning",
                    testid="return-button",
                )
            )
        if lifecycle.can_take(user, "reject", state):
            acts.append(
                Act(
                    "reject",
                    _("不予通过"),
                    url("reject"),
                    form=_review_form(review, "reject", bound, lambda p: ReasonForm(prefix=p)),
                    style="outline-danger",
                    testid="reject-button",
                )
            )
    colleagues = _colleagues(review, user)
    if colleagues.exists():
        acts.append(
            Act(
                "transfer",
                _("转办"),
                url("transfer"),
                form=_review_form(
                    review,
                    "transfer",
                    bound,
                    lambda p: TransferForm(prefix=p, colleagues=colleagues),
                ),
                style="outline-secondary",
                testid="transfer-button",
            )
        )
    return acts


def _copy_act(review, user, bound) -> Act:
    return Act(
        "copy",
        _("抄送"),
        _url("projects:review_action", review.pk, "copy"),
        form=_review_form(
            review, "copy", bound, lambda p: CopyForm(prefix=p, users=_copy_users(user))
        ),
        hint=_("抄送对象可查看本项目及该环节意见。"),
        style="outline-secondary",
        testid="copy-button",
    )


def _reviews(project, user, bound, request) -> list[Review]:
    reviews = list(
        for_user(Review, user)
        .filter(project=project)
        .select_related("assignee", "consultant", "decided_by")
        .prefetch_related("copies__recipient")
    )
    criteria_labels = dict(ListCriterion.choices)
    verdicts = dict(Verdict.choices)
    chapter_labels = dict(Chapter.choices)
    is_drc = user.has_role(Role.DRC_OFFICER)
    for review in reviews:
        review.criteria_rows = [
            (criteria_labels.get(k, k), verdicts.get(v.get("verdict"), "—"), v.get("opinion", ""))
            for k, v in (review.criteria or {}).items()
        ]
        review.chapter_rows = [
            (chapter_labels.get(k, k), text) for k, text in (review.chapter_opinions or {}).items()
        ]
        review.can_act = may_act_on_review(user, review)
        review.acts = _review_acts(project, review, user, bound) if review.can_act else []
        review.other_acts = []
        if review.is_open and review.can_act:
            review.acts.append(_copy_act(review, user, bound))
        elif review.is_open and is_drc:
            # DRC, which organises the whole approval, may copy any step (copy_review).
            review.other_acts.append(_copy_act(review, user, bound))
        panel = documents_panel_context(
            review,
            user,
            REVIEW_DOC_TYPES.get(review.kind, [DocType.OPINION_ATTACHMENT, DocType.OTHER]),
            next_url=request.path,
            title=_("审核意见附件"),
        )
        review.panel = panel if (panel["documents"] or panel["can_upload"]) else None
    return reviews


def _timeline(project, reviews, user) -> list[LedgerEvent]:
    """The project's ledger events and those of its reviews, oldest first. The user sees the
    project (loaded through scoping), so they see its history; the link to an event's page is
    shown only where the ledger's own scoping lets them open it."""
    events = list(
        LedgerEvent.objects.filter(
            Q(object_type="projects.project", object_id=str(project.pk))
            | Q(object_type="projects.review", object_id__in=[str(r.pk) for r in reviews])
        ).order_by("seq")
    )
    openable = set(
        for_user(LedgerEvent, user)
        .filter(seq__in=[e.seq for e in events])
        .values_list("seq", flat=True)
    )
    labels = dict(ProjectState.choices) | dict(ReviewState.choices)
    for event in events:
        event.openable = event.seq in openable
        event.from_label = labels.get(event.from_state, event.from_state)
        event.to_label = labels.get(event.to_state, event.to_state)
    return events


def _detail_context(request, project, bound=None) -> dict:
    user = request.user
    bound = bound or {}
    reviews = _reviews(project, user, bound, request)
    decisions = list(
        for_user(Decision, user)
        .filter(subject_type="projects.project", subject_id=str(project.pk))
        .select_related("policy")
        .order_by("-created_at")
    )
    ctx = {
        "project": project,
        "is_staff": is_unit_staff(user, project.unit_id),
        "unit_acts": _unit_acts(project, user, bound) + _drc_acts(project, user, bound),
        "reviews": reviews,
        "my_reviews": [r for r in reviews if r.acts],
        "timeline": _timeline(project, reviews, user),
        "decisions": decisions,
        "chapters": _chapters(project, user, bound),
        "joint_status": None,
    }
    if project.state == S.JOINT_REVIEW or any(r.kind == ReviewKind.JOINT for r in reviews):
        status = joint_review_status(project, Stage.FSR)
        state_labels = dict(ReviewState.choices)
        ctx["joint_status"] = [
            (JOINT_REVIEW_TOPIC[a], state_labels.get(status[a], _("未开始")), status[a])
            for a in JOINT_REVIEW_AUTHORITIES
        ]
    return ctx


def _load_project(request, pk) -> Project:
    return get_visible_or_404(
        Project.objects.select_related(
            "unit", "plan_item", "policy", "predecessor", "framework", "created_by"
        ),
        request.user,
        pk=pk,
    )


@login_required
def project_detail(request, pk):
    project = _load_project(request, pk)
    return render(request, "projects/detail.html", _detail_context(request, project))


def _render_failed(request, project, prefix, form):
    """A posted form failed: show the page again with the typed data and the errors."""
    ctx = _detail_context(request, project, {prefix: form})
    return render(request, "projects/detail.html", ctx)


# -- unit and DRC actions on the project -----------------------------------------------------


@login_required
@require_POST
def project_chapter(request, pk):
    project = _load_project(request, pk)
    user = request.user
    stage, chapter = request.POST.get("stage", ""), request.POST.get("chapter", "")
    if stage not in Stage.values or chapter not in Chapter.values:
        raise Http404
    prefix = f"ch-{stage}-{chapter}"
    form = ChapterForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _render_failed(request, project, prefix, form)
    _result, ok = _run(
        request,
        lambda: actions.declare_chapter(
            project.pk,
            acting_user=user,
            stage=stage,
            chapter=chapter,
            text_content=form.cleaned_data["text_content"],
        ),
        form=form,
        success=_("已保存章节“%(c)s”。") % {"c": Chapter(chapter).label},
    )
    if not ok and form.errors:
        return _render_failed(request, project, prefix, form)
    return redirect(f"{_url('projects:detail', project.pk)}#chapters")


@login_required
@require_POST
def project_action(request, pk, verb):
    project = _load_project(request, pk)
    user = request.user
    if verb == "submit":
        _run(
            request,
            lambda: actions.submit_project(project.pk, acting_user=user),
            success=_("已申报，等待市大数据发展局审核。"),
        )
    elif verb == "resubmit":
        _run(
            request,
            lambda: actions.resubmit_project(project.pk, acting_user=user),
            success=_("已修改后重新报送。"),
        )
    elif verb == "submit_design":
        _run(
            request,
            lambda: actions.submit_design(project.pk, acting_user=user),
            success=_("已报送初步设计及概（预）算，等待市大数据发展局审核内容。"),
        )
    elif verb == "withdraw":
        form = WithdrawForm(request.POST, prefix="withdraw")
        if not form.is_valid():
            return _render_failed(request, project, "withdraw", form)
        _run(
            request,
            lambda: actions.withdraw_project(
                project.pk, acting_user=user, reason=form.cleaned_data["reason"]
            ),
            success=_("已撤回，项目回到草稿状态。"),
        )
    elif verb == "accept":
        form = _accept_form(request.POST)
        if not form.is_valid():
            return _render_failed(request, project, "accept", form)
        data = form.cleaned_data
        _result, ok = _run(
            request,
            lambda: actions.accept_project(
                project.pk,
                acting_user=user,
                consultant=data["consultant"].pk,
                expert=data["expert"].pk if data["expert"] else None,
                note=data["note"],
            ),
            form=form,
            success=_("已受理，并委托第三方咨询评估机构评估。"),
        )
        if not ok and (form.errors or getattr(form, "blocked_findings", None)):
            return _render_failed(request, project, "accept", form)
    else:
        raise Http404
    return redirect("projects:detail", pk=project.pk)


# -- reviewers' actions ----------------------------------------------------------------------

REVIEW_FORMS = {
    "list": lambda review, user, data, prefix: ListReviewForm(data, prefix=prefix),
    "evaluate": lambda review, user, data, prefix: EvaluationForm(data, prefix=prefix),
    "joint": lambda review, user, data, prefix: AgreeForm(data, prefix=prefix),
    "design": lambda review, user, data, prefix: AgreeForm(data, prefix=prefix),
    "approve": lambda review, user, data, prefix: ApproveForm(data, prefix=prefix),
    "return": lambda review, user, data, prefix: ReasonForm(data, prefix=prefix),
    "reject": lambda review, user, data, prefix: ReasonForm(data, prefix=prefix),
    "transfer": lambda review, user, data, prefix: TransferForm(
        data, prefix=prefix, colleagues=_colleagues(review, user)
    ),
    "copy": lambda review, user, data, prefix: CopyForm(
        data, prefix=prefix, users=_copy_users(user)
    ),
}


def _review_call(verb, review, user, form):
    """The action and the success message of a review form."""
    d = form.cleaned_data
    pk = review.pk
    if verb == "list":
        messages_by_decision = {
            "list": _("已列入项目清单。"),
            "return": _("已退回项目建设单位修改。"),
            "reject": _("已作出不予列入的决定。"),
        }
        return (
            lambda: actions.decide_list_review(
                pk,
                acting_user=user,
                decision=d["decision"],
                criteria=form.criteria(),
                priority=d["priority"],
                opinion=d["opinion"],
            ),
            messages_by_decision.get(d["decision"], ""),
        )
    if verb == "evaluate":
        return (
            lambda: actions.submit_evaluation_report(
                pk, acting_user=user, chapter_opinions=form.chapter_opinions(), opinion=d["opinion"]
            ),
            _("已提交评估报告，项目进入联合技术审查。"),
        )
    if verb == "joint":
        agree = d["agree"] == "1"
        return (
            lambda: actions.give_joint_opinion(
                pk, acting_user=user, agree=agree, opinion=d["opinion"]
            ),
            _("已提交同意意见。") if agree else _("已退回项目建设单位修改。"),
        )
    if verb == "design":
        agree = d["agree"] == "1"
        return (
            lambda: actions.review_design_content(
                pk, acting_user=user, agree=agree, opinion=d["opinion"]
            ),
            _("已审核同意，报市发展改革委批复。") if agree else _("已退回项目建设单位修改。"),
        )
    if verb == "approve":
        amount = d["approved_amount_wan"]
        return (
            lambda: actions.approve_project(
                pk,
                acting_user=user,
                chapter_opinions=form.chapter_opinions(),
                document_number=d["document_number"],
                approved_amount_wan=amount,
                opinion=d["opinion"],
            ),
            _("已批复（%(n)s）。") % {"n": d["document_number"]},
        )
    if verb == "return":
        return (
            lambda: actions.return_project(pk, acting_user=user, opinion=d["opinion"]),
            _("已退回项目建设单位修改。"),
        )
    if verb == "reject":
        return (
            lambda: actions.reject_project(pk, acting_user=user, opinion=d["opinion"]),
            _("已作出不予通过的决定。"),
        )
    if verb == "transfer":
        target = d["to_user"]
        return (
            lambda: actions.transfer_review(
                pk, acting_user=user, to_user=target.pk, note=d["note"]
            ),
            _("已转办给%(name)s。") % {"name": target},
        )
    # copy
    recipients = list(d["recipients"])
    return (
        lambda: actions.copy_review(
            pk, acting_user=user, recipients=[u.pk for u in recipients], note=d["note"]
        ),
        _("已抄送：%(names)s。") % {"names": "、".join(str(u) for u in recipients)},
    )


@login_required
@require_POST
def review_action(request, pk, verb):
    user = request.user
    review = get_visible_or_404(Review.objects.select_related("project"), user, pk=pk)
    project = _load_project(request, review.project_id)
    if verb == "start":
        _run(
            request,
            lambda: actions.start_review(review.pk, acting_user=user),
            success=_("已签收，请办理。"),
        )
        return redirect("projects:detail", pk=project.pk)
    if verb not in REVIEW_FORMS:
        raise Http404
    prefix = f"r{review.pk}-{verb}"
    form = REVIEW_FORMS[verb](review, user, request.POST, prefix)
    if not form.is_valid():
        messages.error(request, _("填写内容有误，请按提示修改。"))
        return _render_failed(request, project, prefix, form)
    func, success = _review_call(verb, review, user, form)
    _result, ok = _run(request, func, form=form, success=success)
    if not ok and (form.errors or getattr(form, "blocked_findings", None)):
        return _render_failed(request, project, prefix, form)
    return redirect("projects:detail", pk=project.pk)
